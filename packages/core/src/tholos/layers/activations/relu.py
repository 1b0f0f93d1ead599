"""ReLU.

>>> import numpy as np
>>> from tholos.layers import ReLU
>>> x = np.array([-2.0, 0.5, 3.0, 8.0], "float32")
>>> np.asarray(ReLU(max_value=6.0, negative_slope=0.1)(x))
array([-0.2,  0.5,  3. ,  6. ], dtype=float32)
"""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.errors import ConfigError
from tholos.layers._deps import Layer


def _non_negative(value: Any, name: str, allow_none: bool) -> float | None:
    if value is None and allow_none:
        return None
    if value is None or not isinstance(value, (int, float)) or value < 0:
        raise ConfigError(
            f"ReLU: `{name}` cannot be negative.",
            expected="a float >= 0" + (" or None" if allow_none else ""),
            received=f"{name}={value!r}",
        )
    return float(value)


class ReLU(Layer):
    """Rectified linear unit with optional cap, leak and threshold.

    ``f(x) = max_value`` for ``x >= max_value``, ``x`` for ``threshold < x < max_value``,
    and ``negative_slope * (x - threshold)`` for ``x <= threshold``.
    """

    def __init__(
        self,
        max_value: float | None = None,
        negative_slope: float = 0.0,
        threshold: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.max_value = _non_negative(max_value, "max_value", True)
        self.negative_slope = _non_negative(negative_slope, "negative_slope", False)
        self.threshold = _non_negative(threshold, "threshold", False)
        self.supports_masking = True

    def call(self, inputs: Any) -> Any:
        slope, top, t = self.negative_slope, self.max_value, self.threshold
        if t == 0.0 and top is None:
            return ops.relu(inputs) if slope == 0.0 else ops.leaky_relu(inputs, slope)
        if t == 0.0:
            out = ops.relu(inputs)
        else:
            out = ops.multiply(inputs, ops.cast(ops.greater(inputs, t), inputs.dtype))
        if top is not None:
            out = ops.minimum(out, top)
        if slope != 0.0:
            out = ops.subtract(out, ops.multiply(ops.relu(ops.subtract(t, inputs)), slope))
        return out

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "max_value": self.max_value,
                "negative_slope": self.negative_slope,
                "threshold": self.threshold,
            }
        )
        return config
