"""Axis arguments and shape arithmetic of array ops (pure Python).

Shapes are tuples of ints; nothing here touches a tensor. Every check raises
:class:`~tholos.errors.OpInputError` naming ``ops.<op>``.

>>> normalize_axes([-1, 0], 3, "sum")
(0, 2)
>>> normalize_axis(-1, 3, "softmax")
2
>>> reshape_target(6, (3, -1), (3, -1), (2, 3))
(3, 2)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence

from tholos.errors import OpInputError


def normalize_axes(axis, ndim: int, op: str) -> tuple[int, ...]:
    """``axis`` (None, int or sequence) as a sorted tuple of distinct non-negative axes.

    None means every axis. A rank-0 tensor accepts axis 0 and -1.
    """
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, numbers.Integral) else tuple(axis)
    out = []
    for a in axes:
        a = int(a)
        if not -ndim <= a < max(ndim, 1) or (ndim == 0 and a not in (0, -1)):
            raise OpInputError(
                f"ops.{op}: axis {a} is out of bounds.",
                expected=f"an axis in [{-ndim}, {ndim})",
                received=f"axis={axis!r} for a tensor of rank {ndim}",
            )
        out.append(a % max(ndim, 1))
    if len(set(out)) != len(out):
        raise OpInputError(
            f"ops.{op}: repeated axis.", expected="distinct axes", received=f"axis={axis!r}"
        )
    return tuple(sorted(out))


def normalize_axis(axis, ndim: int, op: str):
    """``axis`` (None, int, tuple or list) made non-negative, keeping its form and order.

    An int gives an int, a tuple or list a tuple, None stays None (the layout the nn ops use).
    """
    if axis is None:
        return None
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    out = []
    for a in axes:
        a = int(a)
        if not -ndim <= a < max(ndim, 1):
            raise OpInputError(
                f"ops.{op}: axis out of range.",
                expected=f"an axis in [-{ndim}, {ndim})",
                received=repr(axis),
            )
        out.append(a % ndim if ndim else 0)
    return tuple(out) if isinstance(axis, (tuple, list)) else out[0]


def shape_tuple(
    shape, op: str, to_int: Callable[[object], object] = int, *, prefix: str = "ops"
) -> tuple[int, ...]:
    """An int or a sequence of ints (``to_int`` converts each) as a tuple of dims >= 0.

    Errors name ``<prefix>.<op>`` (``prefix="random"`` for the samplers). A ``to_int`` may
    pass a symbolic dim through unchanged; only the int dims are checked to be >= 0.
    """
    if isinstance(shape, numbers.Integral):
        shape = (int(shape),)
    try:
        shape = tuple(to_int(d) for d in shape)
    except (TypeError, ValueError) as err:
        raise OpInputError(
            f"{prefix}.{op}: shape must be an int or a sequence of ints.",
            expected="e.g. (2, 3)",
            received=repr(shape),
        ) from err
    if any(isinstance(d, numbers.Integral) and d < 0 for d in shape):
        raise OpInputError(
            f"{prefix}.{op}: negative dimension in shape.",
            expected="dims >= 0",
            received=repr(shape),
        )
    return shape


def reduced_shape(shape: Sequence[int], axes: Sequence[int], keepdims: bool) -> list[int]:
    """The shape of a reduction of ``shape`` over ``axes`` (non-negative)."""
    if keepdims:
        return [1 if a in axes else d for a, d in enumerate(shape)]
    return [d for a, d in enumerate(shape) if a not in axes]


def empty_reduction_shape(
    shape: Sequence[int], axes: Sequence[int], keepdims: bool, initial, axis, op: str
) -> list[int]:
    """Shape of the result of an empty max/min reduction; an error unless ``initial`` is given."""
    if initial is None:
        raise OpInputError(
            f"ops.{op}: cannot reduce an empty tensor.",
            expected="a non-empty tensor along the reduced axes, or `initial`",
            received=f"shape {tuple(shape)} with axis={axis!r}",
            hint="Pass `initial=` to give empty reductions a value.",
        )
    return reduced_shape(shape, axes, keepdims)


def reshape_target(
    size: int, shape: Sequence[int], newshape, x_shape: Sequence[int], op: str = "reshape"
) -> tuple[int, ...]:
    """``shape`` (ints, at most one -1) checked against ``size`` elements, the -1 resolved.

    ``newshape`` (as given) and ``x_shape`` only go into the error message.
    """
    shape = tuple(shape)
    known = math.prod(d for d in shape if d != -1)
    unknown = shape.count(-1)
    ok = unknown <= 1 and (
        (unknown == 0 and known == size)
        or (unknown == 1 and ((known != 0 and size % known == 0) or (known == 0 and size == 0)))
    )
    if not ok:
        raise OpInputError(
            f"ops.{op}: the new shape does not fit the number of elements.",
            expected=f"a shape with {size} elements (at most one -1)",
            received=f"tensor of shape {tuple(x_shape)} and newshape={newshape!r}",
        )
    if unknown:
        rest = size // known if known else 0
        shape = tuple(rest if d == -1 else d for d in shape)
    return shape


def check_permutation(axes, ndim: int, op: str = "transpose") -> tuple[int, ...]:
    """``axes`` (a sequence) as a tuple, checked to be a permutation of ``range(ndim)``."""
    axes = tuple(axes)
    if sorted(a % max(ndim, 1) for a in axes) != list(range(ndim)):
        raise OpInputError(
            f"ops.{op}: axes must be a permutation of the dimensions.",
            expected=f"a permutation of {list(range(ndim))}",
            received=f"axes={axes!r}",
        )
    return axes


def expand_dims_shape(shape: Sequence[int], axis, op: str = "expand_dims") -> tuple[int, ...]:
    """``shape`` with a 1 inserted at each of ``axis`` (an int or a sequence)."""
    axes = (axis,) if isinstance(axis, numbers.Integral) else tuple(axis)
    out = list(shape)
    for a in normalize_axes(axes, len(out) + len(axes), op):
        out.insert(a, 1)
    return tuple(out)


def squeeze_shape(shape: Sequence[int], axis, op: str = "squeeze") -> tuple[int, ...]:
    """``shape`` without the size-1 ``axis`` (None: without every size-1 dim)."""
    if axis is None:
        return tuple(d for d in shape if d != 1)
    axes = normalize_axes(axis, len(shape), op)
    if [a for a in axes if shape[a] != 1]:
        raise OpInputError(
            f"ops.{op}: can only remove axes of size 1.",
            expected="x.shape[axis] == 1",
            received=f"shape {tuple(shape)}, axis={axis!r}",
        )
    return tuple(d for a, d in enumerate(shape) if a not in axes)


__all__ = [
    "check_permutation",
    "empty_reduction_shape",
    "expand_dims_shape",
    "normalize_axes",
    "normalize_axis",
    "reduced_shape",
    "reshape_target",
    "shape_tuple",
    "squeeze_shape",
]
