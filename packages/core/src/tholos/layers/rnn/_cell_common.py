"""Arguments every built-in recurrent cell shares (units, activations, initializers, dropout)."""

from __future__ import annotations

import math
from typing import Any

from tholos import activations, constraints, initializers, regularizers
from tholos import random as trandom
from tholos.errors import ConfigError


def check_units(units: Any, layer: str) -> int:
    if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
        raise ConfigError(
            f"{layer}: `units` must be a positive integer.",
            expected="an int > 0",
            received=f"units={units!r}",
        )
    return units


def check_rate(value: Any, name: str, layer: str) -> float:
    try:
        rate = float(value)
    except (TypeError, ValueError):
        rate = math.nan
    if not 0.0 <= rate <= 1.0:
        raise ConfigError(
            f"{layer}: `{name}` must be a fraction in [0, 1].",
            expected="a float in [0, 1]",
            received=f"{name}={value!r}",
        )
    return rate


def init_cell_args(cell: Any, layer: str, **kw: Any) -> None:
    """Store the shared cell arguments on ``cell``, resolved through the identifier registries."""
    cell.units = check_units(kw["units"], layer)
    cell.activation = activations.get(kw["activation"])
    if "recurrent_activation" in kw:
        cell.recurrent_activation = activations.get(kw["recurrent_activation"])
    cell.use_bias = bool(kw["use_bias"])
    for part in ("kernel", "recurrent", "bias"):
        setattr(cell, f"{part}_initializer", initializers.get(kw[f"{part}_initializer"]))
        setattr(cell, f"{part}_regularizer", regularizers.get(kw[f"{part}_regularizer"]))
        setattr(cell, f"{part}_constraint", constraints.get(kw[f"{part}_constraint"]))
    cell.dropout = check_rate(kw["dropout"], "dropout", layer)
    cell.recurrent_dropout = check_rate(kw["recurrent_dropout"], "recurrent_dropout", layer)
    cell.seed = kw["seed"]
    cell.seed_generator = trandom.SeedGenerator(seed=kw["seed"])


def cell_config(cell: Any) -> dict:
    """The shared part of a cell's ``get_config()``, in Keras 3's key order."""
    config: dict = {"units": cell.units, "activation": activations.serialize(cell.activation)}
    if hasattr(cell, "recurrent_activation"):
        config["recurrent_activation"] = activations.serialize(cell.recurrent_activation)
    config["use_bias"] = cell.use_bias
    for part in ("kernel", "recurrent", "bias"):
        config[f"{part}_initializer"] = initializers.serialize(getattr(cell, f"{part}_initializer"))
    for part in ("kernel", "recurrent", "bias"):
        config[f"{part}_regularizer"] = regularizers.serialize(getattr(cell, f"{part}_regularizer"))
    for part in ("kernel", "recurrent", "bias"):
        config[f"{part}_constraint"] = constraints.serialize(getattr(cell, f"{part}_constraint"))
    config["dropout"] = cell.dropout
    config["recurrent_dropout"] = cell.recurrent_dropout
    config["seed"] = cell.seed
    return config


def use_mask(training: Any, rate: float) -> bool:
    return bool(training) and 0.0 < rate < 1.0
