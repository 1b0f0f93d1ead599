"""Weight regularizers (``tholos.regularizers``) and ``get``/``serialize``/``deserialize``."""

from __future__ import annotations

from typing import Any

from tholos.errors import ConfigError
from tholos.regularizers.regularizers import (
    ALIASES,
    L1,
    L1L2,
    L2,
    OrthogonalRegularizer,
    Regularizer,
)
from tholos.saving import serialization as _ser

l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer

for _name, _cls in ALIASES.items():
    _ser.register_builtin_alias("tholos.regularizers", _name, _cls)


def serialize(regularizer: Any) -> Any:
    return _ser.serialize_object(regularizer)


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    if isinstance(config, str):
        return get(config)
    return _ser.deserialize_object(config, custom_objects, module="tholos.regularizers")


def get(identifier: Any) -> Any:
    """A regularizer from a name (``"l2"``), a config dict, an instance or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        cls = _ser.get_registered_object(
            identifier, None, {**ALIASES, **_ser.builtin_objects("tholos.regularizers")}
        )
        if cls is None:
            raise ConfigError(
                f"Unknown regularizer: {identifier!r}.",
                expected=f"one of {', '.join(sorted(ALIASES))}, a class name, or a registered "
                "custom regularizer",
                received=repr(identifier),
            )
        return cls() if isinstance(cls, type) else cls
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ConfigError(
        "Cannot interpret this as a regularizer.",
        expected="a name, a config dict or a callable",
        received=repr(identifier),
    )


__all__ = [
    "L1",
    "L1L2",
    "L2",
    "OrthogonalRegularizer",
    "Regularizer",
    "deserialize",
    "get",
    "l1",
    "l1_l2",
    "l2",
    "orthogonal_regularizer",
    "serialize",
]
