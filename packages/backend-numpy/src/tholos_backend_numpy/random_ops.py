"""Stateless random sampling for the NumPy backend.

Each call builds a ``numpy.random.Generator`` on a Philox bit generator keyed by the two
uint32 words of ``seed`` (key = word0 * 2**32 + word1), so the same seed always gives the
same values. Samples are drawn in float64 and cast to the requested dtype.

``threefry_block``/``threefry_bits`` (from ``_threefry``) are not contract ops: they are the
optional fused Threefry hooks the portable generator calls (see
:mod:`tholos.backend.contract.random_ops`).
"""

from __future__ import annotations

import autograd.numpy as anp
import numpy as onp
from autograd.tracer import getval

from tholos.backend.common.axes import shape_tuple
from tholos.backend.dtypes import floatx, standardize_dtype
from tholos.errors import OpInputError
from tholos_backend_numpy._convert import dtype_name
from tholos_backend_numpy._threefry import threefry_bits as threefry_bits
from tholos_backend_numpy._threefry import threefry_block as threefry_block
from tholos_backend_numpy.core_ops import _cast as cast
from tholos_backend_numpy.core_ops import convert_to_tensor


def _generator(seed, what):
    if seed is None:
        raise OpInputError(
            f"random.{what}: the backend needs an explicit seed.",
            expected="a uint32 tensor of shape (2,)",
            received="seed=None",
            hint="Call tholos.random.* (which resolves int/None/SeedGenerator seeds), not the "
            "backend function directly.",
        )
    words = onp.asarray(getval(convert_to_tensor(seed)))
    if words.shape != (2,) or words.dtype.kind not in "iu":
        raise OpInputError(
            f"random.{what}: invalid seed.",
            expected="an integer tensor of shape (2,)",
            received=f"dtype {words.dtype}, shape {words.shape}",
        )
    w = words.astype(onp.int64) & 0xFFFFFFFF
    key = (int(w[0]) << 32) | int(w[1])
    return onp.random.Generator(onp.random.Philox(key=key))


def _shape(shape, what):
    return shape_tuple(shape, what, prefix="random")


def _float_dtype(dtype, what):
    name = standardize_dtype(dtype) if dtype is not None else floatx()
    if not name.startswith("float"):
        raise OpInputError(
            f"random.{what}: needs a float dtype.",
            expected="float16, bfloat16, float32 or float64",
            received=f"dtype={dtype!r}",
            hint="Use random.randint for integers." if what == "uniform" else None,
        )
    return name


def _param(value):
    """A float64 ndarray for a distribution parameter (Python number or tensor)."""
    return onp.asarray(getval(convert_to_tensor(value)), dtype=onp.float64)


def _finish(values, dtype):
    return cast(onp.asarray(values), dtype)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = _float_dtype(dtype, "normal")
    gen = _generator(seed, "normal")
    z = gen.standard_normal(_shape(shape, "normal"))
    return _finish(_param(mean) + _param(stddev) * z, dtype)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    dtype = _float_dtype(dtype, "uniform")
    gen = _generator(seed, "uniform")
    lo, hi = _param(minval), _param(maxval)
    u = gen.random(_shape(shape, "uniform"))
    out = cast(onp.asarray(lo + (hi - lo) * u), dtype)
    # Rounding to a narrower dtype must not reach maxval: the interval is half-open.
    hi_cast = cast(onp.asarray(hi), dtype)
    below = onp.nextafter(hi_cast, onp.asarray(-onp.inf, hi_cast.dtype))
    return onp.where((out >= hi_cast) & (hi_cast > cast(onp.asarray(lo), dtype)), below, out)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = _float_dtype(dtype, "truncated_normal")
    gen = _generator(seed, "truncated_normal")
    z = gen.standard_normal(_shape(shape, "truncated_normal"))
    outside = onp.abs(z) > 2.0
    while outside.any():
        z[outside] = gen.standard_normal(int(outside.sum()))
        outside = onp.abs(z) > 2.0
    return _finish(_param(mean) + _param(stddev) * z, dtype)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    name = standardize_dtype(dtype)
    if name[:3] not in ("int", "uin"):
        raise OpInputError(
            "random.randint: needs an integer dtype.",
            expected="an int or uint dtype",
            received=f"dtype={dtype!r}",
            hint="Use random.uniform for floats.",
        )
    lo = onp.asarray(getval(convert_to_tensor(minval)), onp.int64)
    hi = onp.asarray(getval(convert_to_tensor(maxval)), onp.int64)
    if onp.any(hi <= lo):
        raise OpInputError(
            "random.randint: the range is empty.",
            expected="minval < maxval",
            received=f"minval={minval!r}, maxval={maxval!r}",
        )
    gen = _generator(seed, "randint")
    return _finish(gen.integers(lo, hi, size=_shape(shape, "randint"), dtype=onp.int64), name)


def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = _param(logits)
    if logits.ndim != 2:
        raise OpInputError(
            "random.categorical: logits must be 2-D.",
            expected="shape (batch, classes)",
            received=f"shape {logits.shape}",
        )
    gen = _generator(seed, "categorical")
    batch, classes = logits.shape
    noise = gen.gumbel(size=(batch, int(num_samples), classes))
    with onp.errstate(invalid="ignore"):
        scores = logits[:, None, :] + noise
    scores = onp.where(onp.isnan(scores), -onp.inf, scores)
    return _finish(onp.argmax(scores, axis=-1), standardize_dtype(dtype))


def dropout(inputs, rate, noise_shape=None, seed=None):
    x = convert_to_tensor(inputs)
    name = dtype_name(x)
    if not name.startswith("float"):
        x = cast(x, floatx())
    rate = float(getval(rate)) if not hasattr(rate, "shape") else float(onp.asarray(getval(rate)))
    if not 0.0 <= rate <= 1.0:
        raise OpInputError(
            "random.dropout: rate must be in [0, 1].",
            expected="0 <= rate <= 1",
            received=f"rate={rate}",
        )
    shape = tuple(anp.shape(x))
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
    gen = _generator(seed, "dropout")
    if rate == 1.0:
        return x * onp.zeros(mask_shape, dtype_name(x))
    keep = gen.random(mask_shape) >= rate
    scale = onp.asarray(1.0 / (1.0 - rate), dtype_name(x))
    return anp.where(keep, x * scale, onp.zeros((), dtype_name(x)))


def shuffle(x, axis=0, seed=None):
    x = convert_to_tensor(x)
    nd = anp.ndim(x)
    if not -nd <= axis < max(nd, 1) or nd == 0:
        raise OpInputError(
            "random.shuffle: axis out of range.",
            expected=f"-{nd} <= axis < {nd} (input rank >= 1)",
            received=f"axis={axis}",
        )
    ax = axis % nd
    gen = _generator(seed, "shuffle")
    perm = gen.permutation(anp.shape(x)[ax])
    return x[(slice(None),) * ax + (perm,)]


def gamma(shape, alpha, dtype=None, seed=None):
    dtype = _float_dtype(dtype, "gamma")
    gen = _generator(seed, "gamma")
    return _finish(gen.standard_gamma(_param(alpha), size=_shape(shape, "gamma")), dtype)


def beta(shape, alpha, beta, dtype=None, seed=None):
    dtype = _float_dtype(dtype, "beta")
    gen = _generator(seed, "beta")
    return _finish(gen.beta(_param(alpha), _param(beta), size=_shape(shape, "beta")), dtype)


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    dtype = _float_dtype(dtype, "binomial")
    gen = _generator(seed, "binomial")
    n = onp.asarray(onp.round(_param(counts)), onp.int64)
    p = _param(probabilities)
    return _finish(gen.binomial(n, p, size=_shape(shape, "binomial")), dtype)
