"""Concatenate.

>>> import numpy as np
>>> from tholos.layers import Concatenate
>>> Concatenate()([np.zeros((2, 3)), np.ones((2, 1))]).shape
(2, 4)
"""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.errors import OpInputError
from tholos.layers._deps import Layer
from tholos.layers.merging.base_merge import _shape_list


class Concatenate(Layer):
    """Joins a list of inputs along ``axis``; every other axis must match."""

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = int(axis)
        self.supports_masking = True

    def build(self, input_shape: Any) -> None:
        self.compute_output_shape(input_shape)
        self.built = True

    def call(self, inputs: Any) -> Any:
        return ops.concatenate(list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shapes = _shape_list(input_shape, self)
        ranks = {len(s) for s in shapes}
        rank = len(shapes[0])
        bad = OpInputError(
            f"Concatenate '{self.name}': inputs must match on every axis but the "
            "concatenation axis.",
            expected=f"same rank and same sizes except on axis {self.axis}",
            received=f"input shapes {shapes}",
        )
        if len(ranks) != 1 or not -rank <= self.axis < rank:
            raise bad
        axis = self.axis % rank
        out = list(shapes[0])
        for s in shapes[1:]:
            for i, d in enumerate(s):
                if i == axis:
                    out[i] = None if out[i] is None or d is None else out[i] + d
                elif out[i] is None:
                    out[i] = d
                elif d is not None and d != out[i]:
                    raise bad
        return tuple(out)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None or all(m is None for m in mask):
            return None
        inputs = list(inputs)
        full = []
        for x, m in zip(inputs, mask):
            if m is None:
                full.append(ops.ones(tuple(x.shape), dtype="bool"))
            else:
                m = ops.cast(m, "bool")
                if len(m.shape) < len(x.shape):
                    m = ops.broadcast_to(ops.expand_dims(m, -1), tuple(x.shape))
                full.append(m)
        joined = ops.concatenate(full, axis=self.axis)
        return ops.any(joined, axis=-1, keepdims=False)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"axis": self.axis})
        return config
