"""Loss classes: a :class:`Loss` around each loss function of :mod:`tholos.losses.functions`.

>>> import numpy as np
>>> loss = MeanSquaredError()
>>> float(loss(np.array([[0.0, 1.0], [0.0, 0.0]]), np.array([[1.0, 1.0], [1.0, 0.0]])))
0.5
>>> float(loss(np.array([[0.0, 1.0], [0.0, 0.0]]), np.array([[1.0, 1.0], [1.0, 0.0]]),
...            sample_weight=np.array([0.0, 1.0])))
0.25
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tholos.losses import functions as F
from tholos.losses.loss import Loss, squeeze_or_expand_to_same_rank
from tholos.saving.serialization import register_builtin

_MODULE = "tholos.losses"
_SBS = "sum_over_batch_size"


@register_builtin(_MODULE)
class LossFunctionWrapper(Loss):
    """A :class:`Loss` computing ``fn(y_true, y_pred, **kwargs)``.

    >>> import numpy as np
    >>> loss = LossFunctionWrapper(F.mean_absolute_error, name="mae")
    >>> float(loss(np.array([0.0, 0.0]), np.array([1.0, 3.0])))
    2.0
    """

    def __init__(
        self,
        fn: Callable[..., Any],
        reduction: Any = _SBS,
        name: str | None = None,
        dtype: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true: Any, y_pred: Any) -> Any:
        if hasattr(y_true, "shape") and hasattr(y_pred, "shape"):
            y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        if type(self) is LossFunctionWrapper:
            from tholos.saving.serialization import serialize_object

            config["fn"] = serialize_object(self.fn)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        config = dict(config)
        if cls is LossFunctionWrapper and "fn" in config:
            from tholos.saving.serialization import deserialize_object

            config["fn"] = deserialize_object(config["fn"], module=_MODULE)
        return cls(**config)


def _loss_class(doc: str):
    """Give a wrapper class its docstring and register it as a built-in."""

    def decorate(cls):
        cls.__doc__ = doc
        register_builtin(_MODULE)(cls)
        return cls

    return decorate


@_loss_class("Mean of squares of errors, per sample.")
class MeanSquaredError(LossFunctionWrapper):
    def __init__(
        self, reduction: Any = _SBS, name: str = "mean_squared_error", dtype: Any = None
    ) -> None:
        super().__init__(F.mean_squared_error, reduction=reduction, name=name, dtype=dtype)


@_loss_class("Mean of absolute errors, per sample.")
class MeanAbsoluteError(LossFunctionWrapper):
    def __init__(
        self, reduction: Any = _SBS, name: str = "mean_absolute_error", dtype: Any = None
    ) -> None:
        super().__init__(F.mean_absolute_error, reduction=reduction, name=name, dtype=dtype)


@_loss_class("Mean absolute percentage error, per sample.")
class MeanAbsolutePercentageError(LossFunctionWrapper):
    def __init__(
        self, reduction: Any = _SBS, name: str = "mean_absolute_percentage_error", dtype: Any = None
    ) -> None:
        super().__init__(
            F.mean_absolute_percentage_error, reduction=reduction, name=name, dtype=dtype
        )


@_loss_class("Mean squared logarithmic error, per sample.")
class MeanSquaredLogarithmicError(LossFunctionWrapper):
    def __init__(
        self, reduction: Any = _SBS, name: str = "mean_squared_logarithmic_error", dtype: Any = None
    ) -> None:
        super().__init__(
            F.mean_squared_logarithmic_error, reduction=reduction, name=name, dtype=dtype
        )


@_loss_class("Negative cosine similarity along ``axis``.")
class CosineSimilarity(LossFunctionWrapper):
    def __init__(
        self,
        axis: int = -1,
        reduction: Any = _SBS,
        name: str = "cosine_similarity",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            F.cosine_similarity, reduction=reduction, name=name, dtype=dtype, axis=axis
        )


@_loss_class("Huber loss: quadratic below ``delta``, linear above.")
class Huber(LossFunctionWrapper):
    def __init__(
        self, delta: float = 1.0, reduction: Any = _SBS, name: str = "huber_loss", dtype: Any = None
    ) -> None:
        super().__init__(F.huber, reduction=reduction, name=name, dtype=dtype, delta=delta)


@_loss_class("Mean of ``log(cosh(error))``, per sample.")
class LogCosh(LossFunctionWrapper):
    def __init__(self, reduction: Any = _SBS, name: str = "log_cosh", dtype: Any = None) -> None:
        super().__init__(F.log_cosh, reduction=reduction, name=name, dtype=dtype)


@_loss_class("Hinge loss (labels -1/1, or 0/1 converted).")
class Hinge(LossFunctionWrapper):
    def __init__(self, reduction: Any = _SBS, name: str = "hinge", dtype: Any = None) -> None:
        super().__init__(F.hinge, reduction=reduction, name=name, dtype=dtype)


@_loss_class("Squared hinge loss (labels -1/1, or 0/1 converted).")
class SquaredHinge(LossFunctionWrapper):
    def __init__(
        self, reduction: Any = _SBS, name: str = "squared_hinge", dtype: Any = None
    ) -> None:
        super().__init__(F.squared_hinge, reduction=reduction, name=name, dtype=dtype)


@_loss_class("Categorical hinge loss on one-hot labels.")
class CategoricalHinge(LossFunctionWrapper):
    def __init__(
        self, reduction: Any = _SBS, name: str = "categorical_hinge", dtype: Any = None
    ) -> None:
        super().__init__(F.categorical_hinge, reduction=reduction, name=name, dtype=dtype)


@_loss_class("Kullback-Leibler divergence ``sum(y_true * log(y_true/y_pred))``.")
class KLDivergence(LossFunctionWrapper):
    def __init__(
        self, reduction: Any = _SBS, name: str = "kl_divergence", dtype: Any = None
    ) -> None:
        super().__init__(F.kl_divergence, reduction=reduction, name=name, dtype=dtype)


@_loss_class("Poisson loss ``mean(y_pred - y_true * log(y_pred + eps))``.")
class Poisson(LossFunctionWrapper):
    def __init__(self, reduction: Any = _SBS, name: str = "poisson", dtype: Any = None) -> None:
        super().__init__(F.poisson, reduction=reduction, name=name, dtype=dtype)


@_loss_class("Binary cross-entropy (probabilities, or logits).")
class BinaryCrossentropy(LossFunctionWrapper):
    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: Any = _SBS,
        name: str = "binary_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            F.binary_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


@_loss_class("Focal binary cross-entropy (Lin et al., 2017).")
class BinaryFocalCrossentropy(LossFunctionWrapper):
    def __init__(
        self,
        apply_class_balancing: bool = False,
        alpha: float = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: Any = _SBS,
        name: str = "binary_focal_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            F.binary_focal_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self.apply_class_balancing = apply_class_balancing
        self.alpha = alpha
        self.gamma = gamma


@_loss_class("Categorical cross-entropy on one-hot labels.")
class CategoricalCrossentropy(LossFunctionWrapper):
    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: Any = _SBS,
        name: str = "categorical_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            F.categorical_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


@_loss_class("Focal categorical cross-entropy.")
class CategoricalFocalCrossentropy(LossFunctionWrapper):
    def __init__(
        self,
        alpha: float = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: Any = _SBS,
        name: str = "categorical_focal_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            F.categorical_focal_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self.alpha = alpha
        self.gamma = gamma


@_loss_class("Categorical cross-entropy on integer labels; ``ignore_class`` entries are masked.")
class SparseCategoricalCrossentropy(LossFunctionWrapper):
    def __init__(
        self,
        from_logits: bool = False,
        ignore_class: int | None = None,
        reduction: Any = _SBS,
        name: str = "sparse_categorical_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            F.sparse_categorical_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class

    def _call_with_mask(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        # The mask travels separately: NumPy arrays cannot carry a ``_keras_mask`` attribute.
        return F._sparse_cce_with_mask(y_true, y_pred, **self._fn_kwargs)


@_loss_class("Dice loss ``1 - 2|A.B| / (|A| + |B|)`` over ``axis``.")
class Dice(LossFunctionWrapper):
    def __init__(
        self, reduction: Any = _SBS, name: str = "dice", axis: Any = None, dtype: Any = None
    ) -> None:
        super().__init__(F.dice, reduction=reduction, name=name, dtype=dtype, axis=axis)
        self.axis = axis


@_loss_class("Tversky loss, a Dice loss with ``alpha``/``beta`` error weights.")
class Tversky(LossFunctionWrapper):
    def __init__(
        self,
        alpha: float = 0.5,
        beta: float = 0.5,
        reduction: Any = _SBS,
        name: str = "tversky",
        axis: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(
            F.tversky,
            reduction=reduction,
            name=name,
            dtype=dtype,
            alpha=alpha,
            beta=beta,
            axis=axis,
        )
        self.alpha = alpha
        self.beta = beta
        self.axis = axis


@_loss_class("Connectionist Temporal Classification loss (label 0 is padding/blank).")
class CTC(LossFunctionWrapper):
    def __init__(self, reduction: Any = _SBS, name: str = "ctc", dtype: Any = None) -> None:
        super().__init__(F.ctc, reduction=reduction, name=name, dtype=dtype)

    def call(self, y_true: Any, y_pred: Any) -> Any:
        return F.ctc(y_true, y_pred)
