"""Weight constraints (``tholos.constraints``) and ``get``/``serialize``/``deserialize``."""

from __future__ import annotations

from typing import Any

from tholos.constraints.constraints import (
    ALIASES,
    Constraint,
    MaxNorm,
    MinMaxNorm,
    NonNeg,
    UnitNorm,
)
from tholos.errors import ConfigError
from tholos.saving import serialization as _ser

max_norm = MaxNorm
min_max_norm = MinMaxNorm
non_neg = NonNeg
unit_norm = UnitNorm

for _name, _cls in ALIASES.items():
    _ser.register_builtin_alias("tholos.constraints", _name, _cls)


def serialize(constraint: Any) -> Any:
    return _ser.serialize_object(constraint)


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    if isinstance(config, str):
        return get(config)
    return _ser.deserialize_object(config, custom_objects, module="tholos.constraints")


def get(identifier: Any) -> Any:
    """A constraint from a name (``"non_neg"``), a config dict, an instance or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        cls = _ser.get_registered_object(
            identifier, None, {**ALIASES, **_ser.builtin_objects("tholos.constraints")}
        )
        if cls is None:
            raise ConfigError(
                f"Unknown constraint: {identifier!r}.",
                expected=f"one of {', '.join(sorted(ALIASES))}, a class name, or a registered "
                "custom constraint",
                received=repr(identifier),
            )
        return cls() if isinstance(cls, type) else cls
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ConfigError(
        "Cannot interpret this as a constraint.",
        expected="a name, a config dict or a callable",
        received=repr(identifier),
    )


__all__ = [
    "Constraint",
    "MaxNorm",
    "MinMaxNorm",
    "NonNeg",
    "UnitNorm",
    "deserialize",
    "get",
    "max_norm",
    "min_max_norm",
    "non_neg",
    "serialize",
    "unit_norm",
]
