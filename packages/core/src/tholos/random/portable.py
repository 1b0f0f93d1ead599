"""The portable samplers: every distribution derived in core from Threefry bits.

Each function takes a resolved seed (a ``uint32`` tensor of shape ``(2,)``) and computes
with ``tholos.ops`` only, so every backend runs the same arithmetic:

- bit-identical on every backend: the raw bits, ``uniform`` on ``[0, 1)`` (and on any range
  where the backend rounds ``a * b + c`` without fusing it), ``randint``, ``dropout`` masks
  (and outputs), ``shuffle``;
- equal within the conformance tolerance of the transcendental tier: ``normal``,
  ``truncated_normal`` (through ``erfinv``), ``categorical`` (Gumbel noise through ``log``),
  ``gamma``, ``beta``, ``binomial``.

On JAX the bits, ``uniform`` and ``normal`` follow ``jax.random``'s threefry layout, so for a
seed tensor ``s`` they equal ``jax.random.uniform(jax.random.wrap_key_data(s), ...)`` etc.
"""

from __future__ import annotations

import math
import struct
from typing import Any

from tholos.errors import OpInputError
from tholos.random import threefry

# Uniform floats: how many random mantissa bits each dtype takes (JAX's choice: the
# dtype's mantissa width, bfloat16 from an 8-bit draw).
_MANTISSA = {"float16": 10, "bfloat16": 7, "float32": 23}
# The largest float below 1 is 1 - 2**-(nmant + 1); -1 + that step is the open lower end
# of normal()'s uniform draw on (-1, 1).
_NMANT = {"float16": 10, "bfloat16": 7, "float32": 23, "float64": 52}
_TINY = {"float16": 2.0**-14, "bfloat16": 2.0**-126, "float32": 2.0**-126, "float64": 2.0**-1022}

GAMMA_CANDIDATES = 8
"""Marsaglia-Tsang candidates per gamma sample (all drawn; the first accepted is used).
Each is accepted with probability >= 0.95, so all 8 fail with probability < 1e-10; then
the sample is the distribution's mode-like value ``d`` (documented bias, never observed)."""

BINOMIAL_CANDIDATES = 12
"""BTRS candidates per binomial sample (mean >= 10 regime)."""

BINOMIAL_WAITS = 40
"""Geometric waiting times per binomial sample (mean < 10 regime): counts above 39 are
cut at 39 (probability < 1e-12 when the mean is below 10)."""


def _ops():
    from tholos import ops

    return ops


def _compute_dtype(dtype: str) -> str:
    """Transforms run in float32 (float64 when asked for), then cast."""
    return "float64" if dtype == "float64" else "float32"


# ------------------------------------------------------------------------------- uniform


def unit_uniform(seed: Any, shape: tuple[int, ...], dtype: str = "float32") -> Any:
    """Floats on ``[0, 1)`` of ``dtype`` made of the top mantissa bits of the random bits.

    Exact integer-to-float conversions and a power-of-two scale only: bit-identical.
    """
    ops = _ops()
    if dtype == "float64":
        hi, lo = threefry.block(seed, shape)
        top = ops.multiply(ops.cast(hi, "float64"), 2.0**20)
        low = ops.cast(ops.right_shift(lo, 12), "float64")
        return ops.multiply(ops.add(top, low), 2.0**-52)
    nmant = _MANTISSA[dtype]
    bits = threefry.random_bits(seed, shape)
    width = 16 if dtype == "float16" else (8 if dtype == "bfloat16" else 32)
    if width < 32:
        bits = ops.bitwise_and(bits, (1 << width) - 1)
    mant = ops.right_shift(bits, width - nmant)
    u = ops.multiply(ops.cast(mant, "float32"), 2.0**-nmant)
    return u if dtype == "float32" else ops.cast(u, dtype)


def uniform(shape, minval=0.0, maxval=1.0, dtype="float32", seed=None):
    ops = _ops()
    u = unit_uniform(seed, shape, dtype)
    lo = ops.cast(minval, dtype)
    hi = ops.cast(maxval, dtype)
    out = ops.add(ops.multiply(u, ops.subtract(hi, lo)), lo)
    out = ops.maximum(out, lo)
    # Rounding may reach maxval: the interval is half-open, so step back below it.
    return ops.minimum(out, ops.nextafter(hi, lo))


# ------------------------------------------------------------------------------- normals


def _open_unit_uniform(seed, shape, dtype):
    """Uniform on ``(-1, 1)`` as ``jax.random.normal`` draws it."""
    lo = -1.0 + 2.0 ** -(_NMANT[dtype] + 1)
    return uniform(shape, lo, 1.0, dtype, seed)


def standard_normal(seed, shape, dtype="float32"):
    """``sqrt(2) * erfinv(u)``, ``u`` uniform on ``(-1, 1)`` (inverse-CDF; JAX's method)."""
    ops = _ops()
    cdt = _compute_dtype(dtype) if dtype in ("float16", "bfloat16") else dtype
    u = _open_unit_uniform(seed, shape, dtype)
    if cdt != dtype:
        u = ops.cast(u, cdt)
    return ops.multiply(ops.erfinv(u), math.sqrt(2.0))


def box_muller_normal(seed, shape, cdt="float32"):
    """``sqrt(-2 log u1) * cos(2 pi u2)``: standard normals from ``log``/``cos`` only (cheap on
    every backend); used inside the gamma sampler."""
    ops = _ops()
    k1, k2 = threefry.split_list(seed, 2)
    u1 = uniform(shape, _TINY[cdt], 1.0, cdt, k1)
    u2 = unit_uniform(k2, shape, cdt)
    radius = ops.sqrt(ops.multiply(ops.log(u1), -2.0))
    return ops.multiply(radius, ops.cos(ops.multiply(u2, 2.0 * math.pi)))


def normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None):
    ops = _ops()
    z = standard_normal(seed, shape, dtype)
    out = ops.add(ops.multiply(z, stddev), mean)
    return ops.cast(out, dtype)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None):
    """Inverse CDF on ``[-2, 2]``: ``sqrt(2) * erfinv(u)``, ``u`` uniform on
    ``(erf(-sqrt(2)), erf(sqrt(2)))``, clipped strictly inside ``[-2, 2]``. No rejection loop,
    so the cost is fixed and it compiles."""
    ops = _ops()
    cdt = _compute_dtype(dtype)
    bound = math.erf(2.0 / math.sqrt(2.0))
    u = uniform(shape, -bound, bound, cdt, seed)
    z = ops.multiply(ops.erfinv(u), math.sqrt(2.0))
    z = ops.clip(z, -2.0, 2.0)
    out = ops.add(ops.multiply(z, stddev), mean)
    return ops.cast(out, dtype)


# ------------------------------------------------------------------------------- integers


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """``minval + bits % (maxval - minval)``: one 32-bit draw per value, so the range may be
    at most ``2**32`` wide; the modulo bias is below ``span / 2**32`` (under 1e-6 for spans
    under 4096)."""
    ops = _ops()
    bits = threefry.random_bits(seed, shape)
    if isinstance(minval, (int, float)) and isinstance(maxval, (int, float)):
        span = int(maxval) - int(minval)
        if span <= 0:
            raise OpInputError(
                "random.randint: the range is empty.",
                expected="minval < maxval",
                received=f"minval={minval!r}, maxval={maxval!r}",
            )
        if span > 2**32:
            raise OpInputError(
                "random.randint: the range is wider than 2**32.",
                expected="maxval - minval <= 2**32",
                received=f"minval={minval!r}, maxval={maxval!r}",
            )
        offset = bits if span == 2**32 else ops.mod(bits, ops.convert_to_tensor(span, "uint32"))
        return ops.add(ops.cast(offset, dtype), ops.cast(int(minval), dtype))
    lo = ops.cast(minval, dtype)
    span = ops.cast(ops.subtract(ops.cast(maxval, dtype), lo), "uint32")
    offset = ops.mod(bits, ops.maximum(span, ops.convert_to_tensor(1, "uint32")))
    return ops.add(ops.cast(offset, dtype), lo)


# ------------------------------------------------------------------------------- categorical


def categorical(logits, num_samples, dtype="int32", seed=None):
    """Gumbel-max: ``argmax(logits + g)``, ``g = -log(-log(u))`` per (row, sample, class),
    in float32. Backends agree except where two scores tie to within an ulp of ``log``."""
    ops = _ops()
    logits = ops.convert_to_tensor(logits)
    if len(ops.shape(logits)) != 2:
        raise OpInputError(
            "random.categorical: logits must be 2-D.",
            expected="shape (batch, classes)",
            received=f"shape {ops.shape(logits)}",
        )
    # The noise is float32 whatever the logits' dtype, so a float64 array (NumPy's default)
    # gives the same draws on backends without float64.
    cdt = "float32"
    logits = ops.cast(logits, cdt)
    batch, classes = ops.shape(logits)
    u = uniform((batch, int(num_samples), classes), _TINY[cdt], 1.0, cdt, seed)
    gumbel = ops.negative(ops.log(ops.negative(ops.log(u))))
    scores = ops.add(ops.expand_dims(logits, 1), gumbel)
    scores = ops.where(ops.isnan(scores), float("-inf"), scores)
    return ops.cast(ops.argmax(scores, axis=-1), dtype)


# ------------------------------------------------------------------------------- dropout


def _float32(x: float) -> float:
    """``x`` rounded to the nearest float32 (as converting it to a float32 tensor does)."""
    return struct.unpack("f", struct.pack("f", x))[0]


def keep_mask(seed, shape, keep_prob):
    """``u < keep_prob`` with ``u`` the float32 uniform on ``[0, 1)``: bit-identical.

    ``u = m * 2**-23`` with ``m = bits >> 9``, so for a Python number the test is done on the
    integers, ``m < ceil(float32(keep_prob) * 2**23)``: the same mask, two ops fewer.
    """
    ops = _ops()
    if isinstance(keep_prob, (int, float)) and math.isfinite(keep_prob):
        threshold = min(math.ceil(_float32(float(keep_prob)) * 2.0**23), 2**23)
        mant = ops.right_shift(threefry.random_bits(seed, shape), 32 - _MANTISSA["float32"])
        return ops.less(mant, ops.convert_to_tensor(max(threshold, 0), "uint32"))
    u = unit_uniform(seed, shape, "float32")
    return ops.less(u, ops.convert_to_tensor(keep_prob, "float32"))


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Keep each value with probability ``1 - rate`` and scale it by ``1 / (1 - rate)``
    (a multiplication by the rounded constant: exact IEEE on every device)."""
    ops = _ops()
    x = ops.convert_to_tensor(inputs)
    if not ops.dtype(x).startswith(("float", "bfloat")):
        from tholos.backend.dtypes import floatx

        x = ops.cast(x, floatx())
    shape = tuple(ops.shape(x))
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
    rate = float(rate)
    if rate >= 1.0:
        return ops.multiply(x, ops.zeros(mask_shape, dtype=ops.dtype(x)))
    keep_prob = 1.0 - rate
    keep = keep_mask(seed, mask_shape, keep_prob)
    return ops.where(keep, ops.multiply(x, 1.0 / keep_prob), ops.zeros((), dtype=ops.dtype(x)))


# ------------------------------------------------------------------------------- shuffle


def shuffle_rounds(n: int) -> int:
    """Sort rounds so that ties among 31-bit keys leave a negligible bias (as ``jax.random``
    reasons: ``ceil(3 * ln(n) / ln(2**31))``, at least one)."""
    if n <= 1:
        return 1
    return max(1, math.ceil(3 * math.log(n) / math.log(2**31 - 1)))


def permutation(seed, n: int):
    """A random permutation of ``range(n)`` (``int32``): stable sorts by random 31-bit keys."""
    ops = _ops()
    perm = ops.arange(n, dtype="int32")
    rounds = shuffle_rounds(n)
    keys = threefry.split_list(seed, rounds) if rounds > 1 else [seed]
    for key in keys:
        sort_key = ops.cast(ops.right_shift(threefry.random_bits(key, (n,)), 1), "int32")
        perm = ops.take(perm, ops.argsort(sort_key), axis=0)
    return perm


def shuffle(x, axis=0, seed=None):
    ops = _ops()
    x = ops.convert_to_tensor(x)
    nd = len(ops.shape(x))
    if nd == 0 or not -nd <= axis < nd:
        raise OpInputError(
            "random.shuffle: axis out of range.",
            expected=f"-{nd} <= axis < {nd} (input rank >= 1)",
            received=f"axis={axis}",
        )
    ax = axis % nd
    return ops.take(x, permutation(seed, int(ops.shape(x)[ax])), axis=ax)


# ------------------------------------------------------------------------------- gamma


def _first_accepted(values, accepted, fallback):
    """Per element, ``values[..., k]`` for the first ``k`` with ``accepted[..., k]``."""
    ops = _ops()
    idx = ops.argmax(ops.cast(accepted, "int32"), axis=-1)
    picked = ops.squeeze(ops.take_along_axis(values, ops.expand_dims(idx, -1), axis=-1), -1)
    return ops.where(ops.any(accepted, axis=-1), picked, fallback)


def standard_gamma(seed, shape, alpha, cdt):
    """Marsaglia-Tsang (2000), vectorised with a fixed number of candidates; ``alpha < 1`` by
    boosting: ``Gamma(a) = Gamma(a + 1) * U ** (1 / a)``."""
    ops = _ops()
    k_norm, k_unif, k_boost = threefry.split_list(seed, 3)
    alpha = ops.broadcast_to(ops.cast(alpha, cdt), shape)
    boost = ops.less(alpha, 1.0)
    a = ops.where(boost, ops.add(alpha, 1.0), alpha)
    d = ops.subtract(a, 1.0 / 3.0)
    c = ops.divide(1.0, ops.sqrt(ops.multiply(d, 9.0)))
    cand = (*shape, GAMMA_CANDIDATES)
    z = box_muller_normal(k_norm, cand, cdt)
    u = uniform(cand, _TINY[cdt], 1.0, cdt, k_unif)
    d_, c_ = ops.expand_dims(d, -1), ops.expand_dims(c, -1)
    t = ops.add(1.0, ops.multiply(c_, z))
    v = ops.multiply(ops.multiply(t, t), t)
    positive = ops.greater(v, 0.0)
    v_safe = ops.where(positive, v, 1.0)
    z2 = ops.multiply(z, z)
    bound = ops.add(
        ops.add(ops.multiply(z2, 0.5), d_), ops.multiply(d_, ops.subtract(ops.log(v_safe), v_safe))
    )
    accepted = ops.logical_and(positive, ops.less(ops.log(u), bound))
    g = _first_accepted(ops.multiply(d_, v_safe), accepted, d)
    # Boost for alpha < 1 with U on (0, 1]: 1 - [0, 1).
    u_b = ops.subtract(1.0, unit_uniform(k_boost, shape, cdt))
    scale = ops.exp(ops.divide(ops.log(u_b), alpha))
    return ops.where(boost, ops.multiply(g, scale), g)


def gamma(shape, alpha, dtype="float32", seed=None):
    ops = _ops()
    return ops.cast(standard_gamma(seed, tuple(shape), alpha, _compute_dtype(dtype)), dtype)


def beta(shape, alpha, beta, dtype="float32", seed=None):
    """``X / (X + Y)`` with ``X ~ Gamma(alpha)``, ``Y ~ Gamma(beta)`` from split seeds."""
    ops = _ops()
    cdt = _compute_dtype(dtype)
    shape = tuple(shape)
    kx, ky = threefry.split_list(seed, 2)
    x = standard_gamma(kx, shape, alpha, cdt)
    y = standard_gamma(ky, shape, beta, cdt)
    total = ops.add(x, y)
    a = ops.cast(alpha, cdt)
    mean = ops.divide(a, ops.add(a, ops.cast(beta, cdt)))
    ratio = ops.divide(x, ops.where(ops.greater(total, 0.0), total, 1.0))
    out = ops.where(ops.greater(total, 0.0), ratio, ops.broadcast_to(mean, shape))
    return ops.cast(out, dtype)


# ------------------------------------------------------------------------------- binomial


def _stirling_tail_table() -> list[float]:
    """``lgamma(k + 1) - ((k + 0.5) * log(k + 1) - (k + 1) + 0.5 * log(2 * pi))``, k < 10."""
    half_log_2pi = 0.5 * math.log(2 * math.pi)
    return [
        math.lgamma(k + 1) - ((k + 0.5) * math.log(k + 1) - (k + 1) + half_log_2pi)
        for k in range(10)
    ]


_STIRLING_TABLE = _stirling_tail_table()


def _stirling_tail(k, cdt):
    """The Stirling-series remainder of ``log(k!)`` (table below 10, asymptotic series above)."""
    ops = _ops()
    table = ops.convert_to_tensor(_STIRLING_TABLE, cdt)
    small = ops.take(table, ops.cast(ops.clip(k, 0.0, 9.0), "int32"))
    kp1 = ops.add(k, 1.0)
    kp1sq = ops.multiply(kp1, kp1)
    series = ops.divide(
        ops.subtract(
            1.0 / 12.0,
            ops.divide(ops.subtract(1.0 / 360.0, ops.divide(1.0 / 1260.0, kp1sq)), kp1sq),
        ),
        kp1,
    )
    return ops.where(ops.less_equal(k, 9.0), small, series)


def _binomial_inversion(seed, shape, n, p, cdt, waits):
    """Count the geometric waiting times (trials per success) whose running sum stays
    within ``n``: exact for counts below ``waits``."""
    ops = _ops()
    cand = (*shape, waits)
    u = uniform(cand, _TINY[cdt], 1.0, cdt, seed)
    log_q = ops.expand_dims(ops.log1p(ops.negative(p)), -1)
    geom = ops.ceil(ops.divide(ops.log(u), ops.minimum(log_q, -_TINY[cdt])))
    total = ops.cumsum(geom, axis=-1)
    within = ops.less_equal(total, ops.expand_dims(n, -1))
    return ops.sum(ops.cast(within, cdt), axis=-1)


def _binomial_btrs(seed, shape, n, p, cdt):
    """Hormann's BTRS transformed rejection (1993), fixed number of candidates."""
    ops = _ops()
    k_u, k_v = threefry.split_list(seed, 2)
    q = ops.subtract(1.0, p)
    spq = ops.sqrt(ops.multiply(ops.multiply(n, p), q))
    b = ops.add(1.15, ops.multiply(2.53, spq))
    a = ops.add(ops.add(-0.0873, ops.multiply(0.0248, b)), ops.multiply(0.01, p))
    c = ops.add(ops.multiply(n, p), 0.5)
    v_r = ops.subtract(0.92, ops.divide(4.2, b))
    alpha = ops.multiply(ops.add(2.83, ops.divide(5.1, b)), spq)
    r = ops.divide(p, q)
    m = ops.floor(ops.multiply(ops.add(n, 1.0), p))
    cand = (*shape, BINOMIAL_CANDIDATES)
    ex = lambda t: ops.expand_dims(t, -1)  # noqa: E731
    n_, a_, b_, c_, v_r_, alpha_, r_, m_ = (ex(t) for t in (n, a, b, c, v_r, alpha, r, m))
    u = ops.subtract(unit_uniform(k_u, cand, cdt), 0.5)
    v = unit_uniform(k_v, cand, cdt)
    us = ops.subtract(0.5, ops.abs(u))
    us_safe = ops.maximum(us, _TINY[cdt])
    k = ops.floor(
        ops.add(ops.multiply(ops.add(ops.divide(ops.multiply(a_, 2.0), us_safe), b_), u), c_)
    )
    in_range = ops.logical_and(ops.greater_equal(k, 0.0), ops.less_equal(k, n_))
    k_safe = ops.where(in_range, k, ops.floor(ops.multiply(n_, 0.5)))
    quick = ops.logical_and(ops.greater_equal(us, 0.07), ops.less_equal(v, v_r_))
    log_v = ops.log(
        ops.divide(
            ops.multiply(ops.maximum(v, _TINY[cdt]), alpha_),
            ops.add(ops.divide(a_, ops.multiply(us_safe, us_safe)), b_),
        )
    )
    nk1 = ops.add(ops.subtract(n_, k_safe), 1.0)
    nm1 = ops.add(ops.subtract(n_, m_), 1.0)
    upper = ops.multiply(
        ops.add(m_, 0.5), ops.log(ops.divide(ops.add(m_, 1.0), ops.multiply(r_, nm1)))
    )
    upper = ops.add(upper, ops.multiply(ops.add(n_, 1.0), ops.log(ops.divide(nm1, nk1))))
    upper = ops.add(
        upper,
        ops.multiply(
            ops.add(k_safe, 0.5), ops.log(ops.divide(ops.multiply(r_, nk1), ops.add(k_safe, 1.0)))
        ),
    )
    upper = ops.add(
        upper, ops.add(_stirling_tail(m_, cdt), _stirling_tail(ops.subtract(n_, m_), cdt))
    )
    upper = ops.subtract(
        upper, ops.add(_stirling_tail(k_safe, cdt), _stirling_tail(ops.subtract(n_, k_safe), cdt))
    )
    accepted = ops.logical_and(in_range, ops.logical_or(quick, ops.less_equal(log_v, upper)))
    return _first_accepted(k_safe, accepted, ops.floor(ops.multiply(n, p)))


def binomial(shape, counts, probabilities, dtype="float32", seed=None):
    """Exact binomial samples: geometric waiting times when ``counts * p < 10``, BTRS above
    (``p`` folded to at most 0.5 by symmetry). Both regimes are computed when the parameters
    are tensors; with Python numbers only the one needed runs."""
    ops = _ops()
    cdt = _compute_dtype(dtype)
    shape = tuple(shape)
    static = isinstance(counts, (int, float)) and isinstance(probabilities, (int, float))
    n = ops.broadcast_to(ops.round(ops.cast(counts, cdt)), shape)
    prob = ops.broadcast_to(ops.cast(probabilities, cdt), shape)
    flip = ops.greater(prob, 0.5)
    p = ops.where(flip, ops.subtract(1.0, prob), prob)
    degenerate = ops.less_equal(p, 0.0)
    p = ops.where(degenerate, 0.5, p)  # masked below; keeps the samplers finite
    k_small, k_large = threefry.split_list(seed, 2)
    if static:
        pp = min(float(probabilities), 1.0 - float(probabilities))
        mean = round(counts) * pp
        use_small = mean < 10.0
        waits = min(BINOMIAL_WAITS, round(counts) + 1) if use_small else 0
    if not static or use_small:
        small = _binomial_inversion(k_small, shape, n, p, cdt, waits if static else BINOMIAL_WAITS)
    if not static or not use_small:
        large = _binomial_btrs(k_large, shape, n, p, cdt)
    if static:
        x = small if use_small else large
    else:
        x = ops.where(ops.less(ops.multiply(n, p), 10.0), small, large)
    x = ops.where(degenerate, 0.0, x)
    x = ops.where(flip, ops.subtract(n, x), x)
    return ops.cast(x, dtype)


__all__ = [
    "beta",
    "binomial",
    "categorical",
    "dropout",
    "gamma",
    "keep_mask",
    "normal",
    "permutation",
    "randint",
    "shuffle",
    "standard_normal",
    "truncated_normal",
    "uniform",
    "unit_uniform",
]
