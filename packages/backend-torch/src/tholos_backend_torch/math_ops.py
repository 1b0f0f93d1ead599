"""The math op family in torch (segments, top-k, FFT, STFT, erf...)."""

from __future__ import annotations

import math

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


def in_top_k(targets, predictions, k):
    preds = tensor_of(predictions)
    targets = tensor_of(targets)
    if preds.ndim != 2 or tuple(targets.shape) != tuple(preds.shape[:1]):
        raise OpInputError(
            "ops.in_top_k: expected targets (batch,) and predictions (batch, classes).",
            expected="targets.shape == predictions.shape[:1]",
            received=f"targets.shape={tuple(targets.shape)}, "
            f"predictions.shape={tuple(preds.shape)}",
        )
    k = int(k)
    if k <= 0 or preds.shape[-1] == 0:
        return torch.zeros(targets.shape, dtype=torch.bool, device=preds.device)
    k = min(k, preds.shape[-1])
    p = preds if preds.dtype in FLOATS else wide(preds).to(torch.float64)
    kth = torch.topk(p, k, dim=-1).values[:, k - 1]
    own = torch.gather(p, 1, wide(targets).to(torch.int64)[:, None])[:, 0]
    return own >= kth


def _stft_window(window, sequence_length, fft_length, dtype, device, what):
    if sequence_length > fft_length or sequence_length < 1:
        raise OpInputError(
            f"ops.{what}: sequence_length must be between 1 and fft_length.",
            expected=f"1 <= sequence_length <= fft_length={fft_length}",
            received=f"sequence_length={sequence_length}",
        )
    if isinstance(window, str) and window not in ("hann", "hamming"):
        raise OpInputError(
            f"ops.{what}: unknown window.",
            expected="'hann', 'hamming', a tensor or None",
            received=f"window={window!r}",
        )
    if window is None or (isinstance(window, str) and sequence_length == 1):
        win = torch.ones(sequence_length, dtype=dtype, device=device)
    elif isinstance(window, str):
        # Periodic windows, computed in float64 and rounded once.
        phase = torch.arange(sequence_length, dtype=torch.float64, device=device) * (
            2 * math.pi / sequence_length
        )
        a = 0.5 if window == "hann" else 0.54
        win = (a - (1 - a) * torch.cos(phase)).to(dtype)
    else:
        win = tensor_of(window)
        if tuple(win.shape) != (sequence_length,):
            raise OpInputError(
                f"ops.{what}: the window must have length sequence_length.",
                expected=f"shape ({sequence_length},)",
                received=f"shape {tuple(win.shape)}",
            )
        win = cast(win, dtype).to(device)
    left = (fft_length - sequence_length) // 2
    right = fft_length - sequence_length - left
    if left or right:
        win = torch.nn.functional.pad(win, (left, right))
    return win


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    x, dt = _float_input(x)
    length, stride, nfft = int(sequence_length), int(sequence_stride), int(fft_length)
    win = _stft_window(window, length, nfft, x.dtype, x.device, "stft")
    _min_rank(x, 1, "stft")
    if center:
        pad = nfft // 2
        n = x.shape[-1]
        if n <= pad:
            raise OpInputError(
                "ops.stft: the signal is too short to reflect-pad with center=True.",
                expected=f"more than fft_length // 2 = {pad} samples",
                received=f"{n} samples",
            )
        left = x[..., 1 : pad + 1].flip(-1)
        right = x[..., n - pad - 1 : n - 1].flip(-1)
        x = torch.cat([left, x, right], dim=-1)
    if x.shape[-1] < nfft:
        raise OpInputError(
            "ops.stft: the (padded) signal is shorter than fft_length.",
            expected=f"at least {nfft} samples",
            received=f"{x.shape[-1]} samples",
        )
    frames = x.unfold(-1, nfft, stride) * win
    return _split(torch.fft.rfft(frames, n=nfft, dim=-1), dt)


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    z, dt = _complex_pair(x, "istft")
    _min_rank(z, 2, "istft")
    compute = z.real.dtype
    seq, stride, nfft = int(sequence_length), int(sequence_stride), int(fft_length)
    win = _stft_window(window, seq, nfft, compute, z.device, "istft")
    frames = torch.fft.irfft(z, n=nfft, dim=-1) * win  # (..., T, nfft)
    t = frames.shape[-2]
    total = nfft + stride * (t - 1)
    index = (
        torch.arange(t, device=z.device)[:, None] * stride
        + torch.arange(nfft, device=z.device)[None, :]
    ).reshape(-1)
    batch = frames.shape[:-2]
    flat = frames.reshape(-1, t * nfft)
    signal = torch.zeros((flat.shape[0], total), dtype=compute, device=z.device)
    signal = signal.index_add(1, index, flat).reshape(*batch, total)
    wsq = torch.zeros(total, dtype=compute, device=z.device).index_add(
        0, index, (win * win).repeat(t)
    )
    norm = torch.where(wsq > 1e-10, wsq, torch.ones_like(wsq))
    signal = signal / norm
    start = nfft // 2 if center else 0
    if length is not None:
        end = start + int(length)
    elif center:
        end = total - nfft // 2
    else:
        end = total
    return cast(signal[..., start:end], dt)
