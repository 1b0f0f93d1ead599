"""Function forms of the merge layers: ``add([a, b])`` is ``Add()([a, b])``.

>>> import numpy as np
>>> from tholos.layers import add
>>> np.asarray(add([np.array([1.0], "float32"), np.array([2.0], "float32")]))
array([3.], dtype=float32)
"""

from __future__ import annotations

from typing import Any

from tholos.layers.merging.concatenate import Concatenate
from tholos.layers.merging.dot import Dot
from tholos.layers.merging.elementwise import (
    Add,
    Average,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
)


def add(inputs: list, **kwargs: Any) -> Any:
    """Element-wise sum of ``inputs`` (see :class:`Add`)."""
    return Add(**kwargs)(inputs)


def subtract(inputs: list, **kwargs: Any) -> Any:
    """``inputs[0] - inputs[1]`` (see :class:`Subtract`)."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs: list, **kwargs: Any) -> Any:
    """Element-wise product of ``inputs`` (see :class:`Multiply`)."""
    return Multiply(**kwargs)(inputs)


def average(inputs: list, **kwargs: Any) -> Any:
    """Element-wise mean of ``inputs`` (see :class:`Average`)."""
    return Average(**kwargs)(inputs)


def maximum(inputs: list, **kwargs: Any) -> Any:
    """Element-wise maximum of ``inputs`` (see :class:`Maximum`)."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs: list, **kwargs: Any) -> Any:
    """Element-wise minimum of ``inputs`` (see :class:`Minimum`)."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs: list, axis: int = -1, **kwargs: Any) -> Any:
    """Join ``inputs`` along ``axis`` (see :class:`Concatenate`)."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs: list, axes: Any = -1, **kwargs: Any) -> Any:
    """Per-example dot product of two inputs along ``axes`` (see :class:`Dot`)."""
    return Dot(axes=axes, **kwargs)(inputs)
