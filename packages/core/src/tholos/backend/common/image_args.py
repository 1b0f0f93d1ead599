"""Image-op arguments: validation and size arithmetic (pure Python).

Shapes are tuples of ints; nothing here touches a tensor. Every check raises
:class:`~tholos.errors.OpInputError` naming ``ops.<op>``.

>>> sides(1, None, 6, 4, "height", "pad_images")
(1, 1)
"""

from __future__ import annotations

from collections.abc import Sequence

from tholos.backend.dtypes import FLOAT_TYPES
from tholos.errors import OpInputError

INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5")
FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


def check_rank(shape: Sequence[int], op: str) -> None:
    """Images are ``(H, W, C)`` or ``(B, H, W, C)`` (channels first when so configured)."""
    if len(shape) not in (3, 4):
        raise OpInputError(
            f"ops.{op}: `images` must have rank 3 (one image) or 4 (a batch).",
            expected="(height, width, channels) or (batch, height, width, channels) "
            "(channels first when data_format='channels_first')",
            received=f"shape {tuple(shape)}",
        )


def sides(before, after, target, size: int, what: str, op: str) -> tuple[int, int]:
    """``(before, after)`` amounts from exactly two of ``before``/``after``/``target``.

    For ``pad_images`` ``target`` is the padded size, otherwise (cropping) the cropped one.
    """
    given = [before, after, target]
    if given.count(None) != 1:
        raise OpInputError(
            f"ops.{op}: give exactly two of top/bottom/target {what} (and of left/right/target).",
            expected="exactly two of the three",
            received=f"{given}",
        )
    if target is not None:
        if before is None:
            before = target - size - after if op == "pad_images" else size - target - after
        else:
            after = target - size - before if op == "pad_images" else size - target - before
    if before < 0 or after < 0:
        raise OpInputError(
            f"ops.{op}: the amounts must be non-negative.",
            expected="non-negative amounts (target consistent with the image size)",
            received=f"before={before}, after={after}, size={size}, target={target}",
        )
    return int(before), int(after)


def check_crop(top: int, bottom: int, left: int, right: int, height: int, width: int, op: str):
    """The crop amounts fit in a ``height x width`` image."""
    if top + bottom > height or left + right > width:
        raise OpInputError(
            f"ops.{op}: cropping more than the image.",
            expected=f"top + bottom <= {height} and left + right <= {width}",
            received=f"top={top}, bottom={bottom}, left={left}, right={right}",
        )


def check_channels(shape: Sequence[int], n: int, op: str) -> None:
    """Channels-last images with exactly ``n`` channels."""
    if shape[-1] != n:
        raise OpInputError(
            f"ops.{op}: images must have {n} channels.",
            expected=f"{n} channels",
            received=f"shape {tuple(shape)}",
        )


def require_float(dtype_name: str, op: str) -> None:
    """Colour-space conversions take float images in ``[0, 1]``."""
    if dtype_name not in FLOAT_TYPES:
        raise OpInputError(
            f"ops.{op}: images must have a float dtype.",
            expected="float16, bfloat16, float32 or float64 values in [0, 1]",
            received=f"dtype {dtype_name}",
            hint="Cast the images to float and scale them to [0, 1] first.",
        )


def resize_args(
    size,
    interpolation: str,
    crop_to_aspect_ratio: bool,
    pad_to_aspect_ratio: bool,
    fill_mode: str,
    op: str = "resize",
) -> tuple[int, int]:
    """Checks ``resize``'s options; returns the target ``(height, width)``."""
    if interpolation not in INTERPOLATIONS:
        raise OpInputError(
            f"ops.{op}: unsupported `interpolation`.",
            expected=f"one of {INTERPOLATIONS}",
            received=repr(interpolation),
        )
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise OpInputError(
            f"ops.{op}: crop_to_aspect_ratio and pad_to_aspect_ratio are exclusive.",
            expected="at most one of them True",
            received="both True",
        )
    if fill_mode != "constant":
        raise OpInputError(
            f"ops.{op}: only fill_mode='constant' is supported.",
            expected="'constant'",
            received=repr(fill_mode),
        )
    try:
        target_h, target_w = (int(v) for v in size)
    except (TypeError, ValueError):
        target_h = target_w = -1
    if target_h < 1 or target_w < 1:
        raise OpInputError(
            f"ops.{op}: `size` must be (height, width) of positive ints.",
            expected="(height, width)",
            received=repr(size),
        )
    return target_h, target_w


def aspect_box(height: int, width: int, target_h: int, target_w: int, mode: str):
    """``(top, left, h, w)`` of the centred box with the target's aspect ratio.

    ``mode="crop"``: the largest box inside the image; ``"pad"``: the smallest box holding it.
    """
    if mode == "crop":
        h = max(min(height, int(width * target_h / target_w)), 1)
        w = max(min(width, int(height * target_w / target_h)), 1)
        return (height - h) // 2, (width - w) // 2, h, w
    h = max(height, int(width * target_h / target_w))
    w = max(width, int(height * target_w / target_h))
    return (h - height) // 2, (w - width) // 2, h, w


def sample_args(order: int, fill_mode: str, op: str) -> None:
    """``order`` and ``fill_mode`` of ``map_coordinates`` and ``affine_transform``."""
    if order not in (0, 1):
        raise OpInputError(
            f"ops.{op}: only interpolation orders 0 (nearest) and 1 (linear) are supported.",
            expected="order 0 or 1",
            received=repr(order),
        )
    if fill_mode not in FILL_MODES:
        raise OpInputError(
            f"ops.{op}: unsupported `fill_mode`.",
            expected=f"one of {FILL_MODES}",
            received=repr(fill_mode),
        )


def check_coordinates(ndim: int, shapes: Sequence[Sequence[int]], op: str) -> None:
    """``map_coordinates``: one coordinate array per input dimension, all of one shape."""
    shapes = [tuple(s) for s in shapes]
    if len(shapes) != ndim or len(set(shapes)) > 1:
        raise OpInputError(
            f"ops.{op}: `coordinates` needs one array per input dimension, all of one shape.",
            expected=f"{ndim} arrays of equal shape",
            received=f"{len(shapes)} arrays of shapes {shapes}",
        )


def affine_order(interpolation: str, op: str = "affine_transform") -> int:
    """``affine_transform``'s ``interpolation`` as a sampling order (0 nearest, 1 bilinear)."""
    if interpolation not in ("nearest", "bilinear"):
        raise OpInputError(
            f"ops.{op}: unsupported `interpolation`.",
            expected="'nearest' or 'bilinear'",
            received=repr(interpolation),
        )
    return 0 if interpolation == "nearest" else 1


def check_transform(shape: Sequence[int], batch: int, op: str = "affine_transform") -> None:
    """An affine ``transform`` (already made 2-D) is ``(1, 8)`` or ``(batch, 8)``."""
    if len(shape) != 2 or shape[1] != 8 or shape[0] not in (1, batch):
        raise OpInputError(
            f"ops.{op}: `transform` must be (8,) or (batch, 8).",
            expected=f"(8,) or ({batch}, 8)",
            received=f"shape {tuple(shape)}",
        )


__all__ = [
    "FILL_MODES",
    "INTERPOLATIONS",
    "affine_order",
    "aspect_box",
    "check_channels",
    "check_coordinates",
    "check_crop",
    "check_rank",
    "check_transform",
    "require_float",
    "resize_args",
    "sample_args",
    "sides",
]
