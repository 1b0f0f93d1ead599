"""Math ops on TensorFlow: segment reductions, top-k, FFT/STFT and special functions."""

from __future__ import annotations

import math as _math

import numpy as np
import tensorflow as tf

from tholos.backend.dtypes import FLOAT_TYPES, floatx, result_type
from tholos.errors import OpInputError
from tholos_backend_tensorflow import _convert as C
from tholos_backend_tensorflow._convert import cast, convert, dname, static_shape

_COMPUTE = {"float16": "float32", "bfloat16": "float32"}


def _float_input(x):
    x = convert(x)
    name = dname(x)
    dtype = name if name in FLOAT_TYPES else floatx()
    return cast(x, _COMPUTE.get(dtype, dtype)), dtype


def _segment_ids(data, segment_ids, num_segments, what):
    ids = convert(segment_ids)
    if not ids.dtype.is_integer:
        raise OpInputError(
            f"ops.{what}: segment_ids must be integers.",
            expected="an int vector",
            received=f"dtype {dname(ids)}",
        )
    ds = static_shape(data)
    if (
        ids.shape.rank != 1
        or len(ds) < 1
        or (ids.shape[0] != ds[0] and None not in (ids.shape[0], ds[0]))
    ):
        raise OpInputError(
            f"ops.{what}: segment_ids must be a vector with one id per row of data.",
            expected=f"shape ({ds[0] if ds else '?'},)",
            received=f"segment_ids.shape={static_shape(ids)}, data.shape={ds}",
        )
    if ids.dtype not in (tf.int32, tf.int64):
        ids = tf.cast(ids, tf.int64)
    if num_segments is None:
        if hasattr(ids, "numpy"):
            v = ids.numpy()
            num_segments = int(v.max()) + 1 if v.size else 0
        else:
            num_segments = tf.reduce_max(ids) + 1
    else:
        num_segments = int(num_segments)
    return ids, num_segments


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    data = convert(data)
    ids, n = _segment_ids(data, segment_ids, num_segments, "segment_sum")
    if data.dtype == tf.bool:
        return tf.math.unsorted_segment_max(tf.cast(data, tf.int32), ids, n) > 0
    # unsorted_segment_sum drops negative and out-of-range ids, as the contract asks.
    valid = (ids >= 0) & (ids < tf.cast(n, ids.dtype))
    ids = tf.where(valid, ids, -tf.ones_like(ids))
    return tf.math.unsorted_segment_sum(data, ids, n)


def _lowest(dtype):
    if dtype.is_floating:
        return -np.inf
    if dtype == tf.bool:
        return False
    return dtype.min


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    data = convert(data)
    ids, n = _segment_ids(data, segment_ids, num_segments, "segment_max")
    valid = (ids >= 0) & (ids < tf.cast(n, ids.dtype))
    ids = tf.where(valid, ids, -tf.ones_like(ids))
    if data.dtype == tf.bool:
        return tf.math.unsorted_segment_max(tf.cast(data, tf.int32), ids, n) > 0
    out = tf.math.unsorted_segment_max(data, ids, n)
    if data.dtype.is_floating:
        # Empty segments: TF fills the dtype's lowest finite value; NumPy's reference -inf.
        count = tf.math.unsorted_segment_sum(tf.ones_like(ids, dtype=tf.int32), ids, n)
        empty = tf.reshape(tf.equal(count, 0), [-1] + [1] * (data.shape.rank - 1))
        out = tf.where(empty, tf.constant(-np.inf, data.dtype), out)
    return out


def top_k(x, k, sorted=True):
    x = convert(x)
    k = int(k)
    shape = static_shape(x)
    if not shape or not 0 <= k <= shape[-1]:
        raise OpInputError(
            "ops.top_k: k must be between 0 and the size of the last axis.",
            expected=f"0 <= k <= {shape[-1] if shape else 'n (x needs rank >= 1)'}",
            received=f"k={k}, x.shape={shape}",
        )
    d = dname(x)
    if x.dtype.is_floating:
        key = tf.where(tf.math.is_nan(x), tf.constant(-np.inf, x.dtype), x)
        if d in ("float16", "bfloat16"):
            key = tf.cast(key, tf.float32)
        # Ties keep the lower index first (a stable order), like the reference.
        _, idx = tf.math.top_k(key, k=k, sorted=True)
    else:
        key = x
        if d in ("bool", "uint8", "uint16", "int8", "int16"):
            key = tf.cast(x, tf.int32)
        elif d in ("uint32", "uint64"):
            key = tf.cast(x, tf.float64) if d == "uint32" else tf.cast(x, tf.int64)
        _, idx = tf.math.top_k(key, k=k, sorted=True)
    values = tf.gather(x, idx, batch_dims=len(shape) - 1)
    return values, tf.cast(idx, tf.int32)


def in_top_k(targets, predictions, k):
    preds = convert(predictions)
    targets = convert(targets)
    ps, ts = static_shape(preds), static_shape(targets)
    if len(ps) != 2 or ts != ps[:1]:
        raise OpInputError(
            "ops.in_top_k: expected targets (batch,) and predictions (batch, classes).",
            expected="targets.shape == predictions.shape[:1]",
            received=f"targets.shape={ts}, predictions.shape={ps}",
        )
    k = int(k)
    if k <= 0:
        return tf.zeros(ts, tf.bool)
    k = min(k, ps[-1])
    p64 = tf.cast(preds, tf.float64)
    kth = tf.math.top_k(p64, k=k).values[:, k - 1]
    if targets.dtype not in (tf.int32, tf.int64):
        targets = tf.cast(targets, tf.int64)
    own = tf.gather(p64, targets, batch_dims=1)
    return own >= kth


def logsumexp(x, axis=None, keepdims=False):
    x, dtype = _float_input(x)
    ax = None if axis is None else (list(axis) if isinstance(axis, (tuple, list)) else axis)
    if x.shape.num_elements() == 0:
        return cast(tf.math.log(tf.reduce_sum(tf.exp(x), axis=ax, keepdims=keepdims)), dtype)
    m = tf.stop_gradient(tf.reduce_max(x, axis=ax, keepdims=True))
    m = tf.where(tf.math.is_finite(m), m, tf.zeros_like(m))
    out = tf.math.log(tf.reduce_sum(tf.exp(x - m), axis=ax, keepdims=True)) + m
    if not keepdims:
        out = tf.squeeze(out, axis=ax) if ax is not None else tf.reshape(out, ())
    return cast(out, dtype)


def extract_sequences(x, sequence_length, sequence_stride):
    x = convert(x)
    length, stride = int(sequence_length), int(sequence_stride)
    shape = static_shape(x)
    n = shape[-1] if shape else 0
    if not shape or length < 1 or stride < 1 or length > n:
        raise OpInputError(
            "ops.extract_sequences: invalid framing.",
            expected="rank >= 1, 1 <= sequence_length <= last axis, sequence_stride >= 1",
            received=f"x.shape={shape}, sequence_length={sequence_length}, "
            f"sequence_stride={sequence_stride}",
        )
    frames = 1 + (n - length) // stride
    idx = np.arange(frames)[:, None] * stride + np.arange(length)[None, :]
    return tf.gather(x, tf.constant(idx, tf.int32), axis=-1)


def _complex_pair(x, what):
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise OpInputError(
            f"ops.{what}: the input must be a (real, imag) pair.",
            expected="a tuple of two float tensors",
            received=f"{type(x).__name__}",
        )
    real, imag = convert(x[0]), convert(x[1])
    names = dname(real), dname(imag)
    if static_shape(real) != static_shape(imag):
        raise OpInputError(
            f"ops.{what}: real and imaginary parts must have the same shape.",
            expected="equal shapes",
            received=f"{static_shape(real)} and {static_shape(imag)}",
        )
    if not all(n in FLOAT_TYPES for n in names):
        raise OpInputError(
            f"ops.{what}: real and imaginary parts must be float tensors.",
            expected="float dtypes",
            received=f"{names[0]} and {names[1]}",
        )
    dtype = result_type(*names)
    compute = "float32" if dtype in ("float16", "bfloat16", "float32") else "float64"
    return tf.complex(cast(real, compute), cast(imag, compute)), dtype


def _split(z, dtype):
    return cast(tf.math.real(z), dtype), cast(tf.math.imag(z), dtype)


def _min_rank(z, rank, what):
    if z.shape.rank < rank:
        raise OpInputError(
            f"ops.{what}: the input has too few axes.",
            expected=f"rank >= {rank}",
            received=f"shape {static_shape(z)}",
        )


def fft(x):
    z, dtype = _complex_pair(x, "fft")
    _min_rank(z, 1, "fft")
    return _split(tf.signal.fft(z), dtype)


def fft2(x):
    z, dtype = _complex_pair(x, "fft2")
    _min_rank(z, 2, "fft2")
    return _split(tf.signal.fft2d(z), dtype)


def ifft2(x):
    z, dtype = _complex_pair(x, "ifft2")
    _min_rank(z, 2, "ifft2")
    return _split(tf.signal.ifft2d(z), dtype)


def rfft(x, fft_length=None):
    x, dtype = _float_input(x)
    _min_rank(x, 1, "rfft")
    n = x.shape[-1] if fft_length is None else int(fft_length)
    return _split(tf.signal.rfft(x, fft_length=[n]), dtype)


def irfft(x, fft_length=None):
    z, dtype = _complex_pair(x, "irfft")
    _min_rank(z, 1, "irfft")
    n = 2 * (z.shape[-1] - 1) if fft_length is None else int(fft_length)
    return cast(tf.signal.irfft(z, fft_length=[n]), dtype)


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
    phase = 2 * np.pi * np.arange(sequence_length) / sequence_length
    if window is None or (isinstance(window, str) and sequence_length == 1):
        win = tf.constant(np.ones(sequence_length), C.tfd(dtype))
    elif isinstance(window, str) and window == "hann":
        win = tf.constant(0.5 - 0.5 * np.cos(phase), C.tfd(dtype))
    elif isinstance(window, str) and window == "hamming":
        win = tf.constant(0.54 - 0.46 * np.cos(phase), C.tfd(dtype))
    else:
        win = convert(window, dtype)
        if static_shape(win) != (sequence_length,):
            raise OpInputError(
                f"ops.{what}: the window must have length sequence_length.",
                expected=f"shape ({sequence_length},)",
                received=f"shape {static_shape(win)}",
            )
    left = (fft_length - sequence_length) // 2
    right = fft_length - sequence_length - left
    return tf.pad(win, [[left, right]])


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    x, dtype = _float_input(x)
    compute = dname(x)
    length, stride, nfft = int(sequence_length), int(sequence_stride), int(fft_length)
    win = _window(window, length, nfft, compute, "stft")
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
        left = tf.reverse(x[..., 1 : pad + 1], [-1])
        right = tf.reverse(x[..., n - pad - 1 : n - 1], [-1])
        x = tf.concat([left, x, right], axis=-1)
    if x.shape[-1] < nfft:
        raise OpInputError(
            "ops.stft: the (padded) signal is shorter than fft_length.",
            expected=f"at least {nfft} samples",
            received=f"{x.shape[-1]} samples",
        )
    frames = tf.signal.frame(x, nfft, stride, axis=-1) * win
    return _split(tf.signal.rfft(frames, fft_length=[nfft]), dtype)


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    z, dtype = _complex_pair(x, "istft")
    _min_rank(z, 2, "istft")
    compute = "float64" if dtype == "float64" else "float32"
    seq, stride, nfft = int(sequence_length), int(sequence_stride), int(fft_length)
    win = _window(window, seq, nfft, compute, "istft")
    frames = tf.signal.irfft(z, fft_length=[nfft]) * win
    t = frames.shape[-2]
    total = nfft + stride * (t - 1)
    signal = tf.signal.overlap_and_add(frames, stride)
    index = (np.arange(t)[:, None] * stride + np.arange(nfft)[None, :]).reshape(-1)
    wsq = np.zeros(total, compute)
    w_np = win.numpy() if hasattr(win, "numpy") else None
    if w_np is None:
        wsq_t = tf.signal.overlap_and_add(tf.tile(tf.square(win)[None, :], [t, 1]), stride)
    else:
        np.add.at(wsq, index, np.tile(w_np**2, t))
        wsq_t = tf.constant(wsq)
    norm = tf.where(wsq_t > 1e-10, wsq_t, tf.ones_like(wsq_t))
    signal = signal / norm
    start = nfft // 2 if center else 0
    if length is not None:
        end = start + int(length)
    elif center:
        end = total - nfft // 2
    else:
        end = total
    return cast(signal[..., start:end], dtype)


def rsqrt(x):
    x, dtype = _float_input(x)
    return cast(tf.math.rsqrt(x), dtype)


def erf(x):
    x, dtype = _float_input(x)
    return cast(tf.math.erf(x), dtype)


def erfinv(x):
    # float64 inside: TF's float32 erfinv loses digits in the tails (portable normals use it).
    x, dtype = _float_input(x)
    return cast(tf.math.erfinv(tf.cast(x, tf.float64)), dtype)


def logdet(x):
    x, dtype = _float_input(x)
    shape = static_shape(x)
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise OpInputError(
            "ops.logdet: the input must be a (batch of) square matrix.",
            expected="shape (..., M, M)",
            received=f"shape {shape}",
        )
    return cast(tf.linalg.slogdet(x)[1], dtype)


del _math
__all__ = C.guard_module(globals())
