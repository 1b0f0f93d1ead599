"""``Embedding``: maps integer ids to dense vectors by row lookup in a trainable table."""

from __future__ import annotations

import warnings
from typing import Any

from tholos import constraints, initializers, ops, regularizers
from tholos.backend.dtypes import standardize_dtype
from tholos.errors import ConfigError
from tholos.layers.layer import Layer
from tholos.saving.serialization import register_builtin

# Keras 3 aliases of initializer names; used only if the registry lacks them.
_INITIALIZER_ALIASES = {"uniform": "random_uniform", "normal": "random_normal"}


def _get_initializer(identifier: Any) -> Any:
    try:
        return initializers.get(identifier)
    except ConfigError:
        if isinstance(identifier, str) and identifier in _INITIALIZER_ALIASES:
            return initializers.get(_INITIALIZER_ALIASES[identifier])
        raise


def _positive_int(value: Any, name: str, layer: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(
            f"{layer}: `{name}` must be a positive integer.",
            expected="an int > 0",
            received=f"{name}={value!r}",
        )
    return value


@register_builtin("tholos.layers")
class Embedding(Layer):
    """Turns non-negative integer ids into dense vectors of size ``output_dim``.

    The table ``embeddings`` has shape ``(input_dim, output_dim)``; an input of shape
    ``(batch, ...)`` gives an output of shape ``(batch, ..., output_dim)``. With
    ``mask_zero=True`` the id 0 is padding: the layer emits the mask ``inputs != 0`` (and
    ``input_dim`` should then count the padding id).

    >>> import numpy as np
    >>> layer = Embedding(10, 3)
    >>> ops.convert_to_numpy(layer(np.array([[1, 2, 0]]))).shape
    (1, 3, 3)
    """

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        embeddings_initializer: Any = "uniform",
        embeddings_regularizer: Any = None,
        embeddings_constraint: Any = None,
        mask_zero: bool = False,
        weights: Any = None,
        lora_rank: int | None = None,
        lora_alpha: float | None = None,
        **kwargs: Any,
    ) -> None:
        input_length = kwargs.pop("input_length", None)
        if input_length is not None:
            warnings.warn(
                "Embedding: argument `input_length` is deprecated and ignored; remove it.",
                stacklevel=2,
            )
        super().__init__(**kwargs)
        self.input_dim = _positive_int(input_dim, "input_dim", "Embedding")
        self.output_dim = _positive_int(output_dim, "output_dim", "Embedding")
        self.embeddings_initializer = _get_initializer(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self.autocast = False
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False
        if weights is not None:
            self.build()
            if not (isinstance(weights, list) and len(weights) == 1):
                weights = [weights]
            self.set_weights(weights)

    def build(self, input_shape: Any = None) -> None:
        if self.built:
            return
        self._embeddings = self.add_weight(
            shape=(self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer,
            name="embeddings",
            regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint,
            trainable=True,
        )
        self.built = True
        if self.lora_rank:
            self.enable_lora(self.lora_rank, lora_alpha=self.lora_alpha)

    @property
    def embeddings(self) -> Any:
        """The effective table: the stored one, plus the LoRA update when LoRA is enabled."""
        if self.lora_enabled:
            scale = self.lora_alpha / self.lora_rank
            delta = ops.matmul(self.lora_embeddings_a, self.lora_embeddings_b)
            return ops.add(self._embeddings, ops.multiply(delta, scale))
        return self._embeddings

    def enable_lora(
        self,
        rank: int,
        lora_alpha: float | None = None,
        a_initializer: Any = "he_uniform",
        b_initializer: Any = "zeros",
    ) -> None:
        """Freeze the table and learn a rank-``rank`` update ``a @ b`` instead (LoRA)."""
        if not self.built:
            raise ConfigError(
                "Embedding.enable_lora: the layer is not built yet.",
                expected="a built layer",
                received="built=False",
                hint="Call the layer once (or `build()`) before `enable_lora()`.",
            )
        if self.lora_enabled:
            raise ConfigError(
                "Embedding.enable_lora: LoRA is already enabled on this layer.",
                expected="a single call",
                received=f"a second call with rank={rank}",
            )
        _positive_int(rank, "rank", "Embedding.enable_lora")
        self._embeddings.trainable = False
        self.lora_embeddings_a = self.add_weight(
            name="lora_embeddings_a",
            shape=(self.input_dim, rank),
            initializer=initializers.get(a_initializer),
            regularizer=self.embeddings_regularizer,
        )
        self.lora_embeddings_b = self.add_weight(
            name="lora_embeddings_b",
            shape=(rank, self.output_dim),
            initializer=initializers.get(b_initializer),
            regularizer=self.embeddings_regularizer,
        )
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank
        self.lora_enabled = True

    def call(self, inputs: Any) -> Any:
        if standardize_dtype(inputs.dtype) not in ("int32", "int64"):
            inputs = ops.cast(inputs, "int32")
        outputs = ops.take(self.embeddings, inputs, axis=0)
        return ops.cast(outputs, self.compute_dtype)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return (*tuple(input_shape), self.output_dim)

    def get_config(self) -> dict:
        config = {
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(
                getattr(self, "activity_regularizer", None)
            ),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
        }
        if self.lora_rank:
            config["lora_rank"] = self.lora_rank
            config["lora_alpha"] = self.lora_alpha
        return {**super().get_config(), **config}
