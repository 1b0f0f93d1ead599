"""Activation functions, and ``get``/``serialize``/``deserialize`` by name.

>>> get("relu") is relu
True
>>> serialize(relu)
'relu'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tholos.activations.activations import (
    ALL_ACTIVATIONS,
    celu,
    elu,
    exponential,
    gelu,
    glu,
    hard_shrink,
    hard_sigmoid,
    hard_silu,
    hard_swish,
    hard_tanh,
    leaky_relu,
    linear,
    log_sigmoid,
    log_softmax,
    mish,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    soft_shrink,
    softmax,
    softplus,
    softsign,
    sparse_plus,
    sparse_sigmoid,
    sparsemax,
    squareplus,
    swish,
    tanh,
    tanh_shrink,
    threshold,
)
from tholos.errors import ConfigError
from tholos.saving import serialization as _ser


def serialize(activation: Callable[..., Any]) -> Any:
    """The name of a built-in or registered activation (a config dict for a layer object)."""
    if activation is None:
        return None
    if hasattr(activation, "get_config"):
        return _ser.serialize_object(activation)
    config = _ser.serialize_object(activation)
    return config["config"]


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Callable[..., Any]:
    """The activation a name or config refers to."""
    if isinstance(config, str):
        fn = _ser.get_registered_object(config, custom_objects, ALL_ACTIVATIONS)
        if fn is None:
            raise ConfigError(
                f"Unknown activation function: {config!r}.",
                expected=f"one of {', '.join(sorted(ALL_ACTIVATIONS))}, or a registered "
                "custom function",
                received=repr(config),
                hint="Register custom activations with @tholos.saving.register_serializable(), "
                "or pass custom_objects.",
            )
        return fn
    return _ser.deserialize_object(config, custom_objects, module="tholos.activations")


def get(identifier: Any) -> Callable[..., Any]:
    """An activation from a name, a config, a callable (returned as is), or ``None``
    (``linear``)."""
    if identifier is None:
        return linear
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ConfigError(
        "Cannot interpret this as an activation function.",
        expected="a name such as 'relu', a callable, or None",
        received=repr(identifier),
    )


__all__ = [
    "celu",
    "deserialize",
    "elu",
    "exponential",
    "gelu",
    "get",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "leaky_relu",
    "linear",
    "log_sigmoid",
    "log_softmax",
    "mish",
    "relu",
    "relu6",
    "selu",
    "serialize",
    "sigmoid",
    "silu",
    "soft_shrink",
    "softmax",
    "softplus",
    "softsign",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
    "swish",
    "tanh",
    "tanh_shrink",
    "threshold",
]
