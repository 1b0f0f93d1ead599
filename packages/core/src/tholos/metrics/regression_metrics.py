"""Regression metrics: MSE, RMSE, MAE, MAPE, MSLE, cosine similarity, log-cosh, R^2.

>>> import numpy as np
>>> m = RootMeanSquaredError()
>>> m.update_state(np.array([[0.0, 1.0], [1.0, 1.0]]), np.array([[1.0, 1.0], [1.0, 1.0]]))
>>> float(m.result())
0.5
"""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.errors import OpInputError
from tholos.losses import functions as F
from tholos.losses.loss import squeeze_or_expand_to_same_rank
from tholos.metrics.metric import Metric
from tholos.metrics.reduction_metrics import Mean, MeanMetricWrapper
from tholos.saving.serialization import register_builtin

_MODULE = "tholos.metrics"


@register_builtin(_MODULE)
def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """Cosine similarity of ``y_true`` and ``y_pred`` along ``axis`` (1: same direction)."""
    return -F.cosine_similarity(y_true, y_pred, axis=axis)


@register_builtin(_MODULE)
class MeanSquaredError(MeanMetricWrapper):
    """Mean of ``square(y_true - y_pred)``."""

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None) -> None:
        super().__init__(F.mean_squared_error, name=name, dtype=dtype)


@register_builtin(_MODULE)
class MeanAbsoluteError(MeanMetricWrapper):
    """Mean of ``abs(y_true - y_pred)``."""

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None) -> None:
        super().__init__(F.mean_absolute_error, name=name, dtype=dtype)


@register_builtin(_MODULE)
class MeanAbsolutePercentageError(MeanMetricWrapper):
    """Mean absolute percentage error."""

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype: Any = None) -> None:
        super().__init__(F.mean_absolute_percentage_error, name=name, dtype=dtype)


@register_builtin(_MODULE)
class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """Mean squared logarithmic error."""

    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype: Any = None) -> None:
        super().__init__(F.mean_squared_logarithmic_error, name=name, dtype=dtype)


@register_builtin(_MODULE)
class CosineSimilarity(MeanMetricWrapper):
    """Mean cosine similarity along ``axis`` (1: same direction, -1: opposite)."""

    def __init__(self, name: str = "cosine_similarity", dtype: Any = None, axis: int = -1) -> None:
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)


@register_builtin(_MODULE)
class LogCoshError(MeanMetricWrapper):
    """Mean of ``log(cosh(y_pred - y_true))``."""

    def __init__(self, name: str = "logcosh", dtype: Any = None) -> None:
        super().__init__(F.log_cosh, name=name, dtype=dtype)


@register_builtin(_MODULE)
class RootMeanSquaredError(Mean):
    """``sqrt(weighted mean of square(y_true - y_pred))``."""

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_pred = ops.cast(ops.convert_to_tensor(y_pred), self.dtype)
        y_true = ops.cast(ops.convert_to_tensor(y_true), self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        super().update_state(ops.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self) -> Any:
        return ops.sqrt(super().result())


_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")


@register_builtin(_MODULE)
class R2Score(Metric):
    """Coefficient of determination ``1 - SS_res / SS_tot`` per output, then aggregated.

    Args:
        class_aggregation: ``"uniform_average"`` (default), ``"variance_weighted_average"``,
            or ``None`` (one score per output).
        num_regressors: number of regressors, for the adjusted R^2 (0: not adjusted).
    """

    def __init__(
        self,
        class_aggregation: str | None = "uniform_average",
        num_regressors: int = 0,
        name: str = "r2_score",
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in _AGGREGATIONS:
            raise OpInputError(
                "R2Score: invalid class_aggregation.",
                expected=f"one of {_AGGREGATIONS}",
                received=repr(class_aggregation),
            )
        if num_regressors < 0:
            raise OpInputError(
                "R2Score: num_regressors must be >= 0.",
                expected=">= 0",
                received=repr(num_regressors),
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable((), "zeros", dtype="int32", name="num_samples")
        self._built = False

    def _build(self, y_true_shape: tuple, y_pred_shape: tuple) -> None:
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise OpInputError(
                "R2Score expects 2-D inputs (batch_size, output_dim).",
                expected="y_true and y_pred of rank 2 (rank 1 is expanded)",
                received=f"shapes {y_true_shape} and {y_pred_shape}",
            )
        n = (int(y_true_shape[-1]),)
        self.squared_sum = self.add_variable(n, "zeros", name="squared_sum")
        self.sum = self.add_variable(n, "zeros", name="sum")
        self.total_mse = self.add_variable(n, "zeros", name="residual")
        self.count = self.add_variable(n, "zeros", name="count")
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true = ops.cast(ops.convert_to_tensor(y_true), self.dtype)
        y_pred = ops.cast(ops.convert_to_tensor(y_pred), self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if len(y_true.shape) == 1:
            y_true = ops.expand_dims(y_true, 1)
            y_pred = ops.expand_dims(y_pred, 1)
        if not self._built:
            self._build(tuple(y_true.shape), tuple(y_pred.shape))
        if sample_weight is None:
            sample_weight = 1.0
        w = ops.cast(ops.convert_to_tensor(sample_weight), self.dtype)
        if len(w.shape) == 1:
            w = ops.expand_dims(w, 1)
        w = ops.broadcast_to(w, tuple(y_true.shape))
        weighted = y_true * w
        self.sum.assign_add(ops.sum(weighted, axis=0))
        self.squared_sum.assign_add(ops.sum(y_true * weighted, axis=0))
        self.total_mse.assign_add(ops.sum(ops.square(y_true - y_pred) * w, axis=0))
        self.count.assign_add(ops.sum(w, axis=0))
        self.num_samples.assign_add(ops.cast(int(y_true.shape[0]) * int(y_true.shape[1]), "int32"))

    def result(self) -> Any:
        if not self._built:
            return ops.convert_to_tensor(0.0, dtype=self.dtype)
        mean = self.sum.value / self.count.value
        total = self.squared_sum.value - self.sum.value * mean
        raw = 1.0 - self.total_mse.value / total
        raw = ops.where(ops.isinf(raw), ops.zeros_like(raw), raw)
        if self.class_aggregation == "uniform_average":
            score = ops.mean(raw)
        elif self.class_aggregation == "variance_weighted_average":
            score = ops.sum(total * raw) / ops.sum(total)
        else:
            score = raw
        if self.num_regressors:
            # Adjusted R^2; left unadjusted when num_regressors >= num_samples - 1.
            n = ops.cast(self.num_samples.value, self.dtype)
            p = float(self.num_regressors)
            safe = ops.greater(n - 1.0, p)
            denom = ops.where(safe, n - p - 1.0, ops.ones_like(n))
            adjusted = 1.0 - (1.0 - score) * (n - 1.0) / denom
            score = ops.where(safe, adjusted, score)
        return score

    def reset_state(self) -> None:
        for v in self.variables:
            v.assign(ops.zeros(v.shape, dtype=v.dtype))

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "class_aggregation": self.class_aggregation,
            "num_regressors": self.num_regressors,
        }
