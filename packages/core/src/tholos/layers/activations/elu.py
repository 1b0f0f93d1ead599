"""ELU.

>>> import numpy as np
>>> from tholos.layers import ELU
>>> np.asarray(ELU()(np.array([0.0, 2.0], "float32")))
array([0., 2.], dtype=float32)
"""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.layers._deps import Layer


class ELU(Layer):
    """Exponential linear unit: ``x`` for ``x > 0`` and ``alpha * (exp(x) - 1)`` otherwise."""

    def __init__(self, alpha: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.alpha = float(alpha)
        self.supports_masking = True

    def call(self, inputs: Any) -> Any:
        return ops.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"alpha": self.alpha})
        return config
