"""Softmax.

>>> import numpy as np
>>> from tholos.layers import Softmax
>>> x = np.array([[1.0, 1.0, 5.0]], "float32")
>>> np.asarray(Softmax()(x, mask=np.array([[True, True, False]])))
array([[0.5, 0.5, 0. ]], dtype=float32)
"""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.backend.dtypes import standardize_dtype
from tholos.layers._deps import Layer


def large_negative(dtype: str) -> float:
    """A finite, very negative logit for ``dtype`` (masked positions)."""
    return -3e4 if dtype == "float16" else -1e9


class Softmax(Layer):
    """Softmax over ``axis`` (an int or a tuple of ints). Positions where ``mask`` is False
    get probability 0 (the rest are renormalized)."""

    def __init__(self, axis: Any = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else int(axis)
        self._axes = tuple(self.axis) if isinstance(self.axis, list) else self.axis
        self.supports_masking = True

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if mask is not None:
            dtype = standardize_dtype(inputs.dtype)
            if standardize_dtype(mask.dtype) != "bool":
                mask = ops.greater(mask, 0.5)
            inputs = ops.where(mask, inputs, ops.cast(large_negative(dtype), dtype))
        if isinstance(self._axes, tuple):
            lse = ops.logsumexp(inputs, axis=self._axes, keepdims=True)
            outputs = ops.exp(ops.subtract(inputs, lse))
        else:
            outputs = ops.softmax(inputs, axis=self._axes)
        if mask is not None:
            outputs = ops.multiply(outputs, ops.cast(mask, outputs.dtype))
        return outputs

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"axis": self.axis})
        return config
