"""Convolution and pooling arguments: validation and shape arithmetic (pure Python).

Shapes are tuples of ints (``tuple(x.shape)`` in every framework); nothing here touches a
tensor. Every check raises :class:`~tholos.errors.OpInputError` naming ``ops.<op>``.

>>> normalize_tuple(2, 2, "strides", "conv")
(2, 2)
>>> same_padding((5, 5), (3, 3), (2, 2), (1, 1), "same", "conv")
([(1, 1), (1, 1)], [3, 3])
"""

from __future__ import annotations

import operator
from collections.abc import Sequence

from tholos.errors import OpInputError

Pads = list[tuple[int, int]]


def data_format(value: str | None, op: str) -> str:
    """``value``, or ``tholos.config.image_data_format()`` when None; checked."""
    if value is None:
        from tholos import config

        fn = getattr(config, "image_data_format", None)
        value = fn() if fn is not None else "channels_last"
    if value not in ("channels_last", "channels_first"):
        raise OpInputError(
            f"ops.{op}: invalid `data_format`.",
            expected='"channels_last" or "channels_first"',
            received=repr(value),
        )
    return value


def normalize_tuple(value, n: int, name: str, op: str) -> tuple[int, ...]:
    """An int (any integer type) or a length-``n`` (or length-1) sequence of positive ints."""
    try:
        result = (operator.index(value),) * n
    except TypeError:
        try:
            result = tuple(int(v) for v in value)
        except TypeError:
            result = ()
        if len(result) == 1 and n > 1:
            result = result * n
    if len(result) != n or any(v < 1 for v in result):
        raise OpInputError(
            f"ops.{op}: invalid `{name}`.",
            expected=f"a positive int or a tuple of {n} positive ints",
            received=repr(value),
        )
    return result


def normalize_padding(padding, op: str) -> str:
    """``"valid"`` or ``"same"`` (case-insensitive)."""
    name = padding.lower() if isinstance(padding, str) else padding
    if name not in ("valid", "same"):
        raise OpInputError(
            f"ops.{op}: invalid `padding`.",
            expected='"valid" or "same"',
            received=repr(padding),
        )
    return name


def check_rank(shape: Sequence[int], op: str) -> None:
    """Convolution/pooling inputs are ``(batch, *spatial, channels)`` with 1-3 spatial dims."""
    if len(shape) < 3 or len(shape) > 5:
        raise OpInputError(
            f"ops.{op}: `inputs` must have rank 3, 4 or 5 (batch, spatial..., channels).",
            expected="rank 3 (1D), 4 (2D) or 5 (3D)",
            received=f"shape {tuple(shape)}",
        )


def check_kernel_rank(shape: Sequence[int], kernel_shape: Sequence[int], op: str) -> None:
    """The inputs' rank (checked with :func:`check_rank`) and the kernel's must agree."""
    check_rank(shape, op)
    if len(kernel_shape) != len(shape):
        raise OpInputError(
            f"ops.{op}: `kernel` rank must equal `inputs` rank.",
            expected=f"kernel of rank {len(shape)}: (*kernel_spatial, in_channels, out_channels)",
            received=f"inputs shape {tuple(shape)}, kernel shape {tuple(kernel_shape)}",
        )


def conv_groups(channels: int, kernel_shape: Sequence[int], op: str) -> int:
    """Groups of a (grouped) convolution of ``channels`` inputs with ``(*K, in, out)``."""
    cin, cout = kernel_shape[-2], kernel_shape[-1]
    if cin == 0 or channels % cin or cout % (channels // cin):
        raise OpInputError(
            f"ops.{op}: input channels do not match the kernel.",
            expected="inputs channels == kernel.shape[-2] (or a multiple of it dividing "
            "kernel.shape[-1], for grouped convolution)",
            received=f"inputs channels {channels}, kernel shape {tuple(kernel_shape)}",
        )
    return channels // cin


def check_depthwise_channels(channels: int, kernel_shape: Sequence[int], op: str) -> None:
    """A depthwise kernel is ``(*K, channels, multiplier)``."""
    if kernel_shape[-2] != channels:
        raise OpInputError(
            f"ops.{op}: kernel.shape[-2] must equal the input channels.",
            expected=f"kernel (*kernel_spatial, {channels}, channel_multiplier)",
            received=f"kernel shape {tuple(kernel_shape)}",
        )


def check_transpose_channels(channels: int, kernel_shape: Sequence[int], op: str) -> None:
    """A transposed-convolution kernel is ``(*K, out, in)``."""
    if channels != kernel_shape[-1]:
        raise OpInputError(
            f"ops.{op}: input channels do not match the kernel.",
            expected="inputs channels == kernel.shape[-1] (kernel is "
            "(*kernel_spatial, out_channels, in_channels))",
            received=f"inputs channels {channels}, kernel shape {tuple(kernel_shape)}",
        )


def effective(kernel: Sequence[int], dilation: Sequence[int]) -> tuple[int, ...]:
    """Extent of a dilated kernel along each dim."""
    return tuple((k - 1) * d + 1 for k, d in zip(kernel, dilation))


def same_padding(
    spatial: Sequence[int],
    kernel: Sequence[int],
    strides: Sequence[int],
    dilation: Sequence[int],
    padding: str,
    op: str,
) -> tuple[Pads, list[int]]:
    """``(pads, out)``: ``(before, after)`` padding and output size per spatial dim.

    TF/Keras semantics. ``"same"``: output ``ceil(size / stride)``, total padding
    ``max((out - 1) * stride + extent - size, 0)``, ``total // 2`` of it before. ``"valid"``:
    no padding, output ``(size - extent) // stride + 1``; an input smaller than the window
    is an error.
    """
    pads: Pads = []
    out: list[int] = []
    for size, k, s in zip(spatial, effective(kernel, dilation), strides):
        if padding == "same":
            o = -(-size // s)
            total = max((o - 1) * s + k - size, 0)
            pads.append((total // 2, total - total // 2))
        else:
            if size < k:
                raise OpInputError(
                    f"ops.{op}: the input is smaller than the (dilated) window with "
                    'padding="valid".',
                    expected=f"every spatial size >= window extent {effective(kernel, dilation)}",
                    received=f"spatial shape {tuple(spatial)}",
                    hint='Use padding="same" or a smaller window.',
                )
            o = (size - k) // s + 1
            pads.append((0, 0))
        out.append(o)
    return pads, out


def normalize_output_padding(output_padding, strides: Sequence[int], op: str):
    """None, or ``nd`` ints each in ``[0, stride)``."""
    if output_padding is None:
        return None
    nd = len(strides)
    try:
        output_padding = (operator.index(output_padding),) * nd
    except TypeError:
        output_padding = tuple(int(v) for v in output_padding)
    if len(output_padding) != nd or any(p < 0 or p >= s for p, s in zip(output_padding, strides)):
        raise OpInputError(
            f"ops.{op}: invalid `output_padding`.",
            expected=f"None, or {nd} non-negative ints each lower than the stride {tuple(strides)}",
            received=repr(output_padding),
        )
    return output_padding


def transpose_length(size: int, k: int, s: int, d: int, padding: str, output_padding) -> int:
    """Output length of a transposed convolution along one dim (Keras' rule)."""
    keff = (k - 1) * d + 1
    if output_padding is None:
        if padding == "valid":
            return size * s + max(keff - s, 0)
        return size * s
    pad = keff // 2 if padding == "same" else 0
    return (size - 1) * s + keff - 2 * pad + output_padding


def transpose_plan(
    spatial: Sequence[int],
    kernel: Sequence[int],
    strides: Sequence[int],
    dilation: Sequence[int],
    padding: str,
    output_padding,
) -> list[tuple[int, int, int, int]]:
    """Per spatial dim ``(length, before, total, full)`` of a transposed convolution.

    ``length`` is the output size; ``total`` the padding of the TF-style ``"same"``
    convolution mapping ``length`` -> ``size`` (whose adjoint this is), ``before = total // 2``
    how much of the full ("valid") transposed result to crop at the start; ``full = (size -
    1) * stride + extent`` the full result's size.
    """
    plan = []
    for i, size in enumerate(spatial):
        s, d, kk = strides[i], dilation[i], kernel[i]
        op_i = None if output_padding is None else output_padding[i]
        length = transpose_length(size, kk, s, d, padding, op_i)
        keff = (kk - 1) * d + 1
        total = max((size - 1) * s + keff - length, 0) if padding == "same" else 0
        plan.append((length, total // 2, total, (size - 1) * s + keff))
    return plan


__all__ = [
    "check_depthwise_channels",
    "check_kernel_rank",
    "check_rank",
    "check_transpose_channels",
    "conv_groups",
    "data_format",
    "effective",
    "normalize_output_padding",
    "normalize_padding",
    "normalize_tuple",
    "same_padding",
    "transpose_length",
    "transpose_plan",
]
