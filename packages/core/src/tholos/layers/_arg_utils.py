"""Argument checking shared by the convolution, pooling, reshaping and normalization layers.

Every helper here runs once, in a layer's ``__init__`` or ``build``, never per call.

>>> normalize_tuple(3, 2, "kernel_size")
(3, 3)
>>> conv_output_length(28, 3, "valid", 1)
26
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from tholos.errors import ConfigError

DATA_FORMATS = ("channels_last", "channels_first")


def normalize_tuple(
    value: Any, n: int, name: str, allow_zero: bool = False, layer: str = "Layer"
) -> tuple[int, ...]:
    """``value`` (an int or a sequence of ``n`` ints) as a tuple of ``n`` ints, checked."""
    if isinstance(value, int) and not isinstance(value, bool):
        out = (value,) * n
    else:
        try:
            out = tuple(value)
        except TypeError:
            out = None
        if (
            out is None
            or len(out) != n
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in out)
        ):
            raise ConfigError(
                f"{layer}: invalid `{name}`.",
                expected=f"an int or a tuple of {n} ints",
                received=f"{name}={value!r}",
            )
    lowest = 0 if allow_zero else 1
    if any(v < lowest for v in out):
        raise ConfigError(
            f"{layer}: invalid `{name}`.",
            expected=f"every value >= {lowest}",
            received=f"{name}={value!r}",
        )
    return out


def standardize_data_format(data_format: str | None, layer: str = "Layer") -> str:
    """``data_format`` or, when ``None``, the global ``image_data_format()``."""
    if data_format is None:
        try:
            from tholos import config

            return config.image_data_format()
        except (ImportError, AttributeError):
            return "channels_last"
    fmt = str(data_format).lower()
    if fmt not in DATA_FORMATS:
        raise ConfigError(
            f"{layer}: invalid `data_format`.",
            expected='"channels_last" or "channels_first"',
            received=f"data_format={data_format!r}",
        )
    return fmt


def standardize_padding(padding: str, allow_causal: bool = False, layer: str = "Layer") -> str:
    """``padding`` lower-cased and checked: ``"valid"``, ``"same"`` (or ``"causal"``)."""
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    fmt = str(padding).lower() if isinstance(padding, str) else padding
    if fmt not in allowed:
        raise ConfigError(
            f"{layer}: invalid `padding`.",
            expected=" or ".join(f'"{a}"' for a in allowed),
            received=f"padding={padding!r}",
        )
    return fmt


def conv_output_length(
    length: int | None, kernel_size: int, padding: str, stride: int, dilation: int = 1
) -> int | None:
    """Output length of a convolution or pooling window along one axis."""
    if length is None:
        return None
    dilated = (kernel_size - 1) * dilation + 1
    if padding in ("same", "causal"):
        return (length + stride - 1) // stride
    return max((length - dilated) // stride + 1, 0)


def conv_transpose_output_length(
    length: int | None,
    kernel_size: int,
    padding: str,
    stride: int,
    output_padding: int | None = None,
    dilation: int = 1,
) -> int | None:
    """Output length of a transposed convolution along one axis (Keras 3's formula)."""
    if length is None:
        return None
    dilated = kernel_size + (kernel_size - 1) * (dilation - 1)
    if output_padding is None:
        if padding == "valid":
            return length * stride + max(dilated - stride, 0)
        return length * stride
    pad = dilated // 2 if padding == "same" else 0
    return (length - 1) * stride + dilated - 2 * pad + output_padding


def channel_axis(data_format: str, ndim: int) -> int:
    """Positive index of the channel axis for a ``ndim``-rank input."""
    return ndim - 1 if data_format == "channels_last" else 1


def spatial_axes(data_format: str, ndim: int) -> tuple[int, ...]:
    """Positive indices of the spatial axes of a ``ndim``-rank input (not batch, not channels)."""
    if data_format == "channels_last":
        return tuple(range(1, ndim - 1))
    return tuple(range(2, ndim))


def check_rate(rate: Any, layer: str, name: str = "rate") -> float:
    """A rate in ``[0, 1]`` as a float."""
    try:
        value = float(rate)
    except (TypeError, ValueError):
        value = math.nan
    if not 0.0 <= value <= 1.0:
        raise ConfigError(
            f"{layer}: invalid `{name}`.",
            expected="a float in [0, 1]",
            received=f"{name}={rate!r}",
        )
    return value


def normalize_axes(axis: Any, ndim: int, layer: str, name: str = "axis") -> tuple[int, ...]:
    """``axis`` (int or sequence) as sorted positive indices of a ``ndim``-rank input."""
    axes: Sequence[int] = [axis] if isinstance(axis, int) else list(axis)
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise ConfigError(
                f"{layer}: `{name}` is out of range for the input.",
                expected=f"values in [{-ndim}, {ndim})",
                received=f"{name}={axis!r} for an input of rank {ndim}",
            )
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise ConfigError(
            f"{layer}: repeated `{name}`.", expected="distinct axes", received=f"{name}={axis!r}"
        )
    return tuple(sorted(out))
