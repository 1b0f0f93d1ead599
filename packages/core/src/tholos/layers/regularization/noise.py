"""GaussianNoise, GaussianDropout and AlphaDropout (active only in training).

>>> import numpy as np
>>> from tholos.layers import GaussianNoise
>>> x = np.ones((2, 3), "float32")
>>> bool((np.asarray(GaussianNoise(0.1)(x)) == x).all())   # inference: identity
True
"""

from __future__ import annotations

import math
from typing import Any

from tholos import ops, random
from tholos.backend.dtypes import standardize_dtype
from tholos.errors import ConfigError
from tholos.layers import _arg_utils as au
from tholos.layers._deps import Layer

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


class _NoiseLayer(Layer):
    def __init__(self, seed: int | None, active: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seed = seed
        self.supports_masking = True
        if active:
            self.seed_generator = random.SeedGenerator(seed)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)


class GaussianNoise(_NoiseLayer):
    """Adds zero-mean Gaussian noise of standard deviation ``stddev`` in training."""

    def __init__(self, stddev: float, seed: int | None = None, **kwargs: Any) -> None:
        try:
            value = float(stddev)
        except (TypeError, ValueError):
            value = math.nan
        if not 0.0 <= value <= 1.0:
            raise ConfigError(
                "GaussianNoise: invalid `stddev`.",
                expected="a float in [0, 1]",
                received=f"stddev={stddev!r}",
            )
        super().__init__(seed, value > 0, **kwargs)
        self.stddev = value

    def call(self, inputs: Any, training: Any = None) -> Any:
        if not training or self.stddev == 0:
            return inputs
        noise = random.normal(
            tuple(inputs.shape),
            mean=0.0,
            stddev=self.stddev,
            dtype=standardize_dtype(inputs.dtype),
            seed=self.seed_generator,
        )
        return ops.add(inputs, noise)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"stddev": self.stddev, "seed": self.seed})
        return config


class GaussianDropout(_NoiseLayer):
    """Multiplies by Gaussian noise of mean 1 and std ``sqrt(rate / (1 - rate))`` in training."""

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any) -> None:
        rate = au.check_rate(rate, "GaussianDropout")
        super().__init__(seed, rate > 0, **kwargs)
        self.rate = rate

    def call(self, inputs: Any, training: Any = None) -> Any:
        if not training or self.rate == 0:
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate)) if self.rate < 1 else math.inf
        noise = random.normal(
            tuple(inputs.shape),
            mean=1.0,
            stddev=stddev,
            dtype=standardize_dtype(inputs.dtype),
            seed=self.seed_generator,
        )
        return ops.multiply(inputs, noise)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config


class AlphaDropout(_NoiseLayer):
    """Dropout that keeps the mean and variance of SELU activations: dropped units are set to
    ``-alpha * scale`` of SELU, then an affine map restores the statistics (training only)."""

    def __init__(
        self, rate: float, noise_shape: Any = None, seed: int | None = None, **kwargs: Any
    ) -> None:
        rate = au.check_rate(rate, "AlphaDropout")
        super().__init__(seed, rate > 0, **kwargs)
        self.rate = rate
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)

    def call(self, inputs: Any, training: Any = None) -> Any:
        if not training or self.rate == 0:
            return inputs
        shape = tuple(inputs.shape)
        if self.noise_shape is not None:
            shape = tuple(d if n is None else n for d, n in zip(shape, self.noise_shape))
        dtype = standardize_dtype(inputs.dtype)
        rate = self.rate
        alpha_p = -_SELU_ALPHA * _SELU_SCALE
        kept = ops.cast(
            ops.greater_equal(random.uniform(shape, dtype=dtype, seed=self.seed_generator), rate),
            dtype,
        )
        a = ((1.0 - rate) * (1.0 + rate * alpha_p**2)) ** -0.5
        b = -a * alpha_p * rate
        x = ops.add(ops.multiply(inputs, kept), ops.multiply(ops.subtract(1.0, kept), alpha_p))
        return ops.add(ops.multiply(x, a), b)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape})
        return config
