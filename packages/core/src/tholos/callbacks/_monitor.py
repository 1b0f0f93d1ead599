"""Shared logic of callbacks that watch one logged quantity (``monitor``/``mode``)."""

from __future__ import annotations

import math
import warnings
from typing import Any

from tholos.errors import ConfigError


def resolve_mode(mode: str, monitor: str, owner: str) -> str:
    """``"min"`` or ``"max"``; ``"auto"`` picks ``max`` for accuracy-like names."""
    if mode not in ("auto", "min", "max"):
        warnings.warn(f"{owner}: mode {mode!r} is unknown, falling back to 'auto'.", stacklevel=3)
        mode = "auto"
    if mode != "auto":
        return mode
    name = monitor.lower()
    if name.startswith("val_"):
        name = name[4:]
    if "acc" in name or name.startswith("fmeasure") or name in ("auc", "precision", "recall"):
        return "max"
    return "min"


def improved(current: float, reference: float | None, mode: str, min_delta: float) -> bool:
    """Whether ``current`` beats ``reference`` by more than ``min_delta`` in direction ``mode``."""
    if reference is None:
        return True
    if mode == "min":
        return current + abs(min_delta) < reference
    return current - abs(min_delta) > reference


def monitored_value(logs: dict | None, monitor: str, owner: str) -> float | None:
    """The monitored value from ``logs``, or ``None`` with a warning naming what exists."""
    logs = logs or {}
    value = logs.get(monitor)
    if value is None:
        warnings.warn(
            f"{owner} is conditioned on metric `{monitor}` which is not available. "
            f"Available metrics are: {','.join(sorted(logs))}.",
            stacklevel=3,
        )
        return None
    return float(value)


def check_positive(name: str, value: Any, owner: str) -> None:
    if value is None or (isinstance(value, (int, float)) and value >= 0 and not math.isnan(value)):
        return
    raise ConfigError(
        f"{owner}: {name} must be non-negative.", expected=">= 0", received=repr(value)
    )


def get_learning_rate(model: Any) -> float:
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not hasattr(optimizer, "learning_rate"):
        raise ConfigError(
            "This callback needs a compiled model whose optimizer has a `learning_rate`.",
            expected="model.compile(optimizer=...) before fit",
            received=f"optimizer={optimizer!r}",
        )
    import numpy as np

    from tholos import ops

    value = optimizer.learning_rate
    try:
        return float(np.asarray(ops.convert_to_numpy(value)))
    except Exception:
        return float(np.asarray(value))


def set_learning_rate(model: Any, value: float) -> None:
    optimizer = model.optimizer
    try:
        optimizer.learning_rate = float(value)
    except (AttributeError, TypeError) as err:
        raise ConfigError(
            "Cannot set the optimizer's learning rate.",
            expected="an optimizer created with a float learning_rate",
            received=f"learning_rate={optimizer.learning_rate!r}",
            hint="A LearningRateSchedule cannot be changed by callbacks; pass a float.",
        ) from err
