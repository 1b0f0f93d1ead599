"""Intersection-over-union metrics, from an accumulated (weighted) confusion matrix.

IoU of class ``c`` = ``TP / (TP + FP + FN)``; classes that never occur (in labels or
predictions) are left out of the mean.

>>> import numpy as np
>>> m = MeanIoU(num_classes=2)
>>> m.update_state(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]))
>>> round(float(m.result()), 4)  # class 0: 1 / (2 + 2 - 1); class 1: the same
0.3333
"""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.losses._utils import epsilon
from tholos.metrics.metric import Metric
from tholos.saving.serialization import register_builtin

_MODULE = "tholos.metrics"


def confusion_matrix(
    labels: Any, predictions: Any, num_classes: int, weights: Any, dtype: str
) -> Any:
    """``cm[i, j]`` = total weight of entries with label ``i`` predicted as ``j``."""
    true_1h = ops.one_hot(ops.cast(labels, "int32"), num_classes, dtype=dtype)
    pred_1h = ops.one_hot(ops.cast(predictions, "int32"), num_classes, dtype=dtype)
    true_1h = true_1h * ops.expand_dims(ops.cast(weights, dtype), -1)
    return ops.matmul(ops.transpose(true_1h), pred_1h)


class _IoUBase(Metric):
    def __init__(
        self,
        num_classes: int,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
        axis: int = -1,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self.num_classes = int(num_classes)
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable(
            (self.num_classes, self.num_classes), "zeros", name="total_confusion_matrix"
        )

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true = ops.convert_to_tensor(y_true)
        y_pred = ops.convert_to_tensor(y_pred)
        if not self.sparse_y_true:
            y_true = ops.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = ops.argmax(y_pred, axis=self.axis)
        y_true = ops.reshape(ops.cast(y_true, self.dtype), (-1,))
        y_pred = ops.reshape(ops.cast(y_pred, self.dtype), (-1,))
        if sample_weight is None:
            weights = ops.ones_like(y_true)
        else:
            weights = ops.cast(ops.convert_to_tensor(sample_weight), self.dtype)
            weights = ops.broadcast_to(
                ops.reshape(weights, (-1,)) if len(weights.shape) > 1 else weights,
                tuple(y_true.shape),
            )
        if self.ignore_class is not None:
            valid = ops.cast(ops.not_equal(y_true, float(self.ignore_class)), self.dtype)
            y_true = y_true * valid
            y_pred = y_pred * valid
            weights = weights * valid
        cm = confusion_matrix(y_true, y_pred, self.num_classes, weights, self.dtype)
        self.total_cm.assign_add(cm)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "num_classes": self.num_classes,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


@register_builtin(_MODULE)
class IoU(_IoUBase):
    """Mean IoU over ``target_class_ids`` (classes absent from labels and predictions are
    skipped).

    Args:
        num_classes: number of classes.
        target_class_ids: the classes whose IoU is averaged.
        ignore_class: label value whose entries are ignored.
        sparse_y_true / sparse_y_pred: whether labels / predictions are class ids (else
            one-hot or scores, reduced with argmax over ``axis``).
    """

    def __init__(
        self,
        num_classes: int,
        target_class_ids: Any,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
        axis: int = -1,
    ) -> None:
        super().__init__(
            num_classes,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )
        ids = [int(i) for i in target_class_ids]
        if max(ids) >= self.num_classes:
            from tholos.errors import OpInputError

            raise OpInputError(
                "IoU: target_class_ids out of range.",
                expected=f"ids < num_classes={self.num_classes}",
                received=repr(target_class_ids),
            )
        self.target_class_ids = ids

    def result(self) -> Any:
        cm = self.total_cm.value
        predicted = ops.sum(cm, axis=0)
        actual = ops.sum(cm, axis=1)
        tp = ops.diagonal(cm)
        denominator = predicted + actual - tp
        ids = ops.convert_to_tensor(self.target_class_ids, dtype="int32")
        tp = ops.take(tp, ids)
        denominator = ops.take(denominator, ids)
        valid = ops.sum(ops.cast(ops.greater(denominator, 1e-9), self.dtype))
        iou = tp / (denominator + epsilon())
        return ops.sum(iou) / (valid + epsilon())

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "target_class_ids": list(self.target_class_ids)}


@register_builtin(_MODULE)
class BinaryIoU(IoU):
    """IoU for binary labels, with predictions thresholded at ``threshold``."""

    def __init__(
        self,
        target_class_ids: Any = (0, 1),
        threshold: float = 0.5,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_pred = ops.cast(ops.convert_to_tensor(y_pred), self.dtype)
        y_pred = ops.cast(ops.greater(y_pred, self.threshold), self.dtype)
        super().update_state(y_true, y_pred, sample_weight)

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dtype": self._config_dtype(),
            "target_class_ids": list(self.target_class_ids),
            "threshold": self.threshold,
        }


@register_builtin(_MODULE)
class MeanIoU(IoU):
    """IoU averaged over all ``num_classes`` classes."""

    def __init__(
        self,
        num_classes: int,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
        axis: int = -1,
    ) -> None:
        super().__init__(
            num_classes,
            list(range(int(num_classes))),
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["target_class_ids"]
        return config


@register_builtin(_MODULE)
class OneHotIoU(IoU):
    """IoU with one-hot labels (and score predictions, unless ``sparse_y_pred``)."""

    def __init__(
        self,
        num_classes: int,
        target_class_ids: Any,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_pred: bool = False,
        axis: int = -1,
    ) -> None:
        super().__init__(
            num_classes,
            target_class_ids,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["sparse_y_true"]
        return config


@register_builtin(_MODULE)
class OneHotMeanIoU(MeanIoU):
    """Mean IoU with one-hot labels (and score predictions, unless ``sparse_y_pred``)."""

    def __init__(
        self,
        num_classes: int,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_pred: bool = False,
        axis: int = -1,
    ) -> None:
        super().__init__(
            num_classes,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["sparse_y_true"]
        return config
