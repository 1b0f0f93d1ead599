"""``Operation``: anything that can be a node of a Functional graph (ops and layers).

Called on concrete tensors, an Operation runs :meth:`Operation.call`. Called with a
:class:`~tholos.KerasTensor` anywhere in its arguments, it runs :meth:`symbolic_call`: it
infers the outputs with :meth:`compute_output_spec` and records a
:class:`~tholos.ops.node.Node`, so models can be built from the returned KerasTensors.

>>> import tholos
>>> class Double(Operation):
...     def call(self, x):
...         return tholos.ops.multiply(x, 2)
>>> y = Double()(tholos.KerasTensor((None, 3)))
>>> y.shape, type(y._keras_history.operation).__name__
((None, 3), 'Double')
"""

from __future__ import annotations

import re
from typing import Any

from tholos import tree
from tholos.backend._symbolic import any_symbolic as has_symbolic
from tholos.ops.node import Node

_UIDS: dict[str, int] = {}


def reset_uids() -> None:
    """Forget the names handed out so far (``tholos.backend.clear_session()`` calls this)."""
    _UIDS.clear()


def get_uid(prefix: str) -> int:
    """How many times ``prefix`` was asked for before (0 the first time)."""
    uid = _UIDS.get(prefix, 0)
    _UIDS[prefix] = uid + 1
    return uid


def auto_name(prefix: str) -> str:
    """A unique name: ``prefix``, then ``prefix_1``, ``prefix_2``...

    >>> reset_uids(); auto_name("dense"), auto_name("dense")
    ('dense', 'dense_1')
    """
    uid = get_uid(prefix)
    return prefix if uid == 0 else f"{prefix}_{uid}"


_WORD_START = re.compile(r"(.)([A-Z][a-z]+)")
_LOWER_UPPER = re.compile(r"([a-z])([A-Z])")


def to_snake_case(name: str) -> str:
    """``"MaxPooling2D"`` -> ``"max_pooling2d"``; ``"ReLU"`` -> ``"re_lu"``."""
    name = re.sub(r"\W+", "", name)
    name = _WORD_START.sub(r"\1_\2", name)
    return _LOWER_UPPER.sub(r"\1_\2", name).lower()


class Operation:
    """Base class of graph operations.

    Subclasses implement :meth:`call`; :meth:`compute_output_spec` defaults to running
    ``call`` on placeholder arrays (:func:`tholos.backend.compute_output_spec`).
    """

    def __init__(self, name: str | None = None) -> None:
        if name is None:
            name = auto_name(to_snake_case(type(self).__name__))
        if not isinstance(name, str) or "/" in name:
            from tholos.errors import OpInputError

            raise OpInputError(
                f"{type(self).__name__}: invalid name.",
                expected="a string without '/'",
                received=repr(name),
            )
        self.name = name
        self._inbound_nodes: list[Node] = []
        self._outbound_nodes: list[Node] = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if has_symbolic(args, kwargs):
            return self.symbolic_call(*args, **kwargs)
        return self.call(*args, **kwargs)

    def symbolic_call(self, *args: Any, **kwargs: Any) -> Any:
        """Infer the outputs and record a :class:`Node` for this call."""
        outputs = self.compute_output_spec(*args, **kwargs)
        Node(self, call_args=args, call_kwargs=kwargs, outputs=outputs)
        return outputs

    def call(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement call().")

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        from tholos.backend._symbolic import compute_output_spec

        return compute_output_spec(self.call, *args, **kwargs)

    # -- graph introspection (first call's node, as in Keras) ----------------------------------
    def _first_node(self, what: str) -> Node:
        if not self._inbound_nodes:
            raise AttributeError(
                f"{type(self).__name__} {self.name!r} has no {what}: it was never called on "
                "symbolic tensors."
            )
        return self._inbound_nodes[0]

    @property
    def input(self) -> Any:
        """The symbolic input(s) of the first call."""
        node = self._first_node("input")
        if node.call_kwargs or len(node.call_args) != 1:
            tensors = node.input_tensors
            return tensors[0] if len(tensors) == 1 else list(tensors)
        return node.call_args[0]

    @property
    def output(self) -> Any:
        """The symbolic output(s) of the first call."""
        return self._first_node("output").output_structure

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Operation:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


__all__ = ["Operation", "auto_name", "get_uid", "has_symbolic", "reset_uids", "to_snake_case"]

_ = tree  # re-exported helper module used by subclasses
