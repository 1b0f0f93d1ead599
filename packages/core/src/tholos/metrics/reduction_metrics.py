"""Sum, Mean, and MeanMetricWrapper (the (weighted) mean of a per-sample function).

>>> import numpy as np
>>> m = Mean()
>>> m.update_state(np.array([1.0, 3.0]))
>>> m.update_state(np.array([5.0]), sample_weight=np.array([2.0]))
>>> float(m.result())  # (1 + 3 + 2 * 5) / (1 + 1 + 2)
3.5
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tholos import ops
from tholos.losses._utils import get_mask
from tholos.losses.loss import apply_mask, squeeze_or_expand_to_same_rank
from tholos.metrics.metric import Metric
from tholos.saving.serialization import register_builtin

_MODULE = "tholos.metrics"


def reduce_to_samplewise_values(
    values: Any, sample_weight: Any, reduce_fn: Callable, dtype: str
) -> tuple[Any, Any]:
    """Weight ``values`` and reduce them (and the weights) to one entry per sample."""
    mask = get_mask(values)
    values = ops.cast(values, dtype)
    if sample_weight is not None:
        sample_weight = ops.cast(ops.convert_to_tensor(sample_weight), dtype)
        if mask is not None:
            sample_weight = apply_mask(sample_weight, mask, dtype=dtype, reduction="sum")
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_ndim = len(sample_weight.shape)
        values_ndim = len(values.shape)
        if values_ndim > weight_ndim:
            values = reduce_fn(values, axis=tuple(range(weight_ndim, values_ndim)))
        sample_weight = ops.broadcast_to(sample_weight, tuple(values.shape))
        values = values * sample_weight
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, weight_ndim)))
    values_ndim = len(values.shape)
    if values_ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values_ndim)))
    return values, sample_weight


@register_builtin(_MODULE)
class Sum(Metric):
    """The (weighted) sum of all values seen.

    >>> import numpy as np
    >>> m = Sum()
    >>> m.update_state(np.array([1.0, 3.0, 5.0, 7.0]))
    >>> float(m.result())
    16.0
    """

    def __init__(self, name: str = "sum", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        values, _ = reduce_to_samplewise_values(values, sample_weight, ops.sum, self.dtype)
        self.total.assign_add(ops.sum(values))

    def result(self) -> Any:
        return ops.cast(self.total.value, self.dtype)


@register_builtin(_MODULE)
class Mean(Metric):
    """The (weighted) mean of all values seen: ``sum(w * v) / sum(w)``.

    Values of rank > 1 are first averaged per sample.
    """

    def __init__(self, name: str = "mean", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        values, sample_weight = reduce_to_samplewise_values(
            values, sample_weight, ops.mean, self.dtype
        )
        self.total.assign_add(ops.sum(values))
        if sample_weight is not None:
            num_samples = ops.sum(sample_weight)
        elif len(values.shape) >= 1:
            num_samples = ops.shape(values)[0]
        else:
            num_samples = 1
        self.count.assign_add(ops.cast(num_samples, self.dtype))

    def result(self) -> Any:
        return ops.divide_no_nan(self.total.value, ops.cast(self.count.value, self.dtype))


@register_builtin(_MODULE)
class MeanMetricWrapper(Mean):
    """The weighted mean of ``fn(y_true, y_pred, **kwargs)`` over all samples seen.

    >>> import numpy as np
    >>> from tholos.losses import mean_absolute_error
    >>> m = MeanMetricWrapper(mean_absolute_error, name="mae")
    >>> m.update_state(np.array([[0.0], [0.0]]), np.array([[1.0], [3.0]]))
    >>> float(m.result())
    2.0
    """

    def __init__(
        self, fn: Callable[..., Any], name: str | None = None, dtype: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        mask = get_mask(y_pred)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        if mask is not None:
            sample_weight = apply_mask(sample_weight, mask, dtype=self.dtype, reduction="sum")
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        if type(self) is MeanMetricWrapper:
            from tholos.saving.serialization import serialize_object

            config["fn"] = serialize_object(self._fn)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Metric:
        config = dict(config)
        if cls is MeanMetricWrapper and "fn" in config:
            from tholos.saving.serialization import deserialize_object

            config["fn"] = deserialize_object(config["fn"], module="tholos.losses")
        return cls(**config)
