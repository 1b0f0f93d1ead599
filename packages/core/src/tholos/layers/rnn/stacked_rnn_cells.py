"""``StackedRNNCells``: several recurrent cells behaving as one (each feeds the next)."""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.errors import ConfigError
from tholos.layers.layer import Layer
from tholos.layers.rnn._utils import accepts_arg, deserialize_object, is_nested, serialize_object
from tholos.saving.serialization import register_builtin


@register_builtin("tholos.layers")
class StackedRNNCells(Layer):
    """A stack of cells: at each step the output of cell ``k`` is the input of cell ``k + 1``.

    ``state_size`` is the list of the cells' state sizes; states are passed as one entry per
    cell (a list for multi-state cells such as ``LSTMCell``).

    >>> import numpy as np
    >>> from tholos.layers.rnn.rnn import RNN
    >>> from tholos.layers.rnn.simple_rnn import SimpleRNNCell
    >>> layer = RNN(StackedRNNCells([SimpleRNNCell(4), SimpleRNNCell(2)]))
    >>> ops.convert_to_numpy(layer(np.ones((3, 5, 6), "float32"))).shape
    (3, 2)
    """

    def __init__(self, cells: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        cells = list(cells) if is_nested(cells) else [cells]
        for cell in cells:
            if not callable(getattr(cell, "call", None)):
                raise ConfigError(
                    "StackedRNNCells: every cell needs a `call` method.",
                    expected="RNN cells such as LSTMCell",
                    received=f"cell={cell!r}",
                )
            if getattr(cell, "state_size", None) is None:
                raise ConfigError(
                    "StackedRNNCells: every cell needs a `state_size` attribute.",
                    expected="an int or a list of ints, one per state tensor",
                    received=f"cell={cell!r}",
                )
        if not cells:
            raise ConfigError(
                "StackedRNNCells: no cells given.",
                expected="a non-empty list of cells",
                received="[]",
            )
        self.cells = cells

    @property
    def state_size(self) -> list:
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self) -> int:
        last = self.cells[-1]
        size = getattr(last, "output_size", None)
        if size is not None:
            return size
        return last.state_size[0] if is_nested(last.state_size) else last.state_size

    def get_initial_state(self, batch_size: Any = None) -> list:
        states = []
        for cell in self.cells:
            fn = getattr(cell, "get_initial_state", None)
            if fn is not None:
                states.append(fn(batch_size=batch_size))
            elif is_nested(cell.state_size):
                dtype = getattr(cell, "compute_dtype", None) or self.compute_dtype
                states.append([ops.zeros((batch_size, d), dtype=dtype) for d in cell.state_size])
            else:
                dtype = getattr(cell, "compute_dtype", None) or self.compute_dtype
                states.append(ops.zeros((batch_size, cell.state_size), dtype=dtype))
        return states

    def call(self, inputs: Any, states: Any, training: Any = False, **kwargs: Any) -> tuple:
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            was_list = is_nested(cell_states)
            cell_states = list(cell_states) if was_list else [cell_states]
            extra = dict(kwargs)
            if accepts_arg(cell.call, "training"):
                extra["training"] = training
            inputs, cell_states = cell.call(inputs, cell_states, **extra)
            if not is_nested(cell_states):
                cell_states = [cell_states]
            if len(cell_states) == 1 and not was_list:
                cell_states = cell_states[0]
            new_states.append(cell_states)
        return inputs, new_states

    def build(self, input_shape: Any) -> None:
        input_shape = tuple(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(input_shape)
                cell.built = True
            size = getattr(cell, "output_size", None)
            if size is None:
                size = cell.state_size[0] if is_nested(cell.state_size) else cell.state_size
            input_shape = (input_shape[0], size)
        self.built = True

    def get_config(self) -> dict:
        cells = [serialize_object(cell) for cell in self.cells]
        return {**super().get_config(), "cells": cells}

    @classmethod
    def from_config(cls, config: dict, custom_objects: Any = None) -> StackedRNNCells:
        config = dict(config)
        cells = [deserialize_object(c, custom_objects=custom_objects) for c in config.pop("cells")]
        return cls(cells, **config)
