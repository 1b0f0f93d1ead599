"""Shared machinery of the global pooling layers."""

from __future__ import annotations

from typing import Any

from tholos.layers import _arg_utils as au
from tholos.layers._deps import InputSpec, Layer


class BaseGlobalPooling(Layer):
    """Reduces every spatial axis; ``keepdims=True`` keeps them with length 1."""

    def __init__(
        self,
        pool_dimensions: int,
        data_format: str | None = None,
        keepdims: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.data_format = au.standardize_data_format(data_format, layer=type(self).__name__)
        self.keepdims = bool(keepdims)
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self._axes = au.spatial_axes(self.data_format, pool_dimensions + 2)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        if self.keepdims:
            return tuple(1 if i in self._axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in self._axes)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return config
