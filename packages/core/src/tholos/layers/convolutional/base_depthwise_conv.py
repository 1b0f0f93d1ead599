"""Shared machinery of the depthwise convolution layers."""

from __future__ import annotations

from typing import Any

from tholos import constraints, initializers, ops, regularizers
from tholos.errors import ConfigError
from tholos.layers.convolutional.base_conv import ConvCommon


class BaseDepthwiseConv(ConvCommon):
    """N-D depthwise convolution: each input channel is convolved with its own filters.

    Weights: ``kernel`` of shape ``kernel_size + (input_channels, depth_multiplier)`` and
    ``bias`` of shape ``(input_channels * depth_multiplier,)``.
    """

    def __init__(
        self,
        rank: int,
        depth_multiplier: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        depthwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
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
            **kwargs,
        )
        if (
            not isinstance(depth_multiplier, int)
            or isinstance(depth_multiplier, bool)
            or depth_multiplier <= 0
        ):
            raise ConfigError(
                f"{type(self).__name__}: invalid `depth_multiplier`.",
                expected="a positive int",
                received=f"depth_multiplier={depth_multiplier!r}",
            )
        self.depth_multiplier = depth_multiplier
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)

    def build(self, input_shape: tuple) -> None:
        channels = self._input_channels(input_shape)
        self.kernel = self.add_weight(
            name="kernel",
            shape=(*self.kernel_size, channels, self.depth_multiplier),
            initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
            trainable=True,
        )
        out_channels = channels * self.depth_multiplier
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(out_channels,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                trainable=True,
            )
        else:
            self.bias = None
        self._out_channels = out_channels
        self._finish_build(input_shape, channels, out_channels)
        self.built = True

    def call(self, inputs: Any) -> Any:
        outputs = ops.depthwise_conv(
            self._pad_causal(inputs),
            self.kernel,
            strides=self.strides,
            padding=self._op_padding,
            dilation_rate=self.dilation_rate,
            data_format=self.data_format,
        )
        return self._finish_call(outputs, self.bias)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        channels = input_shape[self._channel_axis]
        out = None if channels is None else channels * self.depth_multiplier
        return self._assemble_shape(input_shape, self._spatial_output(input_shape), out)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "depth_multiplier": self.depth_multiplier,
                **self._common_config(),
                "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
                "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
                "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
                **self._bias_config(),
            }
        )
        return config
