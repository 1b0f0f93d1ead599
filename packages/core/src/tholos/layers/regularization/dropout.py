"""``Dropout``: randomly zero inputs during training."""

from __future__ import annotations

from typing import Any

from tholos import random as trandom
from tholos.errors import OpInputError
from tholos.layers.layer import Layer
from tholos.saving.serialization import register_builtin


@register_builtin("tholos.layers")
class Dropout(Layer):
    """During training, zero each input with probability ``rate`` and scale the kept ones by
    ``1 / (1 - rate)``; at inference return the inputs unchanged.

    Args:
        rate: the fraction to drop, in ``[0, 1)``.
        noise_shape: the shape of the keep/drop mask, broadcast against the inputs
            (``None`` entries take the input's size), e.g. ``(batch, 1, features)`` to drop
            the same features at every timestep.
        seed: an int for reproducible masks.

    >>> import numpy as np
    >>> x = np.ones((2, 3), dtype="float32")
    >>> bool((np.asarray(Dropout(0.5)(x)) == x).all())  # inference: unchanged
    True
    """

    def __init__(
        self, rate: float, noise_shape: Any = None, seed: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        if not isinstance(rate, (int, float)) or isinstance(rate, bool) or not 0 <= rate <= 1:
            raise OpInputError(
                f"Dropout '{self.name}': invalid rate.",
                expected="a float in [0, 1]",
                received=f"rate={rate!r}",
            )
        self.rate = rate
        self.noise_shape = tuple(noise_shape) if noise_shape is not None else None
        self.seed = seed
        if rate > 0:
            self.seed_generator = trandom.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any, training: bool = False) -> Any:
        if training and self.rate > 0:
            noise_shape = self.noise_shape
            if noise_shape is not None:
                noise_shape = tuple(
                    inputs.shape[i] if d is None else d for i, d in enumerate(noise_shape)
                )
            return trandom.dropout(
                inputs, self.rate, noise_shape=noise_shape, seed=self.seed_generator
            )
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape})
        return config
