"""``Attention``: dot-product (Luong-style) attention over ``[query, value(, key)]``."""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos import random as trandom
from tholos.backend.dtypes import standardize_dtype
from tholos.errors import ConfigError, OpInputError
from tholos.layers.layer import Layer
from tholos.saving.serialization import register_builtin

SCORE_MODES = ("dot", "concat")


@register_builtin("tholos.layers")
class Attention(Layer):
    """Dot-product attention: ``softmax(scores(query, key)) @ value``.

    Inputs: ``[query (B, Tq, dim), value (B, Tv, dim)]`` or ``[query, value, key]`` (``key``
    defaults to ``value``); output ``(B, Tq, dim)``. ``score_mode="dot"`` scores
    ``query @ key^T`` (times a learned scalar ``scale`` when ``use_scale``); ``"concat"``
    scores ``concat_score_weight * sum(tanh(scale * (query_i + key_j)))``. ``mask`` is
    ``[query_mask, value_mask]``: masked values get no weight, masked queries give zeros.
    ``use_causal_mask`` stops position ``i`` from attending to positions ``j > i``.

    >>> import numpy as np
    >>> q = np.ones((1, 2, 3), "float32"); v = np.ones((1, 4, 3), "float32")
    >>> ops.convert_to_numpy(Attention()([q, v])).shape
    (1, 2, 3)
    """

    def __init__(
        self,
        use_scale: bool = False,
        score_mode: str = "dot",
        dropout: float = 0.0,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if score_mode not in SCORE_MODES:
            raise ConfigError(
                f"{type(self).__name__}: invalid `score_mode`.",
                expected='"dot" or "concat"',
                received=f"score_mode={score_mode!r}",
            )
        if not 0.0 <= float(dropout) <= 1.0:
            raise ConfigError(
                f"{type(self).__name__}: `dropout` must be a fraction in [0, 1].",
                expected="a float in [0, 1]",
                received=f"dropout={dropout!r}",
            )
        self.use_scale = bool(use_scale)
        self.score_mode = score_mode
        self.dropout = float(dropout)
        self.seed = seed
        if self.dropout > 0:
            self.seed_generator = trandom.SeedGenerator(seed=seed)
        self.supports_masking = True
        self.scale = None
        self.concat_score_weight = None

    def build(self, input_shape: Any) -> None:
        self._validate_inputs(input_shape)
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(), initializer="ones", trainable=True)
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(
                name="concat_score_weight",
                shape=(),
                initializer="ones",
                trainable=True,
            )
        self.built = True

    def _calculate_scores(self, query: Any, key: Any) -> Any:
        """Scores ``(B, Tq, Tv)`` of every query against every key."""
        if self.score_mode == "dot":
            scores = ops.matmul(query, ops.swapaxes(key, -1, -2))
            if self.scale is not None:
                scores = ops.multiply(scores, self.scale)
            return scores
        pairs = ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3))
        if self.scale is not None:
            pairs = ops.multiply(pairs, self.scale)
        return ops.multiply(self.concat_score_weight, ops.sum(ops.tanh(pairs), axis=-1))

    def _apply_scores(
        self, scores: Any, value: Any, scores_mask: Any = None, training: Any = False
    ) -> tuple[Any, Any]:
        if scores_mask is not None:
            padding = ops.cast(ops.logical_not(scores_mask), scores.dtype)
            big = 65504.0 if standardize_dtype(scores.dtype) == "float16" else 1.0e9
            scores = ops.subtract(scores, ops.multiply(padding, big))
        weights = ops.softmax(scores, axis=-1)
        if training and self.dropout > 0:
            weights = trandom.dropout(weights, rate=self.dropout, seed=self.seed_generator)
        return ops.matmul(weights, value), weights

    def _calculate_score_mask(self, scores: Any, v_mask: Any, use_causal_mask: bool) -> Any:
        if v_mask is not None:
            v_mask = ops.expand_dims(ops.cast(v_mask, "bool"), -2)  # (B, 1, Tv)
        if not use_causal_mask:
            return v_mask
        shape = ops.shape(scores)
        ones = ops.ones((1, shape[-2], shape[-1]), dtype="int32")
        causal = ops.greater_equal(ops.cumsum(ones, axis=-2), ops.cumsum(ones, axis=-1))
        return causal if v_mask is None else ops.logical_and(v_mask, causal)

    def call(
        self,
        inputs: Any,
        mask: Any = None,
        training: Any = False,
        return_attention_scores: bool = False,
        use_causal_mask: bool = False,
    ) -> Any:
        self._validate_inputs(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        q_mask = mask[0] if mask else None
        v_mask = mask[1] if mask else None
        scores = self._calculate_scores(query, key)
        scores_mask = self._calculate_score_mask(scores, v_mask, use_causal_mask)
        result, weights = self._apply_scores(scores, value, scores_mask, training)
        if q_mask is not None:
            result = ops.multiply(result, ops.cast(ops.expand_dims(q_mask, -1), result.dtype))
        if return_attention_scores:
            return result, weights
        return result

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        self._validate_inputs(inputs, mask)
        if mask is None or mask[0] is None:
            return None
        return ops.convert_to_tensor(mask[0])

    def compute_output_shape(self, input_shape: Any) -> tuple:
        self._validate_inputs(input_shape)
        query_shape, value_shape = tuple(input_shape[0]), tuple(input_shape[1])
        return (*query_shape[:-1], value_shape[-1])

    def _validate_inputs(self, inputs: Any, mask: Any = None) -> None:
        name = type(self).__name__
        if not isinstance(inputs, (list, tuple)):
            raise OpInputError(
                f"{name}: the layer must be called on a list of inputs.",
                expected="[query, value] or [query, value, key]",
                received=f"inputs of type {type(inputs).__name__}",
            )
        if not 2 <= len(inputs) <= 3:
            raise OpInputError(
                f"{name}: wrong number of inputs.",
                expected="a list of length 2 or 3: [query, value] or [query, value, key]",
                received=f"length {len(inputs)}",
            )
        if mask is not None:
            if not isinstance(mask, (list, tuple)):
                raise OpInputError(
                    f"{name}: the mask must be a list.",
                    expected="[query_mask, value_mask]",
                    received=f"mask of type {type(mask).__name__}",
                )
            if not 2 <= len(mask) <= 3:
                raise OpInputError(
                    f"{name}: wrong number of masks.",
                    expected="a list of length 2 or 3: [query_mask, value_mask(, key_mask)]",
                    received=f"length {len(mask)}",
                )

    def get_config(self) -> dict:
        config = {
            "use_scale": self.use_scale,
            "score_mode": self.score_mode,
            "dropout": self.dropout,
            "seed": self.seed,
        }
        return {**super().get_config(), **config}
