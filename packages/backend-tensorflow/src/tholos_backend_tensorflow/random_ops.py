"""Stateless random sampling on TensorFlow (``tf.random.stateless_*``).

``seed`` is the ``(2,)`` uint32 tensor the front end resolves; it becomes TF's ``(2,)`` int64
stateless seed, so the same seed gives the same values, inside and outside ``tf.function``
(and XLA), and draws never touch TF's global random state.

``threefry_block``/``threefry_bits`` (from ``_threefry``) are not contract ops: they are the
optional fused Threefry hooks the portable generator calls (see
:mod:`tholos.backend.contract.random_ops`).
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from tholos.backend.common.axes import shape_tuple
from tholos.backend.dtypes import FLOAT_TYPES, floatx, standardize_dtype
from tholos.errors import OpInputError
from tholos_backend_tensorflow import _convert as C
from tholos_backend_tensorflow._convert import cast, convert, dname, static_shape
from tholos_backend_tensorflow._threefry import threefry_bits as threefry_bits
from tholos_backend_tensorflow._threefry import threefry_block as threefry_block


def _seed(seed, what):
    if seed is None:
        raise OpInputError(
            f"random.{what}: the backend needs an explicit seed.",
            expected="a uint32 tensor of shape (2,)",
            received="seed=None",
            hint="Call tholos.random.* (which resolves int/None/SeedGenerator seeds), not the "
            "backend function directly.",
        )
    s = convert(seed)
    if static_shape(s) != (2,) or not s.dtype.is_integer:
        raise OpInputError(
            f"random.{what}: invalid seed.",
            expected="an integer tensor of shape (2,)",
            received=f"dtype {dname(s)}, shape {static_shape(s)}",
        )
    if s.dtype == tf.uint32:
        return tf.bitcast(s, tf.int32)  # same bits; TF's stateless ops take int32/int64 seeds
    return tf.cast(s, tf.int64)


def _shape(shape, what):
    return shape_tuple(shape, what, C.to_int, prefix="random")


def _float_dtype(dtype, what):
    name = standardize_dtype(dtype) if dtype is not None else floatx()
    if name not in FLOAT_TYPES:
        raise OpInputError(
            f"random.{what}: needs a float dtype.",
            expected="float16, bfloat16, float32 or float64",
            received=f"dtype={dtype!r}",
            hint="Use random.randint for integers." if what == "uniform" else None,
        )
    return name


def _work(dtype):
    return "float32" if dtype in ("float16", "bfloat16") else dtype


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = _float_dtype(dtype, "normal")
    w = _work(dtype)
    z = tf.random.stateless_normal(_shape(shape, "normal"), _seed(seed, "normal"), dtype=C.tfd(w))
    return cast(convert(mean, w) + convert(stddev, w) * z, dtype)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    dtype = _float_dtype(dtype, "uniform")
    w = _work(dtype) if dtype != "float32" else "float64"
    u = tf.random.stateless_uniform(
        _shape(shape, "uniform"), _seed(seed, "uniform"), dtype=C.tfd(w)
    )
    lo, hi = convert(minval, w), convert(maxval, w)
    out = cast(lo + (hi - lo) * u, dtype)
    # Rounding to a narrower dtype must not reach maxval: the interval is half-open.
    hi_c, lo_c = cast(hi, dtype), cast(lo, dtype)
    below = (
        tf.math.nextafter(cast(hi_c, "float32"), tf.constant(-np.inf, tf.float32))
        if dtype
        in (
            "float16",
            "bfloat16",
        )
        else tf.math.nextafter(hi_c, tf.constant(-np.inf, hi_c.dtype))
    )
    below = cast(below, dtype)
    if dtype in ("float16", "bfloat16"):
        # nextafter in float32 rounds back up to hi in half precision: step down one half ulp.
        below = tf.where(
            below >= hi_c, hi_c - tf.abs(hi_c) * tf.constant(2.0**-10, hi_c.dtype), below
        )
    return tf.where((out >= hi_c) & (hi_c > lo_c), tf.broadcast_to(below, tf.shape(out)), out)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = _float_dtype(dtype, "truncated_normal")
    w = _work(dtype)
    z = tf.random.stateless_truncated_normal(
        _shape(shape, "truncated_normal"), _seed(seed, "truncated_normal"), dtype=C.tfd(w)
    )
    return cast(convert(mean, w) + convert(stddev, w) * z, dtype)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    name = standardize_dtype(dtype)
    if name[:3] not in ("int", "uin"):
        raise OpInputError(
            "random.randint: needs an integer dtype.",
            expected="an int or uint dtype",
            received=f"dtype={dtype!r}",
            hint="Use random.uniform for floats.",
        )
    lo = cast(convert(minval), "int64")
    hi = cast(convert(maxval), "int64")
    if hasattr(lo, "numpy") and hasattr(hi, "numpy") and np.any(hi.numpy() <= lo.numpy()):
        raise OpInputError(
            "random.randint: the range is empty.",
            expected="minval < maxval",
            received=f"minval={minval!r}, maxval={maxval!r}",
        )
    dims = _shape(shape, "randint")
    s = _seed(seed, "randint")
    if lo.shape.rank == 0 and hi.shape.rank == 0:
        out = tf.random.stateless_uniform(dims, s, minval=lo, maxval=hi, dtype=tf.int64)
    else:
        u = tf.random.stateless_uniform(dims, s, dtype=tf.float64)
        span = tf.cast(hi - lo, tf.float64)
        out = lo + tf.minimum(tf.cast(tf.floor(u * span), tf.int64), hi - lo - 1)
    return cast(out, name)


def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = cast(convert(logits), "float64")
    if logits.shape.rank != 2:
        raise OpInputError(
            "random.categorical: logits must be 2-D.",
            expected="shape (batch, classes)",
            received=f"shape {static_shape(logits)}",
        )
    batch, classes = static_shape(logits)
    u = tf.random.stateless_uniform(
        (batch, int(num_samples), classes),
        _seed(seed, "categorical"),
        dtype=tf.float64,
        minval=np.finfo(np.float64).tiny,
        maxval=1.0,
    )
    gumbel = -tf.math.log(-tf.math.log(u))
    scores = logits[:, None, :] + gumbel
    scores = tf.where(tf.math.is_nan(scores), tf.constant(-np.inf, tf.float64), scores)
    return cast(tf.argmax(scores, axis=-1), standardize_dtype(dtype))


def dropout(inputs, rate, noise_shape=None, seed=None):
    x = convert(inputs)
    if dname(x) not in FLOAT_TYPES:
        x = cast(x, floatx())
    if isinstance(rate, tf.Tensor) and not hasattr(rate, "numpy"):
        rate_t = tf.cast(rate, x.dtype)
        static_rate = None
    else:
        static_rate = (
            float(rate.numpy()) if isinstance(rate, tf.Tensor) else float(np.asarray(rate))
        )
        if not 0.0 <= static_rate <= 1.0:
            raise OpInputError(
                "random.dropout: rate must be in [0, 1].",
                expected="0 <= rate <= 1",
                received=f"rate={static_rate}",
            )
        rate_t = None
    shape = static_shape(x)
    if noise_shape is None:
        mask_shape = tf.shape(x) if None in shape else shape
    else:
        given = tuple(noise_shape)
        if len(given) != len(shape):
            raise OpInputError(
                "random.dropout: noise_shape must have the rank of inputs.",
                expected=f"{len(shape)} dims broadcastable to {shape}",
                received=f"noise_shape={given}",
            )
        mask_shape = tuple(s if d is None else int(d) for d, s in zip(given, shape))
    s = _seed(seed, "dropout")
    if static_rate == 1.0:
        return x * tf.zeros(mask_shape, x.dtype)
    u = tf.random.stateless_uniform(mask_shape, s, dtype=tf.float32)
    if static_rate is not None:
        keep = u >= static_rate
        scale = tf.constant(1.0 / (1.0 - static_rate), x.dtype)
    else:
        keep = u >= tf.cast(rate_t, tf.float32)
        scale = 1.0 / (1.0 - rate_t)
    return tf.where(keep, x * scale, tf.zeros((), x.dtype))


def shuffle(x, axis=0, seed=None):
    x = convert(x)
    nd = x.shape.rank
    if nd == 0 or not -nd <= axis < max(nd, 1):
        raise OpInputError(
            "random.shuffle: axis out of range.",
            expected=f"-{nd} <= axis < {nd} (input rank >= 1)",
            received=f"axis={axis}",
        )
    ax = axis % nd
    n = tf.shape(x)[ax]
    keys = tf.random.stateless_uniform([n], _seed(seed, "shuffle"), dtype=tf.float64)
    perm = tf.argsort(keys, stable=True)
    return tf.gather(x, perm, axis=ax)


def _param(value, dtype="float64"):
    return cast(convert(value), dtype)


def gamma(shape, alpha, dtype=None, seed=None):
    dtype = _float_dtype(dtype, "gamma")
    w = "float64" if dtype == "float64" else "float32"
    dims = _shape(shape, "gamma")
    a = tf.broadcast_to(_param(alpha, w), dims)
    out = tf.random.stateless_gamma(dims, _seed(seed, "gamma"), alpha=a, dtype=C.tfd(w))
    return cast(out, dtype)


def beta(shape, alpha, beta, dtype=None, seed=None):
    dtype = _float_dtype(dtype, "beta")
    dims = _shape(shape, "beta")
    s = _seed(seed, "beta")
    s1, s2 = tf.unstack(tf.random.experimental.stateless_split(s, 2))
    a = tf.broadcast_to(_param(alpha), dims)
    b = tf.broadcast_to(_param(beta), dims)
    x = tf.random.stateless_gamma(dims, s1, alpha=a, dtype=tf.float64)
    y = tf.random.stateless_gamma(dims, s2, alpha=b, dtype=tf.float64)
    return cast(x / (x + y), dtype)


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    dtype = _float_dtype(dtype, "binomial")
    dims = _shape(shape, "binomial")
    n = tf.broadcast_to(tf.round(_param(counts)), dims)
    p = tf.broadcast_to(_param(probabilities), dims)
    out = tf.random.stateless_binomial(
        dims, _seed(seed, "binomial"), counts=n, probs=p, output_dtype=tf.float64
    )
    return cast(out, dtype)


__all__ = C.guard_module(globals())
