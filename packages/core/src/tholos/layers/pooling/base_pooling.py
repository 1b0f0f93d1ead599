"""Shared machinery of the windowed pooling layers (MaxPooling*, AveragePooling*)."""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.layers import _arg_utils as au
from tholos.layers._deps import InputSpec, Layer


class BasePooling(Layer):
    """Pools ``pool_size`` windows moved by ``strides`` (default: ``pool_size``)."""

    def __init__(
        self,
        pool_size: Any,
        strides: Any,
        pool_dimensions: int,
        pool_mode: str = "max",
        padding: str = "valid",
        data_format: str | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        layer = type(self).__name__
        self.pool_size = au.normalize_tuple(pool_size, pool_dimensions, "pool_size", layer=layer)
        strides = pool_size if strides is None else strides
        self.strides = au.normalize_tuple(strides, pool_dimensions, "strides", layer=layer)
        self.pool_mode = pool_mode
        self.padding = au.standardize_padding(padding, layer=layer)
        self.data_format = au.standardize_data_format(data_format, layer=layer)
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self._op = ops.max_pool if pool_mode == "max" else ops.average_pool

    def call(self, inputs: Any) -> Any:
        return self._op(
            inputs,
            pool_size=self.pool_size,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
        )

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        spatial = au.spatial_axes(self.data_format, len(input_shape))
        out = list(input_shape)
        for i, ax in enumerate(spatial):
            out[ax] = au.conv_output_length(
                input_shape[ax], self.pool_size[i], self.padding, self.strides[i]
            )
        return tuple(out)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "pool_size": self.pool_size,
                "padding": self.padding,
                "strides": self.strides,
                "data_format": self.data_format,
            }
        )
        return config
