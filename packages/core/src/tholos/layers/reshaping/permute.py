"""``Permute``: reorder the non-batch axes."""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.errors import OpInputError
from tholos.layers.input_spec import InputSpec
from tholos.layers.layer import Layer
from tholos.saving.serialization import register_builtin


@register_builtin("tholos.layers")
class Permute(Layer):
    """Permute the non-batch axes: ``dims`` numbers them from 1, e.g. ``(2, 1)`` swaps the
    two axes of ``(batch, a, b)`` inputs.

    >>> import numpy as np
    >>> Permute((2, 1))(np.zeros((4, 2, 3))).shape
    (4, 3, 2)
    """

    def __init__(self, dims: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        dims = tuple(int(d) for d in dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise OpInputError(
                f"Permute '{self.name}': dims must be a permutation of 1..{len(dims)}.",
                expected=str(tuple(range(1, len(dims) + 1))) + " in some order",
                received=str(dims),
                hint="Axis 0 (the batch) cannot be moved; number the others from 1.",
            )
        self.dims = dims
        self.input_spec = InputSpec(ndim=len(dims) + 1)
        self.built = True

    def call(self, inputs: Any) -> Any:
        return ops.transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["dims"] = self.dims
        return config
