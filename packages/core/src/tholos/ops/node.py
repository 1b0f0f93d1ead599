"""Graph nodes: one call of an :class:`~tholos.ops.operation.Operation` on symbolic tensors.

A :class:`Node` records the operation, the arguments it was called with (KerasTensors and
constants, nested as given) and the KerasTensors it returned. Each output KerasTensor gets
``_keras_history = KerasHistory(operation, node_index, tensor_index)``: which node made it,
so a Functional model can walk the graph back from its outputs to its inputs.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from tholos import tree
from tholos.backend._symbolic import KerasTensor


class KerasHistory(NamedTuple):
    """Where a KerasTensor comes from: ``operation._inbound_nodes[node_index]``'s
    ``tensor_index``-th output."""

    operation: Any
    node_index: int
    tensor_index: int


def symbolic_leaves(structure: Any) -> list[KerasTensor]:
    """The KerasTensors of a nested structure, in flatten order."""
    return [x for x in tree.flatten(structure) if isinstance(x, KerasTensor)]


class Node:
    """One call of ``operation`` in a graph.

    Attributes:
        operation: the Operation (or Layer) called.
        call_args, call_kwargs: the arguments, as passed (KerasTensors stay in place).
        input_tensors: the KerasTensors among the arguments, in flatten order.
        outputs: the output KerasTensors, flattened.
        output_structure: the outputs as returned (nested).
    """

    def __init__(
        self,
        operation: Any,
        call_args: tuple[Any, ...] | None = None,
        call_kwargs: dict[str, Any] | None = None,
        outputs: Any = None,
    ) -> None:
        self.operation = operation
        self.call_args = tuple(call_args or ())
        self.call_kwargs = dict(call_kwargs or {})
        self.input_tensors = symbolic_leaves((self.call_args, self.call_kwargs))
        self.output_structure = outputs
        self.outputs = [x for x in tree.flatten(outputs) if isinstance(x, KerasTensor)]
        self.node_index = len(operation._inbound_nodes)
        operation._inbound_nodes.append(self)
        for index, tensor in enumerate(self.outputs):
            tensor._keras_history = KerasHistory(operation, self.node_index, index)
        for parent in self.parent_nodes:
            parent.operation._outbound_nodes.append(self)

    @property
    def is_input(self) -> bool:
        """True for a node without symbolic inputs (an InputLayer's)."""
        return not self.input_tensors

    @property
    def parent_nodes(self) -> list[Node]:
        """The nodes that produced this node's inputs (in input order, without repeats)."""
        parents: list[Node] = []
        for tensor in self.input_tensors:
            history = getattr(tensor, "_keras_history", None)
            if history is None:
                continue
            node = history.operation._inbound_nodes[history.node_index]
            if not any(node is p for p in parents):
                parents.append(node)
        return parents

    def fill_arguments(self, values: dict[int, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """The call arguments with each KerasTensor replaced by ``values[id(tensor)]``."""

        def fill(x: Any) -> Any:
            if isinstance(x, KerasTensor):
                return values[id(x)]
            return x

        if (
            not self.call_kwargs
            and len(self.call_args) == 1
            and isinstance(self.call_args[0], KerasTensor)
        ):
            return (values[id(self.call_args[0])],), {}
        args, kwargs = tree.map_structure(fill, (list(self.call_args), self.call_kwargs))
        return tuple(args), kwargs

    def __repr__(self) -> str:
        name = getattr(self.operation, "name", self.operation)
        return f"<Node operation={name!r} index={self.node_index}>"
