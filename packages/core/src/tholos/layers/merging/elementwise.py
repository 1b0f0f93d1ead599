"""Add, Subtract, Multiply, Average, Maximum and Minimum.

>>> import numpy as np
>>> from tholos.layers import Add, Average
>>> a, b = np.array([[1.0, 2.0]], "float32"), np.array([[3.0, 6.0]], "float32")
>>> np.asarray(Add()([a, b]))
array([[4., 8.]], dtype=float32)
>>> np.asarray(Average()([a, b]))
array([[2., 4.]], dtype=float32)
"""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.errors import OpInputError
from tholos.layers.merging.base_merge import Merge


def _fold(fn: Any, inputs: list) -> Any:
    out = inputs[0]
    for x in inputs[1:]:
        out = fn(out, x)
    return out


class Add(Merge):
    """Element-wise sum of a list of inputs."""

    def _merge_function(self, inputs: list) -> Any:
        return _fold(ops.add, inputs)


class Subtract(Merge):
    """``inputs[0] - inputs[1]``; takes exactly two inputs."""

    def _check_count(self, shapes: list[tuple]) -> None:
        if len(shapes) != 2:
            raise OpInputError(
                f"Subtract '{self.name}': takes exactly 2 inputs.",
                expected="a list of 2 tensors",
                received=f"{len(shapes)} inputs",
            )

    def _merge_function(self, inputs: list) -> Any:
        if len(inputs) != 2:
            self._check_count(inputs)
        return ops.subtract(inputs[0], inputs[1])


class Multiply(Merge):
    """Element-wise product of a list of inputs."""

    def _merge_function(self, inputs: list) -> Any:
        return _fold(ops.multiply, inputs)


class Average(Merge):
    """Element-wise mean of a list of inputs."""

    def _merge_function(self, inputs: list) -> Any:
        return ops.divide(_fold(ops.add, inputs), len(inputs))


class Maximum(Merge):
    """Element-wise maximum of a list of inputs."""

    def _merge_function(self, inputs: list) -> Any:
        return _fold(ops.maximum, inputs)


class Minimum(Merge):
    """Element-wise minimum of a list of inputs."""

    def _merge_function(self, inputs: list) -> Any:
        return _fold(ops.minimum, inputs)
