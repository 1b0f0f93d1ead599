"""UnitNormalization.

>>> import numpy as np
>>> from tholos.layers import UnitNormalization
>>> np.asarray(UnitNormalization()(np.array([[3.0, 4.0]], "float32")))
array([[0.6, 0.8]], dtype=float32)
"""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.layers._deps import Layer


class UnitNormalization(Layer):
    """Scales each example to unit L2 norm over ``axis``: ``x / sqrt(max(sum(x**2), 1e-12))``."""

    def __init__(self, axis: Any = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
            self._axes = tuple(self.axis)
        elif isinstance(axis, int):
            self.axis = axis
            self._axes = axis
        else:
            from tholos.errors import ConfigError

            raise ConfigError(
                "UnitNormalization: invalid `axis`.",
                expected="an int or a list of ints",
                received=f"axis={axis!r}",
            )
        self.supports_masking = True

    def call(self, inputs: Any) -> Any:
        square_sum = ops.sum(ops.square(inputs), axis=self._axes, keepdims=True)
        return ops.multiply(inputs, ops.rsqrt(ops.maximum(square_sum, 1e-12)))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"axis": self.axis})
        return config
