"""``tholos.optimizers.schedules``: learning rate schedules (Keras 3's names)."""

from __future__ import annotations

from typing import Any

from tholos.optimizers.schedules.learning_rate_schedule import (
    CosineDecay,
    CosineDecayRestarts,
    ExponentialDecay,
    InverseTimeDecay,
    LearningRateSchedule,
    PiecewiseConstantDecay,
    PolynomialDecay,
)
from tholos.saving.serialization import deserialize_object, serialize_object


def serialize(learning_rate_schedule: LearningRateSchedule) -> Any:
    """The config of a schedule."""
    return serialize_object(learning_rate_schedule)


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    """A schedule from :func:`serialize`'s output."""
    return deserialize_object(
        config, custom_objects=custom_objects, module="tholos.optimizers.schedules"
    )


__all__ = [
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "deserialize",
    "serialize",
]
