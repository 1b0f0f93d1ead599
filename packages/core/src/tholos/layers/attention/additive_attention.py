"""``AdditiveAttention``: Bahdanau-style attention, ``scores = sum(scale * tanh(q + k))``."""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.layers.attention.attention import Attention
from tholos.saving.serialization import register_builtin


@register_builtin("tholos.layers")
class AdditiveAttention(Attention):
    """Additive attention over ``[query, value(, key)]``.

    ``scores[b, i, j] = sum_d scale[d] * tanh(query[b, i, d] + key[b, j, d])`` with a learned
    ``scale`` of shape ``(dim,)`` when ``use_scale`` (default True); otherwise the plain sum.
    Masks, causal masking and dropout behave as in :class:`Attention`.

    >>> import numpy as np
    >>> q = np.ones((1, 2, 3), "float32"); v = np.ones((1, 4, 3), "float32")
    >>> ops.convert_to_numpy(AdditiveAttention()([q, v])).shape
    (1, 2, 3)
    """

    def __init__(self, use_scale: bool = True, dropout: float = 0.0, **kwargs: Any) -> None:
        kwargs.pop("score_mode", None)
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape: Any) -> None:
        self._validate_inputs(input_shape)
        dim = tuple(input_shape[0])[-1]
        if self.use_scale:
            self.scale = self.add_weight(
                name="scale", shape=(dim,), initializer="glorot_uniform", trainable=True
            )
        self.built = True

    def _calculate_scores(self, query: Any, key: Any) -> Any:
        pairs = ops.tanh(ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3)))
        if self.scale is not None:
            pairs = ops.multiply(pairs, self.scale)
        return ops.sum(pairs, axis=-1)

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("score_mode", None)
        return config
