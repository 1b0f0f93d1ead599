"""Rescaling.

>>> import numpy as np
>>> from tholos.layers import Rescaling
>>> np.asarray(Rescaling(1 / 127.5, offset=-1)(np.array([0, 255], "uint8")))
array([-1.,  1.], dtype=float32)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tholos import ops
from tholos.backend.dtypes import floatx
from tholos.layers._deps import Layer


def _plain(value: Any) -> Any:
    return value.tolist() if isinstance(value, np.ndarray) else value


class Rescaling(Layer):
    """``inputs * scale + offset``, computed in the layer's float dtype (integer inputs such as
    uint8 images are cast first). A per-channel ``scale`` follows the image data format."""

    def __init__(self, scale: Any, offset: Any = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset
        self.supports_masking = True
        self._cache: dict[str, tuple[Any, Any]] = {}

    def _factors(self, dtype: str, ndim: int) -> tuple[Any, Any]:
        key = f"{dtype}/{ndim}"
        found = self._cache.get(key)
        if found is None:
            scale = np.asarray(self.scale, dtype=dtype)
            offset = np.asarray(self.offset, dtype=dtype)
            try:
                from tholos import config

                channels_first = config.image_data_format() == "channels_first"
            except (ImportError, AttributeError):
                channels_first = False
            if channels_first:
                if scale.ndim:
                    scale = scale.reshape(scale.shape + (1,) * (ndim - scale.ndim - 1))
                if offset.ndim:
                    offset = offset.reshape(offset.shape + (1,) * (ndim - offset.ndim - 1))
            found = (ops.convert_to_tensor(scale), ops.convert_to_tensor(offset))
            self._cache[key] = found
        return found

    def call(self, inputs: Any) -> Any:
        dtype = getattr(self, "compute_dtype", None) or floatx()
        inputs = ops.cast(inputs, dtype)
        scale, offset = self._factors(dtype, len(inputs.shape))
        return ops.add(ops.multiply(inputs, scale), offset)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"scale": _plain(self.scale), "offset": _plain(self.offset)})
        return config
