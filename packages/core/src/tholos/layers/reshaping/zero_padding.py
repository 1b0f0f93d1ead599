"""ZeroPadding1D, ZeroPadding2D and ZeroPadding3D.

>>> import numpy as np
>>> from tholos.layers import ZeroPadding1D
>>> np.asarray(ZeroPadding1D(1)(np.ones((1, 2, 1), "float32")))[0, :, 0]
array([0., 1., 1., 0.], dtype=float32)
"""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.layers import _arg_utils as au
from tholos.layers._deps import InputSpec, Layer
from tholos.layers.reshaping._spatial import normalize_pairs


class _ZeroPadding(Layer):
    _rank = 1

    def __init__(self, padding: Any, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        name = type(self).__name__
        self.padding = normalize_pairs(padding, self._rank, "padding", name)
        self.data_format = au.standardize_data_format(data_format, layer=name)
        self.input_spec = InputSpec(ndim=self._rank + 2)
        pad = [[0, 0]] * (self._rank + 2)
        for ax, pair in zip(au.spatial_axes(self.data_format, self._rank + 2), self.padding):
            pad[ax] = list(pair)
        self._pad_width = pad

    def call(self, inputs: Any) -> Any:
        return ops.pad(inputs, self._pad_width)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(
            None if d is None else d + before + after
            for d, (before, after) in zip(input_shape, self._pad_width)
        )

    def get_config(self) -> dict:
        config = super().get_config()
        padding = self.padding[0] if self._rank == 1 else self.padding
        config.update({"padding": padding, "data_format": self.data_format})
        return config


class ZeroPadding1D(_ZeroPadding):
    """Pads the steps axis with zeros: ``padding`` is an int or ``(before, after)``."""

    _rank = 1

    def __init__(self, padding: Any = 1, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(padding, data_format=data_format, **kwargs)


class ZeroPadding2D(_ZeroPadding):
    """Pads rows and columns with zeros: an int, ``(rows, cols)`` or
    ``((top, bottom), (left, right))``."""

    _rank = 2

    def __init__(
        self, padding: Any = (1, 1), data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(padding, data_format=data_format, **kwargs)


class ZeroPadding3D(_ZeroPadding):
    """Pads the three spatial axes with zeros: an int, 3 ints, or 3 ``(before, after)`` pairs."""

    _rank = 3

    def __init__(
        self,
        padding: Any = ((1, 1), (1, 1), (1, 1)),
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(padding, data_format=data_format, **kwargs)
