"""Ops called on symbolic tensors become nodes of a Functional graph."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tholos.ops.operation import Operation, auto_name


class OpNode(Operation):
    """One public op called on KerasTensors: ``call`` runs the op again on real tensors."""

    def __init__(self, op_name: str, fn: Callable[..., Any]) -> None:
        super().__init__(name=auto_name(op_name))
        self.op_name = op_name
        self._fn = fn

    def call(self, *args: Any, **kwargs: Any) -> Any:
        return self._fn(*args, **kwargs)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "op": self.op_name}


def symbolic_op_call(op_name: str, fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    """Run op ``op_name`` symbolically: infer its outputs and record the graph node."""
    return OpNode(op_name, fn)(*args, **kwargs)
