"""Loss and normalization arguments of the nn ops: shape checks (pure Python).

Shapes are tuples of ints (``None`` for a dimension a graph does not know yet, which is
never compared); nothing here touches a tensor. Every check raises
:class:`~tholos.errors.OpInputError` naming ``ops.<op>``.

>>> sparse_targets((4, 1), (4, 10), -1, "sparse_categorical_crossentropy")
(True, 1)
>>> along_axis((3,), (2, 3), 1, "mean") is None
False
"""

from __future__ import annotations

from collections.abc import Sequence

from tholos.backend.common.axes import normalize_axis
from tholos.errors import OpInputError


def check_same_shape(
    a: Sequence[int | None], b: Sequence[int | None], op: str, names=("target", "output")
) -> None:
    """``a`` and ``b`` (the shapes of ``names``) are equal; skipped while a dim is unknown."""
    a, b = tuple(a), tuple(b)
    if None in a or None in b:
        return
    if a != b:
        raise OpInputError(
            f"ops.{op}: `{names[0]}` and `{names[1]}` must have the same shape.",
            expected=f"{names[0]}.shape == {names[1]}.shape",
            received=f"{a} and {b}",
        )


def check_class_axis(ndim: int, op: str) -> None:
    """Crossentropy ``output`` has a class axis (rank >= 1)."""
    if ndim < 1:
        raise OpInputError(
            f"ops.{op}: `output` must have at least one dimension.",
            expected="rank >= 1",
            received="a scalar",
        )


def sparse_targets(
    target_shape: Sequence[int | None], output_shape: Sequence[int | None], axis: int, op: str
) -> tuple[bool, int]:
    """Checks integer targets against ``output``; returns ``(squeeze, axis)``.

    ``squeeze``: the targets have a trailing size-1 dim to drop first. ``axis`` is the class
    axis made non-negative. The targets must have ``output``'s shape without that axis.
    """
    target_shape, output_shape = tuple(target_shape), tuple(output_shape)
    rank = len(output_shape)
    squeeze = len(target_shape) == rank and rank > 0 and target_shape[-1] == 1
    if squeeze:
        target_shape = target_shape[:-1]
    if rank < 1 or len(target_shape) != rank - 1:
        raise OpInputError(
            f"ops.{op}: `target` must have the shape of `output` without its class axis.",
            expected=f"target rank {rank - 1}",
            received=f"target shape {target_shape}, output shape {output_shape}",
        )
    axis = normalize_axis(axis, rank, op)
    expected = tuple(d for i, d in enumerate(output_shape) if i != axis)
    if None not in expected and None not in target_shape and target_shape != expected:
        raise OpInputError(
            f"ops.{op}: `target` and `output` shapes do not match.",
            expected=f"target shape {expected}",
            received=f"{target_shape}",
        )
    return squeeze, axis


def along_axis(
    shape: Sequence[int | None], x_shape: Sequence[int | None], axis: int, name: str
) -> list[int | None] | None:
    """How ``batch_normalization`` broadcasts a ``name`` argument of ``shape`` onto ``x``.

    A vector of length ``x_shape[axis]``: the shape to reshape it to (ones but at ``axis``);
    a scalar or an argument of ``x``'s rank: None (used as it is); anything else: an error.
    """
    ndim = len(x_shape)
    if len(shape) == 1 and shape[0] == x_shape[axis]:
        out: list[int | None] = [1] * ndim
        out[axis] = x_shape[axis]
        return out
    if len(shape) in (0, ndim):
        return None
    raise OpInputError(
        f"ops.batch_normalization: `{name}` must be a vector of length x.shape[axis].",
        expected=f"shape ({x_shape[axis]},)",
        received=f"shape {tuple(shape)}",
    )


__all__ = ["along_axis", "check_class_axis", "check_same_shape", "sparse_targets"]
