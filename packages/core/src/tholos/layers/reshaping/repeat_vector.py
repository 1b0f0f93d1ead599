"""``RepeatVector``: repeat a vector ``n`` times along a new axis."""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.errors import OpInputError
from tholos.layers.input_spec import InputSpec
from tholos.layers.layer import Layer
from tholos.saving.serialization import register_builtin


@register_builtin("tholos.layers")
class RepeatVector(Layer):
    """``(batch, features)`` -> ``(batch, n, features)``.

    >>> import numpy as np
    >>> RepeatVector(3)(np.zeros((2, 5))).shape
    (2, 3, 5)
    """

    def __init__(self, n: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise OpInputError(
                f"RepeatVector '{self.name}': n must be a non-negative int.",
                expected="an int >= 0",
                received=repr(n),
            )
        self.n = n
        self.input_spec = InputSpec(ndim=2)
        self.built = True

    def call(self, inputs: Any) -> Any:
        return ops.repeat(ops.expand_dims(inputs, 1), self.n, axis=1)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["n"] = self.n
        return config
