"""The numpy-like op family (:class:`tholos.backend.contract.numpy_ops.NumpyOps`) on JAX.

Every op computes with ``jax.numpy``/``jax.lax`` and returns the dtype
:func:`tholos.backend.dtypes.result_type` prescribes (JAX's own promotion is never trusted:
results are cast explicitly). Checks that need concrete values (index bounds, empty inputs)
run only when the value is concrete; under ``jax.jit`` they are skipped.
"""

from __future__ import annotations

import builtins

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from tholos.backend.common import axes as _axes
from tholos.backend.dtypes import COMPLEX_TYPES, FLOAT_TYPES, INT_TYPES, floatx, standardize_dtype
from tholos.errors import DtypeError, OpInputError
from tholos_backend_jax._convert import (
    PY_SCALARS,
    canon,
    cast,
    concrete,
    dtype_name,
    float_of,
    promote,
    real_of,
    rtype,
    to_array,
    weak,
)

_arr = to_array
_float_of = float_of


def _ret(x, dtype):
    return cast(x, dtype)


def _axis(axis):
    if isinstance(axis, list):
        return tuple(axis)
    return axis


_norm_axes = _axes.normalize_axes


def _sum_dtype(dtype: str) -> str:
    if dtype in ("bool", "int8", "int16"):
        return "int32"
    if dtype in ("uint8", "uint16"):
        return "uint32"
    return canon(dtype)


def _require_int(op: str, *dtypes: str) -> None:
    for d in dtypes:
        if d not in INT_TYPES and d != "bool":
            raise DtypeError(
                f"ops.{op} needs integer or bool tensors.",
                expected="integer or bool dtypes",
                received=f"dtype {d}",
                hint="Cast with ops.cast(x, 'int32') first.",
            )


# --------------------------------------------------------------------------------------------
# element-wise unary
# --------------------------------------------------------------------------------------------


def _unary_float(fn):
    def run(x):
        x = _arr(x)
        dtype = _float_of(dtype_name(x))
        return _ret(fn(cast(x, dtype)), dtype)

    return run


def absolute(x):
    x = _arr(x)
    dtype = dtype_name(x)
    if dtype == "bool":
        return x
    return _ret(jnp.absolute(x), real_of(dtype))


def abs(x):
    return absolute(x)


def negative(x):
    x = _arr(x)
    if dtype_name(x) == "bool":
        raise DtypeError(
            "ops.negative is not defined for bool tensors.",
            expected="a numeric tensor",
            received="dtype bool",
            hint="Use ops.logical_not for booleans.",
        )
    return jnp.negative(x)


def sign(x):
    x = _arr(x)
    if dtype_name(x) == "bool":
        return x
    return _ret(jnp.sign(x), dtype_name(x))


def square(x):
    x = _arr(x)
    dtype = "int32" if dtype_name(x) == "bool" else dtype_name(x)
    x = cast(x, dtype)
    return x * x


sqrt = _unary_float(jnp.sqrt)
cbrt = _unary_float(jnp.cbrt)
exp = _unary_float(jnp.exp)
exp2 = _unary_float(jnp.exp2)
expm1 = _unary_float(jnp.expm1)
log = _unary_float(jnp.log)
log10 = _unary_float(jnp.log10)
log1p = _unary_float(jnp.log1p)
log2 = _unary_float(jnp.log2)
sin = _unary_float(jnp.sin)
cos = _unary_float(jnp.cos)
tan = _unary_float(jnp.tan)
arcsin = _unary_float(jnp.arcsin)
arccos = _unary_float(jnp.arccos)
arctan = _unary_float(jnp.arctan)
sinh = _unary_float(jnp.sinh)
cosh = _unary_float(jnp.cosh)
tanh = _unary_float(jnp.tanh)
arcsinh = _unary_float(jnp.arcsinh)
arccosh = _unary_float(jnp.arccosh)
arctanh = _unary_float(jnp.arctanh)
deg2rad = _unary_float(jnp.deg2rad)


def reciprocal(x):
    x = _arr(x)
    dtype = _float_of(dtype_name(x))
    return _ret(1.0 / cast(x, dtype), dtype)


def floor(x):
    x = _arr(x)
    dtype = _float_of(dtype_name(x))
    return _ret(jnp.floor(cast(x, dtype)), dtype)


def ceil(x):
    x = _arr(x)
    dtype = _float_of(dtype_name(x))
    return _ret(jnp.ceil(cast(x, dtype)), dtype)


def trunc(x):
    x = _arr(x)
    dtype = dtype_name(x)
    if dtype == "bool" or dtype in INT_TYPES:
        return x
    return _ret(jnp.trunc(x), dtype)


def round(x, decimals=0):
    x = _arr(x)
    dtype = dtype_name(x)
    if dtype == "bool":
        return x
    if dtype in INT_TYPES:
        if decimals >= 0:
            return x
        # Integer rounding to tens/hundreds: half to even, like NumPy.
        factor = 10 ** (-decimals)
        xf = x.astype(canon("float64"))
        return _ret(jnp.round(xf / factor) * factor, dtype)
    return _ret(jnp.round(x, decimals=decimals), dtype)


def angle(x):
    x = _arr(x)
    dtype = dtype_name(x)
    out_dtype = real_of(dtype) if dtype in COMPLEX_TYPES else _float_of(dtype)
    return _ret(jnp.angle(cast(x, _float_of(dtype))), out_dtype)


def conjugate(x):
    x = _arr(x)
    return _ret(jnp.conjugate(x), dtype_name(x))


def conj(x):
    return conjugate(x)


def real(x):
    x = _arr(x)
    return _ret(jnp.real(x), real_of(dtype_name(x)))


def imag(x):
    x = _arr(x)
    return _ret(jnp.imag(x), real_of(dtype_name(x)))


def copy(x):
    x = _arr(x)
    return jnp.array(x, copy=True)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x = _arr(x)
    dtype = dtype_name(x)
    if dtype not in FLOAT_TYPES:
        return x
    info = jnp.finfo(dtype)
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf
    out = jnp.where(jnp.isnan(x), jnp.asarray(nan, dtype), x)
    out = jnp.where(jnp.isposinf(x), jnp.asarray(posinf, dtype), out)
    out = jnp.where(jnp.isneginf(x), jnp.asarray(neginf, dtype), out)
    return _ret(out, dtype)


def _predicate(fn):
    def run(x):
        return _ret(fn(_arr(x)), "bool")

    return run


isnan = _predicate(jnp.isnan)
isinf = _predicate(jnp.isinf)
isfinite = _predicate(jnp.isfinite)
isreal = _predicate(jnp.isreal)
signbit = _predicate(jnp.signbit)
logical_not = _predicate(jnp.logical_not)


def isneginf(x):
    x = _arr(x)
    if dtype_name(x) in COMPLEX_TYPES:
        return jnp.zeros(x.shape, bool)
    if dtype_name(x) not in FLOAT_TYPES:
        return jnp.zeros(x.shape, bool)
    return jnp.isneginf(x)


def isposinf(x):
    x = _arr(x)
    if dtype_name(x) not in FLOAT_TYPES:
        return jnp.zeros(x.shape, bool)
    return jnp.isposinf(x)


def bitwise_invert(x):
    x = _arr(x)
    _require_int("bitwise_invert", dtype_name(x))
    return jnp.invert(x)


def bitwise_not(x):
    return bitwise_invert(x)


# --------------------------------------------------------------------------------------------
# element-wise binary
# --------------------------------------------------------------------------------------------


def add(x1, x2):
    (a, b), dtype = promote(x1, x2)
    if dtype == "bool":
        return jnp.logical_or(a, b)
    return jnp.add(a, b)


def subtract(x1, x2):
    (a, b), dtype = promote(x1, x2)
    if dtype == "bool":
        raise DtypeError(
            "ops.subtract is not defined for two bool tensors.",
            expected="numeric tensors",
            received="bool and bool",
            hint="Use ops.logical_xor, or cast to an integer dtype first.",
        )
    return jnp.subtract(a, b)


def multiply(x1, x2):
    (a, b), dtype = promote(x1, x2)
    if dtype == "bool":
        return jnp.logical_and(a, b)
    return jnp.multiply(a, b)


def divide(x1, x2):
    xs, dtype = promote(x1, x2)
    dtype = _float_of(dtype)
    a, b = (cast(x, dtype) for x in xs)
    return jnp.divide(a, b)


def true_divide(x1, x2):
    return divide(x1, x2)


def divide_no_nan(x1, x2):
    xs, dtype = promote(x1, x2)
    dtype = _float_of(dtype)
    a, b = (cast(x, dtype) for x in xs)
    zero = b == 0
    safe = jnp.where(zero, jnp.ones((), dtype), b)
    return jnp.where(zero, jnp.zeros((), dtype), a / safe)


def floor_divide(x1, x2):
    (a, b), dtype = promote(x1, x2)
    if dtype == "bool":
        dtype = "int32"
    return _ret(jnp.floor_divide(cast(a, dtype), cast(b, dtype)), dtype)


def mod(x1, x2):
    (a, b), dtype = promote(x1, x2)
    if dtype == "bool":
        dtype = "int32"
        a, b = cast(a, dtype), cast(b, dtype)
    return _ret(jnp.remainder(a, b), dtype)


def power(x1, x2):
    (a, b), dtype = promote(x1, x2)
    if dtype == "bool":
        return jnp.logical_or(a, jnp.logical_not(b))
    return _ret(jnp.power(a, b), dtype)


def maximum(x1, x2):
    (a, b), _ = promote(x1, x2)
    return jnp.maximum(a, b)


def minimum(x1, x2):
    (a, b), _ = promote(x1, x2)
    return jnp.minimum(a, b)


def _binary_float(fn):
    def run(x1, x2):
        xs, dtype = promote(x1, x2)
        dtype = _float_of(dtype)
        a, b = (cast(x, dtype) for x in xs)
        return _ret(fn(a, b), dtype)

    return run


arctan2 = _binary_float(jnp.arctan2)
hypot = _binary_float(jnp.hypot)
logaddexp = _binary_float(jnp.logaddexp)
logaddexp2 = _binary_float(jnp.logaddexp2)
heaviside = _binary_float(jnp.heaviside)


def nextafter(x1, x2):
    xs, dtype = promote(x1, x2)
    dtype = _float_of(dtype)
    a, b = (cast(x, dtype) for x in xs)
    return _ret(jnp.nextafter(a, b), dtype)


def ldexp(x1, x2):
    e = _arr(x2)
    if dtype_name(e) not in INT_TYPES:
        raise DtypeError(
            "ops.ldexp needs an integer exponent.",
            expected="x2 of an integer dtype",
            received=f"x2 of dtype {dtype_name(e)}",
        )
    x = _arr(x1)
    dtype = _float_of(rtype(x, e))
    x = cast(x, dtype)
    return _ret(jnp.ldexp(x, e.astype("int32")), dtype)


def _compare(fn):
    def run(x1, x2):
        (a, b), _ = promote(x1, x2)
        return fn(a, b)

    return run


equal = _compare(jnp.equal)
not_equal = _compare(jnp.not_equal)
greater = _compare(jnp.greater)
greater_equal = _compare(jnp.greater_equal)
less = _compare(jnp.less)
less_equal = _compare(jnp.less_equal)
logical_and = _compare(jnp.logical_and)
logical_or = _compare(jnp.logical_or)
logical_xor = _compare(jnp.logical_xor)


def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    (a, b), dtype = promote(x1, x2)
    if dtype in INT_TYPES or dtype == "bool":
        a, b = cast(a, _float_of(dtype)), cast(b, _float_of(dtype))
    return jnp.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def _bitwise(fn, name):
    def run(x, y):
        (a, b), dtype = promote(x, y)
        _require_int(name, dtype)
        return _ret(fn(a, b), dtype)

    return run


bitwise_and = _bitwise(jnp.bitwise_and, "bitwise_and")
bitwise_or = _bitwise(jnp.bitwise_or, "bitwise_or")
bitwise_xor = _bitwise(jnp.bitwise_xor, "bitwise_xor")
bitwise_left_shift = _bitwise(jnp.left_shift, "bitwise_left_shift")
bitwise_right_shift = _bitwise(jnp.right_shift, "bitwise_right_shift")
gcd = _bitwise(jnp.gcd, "gcd")
lcm = _bitwise(jnp.lcm, "lcm")


def left_shift(x, y):
    return bitwise_left_shift(x, y)


def right_shift(x, y):
    return bitwise_right_shift(x, y)


def clip(x, x_min, x_max):
    x = _arr(x)
    dtype = "int32" if dtype_name(x) == "bool" else dtype_name(x)
    x = cast(x, dtype)
    lo = cast(weak(x_min), dtype)
    hi = cast(weak(x_max), dtype)
    return _ret(jnp.minimum(jnp.maximum(x, lo), hi), dtype)


# --------------------------------------------------------------------------------------------
# reductions
# --------------------------------------------------------------------------------------------


def all(x, axis=None, keepdims=False):
    return jnp.all(_arr(x), axis=_axis(axis), keepdims=keepdims)


def any(x, axis=None, keepdims=False):
    return jnp.any(_arr(x), axis=_axis(axis), keepdims=keepdims)


def _extremum(x, axis, keepdims, initial, op, fn, combine):
    x = _arr(x)
    dtype = dtype_name(x)
    axes = _norm_axes(axis, x.ndim, op)
    size = int(np.prod([x.shape[a] for a in axes], dtype=np.int64)) if axes else 1
    if (size == 0 and x.ndim > 0) or (x.size == 0 and axis is None):
        shape = _axes.empty_reduction_shape(x.shape, axes, keepdims, initial, axis, op)
        return jnp.full(shape, cast(weak(initial), dtype), dtype=dtype)
    out = fn(x, axis=_axis(axis), keepdims=keepdims)
    if initial is not None:
        out = combine(out, cast(weak(initial), dtype))
    return _ret(out, dtype)


def max(x, axis=None, keepdims=False, initial=None):
    return _extremum(x, axis, keepdims, initial, "max", jnp.max, jnp.maximum)


def min(x, axis=None, keepdims=False, initial=None):
    return _extremum(x, axis, keepdims, initial, "min", jnp.min, jnp.minimum)


def amax(x, axis=None, keepdims=False):
    return _extremum(x, axis, keepdims, None, "amax", jnp.max, jnp.maximum)


def amin(x, axis=None, keepdims=False):
    return _extremum(x, axis, keepdims, None, "amin", jnp.min, jnp.minimum)


def ptp(x, axis=None, keepdims=False):
    x = _arr(x)
    return subtract(amax(x, axis, keepdims), amin(x, axis, keepdims))


def nanmax(x, axis=None, keepdims=False):
    x = _arr(x)
    if dtype_name(x) not in FLOAT_TYPES:
        return amax(x, axis, keepdims)
    _norm_axes(axis, x.ndim, "nanmax")
    return jnp.nanmax(x, axis=_axis(axis), keepdims=keepdims)


def nanmin(x, axis=None, keepdims=False):
    x = _arr(x)
    if dtype_name(x) not in FLOAT_TYPES:
        return amin(x, axis, keepdims)
    _norm_axes(axis, x.ndim, "nanmin")
    return jnp.nanmin(x, axis=_axis(axis), keepdims=keepdims)


def sum(x, axis=None, keepdims=False):
    x = _arr(x)
    dtype = _sum_dtype(dtype_name(x))
    _norm_axes(axis, x.ndim, "sum")
    return _ret(jnp.sum(cast(x, dtype), axis=_axis(axis), keepdims=keepdims), dtype)


def nansum(x, axis=None, keepdims=False):
    x = _arr(x)
    if dtype_name(x) in FLOAT_TYPES:
        x = jnp.where(jnp.isnan(x), jnp.zeros((), dtype_name(x)), x)
    return sum(x, axis=axis, keepdims=keepdims)


def prod(x, axis=None, keepdims=False, dtype=None):
    x = _arr(x)
    out_dtype = canon(dtype) if dtype is not None else _sum_dtype(dtype_name(x))
    _norm_axes(axis, x.ndim, "prod")
    return _ret(jnp.prod(cast(x, out_dtype), axis=_axis(axis), keepdims=keepdims), out_dtype)


def mean(x, axis=None, keepdims=False):
    x = _arr(x)
    dtype = _float_of(dtype_name(x))
    _norm_axes(axis, x.ndim, "mean")
    return _ret(jnp.mean(cast(x, dtype), axis=_axis(axis), keepdims=keepdims), dtype)


def var(x, axis=None, keepdims=False):
    x = _arr(x)
    dtype = _float_of(dtype_name(x))
    _norm_axes(axis, x.ndim, "var")
    x = cast(x, dtype)
    centered = x - jnp.mean(x, axis=_axis(axis), keepdims=True)
    sq = jnp.real(centered * jnp.conj(centered)) if dtype in COMPLEX_TYPES else centered * centered
    return _ret(jnp.mean(sq, axis=_axis(axis), keepdims=keepdims), real_of(dtype))


def std(x, axis=None, keepdims=False):
    return jnp.sqrt(var(x, axis=axis, keepdims=keepdims))


def average(x, axis=None, weights=None):
    x = _arr(x)
    if weights is None:
        return mean(x, axis=axis)
    w = _arr(weights)
    dtype = _float_of(rtype(x, w))
    x, w = cast(x, dtype), cast(w, dtype)
    if w.shape != x.shape:
        if axis is None:
            raise OpInputError(
                "ops.average: `axis` must be given when `weights` and `x` differ in shape.",
                expected="weights.shape == x.shape, or a 1-D weights with `axis`",
                received=f"x.shape={tuple(x.shape)}, weights.shape={tuple(w.shape)}",
            )
        ax = _norm_axes(axis, x.ndim, "average")
        if w.ndim != 1 or len(ax) != 1 or w.shape[0] != x.shape[ax[0]]:
            raise OpInputError(
                "ops.average: 1-D `weights` must match the length of `x` along `axis`.",
                expected=f"weights of shape ({x.shape[ax[0]] if len(ax) == 1 else '?'},)",
                received=f"weights.shape={tuple(w.shape)}, axis={axis!r}",
            )
        shape = [1] * x.ndim
        shape[ax[0]] = w.shape[0]
        w = jnp.reshape(w, shape)
    num = jnp.sum(x * w, axis=_axis(axis))
    den = jnp.sum(jnp.broadcast_to(w, x.shape), axis=_axis(axis))
    return _ret(num / den, dtype)


def count_nonzero(x, axis=None):
    return _ret(jnp.count_nonzero(_arr(x), axis=_axis(axis)), "int32")


def argmax(x, axis=None, keepdims=False):
    return _ret(jnp.argmax(_arr(x), axis=axis, keepdims=keepdims), "int32")


def argmin(x, axis=None, keepdims=False):
    return _ret(jnp.argmin(_arr(x), axis=axis, keepdims=keepdims), "int32")


def cumsum(x, axis=None, dtype=None):
    x = _arr(x)
    out_dtype = canon(dtype) if dtype is not None else dtype_name(x)
    if out_dtype == "bool":
        out_dtype = "int32"
    x = cast(x, out_dtype)
    if axis is None:
        x, axis = jnp.ravel(x), 0
    _norm_axes(axis, x.ndim, "cumsum")
    return _ret(jnp.cumsum(x, axis=axis), out_dtype)


def cumprod(x, axis=None, dtype=None):
    x = _arr(x)
    out_dtype = canon(dtype) if dtype is not None else dtype_name(x)
    if out_dtype == "bool":
        out_dtype = "int32"
    x = cast(x, out_dtype)
    if axis is None:
        x, axis = jnp.ravel(x), 0
    _norm_axes(axis, x.ndim, "cumprod")
    return _ret(jnp.cumprod(x, axis=axis), out_dtype)


_QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(x, q, axis, method, keepdims, op):
    if method not in _QUANTILE_METHODS:
        raise OpInputError(
            f"ops.{op}: unknown interpolation method.",
            expected=f"one of {_QUANTILE_METHODS}",
            received=repr(method),
        )
    x = _arr(x)
    dtype = _float_of(dtype_name(x))
    x = cast(x, dtype)
    qv = concrete(q if not isinstance(q, (list, tuple)) else np.asarray(q, "float64"))
    if qv is not None:
        qv = np.asarray(qv, dtype="float64")
        if np.any((qv < 0) | (qv > 1)) or np.any(np.isnan(qv)):
            raise OpInputError(
                f"ops.{op}: quantiles must be in [0, 1].",
                expected="0 <= q <= 1",
                received=f"q={qv.tolist()}",
            )
    axes = _norm_axes(axis, x.ndim, op)
    n = int(np.prod([x.shape[a] for a in axes], dtype=np.int64)) if axes else 1
    if n == 0:
        raise OpInputError(
            f"ops.{op}: cannot take a quantile of an empty tensor.",
            expected="at least one element along the reduced axes",
            received=f"shape {tuple(x.shape)}, axis={axis!r}",
        )
    qa = jnp.asarray(qv if qv is not None else q, dtype)
    out = jnp.quantile(
        x, qa, axis=axes if axis is not None else None, method=method, keepdims=keepdims
    )
    return _ret(out, dtype)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, q, axis, method, keepdims, "quantile")


def median(x, axis=None, keepdims=False):
    return _quantile(x, 0.5, axis, "midpoint", keepdims, "median")


def trace(x, offset=0, axis1=0, axis2=1):
    x = _arr(x)
    dtype = _sum_dtype(dtype_name(x))
    if x.ndim < 2:
        raise OpInputError(
            "ops.trace needs a tensor of rank 2 or more.",
            expected="x.ndim >= 2",
            received=f"shape {tuple(x.shape)}",
        )
    return _ret(jnp.trace(cast(x, dtype), offset=offset, axis1=axis1, axis2=axis2), dtype)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    y = _arr(y)
    dtype = _float_of(dtype_name(y) if x is None else rtype(y, _arr(x)))
    y = jnp.moveaxis(cast(y, dtype), axis, -1)
    if x is None:
        d = cast(weak(dx), dtype)
    else:
        xv = cast(_arr(x), dtype)
        xv = jnp.moveaxis(xv, axis, -1) if xv.ndim > 1 else xv
        d = xv[..., 1:] - xv[..., :-1]
    return _ret(jnp.sum(d * (y[..., 1:] + y[..., :-1]) / 2.0, axis=-1), dtype)


def corrcoef(x):
    x = _arr(x)
    dtype = _float_of(dtype_name(x))
    x = cast(x, dtype)
    one_d = x.ndim == 1
    x2 = jnp.reshape(x, (1, -1)) if one_d else x
    xm = x2 - jnp.mean(x2, axis=1, keepdims=True)
    c = jnp.dot(xm, jnp.conj(xm).T if dtype in COMPLEX_TYPES else xm.T)
    d = jnp.sqrt(jnp.real(jnp.diagonal(c)))
    c = c / d[:, None] / d[None, :]
    if dtype not in COMPLEX_TYPES:
        c = jnp.clip(c, -1.0, 1.0)
    if one_d:
        c = jnp.reshape(c, ())
    return _ret(c, dtype)


# --------------------------------------------------------------------------------------------
# products
# --------------------------------------------------------------------------------------------


def _int8_to_int32(dtypes_in, dtype):
    return "int32" if dtypes_in and builtins.all(d == "int8" for d in dtypes_in) else dtype


def matmul(x1, x2):
    a, b = _arr(x1), _arr(x2)
    dtype = _int8_to_int32([dtype_name(a), dtype_name(b)], rtype(a, b))
    a, b = cast(a, dtype), cast(b, dtype)
    if a.ndim == 0 or b.ndim == 0:
        raise OpInputError(
            "ops.matmul does not accept scalars.",
            expected="tensors of rank >= 1",
            received=f"shapes {tuple(a.shape)} and {tuple(b.shape)}",
            hint="Use ops.multiply for scalar products.",
        )
    ka = a.shape[-1]
    kb = b.shape[-2] if b.ndim > 1 else b.shape[0]
    if ka != kb:
        raise OpInputError(
            "ops.matmul: inner dimensions do not match.",
            expected="x1.shape[-1] == x2.shape[-2]",
            received=f"shapes {tuple(a.shape)} and {tuple(b.shape)}",
        )
    if dtype == "bool":
        return jnp.matmul(a.astype("int32"), b.astype("int32")) > 0
    return _ret(jnp.matmul(a, b), dtype)


def dot(x1, x2):
    (a, b), dtype = promote(_arr(x1), _arr(x2))
    if dtype == "bool":
        return jnp.dot(a.astype("int32"), b.astype("int32")) > 0
    return _ret(jnp.dot(a, b), dtype)


def vdot(x1, x2):
    (a, b), dtype = promote(_arr(x1), _arr(x2))
    a, b = jnp.ravel(a), jnp.ravel(b)
    if dtype in COMPLEX_TYPES:
        a = jnp.conj(a)
    if dtype == "bool":
        return jnp.dot(a.astype("int32"), b.astype("int32")) > 0
    return _ret(jnp.dot(a, b), dtype)


def inner(x1, x2):
    (a, b), dtype = promote(_arr(x1), _arr(x2))
    if a.ndim == 0 or b.ndim == 0:
        return multiply(a, b)
    return _ret(jnp.tensordot(a, b, axes=([-1], [-1])), dtype)


def outer(x1, x2):
    (a, b), _ = promote(_arr(x1), _arr(x2))
    return multiply(jnp.ravel(a)[:, None], jnp.ravel(b)[None, :])


def tensordot(x1, x2, axes=2):
    (a, b), dtype = promote(_arr(x1), _arr(x2))
    if isinstance(axes, (list, tuple)):
        axes = tuple(tuple(ax) if isinstance(ax, (list, tuple)) else ax for ax in axes)
    return _ret(jnp.tensordot(a, b, axes=axes), dtype)


def einsum(subscripts, *operands, **kwargs):
    xs = [_arr(x) for x in operands]
    dtype = _int8_to_int32([dtype_name(x) for x in xs], rtype(*xs))
    xs = [cast(x, dtype) for x in xs]
    kwargs.pop("optimize", None)
    return _ret(jnp.einsum(subscripts, *xs, **kwargs), dtype)


def kron(x1, x2):
    (a, b), dtype = promote(_arr(x1), _arr(x2))
    return _ret(jnp.kron(a, b), dtype)


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    (a, b), dtype = promote(_arr(x1), _arr(x2))
    if axis is not None:
        axisa = axisb = axisc = axis
    for name, t, ax in (("x1", a, axisa), ("x2", b, axisb)):
        if t.ndim == 0 or not -t.ndim <= ax < t.ndim or t.shape[ax] not in (2, 3):
            raise OpInputError(
                "ops.cross: vectors must have 2 or 3 components.",
                expected=f"{name}.shape[{ax}] in (2, 3)",
                received=f"{name}.shape={tuple(t.shape)}",
            )
    return _ret(jnp.cross(a, b, axisa=axisa, axisb=axisb, axisc=axisc), dtype)


def correlate(x1, x2, mode="valid"):
    (a, v), dtype = promote(_arr(x1), _arr(x2))
    dtype = _float_of(dtype)
    a, v = cast(a, dtype), cast(v, dtype)
    if a.ndim != 1 or v.ndim != 1 or a.shape[0] == 0 or v.shape[0] == 0:
        raise OpInputError(
            "ops.correlate needs two non-empty 1-D tensors.",
            expected="x1.ndim == x2.ndim == 1",
            received=f"shapes {tuple(a.shape)} and {tuple(v.shape)}",
        )
    if mode not in ("valid", "same", "full"):
        raise OpInputError(
            "ops.correlate: unknown mode.",
            expected="'valid', 'same' or 'full'",
            received=repr(mode),
        )
    return _ret(jnp.correlate(a, v, mode=mode), dtype)


# --------------------------------------------------------------------------------------------
# creation
# --------------------------------------------------------------------------------------------


def _creation_dtype(dtype):
    return canon(floatx() if dtype is None else dtype)


def _shape(shape, op):
    return _axes.shape_tuple(shape, op)


def zeros(shape, dtype=None):
    return jnp.zeros(_shape(shape, "zeros"), dtype=_creation_dtype(dtype))


def ones(shape, dtype=None):
    return jnp.ones(_shape(shape, "ones"), dtype=_creation_dtype(dtype))


def empty(shape, dtype=None):
    return jnp.empty(_shape(shape, "empty"), dtype=_creation_dtype(dtype))


def full(shape, fill_value, dtype=None):
    dtype = _creation_dtype(dtype)
    fill = cast(weak(fill_value), dtype)
    return jnp.broadcast_to(fill, _shape(shape, "full"))


def _like_dtype(x, dtype):
    return dtype_name(x) if dtype is None else canon(dtype)


def zeros_like(x, dtype=None):
    x = _arr(x)
    return jnp.zeros(x.shape, dtype=_like_dtype(x, dtype))


def ones_like(x, dtype=None):
    x = _arr(x)
    return jnp.ones(x.shape, dtype=_like_dtype(x, dtype))


def empty_like(x, dtype=None):
    x = _arr(x)
    return jnp.empty(x.shape, dtype=_like_dtype(x, dtype))


def full_like(x, fill_value, dtype=None):
    x = _arr(x)
    return full(x.shape, fill_value, dtype=_like_dtype(x, dtype))


def array(x, dtype=None):
    if isinstance(x, (list, tuple)) and builtins.any(isinstance(v, jax.Array) for v in x):
        return stack([array(v, dtype) for v in x])
    from tholos_backend_jax.core_ops import convert_to_tensor

    x = convert_to_tensor(x)
    if dtype is not None:
        x = cast(x, dtype)
    return jnp.array(x, copy=True)


def _py(v):
    c = concrete(v) if not isinstance(v, PY_SCALARS) else v
    return c.item() if isinstance(c, np.ndarray) else c


def arange(start, stop=None, step=1, dtype=None):
    if dtype is None:
        parts = [weak(start), weak(step if step is not None else 1)]
        if stop is not None:
            parts.append(weak(stop))
        dtype = rtype(*parts)
    dtype = canon(dtype)
    start, stop, step = _py(start), _py(stop), _py(step)
    if stop is None:
        start, stop = 0, start
    if step is None:
        step = 1
    if step == 0:
        raise OpInputError(
            "ops.arange: step must not be zero.", expected="step != 0", received="step=0"
        )
    return jnp.asarray(np.arange(start, stop, step, dtype=standardize_dtype(dtype)))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    if num < 0:
        raise OpInputError(
            "ops.linspace: num must be non-negative.", expected="num >= 0", received=f"num={num}"
        )
    if dtype is None:
        dtype = _float_of(rtype(weak(start), weak(stop), 1.0))
    dtype = canon(dtype)
    hi = canon("float64")
    s, e = cast(weak(start), hi), cast(weak(stop), hi)
    samples, step = jnp.linspace(s, e, num=num, endpoint=endpoint, retstep=True, axis=axis)
    if dtype in INT_TYPES:
        samples = jnp.floor(samples)
    out = samples.astype(dtype)
    if retstep:
        return out, jnp.asarray(step, dtype=_float_of(dtype))
    return out


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    if dtype is None:
        dtype = _float_of(rtype(weak(start), weak(stop), 1.0))
    dtype = canon(dtype)
    hi = canon("float64")
    s, e = cast(weak(start), hi), cast(weak(stop), hi)
    exps = jnp.linspace(s, e, num=num, endpoint=endpoint, axis=axis)
    out = jnp.power(cast(weak(base), hi), exps)
    if dtype in INT_TYPES:
        out = jnp.floor(out)
    return out.astype(dtype)


def eye(N, M=None, k=0, dtype=None):  # noqa: N803
    return jnp.eye(int(N), None if M is None else int(M), k=int(k), dtype=_creation_dtype(dtype))


def identity(n, dtype=None):
    return jnp.identity(int(n), dtype=_creation_dtype(dtype))


def tri(N, M=None, k=0, dtype=None):  # noqa: N803
    return jnp.tri(int(N), None if M is None else int(M), k=int(k), dtype=_creation_dtype(dtype))


def _window(fn, length, *args):
    length = int(_py(length))
    return jnp.asarray(fn(length, *args).astype(canon(floatx())))


def bartlett(x):
    return _window(np.bartlett, x)


def blackman(x):
    return _window(np.blackman, x)


def hamming(x):
    return _window(np.hamming, x)


def hanning(x):
    return _window(np.hanning, x)


def kaiser(x, beta):
    return _window(np.kaiser, x, float(_py(beta)))


# --------------------------------------------------------------------------------------------
# shapes and indexing
# --------------------------------------------------------------------------------------------


def ndim(x):
    return int(_arr(x).ndim)


def size(x):
    return int(_arr(x).size)


def reshape(x, newshape):
    x = _arr(x)
    shape = (
        (int(newshape),)
        if isinstance(newshape, (int, np.integer))
        else tuple(int(d) if d is not None else -1 for d in newshape)
    )
    shape = _axes.reshape_target(x.size, shape, newshape, x.shape)
    return jnp.reshape(x, shape)


def ravel(x):
    return jnp.ravel(_arr(x))


def transpose(x, axes=None):
    x = _arr(x)
    if axes is not None:
        axes = _axes.check_permutation(axes, x.ndim)
    return jnp.transpose(x, axes)


def swapaxes(x, axis1, axis2):
    return jnp.swapaxes(_arr(x), axis1, axis2)


def moveaxis(x, source, destination):
    x = _arr(x)
    source = tuple(source) if isinstance(source, (list, tuple)) else source
    destination = tuple(destination) if isinstance(destination, (list, tuple)) else destination
    return jnp.moveaxis(x, source, destination)


def expand_dims(x, axis):
    x = _arr(x)
    return jnp.reshape(x, _axes.expand_dims_shape(x.shape, axis))


def squeeze(x, axis=None):
    x = _arr(x)
    return jnp.reshape(x, _axes.squeeze_shape(x.shape, axis))


def broadcast_to(x, shape):
    x = _arr(x)
    shape = _shape(shape, "broadcast_to")
    if len(shape) < x.ndim:
        raise OpInputError(
            "ops.broadcast_to: the target shape has fewer dimensions than x.",
            expected=f"a shape of rank >= {x.ndim}",
            received=f"x.shape={tuple(x.shape)}, shape={shape}",
        )
    np.broadcast_shapes(tuple(x.shape), shape)
    return jnp.broadcast_to(x, shape)


def flip(x, axis=None):
    x = _arr(x)
    axes = _norm_axes(axis, x.ndim, "flip")
    return jnp.flip(x, axis=axes) if axes else x


def roll(x, shift, axis=None):
    x = _arr(x)
    shift = tuple(shift) if isinstance(shift, list) else shift
    return jnp.roll(x, shift, axis=_axis(axis))


def rot90(array, k=1, axes=(0, 1)):
    x = _arr(array)
    if x.ndim < 2:
        raise OpInputError(
            "ops.rot90 needs a tensor of rank 2 or more.",
            expected="array.ndim >= 2",
            received=f"shape {tuple(x.shape)}",
        )
    axes = tuple(axes)
    if len(axes) != 2 or axes[0] % x.ndim == axes[1] % x.ndim:
        raise OpInputError(
            "ops.rot90: axes must be two different axes.",
            expected="e.g. (0, 1)",
            received=f"axes={axes!r}",
        )
    return jnp.rot90(x, k=k, axes=axes)


def tile(x, repeats):
    return jnp.tile(_arr(x), repeats)


def repeat(x, repeats, axis=None):
    x = _arr(x)
    reps = repeats if isinstance(repeats, int) else concrete(_arr(repeats))
    if reps is None:
        raise OpInputError(
            "ops.repeat: `repeats` must be concrete on the JAX backend (the output shape "
            "depends on it).",
            expected="an int or a concrete tensor",
            received="a traced tensor",
        )
    if axis is None:
        x, axis = jnp.ravel(x), 0
    axis = _norm_axes(axis, x.ndim, "repeat")[0]
    reps_arr = np.asarray(reps)
    total = int(reps_arr.sum()) if reps_arr.ndim else int(reps_arr) * x.shape[axis]
    return jnp.repeat(
        x, reps_arr if reps_arr.ndim else int(reps_arr), axis=axis, total_repeat_length=total
    )


def _concat_dtype(xs):
    return rtype(*xs) if xs else canon(floatx())


def concatenate(xs, axis=0):
    xs = [_arr(x) for x in xs]
    if not xs:
        raise OpInputError(
            "ops.concatenate needs at least one tensor.", expected="a non-empty list", received="[]"
        )
    dtype = _concat_dtype(xs)
    xs = [cast(x, dtype) for x in xs]
    if axis is None:
        xs, axis = [jnp.ravel(x) for x in xs], 0
    return jnp.concatenate(xs, axis=axis)


def append(x1, x2, axis=None):
    return concatenate([x1, x2], axis=axis)


def stack(x, axis=0):
    xs = [_arr(v) for v in x]
    if not xs:
        raise OpInputError(
            "ops.stack needs at least one tensor.", expected="a non-empty list", received="[]"
        )
    dtype = _concat_dtype(xs)
    if len({tuple(v.shape) for v in xs}) > 1:
        raise OpInputError(
            "ops.stack: all tensors must have the same shape.",
            expected="equal shapes",
            received=f"shapes {[tuple(v.shape) for v in xs]}",
        )
    return jnp.stack([cast(v, dtype) for v in xs], axis=axis)


def hstack(xs):
    xs = [_arr(x) for x in xs]
    dtype = _concat_dtype(xs)
    return jnp.hstack([cast(x, dtype) for x in xs])


def vstack(xs):
    xs = [_arr(x) for x in xs]
    dtype = _concat_dtype(xs)
    return jnp.vstack([cast(x, dtype) for x in xs])


def split(x, indices_or_sections, axis=0):
    x = _arr(x)
    ios = indices_or_sections
    if isinstance(ios, (int, np.integer)):
        n = x.shape[axis]
        if ios <= 0 or n % ios:
            raise OpInputError(
                "ops.split: the tensor does not divide into equal sections.",
                expected=f"a number of sections dividing {n}",
                received=f"indices_or_sections={ios}",
                hint="Use ops.array_split for unequal sections.",
            )
        return list(jnp.split(x, int(ios), axis=axis))
    return list(jnp.split(x, [int(_py(i)) for i in ios], axis=axis))


def array_split(x, indices_or_sections, axis=0):
    x = _arr(x)
    ios = indices_or_sections
    if isinstance(ios, (int, np.integer)):
        return list(jnp.array_split(x, int(ios), axis=axis))
    return list(jnp.array_split(x, [int(_py(i)) for i in ios], axis=axis))


def diag(x, k=0):
    x = _arr(x)
    if x.ndim not in (1, 2):
        raise OpInputError(
            "ops.diag needs a 1-D or 2-D tensor.",
            expected="x.ndim in (1, 2)",
            received=f"shape {tuple(x.shape)}",
        )
    return jnp.diag(x, k=k)


def diagflat(x, k=0):
    return jnp.diagflat(_arr(x), k=k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    x = _arr(x)
    if x.ndim < 2:
        raise OpInputError(
            "ops.diagonal needs a tensor of rank 2 or more.",
            expected="x.ndim >= 2",
            received=f"shape {tuple(x.shape)}",
        )
    if axis1 % x.ndim == axis2 % x.ndim:
        raise OpInputError(
            "ops.diagonal: axis1 and axis2 must differ.",
            expected="two different axes",
            received=f"axis1={axis1}, axis2={axis2}",
        )
    return jnp.diagonal(x, offset=offset, axis1=axis1, axis2=axis2)


def diff(a, n=1, axis=-1):
    x = _arr(a)
    if x.ndim == 0:
        raise OpInputError(
            "ops.diff needs a tensor of rank 1 or more.",
            expected="a.ndim >= 1",
            received="a scalar",
        )
    axis = _norm_axes(axis, x.ndim, "diff")[0]
    return jnp.diff(x, n=n, axis=axis)


def tril(x, k=0):
    return jnp.tril(_arr(x), k=k)


def triu(x, k=0):
    return jnp.triu(_arr(x), k=k)


_PAD_MODES = (
    "constant",
    "edge",
    "reflect",
    "symmetric",
    "wrap",
    "circular",
    "linear_ramp",
    "maximum",
    "mean",
    "median",
    "minimum",
    "empty",
)


def pad(x, pad_width, mode="constant", constant_values=None):
    x = _arr(x)
    dtype = dtype_name(x)
    try:
        widths = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (x.ndim, 2))
    except ValueError as err:
        raise OpInputError(
            "ops.pad: pad_width does not match the tensor's rank.",
            expected=f"an int, a (before, after) pair, or {x.ndim} pairs",
            received=repr(pad_width),
        ) from err
    if (widths < 0).any():
        raise OpInputError(
            "ops.pad: pad widths must be non-negative.", expected=">= 0", received=repr(pad_width)
        )
    if constant_values is not None and mode != "constant":
        raise OpInputError(
            "ops.pad: constant_values is only used with mode='constant'.",
            expected="mode='constant' or constant_values=None",
            received=f"mode={mode!r}",
        )
    if mode not in _PAD_MODES:
        raise OpInputError(
            "ops.pad: unknown mode.",
            expected="'constant', 'edge', 'reflect', 'symmetric', 'wrap', 'linear_ramp', "
            "'maximum', "
            "'mean', 'median', 'minimum' or 'empty'",
            received=repr(mode),
        )
    widths_t = tuple(tuple(int(v) for v in row) for row in widths)
    if mode == "constant":
        value = cast(weak(0 if constant_values is None else constant_values), dtype)
        return jnp.pad(x, widths_t, mode="constant", constant_values=value)
    if mode == "circular":
        mode = "wrap"
    if mode != "empty":
        for ax, (before, after) in enumerate(widths_t):
            if (before or after) and x.shape[ax] == 0:
                raise OpInputError(
                    f"ops.pad: cannot pad an empty axis with mode={mode!r}.",
                    expected="a non-empty axis",
                    received=f"shape {tuple(x.shape)}",
                )
    if mode == "empty":
        mode = "constant"
    return _ret(jnp.pad(x, widths_t, mode=mode), dtype)


def _key(k):
    if hasattr(k, "value") and hasattr(k, "assign"):
        return _arr(k)
    if isinstance(k, np.ndarray):
        return jnp.asarray(k)
    return k


def get_item(x, key):
    x = _arr(x)
    key = tuple(_key(k) for k in key) if isinstance(key, tuple) else _key(key)
    return x[key]


def take(x, indices, axis=None):
    x = _arr(x)
    idx = _arr(indices)
    if dtype_name(idx) not in INT_TYPES:
        raise DtypeError(
            "ops.take needs integer indices.",
            expected="indices of an integer dtype",
            received=f"dtype {dtype_name(idx)}",
        )
    if axis is None:
        x, axis = jnp.ravel(x), 0
    axis = _norm_axes(axis, x.ndim, "take")[0]
    n = x.shape[axis]
    value = concrete(idx)
    if value is not None and value.size and (value.max() >= n or value.min() < -n):
        raise OpInputError(
            "ops.take: index out of range.",
            expected=f"indices in [{-n}, {n})",
            received=f"indices in [{value.min()}, {value.max()}]",
        )
    idx = jnp.where(idx < 0, idx + n, idx)  # NumPy's negative indices, also under jit
    return jnp.take(x, idx, axis=axis, mode="clip")


def take_along_axis(x, indices, axis=None):
    x = _arr(x)
    idx = _arr(indices)
    if dtype_name(idx) not in INT_TYPES:
        raise DtypeError(
            "ops.take_along_axis needs integer indices.",
            expected="indices of an integer dtype",
            received=f"dtype {dtype_name(idx)}",
        )
    if axis is None:
        x, axis = jnp.ravel(x), 0
        idx = jnp.ravel(idx)
    if idx.ndim != x.ndim:
        raise OpInputError(
            "ops.take_along_axis: indices must have the rank of x.",
            expected=f"indices.ndim == {x.ndim}",
            received=f"indices.shape={tuple(idx.shape)}",
        )
    axis = _norm_axes(axis, x.ndim, "take_along_axis")[0]
    n = x.shape[axis]
    xs, ks = list(x.shape), list(idx.shape)
    xs[axis] = ks[axis] = 1
    common = list(np.broadcast_shapes(tuple(xs), tuple(ks)))
    x_shape, i_shape = common.copy(), common.copy()
    x_shape[axis], i_shape[axis] = n, idx.shape[axis]
    x = jnp.broadcast_to(x, tuple(x_shape))
    idx = jnp.broadcast_to(idx, tuple(i_shape))
    value = concrete(idx)
    if value is not None and value.size and (value.max() >= n or value.min() < -n):
        raise OpInputError(
            "ops.take_along_axis: index out of range.",
            expected=f"indices in [{-n}, {n})",
            received=f"indices in [{value.min()}, {value.max()}]",
        )
    idx = jnp.where(idx < 0, idx + n, idx)
    return jnp.take_along_axis(x, idx, axis=axis, mode="clip")


def where(condition, x1=None, x2=None):
    cond = _arr(condition).astype(bool)
    if x1 is None and x2 is None:
        return nonzero(cond)
    if x1 is None or x2 is None:
        raise OpInputError(
            "ops.where needs both x1 and x2, or neither.",
            expected="where(condition) or where(condition, x1, x2)",
            received=f"x1 {'missing' if x1 is None else 'given'}, "
            f"x2 {'missing' if x2 is None else 'given'}",
        )
    (a, b), _ = promote(x1, x2)
    return jnp.where(cond, a, b)


def select(condlist, choicelist, default=0):
    if len(condlist) != len(choicelist):
        raise OpInputError(
            "ops.select: condlist and choicelist must have the same length.",
            expected="len(condlist) == len(choicelist)",
            received=f"{len(condlist)} and {len(choicelist)}",
        )
    if not condlist:
        raise OpInputError(
            "ops.select needs at least one condition.", expected="non-empty lists", received="[]"
        )
    choices = [weak(c) for c in choicelist]
    dtype = rtype(*choices, weak(default))
    conds = [_arr(c).astype(bool) for c in condlist]
    out = cast(weak(default), dtype)
    for c, choice in zip(reversed(conds), reversed(choices)):
        out = jnp.where(c, cast(choice, dtype), out)
    shape = np.broadcast_shapes(
        *[tuple(c.shape) for c in conds], *[tuple(jnp.shape(c)) for c in choices]
    )
    return jnp.broadcast_to(out, shape)


def sort(x, axis=-1):
    x = _arr(x)
    if axis is None:
        x, axis = jnp.ravel(x), 0
    if x.ndim == 0:
        return x
    axis = _norm_axes(axis, x.ndim, "sort")[0]
    return jnp.sort(x, axis=axis, stable=True)


def argsort(x, axis=-1):
    x = _arr(x)
    if x.ndim == 0:
        return jnp.zeros((), "int32") if axis is not None else jnp.zeros((1,), "int32")
    return _ret(jnp.argsort(x, axis=axis, stable=True), "int32")


def argpartition(x, kth, axis=-1):
    x = _arr(x)
    # A full stable sort is a valid partition for every kth.
    return _ret(jnp.argsort(x, axis=axis, stable=True), "int32")


def _need_concrete(x, op):
    value = concrete(x)
    if value is None:
        raise OpInputError(
            f"ops.{op}: the output shape depends on the input's values, so it cannot run on "
            "traced values (inside jax.jit or a compiled step).",
            expected="a concrete tensor",
            received=f"a tracer of shape {tuple(x.shape)}",
            hint="Compute it outside the compiled function.",
        )
    return value


def nonzero(x):
    x = _arr(x)
    value = _need_concrete(x, "nonzero")
    return tuple(jnp.asarray(i, "int32") for i in np.nonzero(np.atleast_1d(value)))


def searchsorted(sorted_sequence, values, side="left"):
    seq = _arr(sorted_sequence)
    if seq.ndim != 1:
        raise OpInputError(
            "ops.searchsorted only supports a 1-D sorted sequence.",
            expected="sorted_sequence.ndim == 1",
            received=f"shape {tuple(seq.shape)}",
        )
    if side not in ("left", "right"):
        raise OpInputError(
            "ops.searchsorted: side must be 'left' or 'right'.",
            expected="'left' or 'right'",
            received=repr(side),
        )
    (s, v), _ = promote(seq, values)
    return _ret(jnp.searchsorted(s, v, side=side), "int32")


def digitize(x, bins):
    x = _arr(x)
    b = _arr(bins)
    if b.ndim != 1:
        raise OpInputError(
            "ops.digitize needs 1-D bins.",
            expected="bins.ndim == 1",
            received=f"shape {tuple(b.shape)}",
        )
    (xv, bv), _ = promote(x, b)
    return _ret(jnp.digitize(xv, bv), "int32")


def bincount(x, weights=None, minlength=0, sparse=False):
    if sparse:
        raise OpInputError(
            "ops.bincount: sparse=True is not supported by the JAX backend.",
            expected="sparse=False",
            received="sparse=True",
        )
    x = _arr(x)
    if dtype_name(x) not in INT_TYPES:
        raise DtypeError(
            "ops.bincount needs integer values.",
            expected="an integer tensor",
            received=f"dtype {dtype_name(x)}",
        )
    if x.ndim not in (1, 2):
        raise OpInputError(
            "ops.bincount needs a 1-D or 2-D tensor.",
            expected="x.ndim in (1, 2)",
            received=f"shape {tuple(x.shape)}",
        )
    value = concrete(x)
    if value is not None and value.size and value.min() < 0:
        raise OpInputError(
            "ops.bincount needs non-negative values.",
            expected="x >= 0",
            received=f"min value {value.min()}",
        )
    if weights is None:
        dtype, w = "int32", jnp.ones(x.shape, "int32")
    else:
        w = _arr(weights)
        dtype = rtype(x, w)
        if w.shape != x.shape:
            raise OpInputError(
                "ops.bincount: weights must have the shape of x.",
                expected=f"weights.shape == {tuple(x.shape)}",
                received=f"weights.shape={tuple(w.shape)}",
            )
        w = cast(w, dtype)
    if value is not None:
        length = builtins.max(int(minlength), int(value.max()) + 1 if value.size else 0)
    else:
        length = int(minlength)
        if length <= 0:
            raise OpInputError(
                "ops.bincount: under jax.jit the output length must be known.",
                expected="minlength > 0 when x is traced",
                received=f"minlength={minlength}",
            )
    if x.ndim == 1:
        out = jnp.zeros((length,), dtype).at[x].add(w, mode="drop")
    else:
        rows = jnp.arange(x.shape[0])[:, None]
        out = jnp.zeros((x.shape[0], length), dtype).at[rows, x].add(w, mode="drop")
    return _ret(out, dtype)


def histogram(x, bins=10, range=None):
    x = _arr(x)
    edges_dtype = _float_of(dtype_name(x))
    value = _need_concrete(x, "histogram")
    counts, edges = np.histogram(value.ravel(), bins=bins, range=range)
    return jnp.asarray(counts, "int32"), jnp.asarray(edges, edges_dtype)


def unravel_index(indices, shape):
    idx = _arr(indices)
    dtype = dtype_name(idx)
    return tuple(_ret(i, dtype) for i in jnp.unravel_index(idx, tuple(int(s) for s in shape)))


def isin(x1, x2, assume_unique=False, invert=False):
    (a, b), _ = promote(x1, x2)
    return jnp.isin(a, b, assume_unique=assume_unique, invert=invert)


def view(x, dtype=None):
    x = _arr(x)
    if dtype is None:
        return x
    target = canon(dtype)
    if target == dtype_name(x):
        return x
    if dtype_name(x) == "bool" or target == "bool":
        return _arr(np.asarray(_need_concrete(x, "view")).view(standardize_dtype(dtype)))
    return (
        lax.bitcast_convert_type(x, target)
        if jnp.dtype(target).itemsize == x.dtype.itemsize
        else _arr(np.asarray(_need_concrete(x, "view")).view(standardize_dtype(dtype)))
    )


def vander(x, N=None, increasing=False):  # noqa: N803
    x = _arr(x)
    if x.ndim != 1:
        raise OpInputError(
            "ops.vander needs a 1-D tensor.",
            expected="x.ndim == 1",
            received=f"shape {tuple(x.shape)}",
        )
    dtype = dtype_name(x)
    n = x.shape[0] if N is None else int(N)
    return _ret(jnp.vander(x, n, increasing=increasing), dtype)


def meshgrid(*x, indexing="xy"):
    if indexing not in ("xy", "ij"):
        raise OpInputError(
            "ops.meshgrid: indexing must be 'xy' or 'ij'.",
            expected="'xy' or 'ij'",
            received=repr(indexing),
        )
    return list(jnp.meshgrid(*[jnp.ravel(_arr(v)) for v in x], indexing=indexing))


def slogdet(x):
    x = _arr(x)
    dtype = _float_of(dtype_name(x))
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise OpInputError(
            "ops.slogdet needs square matrices.",
            expected="shape (..., N, N)",
            received=f"shape {tuple(x.shape)}",
        )
    sign_, logdet = jnp.linalg.slogdet(cast(x, dtype))
    return _ret(sign_, dtype), _ret(logdet, dtype)


__all__ = sorted(
    name
    for name, value in list(globals().items())
    if not name.startswith("_")
    and callable(value)
    and name
    not in (
        "cast",
        "canon",
        "concrete",
        "dtype_name",
        "float_of",
        "is_traced",
        "promote",
        "real_of",
        "rtype",
        "to_array",
        "weak",
        "standardize_dtype",
        "floatx",
    )
)
