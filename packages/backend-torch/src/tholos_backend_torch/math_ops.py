"""The math op family in torch (segments, top-k, FFT, erf...).

``in_top_k``, ``stft`` and ``istft`` are computed by the reference backend (``_reference.py``).
"""

from __future__ import annotations

import torch

from tholos.errors import OpInputError
from tholos_backend_torch._convert import (
    FLOATS,
    INTS,
    NAMES,
    cast,
    floatx_t,
    pair_dtype,
    tensor_of,
    wide,
)

_HALF = (torch.float16, torch.bfloat16)


def _float_input(x):
    x = tensor_of(x)
    dt = x.dtype if x.dtype in FLOATS else floatx_t()
    return cast(x, torch.float32 if dt in _HALF else dt), dt


def _segment_ids(data, segment_ids, num_segments, what):
    ids = tensor_of(segment_ids)
    if ids.dtype not in INTS:
        raise OpInputError(
            f"ops.{what}: segment_ids must be integers.",
            expected="an int vector",
            received=f"dtype {NAMES[ids.dtype]}",
        )
    if ids.ndim != 1 or data.ndim < 1 or ids.shape[0] != data.shape[0]:
        raise OpInputError(
            f"ops.{what}: segment_ids must be a vector with one id per row of data.",
            expected=f"shape ({data.shape[0] if data.ndim else '?'},)",
            received=f"segment_ids.shape={tuple(ids.shape)}, data.shape={tuple(data.shape)}",
        )
    ids = wide(ids).to(device=data.device, dtype=torch.int64)
    if num_segments is None:
        num_segments = int(ids.max()) + 1 if ids.numel() else 0
    n = int(num_segments)
    valid = (ids >= 0) & (ids < n)
    return ids, valid, n


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    data = tensor_of(data)
    ids, valid, n = _segment_ids(data, segment_ids, num_segments, "segment_sum")
    work = wide(data) if data.dtype is not torch.bool else data.to(torch.int64)
    out = torch.zeros((n + 1, *data.shape[1:]), dtype=work.dtype, device=data.device)
    out = out.index_add(0, torch.where(valid, ids, n), work)[:n]
    return cast(out if data.dtype is not torch.bool else out != 0, data.dtype)


def _lowest(dt):
    if dt in FLOATS:
        return -float("inf")
    if dt is torch.bool:
        return False
    return torch.iinfo(dt).min


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    data = tensor_of(data)
    ids, valid, n = _segment_ids(data, segment_ids, num_segments, "segment_max")
    dt = data.dtype
    work = wide(data) if dt is not torch.bool else data.to(torch.uint8)
    out = torch.full(
        (n + 1, *data.shape[1:]),
        _lowest(work.dtype) if dt is not torch.bool else 0,
        dtype=work.dtype,
        device=data.device,
    )
    index = torch.where(valid, ids, n).reshape(-1, *([1] * (data.ndim - 1))).expand(data.shape)
    out = out.scatter_reduce(0, index, work, reduce="amax", include_self=True)[:n]
    if dt is not work.dtype:
        if dt is torch.bool:
            return out != 0
        lo = _lowest(dt)
        out = torch.where(out == _lowest(work.dtype), torch.tensor(lo, device=out.device), out)
        return cast(out, dt)
    return out


def top_k(x, k, sorted=True):
    x = tensor_of(x)
    k = int(k)
    if x.ndim < 1 or not 0 <= k <= x.shape[-1]:
        raise OpInputError(
            "ops.top_k: k must be between 0 and the size of the last axis.",
            expected=f"0 <= k <= {x.shape[-1] if x.ndim else 'n (x needs rank >= 1)'}",
            received=f"k={k}, x.shape={tuple(x.shape)}",
        )
    key = (
        x
        if x.dtype in FLOATS
        or (x.dtype in INTS and x.dtype not in (torch.uint16, torch.uint32, torch.uint64))
        else wide(x)
        if x.dtype is not torch.bool
        else x.to(torch.uint8)
    )
    if key.dtype in FLOATS:
        neg = torch.where(
            torch.isnan(key),
            torch.full((), -float("inf"), dtype=key.dtype, device=key.device),
            -key,
        )
    else:
        neg = -key.to(torch.int64)
    order = torch.sort(neg, dim=-1, stable=True).indices[..., :k]
    return torch.gather(
        x if x.dtype not in (torch.uint16, torch.uint32, torch.uint64) else wide(x), -1, order
    ).to(x.dtype), order.to(torch.int32)


def logsumexp(x, axis=None, keepdims=False):
    x, dt = _float_input(x)
    if axis is None:
        out = torch.logsumexp(x.reshape(-1), dim=0)
        if keepdims:
            out = out.reshape((1,) * x.ndim)
    else:
        dims = (axis,) if isinstance(axis, int) else tuple(axis)
        out = torch.logsumexp(x, dim=dims, keepdim=keepdims)
    return cast(out, dt)


def extract_sequences(x, sequence_length, sequence_stride):
    x = tensor_of(x)
    length, stride = int(sequence_length), int(sequence_stride)
    n = x.shape[-1] if x.ndim else 0
    if x.ndim < 1 or length < 1 or stride < 1 or length > n:
        raise OpInputError(
            "ops.extract_sequences: invalid framing.",
            expected="rank >= 1, 1 <= sequence_length <= last axis, sequence_stride >= 1",
            received=f"x.shape={tuple(x.shape)}, sequence_length={sequence_length}, "
            f"sequence_stride={sequence_stride}",
        )
    return x.unfold(-1, length, stride)


def _complex_pair(x, what):
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise OpInputError(
            f"ops.{what}: the input must be a (real, imag) pair.",
            expected="a tuple of two float tensors",
            received=f"{type(x).__name__}",
        )
    real, imag = tensor_of(x[0]), tensor_of(x[1])
    if real.shape != imag.shape:
        raise OpInputError(
            f"ops.{what}: real and imaginary parts must have the same shape.",
            expected="equal shapes",
            received=f"{tuple(real.shape)} and {tuple(imag.shape)}",
        )
    if real.dtype not in FLOATS or imag.dtype not in FLOATS:
        raise OpInputError(
            f"ops.{what}: real and imaginary parts must be float tensors.",
            expected="float dtypes",
            received=f"{NAMES[real.dtype]} and {NAMES[imag.dtype]}",
        )
    dt = pair_dtype(real.dtype, imag.dtype)
    compute = torch.float64 if dt is torch.float64 else torch.float32
    return torch.complex(real.to(compute), imag.to(compute)), dt


def _split(z, dt):
    return cast(z.real, dt), cast(z.imag, dt)


def _min_rank(z, rank, what):
    if z.ndim < rank:
        raise OpInputError(
            f"ops.{what}: the input has too few axes.",
            expected=f"rank >= {rank}",
            received=f"shape {tuple(z.shape)}",
        )


def fft(x):
    z, dt = _complex_pair(x, "fft")
    _min_rank(z, 1, "fft")
    return _split(torch.fft.fft(z, dim=-1), dt)


def fft2(x):
    z, dt = _complex_pair(x, "fft2")
    _min_rank(z, 2, "fft2")
    return _split(torch.fft.fft2(z, dim=(-2, -1)), dt)


def ifft2(x):
    z, dt = _complex_pair(x, "ifft2")
    _min_rank(z, 2, "ifft2")
    return _split(torch.fft.ifft2(z, dim=(-2, -1)), dt)


def rfft(x, fft_length=None):
    x, dt = _float_input(x)
    _min_rank(x, 1, "rfft")
    n = x.shape[-1] if fft_length is None else int(fft_length)
    return _split(torch.fft.rfft(x, n=n, dim=-1), dt)


def irfft(x, fft_length=None):
    z, dt = _complex_pair(x, "irfft")
    _min_rank(z, 1, "irfft")
    n = 2 * (z.shape[-1] - 1) if fft_length is None else int(fft_length)
    return cast(torch.fft.irfft(z, n=n, dim=-1), dt)


def rsqrt(x):
    x, dt = _float_input(x)
    return cast(torch.rsqrt(x), dt)


def erf(x):
    x, dt = _float_input(x)
    return cast(torch.erf(x), dt)


def erfinv(x):
    x, dt = _float_input(x)
    return cast(torch.erfinv(x), dt)


def logdet(x):
    x, dt = _float_input(x)
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise OpInputError(
            "ops.logdet: the input must be a (batch of) square matrix.",
            expected="shape (..., M, M)",
            received=f"shape {tuple(x.shape)}",
        )
    return cast(torch.linalg.slogdet(x)[1], dt)


_BRIDGED = ("in_top_k", "stft", "istft")
