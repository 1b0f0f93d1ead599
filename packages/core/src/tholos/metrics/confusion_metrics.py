"""Metrics built on thresholded confusion counts: TP/TN/FP/FN, Precision, Recall, AUC and the
"X at Y" metrics.

A prediction counts as positive at threshold ``t`` when ``y_pred > t``; labels are positive
when non-zero. Counts are weighted by ``sample_weight``.

>>> import numpy as np
>>> m = Precision()
>>> m.update_state(np.array([0, 1, 1, 1]), np.array([1.0, 0.0, 1.0, 1.0]))
>>> round(float(m.result()), 4)
0.6667
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tholos import ops
from tholos.errors import OpInputError
from tholos.losses._utils import dtype_of, epsilon
from tholos.losses.loss import squeeze_or_expand_to_same_rank
from tholos.metrics.metric import Metric
from tholos.saving.serialization import register_builtin

_MODULE = "tholos.metrics"
NEG_INF = -1e10
_KINDS = ("tp", "fp", "tn", "fn")


def _to_list(x: Any) -> list:
    if isinstance(x, (list, tuple)):
        return list(x)
    if isinstance(x, np.ndarray):
        return x.tolist()
    return [x]


def parse_thresholds(thresholds: Any, default: float) -> list[float]:
    """The thresholds as a list, each checked to lie in ``[0, 1]``."""
    if thresholds is None:
        return [default]
    values = [float(t) for t in _to_list(thresholds)]
    for t in values:
        if not 0.0 <= t <= 1.0:
            raise OpInputError(
                "Thresholds must lie in [0, 1].",
                expected="thresholds in [0, 1]",
                received=repr(thresholds),
            )
    return values


def filter_top_k(x: Any, k: int) -> Any:
    """Keep the ``k`` largest entries of the last axis; set the others to ``NEG_INF``."""
    _, indices = ops.top_k(x, k, sorted=False)
    keep = ops.sum(ops.one_hot(indices, int(x.shape[-1]), dtype=dtype_of(x)), axis=-2) > 0
    return ops.where(keep, x, ops.cast(NEG_INF, dtype_of(x)))


def confusion_counts(
    y_true: Any,
    y_pred: Any,
    thresholds: Any,
    dtype: str,
    sample_weight: Any = None,
    top_k: int | None = None,
    class_id: int | None = None,
    multi_label: bool = False,
    label_weights: Any = None,
) -> dict[str, Any]:
    """Weighted ``{"tp", "fp", "tn", "fn"}`` counts per threshold.

    Shapes: ``(num_thresholds,)``, or ``(num_thresholds, num_labels)`` with ``multi_label``
    (where only the batch axes are summed).
    """
    y_pred = ops.cast(ops.convert_to_tensor(y_pred), dtype)
    y_true = ops.cast(ops.convert_to_tensor(y_true), dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    weights = None
    if sample_weight is not None:
        weights = ops.expand_dims(ops.cast(ops.convert_to_tensor(sample_weight), dtype), -1)
        _, weights = squeeze_or_expand_to_same_rank(y_true, weights, expand_rank_1=False)
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        y_true = y_true[..., class_id : class_id + 1]
        y_pred = y_pred[..., class_id : class_id + 1]
        if weights is not None and len(weights.shape) >= 1 and weights.shape[-1] not in (1,):
            weights = weights[..., class_id : class_id + 1]
    shape = tuple(y_pred.shape)
    if weights is not None:
        weights = ops.broadcast_to(weights, shape)
    if label_weights is not None and not multi_label:
        lw = ops.broadcast_to(ops.cast(ops.convert_to_tensor(label_weights), dtype), shape)
        weights = lw if weights is None else weights * lw
    if multi_label:
        flat = (-1, int(shape[-1]))
        thr = ops.reshape(ops.cast(ops.convert_to_tensor(thresholds), dtype), (-1, 1, 1))
    else:
        flat = (-1,)
        thr = ops.reshape(ops.cast(ops.convert_to_tensor(thresholds), dtype), (-1, 1))
    y_pred = ops.reshape(y_pred, flat)
    label = ops.reshape(ops.not_equal(y_true, 0), flat)
    if weights is not None:
        weights = ops.reshape(weights, flat)
    predicted = ops.greater(ops.expand_dims(y_pred, 0), thr)  # (T, N[, L])
    label = ops.expand_dims(label, 0)
    not_label = ops.logical_not(label)
    not_predicted = ops.logical_not(predicted)
    conditions = {
        "tp": ops.logical_and(label, predicted),
        "fp": ops.logical_and(not_label, predicted),
        "tn": ops.logical_and(not_label, not_predicted),
        "fn": ops.logical_and(label, not_predicted),
    }
    counts = {}
    for kind, cond in conditions.items():
        values = ops.cast(cond, dtype)
        if weights is not None:
            values = values * ops.expand_dims(weights, 0)
        counts[kind] = ops.sum(values, axis=1)
    return counts


class _ConfusionMatrixConditionCount(Metric):
    _kind = "tp"

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = parse_thresholds(thresholds, default=0.5)
        self.accumulator = self.add_variable(
            shape=(len(self.thresholds),), initializer="zeros", name="accumulator"
        )

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        counts = confusion_counts(y_true, y_pred, self.thresholds, self.dtype, sample_weight)
        self.accumulator.assign_add(counts[self._kind])

    def result(self) -> Any:
        value = self.accumulator.value
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "thresholds": self.init_thresholds}


@register_builtin(_MODULE)
class TruePositives(_ConfusionMatrixConditionCount):
    """Weighted count of positive labels predicted positive (``y_pred > threshold``)."""

    _kind = "tp"


@register_builtin(_MODULE)
class FalsePositives(_ConfusionMatrixConditionCount):
    """Weighted count of negative labels predicted positive."""

    _kind = "fp"


@register_builtin(_MODULE)
class TrueNegatives(_ConfusionMatrixConditionCount):
    """Weighted count of negative labels predicted negative."""

    _kind = "tn"


@register_builtin(_MODULE)
class FalseNegatives(_ConfusionMatrixConditionCount):
    """Weighted count of positive labels predicted negative."""

    _kind = "fn"


class _PrecisionRecall(Metric):
    _other = "fp"

    def __init__(
        self,
        thresholds: Any = None,
        top_k: int | None = None,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = 0.5 if top_k is None else NEG_INF
        self.thresholds = parse_thresholds(thresholds, default=default)
        n = len(self.thresholds)
        self.true_positives = self.add_variable(
            shape=(n,), initializer="zeros", name="true_positives"
        )
        other_name = "false_positives" if self._other == "fp" else "false_negatives"
        self._other_var = self.add_variable(shape=(n,), initializer="zeros", name=other_name)
        object.__setattr__(self, other_name, self._other_var)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        counts = confusion_counts(
            y_true,
            y_pred,
            self.thresholds,
            self.dtype,
            sample_weight,
            top_k=self.top_k,
            class_id=self.class_id,
        )
        self.true_positives.assign_add(counts["tp"])
        self._other_var.assign_add(counts[self._other])

    def result(self) -> Any:
        tp = self.true_positives.value
        value = ops.divide_no_nan(tp, tp + self._other_var.value)
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


@register_builtin(_MODULE)
class Precision(_PrecisionRecall):
    """``TP / (TP + FP)`` at each threshold (one value when one threshold).

    Args:
        thresholds: float or list of floats in [0, 1] (default 0.5; with ``top_k``: the top
            ``k`` predictions are the positives).
        top_k: count only the ``k`` highest predictions of each sample as positive.
        class_id: compute the metric for this class (last-axis index) only.
    """

    _other = "fp"


@register_builtin(_MODULE)
class Recall(_PrecisionRecall):
    """``TP / (TP + FN)`` at each threshold (one value when one threshold)."""

    _other = "fn"


class SensitivitySpecificityBase(Metric):
    """Shared machinery of the "X at Y" metrics: TP/TN/FP/FN at ``num_thresholds`` thresholds
    evenly spaced in [0, 1]."""

    _value_name = "value"

    def __init__(
        self,
        value: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        if not 0.0 <= value <= 1.0:
            raise OpInputError(
                f"{type(self).__name__}: `{self._value_name}` must lie in [0, 1].",
                expected="0 <= value <= 1",
                received=repr(value),
            )
        if int(num_thresholds) <= 0:
            raise OpInputError(
                f"{type(self).__name__}: num_thresholds must be > 0.",
                expected="a positive integer",
                received=repr(num_thresholds),
            )
        self.value = value
        self.class_id = class_id
        self.num_thresholds = int(num_thresholds)
        if self.num_thresholds == 1:
            self.thresholds = [0.5]
        else:
            inner = [(i + 1) / (self.num_thresholds - 1) for i in range(self.num_thresholds - 2)]
            self.thresholds = [0.0, *inner, 1.0]
        n = len(self.thresholds)
        self.true_positives = self.add_variable((n,), "zeros", name="true_positives")
        self.false_positives = self.add_variable((n,), "zeros", name="false_positives")
        self.true_negatives = self.add_variable((n,), "zeros", name="true_negatives")
        self.false_negatives = self.add_variable((n,), "zeros", name="false_negatives")

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        counts = confusion_counts(
            y_true, y_pred, self.thresholds, self.dtype, sample_weight, class_id=self.class_id
        )
        self.true_positives.assign_add(counts["tp"])
        self.false_positives.assign_add(counts["fp"])
        self.true_negatives.assign_add(counts["tn"])
        self.false_negatives.assign_add(counts["fn"])

    def _rates(self) -> dict[str, Any]:
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        return {
            "recall": ops.divide_no_nan(tp, tp + fn),  # = sensitivity
            "specificity": ops.divide_no_nan(tn, tn + fp),
            "precision": ops.divide_no_nan(tp, tp + fp),
        }

    def _max_under_constraint(self, constrained: Any, dependent: Any) -> Any:
        """max of ``dependent`` where ``constrained >= value`` (0 when nowhere)."""
        feasible = ops.greater_equal(constrained, self.value)
        return ops.max(ops.where(feasible, dependent, ops.zeros_like(dependent)))

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            self._value_name: self.value,
            "num_thresholds": self.num_thresholds,
            "class_id": self.class_id,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Metric:
        return cls(**config)


@register_builtin(_MODULE)
class SensitivityAtSpecificity(SensitivitySpecificityBase):
    """Best sensitivity (recall) over thresholds whose specificity is >= ``specificity``."""

    _value_name = "specificity"

    def __init__(
        self,
        specificity: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(specificity, num_thresholds, class_id, name, dtype)
        self.specificity = specificity

    def result(self) -> Any:
        r = self._rates()
        return self._max_under_constraint(r["specificity"], r["recall"])


@register_builtin(_MODULE)
class SpecificityAtSensitivity(SensitivitySpecificityBase):
    """Best specificity over thresholds whose sensitivity is >= ``sensitivity``."""

    _value_name = "sensitivity"

    def __init__(
        self,
        sensitivity: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)
        self.sensitivity = sensitivity

    def result(self) -> Any:
        r = self._rates()
        return self._max_under_constraint(r["recall"], r["specificity"])


@register_builtin(_MODULE)
class PrecisionAtRecall(SensitivitySpecificityBase):
    """Best precision over thresholds whose recall is >= ``recall``."""

    _value_name = "recall"

    def __init__(
        self,
        recall: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(recall, num_thresholds, class_id, name, dtype)
        self.recall = recall

    def result(self) -> Any:
        r = self._rates()
        return self._max_under_constraint(r["recall"], r["precision"])


@register_builtin(_MODULE)
class RecallAtPrecision(SensitivitySpecificityBase):
    """Best recall over thresholds whose precision is >= ``precision``."""

    _value_name = "precision"

    def __init__(
        self,
        precision: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(precision, num_thresholds, class_id, name, dtype)
        self.precision = precision

    def result(self) -> Any:
        r = self._rates()
        return self._max_under_constraint(r["precision"], r["recall"])


_CURVES = {"roc": "ROC", "pr": "PR"}
_SUMMATIONS = ("interpolation", "minoring", "majoring")


@register_builtin(_MODULE)
class AUC(Metric):
    """Area under the ROC or precision-recall curve, by a Riemann sum over thresholds.

    Args:
        num_thresholds: number of thresholds (default 200), evenly spaced in [0, 1] with the
            end points moved just outside it.
        curve: ``"ROC"`` (default) or ``"PR"``.
        summation_method: ``"interpolation"`` (trapezoids; for PR the interpolation of Davis &
            Goadrich), ``"minoring"`` or ``"majoring"``.
        thresholds: explicit thresholds in [0, 1] (overrides ``num_thresholds``).
        multi_label: treat each last-axis column as its own label and average the per-label
            AUCs (weighted by ``label_weights``).
        num_labels: number of labels with ``multi_label`` (else inferred on the first update).
        label_weights: per-label weights.
        from_logits: apply a sigmoid to predictions first.

    >>> import numpy as np
    >>> m = AUC(num_thresholds=3)
    >>> m.update_state(np.array([0, 0, 1, 1]), np.array([0.0, 0.5, 0.3, 0.9]))
    >>> float(m.result())
    0.75
    """

    def __init__(
        self,
        num_thresholds: int = 200,
        curve: str = "ROC",
        summation_method: str = "interpolation",
        name: str | None = None,
        dtype: Any = None,
        thresholds: Any = None,
        multi_label: bool = False,
        num_labels: int | None = None,
        label_weights: Any = None,
        from_logits: bool = False,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        if str(curve).lower() not in _CURVES:
            raise OpInputError(
                "AUC: unknown curve.", expected='"ROC" or "PR"', received=repr(curve)
            )
        if str(summation_method).lower() not in _SUMMATIONS:
            raise OpInputError(
                "AUC: unknown summation_method.",
                expected=str(_SUMMATIONS),
                received=repr(summation_method),
            )
        self.curve = _CURVES[str(curve).lower()]
        self.summation_method = str(summation_method).lower()
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(parse_thresholds(thresholds, default=0.5))
            self.num_thresholds = len(inner) + 2
        else:
            if int(num_thresholds) <= 1:
                raise OpInputError(
                    "AUC: num_thresholds must be > 1.",
                    expected="an integer > 1",
                    received=repr(num_thresholds),
                )
            self.num_thresholds = int(num_thresholds)
            inner = [(i + 1) / (self.num_thresholds - 1) for i in range(self.num_thresholds - 2)]
        eps = epsilon()
        self._thresholds = [0.0 - eps, *inner, 1.0 + eps]
        self.multi_label = multi_label
        self.num_labels = num_labels
        self._from_logits = from_logits
        if label_weights is not None:
            lw = np.asarray(ops.convert_to_numpy(ops.convert_to_tensor(label_weights)))
            if np.any(lw < 0):
                raise OpInputError(
                    "AUC: label_weights must be >= 0.",
                    expected="weights >= 0",
                    received=repr(label_weights),
                )
            self.label_weights = ops.convert_to_tensor(lw, dtype=self.dtype)
        else:
            self.label_weights = None
        self._built = False
        if multi_label:
            if num_labels is not None:
                self._build((None, num_labels))
        else:
            if num_labels is not None:
                raise OpInputError(
                    "AUC: num_labels needs multi_label=True.",
                    expected="num_labels=None when multi_label=False",
                    received=repr(num_labels),
                )
            self._build(None)

    @property
    def thresholds(self) -> list[float]:
        """The thresholds, including the two end points just outside [0, 1]."""
        return list(self._thresholds)

    def _build(self, shape: Any) -> None:
        if self.multi_label:
            self.num_labels = int(shape[-1])
            var_shape = (self.num_thresholds, self.num_labels)
        else:
            var_shape = (self.num_thresholds,)
        self.true_positives = self.add_variable(var_shape, "zeros", name="true_positives")
        self.false_positives = self.add_variable(var_shape, "zeros", name="false_positives")
        self.true_negatives = self.add_variable(var_shape, "zeros", name="true_negatives")
        self.false_negatives = self.add_variable(var_shape, "zeros", name="false_negatives")
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_pred = ops.convert_to_tensor(y_pred)
        if not self._built:
            self._build(tuple(y_pred.shape))
        if self._from_logits:
            y_pred = ops.sigmoid(y_pred)
        counts = confusion_counts(
            y_true,
            y_pred,
            self._thresholds,
            self.dtype,
            sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
        )
        self.true_positives.assign_add(counts["tp"])
        self.false_positives.assign_add(counts["fp"])
        self.true_negatives.assign_add(counts["tn"])
        self.false_negatives.assign_add(counts["fn"])

    def _average_labels(self, per_threshold: Any) -> Any:
        if not self.multi_label:
            return ops.sum(per_threshold)
        by_label = ops.sum(per_threshold, axis=0)
        if self.label_weights is None:
            return ops.mean(by_label)
        return ops.divide_no_nan(
            ops.sum(by_label * self.label_weights), ops.sum(self.label_weights)
        )

    def _interpolate_pr_auc(self) -> Any:
        """PR AUC by interpolating precision linearly in the number of true positives
        between thresholds (Davis & Goadrich, 2006)."""
        tp, fp, fn = (
            self.true_positives.value,
            self.false_positives.value,
            self.false_negatives.value,
        )
        n = self.num_thresholds
        d_tp = tp[: n - 1] - tp[1:]
        p = tp + fp
        d_p = p[: n - 1] - p[1:]
        slope = ops.divide_no_nan(d_tp, ops.maximum(d_p, 0.0))
        intercept = tp[1:] - slope * p[1:]
        both_positive = ops.logical_and(p[: n - 1] > 0, p[1:] > 0)
        ratio = ops.where(
            both_positive,
            ops.divide_no_nan(p[: n - 1], ops.maximum(p[1:], 0.0)),
            ops.ones_like(p[1:]),
        )
        increments = ops.divide_no_nan(
            slope * (d_tp + intercept * ops.log(ratio)), ops.maximum(tp[1:] + fn[1:], 0.0)
        )
        return self._average_labels(increments)

    def result(self) -> Any:
        if not self._built:
            return ops.convert_to_tensor(0.0, dtype=self.dtype)
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolate_pr_auc()
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        recall = ops.divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = ops.divide_no_nan(fp, fp + tn), recall
        else:
            x, y = recall, ops.divide_no_nan(tp, tp + fp)
        n = self.num_thresholds
        if self.summation_method == "interpolation":
            heights = (y[: n - 1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = ops.minimum(y[: n - 1], y[1:])
        else:
            heights = ops.maximum(y[: n - 1], y[1:])
        return self._average_labels((x[: n - 1] - x[1:]) * heights)

    def reset_state(self) -> None:
        if self._built:
            super().reset_state()

    def get_config(self) -> dict[str, Any]:
        lw = self.label_weights
        config = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": None if lw is None else np.asarray(ops.convert_to_numpy(lw)).tolist(),
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self._thresholds[1:-1]
        return config
