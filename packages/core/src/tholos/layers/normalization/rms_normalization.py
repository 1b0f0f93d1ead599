"""RMSNormalization.

>>> import numpy as np
>>> from tholos.layers import RMSNormalization
>>> x = np.array([[3.0, 4.0]], "float32")   # rms = sqrt(12.5)
>>> np.asarray(RMSNormalization(epsilon=0.0)(x)).round(4)
array([[0.8485, 1.1314]], dtype=float32)
"""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.backend.dtypes import standardize_dtype
from tholos.layers import _arg_utils as au
from tholos.layers._deps import Layer
from tholos.layers.normalization.layer_normalization import weight_shapes

_LOW_PRECISION = ("float16", "bfloat16")


class RMSNormalization(Layer):
    """``x * scale / sqrt(mean(x**2 over axis) + epsilon)``; weight ``scale`` (ones)."""

    def __init__(self, axis: Any = -1, epsilon: float = 1e-6, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else int(axis)
        self.epsilon = float(epsilon)
        self.supports_masking = True

    def build(self, input_shape: tuple) -> None:
        self._axes = au.normalize_axes(self.axis, len(input_shape), "RMSNormalization")
        shape, self._bshape = weight_shapes(input_shape, self._axes, self)
        self.scale = self.add_weight(name="scale", shape=shape, initializer="ones", autocast=False)
        self.built = True

    def call(self, inputs: Any) -> Any:
        input_dtype = standardize_dtype(inputs.dtype)
        if input_dtype in _LOW_PRECISION:
            inputs = ops.cast(inputs, "float32")
        ms = ops.mean(ops.square(inputs), axis=self._axes, keepdims=True)
        outputs = ops.multiply(inputs, ops.rsqrt(ops.add(ms, self.epsilon)))
        scale = self.scale if self._bshape is None else ops.reshape(self.scale, self._bshape)
        outputs = ops.multiply(outputs, ops.cast(scale, outputs.dtype))
        if input_dtype in _LOW_PRECISION:
            outputs = ops.cast(outputs, input_dtype)
        return outputs

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"axis": self.axis, "epsilon": self.epsilon})
        return config
