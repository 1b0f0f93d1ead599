"""``Bidirectional``: runs a recurrent layer forwards and a copy backwards, and merges them."""

from __future__ import annotations

import copy
from typing import Any

from tholos import ops
from tholos.errors import ConfigError
from tholos.layers.layer import Layer
from tholos.layers.rnn._utils import accepts_arg, deserialize_object, serialize_object
from tholos.saving.serialization import register_builtin

MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _strip(name: str, prefix: str) -> str:
    return name[len(prefix) :] if name.startswith(prefix) else name


def _copy_layer(layer: Any, name: str, flip_direction: bool) -> Any:
    config = copy.deepcopy(layer.get_config())
    config["name"] = name
    if flip_direction:
        config["go_backwards"] = not config.get("go_backwards", False)
    return type(layer).from_config(config)


@register_builtin("tholos.layers")
class Bidirectional(Layer):
    """Bidirectional wrapper for RNN layers.

    ``forward_layer`` is a fresh copy of ``layer`` (named ``"forward_" + layer.name``);
    ``backward_layer`` is a copy with ``go_backwards`` flipped (named ``"backward_" + ...``)
    unless one is given. With ``return_sequences`` the backward outputs are reversed back into
    input order before merging. ``merge_mode``: ``"concat"`` (default), ``"sum"``, ``"mul"``,
    ``"ave"``, or ``None`` (a list of both outputs). With ``return_state`` the forward states
    follow the output, then the backward states; ``initial_state`` is split the same way.

    >>> import numpy as np
    >>> from tholos.layers.rnn.lstm import LSTM
    >>> layer = Bidirectional(LSTM(3, return_sequences=True))
    >>> ops.convert_to_numpy(layer(np.ones((2, 5, 4), "float32"))).shape
    (2, 5, 6)
    """

    def __init__(
        self,
        layer: Any,
        merge_mode: str | None = "concat",
        weights: Any = None,
        backward_layer: Any = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(layer, Layer):
            raise ConfigError(
                "Bidirectional: `layer` must be a Layer instance.",
                expected="a recurrent layer such as LSTM(...)",
                received=f"layer={layer!r}",
            )
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ConfigError(
                "Bidirectional: `backward_layer` must be a Layer instance.",
                expected="a recurrent layer such as LSTM(..., go_backwards=True)",
                received=f"backward_layer={backward_layer!r}",
            )
        if merge_mode not in MERGE_MODES:
            raise ConfigError(
                "Bidirectional: invalid merge mode.",
                expected='one of "sum", "mul", "ave", "concat", None',
                received=f"merge_mode={merge_mode!r}",
            )
        if kwargs.get("dtype") is None and getattr(layer, "dtype_policy", None) is not None:
            kwargs["dtype"] = layer.dtype_policy  # compute in the wrapped layer's dtype
        super().__init__(**kwargs)
        self.forward_layer = _copy_layer(
            layer, "forward_" + _strip(layer.name, "forward_"), flip_direction=False
        )
        if backward_layer is None:
            self.backward_layer = _copy_layer(
                layer, "backward_" + _strip(layer.name, "backward_"), flip_direction=True
            )
        else:
            self.backward_layer = backward_layer
        self._check_pair(self.forward_layer, self.backward_layer)
        self.merge_mode = merge_mode
        self.stateful = getattr(layer, "stateful", False)
        self.return_sequences = getattr(layer, "return_sequences", False)
        self.return_state = getattr(layer, "return_state", False)
        self.supports_masking = True
        self.input_spec = getattr(layer, "input_spec", None)
        if weights is not None:
            half = len(weights) // 2
            self._pair_weights = (weights[:half], weights[half:])
        else:
            self._pair_weights = None

    @staticmethod
    def _check_pair(forward: Any, backward: Any) -> None:
        if getattr(backward, "go_backwards", None) == getattr(forward, "go_backwards", None):
            raise ConfigError(
                "Bidirectional: `backward_layer` must run in the opposite direction.",
                expected=f"backward_layer.go_backwards == {not forward.go_backwards}",
                received=f"go_backwards={backward.go_backwards}",
            )
        for attr in ("stateful", "return_sequences", "return_state"):
            f, b = getattr(forward, attr, None), getattr(backward, attr, None)
            if f != b:
                raise ConfigError(
                    f"Bidirectional: `{attr}` differs between the forward and backward layers.",
                    expected=f"{attr}={f} on both",
                    received=f"forward {attr}={f}, backward {attr}={b}",
                )

    @property
    def states(self) -> Any:
        fwd, bwd = self.forward_layer.states, self.backward_layer.states
        if fwd is None and bwd is None:
            return None
        return tuple(fwd or []) + tuple(bwd or [])

    def build(self, sequences_shape: Any, initial_state_shape: Any = None) -> None:
        sequences_shape = tuple(sequences_shape)
        for sub in (self.forward_layer, self.backward_layer):
            if not sub.built:
                sub.build(sequences_shape)
        if self._pair_weights is not None:
            self.forward_layer.set_weights(self._pair_weights[0])
            self.backward_layer.set_weights(self._pair_weights[1])
            self._pair_weights = None
        self.built = True

    def compute_output_shape(self, sequences_shape: Any, initial_state_shape: Any = None) -> Any:
        out = self.forward_layer.compute_output_shape(tuple(sequences_shape))
        states: list = []
        if self.return_state:
            out, states = out[0], list(out[1:])
        if self.merge_mode == "concat":
            out = (*out[:-1], out[-1] * 2)
        elif self.merge_mode is None:
            out = [out, copy.copy(out)]
        if self.return_state:
            if self.merge_mode is None:
                return tuple(out) + tuple(states) + tuple(copy.copy(states))
            return (out, *states, *copy.copy(states))
        return tuple(out) if self.merge_mode is not None else out

    def call(
        self,
        sequences: Any,
        initial_state: Any = None,
        mask: Any = None,
        training: Any = None,
    ) -> Any:
        kwargs: dict = {}
        if accepts_arg(self.forward_layer.call, "training"):
            kwargs["training"] = training
        if mask is not None and accepts_arg(self.forward_layer.call, "mask"):
            kwargs["mask"] = mask
        forward_state = backward_state = None
        if initial_state is not None:
            initial_state = list(initial_state)
            half = len(initial_state) // 2
            if half == 0 or len(initial_state) % 2:
                raise ConfigError(
                    "Bidirectional: `initial_state` must hold the forward then the backward "
                    "states.",
                    expected="an even number of state tensors",
                    received=f"{len(initial_state)} tensor(s)",
                )
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        y = self.forward_layer(sequences, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, **kwargs)
        states: tuple = ()
        if self.return_state:
            states = tuple(y[1:]) + tuple(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        y = ops.cast(y, self.compute_dtype)
        y_rev = ops.cast(y_rev, self.compute_dtype)
        if self.return_sequences:
            y_rev = ops.flip(y_rev, axis=1)
        if self.merge_mode == "concat":
            output = ops.concatenate([y, y_rev], axis=-1)
        elif self.merge_mode == "sum":
            output = ops.add(y, y_rev)
        elif self.merge_mode == "ave":
            output = ops.multiply(ops.add(y, y_rev), 0.5)
        elif self.merge_mode == "mul":
            output = ops.multiply(y, y_rev)
        else:
            output = [y, y_rev]
        if self.return_state:
            if self.merge_mode is None:
                return tuple(output) + states
            return (output, *states)
        return output

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.merge_mode is None:
            output_mask = [output_mask, output_mask]
        else:
            output_mask = [output_mask]
        if self.return_state:
            count = len(self.forward_layer.state_size) * 2
            return output_mask + [None] * count
        return output_mask if self.merge_mode is None else output_mask[0]

    def reset_state(self) -> None:
        for sub in (self.forward_layer, self.backward_layer):
            if hasattr(sub, "reset_state"):
                sub.reset_state()

    def reset_states(self) -> None:
        self.reset_state()

    def get_config(self) -> dict:
        config = {
            "merge_mode": self.merge_mode,
            "layer": serialize_object(self.forward_layer),
            "backward_layer": serialize_object(self.backward_layer),
        }
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config: dict, custom_objects: Any = None) -> Bidirectional:
        config = copy.deepcopy(config)
        layer = deserialize_object(config.pop("layer"), custom_objects=custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            backward = deserialize_object(backward, custom_objects=custom_objects)
        return cls(layer, backward_layer=backward, **config)
