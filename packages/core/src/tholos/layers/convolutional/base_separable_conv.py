"""Shared machinery of the separable convolution layers."""

from __future__ import annotations

from typing import Any

from tholos import constraints, initializers, ops, regularizers
from tholos.errors import ConfigError
from tholos.layers.convolutional.base_conv import ConvCommon


class BaseSeparableConv(ConvCommon):
    """N-D separable convolution: a depthwise convolution followed by a 1x1 (pointwise) one.

    Weights: ``depthwise_kernel`` of shape ``kernel_size + (input_channels, depth_multiplier)``,
    ``pointwise_kernel`` of shape ``(1,) * rank + (input_channels * depth_multiplier, filters)``
    and ``bias`` of shape ``(filters,)``.
    """

    def __init__(
        self,
        rank: int,
        depth_multiplier: int,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform",
        pointwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        depthwise_regularizer: Any = None,
        pointwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        pointwise_constraint: Any = None,
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
        name = type(self).__name__
        for arg, value in (("depth_multiplier", depth_multiplier), ("filters", filters)):
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ConfigError(
                    f"{name}: invalid `{arg}`.",
                    expected="a positive int",
                    received=f"{arg}={value!r}",
                )
        self.depth_multiplier = depth_multiplier
        self.filters = filters
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def build(self, input_shape: tuple) -> None:
        channels = self._input_channels(input_shape)
        self.depthwise_kernel = self.add_weight(
            name="depthwise_kernel",
            shape=(*self.kernel_size, channels, self.depth_multiplier),
            initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
            trainable=True,
        )
        self.pointwise_kernel = self.add_weight(
            name="pointwise_kernel",
            shape=(*(1,) * self.rank, channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer,
            regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint,
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
        outputs = ops.separable_conv(
            self._pad_causal(inputs),
            self.depthwise_kernel,
            self.pointwise_kernel,
            strides=self.strides,
            padding=self._op_padding,
            dilation_rate=self.dilation_rate,
            data_format=self.data_format,
        )
        return self._finish_call(outputs, self.bias)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return self._assemble_shape(input_shape, self._spatial_output(input_shape), self.filters)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "depth_multiplier": self.depth_multiplier,
                "filters": self.filters,
                **self._common_config(),
                "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
                "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
                "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
                "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer),
                "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
                "pointwise_constraint": constraints.serialize(self.pointwise_constraint),
                **self._bias_config(),
            }
        )
        return config
