"""SpatialDropout1D, SpatialDropout2D and SpatialDropout3D.

>>> import numpy as np
>>> from tholos.layers import SpatialDropout1D
>>> y = np.asarray(SpatialDropout1D(0.5, seed=1)(np.ones((2, 4, 8), "float32"), training=True))
>>> bool((y == y[:, :1, :]).all())   # whole channels are kept or dropped
True
"""

from __future__ import annotations

from typing import Any

from tholos import ops, random
from tholos.layers import _arg_utils as au
from tholos.layers._deps import InputSpec, Layer


class _SpatialDropout(Layer):
    _rank = 1

    def __init__(
        self, rate: float, data_format: str | None = None, seed: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        name = type(self).__name__
        self.rate = au.check_rate(rate, name)
        self.seed = seed
        self.data_format = au.standardize_data_format(data_format, layer=name)
        self.input_spec = InputSpec(ndim=self._rank + 2)
        self.supports_masking = True
        self._channel_axis = au.channel_axis(self.data_format, self._rank + 2)
        if self.rate > 0:
            self.seed_generator = random.SeedGenerator(seed)

    def _noise_shape(self, inputs: Any) -> tuple:
        shape = tuple(inputs.shape)
        return tuple(d if i in (0, self._channel_axis) else 1 for i, d in enumerate(shape))

    def call(self, inputs: Any, training: Any = None) -> Any:
        if not training or self.rate == 0:
            return inputs
        if self.rate >= 1.0:
            return ops.zeros_like(inputs)
        return random.dropout(
            inputs, self.rate, noise_shape=self._noise_shape(inputs), seed=self.seed_generator
        )

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed, "data_format": self.data_format})
        return config


class SpatialDropout1D(_SpatialDropout):
    """Dropout of whole feature channels of (batch, steps, channels) inputs (training only)."""

    _rank = 1

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(rate, data_format="channels_last", seed=seed, **kwargs)

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("data_format")
        return config


class SpatialDropout2D(_SpatialDropout):
    """Dropout of whole feature maps of 4-D inputs (training only)."""

    _rank = 2

    def __init__(
        self, rate: float, data_format: str | None = None, seed: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(rate, data_format=data_format, seed=seed, **kwargs)


class SpatialDropout3D(_SpatialDropout):
    """Dropout of whole feature volumes of 5-D inputs (training only)."""

    _rank = 3

    def __init__(
        self, rate: float, data_format: str | None = None, seed: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(rate, data_format=data_format, seed=seed, **kwargs)
