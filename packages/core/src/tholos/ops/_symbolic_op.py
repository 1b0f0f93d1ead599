"""Ops called on symbolic tensors become nodes of a Functional graph."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tholos.errors import ConfigError
from tholos.ops.operation import Operation, auto_name
from tholos.saving.serialization import register_builtin


@register_builtin("tholos.ops")
class OpNode(Operation):
    """One public op called on KerasTensors: ``call`` runs the op again on real tensors.

    Its config names the op; ``from_config`` looks the name up among the public ops only.
    """

    def __init__(self, op: str, fn: Callable[..., Any] | None = None, name: str | None = None):
        super().__init__(name=name or auto_name(op))
        self.op_name = op
        self._fn = fn if fn is not None else _public_op(op)

    def call(self, *args: Any, **kwargs: Any) -> Any:
        return self._fn(*args, **kwargs)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "op": self.op_name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> OpNode:
        return cls(op=config["op"], name=config.get("name"))


def _public_op(op_name: str) -> Callable[..., Any]:
    from tholos.ops._dispatch import all_public_ops

    fn = all_public_ops().get(op_name)
    if fn is None:
        raise ConfigError(
            "Unknown op in a model config.",
            expected="the name of a public tholos.ops function",
            received=repr(op_name),
        )
    return fn


def symbolic_op_call(op_name: str, fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    """Run op ``op_name`` symbolically: infer its outputs and record the graph node."""
    return OpNode(op_name, fn)(*args, **kwargs)
