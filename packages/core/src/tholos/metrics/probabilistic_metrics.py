"""Probabilistic and hinge metrics: the mean of the matching loss function over samples.

>>> import numpy as np
>>> m = BinaryCrossentropy()
>>> m.update_state(np.array([[1.0]]), np.array([[0.5]]))
>>> round(float(m.result()), 4)
0.6931
"""

from __future__ import annotations

from typing import Any

from tholos.losses import functions as F
from tholos.metrics.reduction_metrics import MeanMetricWrapper
from tholos.saving.serialization import register_builtin

_MODULE = "tholos.metrics"


@register_builtin(_MODULE)
class KLDivergence(MeanMetricWrapper):
    """Mean Kullback-Leibler divergence."""

    def __init__(self, name: str = "kl_divergence", dtype: Any = None) -> None:
        super().__init__(F.kl_divergence, name=name, dtype=dtype)


@register_builtin(_MODULE)
class Poisson(MeanMetricWrapper):
    """Mean Poisson loss."""

    def __init__(self, name: str = "poisson", dtype: Any = None) -> None:
        super().__init__(F.poisson, name=name, dtype=dtype)


@register_builtin(_MODULE)
class BinaryCrossentropy(MeanMetricWrapper):
    """Mean binary cross-entropy."""

    def __init__(
        self,
        name: str = "binary_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(
            F.binary_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )


@register_builtin(_MODULE)
class CategoricalCrossentropy(MeanMetricWrapper):
    """Mean categorical cross-entropy."""

    def __init__(
        self,
        name: str = "categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
    ) -> None:
        super().__init__(
            F.categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


@register_builtin(_MODULE)
class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """Mean sparse categorical cross-entropy."""

    def __init__(
        self,
        name: str = "sparse_categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        axis: int = -1,
    ) -> None:
        super().__init__(
            F.sparse_categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            axis=axis,
        )


@register_builtin(_MODULE)
class Hinge(MeanMetricWrapper):
    """Mean hinge loss."""

    def __init__(self, name: str = "hinge", dtype: Any = None) -> None:
        super().__init__(F.hinge, name=name, dtype=dtype)


@register_builtin(_MODULE)
class SquaredHinge(MeanMetricWrapper):
    """Mean squared hinge loss."""

    def __init__(self, name: str = "squared_hinge", dtype: Any = None) -> None:
        super().__init__(F.squared_hinge, name=name, dtype=dtype)


@register_builtin(_MODULE)
class CategoricalHinge(MeanMetricWrapper):
    """Mean categorical hinge loss."""

    def __init__(self, name: str = "categorical_hinge", dtype: Any = None) -> None:
        super().__init__(F.categorical_hinge, name=name, dtype=dtype)
