"""Loss functions: each returns one value per sample (the last axis reduced), unweighted.

>>> import numpy as np
>>> np.asarray(mean_squared_error(np.array([[0.0, 1.0]]), np.array([[1.0, 1.0]])))
array([0.5])
"""

from __future__ import annotations

import math
from typing import Any

from tholos import ops
from tholos.errors import OpInputError
from tholos.losses._utils import dtype_of, epsilon, set_mask
from tholos.losses.loss import squeeze_or_expand_to_same_rank
from tholos.saving.serialization import register_builtin, register_builtin_alias

_MODULE = "tholos.losses"


def _prepare(y_true: Any, y_pred: Any) -> tuple[Any, Any]:
    y_pred = ops.convert_to_tensor(y_pred)
    if dtype_of(y_pred) not in ("float16", "bfloat16", "float32", "float64"):
        from tholos.backend.dtypes import floatx

        y_pred = ops.cast(y_pred, floatx())
    y_true = ops.cast(ops.convert_to_tensor(y_true), dtype_of(y_pred))
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def _export(fn):
    register_builtin(_MODULE)(fn)
    return fn


@_export
def mean_squared_error(y_true: Any, y_pred: Any) -> Any:
    """``mean(square(y_true - y_pred), axis=-1)``."""
    y_true, y_pred = _prepare(y_true, y_pred)
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


@_export
def mean_absolute_error(y_true: Any, y_pred: Any) -> Any:
    """``mean(abs(y_true - y_pred), axis=-1)``."""
    y_true, y_pred = _prepare(y_true, y_pred)
    return ops.mean(ops.abs(y_true - y_pred), axis=-1)


@_export
def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> Any:
    """``100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)), axis=-1)``."""
    y_true, y_pred = _prepare(y_true, y_pred)
    diff = ops.abs((y_true - y_pred) / ops.maximum(ops.abs(y_true), epsilon()))
    return 100.0 * ops.mean(diff, axis=-1)


@_export
def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> Any:
    """``mean(square(log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)), axis=-1)``."""
    y_true, y_pred = _prepare(y_true, y_pred)
    eps = epsilon()
    first = ops.log(ops.maximum(y_pred, eps) + 1.0)
    second = ops.log(ops.maximum(y_true, eps) + 1.0)
    return ops.mean(ops.square(first - second), axis=-1)


def _l2_normalize(x: Any, axis: int) -> Any:
    square_sum = ops.sum(ops.square(x), axis=axis, keepdims=True)
    return x * ops.rsqrt(ops.maximum(square_sum, epsilon()))


@_export
def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """Negative cosine similarity along ``axis`` (-1: same direction, 1: opposite)."""
    y_true, y_pred = _prepare(y_true, y_pred)
    return -ops.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), axis=axis)


@_export
def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> Any:
    """Quadratic for ``|error| <= delta``, linear beyond: mean over the last axis."""
    y_true, y_pred = _prepare(y_true, y_pred)
    error = y_pred - y_true
    abs_error = ops.abs(error)
    delta = ops.cast(delta, dtype_of(error))
    quadratic = 0.5 * ops.square(error)
    linear = delta * abs_error - 0.5 * ops.square(delta)
    return ops.mean(ops.where(abs_error <= delta, quadratic, linear), axis=-1)


@_export
def log_cosh(y_true: Any, y_pred: Any) -> Any:
    """``mean(log(cosh(y_pred - y_true)), axis=-1)`` computed without overflow."""
    y_true, y_pred = _prepare(y_true, y_pred)
    x = y_pred - y_true
    return ops.mean(x + ops.softplus(-2.0 * x) - math.log(2.0), axis=-1)


def _to_plus_minus_one(y_true: Any) -> Any:
    """Labels in {0, 1} become {-1, 1}; other labels are kept."""
    is_binary = ops.all(ops.logical_or(ops.equal(y_true, 0), ops.equal(y_true, 1)))
    return ops.where(is_binary, 2.0 * y_true - 1.0, y_true)


@_export
def hinge(y_true: Any, y_pred: Any) -> Any:
    """``mean(maximum(1 - y_true * y_pred, 0), axis=-1)`` (0/1 labels become -1/1)."""
    y_true, y_pred = _prepare(y_true, y_pred)
    y_true = _to_plus_minus_one(y_true)
    return ops.mean(ops.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


@_export
def squared_hinge(y_true: Any, y_pred: Any) -> Any:
    """``mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)`` (0/1 labels become -1/1)."""
    y_true, y_pred = _prepare(y_true, y_pred)
    y_true = _to_plus_minus_one(y_true)
    return ops.mean(ops.square(ops.maximum(1.0 - y_true * y_pred, 0.0)), axis=-1)


@_export
def categorical_hinge(y_true: Any, y_pred: Any) -> Any:
    """``maximum(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)`` over the last axis."""
    y_true, y_pred = _prepare(y_true, y_pred)
    pos = ops.sum(y_true * y_pred, axis=-1)
    neg = ops.max((1.0 - y_true) * y_pred, axis=-1)
    return ops.maximum(neg - pos + 1.0, 0.0)


@_export
def kl_divergence(y_true: Any, y_pred: Any) -> Any:
    """``sum(y_true * log(y_true / y_pred), axis=-1)`` with both clipped to ``[eps, 1]``."""
    y_true, y_pred = _prepare(y_true, y_pred)
    y_true = ops.clip(y_true, epsilon(), 1.0)
    y_pred = ops.clip(y_pred, epsilon(), 1.0)
    return ops.sum(y_true * ops.log(y_true / y_pred), axis=-1)


@_export
def poisson(y_true: Any, y_pred: Any) -> Any:
    """``mean(y_pred - y_true * log(y_pred + eps), axis=-1)``."""
    y_true, y_pred = _prepare(y_true, y_pred)
    return ops.mean(y_pred - y_true * ops.log(y_pred + epsilon()), axis=-1)


def _check_not_one_class(y_pred: Any, name: str) -> None:
    if len(y_pred.shape) >= 1 and y_pred.shape[-1] == 1:
        import warnings

        warnings.warn(
            f"{name} received y_pred with a last axis of size 1: the result is always 0. "
            "Use binary_crossentropy for one-output models.",
            stacklevel=3,
        )


@_export
def binary_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Any:
    """Mean binary cross-entropy over ``axis``; ``label_smoothing`` moves labels toward 0.5."""
    y_true, y_pred = _prepare(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return ops.mean(ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


@_export
def binary_focal_crossentropy(
    y_true: Any,
    y_pred: Any,
    apply_class_balancing: bool = False,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Any:
    """Binary cross-entropy scaled by ``(1 - p_t) ** gamma`` (and ``alpha`` weights if
    ``apply_class_balancing``), mean over ``axis``."""
    y_true, y_pred = _prepare(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        y_pred = ops.sigmoid(y_pred)
    bce = ops.binary_crossentropy(y_true, y_pred, from_logits=False)
    p_t = y_true * y_pred + (1.0 - y_true) * (1.0 - y_pred)
    focal = ops.power(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * focal
    return ops.mean(focal, axis=axis)


@_export
def categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Any:
    """Cross-entropy between one-hot ``y_true`` and predicted distributions along ``axis``."""
    y_true, y_pred = _prepare(y_true, y_pred)
    _check_not_one_class(y_pred, "categorical_crossentropy")
    if label_smoothing:
        num_classes = ops.cast(y_pred.shape[axis], dtype_of(y_pred))
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


@_export
def categorical_focal_crossentropy(
    y_true: Any,
    y_pred: Any,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Any:
    """``sum(alpha * (1 - p) ** gamma * -y_true * log(p), axis)`` with ``p`` normalized and
    clipped to ``[eps, 1 - eps]``."""
    y_true, y_pred = _prepare(y_true, y_pred)
    _check_not_one_class(y_pred, "categorical_focal_crossentropy")
    if label_smoothing:
        num_classes = ops.cast(y_pred.shape[axis], dtype_of(y_pred))
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=axis)
    output = y_pred / ops.sum(y_pred, axis=axis, keepdims=True)
    output = ops.clip(output, epsilon(), 1.0 - epsilon())
    cce = -y_true * ops.log(output)
    focal = alpha * ops.power(1.0 - output, gamma) * cce
    return ops.sum(focal, axis=axis)


def _sparse_cce_with_mask(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    ignore_class: int | None = None,
    axis: int = -1,
) -> tuple[Any, Any]:
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == 1:
        y_true = ops.squeeze(y_true, axis=-1)
    if len(y_true.shape) != len(y_pred.shape) - 1:
        raise OpInputError(
            "sparse_categorical_crossentropy: y_true must hold one class index per prediction.",
            expected=f"y_true of shape {tuple(y_pred.shape[:-1])} (or with a trailing 1)",
            received=f"y_true shape {tuple(y_true.shape)}, y_pred shape {tuple(y_pred.shape)}",
            hint="For one-hot labels use categorical_crossentropy.",
        )
    valid = None
    if ignore_class is not None:
        valid = ops.not_equal(y_true, ops.cast(ignore_class, dtype_of(y_true)))
        y_true = y_true * ops.cast(valid, dtype_of(y_true))
        # Ignored rows get a harmless stand-in (their loss is replaced by 0 below).
        y_pred = ops.where(ops.expand_dims(valid, -1), y_pred, ops.ones_like(y_pred))
    if dtype_of(y_true) not in ("int32", "int64"):
        y_true = ops.cast(y_true, "int32")
    res = ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)
    if valid is not None:
        res = ops.where(valid, res, ops.zeros_like(res))
        res = set_mask(res, valid)
    return res, valid


@_export
def sparse_categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    ignore_class: int | None = None,
    axis: int = -1,
) -> Any:
    """Cross-entropy with integer class labels; entries labelled ``ignore_class`` give 0 (and are
    masked out of the loss reduction)."""
    return _sparse_cce_with_mask(y_true, y_pred, from_logits, ignore_class, axis)[0]


@_export
def dice(y_true: Any, y_pred: Any, axis: Any = None) -> Any:
    """``1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred) + eps)`` over ``axis``
    (``None``: over everything)."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, dtype_of(y_pred))
    intersection = ops.sum(y_true * y_pred, axis=axis)
    union = ops.sum(y_true, axis=axis) + ops.sum(y_pred, axis=axis)
    return 1.0 - 2.0 * intersection / (union + epsilon())


@_export
def tversky(
    y_true: Any, y_pred: Any, alpha: float = 0.5, beta: float = 0.5, axis: Any = None
) -> Any:
    """``1 - TP / (TP + alpha * sum(y_true * (1 - y_pred)) + beta * sum((1 - y_true) * y_pred)
    + eps)`` over ``axis`` (Keras 3's weighting)."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, dtype_of(y_pred))
    tp = ops.sum(y_true * y_pred, axis=axis)
    missed = ops.sum((1.0 - y_pred) * y_true, axis=axis)
    spurious = ops.sum(y_pred * (1.0 - y_true), axis=axis)
    return 1.0 - tp / (tp + alpha * missed + beta * spurious + epsilon())


@_export
def ctc(y_true: Any, y_pred: Any) -> Any:
    """CTC loss of dense labels ``y_true`` (batch, max_label_len; 0 = padding) against logits
    ``y_pred`` (batch, time, num_classes), using the full label and output lengths."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    if len(y_true.shape) != 2 or len(y_pred.shape) != 3:
        raise OpInputError(
            "ctc: wrong input ranks.",
            expected="y_true (batch, label_length) and y_pred (batch, time, num_classes)",
            received=f"{tuple(y_true.shape)} and {tuple(y_pred.shape)}",
        )
    batch = int(y_true.shape[0])
    label_length = ops.full((batch,), int(y_true.shape[1]), dtype="int32")
    output_length = ops.full((batch,), int(y_pred.shape[1]), dtype="int32")
    return ops.ctc_loss(
        ops.cast(y_true, "int32"), y_pred, label_length, output_length, mask_index=0
    )


# Short names (Keras spelling).
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
huber_loss = huber
bce = BCE = binary_crossentropy

ALIASES = {
    "mse": mean_squared_error,
    "MSE": mean_squared_error,
    "mae": mean_absolute_error,
    "MAE": mean_absolute_error,
    "mape": mean_absolute_percentage_error,
    "MAPE": mean_absolute_percentage_error,
    "msle": mean_squared_logarithmic_error,
    "MSLE": mean_squared_logarithmic_error,
    "kld": kl_divergence,
    "KLD": kl_divergence,
    "kullback_leibler_divergence": kl_divergence,
    "logcosh": log_cosh,
    "huber_loss": huber,
    "bce": binary_crossentropy,
    "BCE": binary_crossentropy,
}
for _name, _fn in ALIASES.items():
    register_builtin_alias(_MODULE, _name, _fn)
