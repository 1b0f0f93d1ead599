"""``tholos.losses``: loss classes, loss functions, and :func:`get` (Keras 3's names).

>>> import numpy as np
>>> float(get("mse")(np.array([[0.0, 2.0]]), np.array([[0.0, 0.0]]))[0])
2.0
>>> get("MeanSquaredError").name
'mean_squared_error'
"""

from __future__ import annotations

import inspect
from typing import Any

from tholos.errors import ConfigError
from tholos.losses.functions import (
    BCE,
    KLD,
    MAE,
    MAPE,
    MSE,
    MSLE,
    bce,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_hinge,
    cosine_similarity,
    ctc,
    dice,
    hinge,
    huber,
    kl_divergence,
    kld,
    kullback_leibler_divergence,
    log_cosh,
    logcosh,
    mae,
    mape,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    mse,
    msle,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
    tversky,
)
from tholos.losses.loss import Loss, reduce_weighted_values, squeeze_or_expand_to_same_rank
from tholos.losses.losses import (
    CTC,
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    CategoricalHinge,
    CosineSimilarity,
    Dice,
    Hinge,
    Huber,
    KLDivergence,
    LogCosh,
    LossFunctionWrapper,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
    Tversky,
)
from tholos.saving.serialization import builtin_objects, deserialize_object, serialize_object

_MODULE = "tholos.losses"


def serialize(loss: Any) -> Any:
    """The config of a loss object or built-in loss function."""
    return serialize_object(loss)


def deserialize(name: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    """A loss from :func:`serialize`'s output or a name."""
    return deserialize_object(name, custom_objects=custom_objects, module=_MODULE)


def _known_names() -> list[str]:
    return sorted(n for n in builtin_objects(_MODULE) if n not in ("Loss", "LossFunctionWrapper"))


def get(identifier: Any) -> Any:
    """Resolve a loss: ``None``, a name (``"mse"``, ``"mean_squared_error"``,
    ``"MeanSquaredError"``), a config dict, a class (instantiated) or a callable.

    A class name gives a new instance; a function name gives the function.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        from tholos.saving.serialization import get_registered_object

        obj = get_registered_object(identifier, module_objects=builtin_objects(_MODULE))
        if obj is None:
            raise ConfigError(
                f"Unknown loss {identifier!r}.",
                expected=f"one of {', '.join(_known_names())}, or a registered custom loss",
                received=repr(identifier),
                hint="Check the spelling, or pass a Loss instance or a callable.",
            )
    else:
        obj = identifier
    if inspect.isclass(obj):
        obj = obj()
    if callable(obj):
        return obj
    raise ConfigError(
        "Could not interpret the loss identifier.",
        expected="a loss name, a config dict, a Loss instance or a callable",
        received=repr(identifier)[:200],
    )


__all__ = [
    "BCE",
    "CTC",
    "KLD",
    "MAE",
    "MAPE",
    "MSE",
    "MSLE",
    "BinaryCrossentropy",
    "BinaryFocalCrossentropy",
    "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy",
    "CategoricalHinge",
    "CosineSimilarity",
    "Dice",
    "Hinge",
    "Huber",
    "KLDivergence",
    "LogCosh",
    "Loss",
    "LossFunctionWrapper",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Poisson",
    "SparseCategoricalCrossentropy",
    "SquaredHinge",
    "Tversky",
    "bce",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_hinge",
    "cosine_similarity",
    "ctc",
    "deserialize",
    "dice",
    "get",
    "hinge",
    "huber",
    "kl_divergence",
    "kld",
    "kullback_leibler_divergence",
    "log_cosh",
    "logcosh",
    "mae",
    "mape",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "mse",
    "msle",
    "poisson",
    "reduce_weighted_values",
    "serialize",
    "sparse_categorical_crossentropy",
    "squared_hinge",
    "squeeze_or_expand_to_same_rank",
    "tversky",
]
