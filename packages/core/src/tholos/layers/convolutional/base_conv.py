"""Shared machinery of the convolution layers: argument checks, bias, causal padding, shapes."""

from __future__ import annotations

from typing import Any

from tholos import activations, constraints, initializers, ops, regularizers
from tholos.errors import ConfigError, OpInputError
from tholos.layers import _arg_utils as au
from tholos.layers._deps import InputSpec, Layer


class ConvCommon(Layer):
    """Arguments every convolution layer shares (rank, window, strides, padding, format, bias)."""

    def __init__(
        self,
        rank: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
        activation: Any = None,
        use_bias: bool = True,
        bias_initializer: Any = "zeros",
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        bias_constraint: Any = None,
        allow_causal: bool | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=regularizers.get(activity_regularizer), **kwargs)
        name = type(self).__name__
        self.rank = rank
        self.kernel_size = au.normalize_tuple(kernel_size, rank, "kernel_size", layer=name)
        self.strides = au.normalize_tuple(strides, rank, "strides", layer=name)
        self.dilation_rate = au.normalize_tuple(dilation_rate, rank, "dilation_rate", layer=name)
        if allow_causal is None:
            allow_causal = rank == 1
        self.padding = au.standardize_padding(padding, allow_causal=allow_causal, layer=name)
        self.data_format = au.standardize_data_format(data_format, layer=name)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ConfigError(
                f"{name}: `strides > 1` is not supported together with `dilation_rate > 1`.",
                expected="strides == 1 or dilation_rate == 1 along every axis",
                received=f"strides={self.strides}, dilation_rate={self.dilation_rate}",
            )
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.bias_initializer = initializers.get(bias_initializer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(ndim=rank + 2)
        self._channel_axis = -1 if self.data_format == "channels_last" else 1
        # Conv ops receive "valid" and an explicit left pad for causal padding.
        self._op_padding = "valid" if self.padding == "causal" else self.padding
        self._causal_pad = None
        self._bias_shape = None

    # -- build helpers ---------------------------------------------------------------------

    def _input_channels(self, input_shape: tuple) -> int:
        if len(input_shape) != self.rank + 2:
            raise OpInputError(
                f"{type(self).__name__} '{self.name}': wrong input rank.",
                expected=f"a rank-{self.rank + 2} input (batch, spatial..., channels)",
                received=f"input shape {tuple(input_shape)}",
            )
        channels = input_shape[self._channel_axis]
        if channels is None:
            raise OpInputError(
                f"{type(self).__name__} '{self.name}': the channel dimension must be known.",
                expected=f"input_shape[{self._channel_axis}] set",
                received=f"input shape {tuple(input_shape)}",
            )
        return int(channels)

    def _finish_build(self, input_shape: tuple, channels: int, out_channels: int) -> None:
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: channels})
        if self.data_format == "channels_first":
            self._bias_shape = (out_channels, *(1,) * self.rank)
        else:
            self._bias_shape = None  # (out_channels,) already broadcasts
        if self.padding == "causal":
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            pad = [[0, 0], [0, 0], [0, 0]]
            pad[1 if self.data_format == "channels_last" else 2] = [left, 0]
            self._causal_pad = pad

    def _add_bias(self, outputs: Any, bias: Any) -> Any:
        if self._bias_shape is not None:
            bias = ops.reshape(bias, self._bias_shape)
        return ops.add(outputs, bias)

    def _pad_causal(self, inputs: Any) -> Any:
        if self._causal_pad is None:
            return inputs
        return ops.pad(inputs, self._causal_pad)

    def _finish_call(self, outputs: Any, bias: Any) -> Any:
        if self.use_bias:
            outputs = self._add_bias(outputs, bias)
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs

    # -- shapes and config -------------------------------------------------------------------

    def _spatial_output(self, input_shape: tuple) -> list:
        spatial = au.spatial_axes(self.data_format, len(input_shape))
        return [
            au.conv_output_length(
                input_shape[ax],
                self.kernel_size[i],
                self.padding,
                self.strides[i],
                self.dilation_rate[i],
            )
            for i, ax in enumerate(spatial)
        ]

    def _assemble_shape(self, input_shape: tuple, spatial: list, channels: int) -> tuple:
        if self.data_format == "channels_last":
            return (input_shape[0], *spatial, channels)
        return (input_shape[0], channels, *spatial)

    def _common_config(self) -> dict:
        return {
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
        }

    def _bias_config(self) -> dict:
        return {
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }


class BaseConv(ConvCommon):
    """N-D convolution: ``activation(conv(inputs, kernel) + bias)``.

    Weights: ``kernel`` of shape ``kernel_size + (input_channels // groups, filters)`` and
    ``bias`` of shape ``(filters,)``.
    """

    def __init__(
        self,
        rank: int,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
        groups: int = 1,
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
            **kwargs,
        )
        name = type(self).__name__
        if not isinstance(filters, int) or isinstance(filters, bool) or filters <= 0:
            raise ConfigError(
                f"{name}: invalid `filters`.",
                expected="a positive int",
                received=f"filters={filters!r}",
            )
        if not isinstance(groups, int) or groups <= 0 or filters % groups:
            raise ConfigError(
                f"{name}: invalid `groups`.",
                expected="a positive int that divides `filters`",
                received=f"groups={groups!r}, filters={filters}",
            )
        self.filters = filters
        self.groups = groups
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)

    def build(self, input_shape: tuple) -> None:
        channels = self._input_channels(input_shape)
        if channels % self.groups:
            raise OpInputError(
                f"{type(self).__name__} '{self.name}': input channels are not divisible by "
                "`groups`.",
                expected=f"a channel count divisible by groups={self.groups}",
                received=f"input shape {tuple(input_shape)}",
            )
        self.kernel = self.add_weight(
            name="kernel",
            shape=(*self.kernel_size, channels // self.groups, self.filters),
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

    def convolution_op(self, inputs: Any, kernel: Any) -> Any:
        # With groups > 1 the kernel has input_channels // groups input channels, which
        # ops.conv reads as a grouped convolution.
        return ops.conv(
            inputs,
            kernel,
            strides=self.strides,
            padding=self._op_padding,
            dilation_rate=self.dilation_rate,
            data_format=self.data_format,
        )

    def call(self, inputs: Any) -> Any:
        outputs = self.convolution_op(self._pad_causal(inputs), self.kernel)
        return self._finish_call(outputs, self.bias)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return self._assemble_shape(input_shape, self._spatial_output(input_shape), self.filters)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"filters": self.filters, **self._common_config(), "groups": self.groups})
        config.update(
            {
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                **self._bias_config(),
            }
        )
        return config
