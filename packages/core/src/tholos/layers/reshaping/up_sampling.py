"""UpSampling1D, UpSampling2D and UpSampling3D.

>>> import numpy as np
>>> from tholos.layers import UpSampling1D
>>> np.asarray(UpSampling1D(2)(np.array([[[1.0], [2.0]]], "float32")))[0, :, 0]
array([1., 1., 2., 2.], dtype=float32)
"""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.errors import ConfigError
from tholos.layers import _arg_utils as au
from tholos.layers._deps import InputSpec, Layer

_INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5")


class _UpSampling(Layer):
    _rank = 1

    def __init__(self, size: Any, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        name = type(self).__name__
        self.size = au.normalize_tuple(size, self._rank, "size", layer=name)
        self.data_format = au.standardize_data_format(data_format, layer=name)
        self.input_spec = InputSpec(ndim=self._rank + 2)
        self._axes = au.spatial_axes(self.data_format, self._rank + 2)

    def call(self, inputs: Any) -> Any:
        outputs = inputs
        for ax, factor in zip(self._axes, self.size):
            if factor != 1:
                outputs = ops.repeat(outputs, factor, axis=ax)
        return outputs

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        out = list(input_shape)
        for ax, factor in zip(self._axes, self.size):
            if out[ax] is not None:
                out[ax] = out[ax] * factor
        return tuple(out)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format})
        return config


class UpSampling1D(_UpSampling):
    """Repeats each step ``size`` times along the steps axis."""

    _rank = 1

    def __init__(self, size: int = 2, **kwargs: Any) -> None:
        super().__init__(size, data_format="channels_last", **kwargs)

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("data_format")
        config["size"] = self.size[0]
        return config


class UpSampling2D(_UpSampling):
    """Enlarges rows and columns by ``size``: repeats (``"nearest"``) or ``ops.image.resize``."""

    _rank = 2

    def __init__(
        self,
        size: Any = (2, 2),
        data_format: str | None = None,
        interpolation: str = "nearest",
        **kwargs: Any,
    ) -> None:
        super().__init__(size, data_format=data_format, **kwargs)
        if interpolation not in _INTERPOLATIONS:
            raise ConfigError(
                "UpSampling2D: invalid `interpolation`.",
                expected=" or ".join(f'"{i}"' for i in _INTERPOLATIONS),
                received=f"interpolation={interpolation!r}",
            )
        self.interpolation = interpolation

    def call(self, inputs: Any) -> Any:
        if self.interpolation == "nearest":
            return super().call(inputs)
        shape = inputs.shape
        new_size = tuple(shape[ax] * f for ax, f in zip(self._axes, self.size))
        return ops.image.resize(
            inputs, new_size, interpolation=self.interpolation, data_format=self.data_format
        )

    def get_config(self) -> dict:
        config = super().get_config()
        config["interpolation"] = self.interpolation
        return config


class UpSampling3D(_UpSampling):
    """Repeats every element ``size[i]`` times along each of the three spatial axes."""

    _rank = 3

    def __init__(
        self, size: Any = (2, 2, 2), data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(size, data_format=data_format, **kwargs)
