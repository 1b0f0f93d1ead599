"""LeakyReLU.

>>> import numpy as np
>>> from tholos.layers import LeakyReLU
>>> np.asarray(LeakyReLU()(np.array([-1.0, 2.0], "float32")))
array([-0.3,  2. ], dtype=float32)
"""

from __future__ import annotations

import warnings
from typing import Any

from tholos import ops
from tholos.errors import ConfigError
from tholos.layers._deps import Layer


class LeakyReLU(Layer):
    """``x`` for ``x >= 0`` and ``negative_slope * x`` otherwise (``alpha`` is a deprecated
    alias of ``negative_slope``)."""

    def __init__(self, negative_slope: float = 0.3, **kwargs: Any) -> None:
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn("LeakyReLU: `alpha` is deprecated; use `negative_slope`.", stacklevel=2)
        super().__init__(**kwargs)
        if (
            negative_slope is None
            or not isinstance(negative_slope, (int, float))
            or (negative_slope < 0)
        ):
            raise ConfigError(
                "LeakyReLU: invalid `negative_slope`.",
                expected="a float >= 0",
                received=f"negative_slope={negative_slope!r}",
            )
        self.negative_slope = float(negative_slope)
        self.supports_masking = True

    def call(self, inputs: Any) -> Any:
        return ops.leaky_relu(inputs, negative_slope=self.negative_slope)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"negative_slope": self.negative_slope})
        return config
