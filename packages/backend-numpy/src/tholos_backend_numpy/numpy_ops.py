"""The numpy-like op family (:class:`tholos.backend.contract.numpy_ops.NumpyOps`) in NumPy.

Every function is written with ``autograd.numpy`` so that autograd can differentiate it, and
returns the dtype :mod:`tholos.backend.dtypes` prescribes (NumPy's own promotion is never
trusted: results are cast explicitly). Ops that are not differentiable work on unboxed values
(``getval``) so they never leave a half-traced value behind.
"""

from __future__ import annotations

import builtins
import functools
import math as _math

import autograd.numpy as anp
import numpy as np
from autograd.extend import defvjp, primitive
from autograd.tracer import getval

from tholos.backend.common import axes as _axes
from tholos.backend.dtypes import (
    COMPLEX_TYPES,
    FLOAT_TYPES,
    INT_TYPES,
    floatx,
    result_type,
    standardize_dtype,
)
from tholos.errors import DtypeError, OpInputError, OpTypeError, TholosError
from tholos_backend_numpy._convert import cast, dtype_name, is_traced, to_array
from tholos_backend_numpy._windows import select as _select

_PY_SCALARS = (bool, int, float, complex)

# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _arr(x, dtype=None):
    """An ndarray (or autograd box) for ``x``; NumPy scalars keep their own dtype."""
    if isinstance(x, np.generic):
        x = np.asarray(x)
    return to_array(x, dtype)


def _weak(x):
    """Python scalars stay Python scalars (weakly typed); everything else becomes an array."""
    if isinstance(x, _PY_SCALARS) and not isinstance(x, np.generic):
        return x
    return _arr(x)


def _ret(x, dtype):
    """Make ``x`` an ndarray (not a NumPy scalar) of ``dtype``."""
    if not is_traced(x):
        x = np.asarray(x)
    return cast(x, dtype)


def _float_of(dtype: str) -> str:
    """The float dtype a transcendental op returns for input ``dtype``."""
    dtype = standardize_dtype(dtype)
    if dtype in COMPLEX_TYPES or dtype in FLOAT_TYPES:
        return dtype
    return floatx()


def _promote(*xs):
    """Arrays of the common result dtype of ``xs`` (Python scalars are weak), and that dtype."""
    xs = [_weak(x) for x in xs]
    dtype = result_type(*xs)
    return [cast(x, dtype) for x in xs], dtype


def _axis(axis):
    if isinstance(axis, list):
        return tuple(axis)
    return axis


_norm_axes = _axes.normalize_axes


def _reduced_size(shape, axes) -> int:
    return int(np.prod([shape[a] for a in axes], dtype=np.int64)) if axes else 1


def _sum_dtype(dtype: str) -> str:
    if dtype in ("bool", "int8", "int16"):
        return "int32"
    if dtype in ("uint8", "uint16"):
        return "uint32"
    return dtype


def _accum_dtype(dtype: str) -> str:
    """Precision to compute float results in before rounding once to ``dtype``.

    This backend is the reference: NumPy's float32 kernels are not correctly rounded
    (``log10(float32(100))`` is ``2.0000002``), so floats compute in float64 and complex in
    complex128; other dtypes compute as they are.
    """
    if dtype in FLOAT_TYPES:
        return "float64"
    if dtype in COMPLEX_TYPES:
        return "complex128"
    return dtype


def _require_int(op: str, *dtypes: str) -> None:
    for d in dtypes:
        if d not in INT_TYPES and d != "bool":
            raise DtypeError(
                f"ops.{op} needs integer or bool tensors.",
                expected="integer or bool dtypes",
                received=f"dtype {d}",
                hint="Cast with ops.cast(x, 'int32') first.",
            )


def _describe(value) -> str:
    if isinstance(value, np.ndarray) or is_traced(value):
        return f"tensor(shape={tuple(np.shape(getval(value)))}, dtype={dtype_name(value)})"
    if isinstance(value, (list, tuple)):
        if len(value) > 4:
            return f"{type(value).__name__} of length {len(value)}"
        inner = ", ".join(_describe(v) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _guard(fn):
    """Turn NumPy's errors on bad input into tholos errors naming the op."""
    name = fn.__name__

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except TholosError:
            raise
        except (ValueError, IndexError, ZeroDivisionError, TypeError) as err:
            if isinstance(err, TypeError) and err.__traceback__.tb_next is None:
                raise  # wrong call signature: leave Python's own message
            received = ", ".join(
                [_describe(a) for a in args] + [f"{k}={_describe(v)}" for k, v in kwargs.items()]
            )
            cls = OpTypeError if isinstance(err, TypeError) else OpInputError
            raise cls(
                f"ops.{name}: {err}",
                expected=f"arguments valid for ops.{name} (see its docstring)",
                received=received,
                hint="Check shapes, axes and dtypes of the arguments.",
            ) from err

    return wrapper


# --------------------------------------------------------------------------------------------
# custom primitives
# --------------------------------------------------------------------------------------------


@primitive
def _cumprod(x, axis):
    return np.cumprod(x, axis=axis)


def _cumprod_vjp(ans, x, axis):
    def vjp(g):
        if np.all(x != 0):
            rev = np.flip(np.cumsum(np.flip(g * ans, axis), axis), axis)
            return rev / x
        # General case (zeros present): d out_j / d x_i = prod_{k <= j, k != i} x_k.
        xm = np.moveaxis(x, axis, -1)
        gm = np.moveaxis(g, axis, -1)
        n = xm.shape[-1]
        rep = np.repeat(xm[..., None, :], n, axis=-2).copy()
        idx = np.arange(n)
        rep[..., idx, idx] = 1
        prods = np.cumprod(rep, axis=-1)
        mask = np.triu(np.ones((n, n), dtype=bool))
        grad = np.sum(gm[..., None, :] * prods * mask, axis=-1)
        return np.moveaxis(grad, -1, axis)

    return vjp


defvjp(_cumprod, _cumprod_vjp)


@primitive
def _cbrt(x):
    return np.cbrt(x)


defvjp(_cbrt, lambda ans, x: lambda g: g / (3 * ans * ans))


@primitive
def _ldexp(x, e):
    return np.ldexp(x, e).astype(x.dtype)


defvjp(_ldexp, lambda ans, x, e: lambda g: np.ldexp(g, e).astype(g.dtype))


def _bcast(x, shape):
    """``broadcast_to`` that autograd can differentiate also when leading axes are added."""
    shape = tuple(shape)
    xshape = np.shape(getval(x))
    if xshape == shape:
        return x
    if len(xshape) < len(shape):
        x = anp.reshape(x, (1,) * (len(shape) - len(xshape)) + tuple(xshape))
    return anp.broadcast_to(x, shape)


def _diagonal(x, offset, axis1, axis2):
    """NumPy's ``diagonal`` through indexing (differentiable for any offset and axes)."""
    nd = x.ndim
    axis1, axis2 = axis1 % nd, axis2 % nd
    if axis1 == axis2:
        raise OpInputError(
            "ops.diagonal: axis1 and axis2 must differ.",
            expected="two different axes",
            received=f"axis1={axis1}, axis2={axis2}",
        )
    x = anp.moveaxis(x, [axis1, axis2], [-2, -1])
    n, m = x.shape[-2], x.shape[-1]
    if offset >= 0:
        length = builtins.max(0, builtins.min(n, m - offset))
        rows = np.arange(length)
        cols = rows + offset
    else:
        length = builtins.max(0, builtins.min(n + offset, m))
        cols = np.arange(length)
        rows = cols - offset
    return x[..., rows, cols]


def _gather(x, indices, axis):
    """``x`` indexed by integer ``indices`` along ``axis`` (differentiable through getitem)."""
    return x[(slice(None),) * axis + (indices,)]


# --------------------------------------------------------------------------------------------
# element-wise unary
# --------------------------------------------------------------------------------------------


def _unary_float(fn):
    def run(x):
        x = _arr(x)
        dtype = _float_of(dtype_name(x))
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return _ret(fn(cast(x, _accum_dtype(dtype))), dtype)

    return run


def absolute(x):
    x = _arr(x)
    dtype = dtype_name(x)
    if dtype == "bool":
        return _ret(getval(x), dtype)
    out = anp.absolute(x)
    return _ret(
        out, "float32" if dtype == "complex64" else "float64" if dtype == "complex128" else dtype
    )


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
    return _ret(anp.negative(x), dtype_name(x))


def sign(x):
    x = getval(_arr(x))
    if dtype_name(x) == "bool":
        return _ret(x, "bool")
    return _ret(np.sign(x), dtype_name(x))


def square(x):
    x = _arr(x)
    dtype = "int32" if dtype_name(x) == "bool" else dtype_name(x)
    x = cast(x, dtype)
    return _ret(x * x, dtype)


def sqrt(x):
    return _unary_float(anp.sqrt)(x)


def cbrt(x):
    return _unary_float(_cbrt)(x)


def reciprocal(x):
    x = _arr(x)
    dtype = _float_of(dtype_name(x))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return _ret(1.0 / cast(x, dtype), dtype)


def exp(x):
    return _unary_float(anp.exp)(x)


def exp2(x):
    return _unary_float(anp.exp2)(x)


def expm1(x):
    return _unary_float(anp.expm1)(x)


def log(x):
    return _unary_float(anp.log)(x)


def log10(x):
    return _unary_float(anp.log10)(x)


def log1p(x):
    return _unary_float(anp.log1p)(x)


def log2(x):
    return _unary_float(anp.log2)(x)


def sin(x):
    return _unary_float(anp.sin)(x)


def cos(x):
    return _unary_float(anp.cos)(x)


def tan(x):
    return _unary_float(anp.tan)(x)


def arcsin(x):
    return _unary_float(anp.arcsin)(x)


def arccos(x):
    return _unary_float(anp.arccos)(x)


def arctan(x):
    return _unary_float(anp.arctan)(x)


def sinh(x):
    return _unary_float(anp.sinh)(x)


def cosh(x):
    return _unary_float(anp.cosh)(x)


def tanh(x):
    return _unary_float(anp.tanh)(x)


def arcsinh(x):
    return _unary_float(anp.arcsinh)(x)


def arccosh(x):
    return _unary_float(anp.arccosh)(x)


def arctanh(x):
    return _unary_float(anp.arctanh)(x)


def deg2rad(x):
    return _unary_float(anp.deg2rad)(x)


def floor(x):
    x = getval(_arr(x))
    dtype = _float_of(dtype_name(x))
    return _ret(np.floor(cast(x, dtype)), dtype)


def ceil(x):
    x = getval(_arr(x))
    dtype = _float_of(dtype_name(x))
    return _ret(np.ceil(cast(x, dtype)), dtype)


def trunc(x):
    x = getval(_arr(x))
    dtype = dtype_name(x)
    if dtype == "bool" or dtype in INT_TYPES:
        return _ret(x, dtype)
    return _ret(np.trunc(x), dtype)


def round(x, decimals=0):
    x = getval(_arr(x))
    dtype = dtype_name(x)
    if dtype == "bool":
        return _ret(x, dtype)
    return _ret(np.round(x, decimals=decimals), dtype)


def angle(x):
    x = _arr(x)
    dtype = dtype_name(x)
    out_dtype = {"complex64": "float32", "complex128": "float64"}.get(dtype, _float_of(dtype))
    return _ret(anp.angle(cast(x, _accum_dtype(_float_of(dtype)))), out_dtype)


def conjugate(x):
    x = _arr(x)
    return _ret(anp.conjugate(x), dtype_name(x))


def conj(x):
    return conjugate(x)


def real(x):
    x = _arr(x)
    dtype = dtype_name(x)
    out_dtype = {"complex64": "float32", "complex128": "float64"}.get(dtype, dtype)
    return _ret(anp.real(x), out_dtype)


def imag(x):
    x = _arr(x)
    dtype = dtype_name(x)
    out_dtype = {"complex64": "float32", "complex128": "float64"}.get(dtype, dtype)
    return _ret(anp.imag(x), out_dtype)


def copy(x):
    x = _arr(x)
    if is_traced(x):
        return x + anp.zeros((), dtype=dtype_name(x)) if dtype_name(x) != "bool" else x
    return np.array(x, copy=True)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x = _arr(x)
    dtype = dtype_name(x)
    if dtype not in FLOAT_TYPES:
        return x
    info = np.finfo(dtype)
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf
    raw = getval(x)
    out = anp.where(np.isnan(raw), np.asarray(nan, dtype), x)
    out = anp.where(np.isposinf(raw), np.asarray(posinf, dtype), out)
    out = anp.where(np.isneginf(raw), np.asarray(neginf, dtype), out)
    return _ret(out, dtype)


def _predicate(fn):
    def run(x):
        return _ret(fn(getval(_arr(x))), "bool")

    return run


def isnan(x):
    return _predicate(np.isnan)(x)


def isinf(x):
    return _predicate(np.isinf)(x)


def isfinite(x):
    return _predicate(np.isfinite)(x)


def isneginf(x):
    return _predicate(lambda v: np.isneginf(v) if v.dtype.kind != "c" else np.zeros(v.shape, bool))(
        x
    )


def isposinf(x):
    return _predicate(lambda v: np.isposinf(v) if v.dtype.kind != "c" else np.zeros(v.shape, bool))(
        x
    )


def isreal(x):
    return _predicate(np.isreal)(x)


def signbit(x):
    return _predicate(np.signbit)(x)


def logical_not(x):
    return _predicate(np.logical_not)(x)


def bitwise_invert(x):
    x = getval(_arr(x))
    _require_int("bitwise_invert", dtype_name(x))
    return _ret(np.invert(x), dtype_name(x))


def bitwise_not(x):
    return bitwise_invert(x)


# --------------------------------------------------------------------------------------------
# element-wise binary
# --------------------------------------------------------------------------------------------


def add(x1, x2):
    (a, b), dtype = _promote(x1, x2)
    if dtype == "bool":
        return _ret(np.logical_or(getval(a), getval(b)), dtype)
    return _ret(anp.add(a, b), dtype)


def subtract(x1, x2):
    (a, b), dtype = _promote(x1, x2)
    if dtype == "bool":
        raise DtypeError(
            "ops.subtract is not defined for two bool tensors.",
            expected="numeric tensors",
            received="bool and bool",
            hint="Use ops.logical_xor, or cast to an integer dtype first.",
        )
    return _ret(anp.subtract(a, b), dtype)


def multiply(x1, x2):
    (a, b), dtype = _promote(x1, x2)
    if dtype == "bool":
        return _ret(np.logical_and(getval(a), getval(b)), dtype)
    return _ret(anp.multiply(a, b), dtype)


def divide(x1, x2):
    xs, dtype = _promote(x1, x2)
    dtype = _float_of(dtype)
    a, b = (cast(x, dtype) for x in xs)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _ret(anp.divide(a, b), dtype)


def true_divide(x1, x2):
    return divide(x1, x2)


def divide_no_nan(x1, x2):
    xs, dtype = _promote(x1, x2)
    dtype = _float_of(dtype)
    a, b = (cast(x, dtype) for x in xs)
    zero = getval(b) == 0
    safe = anp.where(zero, np.ones((), dtype), b)
    return _ret(anp.where(zero, np.zeros((), dtype), a / safe), dtype)


def floor_divide(x1, x2):
    (a, b), dtype = _promote(x1, x2)
    if dtype == "bool":
        dtype = "int32"
    with np.errstate(divide="ignore", invalid="ignore"):
        return _ret(np.floor_divide(cast(getval(a), dtype), cast(getval(b), dtype)), dtype)


def mod(x1, x2):
    (a, b), dtype = _promote(x1, x2)
    if dtype == "bool":
        dtype = "int32"
        a, b = cast(a, dtype), cast(b, dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _ret(anp.remainder(a, b), dtype)


def power(x1, x2):
    (a, b), dtype = _promote(x1, x2)
    if dtype == "bool":
        return _ret(np.logical_or(getval(a), np.logical_not(getval(b))), dtype)
    hi = _accum_dtype(dtype)
    return _ret(anp.power(cast(a, hi), cast(b, hi)), dtype)


def maximum(x1, x2):
    (a, b), dtype = _promote(x1, x2)
    return _ret(anp.maximum(a, b), dtype)


def minimum(x1, x2):
    (a, b), dtype = _promote(x1, x2)
    return _ret(anp.minimum(a, b), dtype)


def _binary_float(fn):
    def run(x1, x2):
        xs, dtype = _promote(x1, x2)
        dtype = _float_of(dtype)
        a, b = (cast(x, _accum_dtype(dtype)) for x in xs)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return _ret(fn(a, b), dtype)

    return run


def arctan2(x1, x2):
    return _binary_float(anp.arctan2)(x1, x2)


def hypot(x1, x2):
    return _binary_float(anp.hypot)(x1, x2)


def logaddexp(x1, x2):
    return _binary_float(anp.logaddexp)(x1, x2)


def logaddexp2(x1, x2):
    return _binary_float(anp.logaddexp2)(x1, x2)


def heaviside(x1, x2):
    return _binary_float(lambda a, b: np.heaviside(getval(a), getval(b)))(x1, x2)


def nextafter(x1, x2):
    xs, dtype = _promote(x1, x2)
    dtype = _float_of(dtype)
    a, b = (cast(getval(x), dtype) for x in xs)
    return _ret(np.nextafter(a, b), dtype)


def ldexp(x1, x2):
    e = getval(_arr(x2))
    if dtype_name(e) not in INT_TYPES:
        raise DtypeError(
            "ops.ldexp needs an integer exponent.",
            expected="x2 of an integer dtype",
            received=f"x2 of dtype {dtype_name(e)}",
        )
    x = _arr(x1)
    dtype = _float_of(result_type(x, e))
    x = cast(x, dtype)
    shape = np.broadcast_shapes(np.shape(getval(x)), e.shape)
    x = _bcast(x, shape)
    return _ret(_ldexp(x, np.broadcast_to(e, shape)), dtype)


def _compare(fn):
    def run(x1, x2):
        (a, b), _ = _promote(x1, x2)
        return _ret(fn(getval(a), getval(b)), "bool")

    return run


def equal(x1, x2):
    return _compare(np.equal)(x1, x2)


def not_equal(x1, x2):
    return _compare(np.not_equal)(x1, x2)


def greater(x1, x2):
    return _compare(np.greater)(x1, x2)


def greater_equal(x1, x2):
    return _compare(np.greater_equal)(x1, x2)


def less(x1, x2):
    return _compare(np.less)(x1, x2)


def less_equal(x1, x2):
    return _compare(np.less_equal)(x1, x2)


def logical_and(x1, x2):
    return _compare(np.logical_and)(x1, x2)


def logical_or(x1, x2):
    return _compare(np.logical_or)(x1, x2)


def logical_xor(x1, x2):
    return _compare(np.logical_xor)(x1, x2)


def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    (a, b), _ = _promote(x1, x2)
    return _ret(np.isclose(getval(a), getval(b), rtol=rtol, atol=atol, equal_nan=equal_nan), "bool")


def _bitwise(fn, name):
    def run(x, y):
        (a, b), dtype = _promote(x, y)
        _require_int(name, dtype)
        return _ret(fn(getval(a), getval(b)), dtype)

    return run


def bitwise_and(x, y):
    return _bitwise(np.bitwise_and, "bitwise_and")(x, y)


def bitwise_or(x, y):
    return _bitwise(np.bitwise_or, "bitwise_or")(x, y)


def bitwise_xor(x, y):
    return _bitwise(np.bitwise_xor, "bitwise_xor")(x, y)


def bitwise_left_shift(x, y):
    return _bitwise(np.left_shift, "bitwise_left_shift")(x, y)


def bitwise_right_shift(x, y):
    return _bitwise(np.right_shift, "bitwise_right_shift")(x, y)


def left_shift(x, y):
    return bitwise_left_shift(x, y)


def right_shift(x, y):
    return bitwise_right_shift(x, y)


def gcd(x1, x2):
    return _bitwise(np.gcd, "gcd")(x1, x2)


def lcm(x1, x2):
    return _bitwise(np.lcm, "lcm")(x1, x2)


def clip(x, x_min, x_max):
    x = _arr(x)
    dtype = "int32" if dtype_name(x) == "bool" else dtype_name(x)
    x = cast(x, dtype)
    lo = getval(_arr(x_min)) if not isinstance(x_min, _PY_SCALARS) else x_min
    hi = getval(_arr(x_max)) if not isinstance(x_max, _PY_SCALARS) else x_max
    out = anp.clip(x, lo, hi) if is_traced(x) else np.clip(x, lo, hi)
    return _ret(out, dtype)


# --------------------------------------------------------------------------------------------
# reductions
# --------------------------------------------------------------------------------------------


def all(x, axis=None, keepdims=False):
    x = getval(_arr(x))
    return _ret(np.all(x, axis=_axis(axis), keepdims=keepdims), "bool")


def any(x, axis=None, keepdims=False):
    x = getval(_arr(x))
    return _ret(np.any(x, axis=_axis(axis), keepdims=keepdims), "bool")


def _extremum(x, axis, keepdims, initial, op, fn, combine):
    x = _arr(x)
    dtype = dtype_name(x)
    axes = _norm_axes(axis, x.ndim, op)
    if (_reduced_size(x.shape, axes) == 0 and x.ndim > 0) or (x.size == 0 and axis is None):
        shape = _axes.empty_reduction_shape(x.shape, axes, keepdims, initial, axis, op)
        return np.full(shape, initial, dtype=dtype)
    out = fn(x, axis=_axis(axis), keepdims=keepdims)
    if initial is not None:
        out = combine(out, cast(_arr(initial), dtype))
    return _ret(out, dtype)


def max(x, axis=None, keepdims=False, initial=None):
    return _extremum(x, axis, keepdims, initial, "max", anp.max, anp.maximum)


def min(x, axis=None, keepdims=False, initial=None):
    return _extremum(x, axis, keepdims, initial, "min", anp.min, anp.minimum)


def amax(x, axis=None, keepdims=False):
    return _extremum(x, axis, keepdims, None, "amax", anp.max, anp.maximum)


def amin(x, axis=None, keepdims=False):
    return _extremum(x, axis, keepdims, None, "amin", anp.min, anp.minimum)


def ptp(x, axis=None, keepdims=False):
    x = _arr(x)
    return subtract(amax(x, axis, keepdims), amin(x, axis, keepdims))


def nanmax(x, axis=None, keepdims=False):
    x = _arr(x)
    dtype = dtype_name(x)
    if dtype not in FLOAT_TYPES:
        return amax(x, axis, keepdims)
    raw = getval(x)
    filled = anp.where(np.isnan(raw), np.asarray(-np.inf, dtype), x)
    out = _extremum(filled, axis, keepdims, None, "nanmax", anp.max, anp.maximum)
    allnan = np.all(np.isnan(raw), axis=_axis(axis), keepdims=keepdims)
    return _ret(anp.where(allnan, np.asarray(np.nan, dtype), out), dtype)


def nanmin(x, axis=None, keepdims=False):
    x = _arr(x)
    dtype = dtype_name(x)
    if dtype not in FLOAT_TYPES:
        return amin(x, axis, keepdims)
    raw = getval(x)
    filled = anp.where(np.isnan(raw), np.asarray(np.inf, dtype), x)
    out = _extremum(filled, axis, keepdims, None, "nanmin", anp.min, anp.minimum)
    allnan = np.all(np.isnan(raw), axis=_axis(axis), keepdims=keepdims)
    return _ret(anp.where(allnan, np.asarray(np.nan, dtype), out), dtype)


def sum(x, axis=None, keepdims=False):
    x = _arr(x)
    dtype = _sum_dtype(dtype_name(x))
    _norm_axes(axis, x.ndim, "sum")
    x = cast(x, _accum_dtype(dtype))
    return _ret(anp.sum(x, axis=_axis(axis), keepdims=keepdims), dtype)


def nansum(x, axis=None, keepdims=False):
    x = _arr(x)
    if dtype_name(x) in FLOAT_TYPES:
        x = anp.where(np.isnan(getval(x)), np.zeros((), dtype_name(x)), x)
    return sum(x, axis=axis, keepdims=keepdims)


def prod(x, axis=None, keepdims=False, dtype=None):
    x = _arr(x)
    out_dtype = standardize_dtype(dtype) if dtype is not None else _sum_dtype(dtype_name(x))
    _norm_axes(axis, x.ndim, "prod")
    x = cast(x, _accum_dtype(out_dtype))
    return _ret(anp.prod(x, axis=_axis(axis), keepdims=keepdims), out_dtype)


def mean(x, axis=None, keepdims=False):
    x = _arr(x)
    dtype = _float_of(dtype_name(x))
    _norm_axes(axis, x.ndim, "mean")
    x = cast(x, _accum_dtype(dtype))
    with np.errstate(invalid="ignore", divide="ignore"):
        return _ret(anp.mean(x, axis=_axis(axis), keepdims=keepdims), dtype)


def var(x, axis=None, keepdims=False):
    x = _arr(x)
    dtype = _float_of(dtype_name(x))
    _norm_axes(axis, x.ndim, "var")
    x = cast(x, _accum_dtype(dtype))
    centered = x - anp.mean(x, axis=_axis(axis), keepdims=True)
    sq = anp.real(centered * anp.conj(centered)) if dtype in COMPLEX_TYPES else centered * centered
    with np.errstate(invalid="ignore", divide="ignore"):
        out = anp.mean(sq, axis=_axis(axis), keepdims=keepdims)
    return _ret(out, {"complex64": "float32", "complex128": "float64"}.get(dtype, dtype))


def std(x, axis=None, keepdims=False):
    v = var(x, axis=axis, keepdims=keepdims)
    return _ret(anp.sqrt(v), dtype_name(v))


def average(x, axis=None, weights=None):
    x = _arr(x)
    if weights is None:
        return mean(x, axis=axis)
    w = _arr(weights)
    dtype = _float_of(result_type(x, w))
    x, w = cast(x, _accum_dtype(dtype)), cast(w, _accum_dtype(dtype))
    if w.shape != x.shape:
        if axis is None:
            raise OpInputError(
                "ops.average: `axis` must be given when `weights` and `x` differ in shape.",
                expected="weights.shape == x.shape, or a 1-D weights with `axis`",
                received=f"x.shape={x.shape}, weights.shape={w.shape}",
            )
        ax = _norm_axes(axis, x.ndim, "average")
        if w.ndim != 1 or len(ax) != 1 or w.shape[0] != x.shape[ax[0]]:
            raise OpInputError(
                "ops.average: 1-D `weights` must match the length of `x` along `axis`.",
                expected=f"weights of shape ({x.shape[ax[0]] if len(ax) == 1 else '?'},)",
                received=f"weights.shape={w.shape}, axis={axis!r}",
            )
        shape = [1] * x.ndim
        shape[ax[0]] = w.shape[0]
        w = anp.reshape(w, shape)
    num = anp.sum(x * w, axis=_axis(axis))
    den = anp.sum(_bcast(w, x.shape), axis=_axis(axis))
    with np.errstate(invalid="ignore", divide="ignore"):
        return _ret(num / den, dtype)


def count_nonzero(x, axis=None):
    x = getval(_arr(x))
    return _ret(np.count_nonzero(x, axis=_axis(axis)), "int32")


def argmax(x, axis=None, keepdims=False):
    x = getval(_arr(x))
    return _ret(np.argmax(x, axis=axis, keepdims=keepdims), "int32")


def argmin(x, axis=None, keepdims=False):
    x = getval(_arr(x))
    return _ret(np.argmin(x, axis=axis, keepdims=keepdims), "int32")


def cumsum(x, axis=None, dtype=None):
    x = _arr(x)
    out_dtype = standardize_dtype(dtype) if dtype is not None else dtype_name(x)
    if out_dtype == "bool":
        out_dtype = "int32"
    x = cast(x, _accum_dtype(out_dtype))
    if axis is None:
        x, axis = anp.ravel(x), 0
    _norm_axes(axis, x.ndim, "cumsum")
    return _ret(anp.cumsum(x, axis=axis), out_dtype)


def cumprod(x, axis=None, dtype=None):
    x = _arr(x)
    out_dtype = standardize_dtype(dtype) if dtype is not None else dtype_name(x)
    if out_dtype == "bool":
        out_dtype = "int32"
    x = cast(x, _accum_dtype(out_dtype))
    if axis is None:
        x, axis = anp.ravel(x), 0
    axis = _norm_axes(axis, x.ndim, "cumprod")[0]
    return _ret(_cumprod(x, axis), out_dtype)


_QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(x, q, axis, method, keepdims, op):
    if method not in _QUANTILE_METHODS:
        raise OpInputError(
            f"ops.{op}: unknown interpolation method.",
            expected=f"one of {_QUANTILE_METHODS}",
            received=repr(method),
        )
    x = _arr(x)
    in_dtype = dtype_name(x)
    dtype = _float_of(in_dtype)
    x = cast(x, _accum_dtype(dtype))
    q_in = q  # may be traced: the linear method is differentiable in q too
    q = getval(q)
    qv = np.asarray(q if isinstance(q, (list, tuple, float, int)) else _arr(q), dtype="float64")
    if np.any((qv < 0) | (qv > 1)) or np.any(np.isnan(qv)):
        raise OpInputError(
            f"ops.{op}: quantiles must be in [0, 1].",
            expected="0 <= q <= 1",
            received=f"q={qv.tolist()}",
        )
    axes = _norm_axes(axis, x.ndim, op)
    other = [a for a in builtins.range(x.ndim) if a not in axes]
    n = _reduced_size(x.shape, axes)
    if n == 0:
        raise OpInputError(
            f"ops.{op}: cannot take a quantile of an empty tensor.",
            expected="at least one element along the reduced axes",
            received=f"shape {x.shape}, axis={axis!r}",
        )
    other_shape = [x.shape[a] for a in other]
    xt = anp.reshape(anp.transpose(x, other + list(axes)), [*other_shape, n])
    order = np.argsort(getval(xt), axis=-1, kind="stable")
    xs = _take_along(xt, order, xt.ndim - 1)
    pos = qv * (n - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.ceil(pos).astype(np.int64)
    lo_v, hi_v = xs[..., lo], xs[..., hi]
    if method == "lower":
        out = lo_v
    elif method == "higher":
        out = hi_v
    elif method == "midpoint":
        out = (lo_v + hi_v) * 0.5
    elif method == "nearest":
        out = xs[..., np.around(pos).astype(np.int64)]
    else:
        t = pos - lo
        if is_traced(q_in):  # same value, but carrying q's gradient: d out / dq = diff * (n-1)
            t = cast(_arr(q_in), dtype_name(x)) * (n - 1) - lo
        diff = hi_v - lo_v
        upper = getval(t) >= 0.5  # the branch closer to the result's end, for exactness
        out = anp.where(upper, hi_v - diff * (1 - t), lo_v + diff * t)
    nan_rows = np.any(np.isnan(getval(xt)), axis=-1) if dtype in FLOAT_TYPES else None
    if nan_rows is not None and nan_rows.any():
        mask = nan_rows.reshape(nan_rows.shape + (1,) * qv.ndim)
        out = anp.where(mask, np.nan, out)
    nk = len(other_shape)
    if qv.ndim:
        out = anp.moveaxis(
            out, list(builtins.range(nk, nk + qv.ndim)), list(builtins.range(qv.ndim))
        )
    if keepdims:
        keep = [1 if a in axes else d for a, d in enumerate(x.shape)]
        out = anp.reshape(out, list(qv.shape) + keep)
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
            received=f"shape {x.shape}",
        )
    d = _diagonal(cast(x, _accum_dtype(dtype)), offset, axis1, axis2)
    return _ret(anp.sum(d, axis=-1), dtype)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    y = _arr(y)
    dtype = _float_of(dtype_name(y) if x is None else result_type(y, _arr(x)))
    hi = _accum_dtype(dtype)
    y = anp.moveaxis(cast(y, hi), axis, -1)
    if x is None:
        d = cast(_arr(dx), hi) if not isinstance(dx, _PY_SCALARS) else np.asarray(dx, hi)
    else:
        xv = cast(_arr(x), hi)
        xv = anp.moveaxis(xv, axis, -1) if xv.ndim > 1 else xv
        d = xv[..., 1:] - xv[..., :-1]
    return _ret(anp.sum(d * (y[..., 1:] + y[..., :-1]) / 2.0, axis=-1), dtype)


def corrcoef(x):
    x = _arr(x)
    dtype = _float_of(dtype_name(x))
    x = cast(x, _accum_dtype(dtype))
    one_d = x.ndim == 1
    x2 = anp.reshape(x, (1, -1)) if one_d else x
    xm = x2 - anp.mean(x2, axis=1, keepdims=True)
    c = anp.dot(xm, anp.transpose(anp.conj(xm)) if dtype in COMPLEX_TYPES else anp.transpose(xm))
    d = anp.sqrt(anp.real(_diagonal(c, 0, 0, 1)))
    with np.errstate(invalid="ignore", divide="ignore"):
        c = c / d[:, None] / d[None, :]
    if dtype not in COMPLEX_TYPES:
        c = anp.clip(c, -1.0, 1.0)
    if one_d:
        c = anp.reshape(c, ())
    return _ret(c, dtype)


# --------------------------------------------------------------------------------------------
# products
# --------------------------------------------------------------------------------------------


def _int8_to_int32(dtypes_in, dtype):
    return "int32" if dtypes_in and builtins.all(d == "int8" for d in dtypes_in) else dtype


def matmul(x1, x2):
    a, b = _arr(x1), _arr(x2)
    dtype = _int8_to_int32([dtype_name(a), dtype_name(b)], result_type(a, b))
    a, b = cast(a, dtype), cast(b, dtype)
    if a.ndim == 0 or b.ndim == 0:
        raise OpInputError(
            "ops.matmul does not accept scalars.",
            expected="tensors of rank >= 1",
            received=f"shapes {a.shape} and {b.shape}",
            hint="Use ops.multiply for scalar products.",
        )
    ka = a.shape[-1]
    kb = b.shape[-2] if b.ndim > 1 else b.shape[0]
    if ka != kb:
        raise OpInputError(
            "ops.matmul: inner dimensions do not match.",
            expected="x1.shape[-1] == x2.shape[-2]",
            received=f"shapes {a.shape} and {b.shape}",
        )
    if dtype == "bool":
        return _ret(np.matmul(getval(a), getval(b)), dtype)
    return _ret(anp.matmul(a, b), dtype)


def dot(x1, x2):
    (a, b), dtype = _promote(_arr(x1), _arr(x2))
    return _ret(anp.dot(a, b), dtype)


def vdot(x1, x2):
    (a, b), dtype = _promote(_arr(x1), _arr(x2))
    a, b = anp.ravel(a), anp.ravel(b)
    if dtype in COMPLEX_TYPES:
        a = anp.conj(a)
    return _ret(anp.dot(a, b), dtype)


def inner(x1, x2):
    (a, b), dtype = _promote(_arr(x1), _arr(x2))
    if a.ndim == 0 or b.ndim == 0:
        return _ret(a * b, dtype)
    return _ret(anp.tensordot(a, b, axes=([-1], [-1])), dtype)


def outer(x1, x2):
    (a, b), dtype = _promote(_arr(x1), _arr(x2))
    return _ret(anp.ravel(a)[:, None] * anp.ravel(b)[None, :], dtype)


def tensordot(x1, x2, axes=2):
    (a, b), dtype = _promote(_arr(x1), _arr(x2))
    if isinstance(axes, (list, tuple)):
        axes = tuple(tuple(ax) if isinstance(ax, (list, tuple)) else ax for ax in axes)
    return _ret(anp.tensordot(a, b, axes=axes), dtype)


def einsum(subscripts, *operands, **kwargs):
    xs = [_arr(x) for x in operands]
    names = [dtype_name(x) for x in xs]
    dtype = _int8_to_int32(names, result_type(*xs))
    xs = [cast(x, dtype) for x in xs]
    kwargs.pop("optimize", None)
    if isinstance(subscripts, str):
        subscripts, xs = _einsum_take_diagonals(subscripts, xs)
    return _ret(anp.einsum(subscripts, *xs, **kwargs), dtype)


def _einsum_take_diagonals(subscripts: str, xs):
    """Rewrite ``subscripts`` so that no operand repeats a label (autograd cannot
    differentiate e.g. ``'ii->i'``): each repeated label becomes one diagonal, taken by
    indexing. The output is made explicit first, as NumPy's implicit mode would give it."""
    spec = subscripts.replace(" ", "")
    if "->" in spec:
        ins, out = spec.split("->")
    else:
        ins = spec
        letters = ins.replace(".", "").replace(",", "")
        out = ("..." if "..." in ins else "") + "".join(
            sorted(c for c in set(letters) if letters.count(c) == 1)
        )
    terms = ins.split(",")
    if len(terms) != len(xs) or not any(
        len(t.replace(".", "")) != len(set(t.replace(".", ""))) for t in terms
    ):
        return subscripts, xs
    new_terms, new_xs = [], []
    for term, x in zip(terms, xs):
        labels = term.replace(".", "")
        if len(labels) == len(set(labels)):
            new_terms.append(term)
            new_xs.append(x)
            continue
        # One token per axis: "..." spans the axes the explicit labels leave over.
        head, _, tail = term.partition("...")
        n_ell = x.ndim - len(labels) if "..." in term else 0
        tokens = list(head) + ["."] * n_ell + list(tail)
        if len(tokens) != x.ndim:
            return subscripts, xs  # let NumPy report the mismatch
        while True:
            seen = {}
            pair = None
            for i, t in enumerate(tokens):
                if t == ".":
                    continue
                if t in seen:
                    pair = (seen[t], i)
                    break
                seen[t] = i
            if pair is None:
                break
            if x.shape[pair[0]] != x.shape[pair[1]]:
                return subscripts, xs  # let NumPy report the size mismatch
            label = tokens[pair[0]]
            x = _diagonal(x, 0, pair[0], pair[1])  # the diagonal becomes the last axis
            tokens = [t for i, t in enumerate(tokens) if i not in pair] + [label]
        text = "".join(tokens)
        if "." in text:
            text = text.replace("." * text.count("."), "...", 1)
        elif "..." in term:  # an ellipsis over no axes: its place does not matter
            text = "..." + text
        new_terms.append(text)
        new_xs.append(x)
    return ",".join(new_terms) + "->" + out, new_xs


def kron(x1, x2):
    (a, b), dtype = _promote(_arr(x1), _arr(x2))
    return _ret(anp.kron(a, b), dtype)


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    (a, b), dtype = _promote(_arr(x1), _arr(x2))
    if axis is not None:
        axisa = axisb = axisc = axis
    for name, t, ax in (("x1", a, axisa), ("x2", b, axisb)):
        if t.ndim == 0 or not -t.ndim <= ax < t.ndim or t.shape[ax] not in (2, 3):
            raise OpInputError(
                "ops.cross: vectors must have 2 or 3 components.",
                expected=f"{name}.shape[{ax}] in (2, 3)",
                received=f"{name}.shape={t.shape}",
            )
    a, b = anp.moveaxis(a, axisa, -1), anp.moveaxis(b, axisb, -1)
    both_2d = a.shape[-1] == 2 and b.shape[-1] == 2
    a0, a1 = a[..., 0], a[..., 1]
    b0, b1 = b[..., 0], b[..., 1]
    z = a0 * b1 - a1 * b0
    if both_2d:
        return _ret(z, dtype)
    a2 = a[..., 2] if a.shape[-1] == 3 else None
    b2 = b[..., 2] if b.shape[-1] == 3 else None
    x = (a1 * b2 if b2 is not None else 0) - (a2 * b1 if a2 is not None else 0)
    y = (a2 * b0 if a2 is not None else 0) - (a0 * b2 if b2 is not None else 0)
    shape = np.broadcast_shapes(np.shape(getval(x)), np.shape(getval(y)), np.shape(getval(z)))
    parts = [_bcast(p, shape) for p in (x, y, z)]
    out = anp.stack(parts, axis=-1)
    return _ret(anp.moveaxis(out, -1, axisc), dtype)


def correlate(x1, x2, mode="valid"):
    (a, v), dtype = _promote(_arr(x1), _arr(x2))
    dtype = _float_of(dtype)
    a, v = cast(a, _accum_dtype(dtype)), cast(v, _accum_dtype(dtype))
    if a.ndim != 1 or v.ndim != 1 or a.shape[0] == 0 or v.shape[0] == 0:
        raise OpInputError(
            "ops.correlate needs two non-empty 1-D tensors.",
            expected="x1.ndim == x2.ndim == 1",
            received=f"shapes {a.shape} and {v.shape}",
        )
    if mode not in ("valid", "same", "full"):
        raise OpInputError(
            "ops.correlate: unknown mode.",
            expected="'valid', 'same' or 'full'",
            received=repr(mode),
        )
    swap = v.shape[0] > a.shape[0]
    if swap:  # numpy: correlate(a, v) == correlate(v, a)[::-1] (conjugated)
        a, v = v, a
    n, m = a.shape[0], v.shape[0]
    if dtype in COMPLEX_TYPES and not swap:
        v = anp.conj(v)
    if dtype in COMPLEX_TYPES and swap:
        a = anp.conj(a)
    if mode == "valid":
        left, right = 0, 0
    elif mode == "same":
        left = m // 2
        right = m - 1 - left
    else:
        left = right = m - 1
    if left or right:
        hi = _accum_dtype(dtype)
        a = anp.concatenate([np.zeros(left, hi), a, np.zeros(right, hi)])
    out_len = n + left + right - m + 1
    windows = a[np.arange(out_len)[:, None] + np.arange(m)[None, :]]
    out = anp.dot(windows, v)
    if swap:
        out = out[::-1]
    return _ret(out, dtype)


# --------------------------------------------------------------------------------------------
# creation
# --------------------------------------------------------------------------------------------


def _creation_dtype(dtype):
    return floatx() if dtype is None else standardize_dtype(dtype)


def _shape(shape, op):
    return _axes.shape_tuple(shape, op, lambda d: int(getval(d)))


def zeros(shape, dtype=None):
    return np.zeros(_shape(shape, "zeros"), dtype=_creation_dtype(dtype))


def ones(shape, dtype=None):
    return np.ones(_shape(shape, "ones"), dtype=_creation_dtype(dtype))


def empty(shape, dtype=None):
    return np.empty(_shape(shape, "empty"), dtype=_creation_dtype(dtype))


def full(shape, fill_value, dtype=None):
    dtype = _creation_dtype(dtype)
    fill = _arr(fill_value)
    shape = _shape(shape, "full")
    if is_traced(fill):
        return _ret(_bcast(cast(fill, dtype), shape), dtype)
    return np.full(shape, np.asarray(fill).astype(dtype), dtype=dtype)


def _like_dtype(x, dtype):
    return dtype_name(x) if dtype is None else standardize_dtype(dtype)


def zeros_like(x, dtype=None):
    x = _arr(x)
    return np.zeros(x.shape, dtype=_like_dtype(x, dtype))


def ones_like(x, dtype=None):
    x = _arr(x)
    return np.ones(x.shape, dtype=_like_dtype(x, dtype))


def empty_like(x, dtype=None):
    x = _arr(x)
    return np.empty(x.shape, dtype=_like_dtype(x, dtype))


def full_like(x, fill_value, dtype=None):
    x = _arr(x)
    return full(x.shape, fill_value, dtype=_like_dtype(x, dtype))


def array(x, dtype=None):
    if isinstance(x, (list, tuple)) and builtins.any(is_traced(v) for v in x):
        return stack([array(v, dtype) for v in x])
    x = _arr(x)
    if dtype is not None:
        x = cast(x, dtype)
    return x if is_traced(x) else np.array(x, copy=True)


def arange(start, stop=None, step=1, dtype=None):
    start, stop, step = (getval(v) for v in (start, stop, step))
    if dtype is None:
        parts = [_weak(start), _weak(step if step is not None else 1)]
        if stop is not None:
            parts.append(_weak(stop))
        dtype = result_type(*parts)
    dtype = standardize_dtype(dtype)
    if stop is None:
        start, stop = 0, start
    if step is None:
        step = 1
    if np.asarray(step) == 0:
        raise OpInputError(
            "ops.arange: step must not be zero.", expected="step != 0", received="step=0"
        )
    return np.arange(
        np.asarray(start).item(), np.asarray(stop).item(), np.asarray(step).item(), dtype=dtype
    )


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    if num < 0:
        raise OpInputError(
            "ops.linspace: num must be non-negative.", expected="num >= 0", received=f"num={num}"
        )
    start_a, stop_a = getval(_weak(start)), getval(_weak(stop))
    if dtype is None:
        dtype = _float_of(result_type(start_a, stop_a, 1.0))
    dtype = standardize_dtype(dtype)
    samples, step = np.linspace(
        np.asarray(start_a, "float64"),
        np.asarray(stop_a, "float64"),
        num=num,
        endpoint=endpoint,
        retstep=True,
        axis=axis,
    )
    if dtype in INT_TYPES:
        samples = np.floor(samples)
    out = samples.astype(dtype)
    if retstep:
        return out, np.asarray(step, dtype=_float_of(dtype))
    return out


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    start_a, stop_a = getval(_weak(start)), getval(_weak(stop))
    if dtype is None:
        dtype = _float_of(result_type(start_a, stop_a, 1.0))
    dtype = standardize_dtype(dtype)
    exps = np.linspace(
        np.asarray(start_a, "float64"),
        np.asarray(stop_a, "float64"),
        num=num,
        endpoint=endpoint,
        axis=axis,
    )
    out = np.power(np.asarray(base, "float64"), exps)
    if dtype in INT_TYPES:
        out = np.floor(out)
    return out.astype(dtype)


def eye(N, M=None, k=0, dtype=None):  # noqa: N803 (Keras' argument names)
    return np.eye(int(N), None if M is None else int(M), k=int(k), dtype=_creation_dtype(dtype))


def identity(n, dtype=None):
    return np.identity(int(n), dtype=_creation_dtype(dtype))


def tri(N, M=None, k=0, dtype=None):  # noqa: N803 (Keras' argument names)
    return np.tri(int(N), None if M is None else int(M), k=int(k), dtype=_creation_dtype(dtype))


def _window(fn, length, *args):
    length = int(getval(np.asarray(getval(length))))
    return fn(length, *args).astype(floatx())


def bartlett(x):
    return _window(np.bartlett, x)


def blackman(x):
    return _window(np.blackman, x)


def hamming(x):
    return _window(np.hamming, x)


def hanning(x):
    return _window(np.hanning, x)


def kaiser(x, beta):
    return _window(np.kaiser, x, float(getval(np.asarray(getval(beta)))))


# --------------------------------------------------------------------------------------------
# shapes and indexing
# --------------------------------------------------------------------------------------------


def ndim(x):
    return int(np.ndim(getval(_arr(x))))


def size(x):
    return int(np.size(getval(_arr(x))))


def reshape(x, newshape):
    x = _arr(x)
    shape = (
        (int(newshape),)
        if isinstance(newshape, (int, np.integer))
        else tuple(int(getval(d)) if d is not None else -1 for d in newshape)
    )
    _axes.reshape_target(x.size, shape, newshape, x.shape)  # checks; NumPy resolves the -1
    return anp.reshape(x, shape)


def ravel(x):
    return anp.ravel(_arr(x))


def transpose(x, axes=None):
    x = _arr(x)
    if axes is not None:
        axes = _axes.check_permutation(axes, x.ndim)
    return anp.transpose(x, axes)


def swapaxes(x, axis1, axis2):
    return anp.swapaxes(_arr(x), axis1, axis2)


def moveaxis(x, source, destination):
    x = _arr(x)
    source = list(source) if isinstance(source, (list, tuple)) else source
    destination = list(destination) if isinstance(destination, (list, tuple)) else destination
    return anp.moveaxis(x, source, destination)


def expand_dims(x, axis):
    x = _arr(x)
    return anp.reshape(x, _axes.expand_dims_shape(x.shape, axis))


def squeeze(x, axis=None):
    x = _arr(x)
    return anp.reshape(x, _axes.squeeze_shape(x.shape, axis))


def broadcast_to(x, shape):
    x = _arr(x)
    shape = _shape(shape, "broadcast_to")
    np.broadcast_shapes(x.shape, shape)  # raises on incompatible shapes
    if len(shape) < x.ndim:
        raise OpInputError(
            "ops.broadcast_to: the target shape has fewer dimensions than x.",
            expected=f"a shape of rank >= {x.ndim}",
            received=f"x.shape={x.shape}, shape={shape}",
        )
    return _bcast(x, shape)


def flip(x, axis=None):
    x = _arr(x)
    axes = _norm_axes(axis, x.ndim, "flip")
    index = tuple(
        slice(None, None, -1) if a in axes else slice(None) for a in builtins.range(x.ndim)
    )
    return x[index]


def _roll_axis(x, shift: int, axis: int):
    """``x`` rolled by ``shift`` along ``axis``: two slices and a concatenate (differentiable)."""
    n = x.shape[axis]
    shift = shift % n if n else 0
    if shift == 0:
        return x
    lead = (slice(None),) * axis
    return anp.concatenate(
        [x[lead + (slice(n - shift, n),)], x[lead + (slice(0, n - shift),)]], axis
    )


def roll(x, shift, axis=None):
    x = _arr(x)
    shift = getval(_arr(shift)) if not isinstance(shift, (int, tuple, list)) else shift
    if axis is None:
        total = int(np.sum(shift))  # NumPy: several shifts on the flattened tensor add up
        return anp.reshape(_roll_axis(anp.ravel(x), total, 0), x.shape)
    shifts, axes = np.broadcast_arrays(np.asarray(shift, "int64"), np.asarray(axis, "int64"))
    if shifts.ndim > 1:
        raise OpInputError(
            "ops.roll: `shift` and `axis` must be integers or 1-D sequences.",
            expected="an int or a sequence of ints for each",
            received=f"shift={shift!r}, axis={axis!r}",
        )
    for s, a in zip(shifts.reshape(-1).tolist(), axes.reshape(-1).tolist()):
        if not -x.ndim <= a < x.ndim:
            raise OpInputError(
                "ops.roll: axis out of range.",
                expected=f"-{x.ndim} <= axis < {x.ndim}",
                received=f"axis={axis!r} for shape {x.shape}",
            )
        x = _roll_axis(x, s, a % x.ndim)
    return x


def rot90(array, k=1, axes=(0, 1)):
    x = _arr(array)
    if x.ndim < 2:
        raise OpInputError(
            "ops.rot90 needs a tensor of rank 2 or more.",
            expected="array.ndim >= 2",
            received=f"shape {x.shape}",
        )
    axes = tuple(axes)
    if len(axes) != 2 or axes[0] % x.ndim == axes[1] % x.ndim:
        raise OpInputError(
            "ops.rot90: axes must be two different axes.",
            expected="e.g. (0, 1)",
            received=f"axes={axes!r}",
        )
    k = k % 4
    a0, a1 = axes[0] % x.ndim, axes[1] % x.ndim
    perm = list(builtins.range(x.ndim))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 0:
        return x
    if k == 2:
        return flip(x, axis=(a0, a1))
    if k == 1:
        return anp.transpose(flip(x, axis=a1), perm)
    return flip(anp.transpose(x, perm), axis=a1)


def tile(x, repeats):
    return anp.tile(_arr(x), repeats)


def repeat(x, repeats, axis=None):
    x = _arr(x)
    if axis is None:
        x, axis = anp.ravel(x), 0
    axis = _norm_axes(axis, x.ndim, "repeat")[0]
    reps = getval(_arr(repeats)) if not isinstance(repeats, int) else repeats
    index = np.repeat(np.arange(x.shape[axis]), reps)
    return _gather(x, index, axis)


def _concat_dtype(xs):
    return result_type(*xs) if xs else floatx()


def concatenate(xs, axis=0):
    xs = [_arr(x) for x in xs]
    if not xs:
        raise OpInputError(
            "ops.concatenate needs at least one tensor.", expected="a non-empty list", received="[]"
        )
    dtype = _concat_dtype(xs)
    xs = [cast(x, dtype) for x in xs]
    if axis is None:
        xs, axis = [anp.ravel(x) for x in xs], 0
    return _ret(anp.concatenate(xs, axis=axis), dtype)


def append(x1, x2, axis=None):
    return concatenate([x1, x2], axis=axis)


def stack(x, axis=0):
    xs = [_arr(v) for v in x]
    if not xs:
        raise OpInputError(
            "ops.stack needs at least one tensor.", expected="a non-empty list", received="[]"
        )
    dtype = _concat_dtype(xs)
    shapes = {v.shape for v in xs}
    if len(shapes) > 1:
        raise OpInputError(
            "ops.stack: all tensors must have the same shape.",
            expected="equal shapes",
            received=f"shapes {[v.shape for v in xs]}",
        )
    return _ret(anp.stack([cast(v, dtype) for v in xs], axis=axis), dtype)


def hstack(xs):
    xs = [_arr(x) for x in xs]
    dtype = _concat_dtype(xs)
    return _ret(anp.hstack([cast(x, dtype) for x in xs]), dtype)


def vstack(xs):
    xs = [_arr(x) for x in xs]
    dtype = _concat_dtype(xs)
    return _ret(anp.vstack([cast(x, dtype) for x in xs]), dtype)


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
    return list(anp.split(x, ios if isinstance(ios, int) else list(ios), axis=axis))


def array_split(x, indices_or_sections, axis=0):
    x = _arr(x)
    ios = indices_or_sections
    return list(anp.array_split(x, ios if isinstance(ios, int) else list(ios), axis=axis))


def diag(x, k=0):
    x = _arr(x)
    if x.ndim not in (1, 2):
        raise OpInputError(
            "ops.diag needs a 1-D or 2-D tensor.",
            expected="x.ndim in (1, 2)",
            received=f"shape {x.shape}",
        )
    if x.ndim == 2:
        return _diagonal(x, k, 0, 1)
    n = x.shape[0] + builtins.abs(k)
    rows = np.arange(x.shape[0]) + builtins.max(0, -k)
    cols = np.arange(x.shape[0]) + builtins.max(0, k)
    flat = rows * n + cols
    scatter = np.zeros((n * n, x.shape[0]), dtype=_accum_dtype(dtype_name(x)))
    scatter[flat, np.arange(x.shape[0])] = 1
    if not is_traced(x):
        out = np.zeros((n, n), dtype=x.dtype)
        out[rows, cols] = x
        return out
    return _ret(anp.reshape(anp.dot(scatter, x), (n, n)), dtype_name(x))


def diagflat(x, k=0):
    return diag(anp.ravel(_arr(x)), k=k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    x = _arr(x)
    if x.ndim < 2:
        raise OpInputError(
            "ops.diagonal needs a tensor of rank 2 or more.",
            expected="x.ndim >= 2",
            received=f"shape {x.shape}",
        )
    return _diagonal(x, offset, axis1, axis2)


def diff(a, n=1, axis=-1):
    x = _arr(a)
    if x.ndim == 0:
        raise OpInputError(
            "ops.diff needs a tensor of rank 1 or more.",
            expected="a.ndim >= 1",
            received="a scalar",
        )
    if dtype_name(x) == "bool":
        return _ret(np.diff(getval(x), n=n, axis=axis), "bool")
    axis = _norm_axes(axis, x.ndim, "diff")[0]
    for _ in builtins.range(n):
        x = anp.moveaxis(x, axis, -1)
        x = anp.moveaxis(x[..., 1:] - x[..., :-1], -1, axis)
    return x


def tril(x, k=0):
    return anp.tril(_arr(x), k=k)


def triu(x, k=0):
    return anp.triu(_arr(x), k=k)


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
    widths_t = tuple(tuple(int(v) for v in row) for row in widths)
    if mode == "constant":
        value = 0 if constant_values is None else getval(constant_values)
        value = np.asarray(value).astype(dtype)
        if is_traced(x):
            return _ret(anp.pad(x, widths_t, mode="constant", constant_values=value), dtype)
        return np.pad(x, widths_t, mode="constant", constant_values=value)
    index_modes = {
        "edge": "edge",
        "reflect": "reflect",
        "symmetric": "symmetric",
        "wrap": "wrap",
        "circular": "wrap",
    }
    if mode in index_modes:
        out = x
        for ax, (before, after) in enumerate(widths_t):
            if before or after:
                if x.shape[ax] == 0:
                    raise OpInputError(
                        f"ops.pad: cannot pad an empty axis with mode={mode!r}.",
                        expected="a non-empty axis",
                        received=f"shape {x.shape}",
                    )
                index = np.pad(np.arange(x.shape[ax]), (before, after), mode=index_modes[mode])
                out = _gather(out, index, ax)
        return _ret(out, dtype)
    if mode in ("linear_ramp", "maximum", "mean", "median", "minimum", "empty"):
        if is_traced(x):
            raise OpInputError(
                f"ops.pad: mode={mode!r} is not differentiable on the NumPy backend.",
                expected="a differentiable mode: constant, edge, reflect, symmetric or wrap",
                received=repr(mode),
            )
        return _ret(np.pad(x, widths_t, mode=mode), dtype)
    raise OpInputError(
        "ops.pad: unknown mode.",
        expected="'constant', 'edge', 'reflect', 'symmetric', 'wrap', 'linear_ramp', 'maximum', "
        "'mean', 'median', 'minimum' or 'empty'",
        received=repr(mode),
    )


def get_item(x, key):
    x = _arr(x)

    def norm(k):
        if isinstance(k, np.ndarray) or is_traced(k):
            return getval(k)
        if hasattr(k, "value") and hasattr(k, "assign"):
            return getval(_arr(k))
        return k

    key = tuple(norm(k) for k in key) if isinstance(key, tuple) else norm(key)
    return x[key]


def take(x, indices, axis=None):
    x = _arr(x)
    idx = getval(_arr(indices))
    if dtype_name(idx) not in INT_TYPES:
        raise DtypeError(
            "ops.take needs integer indices.",
            expected="indices of an integer dtype",
            received=f"dtype {dtype_name(idx)}",
        )
    if axis is None:
        x, axis = anp.ravel(x), 0
    axis = _norm_axes(axis, x.ndim, "take")[0]
    n = x.shape[axis]
    if idx.size and (idx.max() >= n or idx.min() < -n):
        raise OpInputError(
            "ops.take: index out of range.",
            expected=f"indices in [{-n}, {n})",
            received=f"indices in [{idx.min()}, {idx.max()}]",
        )
    return _gather(x, idx, axis)


def _take_along(x, idx, axis):
    nd = x.ndim
    index = tuple(
        idx
        if d == axis
        else np.arange(idx.shape[d]).reshape([-1 if k == d else 1 for k in builtins.range(nd)])
        for d in builtins.range(nd)
    )
    return x[index]


def take_along_axis(x, indices, axis=None):
    x = _arr(x)
    idx = getval(_arr(indices))
    if dtype_name(idx) not in INT_TYPES:
        raise DtypeError(
            "ops.take_along_axis needs integer indices.",
            expected="indices of an integer dtype",
            received=f"dtype {dtype_name(idx)}",
        )
    if axis is None:
        x, axis = anp.ravel(x), 0
        idx = idx.ravel()
    if idx.ndim != x.ndim:
        raise OpInputError(
            "ops.take_along_axis: indices must have the rank of x.",
            expected=f"indices.ndim == {x.ndim}",
            received=f"indices.shape={idx.shape}",
        )
    axis = _norm_axes(axis, x.ndim, "take_along_axis")[0]
    n = x.shape[axis]
    xs = list(x.shape)
    ks = list(idx.shape)
    xs[axis] = ks[axis] = 1
    common = list(np.broadcast_shapes(tuple(xs), tuple(ks)))
    x_shape = common.copy()
    x_shape[axis] = n
    i_shape = common.copy()
    i_shape[axis] = idx.shape[axis]
    if tuple(x_shape) != x.shape:
        x = _bcast(x, tuple(x_shape))
    idx = np.broadcast_to(idx, tuple(i_shape))
    if idx.size and (idx.max() >= n or idx.min() < -n):
        raise OpInputError(
            "ops.take_along_axis: index out of range.",
            expected=f"indices in [{-n}, {n})",
            received=f"indices in [{idx.min()}, {idx.max()}]",
        )
    return _take_along(x, np.where(idx < 0, idx + n, idx), axis)


def where(condition, x1=None, x2=None):
    cond = getval(_arr(condition)).astype(bool)
    if x1 is None and x2 is None:
        return nonzero(cond)
    if x1 is None or x2 is None:
        raise OpInputError(
            "ops.where needs both x1 and x2, or neither.",
            expected="where(condition) or where(condition, x1, x2)",
            received=f"x1 {'missing' if x1 is None else 'given'}, "
            f"x2 {'missing' if x2 is None else 'given'}",
        )
    (a, b), dtype = _promote(x1, x2)
    return _ret(_select(cond, a, b), dtype)  # its VJP un-broadcasts each branch


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
    choices = [_weak(c) for c in choicelist]
    dtype = result_type(*choices, _weak(default))
    out = cast(
        _arr(default) if not isinstance(default, _PY_SCALARS) else np.asarray(default), dtype
    )
    for cond, choice in zip(reversed(list(condlist)), reversed(choices)):
        out = _select(getval(_arr(cond)).astype(bool), cast(choice, dtype), out)
    shape = np.broadcast_shapes(
        *[np.shape(getval(_arr(c))) for c in condlist], *[np.shape(getval(c)) for c in choices]
    )
    if np.shape(getval(out)) != shape:
        out = _bcast(out, shape)
    return _ret(out, dtype)


def sort(x, axis=-1):
    x = _arr(x)
    if axis is None:
        x, axis = anp.ravel(x), 0
    if x.ndim == 0:
        return x
    axis = _norm_axes(axis, x.ndim, "sort")[0]
    order = np.argsort(getval(x), axis=axis, kind="stable")
    return _take_along(x, order, axis)


def argsort(x, axis=-1):
    x = getval(_arr(x))
    if x.ndim == 0:
        return np.zeros((), "int32") if axis is not None else np.zeros((1,), "int32")
    return _ret(np.argsort(x, axis=axis, kind="stable"), "int32")


def argpartition(x, kth, axis=-1):
    x = getval(_arr(x))
    return _ret(np.argpartition(x, kth, axis=axis), "int32")


def nonzero(x):
    x = getval(_arr(x))
    return tuple(_ret(i, "int32") for i in np.nonzero(np.atleast_1d(x) if x.ndim == 0 else x))


def searchsorted(sorted_sequence, values, side="left"):
    seq = getval(_arr(sorted_sequence))
    if seq.ndim != 1:
        raise OpInputError(
            "ops.searchsorted only supports a 1-D sorted sequence.",
            expected="sorted_sequence.ndim == 1",
            received=f"shape {seq.shape}",
        )
    if side not in ("left", "right"):
        raise OpInputError(
            "ops.searchsorted: side must be 'left' or 'right'.",
            expected="'left' or 'right'",
            received=repr(side),
        )
    (s, v), _ = _promote(seq, getval(_weak(values)))
    return _ret(np.searchsorted(s, v, side=side), "int32")


def digitize(x, bins):
    x = getval(_arr(x))
    b = getval(_arr(bins))
    if b.ndim != 1:
        raise OpInputError(
            "ops.digitize needs 1-D bins.", expected="bins.ndim == 1", received=f"shape {b.shape}"
        )
    return _ret(np.digitize(x, b), "int32")


def bincount(x, weights=None, minlength=0, sparse=False):
    if sparse:
        raise OpInputError(
            "ops.bincount: sparse=True is not supported by the NumPy backend.",
            expected="sparse=False",
            received="sparse=True",
        )
    x = getval(_arr(x))
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
            received=f"shape {x.shape}",
        )
    if x.size and x.min() < 0:
        raise OpInputError(
            "ops.bincount needs non-negative values.",
            expected="x >= 0",
            received=f"min value {x.min()}",
        )
    if weights is None:
        dtype, w = "int32", None
    else:
        w = getval(_arr(weights))
        dtype = result_type(x, w)
        if w.shape != x.shape:
            raise OpInputError(
                "ops.bincount: weights must have the shape of x.",
                expected=f"weights.shape == {x.shape}",
                received=f"weights.shape={w.shape}",
            )
    length = builtins.max(int(minlength), int(x.max()) + 1 if x.size else 0)
    if x.ndim == 1:
        out = np.bincount(x, weights=w, minlength=length)
    else:
        out = (
            np.stack(
                [
                    np.bincount(row, weights=None if w is None else w[i], minlength=length)
                    for i, row in enumerate(x)
                ]
            )
            if x.shape[0]
            else np.zeros((0, length))
        )
    return _ret(out, dtype)


def histogram(x, bins=10, range=None):
    x = getval(_arr(x))
    edges_dtype = _float_of(dtype_name(x))
    counts, edges = np.histogram(x.ravel(), bins=bins, range=range)
    return _ret(counts, "int32"), _ret(edges, edges_dtype)


def unravel_index(indices, shape):
    idx = getval(_arr(indices))
    dtype = dtype_name(idx)
    return tuple(_ret(i, dtype) for i in np.unravel_index(idx, tuple(int(s) for s in shape)))


def isin(x1, x2, assume_unique=False, invert=False):
    (a, b), _ = _promote(getval(_weak(x1)), getval(_weak(x2)))
    return _ret(np.isin(a, b, assume_unique=assume_unique, invert=invert), "bool")


def view(x, dtype=None):
    x = getval(_arr(x))
    if dtype is None:
        return x.view()
    return x.view(standardize_dtype(dtype))


def vander(x, N=None, increasing=False):  # noqa: N803 (Keras' argument names)
    x = _arr(x)
    if x.ndim != 1:
        raise OpInputError(
            "ops.vander needs a 1-D tensor.", expected="x.ndim == 1", received=f"shape {x.shape}"
        )
    dtype = dtype_name(x)
    n = x.shape[0] if N is None else int(N)
    powers = builtins.range(n) if increasing else builtins.range(n - 1, -1, -1)
    cols = [anp.power(x, p) if p else anp.ones_like(getval(x)) for p in powers]
    if not cols:
        return np.zeros((x.shape[0], 0), dtype)
    return _ret(anp.stack(cols, axis=1), dtype)


def meshgrid(*x, indexing="xy"):
    if indexing not in ("xy", "ij"):
        raise OpInputError(
            "ops.meshgrid: indexing must be 'xy' or 'ij'.",
            expected="'xy' or 'ij'",
            received=repr(indexing),
        )
    xs = [anp.ravel(_arr(v)) for v in x]
    shape = [v.shape[0] for v in xs]
    if indexing == "xy" and len(xs) >= 2:
        shape[0], shape[1] = shape[1], shape[0]
    out = []
    for i, v in enumerate(xs):
        pos = i
        if indexing == "xy" and len(xs) >= 2 and i in (0, 1):
            pos = 1 - i
        view_shape = [1] * len(xs)
        view_shape[pos] = v.shape[0]
        out.append(anp.broadcast_to(anp.reshape(v, view_shape), tuple(shape)))
    return out


def slogdet(x):
    x = _arr(x)
    dtype = _float_of(dtype_name(x))
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise OpInputError(
            "ops.slogdet needs square matrices.",
            expected="shape (..., N, N)",
            received=f"shape {x.shape}",
        )
    sign_, logdet = anp.linalg.slogdet(cast(x, _accum_dtype(dtype)))
    return _ret(sign_, dtype), _ret(logdet, dtype)


# --------------------------------------------------------------------------------------------
# every public function raises tholos errors on bad input
# --------------------------------------------------------------------------------------------

__all__ = sorted(
    name
    for name, value in list(globals().items())
    if not name.startswith("_")
    and callable(value)
    and getattr(value, "__module__", None) == __name__
)

for _name in __all__:
    globals()[_name] = _guard(globals()[_name])

del _name, _math
