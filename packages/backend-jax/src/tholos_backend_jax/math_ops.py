"""Math ops of the JAX backend: segment reductions, top-k, FFT/STFT and special functions."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import jax.scipy.special as jss
import numpy as onp
from jax import lax

from tholos.backend.dtypes import FLOAT_TYPES, floatx, result_type
from tholos.errors import OpInputError
from tholos_backend_jax._convert import canon, cast, concrete, dtype_name
from tholos_backend_jax.core_ops import convert_to_tensor

_COMPUTE = {"float16": "float32", "bfloat16": "float32"}


def _float_input(x):
    x = convert_to_tensor(x)
    name = dtype_name(x)
    dtype = name if name in FLOAT_TYPES else canon(floatx())
    return cast(x, _COMPUTE.get(dtype, dtype)), dtype


# ----------------------------------------------------------------------------- segments


def _segment_ids(data, segment_ids, num_segments, what):
    ids = convert_to_tensor(segment_ids)
    if dtype_name(ids)[:3] not in ("int", "uin"):
        raise OpInputError(
            f"ops.{what}: segment_ids must be integers.",
            expected="an int vector",
            received=f"dtype {dtype_name(ids)}",
        )
    if ids.ndim != 1 or data.ndim < 1 or ids.shape[0] != data.shape[0]:
        raise OpInputError(
            f"ops.{what}: segment_ids must be a vector with one id per row of data.",
            expected=f"shape ({data.shape[0] if data.ndim else '?'},)",
            received=f"segment_ids.shape={tuple(ids.shape)}, data.shape={tuple(data.shape)}",
        )
    if num_segments is None:
        value = concrete(ids)
        if value is None:
            raise OpInputError(
                f"ops.{what}: num_segments is required when segment_ids is traced (jax.jit).",
                expected="an int num_segments",
                received="None",
            )
        num_segments = int(value.max()) + 1 if value.size else 0
    return ids.astype("int32"), int(num_segments)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    data = convert_to_tensor(data)
    ids, n = _segment_ids(data, segment_ids, num_segments, "segment_sum")
    return jax.ops.segment_sum(data, ids, num_segments=n, indices_are_sorted=bool(sorted))


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    data = convert_to_tensor(data)
    ids, n = _segment_ids(data, segment_ids, num_segments, "segment_max")
    return jax.ops.segment_max(data, ids, num_segments=n, indices_are_sorted=bool(sorted))


# ----------------------------------------------------------------------------- top-k


def top_k(x, k, sorted=True):
    x = convert_to_tensor(x)
    k = int(k)
    if x.ndim < 1 or not 0 <= k <= x.shape[-1]:
        raise OpInputError(
            "ops.top_k: k must be between 0 and the size of the last axis.",
            expected=f"0 <= k <= {x.shape[-1] if x.ndim else 'n (x needs rank >= 1)'}",
            received=f"k={k}, x.shape={tuple(x.shape)}",
        )
    name = dtype_name(x)
    if name == "bool":
        values, idx = lax.top_k(x.astype("int32"), k)
        return values.astype(bool), idx.astype("int32")
    if name in FLOAT_TYPES:
        # NaN ranks highest (like the reference), ties by lower index.
        key = jnp.where(jnp.isnan(x), -jnp.inf, -x)
        order = jnp.argsort(key, axis=-1, stable=True)[..., :k]
        return jnp.take_along_axis(x, order, axis=-1), order.astype("int32")
    values, idx = lax.top_k(x, k)
    return values, idx.astype("int32")


def in_top_k(targets, predictions, k):
    predictions = convert_to_tensor(predictions)
    targets = convert_to_tensor(targets)
    if predictions.ndim != 2 or tuple(targets.shape) != tuple(predictions.shape[:1]):
        raise OpInputError(
            "ops.in_top_k: expected targets (batch,) and predictions (batch, classes).",
            expected="targets.shape == predictions.shape[:1]",
            received=f"targets.shape={tuple(targets.shape)}, "
            f"predictions.shape={tuple(predictions.shape)}",
        )
    k = int(k)
    if k <= 0:
        return jnp.zeros(targets.shape, bool)
    k = min(k, predictions.shape[-1])
    preds = (
        predictions
        if dtype_name(predictions) in FLOAT_TYPES
        else predictions.astype(canon("float64"))
    )
    kth = -jnp.sort(-preds, axis=-1)[:, k - 1]
    own = jnp.take_along_axis(preds, targets.astype("int32")[:, None], axis=-1)[:, 0]
    return own >= kth


# ----------------------------------------------------------------------------- reductions


def logsumexp(x, axis=None, keepdims=False):
    x, dtype = _float_input(x)
    if isinstance(axis, list):
        axis = tuple(axis)
    if x.size == 0:
        return cast(jnp.log(jnp.sum(jnp.exp(x), axis=axis, keepdims=keepdims)), dtype)
    return cast(jss.logsumexp(x, axis=axis, keepdims=keepdims), dtype)


def extract_sequences(x, sequence_length, sequence_stride):
    x = convert_to_tensor(x)
    length, stride = int(sequence_length), int(sequence_stride)
    n = x.shape[-1] if x.ndim else 0
    if x.ndim < 1 or length < 1 or stride < 1 or length > n:
        raise OpInputError(
            "ops.extract_sequences: invalid framing.",
            expected="rank >= 1, 1 <= sequence_length <= last axis, sequence_stride >= 1",
            received=f"x.shape={tuple(x.shape)}, sequence_length={sequence_length}, "
            f"sequence_stride={sequence_stride}",
        )
    frames = 1 + (n - length) // stride
    idx = onp.arange(frames)[:, None] * stride + onp.arange(length)[None, :]
    return x[..., idx]


# ----------------------------------------------------------------------------- FFT


def _complex_pair(x, what):
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise OpInputError(
            f"ops.{what}: the input must be a (real, imag) pair.",
            expected="a tuple of two float tensors",
            received=f"{type(x).__name__}",
        )
    real, imag = convert_to_tensor(x[0]), convert_to_tensor(x[1])
    names = dtype_name(real), dtype_name(imag)
    if real.shape != imag.shape:
        raise OpInputError(
            f"ops.{what}: real and imaginary parts must have the same shape.",
            expected="equal shapes",
            received=f"{tuple(real.shape)} and {tuple(imag.shape)}",
        )
    if not all(n in FLOAT_TYPES for n in names):
        raise OpInputError(
            f"ops.{what}: real and imaginary parts must be float tensors.",
            expected="float dtypes",
            received=f"{names[0]} and {names[1]}",
        )
    dtype = canon(result_type(*names))
    compute = "float32" if dtype in ("float16", "bfloat16", "float32") else "float64"
    return lax.complex(cast(real, compute), cast(imag, compute)), dtype


def _split(z, dtype):
    return cast(jnp.real(z), dtype), cast(jnp.imag(z), dtype)


def _min_rank(z, rank, what):
    if z.ndim < rank:
        raise OpInputError(
            f"ops.{what}: the input has too few axes.",
            expected=f"rank >= {rank}",
            received=f"shape {tuple(z.shape)}",
        )


def fft(x):
    z, dtype = _complex_pair(x, "fft")
    _min_rank(z, 1, "fft")
    return _split(jnp.fft.fft(z, axis=-1), dtype)


def fft2(x):
    z, dtype = _complex_pair(x, "fft2")
    _min_rank(z, 2, "fft2")
    return _split(jnp.fft.fft2(z, axes=(-2, -1)), dtype)


def ifft2(x):
    z, dtype = _complex_pair(x, "ifft2")
    _min_rank(z, 2, "ifft2")
    return _split(jnp.fft.ifft2(z, axes=(-2, -1)), dtype)


def rfft(x, fft_length=None):
    x, dtype = _float_input(x)
    _min_rank(x, 1, "rfft")
    n = x.shape[-1] if fft_length is None else int(fft_length)
    return _split(jnp.fft.rfft(x, n=n, axis=-1), dtype)


def irfft(x, fft_length=None):
    z, dtype = _complex_pair(x, "irfft")
    _min_rank(z, 1, "irfft")
    n = 2 * (z.shape[-1] - 1) if fft_length is None else int(fft_length)
    return cast(jnp.fft.irfft(z, n=n, axis=-1), dtype)


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
        win = jnp.ones(sequence_length, dtype)
    elif isinstance(window, str) and window == "hann":
        win = jnp.asarray(0.5 - 0.5 * onp.cos(phase), dtype)
    elif isinstance(window, str) and window == "hamming":
        win = jnp.asarray(0.54 - 0.46 * onp.cos(phase), dtype)
    else:
        win = convert_to_tensor(window)
        if tuple(win.shape) != (sequence_length,):
            raise OpInputError(
                f"ops.{what}: the window must have length sequence_length.",
                expected=f"shape ({sequence_length},)",
                received=f"shape {tuple(win.shape)}",
            )
    win = cast(win, dtype)
    left = (fft_length - sequence_length) // 2
    return jnp.pad(win, (left, fft_length - sequence_length - left))


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    x, dtype = _float_input(x)
    compute = dtype_name(x)
    length, stride, nfft = int(sequence_length), int(sequence_stride), int(fft_length)
    win = _window(window, length, nfft, compute, "stft")
    _min_rank(x, 1, "stft")
    if center:
        pad = nfft // 2
        if x.shape[-1] <= pad:
            raise OpInputError(
                "ops.stft: the signal is too short to reflect-pad with center=True.",
                expected=f"more than fft_length // 2 = {pad} samples",
                received=f"{x.shape[-1]} samples",
            )
        x = jnp.pad(x, [(0, 0)] * (x.ndim - 1) + [(pad, pad)], mode="reflect")
    if x.shape[-1] < nfft:
        raise OpInputError(
            "ops.stft: the (padded) signal is shorter than fft_length.",
            expected=f"at least {nfft} samples",
            received=f"{x.shape[-1]} samples",
        )
    frames = extract_sequences(x, nfft, stride) * win
    return _split(jnp.fft.rfft(frames, n=nfft, axis=-1), dtype)


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    z, dtype = _complex_pair(x, "istft")
    _min_rank(z, 2, "istft")
    compute = canon("float64") if dtype == "float64" else "float32"
    seq, stride, nfft = int(sequence_length), int(sequence_stride), int(fft_length)
    win = _window(window, seq, nfft, compute, "istft")
    frames = jnp.fft.irfft(z, n=nfft, axis=-1) * win
    t = frames.shape[-2]
    total = nfft + stride * (t - 1)
    index = (onp.arange(t)[:, None] * stride + onp.arange(nfft)[None, :]).reshape(-1)
    flat = jnp.reshape(frames, (*frames.shape[:-2], t * nfft))
    signal = jnp.zeros((*flat.shape[:-1], total), flat.dtype).at[..., index].add(flat)
    wsq = jnp.zeros(total, compute).at[index].add(jnp.tile(win**2, t))
    signal = signal / jnp.where(wsq > 1e-10, wsq, 1.0)
    start = nfft // 2 if center else 0
    if length is not None:
        end = start + int(length)
    elif center:
        end = total - nfft // 2
    else:
        end = total
    return cast(signal[..., start:end], dtype)


# ----------------------------------------------------------------------------- special functions


def rsqrt(x):
    x, dtype = _float_input(x)
    return cast(lax.rsqrt(x), dtype)


def erf(x):
    x, dtype = _float_input(x)
    return cast(jss.erf(x), dtype)


def erfinv(x):
    x, dtype = _float_input(x)
    return cast(jss.erfinv(x), dtype)


def logdet(x):
    x, dtype = _float_input(x)
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise OpInputError(
            "ops.logdet: the input must be a (batch of) square matrix.",
            expected="shape (..., M, M)",
            received=f"shape {tuple(x.shape)}",
        )
    return cast(jnp.linalg.slogdet(x)[1], dtype)
