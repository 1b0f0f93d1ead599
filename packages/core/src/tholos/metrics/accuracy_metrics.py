"""Accuracy metrics and their per-sample functions.

>>> import numpy as np
>>> m = SparseCategoricalAccuracy()
>>> m.update_state(np.array([2, 1]), np.array([[0.1, 0.6, 0.3], [0.05, 0.95, 0.0]]))
>>> float(m.result())
0.5
"""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.backend.dtypes import floatx
from tholos.losses._utils import dtype_of
from tholos.losses.loss import squeeze_or_expand_to_same_rank
from tholos.metrics.reduction_metrics import MeanMetricWrapper
from tholos.saving.serialization import register_builtin

_MODULE = "tholos.metrics"


def _export(fn):
    return register_builtin(_MODULE)(fn)


def _matches(a: Any, b: Any) -> Any:
    return ops.cast(ops.equal(a, b), floatx())


@_export
def accuracy(y_true: Any, y_pred: Any) -> Any:
    """1.0 where ``y_true == y_pred`` exactly, else 0.0."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=dtype_of(y_pred))
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return _matches(y_true, y_pred)


@_export
def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> Any:
    """1.0 where ``(y_pred > threshold) == y_true``, else 0.0."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    predicted = ops.cast(
        ops.greater(y_pred, ops.cast(threshold, dtype_of(y_pred))), dtype_of(y_true)
    )
    return _matches(y_true, predicted)


@_export
def categorical_accuracy(y_true: Any, y_pred: Any) -> Any:
    """1.0 where ``argmax(y_true) == argmax(y_pred)`` along the last axis, else 0.0."""
    y_true = ops.argmax(ops.convert_to_tensor(y_true), axis=-1)
    y_pred = ops.argmax(ops.convert_to_tensor(y_pred), axis=-1)
    return _matches(y_true, ops.cast(y_pred, dtype_of(y_true)))


def _squeeze_sparse_labels(y_true: Any, y_pred: Any) -> Any:
    if len(y_true.shape) == len(y_pred.shape) and len(y_true.shape) > 0 and y_true.shape[-1] == 1:
        y_true = ops.squeeze(y_true, axis=-1)
    return y_true


@_export
def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> Any:
    """1.0 where the integer label ``y_true`` equals ``argmax(y_pred, -1)``, else 0.0."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = _squeeze_sparse_labels(ops.convert_to_tensor(y_true), y_pred)
    if len(y_pred.shape) == len(y_true.shape) + 1:
        y_pred = ops.argmax(y_pred, axis=-1)
    y_pred = ops.cast(y_pred, "int32")
    y_true = ops.cast(y_true, "int32")
    return _matches(y_true, y_pred)


def _in_top_k(targets: Any, predictions: Any, k: int) -> Any:
    """Whether each target class scores among the top ``k`` (ties count as in)."""
    targets = ops.cast(targets, "int32")
    target_score = ops.take_along_axis(predictions, ops.expand_dims(targets, -1), axis=-1)
    higher = ops.sum(ops.cast(ops.greater(predictions, target_score), "int32"), axis=-1)
    return ops.less(higher, k)


@_export
def top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> Any:
    """1.0 where the one-hot target's class is among the ``k`` highest predictions."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.argmax(ops.convert_to_tensor(y_true), axis=-1)
    return ops.cast(_in_top_k(y_true, y_pred, k), floatx())


@_export
def sparse_top_k_categorical_accuracy(
    y_true: Any, y_pred: Any, k: int = 5, from_sorted_ids: bool = False
) -> Any:
    """1.0 where the integer label is among the ``k`` highest predictions (or, with
    ``from_sorted_ids``, among the first ``k`` ids of ``y_pred``)."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = _squeeze_sparse_labels(ops.convert_to_tensor(y_true), y_pred)
    if from_sorted_ids:
        ids = ops.cast(y_pred[..., :k], "int32")
        hit = ops.any(ops.equal(ops.expand_dims(ops.cast(y_true, "int32"), -1), ids), axis=-1)
        return ops.cast(hit, floatx())
    return ops.cast(_in_top_k(y_true, y_pred, k), floatx())


@register_builtin(_MODULE)
class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels."""

    def __init__(self, name: str = "accuracy", dtype: Any = None) -> None:
        super().__init__(accuracy, name=name, dtype=dtype)


@register_builtin(_MODULE)
class BinaryAccuracy(MeanMetricWrapper):
    """How often ``y_pred > threshold`` matches binary labels."""

    def __init__(
        self, name: str = "binary_accuracy", dtype: Any = None, threshold: float = 0.5
    ) -> None:
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold


@register_builtin(_MODULE)
class CategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of predictions matches the argmax of one-hot labels."""

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


@register_builtin(_MODULE)
class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of predictions matches integer labels."""

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


@register_builtin(_MODULE)
class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target is among the top ``k`` predictions."""

    def __init__(
        self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype: Any = None
    ) -> None:
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k


@register_builtin(_MODULE)
class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer target is among the top ``k`` predictions."""

    def __init__(
        self,
        k: int = 5,
        name: str = "sparse_top_k_categorical_accuracy",
        dtype: Any = None,
        from_sorted_ids: bool = False,
    ) -> None:
        super().__init__(
            sparse_top_k_categorical_accuracy,
            name=name,
            dtype=dtype,
            k=k,
            from_sorted_ids=from_sorted_ids,
        )
        self.k = k
        self.from_sorted_ids = from_sorted_ids
