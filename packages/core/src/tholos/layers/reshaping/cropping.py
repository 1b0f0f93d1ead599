"""Cropping1D, Cropping2D and Cropping3D.

>>> import numpy as np
>>> from tholos.layers import Cropping1D
>>> x = np.arange(5, dtype="float32").reshape(1, 5, 1)
>>> np.asarray(Cropping1D((1, 2))(x))[0, :, 0]
array([1., 2.], dtype=float32)
"""

from __future__ import annotations

from typing import Any

from tholos.errors import OpInputError
from tholos.layers import _arg_utils as au
from tholos.layers._deps import InputSpec, Layer
from tholos.layers.reshaping._spatial import normalize_pairs


class _Cropping(Layer):
    _rank = 1

    def __init__(self, cropping: Any, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        name = type(self).__name__
        self.cropping = normalize_pairs(cropping, self._rank, "cropping", name)
        self.data_format = au.standardize_data_format(data_format, layer=name)
        self.input_spec = InputSpec(ndim=self._rank + 2)
        self._axes = au.spatial_axes(self.data_format, self._rank + 2)
        slices = [slice(None)] * (self._rank + 2)
        for ax, (before, after) in zip(self._axes, self.cropping):
            slices[ax] = slice(before, -after if after else None)
        self._slices = tuple(slices)

    def _check(self, input_shape: tuple) -> None:
        for ax, (before, after) in zip(self._axes, self.cropping):
            dim = input_shape[ax]
            if dim is not None and before + after >= dim:
                raise OpInputError(
                    f"{type(self).__name__} '{self.name}': cropping removes the whole axis {ax}.",
                    expected=f"cropping sum < input_shape[{ax}] for every spatial axis",
                    received=f"cropping={self.cropping}, input shape {tuple(input_shape)}",
                )

    def call(self, inputs: Any) -> Any:
        self._check(tuple(inputs.shape))
        return inputs[self._slices]

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        self._check(tuple(input_shape))
        out = list(input_shape)
        for ax, (before, after) in zip(self._axes, self.cropping):
            if out[ax] is not None:
                out[ax] = out[ax] - before - after
        return tuple(out)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"cropping": self.cropping, "data_format": self.data_format})
        return config


class Cropping1D(_Cropping):
    """Crops the steps axis of (batch, steps, features) inputs: an int or ``(before, after)``."""

    _rank = 1

    def __init__(self, cropping: Any = (1, 1), **kwargs: Any) -> None:
        super().__init__(cropping, data_format="channels_last", **kwargs)

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("data_format")
        config["cropping"] = self.cropping[0]
        return config


class Cropping2D(_Cropping):
    """Crops rows and columns: an int, ``(rows, cols)`` or ``((top, bottom), (left, right))``."""

    _rank = 2

    def __init__(
        self, cropping: Any = ((0, 0), (0, 0)), data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(cropping, data_format=data_format, **kwargs)


class Cropping3D(_Cropping):
    """Crops the three spatial axes: an int, 3 ints, or 3 ``(before, after)`` pairs."""

    _rank = 3

    def __init__(
        self,
        cropping: Any = ((1, 1), (1, 1), (1, 1)),
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(cropping, data_format=data_format, **kwargs)
