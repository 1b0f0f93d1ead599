"""The :class:`Loss` base class and the weighting / masking / reduction rules every loss shares.

A loss object computes one value per sample (``call``), then weights the values with
``sample_weight`` and the Keras mask of ``y_pred``, then reduces them:

- ``"sum_over_batch_size"`` (default) and ``"mean"``: sum of weighted values / number of values
  (with a mask: / number of unmasked values);
- ``"mean_with_sample_weight"``: sum of weighted values / sum of the sample weights;
- ``"sum"``: sum of the weighted values;
- ``None`` or ``"none"``: the weighted values, unreduced.
"""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.errors import OpInputError
from tholos.losses._utils import auto_name, dtype_arg, dtype_of, get_mask, resolve_dtype
from tholos.saving.serialization import register_builtin

REDUCTIONS = ("sum", "sum_over_batch_size", "mean", "mean_with_sample_weight", None, "none")


def standardize_reduction(reduction: Any) -> str | None:
    """Check ``reduction`` against the allowed values and return it."""
    if reduction not in REDUCTIONS:
        raise OpInputError(
            "Invalid loss reduction.",
            expected=f"one of {REDUCTIONS}",
            received=repr(reduction),
        )
    return reduction


def squeeze_or_expand_to_same_rank(x1: Any, x2: Any, expand_rank_1: bool = True) -> tuple:
    """Make the ranks of two tensors equal when they differ by a trailing axis of size 1.

    If one tensor has one more axis than the other and that last axis has size 1, it is
    squeezed, except that a rank-1 partner is expanded instead when ``expand_rank_1``.
    """
    r1, r2 = len(x1.shape), len(x2.shape)
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = ops.expand_dims(x2, axis=-1)
        else:
            x1 = ops.squeeze(x1, axis=-1)
    elif r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = ops.expand_dims(x1, axis=-1)
        else:
            x2 = ops.squeeze(x2, axis=-1)
    return x1, x2


def _num_elements(x: Any, dtype: str) -> Any:
    if all(isinstance(d, int) for d in x.shape):
        count = 1
        for d in x.shape:
            count *= d
        return ops.cast(count, dtype)
    return ops.cast(ops.size(x), dtype)  # dynamic dimensions


def _match_weight_rank(values: Any, weight: Any) -> tuple[Any, Any]:
    """Align ``weight`` with ``values`` so that they broadcast sample by sample."""
    values, weight = squeeze_or_expand_to_same_rank(values, weight)
    # Per-sample weights on per-timestep values: add trailing axes to the weights.
    while 0 < len(weight.shape) < len(values.shape):
        weight = ops.expand_dims(weight, axis=-1)
    return values, weight


def apply_mask(sample_weight: Any, mask: Any, dtype: str, reduction: Any) -> Any:
    """Merge a boolean mask into ``sample_weight``.

    For the averaging reductions the kept entries are scaled by ``total / valid`` so that the
    later division by the number of values becomes a division by the number of kept values.
    """
    if mask is None:
        return sample_weight
    mask = ops.cast(mask, dtype)
    if reduction in ("mean", "sum_over_batch_size"):
        total = _num_elements(mask, dtype)
        valid = ops.sum(mask)
        mask = mask * (total / (valid + _eps()))
    if sample_weight is None:
        return mask
    sample_weight = ops.cast(sample_weight, dtype)
    mask, sample_weight = _match_weight_rank(mask, sample_weight)
    return sample_weight * mask


def _eps() -> float:
    from tholos import config

    return config.epsilon()


def reduce_values(values: Any, sample_weight: Any = None, reduction: Any = "sum_over_batch_size"):
    """Reduce (already weighted) ``values`` as ``reduction`` says."""
    if reduction is None or reduction == "none" or tuple(values.shape) in ((), (0,)):
        return values
    loss = ops.sum(values)
    if reduction in ("sum_over_batch_size", "mean", "mean_with_sample_weight"):
        if reduction == "mean_with_sample_weight" and sample_weight is not None:
            divisor = ops.cast(ops.sum(sample_weight), dtype_of(loss))
        else:
            divisor = _num_elements(values, dtype_of(loss))
        loss = ops.divide_no_nan(loss, divisor)
    return loss


def reduce_weighted_values(
    values: Any,
    sample_weight: Any = None,
    mask: Any = None,
    reduction: Any = "sum_over_batch_size",
    dtype: Any = None,
) -> Any:
    """Weight ``values`` by ``sample_weight`` and ``mask``, then reduce them."""
    reduction = standardize_reduction(reduction)
    values = ops.convert_to_tensor(values, dtype=dtype)
    dtype = dtype_of(values)
    if sample_weight is not None:
        sample_weight = ops.convert_to_tensor(sample_weight, dtype=dtype)
    sample_weight = apply_mask(sample_weight, mask, dtype=dtype, reduction=reduction)
    if sample_weight is not None:
        sample_weight = ops.cast(sample_weight, dtype)
        values, sample_weight = _match_weight_rank(values, sample_weight)
        values = values * sample_weight
        if tuple(sample_weight.shape) != tuple(values.shape):
            sample_weight = ops.broadcast_to(sample_weight, values.shape)
    return reduce_values(values, sample_weight, reduction)


class Loss:
    """Base class of loss objects: subclasses implement ``call(y_true, y_pred)``.

    Args:
        name: the loss' name (default: the snake_case class name).
        reduction: ``"sum_over_batch_size"`` (default), ``"sum"``, ``"mean"``,
            ``"mean_with_sample_weight"``, or ``None`` / ``"none"`` for no reduction.
        dtype: dtype (or dtype policy) the loss computes in; default ``floatx()``.

    >>> import numpy as np
    >>> class Absolute(Loss):
    ...     def call(self, y_true, y_pred):
    ...         return ops.abs(y_pred - y_true)
    >>> float(Absolute()(np.array([1.0, 2.0]), np.array([2.0, 4.0])))
    1.5
    """

    def __init__(
        self, name: str | None = None, reduction: Any = "sum_over_batch_size", dtype: Any = None
    ) -> None:
        self.name = name or auto_name(self.__class__.__name__)
        self.reduction = standardize_reduction(reduction)
        self._dtype_arg = dtype_arg(dtype)
        self._dtype = resolve_dtype(dtype)

    @property
    def dtype(self) -> str:
        return self._dtype

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        in_mask = get_mask(y_pred)
        y_pred = _to_tensor_tree(y_pred, self.dtype)
        y_true = _to_tensor_tree(y_true, self.dtype)
        values, out_mask = self._call_with_mask(y_true, y_pred)
        if in_mask is not None and out_mask is not None:
            mask = ops.logical_and(ops.cast(in_mask, "bool"), ops.cast(out_mask, "bool"))
        else:
            mask = in_mask if in_mask is not None else out_mask
        return reduce_weighted_values(
            values,
            sample_weight=sample_weight,
            mask=mask,
            reduction=self.reduction,
            dtype=self.dtype,
        )

    def _call_with_mask(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        """``call`` plus the mask its values carry (subclasses with an output mask override)."""
        values = self.call(y_true, y_pred)
        return values, get_mask(values)

    def call(self, y_true: Any, y_pred: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement call(y_true, y_pred).")

    def get_config(self) -> dict[str, Any]:
        config = {"name": self.name, "reduction": self.reduction}
        if self._dtype_arg is not None:
            config["dtype"] = _serialize_dtype(self._dtype_arg)
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"


def _serialize_dtype(dtype: Any) -> Any:
    if hasattr(dtype, "get_config"):
        from tholos.saving.serialization import serialize_object

        return serialize_object(dtype)
    return resolve_dtype(dtype) if not isinstance(dtype, str) else dtype


def _to_tensor_tree(x: Any, dtype: str) -> Any:
    if isinstance(x, (list, tuple)) and x and not _is_number_list(x):
        return type(x)(_to_tensor_tree(v, dtype) for v in x)
    if isinstance(x, dict):
        return {k: _to_tensor_tree(v, dtype) for k, v in x.items()}
    return ops.convert_to_tensor(x, dtype=dtype)


def _is_number_list(x: Any) -> bool:
    first = x[0]
    while isinstance(first, (list, tuple)) and first:
        first = first[0]
    return isinstance(first, (int, float, bool)) or hasattr(first, "dtype")


register_builtin("tholos.losses")(Loss)
