"""ActivityRegularization.

>>> import numpy as np
>>> from tholos.layers import ActivityRegularization
>>> layer = ActivityRegularization(l1=0.5)
>>> _ = layer(np.array([[1.0, -2.0]], "float32"))
>>> [float(loss) for loss in layer.losses]
[1.5]
"""

from __future__ import annotations

from typing import Any

from tholos import regularizers
from tholos.layers._deps import Layer


class ActivityRegularization(Layer):
    """Identity that adds ``l1 * sum(|x|) + l2 * sum(x**2)`` of its output to the losses."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs: Any) -> None:
        kwargs.pop("activity_regularizer", None)
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1 = l1
        self.l2 = l2
        self.supports_masking = True

    def call(self, inputs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("activity_regularizer", None)
        config.update({"l1": self.l1, "l2": self.l2})
        return config
