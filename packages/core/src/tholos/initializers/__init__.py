"""Weight initializers (``tholos.initializers``): classes, snake-case aliases and ``get``.

>>> type(get("he_normal")).__name__
'HeNormal'
"""

from __future__ import annotations

from typing import Any

from tholos.errors import ConfigError
from tholos.initializers.initializers import (
    ALIASES,
    Constant,
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    Identity,
    IdentityInitializer,
    Initializer,
    LecunNormal,
    LecunUniform,
    Ones,
    Orthogonal,
    OrthogonalInitializer,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    Zeros,
    compute_fans,
)
from tholos.saving import serialization as _ser

# function-style aliases (Keras: ``tholos.initializers.glorot_uniform(seed=1)``)
zeros = Zeros
ones = Ones
constant = Constant
identity = Identity
random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
glorot_uniform = GlorotUniform
glorot_normal = GlorotNormal
he_uniform = HeUniform
he_normal = HeNormal
lecun_uniform = LecunUniform
lecun_normal = LecunNormal
orthogonal = Orthogonal

for _name, _cls in ALIASES.items():
    _ser.register_builtin_alias("tholos.initializers", _name, _cls)


def serialize(initializer: Initializer) -> dict[str, Any]:
    return _ser.serialize_object(initializer)


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Initializer:
    if isinstance(config, str):
        return get(config)
    return _ser.deserialize_object(config, custom_objects, module="tholos.initializers")


def get(identifier: Any) -> Any:
    """An initializer from a name (``"glorot_uniform"``, ``"GlorotUniform"``), a config dict,
    an initializer (returned as is), a class (instantiated) or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        cls = _ser.get_registered_object(identifier, None, {**ALIASES, **_classes()})
        if cls is None:
            raise ConfigError(
                f"Unknown initializer: {identifier!r}.",
                expected=f"one of {', '.join(sorted(ALIASES))} (or their class names), or a "
                "registered custom initializer",
                received=repr(identifier),
                hint="Register custom initializers with @tholos.saving.register_serializable().",
            )
        return cls() if isinstance(cls, type) else cls
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type):
        return identifier()
    if callable(identifier):
        return identifier
    raise ConfigError(
        "Cannot interpret this as an initializer.",
        expected="a name, a config dict, or a callable(shape, dtype)",
        received=repr(identifier),
    )


def _classes() -> dict[str, type]:
    return _ser.builtin_objects("tholos.initializers")


__all__ = [
    "Constant",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Identity",
    "IdentityInitializer",
    "Initializer",
    "LecunNormal",
    "LecunUniform",
    "Ones",
    "Orthogonal",
    "OrthogonalInitializer",
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
    "Zeros",
    "compute_fans",
    "constant",
    "deserialize",
    "get",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "identity",
    "lecun_normal",
    "lecun_uniform",
    "ones",
    "orthogonal",
    "random_normal",
    "random_uniform",
    "serialize",
    "truncated_normal",
    "variance_scaling",
    "zeros",
]
