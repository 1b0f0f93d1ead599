"""``Activation``: apply an activation function."""

from __future__ import annotations

from typing import Any

from tholos import activations
from tholos.layers.layer import Layer
from tholos.saving.serialization import register_builtin


@register_builtin("tholos.layers")
class Activation(Layer):
    """Apply ``activation`` (a name such as ``"relu"`` or a callable) to the inputs.

    >>> import numpy as np
    >>> np.asarray(Activation("relu")(np.array([-1.0, 2.0])))  # cast to float32
    array([0., 2.], dtype=float32)
    """

    def __init__(self, activation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)

    def call(self, inputs: Any) -> Any:
        return self.activation(inputs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config
