"""``TimeDistributed``: applies one layer (shared weights) to every timestep of a sequence."""

from __future__ import annotations

import copy
from typing import Any

from tholos import ops
from tholos.errors import ConfigError, OpInputError
from tholos.layers.layer import Layer
from tholos.layers.rnn._utils import accepts_arg, deserialize_object, serialize_object
from tholos.saving.serialization import register_builtin


def _swap_batch_time(x: Any) -> Any:
    return ops.transpose(x, (1, 0, *range(2, len(x.shape))))


@register_builtin("tholos.layers")
class TimeDistributed(Layer):
    """Applies ``layer`` to each slice ``inputs[:, t]`` of a ``(batch, time, ...)`` input.

    The wrapped layer sees inputs of shape ``(batch, ...)`` and keeps one set of weights for
    all timesteps; a ``(batch, time)`` mask is passed on per timestep when ``layer.call``
    takes one.

    >>> import numpy as np
    >>> from tholos.layers.core.einsum_dense import EinsumDense
    >>> layer = TimeDistributed(EinsumDense("ab,bc->ac", output_shape=2))
    >>> ops.convert_to_numpy(layer(np.ones((4, 3, 5), "float32"))).shape
    (4, 3, 2)
    """

    def __init__(self, layer: Any, **kwargs: Any) -> None:
        if not isinstance(layer, Layer):
            raise ConfigError(
                "TimeDistributed: `layer` must be a Layer instance.",
                expected="a layer such as Dense(...)",
                received=f"layer={layer!r}",
            )
        if kwargs.get("dtype") is None and getattr(layer, "dtype_policy", None) is not None:
            kwargs["dtype"] = layer.dtype_policy  # compute in the wrapped layer's dtype
        super().__init__(**kwargs)
        self.layer = layer
        self.supports_masking = True

    @staticmethod
    def _child_shape(input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        if len(input_shape) < 3:
            raise OpInputError(
                "TimeDistributed: the input needs at least 3 dimensions.",
                expected="shape (batch, time, ...) with rank >= 3",
                received=f"shape {input_shape}",
            )
        return (input_shape[0], *input_shape[2:])

    def build(self, input_shape: Any) -> None:
        child = self._child_shape(input_shape)
        if not self.layer.built:
            self.layer.build(child)
            self.layer.built = True
        self.built = True

    def compute_output_shape(self, input_shape: Any) -> tuple:
        child_out = tuple(self.layer.compute_output_shape(self._child_shape(input_shape)))
        return (child_out[0], tuple(input_shape)[1], *child_out[1:])

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        shape = tuple(inputs.shape)
        self._child_shape(shape)
        if mask is not None and tuple(mask.shape)[:2] != shape[:2]:
            raise OpInputError(
                "TimeDistributed: the mask does not match the input.",
                expected=f"mask shape ({shape[0]}, {shape[1]}, ...)",
                received=f"mask shape {tuple(mask.shape)}",
            )
        kwargs: dict = {}
        if accepts_arg(self.layer.call, "training"):
            kwargs["training"] = training
        pass_mask = mask is not None and accepts_arg(self.layer.call, "mask")
        xs = _swap_batch_time(inputs)
        ms = _swap_batch_time(mask) if pass_mask else None
        steps = shape[1]
        if steps is None:
            raise OpInputError(
                "TimeDistributed: the time dimension must be known.",
                expected="a static number of timesteps",
                received=f"input shape {shape}",
            )
        outputs = []
        for t in range(steps):
            step_kwargs = dict(kwargs)
            if pass_mask:
                step_kwargs["mask"] = ms[t]
            outputs.append(self.layer.call(xs[t], **step_kwargs))
        return ops.stack(outputs, axis=1)

    def get_config(self) -> dict:
        return {**super().get_config(), "layer": serialize_object(self.layer)}

    @classmethod
    def from_config(cls, config: dict, custom_objects: Any = None) -> TimeDistributed:
        config = copy.deepcopy(config)
        layer = deserialize_object(config.pop("layer"), custom_objects=custom_objects)
        return cls(layer, **config)
