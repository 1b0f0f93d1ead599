"""``Flatten``: collapse all but the batch axis."""

from __future__ import annotations

import math
from typing import Any

from tholos import config as _config
from tholos import ops
from tholos.layers.input_spec import InputSpec
from tholos.layers.layer import Layer
from tholos.saving.serialization import register_builtin


@register_builtin("tholos.layers")
class Flatten(Layer):
    """Reshape ``(batch, d1, d2, ...)`` to ``(batch, d1 * d2 * ...)``.

    ``data_format="channels_first"`` flattens in channels-last order, so a model gives the
    same features whichever layout its convolutions use.

    >>> import numpy as np
    >>> Flatten()(np.zeros((2, 3, 4))).shape
    (2, 12)
    """

    def __init__(self, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = _standardize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)
        self.built = True

    def call(self, inputs: Any) -> Any:
        shape = tuple(inputs.shape)
        rank = len(shape)
        if self.data_format == "channels_first" and rank > 2:
            inputs = ops.transpose(inputs, (0, *range(2, rank), 1))
        if rank == 1:
            return ops.expand_dims(inputs, 1)
        return ops.reshape(inputs, (shape[0] if shape[0] is not None else -1, math.prod(shape[1:])))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        if len(input_shape) == 1:
            return (input_shape[0], 1)
        rest = input_shape[1:]
        size = None if any(d is None for d in rest) else math.prod(rest)
        return (input_shape[0], size)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


def _standardize_data_format(value: str | None) -> str:
    from tholos.errors import ConfigError

    if value is None:
        return _config.image_data_format()
    value = value.lower()
    if value not in ("channels_first", "channels_last"):
        raise ConfigError(
            "Invalid data_format.",
            expected="'channels_first' or 'channels_last'",
            received=repr(value),
        )
    return value
