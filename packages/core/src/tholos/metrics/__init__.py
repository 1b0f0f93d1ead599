"""``tholos.metrics``: stateful metrics with Keras 3's names, and :func:`get`.

>>> import numpy as np
>>> m = get("binary_accuracy")
>>> m.update_state(np.array([1, 0, 1]), np.array([0.9, 0.2, 0.4]))
>>> round(float(m.result()), 4)
0.6667
"""

from __future__ import annotations

import inspect
from typing import Any

from tholos.errors import ConfigError
from tholos.losses.functions import (
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_hinge,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from tholos.metrics.accuracy_metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from tholos.metrics.confusion_metrics import (
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
)
from tholos.metrics.f_score_metrics import F1Score, FBetaScore
from tholos.metrics.iou_metrics import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from tholos.metrics.metric import Metric
from tholos.metrics.probabilistic_metrics import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    Hinge,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
)
from tholos.metrics.reduction_metrics import Mean, MeanMetricWrapper, Sum
from tholos.metrics.regression_metrics import (
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    R2Score,
    RootMeanSquaredError,
    cosine_similarity,
)
from tholos.saving.serialization import (
    builtin_objects,
    deserialize_object,
    get_registered_object,
    serialize_object,
)

_MODULE = "tholos.metrics"


def _all_objects() -> dict[str, Any]:
    """Names :func:`get` understands: class names, their snake_case forms, short aliases."""
    from tholos.losses._utils import to_snake_case

    classes = [
        obj
        for obj in builtin_objects(_MODULE).values()
        if inspect.isclass(obj) and obj is not Metric
    ]
    table: dict[str, Any] = {cls.__name__: cls for cls in classes}
    table.update({to_snake_case(cls.__name__): cls for cls in classes})
    table.update(
        {
            "bce": BinaryCrossentropy,
            "BCE": BinaryCrossentropy,
            "mse": MeanSquaredError,
            "MSE": MeanSquaredError,
            "mae": MeanAbsoluteError,
            "MAE": MeanAbsoluteError,
            "mape": MeanAbsolutePercentageError,
            "MAPE": MeanAbsolutePercentageError,
            "msle": MeanSquaredLogarithmicError,
            "MSLE": MeanSquaredLogarithmicError,
        }
    )
    return table


def serialize(metric: Any) -> Any:
    """The config of a metric object or built-in metric function."""
    return serialize_object(metric)


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    """A metric from :func:`serialize`'s output or a name."""
    return deserialize_object(config, custom_objects=custom_objects, module=_MODULE)


def _known_names() -> list[str]:
    return sorted(_all_objects())


def get(identifier: Any) -> Any:
    """Resolve a metric: ``None``, a name (a class name such as ``"AUC"``, its snake_case
    form ``"auc"``, or a short alias such as ``"mse"``: a new instance of the class), a config
    dict, a class (instantiated), a Metric or a callable.

    (``"accuracy"``/``"acc"`` resolution against the loss is the trainer's job; here
    ``"accuracy"`` is plain :class:`Accuracy`.)
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = get_registered_object(identifier, module_objects=_all_objects())
        if obj is None:
            raise ConfigError(
                f"Unknown metric {identifier!r}.",
                expected=f"one of {', '.join(_known_names())}, or a registered custom metric",
                received=repr(identifier),
                hint="Check the spelling, or pass a Metric instance or a callable.",
            )
    else:
        obj = identifier
    if inspect.isclass(obj):
        obj = obj()
    if callable(obj) or isinstance(obj, Metric):
        return obj
    raise ConfigError(
        "Could not interpret the metric identifier.",
        expected="a metric name, a config dict, a Metric instance or a callable",
        received=repr(identifier)[:200],
    )


__all__ = [
    "AUC",
    "Accuracy",
    "BinaryAccuracy",
    "BinaryCrossentropy",
    "BinaryIoU",
    "CategoricalAccuracy",
    "CategoricalCrossentropy",
    "CategoricalHinge",
    "CosineSimilarity",
    "F1Score",
    "FBetaScore",
    "FalseNegatives",
    "FalsePositives",
    "Hinge",
    "IoU",
    "KLDivergence",
    "LogCoshError",
    "Mean",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanIoU",
    "MeanMetricWrapper",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Metric",
    "OneHotIoU",
    "OneHotMeanIoU",
    "Poisson",
    "Precision",
    "PrecisionAtRecall",
    "R2Score",
    "Recall",
    "RecallAtPrecision",
    "RootMeanSquaredError",
    "SensitivityAtSpecificity",
    "SparseCategoricalAccuracy",
    "SparseCategoricalCrossentropy",
    "SparseTopKCategoricalAccuracy",
    "SpecificityAtSensitivity",
    "SquaredHinge",
    "Sum",
    "TopKCategoricalAccuracy",
    "TrueNegatives",
    "TruePositives",
    "accuracy",
    "binary_accuracy",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_accuracy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_hinge",
    "cosine_similarity",
    "deserialize",
    "get",
    "hinge",
    "huber",
    "kl_divergence",
    "log_cosh",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "poisson",
    "serialize",
    "sparse_categorical_accuracy",
    "sparse_categorical_crossentropy",
    "sparse_top_k_categorical_accuracy",
    "squared_hinge",
    "top_k_categorical_accuracy",
]
