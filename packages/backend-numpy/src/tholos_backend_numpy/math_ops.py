"""Math ops of the NumPy backend: segment reductions, top-k, FFT/STFT and special functions.

``erf`` and ``erfinv`` are our own (no SciPy): ``erf`` by a positive-term power series for
``|x| < 1.5`` and a continued fraction for ``erfc`` beyond, both accurate to a few ulps in
float64; ``erfinv`` refines a closed-form first guess with Halley steps on ``erf``/``erfc``.
"""

from __future__ import annotations

import math as _math

import autograd.numpy as anp
import numpy as onp
from autograd.extend import defvjp, primitive
from autograd.tracer import getval

from tholos.backend.dtypes import floatx
from tholos.errors import OpInputError
from tholos_backend_numpy._convert import dtype_name
from tholos_backend_numpy.core_ops import _cast as cast
from tholos_backend_numpy.core_ops import convert_to_tensor

_COMPUTE = {"float16": "float32", "bfloat16": "float32"}


def _float_input(x):
    """(x cast to its compute float dtype, the result dtype)."""
    x = convert_to_tensor(x)
    name = dtype_name(x)
    dtype = name if name.startswith("float") else floatx()
    return cast(x, _COMPUTE.get(dtype, dtype)), dtype


# ----------------------------------------------------------------------------- segments


def _segment_ids(data, segment_ids, num_segments, what):
    ids = onp.asarray(getval(convert_to_tensor(segment_ids)))
    if ids.dtype.kind not in "iu":
        raise OpInputError(
            f"ops.{what}: segment_ids must be integers.",
            expected="an int vector",
            received=f"dtype {ids.dtype}",
        )
    if ids.ndim != 1 or anp.ndim(data) < 1 or ids.shape[0] != anp.shape(data)[0]:
        raise OpInputError(
            f"ops.{what}: segment_ids must be a vector with one id per row of data.",
            expected=f"shape ({anp.shape(data)[0] if anp.ndim(data) else '?'},)",
            received=f"segment_ids.shape={ids.shape}, data.shape={tuple(anp.shape(data))}",
        )
    if num_segments is None:
        num_segments = int(ids.max()) + 1 if ids.size else 0
    num_segments = int(num_segments)
    valid = (ids >= 0) & (ids < num_segments)
    return ids, valid, num_segments


@primitive
def _segment_sum(data, ids, valid, n):
    out = onp.zeros((n, *data.shape[1:]), data.dtype)
    onp.add.at(out, ids[valid], data[valid])
    return out


def _segment_sum_vjp(ans, data, ids, valid, n):
    def vjp(g):
        safe = onp.where(valid, ids, 0)
        grad = g[safe]
        mask = valid.reshape((-1,) + (1,) * (onp.ndim(data) - 1))
        return onp.where(mask, grad, 0).astype(g.dtype)

    return vjp


defvjp(_segment_sum, _segment_sum_vjp)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    data = convert_to_tensor(data)
    ids, valid, n = _segment_ids(data, segment_ids, num_segments, "segment_sum")
    return _segment_sum(data, ids, valid, n)


def _lowest(dtype):
    if dtype.kind == "f":
        return -onp.inf
    if dtype.kind == "b":
        return False
    return onp.iinfo(dtype).min


@primitive
def _segment_max(data, ids, valid, n):
    out = onp.full((n, *data.shape[1:]), _lowest(data.dtype), data.dtype)
    onp.maximum.at(out, ids[valid], data[valid])
    return out


def _segment_max_vjp(ans, data, ids, valid, n):
    def vjp(g):
        safe = onp.where(valid, ids, 0)
        mask = valid.reshape((-1,) + (1,) * (onp.ndim(data) - 1))
        hit = (data == ans[safe]) & mask
        counts = onp.zeros(ans.shape, g.dtype)
        onp.add.at(counts, ids[valid], hit[valid].astype(g.dtype))
        share = g[safe] / onp.where(counts[safe] == 0, 1, counts[safe])
        return onp.where(hit, share, 0).astype(g.dtype)

    return vjp


defvjp(_segment_max, _segment_max_vjp)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    data = convert_to_tensor(data)
    ids, valid, n = _segment_ids(data, segment_ids, num_segments, "segment_max")
    return _segment_max(data, ids, valid, n)


# ----------------------------------------------------------------------------- top-k


def _gather_last(x, idx):
    """``x[..., idx]`` row by row (differentiable through autograd's indexing)."""
    batch = onp.indices(idx.shape[:-1], sparse=True)
    grids = tuple(b[..., None] for b in batch)
    return x[(*grids, idx)]


def top_k(x, k, sorted=True):
    x = convert_to_tensor(x)
    k = int(k)
    if anp.ndim(x) < 1 or not 0 <= k <= anp.shape(x)[-1]:
        raise OpInputError(
            "ops.top_k: k must be between 0 and the size of the last axis.",
            expected=f"0 <= k <= {anp.shape(x)[-1] if anp.ndim(x) else 'n (x needs rank >= 1)'}",
            received=f"k={k}, x.shape={tuple(anp.shape(x))}",
        )
    raw = onp.asarray(getval(x))
    key = raw.astype(onp.int64) if raw.dtype.kind in "ub" else raw
    # Descending, ties by lower index: stable sort of the negated key (NaN sorts first).
    neg = -key if raw.dtype.kind != "f" else onp.where(onp.isnan(key), -onp.inf, -key)
    order = onp.argsort(neg, axis=-1, kind="stable")[..., :k]
    return _gather_last(x, order), order.astype("int32")


def in_top_k(targets, predictions, k):
    predictions = convert_to_tensor(predictions)
    preds = onp.asarray(getval(predictions))
    targets = onp.asarray(getval(convert_to_tensor(targets)))
    if preds.ndim != 2 or targets.shape != preds.shape[:1]:
        raise OpInputError(
            "ops.in_top_k: expected targets (batch,) and predictions (batch, classes).",
            expected="targets.shape == predictions.shape[:1]",
            received=f"targets.shape={targets.shape}, predictions.shape={preds.shape}",
        )
    k = int(k)
    if k <= 0:
        return onp.zeros(targets.shape, bool)
    k = min(k, preds.shape[-1])
    kth = -onp.sort(-preds.astype(onp.float64), axis=-1)[:, k - 1]
    own = preds[onp.arange(preds.shape[0]), targets].astype(onp.float64)
    return own >= kth


# ----------------------------------------------------------------------------- reductions


def logsumexp(x, axis=None, keepdims=False):
    x, dtype = _float_input(x)
    raw = onp.asarray(getval(x))
    if raw.size == 0:
        return cast(anp.log(anp.sum(anp.exp(x), axis=axis, keepdims=keepdims)), dtype)
    m = onp.max(raw, axis=axis, keepdims=True)
    m = onp.where(onp.isfinite(m), m, 0)
    with onp.errstate(divide="ignore"):
        out = anp.log(anp.sum(anp.exp(x - m), axis=axis, keepdims=True)) + m
    if not keepdims:
        out = anp.squeeze(out, axis=axis) if axis is not None else anp.reshape(out, ())
    return cast(out, dtype)


def extract_sequences(x, sequence_length, sequence_stride):
    x = convert_to_tensor(x)
    length, stride = int(sequence_length), int(sequence_stride)
    n = anp.shape(x)[-1] if anp.ndim(x) else 0
    if anp.ndim(x) < 1 or length < 1 or stride < 1 or length > n:
        raise OpInputError(
            "ops.extract_sequences: invalid framing.",
            expected="rank >= 1, 1 <= sequence_length <= last axis, sequence_stride >= 1",
            received=f"x.shape={tuple(anp.shape(x))}, sequence_length={sequence_length}, "
            f"sequence_stride={sequence_stride}",
        )
    frames = 1 + (n - length) // stride
    idx = onp.arange(frames)[:, None] * stride + onp.arange(length)[None, :]
    return x[..., idx]


# ----------------------------------------------------------------------------- FFT


def _real_pair(x, what):
    """The (real, imag) parts cast to their compute dtype, and the result dtype."""
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise OpInputError(
            f"ops.{what}: the input must be a (real, imag) pair.",
            expected="a tuple of two float tensors",
            received=f"{type(x).__name__}",
        )
    real, imag = convert_to_tensor(x[0]), convert_to_tensor(x[1])
    names = dtype_name(real), dtype_name(imag)
    if anp.shape(real) != anp.shape(imag):
        raise OpInputError(
            f"ops.{what}: real and imaginary parts must have the same shape.",
            expected="equal shapes",
            received=f"{tuple(anp.shape(real))} and {tuple(anp.shape(imag))}",
        )
    if not all(n.startswith("float") for n in names):
        raise OpInputError(
            f"ops.{what}: real and imaginary parts must be float tensors.",
            expected="float dtypes",
            received=f"{names[0]} and {names[1]}",
        )
    from tholos.backend.dtypes import result_type

    dtype = result_type(*names)
    compute = "float32" if dtype in ("float16", "bfloat16", "float32") else "float64"
    return cast(real, compute), cast(imag, compute), dtype


def _complex_pair(x, what):
    real, imag, dtype = _real_pair(x, what)
    return real + 1j * imag, dtype


def _split(z, dtype):
    return cast(anp.real(z), dtype), cast(anp.imag(z), dtype)


def _min_rank(z, rank, what):
    if anp.ndim(z) < rank:
        raise OpInputError(
            f"ops.{what}: the input has too few axes.",
            expected=f"rank >= {rank}",
            received=f"shape {tuple(anp.shape(z))}",
        )


def fft(x):
    z, dtype = _complex_pair(x, "fft")
    _min_rank(z, 1, "fft")
    return _split(anp.fft.fft(z, axis=-1), dtype)


def fft2(x):
    z, dtype = _complex_pair(x, "fft2")
    _min_rank(z, 2, "fft2")
    return _split(anp.fft.fft2(z, axes=(-2, -1)), dtype)


def ifft2(x):
    z, dtype = _complex_pair(x, "ifft2")
    _min_rank(z, 2, "ifft2")
    return _split(anp.fft.ifft2(z, axes=(-2, -1)), dtype)


# Real FFTs as primitives on real parts (autograd's own VJPs reject odd lengths). With
# m = n // 2 + 1 bins and t_jk = 2 pi j k / n:
#   rfft:  Re Y_k = sum_j x_j cos t_jk,  Im Y_k = -sum_j x_j sin t_jk
#   irfft: x_j = (1/n) sum_{k<m} w_k (Re Z_k cos t_jk - Im Z_k sin t_jk), w_0 = 1, w_k = 2,
#          and w_{n/2} = 1 for even n.
# Each VJP is therefore the other transform, up to the weights w_k / n.


def _fit_last(a, size):
    """``a`` cropped or zero-padded along its last axis to ``size``."""
    have = a.shape[-1]
    if have >= size:
        return a[..., :size]
    pad = onp.zeros((*a.shape[:-1], size - have), a.dtype)
    return onp.concatenate([a, pad], axis=-1)


def _irfft_weights(n, dtype):
    m = n // 2 + 1
    w = onp.full(m, 2.0, dtype)
    w[0] = 1.0
    if n % 2 == 0:
        w[-1] = 1.0
    return w


@primitive
def _rfft_parts(x, n):
    """``rfft(x, n)`` as real and imaginary parts stacked on a new last axis."""
    y = onp.fft.rfft(x, n=n, axis=-1)
    return onp.stack([y.real, y.imag], axis=-1).astype(x.dtype, copy=False)


def _rfft_parts_vjp(ans, x, n):
    def vjp(g):
        spectrum = _fit_last(g[..., 0] + 1j * g[..., 1], n)
        dx = (onp.fft.ifft(spectrum, axis=-1) * n).real
        return _fit_last(dx, x.shape[-1]).astype(x.dtype, copy=False)

    return vjp


defvjp(_rfft_parts, _rfft_parts_vjp)


@primitive
def _irfft_parts(real, imag, n):
    return onp.fft.irfft(real + 1j * imag, n=n, axis=-1).astype(real.dtype, copy=False)


def _irfft_parts_vjp(part):
    def make(ans, real, imag, n):
        def vjp(g):
            spectrum = onp.fft.rfft(g, axis=-1) * (_irfft_weights(n, real.dtype) / n)
            out = spectrum.real if part == 0 else spectrum.imag
            return _fit_last(out, real.shape[-1]).astype(real.dtype, copy=False)

        return vjp

    return make


defvjp(_irfft_parts, _irfft_parts_vjp(0), _irfft_parts_vjp(1))


def _rfft(x, n):
    parts = _rfft_parts(x, n)
    return parts[..., 0], parts[..., 1]


def rfft(x, fft_length=None):
    x, dtype = _float_input(x)
    _min_rank(x, 1, "rfft")
    n = anp.shape(x)[-1] if fft_length is None else int(fft_length)
    re, im = _rfft(x, n)
    return cast(re, dtype), cast(im, dtype)


def irfft(x, fft_length=None):
    real, imag, dtype = _real_pair(x, "irfft")
    _min_rank(real, 1, "irfft")
    n = 2 * (anp.shape(real)[-1] - 1) if fft_length is None else int(fft_length)
    return cast(_irfft_parts(real, imag, n), dtype)


# ----------------------------------------------------------------------------- STFT


def _window(window, sequence_length, fft_length, dtype, what):
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
    phase = 2 * onp.pi * onp.arange(sequence_length) / sequence_length
    if window is None or (isinstance(window, str) and sequence_length == 1):
        win = onp.ones(sequence_length)  # a one-sample window is [1.0]
    elif isinstance(window, str) and window == "hann":
        win = 0.5 - 0.5 * onp.cos(phase)
    elif isinstance(window, str) and window == "hamming":
        win = 0.54 - 0.46 * onp.cos(phase)
    else:
        win = convert_to_tensor(window)
        if anp.shape(win) != (sequence_length,):
            raise OpInputError(
                f"ops.{what}: the window must have length sequence_length.",
                expected=f"shape ({sequence_length},)",
                received=f"shape {tuple(anp.shape(win))}",
            )
    win = cast(win, dtype)
    left = (fft_length - sequence_length) // 2
    right = fft_length - sequence_length - left
    return anp.concatenate([onp.zeros(left, dtype), win, onp.zeros(right, dtype)])


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    x, dtype = _float_input(x)
    compute = dtype_name(x)
    length, stride, nfft = int(sequence_length), int(sequence_stride), int(fft_length)
    win = _window(window, length, nfft, compute, "stft")
    _min_rank(x, 1, "stft")
    if center:
        pad = nfft // 2
        if anp.shape(x)[-1] <= pad:
            raise OpInputError(
                "ops.stft: the signal is too short to reflect-pad with center=True.",
                expected=f"more than fft_length // 2 = {pad} samples",
                received=f"{anp.shape(x)[-1]} samples",
            )
        n = anp.shape(x)[-1]
        left = x[..., 1 : pad + 1][..., ::-1]
        right = x[..., n - pad - 1 : n - 1][..., ::-1]
        x = anp.concatenate([left, x, right], axis=-1)
    if anp.shape(x)[-1] < nfft:
        raise OpInputError(
            "ops.stft: the (padded) signal is shorter than fft_length.",
            expected=f"at least {nfft} samples",
            received=f"{anp.shape(x)[-1]} samples",
        )
    frames = extract_sequences(x, nfft, stride) * win
    re, im = _rfft(frames, nfft)
    return cast(re, dtype), cast(im, dtype)


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    real, imag, dtype = _real_pair(x, "istft")
    _min_rank(real, 2, "istft")
    compute = "float64" if dtype == "float64" else "float32"
    seq, stride, nfft = int(sequence_length), int(sequence_stride), int(fft_length)
    win = _window(window, seq, nfft, compute, "istft")
    frames = _irfft_parts(real, imag, nfft) * win  # (..., T, nfft)
    t = anp.shape(frames)[-2]
    total = nfft + stride * (t - 1)
    # Overlap-add as one matrix product: (..., T*nfft) @ (T*nfft, total) is wasteful for long
    # signals, so scatter frame by frame with a constant index map instead.
    index = (onp.arange(t)[:, None] * stride + onp.arange(nfft)[None, :]).reshape(-1)
    flat = anp.reshape(frames, (*anp.shape(frames)[:-2], t * nfft))
    signal = _overlap_add(flat, index, total)
    wsq = onp.zeros(total, compute)
    onp.add.at(wsq, index, onp.tile(onp.asarray(getval(win)) ** 2, t))
    norm = onp.where(wsq > 1e-10, wsq, 1.0)
    signal = signal / norm
    start = nfft // 2 if center else 0
    if length is not None:
        end = start + int(length)
    elif center:
        end = total - nfft // 2
    else:
        end = total
    return cast(signal[..., start:end], dtype)


@primitive
def _overlap_add(flat, index, total):
    out = onp.zeros((*flat.shape[:-1], total), flat.dtype)
    moved = onp.moveaxis(out, -1, 0)
    onp.add.at(moved, index, onp.moveaxis(flat, -1, 0))
    return out


defvjp(_overlap_add, lambda ans, flat, index, total: lambda g: g[..., index])


# ----------------------------------------------------------------------------- special functions


def rsqrt(x):
    x, dtype = _float_input(x)
    with onp.errstate(divide="ignore", invalid="ignore"):
        return cast(1.0 / anp.sqrt(x), dtype)


_TWO_OVER_SQRT_PI = 2.0 / _math.sqrt(_math.pi)
_SQRT_PI = _math.sqrt(_math.pi)
_SERIES_LIMIT = 1.5


def _exp_neg_square(a):
    """exp(-a*a) without the rounding error of forming a*a (split a into hi + lo)."""
    a = onp.minimum(onp.abs(a), 40.0)  # exp(-1600) is 0 already; keeps inf out of hi/lo
    hi = onp.round(a * 4096.0) / 4096.0
    lo = a - hi
    return onp.exp(-hi * hi) * onp.exp(-(2.0 * hi * lo + lo * lo))


def _erf_series(a):
    """erf(a) for |a| < 1.5: 2/sqrt(pi) exp(-a^2) sum_n (2a^2)^n a / (2n+1)!! (positive terms)."""
    a2 = a * a
    term = a.copy()
    total = a.copy()
    for n in range(1, 48):
        term = term * (2.0 * a2) / (2 * n + 1)
        total = total + term
    return _TWO_OVER_SQRT_PI * _exp_neg_square(a) * total


def _erfc_fraction(a):
    """erfc(a) for a >= 1.5: exp(-a^2)/sqrt(pi) / (a + (1/2)/(a + 1/(a + (3/2)/(a + ...))))."""
    t = a.copy()
    with onp.errstate(invalid="ignore"):  # a = inf gives inf/inf only in unused lanes
        for k in range(128, 0, -1):
            t = a + (0.5 * k) / t
    return _exp_neg_square(a) / (_SQRT_PI * t)


def _erf_and_erfc(x):
    """(erf(x), erfc(|x|)) for a float64 array, each to a few ulps (erfc relative)."""
    x = onp.asarray(x, onp.float64)
    a = onp.abs(x)
    small = a < _SERIES_LIMIT
    a_small = onp.where(small, a, 0.0)
    a_large = onp.where(small, _SERIES_LIMIT, onp.where(onp.isnan(a), _SERIES_LIMIT, a))
    erf_small = _erf_series(a_small)
    erfc_large = _erfc_fraction(a_large)
    erf_abs = onp.where(small, erf_small, 1.0 - erfc_large)
    erfc_abs = onp.where(small, 1.0 - erf_small, erfc_large)
    nan = onp.isnan(x)
    erf_val = onp.where(nan, onp.nan, onp.copysign(erf_abs, x))
    return erf_val, onp.where(nan, onp.nan, erfc_abs)


@primitive
def _erf(x):
    return _erf_and_erfc(x)[0].astype(x.dtype)


defvjp(_erf, lambda ans, x: lambda g: g * (_TWO_OVER_SQRT_PI * onp.exp(-x * x)).astype(g.dtype))


def erf(x):
    x, dtype = _float_input(x)
    return cast(_erf(x), dtype)


def _erfinv64(x):
    x = onp.asarray(x, onp.float64)
    a = onp.abs(x)
    inside = a < 1.0
    ai = onp.where(inside, a, 0.5)
    q = 1.0 - ai  # exact for ai >= 0.5 (Sterbenz)
    # First guess: the closed-form approximation with a = 0.147 (relative error ~1e-3).
    c = 0.147
    log_term = onp.log(q * (1.0 + ai))
    first = 2.0 / (onp.pi * c) + 0.5 * log_term
    y = onp.sqrt(onp.sqrt(first * first - log_term / c) - first)
    for _ in range(4):  # Halley steps: cubic convergence
        erf_y, erfc_y = _erf_and_erfc(y)
        residual = onp.where(ai > 0.5, q - erfc_y, erf_y - ai)  # erf(y) - a, without cancellation
        slope = _TWO_OVER_SQRT_PI * _exp_neg_square(y)
        ratio = residual / slope
        y = y - ratio / (1.0 + y * ratio)
    y = onp.where(ai == 0.0, 0.0, y)
    out = onp.where(inside, y, onp.where(a == 1.0, onp.inf, onp.nan))
    return onp.copysign(out, x)


@primitive
def _erfinv(x):
    return _erfinv64(x).astype(x.dtype)


defvjp(_erfinv, lambda ans, x: lambda g: g * (0.5 * _SQRT_PI * onp.exp(ans * ans)).astype(g.dtype))


def erfinv(x):
    x, dtype = _float_input(x)
    return cast(_erfinv(x), dtype)


def logdet(x):
    x, dtype = _float_input(x)
    shape = anp.shape(x)
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise OpInputError(
            "ops.logdet: the input must be a (batch of) square matrix.",
            expected="shape (..., M, M)",
            received=f"shape {tuple(shape)}",
        )
    return cast(anp.linalg.slogdet(x)[1], dtype)
