"""``Identity``: return the inputs unchanged."""

from __future__ import annotations

from typing import Any

from tholos import tree
from tholos.backend._symbolic import KerasTensor
from tholos.layers.layer import Layer
from tholos.saving.serialization import register_builtin


@register_builtin("tholos.layers")
class Identity(Layer):
    """Return the inputs unchanged (masks pass through).

    >>> Identity()(3.0)
    3.0
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self._convert_input_args = False

    def call(self, inputs: Any) -> Any:
        return inputs

    def compute_output_spec(self, inputs: Any) -> Any:
        return tree.map_structure(
            lambda x: KerasTensor(x.shape, dtype=x.dtype, sparse=x.sparse), inputs
        )
