"""The shared base of ``SimpleRNN``, ``LSTM`` and ``GRU``: an ``RNN`` whose configuration is
its cell's arguments, with the cell's hyper-parameters readable on the layer."""

from __future__ import annotations

from typing import Any

from tholos import regularizers
from tholos.errors import ConfigError
from tholos.layers.rnn._cell_common import cell_config
from tholos.layers.rnn.rnn import RNN

_CELL_ATTRIBUTES = (
    "units",
    "activation",
    "recurrent_activation",
    "use_bias",
    "unit_forget_bias",
    "reset_after",
    "kernel_initializer",
    "recurrent_initializer",
    "bias_initializer",
    "kernel_regularizer",
    "recurrent_regularizer",
    "bias_regularizer",
    "kernel_constraint",
    "recurrent_constraint",
    "bias_constraint",
    "dropout",
    "recurrent_dropout",
    "seed",
)


def _from_cell(name: str) -> property:
    return property(lambda self: getattr(self.cell, name), doc=f"The cell's `{name}`.")


def layer_kwargs(kwargs: dict) -> dict:
    """The base-layer arguments a recurrent layer forwards to the cell it creates."""
    return {"dtype": kwargs.get("dtype"), "trainable": kwargs.get("trainable", True)}


def check_use_cudnn(value: Any, layer: str) -> Any:
    """Validate ``use_cudnn`` (accepted for compatibility; every backend runs the same loop)."""
    if value not in ("auto", True, False):
        raise ConfigError(
            f"{layer}: invalid `use_cudnn`.",
            expected='"auto", True or False',
            received=f"use_cudnn={value!r}",
        )
    return value


class CellBackedRNN(RNN):
    """An RNN built around one cell it creates itself; ``get_config`` lists the cell's
    arguments instead of a serialized cell."""

    _extra_config_keys: tuple = ()

    def call(
        self, sequences: Any, initial_state: Any = None, mask: Any = None, training: Any = False
    ) -> Any:
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("cell", None)
        config["activity_regularizer"] = regularizers.serialize(
            getattr(self, "activity_regularizer", None)
        )
        cell = cell_config(self.cell)
        for key in self._extra_config_keys:
            cell[key] = getattr(self.cell, key)
        return {**config, **cell}

    @classmethod
    def from_config(cls, config: dict, custom_objects: Any = None) -> CellBackedRNN:
        return cls(**config)


for _name in _CELL_ATTRIBUTES:
    setattr(CellBackedRNN, _name, _from_cell(_name))
