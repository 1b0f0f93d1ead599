"""F-beta and F1 scores for (multi-label or one-hot) 2-D predictions.

>>> import numpy as np
>>> m = F1Score(average="micro", threshold=0.5)
>>> m.update_state(np.array([[1, 0], [0, 1]]), np.array([[0.9, 0.2], [0.8, 0.7]]))
>>> round(float(m.result()), 4)  # precision 2/3, recall 1
0.8
"""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.errors import OpInputError
from tholos.losses._utils import epsilon
from tholos.metrics.metric import Metric
from tholos.saving.serialization import register_builtin

_AVERAGES = (None, "micro", "macro", "weighted")


@register_builtin("tholos.metrics")
class FBetaScore(Metric):
    """``(1 + beta^2) * P * R / (beta^2 * P + R)`` per class, or averaged.

    Args:
        average: ``None`` (one score per class), ``"micro"`` (pool all classes),
            ``"macro"`` (unweighted mean of class scores) or ``"weighted"`` (mean weighted by
            the number of true instances per class).
        beta: weight of recall versus precision (> 0).
        threshold: predictions above it are positive; ``None``: the largest prediction of each
            row is positive.
    """

    def __init__(
        self,
        average: str | None = None,
        beta: float = 1.0,
        threshold: float | None = None,
        name: str = "fbeta_score",
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        if average not in _AVERAGES:
            raise OpInputError(
                f"{type(self).__name__}: invalid `average`.",
                expected=f"one of {_AVERAGES}",
                received=repr(average),
            )
        if not isinstance(beta, (int, float)) or beta <= 0.0:
            raise OpInputError(
                f"{type(self).__name__}: `beta` must be a number > 0.",
                expected="beta > 0",
                received=repr(beta),
            )
        if threshold is not None and (
            not isinstance(threshold, (int, float)) or not 0.0 < threshold <= 1.0
        ):
            raise OpInputError(
                f"{type(self).__name__}: `threshold` must lie in (0, 1].",
                expected="0 < threshold <= 1",
                received=repr(threshold),
            )
        self.average = average
        self.beta = float(beta)
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true_shape: tuple, y_pred_shape: tuple) -> None:
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise OpInputError(
                f"{type(self).__name__} expects 2-D inputs (batch_size, num_classes).",
                expected="y_true and y_pred of rank 2",
                received=f"shapes {y_true_shape} and {y_pred_shape}",
            )
        num_classes = y_pred_shape[-1]
        shape = () if self.average == "micro" else (int(num_classes),)
        self.true_positives = self.add_variable(shape, "zeros", name="true_positives")
        self.false_positives = self.add_variable(shape, "zeros", name="false_positives")
        self.false_negatives = self.add_variable(shape, "zeros", name="false_negatives")
        self.intermediate_weights = self.add_variable(shape, "zeros", name="intermediate_weights")
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true = ops.cast(ops.convert_to_tensor(y_true), self.dtype)
        y_pred = ops.cast(ops.convert_to_tensor(y_pred), self.dtype)
        if not self._built:
            self._build(tuple(y_true.shape), tuple(y_pred.shape))
        if self.threshold is None:
            row_max = ops.max(y_pred, axis=-1, keepdims=True)
            predicted = ops.logical_and(y_pred >= row_max, ops.abs(y_pred) > 1e-9)
        else:
            predicted = y_pred > self.threshold
        y_pred = ops.cast(predicted, self.dtype)
        weight = None
        if sample_weight is not None:
            weight = ops.expand_dims(ops.cast(ops.convert_to_tensor(sample_weight), self.dtype), 1)

        def weighted_sum(v: Any) -> Any:
            if weight is not None:
                v = v * weight
            return ops.sum(v, axis=self.axis)

        self.true_positives.assign_add(weighted_sum(y_pred * y_true))
        self.false_positives.assign_add(weighted_sum(y_pred * (1.0 - y_true)))
        self.false_negatives.assign_add(weighted_sum((1.0 - y_pred) * y_true))
        self.intermediate_weights.assign_add(weighted_sum(y_true))

    def result(self) -> Any:
        if not self._built:
            return ops.convert_to_tensor(0.0, dtype=self.dtype)
        eps = epsilon()
        tp = self.true_positives.value
        precision = tp / (tp + self.false_positives.value + eps)
        recall = tp / (tp + self.false_negatives.value + eps)
        b2 = self.beta**2
        score = (1.0 + b2) * (precision * recall) / (b2 * precision + recall + eps)
        if self.average == "weighted":
            w = self.intermediate_weights.value
            score = ops.sum(score * (w / (ops.sum(w) + eps)))
        elif self.average is not None:
            score = ops.mean(score)
        return score

    def reset_state(self) -> None:
        if self._built:
            super().reset_state()

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "average": self.average,
            "beta": self.beta,
            "threshold": self.threshold,
        }


@register_builtin("tholos.metrics")
class F1Score(FBetaScore):
    """The F-beta score with ``beta = 1``: the harmonic mean of precision and recall."""

    def __init__(
        self,
        average: str | None = None,
        threshold: float | None = None,
        name: str = "f1_score",
        dtype: Any = None,
    ) -> None:
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["beta"]
        return config
