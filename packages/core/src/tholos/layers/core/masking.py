"""``Masking``: mask timesteps whose features all equal ``mask_value``."""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.layers.layer import Layer
from tholos.saving.serialization import register_builtin


@register_builtin("tholos.layers")
class Masking(Layer):
    """Mask timesteps (axis -2 entries) whose features all equal ``mask_value``; masked
    timesteps are zeroed in the output and skipped by mask-aware layers downstream.

    >>> import numpy as np
    >>> x = np.array([[[1.0, 2.0], [0.0, 0.0]]], dtype="float32")
    >>> np.asarray(Masking().compute_mask(x, None))
    array([[ True, False]])
    """

    def __init__(self, mask_value: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        return ops.any(ops.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs: Any) -> Any:
        keep = ops.any(ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return ops.multiply(inputs, ops.cast(keep, inputs.dtype))

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["mask_value"] = self.mask_value
        return config
