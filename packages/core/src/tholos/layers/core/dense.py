"""``Dense``: ``activation(inputs @ kernel + bias)``."""

from __future__ import annotations

from typing import Any

from tholos import activations, constraints, initializers, ops, regularizers
from tholos.errors import OpInputError
from tholos.layers.input_spec import InputSpec
from tholos.layers.layer import Layer
from tholos.saving.serialization import register_builtin


@register_builtin("tholos.layers")
class Dense(Layer):
    """A densely connected layer: ``activation(dot(inputs, kernel) + bias)`` on the last axis.

    Args:
        units: the output size.
        activation: an activation (name or callable); ``None`` for none.
        use_bias: whether to add a bias.
        kernel_initializer, bias_initializer: initializers of the weights.
        kernel_regularizer, bias_regularizer, activity_regularizer: penalties added to
            ``losses``.
        kernel_constraint, bias_constraint: projections applied after optimizer updates.

    >>> import numpy as np
    >>> layer = Dense(2, kernel_initializer="ones")
    >>> np.asarray(layer(np.ones((1, 3), dtype="float32")))
    array([[3., 3.]], dtype=float32)
    """

    def __init__(
        self,
        units: int,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        lora_rank: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise OpInputError(
                f"Dense '{self.name}': units must be a positive integer.",
                expected="an int > 0",
                received=repr(units),
            )
        if lora_rank is not None:
            raise OpInputError(
                f"Dense '{self.name}': LoRA is not supported yet.",
                expected="lora_rank=None",
                received=repr(lora_rank),
            )
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.lora_rank = lora_rank
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape: Any) -> None:
        input_dim = input_shape[-1]
        if input_dim is None:
            raise OpInputError(
                f"Dense '{self.name}': the last dimension of the inputs must be known.",
                expected="inputs of shape (..., features)",
                received=f"input shape {tuple(input_shape)}",
            )
        self.kernel = self.add_weight(
            shape=(input_dim, self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            name="kernel",
        )
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self.units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                name="bias",
            )
        else:
            self.bias = None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True

    def call(self, inputs: Any) -> Any:
        x = ops.matmul(inputs, self.kernel)
        if self.bias is not None:
            x = ops.add(x, self.bias)
        if self.activation is not activations.linear:
            x = self.activation(x)
        return x

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "units": self.units,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": _maybe(regularizers.serialize, self.kernel_regularizer),
                "bias_regularizer": _maybe(regularizers.serialize, self.bias_regularizer),
                "kernel_constraint": _maybe(constraints.serialize, self.kernel_constraint),
                "bias_constraint": _maybe(constraints.serialize, self.bias_constraint),
            }
        )
        return config


def _maybe(fn: Any, value: Any) -> Any:
    return None if value is None else fn(value)
