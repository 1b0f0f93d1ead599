"""Stateless random sampling of the JAX backend.

The contract's seed is a ``uint32`` tensor of shape ``(2,)``; its two words are the raw data
of a threefry2x32 key (``jax.random.wrap_key_data``), so the same seed always gives the same
values, and a traced seed (a SeedGenerator inside a compiled step) works under ``jax.jit``.
Half-precision samples are drawn in float32 and rounded.

``threefry_block``/``threefry_bits`` (from ``_threefry``) are not contract ops: they are the
optional fused Threefry hooks the portable generator calls (see
:mod:`tholos.backend.contract.random_ops`).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as onp

from tholos.backend.common.axes import shape_tuple
from tholos.backend.dtypes import FLOAT_TYPES, floatx, standardize_dtype
from tholos.errors import OpInputError
from tholos_backend_jax._convert import canon, cast, concrete, dtype_name
from tholos_backend_jax._threefry import threefry_bits as threefry_bits
from tholos_backend_jax._threefry import threefry_block as threefry_block
from tholos_backend_jax.core_ops import convert_to_tensor


def _key(seed, what):
    if seed is None:
        raise OpInputError(
            f"random.{what}: the backend needs an explicit seed.",
            expected="a uint32 tensor of shape (2,)",
            received="seed=None",
            hint="Call tholos.random.* (which resolves int/None/SeedGenerator seeds), not the "
            "backend function directly.",
        )
    words = convert_to_tensor(seed)
    if tuple(words.shape) != (2,) or dtype_name(words)[:3] not in ("int", "uin"):
        raise OpInputError(
            f"random.{what}: invalid seed.",
            expected="an integer tensor of shape (2,)",
            received=f"dtype {dtype_name(words)}, shape {tuple(words.shape)}",
        )
    return jax.random.wrap_key_data(words.astype("uint32"), impl="threefry2x32")


def _shape(shape, what):
    return shape_tuple(shape, what, prefix="random")


def _float_dtype(dtype, what):
    name = standardize_dtype(dtype) if dtype is not None else floatx()
    if name not in FLOAT_TYPES:
        raise OpInputError(
            f"random.{what}: needs a float dtype.",
            expected="float16, bfloat16, float32 or float64",
            received=f"dtype={dtype!r}",
            hint="Use random.randint for integers." if what == "uniform" else None,
        )
    return canon(name)


def _compute(dtype):
    return "float32" if dtype in ("float16", "bfloat16") else dtype


def _param(value, dtype):
    return cast(convert_to_tensor(value), dtype)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = _float_dtype(dtype, "normal")
    c = _compute(dtype)
    z = jax.random.normal(_key(seed, "normal"), _shape(shape, "normal"), dtype=c)
    return cast(_param(mean, c) + _param(stddev, c) * z, dtype)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    dtype = _float_dtype(dtype, "uniform")
    c = _compute(dtype)
    lo, hi = _param(minval, c), _param(maxval, c)
    u = jax.random.uniform(_key(seed, "uniform"), _shape(shape, "uniform"), dtype=c)
    out = cast(lo + (hi - lo) * u, dtype)
    # Rounding to a narrower dtype must not reach maxval: the interval is half-open.
    hi_cast, lo_cast = cast(hi, dtype), cast(lo, dtype)
    below = jnp.nextafter(hi_cast, jnp.asarray(-jnp.inf, dtype))
    return jnp.where((out >= hi_cast) & (hi_cast > lo_cast), below, out)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = _float_dtype(dtype, "truncated_normal")
    c = _compute(dtype)
    z = jax.random.truncated_normal(
        _key(seed, "truncated_normal"), -2.0, 2.0, _shape(shape, "truncated_normal"), dtype=c
    )
    return cast(_param(mean, c) + _param(stddev, c) * z, dtype)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    name = standardize_dtype(dtype)
    if name[:3] not in ("int", "uin"):
        raise OpInputError(
            "random.randint: needs an integer dtype.",
            expected="an int or uint dtype",
            received=f"dtype={dtype!r}",
            hint="Use random.uniform for floats.",
        )
    name = canon(name)
    lo, hi = convert_to_tensor(minval), convert_to_tensor(maxval)
    lo_v, hi_v = concrete(lo), concrete(hi)
    if lo_v is not None and hi_v is not None and onp.any(hi_v <= lo_v):
        raise OpInputError(
            "random.randint: the range is empty.",
            expected="minval < maxval",
            received=f"minval={minval!r}, maxval={maxval!r}",
        )
    wide = canon("int64")
    out = jax.random.randint(
        _key(seed, "randint"),
        _shape(shape, "randint"),
        lo.astype(wide),
        hi.astype(wide),
        dtype=wide,
    )
    return out.astype(name)


def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = convert_to_tensor(logits)
    if dtype_name(logits) not in FLOAT_TYPES:
        logits = cast(logits, floatx())
    if logits.ndim != 2:
        raise OpInputError(
            "random.categorical: logits must be 2-D.",
            expected="shape (batch, classes)",
            received=f"shape {tuple(logits.shape)}",
        )
    batch = logits.shape[0]
    logits = jnp.where(jnp.isnan(logits), -jnp.inf, logits)
    out = jax.random.categorical(
        _key(seed, "categorical"), logits[:, None, :], axis=-1, shape=(batch, int(num_samples))
    )
    return out.astype(canon(dtype))


def dropout(inputs, rate, noise_shape=None, seed=None):
    x = convert_to_tensor(inputs)
    if dtype_name(x) not in FLOAT_TYPES:
        x = cast(x, floatx())
    rate_v = concrete(convert_to_tensor(rate)) if not isinstance(rate, (int, float)) else rate
    if rate_v is not None:
        rate = float(rate_v)
        if not 0.0 <= rate <= 1.0:
            raise OpInputError(
                "random.dropout: rate must be in [0, 1].",
                expected="0 <= rate <= 1",
                received=f"rate={rate}",
            )
    shape = tuple(x.shape)
    if noise_shape is None:
        mask_shape = shape
    else:
        given = tuple(noise_shape)
        if len(given) != len(shape):
            raise OpInputError(
                "random.dropout: noise_shape must have the rank of inputs.",
                expected=f"{len(shape)} dims broadcastable to {shape}",
                received=f"noise_shape={given}",
            )
        mask_shape = tuple(s if d is None else int(d) for d, s in zip(given, shape))
    key = _key(seed, "dropout")
    if isinstance(rate, float) and rate == 1.0:
        return x * jnp.zeros(mask_shape, x.dtype)
    rate_t = jnp.asarray(rate, "float32")
    keep = jax.random.uniform(key, mask_shape, dtype="float32") >= rate_t
    scale = (1.0 / (1.0 - rate_t)).astype(x.dtype)
    return jnp.where(keep, x * scale, jnp.zeros((), x.dtype))


def shuffle(x, axis=0, seed=None):
    x = convert_to_tensor(x)
    nd = x.ndim
    if nd == 0 or not -nd <= axis < nd:
        raise OpInputError(
            "random.shuffle: axis out of range.",
            expected=f"-{nd} <= axis < {nd} (input rank >= 1)",
            received=f"axis={axis}",
        )
    return jax.random.permutation(_key(seed, "shuffle"), x, axis=axis % nd, independent=False)


def gamma(shape, alpha, dtype=None, seed=None):
    dtype = _float_dtype(dtype, "gamma")
    c = _compute(dtype)
    out = jax.random.gamma(_key(seed, "gamma"), _param(alpha, c), _shape(shape, "gamma"), dtype=c)
    return cast(out, dtype)


def beta(shape, alpha, beta, dtype=None, seed=None):
    dtype = _float_dtype(dtype, "beta")
    c = _compute(dtype)
    out = jax.random.beta(
        _key(seed, "beta"), _param(alpha, c), _param(beta, c), _shape(shape, "beta"), dtype=c
    )
    return cast(out, dtype)


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    dtype = _float_dtype(dtype, "binomial")
    c = _compute(dtype)
    n = jnp.round(_param(counts, c))
    p = _param(probabilities, c)
    out = jax.random.binomial(_key(seed, "binomial"), n, p, _shape(shape, "binomial"), dtype=c)
    return cast(out, dtype)
