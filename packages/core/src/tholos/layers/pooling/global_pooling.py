"""GlobalMaxPooling1D/2D/3D and GlobalAveragePooling1D/2D/3D.

>>> import numpy as np
>>> from tholos.layers import GlobalAveragePooling2D
>>> x = np.arange(8, dtype="float32").reshape(1, 2, 2, 2)
>>> np.asarray(GlobalAveragePooling2D()(x))
array([[3., 4.]], dtype=float32)
"""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.layers.pooling.base_global_pooling import BaseGlobalPooling


class _GlobalMax(BaseGlobalPooling):
    def call(self, inputs: Any) -> Any:
        return ops.max(inputs, axis=self._axes, keepdims=self.keepdims)


class _GlobalAverage(BaseGlobalPooling):
    def call(self, inputs: Any) -> Any:
        return ops.mean(inputs, axis=self._axes, keepdims=self.keepdims)


class GlobalMaxPooling1D(_GlobalMax):
    """Maximum over the steps axis of (batch, steps, features) inputs."""

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any):
        super().__init__(1, data_format=data_format, keepdims=keepdims, **kwargs)


class GlobalMaxPooling2D(_GlobalMax):
    """Maximum over both spatial axes of 4-D inputs."""

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any):
        super().__init__(2, data_format=data_format, keepdims=keepdims, **kwargs)


class GlobalMaxPooling3D(_GlobalMax):
    """Maximum over the three spatial axes of 5-D inputs."""

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any):
        super().__init__(3, data_format=data_format, keepdims=keepdims, **kwargs)


class GlobalAveragePooling1D(_GlobalAverage):
    """Mean over the steps axis of (batch, steps, features) inputs; masked steps are skipped."""

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any):
        super().__init__(1, data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None:
            return ops.mean(inputs, axis=self._axes, keepdims=self.keepdims)
        step_axis = self._axes[0]
        weights = ops.expand_dims(ops.cast(mask, inputs.dtype), 3 - step_axis)
        total = ops.sum(ops.multiply(inputs, weights), axis=step_axis, keepdims=self.keepdims)
        count = ops.sum(weights, axis=step_axis, keepdims=self.keepdims)
        return ops.divide(total, count)

    def compute_mask(self, inputs: Any, mask: Any = None) -> None:
        return None


class GlobalAveragePooling2D(_GlobalAverage):
    """Mean over both spatial axes of 4-D inputs."""

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any):
        super().__init__(2, data_format=data_format, keepdims=keepdims, **kwargs)


class GlobalAveragePooling3D(_GlobalAverage):
    """Mean over the three spatial axes of 5-D inputs."""

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any):
        super().__init__(3, data_format=data_format, keepdims=keepdims, **kwargs)
