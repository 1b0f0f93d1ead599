"""``tholos.optimizers``: optimizers with Keras 3's names, arguments and update rules.

>>> get("adam").name
'adam'
>>> type(get({"class_name": "SGD", "config": {"learning_rate": 0.5}})).__name__
'SGD'
"""

from __future__ import annotations

from typing import Any

from tholos.errors import ConfigError
from tholos.optimizers import schedules
from tholos.optimizers.adam import Adam, Adamax, AdamW, Nadam
from tholos.optimizers.adaptive import Adadelta, Adagrad, RMSprop
from tholos.optimizers.base_optimizer import Optimizer
from tholos.optimizers.extra import Adafactor, Ftrl, Lamb, Lion
from tholos.optimizers.loss_scale_optimizer import LossScaleOptimizer
from tholos.optimizers.sgd import SGD
from tholos.saving.serialization import deserialize_object, serialize_object

_MODULE = "tholos.optimizers"
_ALL = (
    Adadelta,
    Adafactor,
    Adagrad,
    Adam,
    Adamax,
    AdamW,
    Ftrl,
    Lamb,
    Lion,
    LossScaleOptimizer,
    Nadam,
    RMSprop,
    SGD,
)
_BY_LOWER_NAME = {cls.__name__.lower(): cls for cls in _ALL}


def serialize(optimizer: Optimizer) -> Any:
    """The config of an optimizer."""
    return serialize_object(optimizer)


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Optimizer:
    """An optimizer from a config; built-in class names match case-insensitively."""
    if isinstance(config, dict) and isinstance(config.get("class_name"), str):
        cls = _BY_LOWER_NAME.get(config["class_name"].lower())
        if cls is not None and not config.get("registered_name", cls.__name__).count(">"):
            return cls.from_config(dict(config.get("config") or {}))
    return deserialize_object(config, custom_objects=custom_objects, module=_MODULE)


def get(identifier: Any) -> Optimizer | None:
    """Resolve an optimizer: ``None``, a name (``"adam"``, ``"SGD"``, case-insensitive), a
    config dict, or an :class:`Optimizer` (returned as is)."""
    if identifier is None:
        return None
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        cls = _BY_LOWER_NAME.get(identifier.lower())
        if cls is None or cls is LossScaleOptimizer:
            names = sorted(c.__name__ for c in _ALL if c is not LossScaleOptimizer)
            raise ConfigError(
                f"Unknown optimizer {identifier!r}.",
                expected=f"one of {', '.join(names)} (any case), or a registered optimizer",
                received=repr(identifier),
                hint="Or pass an Optimizer instance.",
            )
        return cls()
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
        if isinstance(obj, Optimizer):
            return obj
    raise ConfigError(
        "Could not interpret the optimizer identifier.",
        expected="an optimizer name, a config dict or an Optimizer instance",
        received=repr(identifier)[:200],
    )


__all__ = [
    "SGD",
    "Adadelta",
    "Adafactor",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Ftrl",
    "Lamb",
    "Lion",
    "LossScaleOptimizer",
    "Nadam",
    "Optimizer",
    "RMSprop",
    "deserialize",
    "get",
    "schedules",
    "serialize",
]
