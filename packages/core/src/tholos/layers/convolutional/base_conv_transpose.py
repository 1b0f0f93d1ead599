"""Shared machinery of the transposed-convolution layers."""

from __future__ import annotations

from typing import Any

from tholos import constraints, initializers, ops, regularizers
from tholos.errors import ConfigError
from tholos.layers import _arg_utils as au
from tholos.layers.convolutional.base_conv import ConvCommon


class BaseConvTranspose(ConvCommon):
    """N-D transposed convolution (the gradient of a convolution with respect to its input).

    Weights: ``kernel`` of shape ``kernel_size + (filters, input_channels)`` and ``bias`` of
    shape ``(filters,)``.
    """

    def __init__(
        self,
        rank: int,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        output_padding: Any = None,
        data_format: str | None = None,
        dilation_rate: Any = 1,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            rank,
            kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            bias_initializer=bias_initializer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            bias_constraint=bias_constraint,
            allow_causal=False,
            **kwargs,
        )
        name = type(self).__name__
        if not isinstance(filters, int) or isinstance(filters, bool) or filters <= 0:
            raise ConfigError(
                f"{name}: invalid `filters`.",
                expected="a positive int",
                received=f"filters={filters!r}",
            )
        self.filters = filters
        if output_padding is None:
            self.output_padding = None
        else:
            self.output_padding = au.normalize_tuple(
                output_padding, rank, "output_padding", allow_zero=True, layer=name
            )
            for stride, pad in zip(self.strides, self.output_padding):
                if pad >= stride:
                    raise ConfigError(
                        f"{name}: `output_padding` must be smaller than `strides`.",
                        expected="output_padding[i] < strides[i] along every axis",
                        received=f"output_padding={self.output_padding}, strides={self.strides}",
                    )
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)

    def build(self, input_shape: tuple) -> None:
        channels = self._input_channels(input_shape)
        self.kernel = self.add_weight(
            name="kernel",
            shape=(*self.kernel_size, self.filters, channels),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            trainable=True,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.filters,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                trainable=True,
            )
        else:
            self.bias = None
        self._finish_build(input_shape, channels, self.filters)
        self.built = True

    def call(self, inputs: Any) -> Any:
        outputs = ops.conv_transpose(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            output_padding=self.output_padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        return self._finish_call(outputs, self.bias)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        spatial = au.spatial_axes(self.data_format, len(input_shape))
        out_pad = self.output_padding or (None,) * self.rank
        lengths = [
            au.conv_transpose_output_length(
                input_shape[ax],
                self.kernel_size[i],
                self.padding,
                self.strides[i],
                out_pad[i],
                self.dilation_rate[i],
            )
            for i, ax in enumerate(spatial)
        ]
        return self._assemble_shape(input_shape, lengths, self.filters)

    def get_config(self) -> dict:
        config = super().get_config()
        common = self._common_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": common["kernel_size"],
                "strides": common["strides"],
                "padding": common["padding"],
                "output_padding": self.output_padding,
                "data_format": common["data_format"],
                "dilation_rate": common["dilation_rate"],
                "activation": common["activation"],
                "use_bias": common["use_bias"],
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                **self._bias_config(),
            }
        )
        return config
