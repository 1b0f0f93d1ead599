"""The numpy-like op family on TensorFlow.

Inputs are promoted with core's table (:func:`tholos.backend.dtypes.result_type`), never with
TensorFlow's; ops whose TF kernels lack a dtype (unsigned or 8/16-bit integers in matmul, sign,
pow...) compute in a wider dtype and cast back, which gives the same wrapped integer results.
"""

from __future__ import annotations

import builtins
import itertools
import math as _math

import numpy as np
import tensorflow as tf

from tholos.backend.common import axes as _axes
from tholos.backend.dtypes import (
    COMPLEX_TYPES,
    FLOAT_TYPES,
    INT_TYPES,
    floatx,
    result_type,
    standardize_dtype,
)
from tholos.errors import DtypeError, OpInputError
from tholos_backend_tensorflow import _convert as C
from tholos_backend_tensorflow._convert import (
    cast,
    convert,
    dname,
    float_of,
    norm_axes,
    promote,
    promote2,
    real_of,
    require_int,
    static_shape,
    sum_dtype,
)

_UNSIGNED = ("uint8", "uint16", "uint32", "uint64")
_WIDE_INT = {
    "bool": "int32",
    "int8": "int32",
    "int16": "int32",
    "uint8": "int32",
    "uint16": "int32",
    "uint32": "int64",
    "uint64": "int64",
}
_ACC = {"float16": "float32", "bfloat16": "float32"}


def _wide(x):
    """``x`` in a dtype most TF kernels have (narrow/unsigned ints widen), and its dtype."""
    d = dname(x)
    w = _WIDE_INT.get(d)
    return (cast(x, w), d) if w else (x, d)


def _axis(axis):
    if isinstance(axis, list):
        return tuple(axis)
    return axis


def _tf_axis(axis, ndim, op):
    """``axis`` for a TF reduction (validated); None stays None."""
    if axis is None:
        return None
    return list(norm_axes(axis, ndim, op))


def _rank(x):
    r = x.shape.rank
    if r is None:
        raise OpInputError("ops: a tensor of unknown rank.", expected="a known rank", received="?")
    return r


# --------------------------------------------------------------------------------------------
# element-wise unary
# --------------------------------------------------------------------------------------------


def _unary_float(fn):
    def run(x):
        x = convert(x)
        dtype = float_of(dname(x))
        return fn(cast(x, dtype))

    return run


def absolute(x):
    x = convert(x)
    d = dname(x)
    if d == "bool" or d in _UNSIGNED:
        return x
    if d in ("int8", "int16"):
        return cast(tf.abs(cast(x, "int32")), d)
    return tf.abs(x)


def abs(x):
    return absolute(x)


def negative(x):
    x = convert(x)
    d = dname(x)
    if d == "bool":
        raise DtypeError(
            "ops.negative is not defined for bool tensors.",
            expected="a numeric tensor",
            received="dtype bool",
            hint="Use ops.logical_not for booleans.",
        )
    if d in _UNSIGNED:
        return tf.zeros_like(x) - x
    return tf.negative(x)


def sign(x):
    x = convert(x)
    d = dname(x)
    if d == "bool":
        return x
    if d in _UNSIGNED:
        return cast(x > 0, d)
    if d in ("int8", "int16"):
        return cast(tf.sign(cast(x, "int32")), d)
    if d in COMPLEX_TYPES:
        mag = tf.cast(tf.abs(x), x.dtype)
        return tf.where(
            tf.equal(mag, 0), tf.zeros_like(x), x / tf.where(tf.equal(mag, 0), tf.ones_like(x), mag)
        )
    return tf.sign(x)


def square(x):
    x = convert(x)
    if dname(x) == "bool":
        x = cast(x, "int32")
    return x * x


def sqrt(x):
    return _unary_float(tf.sqrt)(x)


def cbrt(x):
    x = convert(x)
    x = cast(x, float_of(dname(x)))
    return tf.sign(x) * tf.pow(tf.abs(x), tf.constant(1.0 / 3.0, x.dtype))


def reciprocal(x):
    return _unary_float(tf.math.reciprocal)(x)


def exp(x):
    return _unary_float(tf.exp)(x)


def exp2(x):
    return _unary_float(lambda v: tf.pow(tf.constant(2, v.dtype), v))(x)


def expm1(x):
    return _unary_float(tf.math.expm1)(x)


def log(x):
    return _unary_float(tf.math.log)(x)


def log10(x):
    def fn(v):
        if v.dtype in (tf.float16, tf.bfloat16):
            return tf.cast(tf.math.log(tf.cast(v, tf.float32)) / _math.log(10.0), v.dtype)
        return tf.math.log(v) / tf.constant(_math.log(10.0), v.dtype)

    return _unary_float(fn)(x)


def log1p(x):
    return _unary_float(tf.math.log1p)(x)


def log2(x):
    def fn(v):
        if v.dtype in (tf.float16, tf.bfloat16):
            return tf.cast(tf.math.log(tf.cast(v, tf.float32)) / _math.log(2.0), v.dtype)
        return tf.math.log(v) / tf.constant(_math.log(2.0), v.dtype)

    return _unary_float(fn)(x)


def sin(x):
    return _unary_float(tf.sin)(x)


def cos(x):
    return _unary_float(tf.cos)(x)


def tan(x):
    return _unary_float(tf.tan)(x)


def arcsin(x):
    return _unary_float(tf.asin)(x)


def arccos(x):
    return _unary_float(tf.acos)(x)


def arctan(x):
    return _unary_float(tf.atan)(x)


def sinh(x):
    return _unary_float(tf.sinh)(x)


def cosh(x):
    return _unary_float(tf.cosh)(x)


def tanh(x):
    return _unary_float(tf.tanh)(x)


def arcsinh(x):
    return _unary_float(tf.asinh)(x)


def arccosh(x):
    return _unary_float(tf.acosh)(x)


def arctanh(x):
    return _unary_float(tf.atanh)(x)


def deg2rad(x):
    return _unary_float(lambda v: v * tf.constant(_math.pi / 180.0, v.dtype))(x)


def floor(x):
    x = convert(x)
    x = cast(x, float_of(dname(x)))
    return tf.stop_gradient(tf.floor(x))


def ceil(x):
    x = convert(x)
    x = cast(x, float_of(dname(x)))
    return tf.stop_gradient(tf.math.ceil(x))


def trunc(x):
    x = convert(x)
    d = dname(x)
    if d == "bool" or d in INT_TYPES:
        return x
    return tf.stop_gradient(tf.where(x < 0, tf.math.ceil(x), tf.floor(x)))


def round(x, decimals=0):
    x = convert(x)
    d = dname(x)
    if d == "bool":
        return x
    if d in INT_TYPES:
        if decimals >= 0:
            return x
        w, _ = _wide(x)
        if dname(w) == "int32":
            w = cast(w, "int64")
        factor = tf.constant(10 ** (-decimals), w.dtype)
        f = tf.cast(w, tf.float64) / tf.cast(factor, tf.float64)
        return cast(tf.cast(tf.round(f), w.dtype) * factor, d)
    if decimals == 0:
        return tf.stop_gradient(tf.round(x))
    acc = cast(x, "float64") if d != "float64" else x
    factor = tf.constant(10.0**decimals, tf.float64)
    return tf.stop_gradient(cast(tf.round(acc * factor) / factor, d))


def angle(x):
    x = convert(x)
    d = dname(x)
    if d in COMPLEX_TYPES:
        return tf.math.angle(x)
    x = cast(x, float_of(d))
    return tf.where(x < 0, tf.constant(_math.pi, x.dtype), tf.zeros_like(x))


def conjugate(x):
    x = convert(x)
    if dname(x) in COMPLEX_TYPES:
        return tf.math.conj(x)
    return x


def conj(x):
    return conjugate(x)


def real(x):
    x = convert(x)
    if dname(x) in COMPLEX_TYPES:
        return tf.math.real(x)
    return x


def imag(x):
    x = convert(x)
    if dname(x) in COMPLEX_TYPES:
        return tf.math.imag(x)
    return tf.zeros_like(x)


def copy(x):
    x = convert(x)
    return tf.identity(x)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x = convert(x)
    d = dname(x)
    if d not in FLOAT_TYPES:
        return x
    big = x.dtype.max
    posinf = big if posinf is None else posinf
    neginf = x.dtype.min if neginf is None else neginf
    out = tf.where(tf.math.is_nan(x), tf.constant(nan, x.dtype), x)
    out = tf.where(tf.equal(x, np.inf), tf.constant(posinf, x.dtype), out)
    return tf.where(tf.equal(x, -np.inf), tf.constant(neginf, x.dtype), out)


def _is_float_like(x):
    return x.dtype.is_floating or x.dtype.is_complex


def isnan(x):
    x = convert(x)
    if x.dtype.is_complex:
        return tf.math.logical_or(tf.math.is_nan(tf.math.real(x)), tf.math.is_nan(tf.math.imag(x)))
    if not x.dtype.is_floating:
        return tf.zeros(tf.shape(x), tf.bool)
    return tf.math.is_nan(x)


def isinf(x):
    x = convert(x)
    if x.dtype.is_complex:
        return tf.math.logical_or(tf.math.is_inf(tf.math.real(x)), tf.math.is_inf(tf.math.imag(x)))
    if not x.dtype.is_floating:
        return tf.zeros(tf.shape(x), tf.bool)
    return tf.math.is_inf(x)


def isfinite(x):
    x = convert(x)
    if x.dtype.is_complex:
        return tf.math.logical_and(
            tf.math.is_finite(tf.math.real(x)), tf.math.is_finite(tf.math.imag(x))
        )
    if not x.dtype.is_floating:
        return tf.ones(tf.shape(x), tf.bool)
    return tf.math.is_finite(x)


def isneginf(x):
    x = convert(x)
    if not x.dtype.is_floating:
        return tf.zeros(tf.shape(x), tf.bool)
    return tf.equal(x, tf.constant(-np.inf, x.dtype))


def isposinf(x):
    x = convert(x)
    if not x.dtype.is_floating:
        return tf.zeros(tf.shape(x), tf.bool)
    return tf.equal(x, tf.constant(np.inf, x.dtype))


def isreal(x):
    x = convert(x)
    if x.dtype.is_complex:
        return tf.equal(tf.math.imag(x), 0)
    return tf.ones(tf.shape(x), tf.bool)


def signbit(x):
    x = convert(x)
    d = dname(x)
    if d == "bool" or d in _UNSIGNED:
        return tf.zeros(tf.shape(x), tf.bool)
    if d in INT_TYPES:
        return x < 0
    bits = {"float16": tf.int16, "bfloat16": tf.int16, "float32": tf.int32, "float64": tf.int64}
    return tf.bitcast(x, bits[d]) < 0


def logical_not(x):
    return tf.logical_not(cast(convert(x), "bool"))


def bitwise_invert(x):
    x = convert(x)
    d = dname(x)
    require_int("bitwise_invert", d)
    if d == "bool":
        return tf.logical_not(x)
    return tf.bitwise.invert(x)


def bitwise_not(x):
    return bitwise_invert(x)


# --------------------------------------------------------------------------------------------
# element-wise binary
# --------------------------------------------------------------------------------------------


def add(x1, x2):
    a, b, d = promote2(x1, x2)
    if d == "bool":
        return tf.logical_or(a, b)
    return a + b


def subtract(x1, x2):
    a, b, d = promote2(x1, x2)
    if d == "bool":
        raise DtypeError(
            "ops.subtract is not defined for two bool tensors.",
            expected="numeric tensors",
            received="bool and bool",
            hint="Use ops.logical_xor, or cast to an integer dtype first.",
        )
    return a - b


def multiply(x1, x2):
    a, b, d = promote2(x1, x2)
    if d == "bool":
        return tf.logical_and(a, b)
    return a * b


def divide(x1, x2):
    a, b, d = promote2(x1, x2)
    f = float_of(d)
    return tf.math.truediv(cast(a, f), cast(b, f)) if f == d else cast(a, f) / cast(b, f)


def true_divide(x1, x2):
    return divide(x1, x2)


def divide_no_nan(x1, x2):
    a, b, d = promote2(x1, x2)
    f = float_of(d)
    return tf.math.divide_no_nan(cast(a, f), cast(b, f))


def floor_divide(x1, x2):
    a, b, d = promote2(x1, x2)
    if d == "bool":
        d = "int32"
        a, b = cast(a, d), cast(b, d)
    if d in INT_TYPES:
        w, _ = _wide(a)
        wb = cast(b, dname(w))
        safe = tf.where(tf.equal(wb, 0), tf.ones_like(wb), wb)
        out = tf.math.floordiv(w, safe)
        return cast(tf.where(tf.equal(wb, 0), tf.zeros_like(out), out), d)
    return tf.stop_gradient(tf.math.floordiv(a, b))


def mod(x1, x2):
    a, b, d = promote2(x1, x2)
    if d == "bool":
        d = "int32"
        a, b = cast(a, d), cast(b, d)
    if d in INT_TYPES:
        w, _ = _wide(a)
        wb = cast(b, dname(w))
        safe = tf.where(tf.equal(wb, 0), tf.ones_like(wb), wb)
        out = tf.math.floormod(w, safe)
        return cast(tf.where(tf.equal(wb, 0), tf.zeros_like(out), out), d)
    if d in ("float16", "bfloat16"):
        return cast(tf.math.floormod(cast(a, "float32"), cast(b, "float32")), d)
    return tf.math.floormod(a, b)


def power(x1, x2):
    a, b, d = promote2(x1, x2)
    if d == "bool":
        return tf.logical_or(a, tf.logical_not(b))
    if d in INT_TYPES:
        if hasattr(b, "numpy") and np.any(b.numpy() < 0):
            raise OpInputError(
                "ops.power: integers cannot be raised to negative integer powers.",
                expected="non-negative exponents for integer bases",
                received=f"exponent min {b.numpy().min()}",
                hint="Cast the base to a float dtype first.",
            )
        w, _ = _wide(a)
        if dname(w) == "int32" and d in ("int8", "int16", "uint8", "uint16"):
            w = cast(w, "int64")
        return cast(tf.pow(w, cast(b, dname(w))), d)
    return tf.pow(a, b)


def maximum(x1, x2):
    a, b, d = promote2(x1, x2)
    if d == "bool":
        return tf.logical_or(a, b)
    return tf.maximum(a, b)


def minimum(x1, x2):
    a, b, d = promote2(x1, x2)
    if d == "bool":
        return tf.logical_and(a, b)
    return tf.minimum(a, b)


def _binary_float(fn):
    def run(x1, x2):
        a, b, d = promote2(x1, x2)
        f = float_of(d)
        return fn(cast(a, f), cast(b, f))

    return run


def arctan2(x1, x2):
    return _binary_float(tf.atan2)(x1, x2)


def hypot(x1, x2):
    def fn(a, b):
        m = tf.maximum(tf.abs(a), tf.abs(b))
        safe = tf.where(tf.equal(m, 0), tf.ones_like(m), m)
        r = m * tf.sqrt(tf.square(a / safe) + tf.square(b / safe))
        r = tf.where(tf.equal(m, 0), tf.zeros_like(m), r)
        return tf.where(
            tf.math.is_inf(a) | tf.math.is_inf(b),
            tf.fill(tf.shape(r), tf.constant(np.inf, r.dtype)),
            r,
        )

    return _binary_float(fn)(x1, x2)


def logaddexp(x1, x2):
    def fn(a, b):
        m = tf.maximum(a, b)
        safe = tf.where(tf.math.is_inf(m), tf.zeros_like(m), m)
        out = safe + tf.math.log(tf.exp(a - safe) + tf.exp(b - safe))
        return tf.where(tf.equal(a, b) & tf.math.is_inf(a), a, out)

    return _binary_float(fn)(x1, x2)


def logaddexp2(x1, x2):
    ln2 = _math.log(2.0)

    def fn(a, b):
        return logaddexp(
            a * tf.constant(ln2, a.dtype), b * tf.constant(ln2, b.dtype)
        ) / tf.constant(ln2, a.dtype)

    return _binary_float(fn)(x1, x2)


def heaviside(x1, x2):
    def fn(a, b):
        out = tf.where(a > 0, tf.ones_like(a), tf.zeros_like(a))
        out = tf.where(
            tf.equal(a, 0), tf.broadcast_to(b, tf.shape(out)) if b.shape != out.shape else b, out
        )
        return tf.where(tf.math.is_nan(a), a, out)

    def run(x1, x2):
        a, b, d = promote2(x1, x2)
        f = float_of(d)
        a, b = cast(a, f), cast(b, f)
        shape = tf.broadcast_dynamic_shape(tf.shape(a), tf.shape(b))
        return tf.stop_gradient(fn(tf.broadcast_to(a, shape), tf.broadcast_to(b, shape)))

    return run(x1, x2)


def nextafter(x1, x2):
    a, b, d = promote2(x1, x2)
    f = float_of(d)
    a, b = cast(a, f), cast(b, f)
    if f in ("float16", "bfloat16"):
        a32, b32 = cast(a, "float32"), cast(b, "float32")
        if hasattr(a, "numpy"):
            np_dtype = a.numpy().dtype
            out = np.nextafter(a.numpy(), b.numpy().astype(np_dtype)) if f == "float16" else None
            if out is not None:
                return tf.constant(out, a.dtype)
        return cast(tf.math.nextafter(a32, b32), f)
    return tf.math.nextafter(a, b)


def ldexp(x1, x2):
    e = convert(x2)
    if dname(e) not in INT_TYPES:
        raise DtypeError(
            "ops.ldexp needs an integer exponent.",
            expected="x2 of an integer dtype",
            received=f"x2 of dtype {dname(e)}",
        )
    x = convert(x1)
    f = float_of(result_type(x, e))
    x = cast(x, f)
    acc = "float64" if f == "float64" else "float32"
    scale = tf.pow(tf.constant(2.0, tf.float64), cast(e, "float64"))
    return cast(cast(x, acc) * cast(scale, acc), f) if f != "float64" else x * scale


def _compare(fn):
    def run(x1, x2):
        a, b, _ = promote2(x1, x2)
        return fn(a, b)

    return run


def equal(x1, x2):
    return _compare(tf.equal)(x1, x2)


def not_equal(x1, x2):
    return _compare(tf.not_equal)(x1, x2)


def _ordered(fn):
    def run(x1, x2):
        a, b, d = promote2(x1, x2)
        if d == "bool":
            a, b = cast(a, "int32"), cast(b, "int32")
        return fn(a, b)

    return run


def greater(x1, x2):
    return _ordered(tf.greater)(x1, x2)


def greater_equal(x1, x2):
    return _ordered(tf.greater_equal)(x1, x2)


def less(x1, x2):
    return _ordered(tf.less)(x1, x2)


def less_equal(x1, x2):
    return _ordered(tf.less_equal)(x1, x2)


def logical_and(x1, x2):
    return tf.logical_and(cast(convert(x1), "bool"), cast(convert(x2), "bool"))


def logical_or(x1, x2):
    return tf.logical_or(cast(convert(x1), "bool"), cast(convert(x2), "bool"))


def logical_xor(x1, x2):
    return tf.math.logical_xor(cast(convert(x1), "bool"), cast(convert(x2), "bool"))


def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    a, b, d = promote2(x1, x2)
    if d == "bool":
        return tf.equal(a, b)
    if d in INT_TYPES:
        a, b = cast(a, "float64"), cast(b, "float64")
    if d in COMPLEX_TYPES:
        diff = tf.abs(a - b)
        bound = atol + rtol * tf.abs(b)
        return diff <= bound
    diff = tf.abs(a - b)
    close = diff <= tf.cast(atol, a.dtype) + tf.cast(rtol, a.dtype) * tf.abs(b)
    both_inf = tf.math.is_inf(a) & tf.math.is_inf(b)
    close = tf.where(both_inf, tf.equal(a, b), close)
    close = tf.logical_and(close, tf.logical_not(tf.math.is_nan(a) | tf.math.is_nan(b)))
    if equal_nan:
        close = close | (tf.math.is_nan(a) & tf.math.is_nan(b))
    return close


def _bitwise(fn, name, bool_fn=None):
    def run(x, y):
        a, b, d = promote2(x, y)
        require_int(name, d)
        if d == "bool":
            if bool_fn is None:
                return cast(fn(cast(a, "int8"), cast(b, "int8")), "bool")
            return bool_fn(a, b)
        return fn(a, b)

    return run


def bitwise_and(x, y):
    return _bitwise(tf.bitwise.bitwise_and, "bitwise_and", tf.logical_and)(x, y)


def bitwise_or(x, y):
    return _bitwise(tf.bitwise.bitwise_or, "bitwise_or", tf.logical_or)(x, y)


def bitwise_xor(x, y):
    return _bitwise(tf.bitwise.bitwise_xor, "bitwise_xor", tf.math.logical_xor)(x, y)


def bitwise_left_shift(x, y):
    return _bitwise(tf.bitwise.left_shift, "bitwise_left_shift")(x, y)


def bitwise_right_shift(x, y):
    return _bitwise(tf.bitwise.right_shift, "bitwise_right_shift")(x, y)


def left_shift(x, y):
    return bitwise_left_shift(x, y)


def right_shift(x, y):
    return bitwise_right_shift(x, y)


def _gcd_wide(a, b):
    a, b = tf.abs(a), tf.abs(b)

    def body(a, b):
        nz = tf.not_equal(b, 0)
        safe = tf.where(nz, b, tf.ones_like(b))
        return tf.where(nz, b, a), tf.where(nz, tf.math.floormod(a, safe), tf.zeros_like(b))

    shape = tf.broadcast_dynamic_shape(tf.shape(a), tf.shape(b))
    a, b = tf.broadcast_to(a, shape), tf.broadcast_to(b, shape)
    a, b = tf.while_loop(lambda a, b: tf.reduce_any(tf.not_equal(b, 0)), body, (a, b))
    return a


def gcd(x1, x2):
    a, b, d = promote2(x1, x2)
    require_int("gcd", d)
    wa, _ = _wide(a)
    wb = cast(b, dname(wa))
    return cast(_gcd_wide(wa, wb), d)


def lcm(x1, x2):
    a, b, d = promote2(x1, x2)
    require_int("lcm", d)
    wa, _ = _wide(a)
    wb = cast(b, dname(wa))
    g = _gcd_wide(wa, wb)
    safe = tf.where(tf.equal(g, 0), tf.ones_like(g), g)
    out = tf.abs(wa // safe * wb)
    return cast(tf.where(tf.equal(g, 0), tf.zeros_like(out), out), d)


def clip(x, x_min, x_max):
    x = convert(x)
    d = dname(x)
    if d == "bool":
        x, d = cast(x, "int32"), "int32"
    lo = convert(x_min, d)
    hi = convert(x_max, d)
    return tf.minimum(tf.maximum(x, lo), hi)


# --------------------------------------------------------------------------------------------
# reductions
# --------------------------------------------------------------------------------------------


def all(x, axis=None, keepdims=False):
    x = cast(convert(x), "bool")
    return tf.reduce_all(x, axis=_tf_axis(axis, _rank(x), "all"), keepdims=keepdims)


def any(x, axis=None, keepdims=False):
    x = cast(convert(x), "bool")
    return tf.reduce_any(x, axis=_tf_axis(axis, _rank(x), "any"), keepdims=keepdims)


def _extremum(x, axis, keepdims, initial, op, is_max):
    x = convert(x)
    d = dname(x)
    nd = _rank(x)
    axes = norm_axes(axis, nd, op)
    shape = static_shape(x)
    reduced = (
        int(np.prod([shape[a] for a in axes]))
        if axes and None not in [shape[a] for a in axes]
        else (1 if not axes else None)
    )
    empty = (reduced == 0) or (nd == 0 and False)
    if empty or (axis is None and 0 in shape):
        out_shape = _axes.empty_reduction_shape(shape, axes, keepdims, initial, axis, op)
        return tf.fill(out_shape, convert(initial, d))
    work = x
    if d == "bool":
        out = (tf.reduce_any if is_max else tf.reduce_all)(work, axis=list(axes), keepdims=keepdims)
    else:
        fn = tf.reduce_max if is_max else tf.reduce_min
        out = fn(work, axis=list(axes), keepdims=keepdims)
        if d in FLOAT_TYPES and axes:
            # TF's max/min skip NaN; NumPy propagates it.
            has_nan = tf.reduce_any(tf.math.is_nan(x), axis=list(axes), keepdims=keepdims)
            out = tf.where(has_nan, tf.constant(np.nan, out.dtype), out)
    if initial is not None:
        init = convert(initial, d)
        out = (
            (tf.maximum if is_max else tf.minimum)(out, init)
            if d != "bool"
            else (tf.logical_or(out, init) if is_max else tf.logical_and(out, init))
        )
    return out


def max(x, axis=None, keepdims=False, initial=None):
    return _extremum(x, axis, keepdims, initial, "max", True)


def min(x, axis=None, keepdims=False, initial=None):
    return _extremum(x, axis, keepdims, initial, "min", False)


def amax(x, axis=None, keepdims=False):
    return _extremum(x, axis, keepdims, None, "amax", True)


def amin(x, axis=None, keepdims=False):
    return _extremum(x, axis, keepdims, None, "amin", False)


def ptp(x, axis=None, keepdims=False):
    x = convert(x)
    return subtract(amax(x, axis, keepdims), amin(x, axis, keepdims))


def _nan_extremum(x, axis, keepdims, is_max, op):
    x = convert(x)
    d = dname(x)
    if d not in FLOAT_TYPES:
        return _extremum(x, axis, keepdims, None, op, is_max)
    axes = list(norm_axes(axis, _rank(x), op))
    nan = tf.math.is_nan(x)
    fill = tf.constant(-np.inf if is_max else np.inf, x.dtype)
    filled = tf.where(nan, fill, x)
    out = (tf.reduce_max if is_max else tf.reduce_min)(filled, axis=axes, keepdims=keepdims)
    allnan = tf.reduce_all(nan, axis=axes, keepdims=keepdims)
    return tf.where(allnan, tf.constant(np.nan, x.dtype), out)


def nanmax(x, axis=None, keepdims=False):
    return _nan_extremum(x, axis, keepdims, True, "nanmax")


def nanmin(x, axis=None, keepdims=False):
    return _nan_extremum(x, axis, keepdims, False, "nanmin")


def sum(x, axis=None, keepdims=False):
    x = convert(x)
    d = sum_dtype(dname(x))
    ax = _tf_axis(axis, _rank(x), "sum")
    acc = _ACC.get(d)
    if acc:
        return cast(tf.reduce_sum(cast(x, acc), axis=ax, keepdims=keepdims), d)
    return tf.reduce_sum(cast(x, d), axis=ax, keepdims=keepdims)


def nansum(x, axis=None, keepdims=False):
    x = convert(x)
    if dname(x) in FLOAT_TYPES:
        x = tf.where(tf.math.is_nan(x), tf.zeros_like(x), x)
    return sum(x, axis=axis, keepdims=keepdims)


def prod(x, axis=None, keepdims=False, dtype=None):
    x = convert(x)
    out = standardize_dtype(dtype) if dtype is not None else sum_dtype(dname(x))
    ax = _tf_axis(axis, _rank(x), "prod")
    work = _ACC.get(out) or _WIDE_INT.get(out) or out
    if out == "bool":
        return tf.reduce_all(cast(x, "bool"), axis=ax, keepdims=keepdims)
    return cast(tf.reduce_prod(cast(x, work), axis=ax, keepdims=keepdims), out)


def mean(x, axis=None, keepdims=False):
    x = convert(x)
    d = float_of(dname(x))
    ax = _tf_axis(axis, _rank(x), "mean")
    acc = _ACC.get(d, d)
    return cast(tf.reduce_mean(cast(x, acc), axis=ax, keepdims=keepdims), d)


def var(x, axis=None, keepdims=False):
    x = convert(x)
    d = float_of(dname(x))
    ax = _tf_axis(axis, _rank(x), "var")
    acc = _ACC.get(d, d)
    xa = cast(x, acc)
    centered = xa - tf.reduce_mean(xa, axis=ax, keepdims=True)
    if d in COMPLEX_TYPES:
        sq = tf.math.real(centered * tf.math.conj(centered))
    else:
        sq = centered * centered
    return cast(tf.reduce_mean(sq, axis=ax, keepdims=keepdims), real_of(d))


def std(x, axis=None, keepdims=False):
    return tf.sqrt(var(x, axis=axis, keepdims=keepdims))


def average(x, axis=None, weights=None):
    x = convert(x)
    if weights is None:
        return mean(x, axis=axis)
    w = convert(weights)
    d = float_of(result_type(x, w))
    x, w = cast(x, d), cast(w, d)
    xs, ws = static_shape(x), static_shape(w)
    if ws != xs:
        if axis is None:
            raise OpInputError(
                "ops.average: `axis` must be given when `weights` and `x` differ in shape.",
                expected="weights.shape == x.shape, or a 1-D weights with `axis`",
                received=f"x.shape={xs}, weights.shape={ws}",
            )
        ax = norm_axes(axis, len(xs), "average")
        if len(ws) != 1 or len(ax) != 1 or ws[0] != xs[ax[0]]:
            raise OpInputError(
                "ops.average: 1-D `weights` must match the length of `x` along `axis`.",
                expected=f"weights of shape ({xs[ax[0]] if len(ax) == 1 else '?'},)",
                received=f"weights.shape={ws}, axis={axis!r}",
            )
        shape = [1] * len(xs)
        shape[ax[0]] = ws[0]
        w = tf.reshape(w, shape)
    ax = _tf_axis(axis, len(xs), "average")
    num = tf.reduce_sum(x * w, axis=ax)
    den = tf.reduce_sum(tf.broadcast_to(w, tf.shape(x)), axis=ax)
    return num / den


def count_nonzero(x, axis=None):
    x = convert(x)
    ax = _tf_axis(axis, _rank(x), "count_nonzero")
    nz = tf.not_equal(x, tf.zeros((), x.dtype)) if x.dtype != tf.bool else x
    return tf.reduce_sum(tf.cast(nz, tf.int32), axis=ax)


def _arg(x, axis, keepdims, fn, op):
    x = convert(x)
    d = dname(x)
    if d == "bool":
        x = cast(x, "int32")
    elif d in ("uint32", "uint64"):
        pass
    nd = _rank(x)
    if axis is None:
        flat = tf.reshape(x, [-1])
        out = _arg_nan(flat, 0, fn)
        if keepdims:
            out = tf.reshape(out, [1] * nd)
        return out
    a = norm_axes(axis, nd, op)[0]
    out = _arg_nan(x, a, fn)
    if keepdims:
        out = tf.expand_dims(out, a)
    return out


def _arg_nan(x, axis, fn):
    out = fn(x, axis=axis, output_type=tf.int32)
    if x.dtype.is_floating:
        nan = tf.math.is_nan(x)
        first_nan = tf.argmax(tf.cast(nan, tf.int32), axis=axis, output_type=tf.int32)
        out = tf.where(tf.reduce_any(nan, axis=axis), first_nan, out)
    return out


def argmax(x, axis=None, keepdims=False):
    return _arg(x, axis, keepdims, tf.argmax, "argmax")


def argmin(x, axis=None, keepdims=False):
    return _arg(x, axis, keepdims, tf.argmin, "argmin")


def _cum(x, axis, dtype, fn, op):
    x = convert(x)
    out = standardize_dtype(dtype) if dtype is not None else dname(x)
    if out == "bool":
        out = "int32"
    x = cast(x, out)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    axis = norm_axes(axis, _rank(x), op)[0]
    work = _ACC.get(out) or _WIDE_INT.get(out)
    if work:
        return cast(fn(cast(x, work), axis=axis), out)
    return fn(x, axis=axis)


def cumsum(x, axis=None, dtype=None):
    return _cum(x, axis, dtype, tf.math.cumsum, "cumsum")


def cumprod(x, axis=None, dtype=None):
    return _cum(x, axis, dtype, tf.math.cumprod, "cumprod")


_QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(x, q, axis, method, keepdims, op):
    if method not in _QUANTILE_METHODS:
        raise OpInputError(
            f"ops.{op}: unknown interpolation method.",
            expected=f"one of {_QUANTILE_METHODS}",
            received=repr(method),
        )
    x = convert(x)
    d = float_of(dname(x))
    acc = _ACC.get(d, d)
    x = cast(x, acc)
    if isinstance(q, tf.Tensor) and not hasattr(q, "numpy"):
        qv = None
        qt = tf.cast(q, tf.float64)
    else:
        qv = np.asarray(q.numpy() if isinstance(q, tf.Tensor) else q, dtype="float64")
        if np.any((qv < 0) | (qv > 1)) or np.any(np.isnan(qv)):
            raise OpInputError(
                f"ops.{op}: quantiles must be in [0, 1].",
                expected="0 <= q <= 1",
                received=f"q={qv.tolist()}",
            )
        qt = tf.constant(qv, tf.float64)
    nd = _rank(x)
    shape = static_shape(x)
    axes = norm_axes(axis, nd, op)
    other = [a for a in range(nd) if a not in axes]
    n = int(np.prod([shape[a] for a in axes])) if axes else 1
    if n == 0:
        raise OpInputError(
            f"ops.{op}: cannot take a quantile of an empty tensor.",
            expected="at least one element along the reduced axes",
            received=f"shape {shape}, axis={axis!r}",
        )
    other_shape = [shape[a] for a in other]
    xt = tf.reshape(tf.transpose(x, other + list(axes)), [*other_shape, n])
    order = argsort(xt, axis=-1)
    xs = tf.gather(xt, order, batch_dims=len(other_shape), axis=-1)
    pos = qt * (n - 1)
    lo = tf.cast(tf.floor(pos), tf.int32)
    hi = tf.cast(tf.math.ceil(pos), tf.int32)
    qnd = qt.shape.rank
    flat_lo, flat_hi = tf.reshape(lo, [-1]), tf.reshape(hi, [-1])
    lo_v = tf.gather(xs, flat_lo, axis=-1)
    hi_v = tf.gather(xs, flat_hi, axis=-1)
    if method == "lower":
        out = lo_v
    elif method == "higher":
        out = hi_v
    elif method == "midpoint":
        out = (lo_v + hi_v) * tf.constant(0.5, xs.dtype)
    elif method == "nearest":
        near = tf.cast(tf.round(pos), tf.int32)
        out = tf.gather(xs, tf.reshape(near, [-1]), axis=-1)
    else:
        t = tf.cast(tf.reshape(pos - tf.floor(pos), [-1]), xs.dtype)
        diff = hi_v - lo_v
        out = tf.where(t >= 0.5, hi_v - diff * (1 - t), lo_v + diff * t)
    if xs.dtype.is_floating:
        nan_rows = tf.reduce_any(tf.math.is_nan(xt), axis=-1, keepdims=True)
        out = tf.where(nan_rows, tf.constant(np.nan, xs.dtype), out)
    nk = len(other_shape)
    q_shape = static_shape(qt)
    out = tf.reshape(out, [*other_shape, *q_shape])
    if qnd:
        out = tf.transpose(out, list(range(nk, nk + qnd)) + list(range(nk)))
    if keepdims:
        keep = [1 if a in axes else s for a, s in enumerate(shape)]
        out = tf.reshape(out, list(q_shape) + keep)
    return cast(out, d)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, q, axis, method, keepdims, "quantile")


def median(x, axis=None, keepdims=False):
    return _quantile(x, 0.5, axis, "midpoint", keepdims, "median")


def _diagonal(x, offset, axis1, axis2):
    nd = _rank(x)
    axis1, axis2 = axis1 % nd, axis2 % nd
    if axis1 == axis2:
        raise OpInputError(
            "ops.diagonal: axis1 and axis2 must differ.",
            expected="two different axes",
            received=f"axis1={axis1}, axis2={axis2}",
        )
    x = moveaxis(x, [axis1, axis2], [-2, -1])
    shape = static_shape(x)
    n, m = shape[-2], shape[-1]
    if offset >= 0:
        length = builtins.max(0, builtins.min(n, m - offset))
        rows = np.arange(length)
        cols = rows + offset
    else:
        length = builtins.max(0, builtins.min(n + offset, m))
        cols = np.arange(length)
        rows = cols - offset
    flat = tf.reshape(x, [*shape[:-2], n * m])
    return tf.gather(flat, tf.constant(rows * m + cols, tf.int32), axis=-1)


def trace(x, offset=0, axis1=0, axis2=1):
    x = convert(x)
    d = sum_dtype(dname(x))
    if _rank(x) < 2:
        raise OpInputError(
            "ops.trace needs a tensor of rank 2 or more.",
            expected="x.ndim >= 2",
            received=f"shape {static_shape(x)}",
        )
    work = _WIDE_INT.get(d) or _ACC.get(d) or d
    return cast(tf.reduce_sum(_diagonal(cast(x, work), offset, axis1, axis2), axis=-1), d)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    y = convert(y)
    d = float_of(dname(y) if x is None else result_type(y, convert(x)))
    y = moveaxis(cast(y, d), axis, -1)
    if x is None:
        step = convert(dx, d)
    else:
        xv = cast(convert(x), d)
        xv = moveaxis(xv, axis, -1) if _rank(xv) > 1 else xv
        step = xv[..., 1:] - xv[..., :-1]
    return tf.reduce_sum(step * (y[..., 1:] + y[..., :-1]) / tf.constant(2.0, y.dtype), axis=-1)


def corrcoef(x):
    x = convert(x)
    d = float_of(dname(x))
    x = cast(x, d)
    one_d = _rank(x) == 1
    x2 = tf.reshape(x, (1, -1)) if one_d else x
    xm = x2 - tf.reduce_mean(x2, axis=1, keepdims=True)
    c = tf.matmul(xm, xm, adjoint_b=True)
    dd = tf.sqrt(tf.math.real(tf.linalg.diag_part(c)))
    if d in COMPLEX_TYPES:
        dd = tf.cast(dd, c.dtype)
    c = c / dd[:, None] / dd[None, :]
    if d not in COMPLEX_TYPES:
        c = tf.clip_by_value(c, tf.constant(-1.0, c.dtype), tf.constant(1.0, c.dtype))
    if one_d:
        c = tf.reshape(c, ())
    return c


# --------------------------------------------------------------------------------------------
# products
# --------------------------------------------------------------------------------------------


def _mm_work(dtype):
    """The dtype a matmul-like op computes in (TF's kernels lack small and unsigned ints)."""
    if dtype == "bool":
        return "int32"
    return _WIDE_INT.get(dtype, dtype)


def _int8_to_int32(dtypes_in, dtype):
    return "int32" if dtypes_in and builtins.all(d == "int8" for d in dtypes_in) else dtype


def _finish(out, dtype):
    if dtype == "bool":
        return tf.not_equal(out, 0)
    return cast(out, dtype)


def matmul(x1, x2):
    a, b = convert(x1), convert(x2)
    dtype = _int8_to_int32([dname(a), dname(b)], result_type(a, b))
    a, b = cast(a, dtype), cast(b, dtype)
    ra, rb = _rank(a), _rank(b)
    if ra == 0 or rb == 0:
        raise OpInputError(
            "ops.matmul does not accept scalars.",
            expected="tensors of rank >= 1",
            received=f"shapes {static_shape(a)} and {static_shape(b)}",
            hint="Use ops.multiply for scalar products.",
        )
    ka = a.shape[-1]
    kb = b.shape[-2] if rb > 1 else b.shape[0]
    if ka is not None and kb is not None and ka != kb:
        raise OpInputError(
            "ops.matmul: inner dimensions do not match.",
            expected="x1.shape[-1] == x2.shape[-2]",
            received=f"shapes {static_shape(a)} and {static_shape(b)}",
        )
    work = _mm_work(dtype)
    a, b = cast(a, work), cast(b, work)
    if ra == 1 and rb == 1:
        out = tf.reduce_sum(a * b)
    elif ra == 1:
        out = tf.squeeze(tf.matmul(a[None, :], b), -2)
    elif rb == 1:
        out = tf.squeeze(tf.matmul(a, b[:, None]), -1)
    else:
        out = tf.matmul(a, b)
    return _finish(out, dtype)


def dot(x1, x2):
    (a, b), dtype = promote(convert(x1), convert(x2))
    work = _mm_work(dtype)
    a, b = cast(a, work), cast(b, work)
    ra, rb = _rank(a), _rank(b)
    if ra == 0 or rb == 0:
        out = a * b
    elif rb == 1:
        out = tf.tensordot(a, b, axes=[[ra - 1], [0]])
    else:
        out = tf.tensordot(a, b, axes=[[ra - 1], [rb - 2]])
    return _finish(out, dtype)


def vdot(x1, x2):
    (a, b), dtype = promote(convert(x1), convert(x2))
    work = _mm_work(dtype)
    a, b = tf.reshape(cast(a, work), [-1]), tf.reshape(cast(b, work), [-1])
    if dtype in COMPLEX_TYPES:
        a = tf.math.conj(a)
    return _finish(tf.reduce_sum(a * b), dtype)


def inner(x1, x2):
    (a, b), dtype = promote(convert(x1), convert(x2))
    work = _mm_work(dtype)
    a, b = cast(a, work), cast(b, work)
    if _rank(a) == 0 or _rank(b) == 0:
        return _finish(a * b, dtype)
    return _finish(tf.tensordot(a, b, axes=[[-1 % _rank(a)], [-1 % _rank(b)]]), dtype)


def outer(x1, x2):
    (a, b), dtype = promote(convert(x1), convert(x2))
    if dtype == "bool":
        return tf.logical_and(tf.reshape(a, [-1])[:, None], tf.reshape(b, [-1])[None, :])
    return tf.reshape(a, [-1])[:, None] * tf.reshape(b, [-1])[None, :]


def tensordot(x1, x2, axes=2):
    (a, b), dtype = promote(convert(x1), convert(x2))
    work = _mm_work(dtype)
    a, b = cast(a, work), cast(b, work)
    if isinstance(axes, (list, tuple)):
        axes = [list(ax) if isinstance(ax, (list, tuple)) else [ax] for ax in axes]
    return _finish(tf.tensordot(a, b, axes=axes), dtype)


def einsum(subscripts, *operands, **kwargs):
    xs = [convert(x) for x in operands]
    names = [dname(x) for x in xs]
    dtype = _int8_to_int32(names, result_type(*xs))
    work = _mm_work(dtype)
    if work in INT_TYPES:
        work = "float64"  # TF's einsum has no integer kernels; exact for |values| < 2**53
    xs = [cast(x, work) for x in xs]
    kwargs.pop("optimize", None)
    out = tf.einsum(subscripts, *xs)
    if dtype in INT_TYPES:
        return cast(tf.round(out), dtype) if work == "float64" else cast(out, dtype)
    return _finish(out, dtype)


def kron(x1, x2):
    (a, b), _ = promote(convert(x1), convert(x2))
    ra, rb = _rank(a), _rank(b)
    nd = builtins.max(ra, rb)
    a = tf.reshape(a, [1] * (nd - ra) + list(static_shape(a)))
    b = tf.reshape(b, [1] * (nd - rb) + list(static_shape(b)))
    sa, sb = static_shape(a), static_shape(b)
    a_exp = tf.reshape(a, [d for s in sa for d in (s, 1)])
    b_exp = tf.reshape(b, [d for s in sb for d in (1, s)])
    out = multiply(a_exp, b_exp)
    return tf.reshape(out, [x * y for x, y in zip(sa, sb)])


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    (a, b), _ = promote(convert(x1), convert(x2))
    if axis is not None:
        axisa = axisb = axisc = axis
    for name, t, ax in (("x1", a, axisa), ("x2", b, axisb)):
        nd = _rank(t)
        if nd == 0 or not -nd <= ax < nd or static_shape(t)[ax] not in (2, 3):
            raise OpInputError(
                "ops.cross: vectors must have 2 or 3 components.",
                expected=f"{name}.shape[{ax}] in (2, 3)",
                received=f"{name}.shape={static_shape(t)}",
            )
    a, b = moveaxis(a, axisa, -1), moveaxis(b, axisb, -1)
    na, nb = a.shape[-1], b.shape[-1]
    a0, a1 = a[..., 0], a[..., 1]
    b0, b1 = b[..., 0], b[..., 1]
    z = a0 * b1 - a1 * b0
    if na == 2 and nb == 2:
        return z
    zero = tf.zeros((), a.dtype)
    a2 = a[..., 2] if na == 3 else zero
    b2 = b[..., 2] if nb == 3 else zero
    x = a1 * b2 - a2 * b1
    y = a2 * b0 - a0 * b2
    shape = tf.broadcast_dynamic_shape(
        tf.broadcast_dynamic_shape(tf.shape(x), tf.shape(y)), tf.shape(z)
    )
    out = tf.stack([tf.broadcast_to(p, shape) for p in (x, y, z)], axis=-1)
    return moveaxis(out, -1, axisc)


def correlate(x1, x2, mode="valid"):
    (a, v), dtype = promote(convert(x1), convert(x2))
    dtype = float_of(dtype)
    a, v = cast(a, dtype), cast(v, dtype)
    if _rank(a) != 1 or _rank(v) != 1 or a.shape[0] == 0 or v.shape[0] == 0:
        raise OpInputError(
            "ops.correlate needs two non-empty 1-D tensors.",
            expected="x1.ndim == x2.ndim == 1",
            received=f"shapes {static_shape(a)} and {static_shape(v)}",
        )
    if mode not in ("valid", "same", "full"):
        raise OpInputError(
            "ops.correlate: unknown mode.",
            expected="'valid', 'same' or 'full'",
            received=repr(mode),
        )
    swap = v.shape[0] > a.shape[0]
    if swap:
        a, v = v, a
    n, m = a.shape[0], v.shape[0]
    if dtype in COMPLEX_TYPES:
        if swap:
            a = tf.math.conj(a)
        else:
            v = tf.math.conj(v)
    if mode == "valid":
        left = right = 0
    elif mode == "same":
        left = m // 2
        right = m - 1 - left
    else:
        left = right = m - 1
    if left or right:
        a = tf.pad(a, [[left, right]])
    out_len = n + left + right - m + 1
    idx = np.arange(out_len)[:, None] + np.arange(m)[None, :]
    windows = tf.gather(a, tf.constant(idx, tf.int32))
    out = (
        tf.linalg.matvec(windows, v)
        if dtype not in ("float16", "bfloat16")
        else tf.reduce_sum(windows * v, -1)
    )
    if swap:
        out = out[::-1]
    return out


# --------------------------------------------------------------------------------------------
# creation
# --------------------------------------------------------------------------------------------


def _creation_dtype(dtype):
    return floatx() if dtype is None else standardize_dtype(dtype)


def _dim(d):
    """A dim as a Python int, or unchanged when it is a symbolic (graph) tensor."""
    if isinstance(d, tf.Tensor) and not hasattr(d, "numpy"):
        return d
    return C.to_int(d)


def _shape(shape, op):
    if isinstance(shape, tf.Tensor):
        if not hasattr(shape, "numpy"):
            return shape
        shape = tuple(int(v) for v in shape.numpy().reshape(-1))
    shape = _axes.shape_tuple(shape, op, _dim)
    if builtins.any(isinstance(d, tf.Tensor) for d in shape):
        return tf.stack([tf.cast(d, tf.int32) for d in shape])
    return shape


def zeros(shape, dtype=None):
    return tf.zeros(_shape(shape, "zeros"), C.tfd(_creation_dtype(dtype)))


def ones(shape, dtype=None):
    return tf.ones(_shape(shape, "ones"), C.tfd(_creation_dtype(dtype)))


def empty(shape, dtype=None):
    return zeros(shape, dtype)


def full(shape, fill_value, dtype=None):
    dtype = _creation_dtype(dtype)
    shape = _shape(shape, "full")
    fill = convert(fill_value, dtype)
    return tf.broadcast_to(fill, shape) if fill.shape.rank else tf.fill(shape, fill)


def _like_dtype(x, dtype):
    return dname(x) if dtype is None else standardize_dtype(dtype)


def zeros_like(x, dtype=None):
    x = convert(x)
    return tf.zeros(tf.shape(x), C.tfd(_like_dtype(x, dtype)))


def ones_like(x, dtype=None):
    x = convert(x)
    return tf.ones(tf.shape(x), C.tfd(_like_dtype(x, dtype)))


def empty_like(x, dtype=None):
    return zeros_like(x, dtype)


def full_like(x, fill_value, dtype=None):
    x = convert(x)
    return full(C.dyn_shape(x), fill_value, dtype=_like_dtype(x, dtype))


def array(x, dtype=None):
    x = convert(x)
    if dtype is not None:
        x = cast(x, standardize_dtype(dtype))
    return tf.identity(x)


def _py(v):
    if isinstance(v, tf.Tensor):
        return v.numpy().item()
    if isinstance(v, np.ndarray):
        return v.item()
    if isinstance(v, np.generic):
        return v.item()
    return v


def arange(start, stop=None, step=1, dtype=None):
    if dtype is None:
        parts = [C.weak(start), C.weak(step if step is not None else 1)]
        if stop is not None:
            parts.append(C.weak(stop))
        dtype = result_type(*parts)
    dtype = standardize_dtype(dtype)
    start, stop, step = _py(start), _py(stop), _py(step)
    if stop is None:
        start, stop = 0, start
    if step is None:
        step = 1
    if step == 0:
        raise OpInputError(
            "ops.arange: step must not be zero.", expected="step != 0", received="step=0"
        )
    np_dtype = dtype if dtype != "bfloat16" else "float32"
    return tf.constant(np.arange(start, stop, step, dtype=np_dtype), C.tfd(dtype))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    if num < 0:
        raise OpInputError(
            "ops.linspace: num must be non-negative.", expected="num >= 0", received=f"num={num}"
        )
    if dtype is None:
        dtype = float_of(result_type(C.weak(start), C.weak(stop), 1.0))
    dtype = standardize_dtype(dtype)
    s = convert(start, "float64")
    e = convert(stop, "float64")
    div = (num - 1) if endpoint else num
    step = (e - s) / builtins.max(div, 1) if div > 0 else (e - s) * np.nan
    if num == 0:
        samples = tf.zeros(
            [0] + list(static_shape(tf.broadcast_to(s, tf.shape(s + e)))), tf.float64
        )
    else:
        i = tf.range(num, dtype=tf.float64)
        i = tf.reshape(i, [num] + [1] * (s + e).shape.rank)
        samples = s + i * step if div > 0 else s + i * 0
        if endpoint and num > 1:
            samples = tf.concat(
                [samples[:-1], tf.expand_dims(tf.broadcast_to(e, tf.shape(samples[-1])), 0)], 0
            )
    if samples.shape.rank > 1 and axis != 0:
        samples = moveaxis(samples, 0, axis)
    if dtype in INT_TYPES:
        samples = tf.floor(samples)
    out = cast(samples, dtype)
    if retstep:
        return out, cast(step, float_of(dtype))
    return out


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    if dtype is None:
        dtype = float_of(result_type(C.weak(start), C.weak(stop), 1.0))
    dtype = standardize_dtype(dtype)
    exps = linspace(start, stop, num=num, endpoint=endpoint, dtype="float64", axis=axis)
    out = tf.pow(convert(base, "float64"), exps)
    if dtype in INT_TYPES:
        out = tf.floor(out)
    return cast(out, dtype)


def eye(N, M=None, k=0, dtype=None):  # noqa: N803
    n = C.to_int(N)
    m = n if M is None else C.to_int(M)
    k = C.to_int(k)
    d = _creation_dtype(dtype)
    if k == 0:
        return tf.eye(n, m, dtype=C.tfd(d))
    return tf.constant(np.eye(n, m, k=k, dtype=d if d != "bfloat16" else "float32"), C.tfd(d))


def identity(n, dtype=None):
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):  # noqa: N803
    d = _creation_dtype(dtype)
    n = C.to_int(N)
    m = n if M is None else C.to_int(M)
    return tf.constant(
        np.tri(n, m, k=C.to_int(k), dtype=d if d != "bfloat16" else "float32"), C.tfd(d)
    )


def _window(fn, length, *args):
    length = C.to_int(length)
    return (
        tf.constant(fn(length, *args).astype("float64"), tf.float64)
        if floatx() == "float64"
        else cast(tf.constant(fn(length, *args), tf.float64), floatx())
    )


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
    return int(_rank(convert(x)))


def size(x):
    x = convert(x)
    n = x.shape.num_elements()
    return int(n) if n is not None else tf.size(x)


def reshape(x, newshape):
    x = convert(x)
    if isinstance(newshape, (int, np.integer)):
        shape = (int(newshape),)
    else:
        shape = tuple(
            -1
            if d is None
            else (d if isinstance(d, tf.Tensor) and not hasattr(d, "numpy") else C.to_int(d))
            for d in newshape
        )
    if builtins.any(isinstance(d, tf.Tensor) for d in shape):
        return tf.reshape(x, tf.stack([tf.cast(d, tf.int32) for d in shape]))
    n = x.shape.num_elements()
    if n is not None:
        shape = _axes.reshape_target(n, shape, newshape, static_shape(x))
    return tf.reshape(x, shape)


def ravel(x):
    return tf.reshape(convert(x), [-1])


def transpose(x, axes=None):
    x = convert(x)
    nd = _rank(x)
    if axes is not None:
        axes = tuple(int(a) for a in axes)
        if sorted(a % builtins.max(nd, 1) for a in axes) != list(range(nd)):
            raise OpInputError(
                "ops.transpose: axes must be a permutation of the dimensions.",
                expected=f"a permutation of {list(range(nd))}",
                received=f"axes={axes!r}",
            )
        axes = [a % nd for a in axes]
    return tf.transpose(x, axes)


def swapaxes(x, axis1, axis2):
    x = convert(x)
    nd = _rank(x)
    a1, a2 = norm_axes(axis1, nd, "swapaxes")[0], norm_axes(axis2, nd, "swapaxes")[0]
    perm = list(range(nd))
    perm[a1], perm[a2] = perm[a2], perm[a1]
    return tf.transpose(x, perm)


def moveaxis(x, source, destination):
    x = convert(x)
    nd = _rank(x)
    src = [source] if isinstance(source, (int, np.integer)) else list(source)
    dst = [destination] if isinstance(destination, (int, np.integer)) else list(destination)
    if len(src) != len(dst):
        raise OpInputError(
            "ops.moveaxis: source and destination need the same number of axes.",
            expected="len(source) == len(destination)",
            received=f"{src} and {dst}",
        )
    src = [int(s) % builtins.max(nd, 1) for s in src]
    dst = [int(d) % builtins.max(nd, 1) for d in dst]
    if len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise OpInputError(
            "ops.moveaxis: repeated axis.", expected="distinct axes", received=f"{src} {dst}"
        )
    order = [a for a in range(nd) if a not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    if order == list(range(nd)):
        return x
    return tf.transpose(x, order)


def expand_dims(x, axis):
    x = convert(x)
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out_ndim = _rank(x) + len(axes)
    norm = sorted(norm_axes(axes, out_ndim, "expand_dims"))
    for a in norm:
        x = tf.expand_dims(x, a)
    return x


def squeeze(x, axis=None):
    x = convert(x)
    shape = static_shape(x)
    if axis is None:
        return tf.squeeze(x)
    axes = norm_axes(axis, len(shape), "squeeze")
    bad = [a for a in axes if shape[a] not in (1, None)]
    if bad:
        raise OpInputError(
            "ops.squeeze: can only remove axes of size 1.",
            expected="x.shape[axis] == 1",
            received=f"shape {shape}, axis={axis!r}",
        )
    return tf.squeeze(x, list(axes)) if axes else x


def broadcast_to(x, shape):
    x = convert(x)
    shape = _shape(shape, "broadcast_to")
    if isinstance(shape, tuple):
        if len(shape) < _rank(x):
            raise OpInputError(
                "ops.broadcast_to: the target shape has fewer dimensions than x.",
                expected=f"a shape of rank >= {_rank(x)}",
                received=f"x.shape={static_shape(x)}, shape={shape}",
            )
        try:
            np.broadcast_shapes(tuple(d if d is not None else 1 for d in static_shape(x)), shape)
        except ValueError as err:
            raise OpInputError(
                "ops.broadcast_to: the shapes are not compatible.",
                expected=f"x.shape broadcastable to {shape}",
                received=f"x.shape={static_shape(x)}",
            ) from err
    return tf.broadcast_to(x, shape)


def flip(x, axis=None):
    x = convert(x)
    axes = norm_axes(axis, _rank(x), "flip")
    if not axes:
        return x
    return tf.reverse(x, list(axes))


def roll(x, shift, axis=None):
    x = convert(x)
    if axis is None:
        shape = tf.shape(x)
        return tf.reshape(tf.roll(tf.reshape(x, [-1]), shift, 0), shape)
    if isinstance(axis, (list, tuple)):
        axes = list(axis)
        shifts = list(shift) if isinstance(shift, (list, tuple)) else [shift] * len(axes)
        return tf.roll(x, shifts, axes)
    if isinstance(shift, (list, tuple)):
        return tf.roll(x, list(shift), [axis] * len(shift))
    return tf.roll(x, shift, axis)


def rot90(array, k=1, axes=(0, 1)):
    x = convert(array)
    nd = _rank(x)
    if nd < 2:
        raise OpInputError(
            "ops.rot90 needs a tensor of rank 2 or more.",
            expected="array.ndim >= 2",
            received=f"shape {static_shape(x)}",
        )
    axes = tuple(axes)
    if len(axes) != 2 or axes[0] % nd == axes[1] % nd:
        raise OpInputError(
            "ops.rot90: axes must be two different axes.",
            expected="e.g. (0, 1)",
            received=f"axes={axes!r}",
        )
    k = k % 4
    a0, a1 = axes[0] % nd, axes[1] % nd
    perm = list(range(nd))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 0:
        return x
    if k == 2:
        return tf.reverse(x, [a0, a1])
    if k == 1:
        return tf.transpose(tf.reverse(x, [a1]), perm)
    return tf.reverse(tf.transpose(x, perm), [a1])


def tile(x, repeats):
    x = convert(x)
    reps = [repeats] if isinstance(repeats, (int, np.integer)) else [C.to_int(r) for r in repeats]
    nd = _rank(x)
    if len(reps) < nd:
        reps = [1] * (nd - len(reps)) + reps
    elif len(reps) > nd:
        x = tf.reshape(x, [1] * (len(reps) - nd) + list(C.dyn_shape(x)))
    w, d = _wide(x) if dname(x) in ("uint16", "uint32", "uint64", "int16") else (x, dname(x))
    return cast(tf.tile(w, reps), d)


def repeat(x, repeats, axis=None):
    x = convert(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    axis = norm_axes(axis, _rank(x), "repeat")[0]
    return tf.repeat(x, repeats if isinstance(repeats, int) else convert(repeats), axis=axis)


def _concat_dtype(xs):
    return result_type(*xs) if xs else floatx()


def concatenate(xs, axis=0):
    xs = [convert(x) for x in xs]
    if not xs:
        raise OpInputError(
            "ops.concatenate needs at least one tensor.", expected="a non-empty list", received="[]"
        )
    dtype = _concat_dtype(xs)
    xs = [cast(x, dtype) for x in xs]
    if axis is None:
        xs, axis = [tf.reshape(x, [-1]) for x in xs], 0
    return tf.concat(xs, axis=axis)


def append(x1, x2, axis=None):
    return concatenate([x1, x2], axis=axis)


def stack(x, axis=0):
    xs = [convert(v) for v in x]
    if not xs:
        raise OpInputError(
            "ops.stack needs at least one tensor.", expected="a non-empty list", received="[]"
        )
    dtype = _concat_dtype(xs)
    shapes = {tuple(static_shape(v)) for v in xs}
    if len(shapes) > 1:
        raise OpInputError(
            "ops.stack: all tensors must have the same shape.",
            expected="equal shapes",
            received=f"shapes {[static_shape(v) for v in xs]}",
        )
    return tf.stack([cast(v, dtype) for v in xs], axis=axis)


def hstack(xs):
    xs = [convert(x) for x in xs]
    dtype = _concat_dtype(xs)
    xs = [cast(x, dtype) for x in xs]
    xs = [tf.reshape(x, [1]) if x.shape.rank == 0 else x for x in xs]
    return tf.concat(xs, axis=0 if xs[0].shape.rank == 1 else 1)


def vstack(xs):
    xs = [convert(x) for x in xs]
    dtype = _concat_dtype(xs)
    xs = [cast(x, dtype) for x in xs]
    xs = [tf.reshape(x, [1, -1]) if x.shape.rank < 2 else x for x in xs]
    return tf.concat(xs, axis=0)


def _split_points(n, ios):
    if isinstance(ios, (int, np.integer)):
        return None
    return [C.to_int(i) for i in ios]


def _split_at(x, points, axis):
    n = x.shape[axis]
    bounds = [0] + [builtins.min(builtins.max(p if p >= 0 else p + n, 0), n) for p in points] + [n]
    out = []
    for lo, hi in itertools.pairwise(bounds):
        index = [builtins.slice(None)] * _rank(x)
        index[axis] = builtins.slice(lo, builtins.max(lo, hi))
        out.append(x[tuple(index)])
    return out


def split(x, indices_or_sections, axis=0):
    x = convert(x)
    axis = norm_axes(axis, _rank(x), "split")[0]
    ios = indices_or_sections
    n = x.shape[axis]
    if isinstance(ios, (int, np.integer)):
        if ios <= 0 or n % ios:
            raise OpInputError(
                "ops.split: the tensor does not divide into equal sections.",
                expected=f"a number of sections dividing {n}",
                received=f"indices_or_sections={ios}",
                hint="Use ops.array_split for unequal sections.",
            )
        return list(tf.split(x, int(ios), axis=axis))
    return _split_at(x, _split_points(n, ios), axis)


def array_split(x, indices_or_sections, axis=0):
    x = convert(x)
    axis = norm_axes(axis, _rank(x), "array_split")[0]
    ios = indices_or_sections
    n = x.shape[axis]
    if isinstance(ios, (int, np.integer)):
        ios = int(ios)
        if ios <= 0:
            raise OpInputError(
                "ops.array_split: the number of sections must be positive.",
                expected="indices_or_sections >= 1",
                received=str(ios),
            )
        base, extra = divmod(n, ios)
        sizes = [base + 1] * extra + [base] * (ios - extra)
        points = list(np.cumsum(sizes)[:-1])
        return _split_at(x, [int(p) for p in points], axis)
    return _split_at(x, _split_points(n, ios), axis)


def diag(x, k=0):
    x = convert(x)
    nd = _rank(x)
    if nd not in (1, 2):
        raise OpInputError(
            "ops.diag needs a 1-D or 2-D tensor.",
            expected="x.ndim in (1, 2)",
            received=f"shape {static_shape(x)}",
        )
    if nd == 2:
        return _diagonal(x, k, 0, 1)
    n = x.shape[0]
    size_ = n + builtins.abs(k)
    rows = np.arange(n) + builtins.max(0, -k)
    cols = np.arange(n) + builtins.max(0, k)
    idx = np.stack([rows, cols], axis=1)
    work, d = _wide(x) if dname(x) == "bool" else (x, dname(x))
    out = tf.scatter_nd(tf.constant(idx, tf.int32), work, [size_, size_])
    return cast(out, d)


def diagflat(x, k=0):
    return diag(tf.reshape(convert(x), [-1]), k=k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    x = convert(x)
    if _rank(x) < 2:
        raise OpInputError(
            "ops.diagonal needs a tensor of rank 2 or more.",
            expected="x.ndim >= 2",
            received=f"shape {static_shape(x)}",
        )
    return _diagonal(x, offset, axis1, axis2)


def diff(a, n=1, axis=-1):
    x = convert(a)
    nd = _rank(x)
    if nd == 0:
        raise OpInputError(
            "ops.diff needs a tensor of rank 1 or more.",
            expected="a.ndim >= 1",
            received="a scalar",
        )
    axis = norm_axes(axis, nd, "diff")[0]
    hi = [builtins.slice(None)] * nd
    lo = [builtins.slice(None)] * nd
    hi[axis] = builtins.slice(1, None)
    lo[axis] = builtins.slice(None, -1)
    for _ in range(n):
        if x.dtype == tf.bool:
            x = tf.math.logical_xor(x[tuple(hi)], x[tuple(lo)])
        else:
            x = x[tuple(hi)] - x[tuple(lo)]
    return x


def _tri_mask(x, k, lower):
    shape = static_shape(x)
    n, m = shape[-2], shape[-1]
    mask = np.tri(n, m, k=k, dtype=bool) if lower else ~np.tri(n, m, k=k - 1, dtype=bool)
    return tf.where(tf.constant(mask), x, tf.zeros((), x.dtype))


def tril(x, k=0):
    return _tri_mask(convert(x), k, True)


def triu(x, k=0):
    return _tri_mask(convert(x), k, False)


def pad(x, pad_width, mode="constant", constant_values=None):
    x = convert(x)
    d = dname(x)
    nd = _rank(x)
    try:
        widths = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (nd, 2))
    except ValueError as err:
        raise OpInputError(
            "ops.pad: pad_width does not match the tensor's rank.",
            expected=f"an int, a (before, after) pair, or {nd} pairs",
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
    widths_l = [[int(a), int(b)] for a, b in widths]
    shape = static_shape(x)
    if mode == "constant":
        value = 0 if constant_values is None else constant_values
        return tf.pad(x, widths_l, constant_values=convert(value, d))
    index_modes = {
        "edge": "edge",
        "reflect": "reflect",
        "symmetric": "symmetric",
        "wrap": "wrap",
        "circular": "wrap",
    }
    if mode in index_modes:
        out = x
        for ax, (before, after) in enumerate(widths_l):
            if before or after:
                if shape[ax] == 0:
                    raise OpInputError(
                        f"ops.pad: cannot pad an empty axis with mode={mode!r}.",
                        expected="a non-empty axis",
                        received=f"shape {shape}",
                    )
                index = np.pad(np.arange(shape[ax]), (before, after), mode=index_modes[mode])
                out = tf.gather(out, tf.constant(index, tf.int32), axis=ax)
        return out
    if mode in ("linear_ramp", "maximum", "mean", "median", "minimum", "empty"):
        if not hasattr(x, "numpy"):
            raise OpInputError(
                f"ops.pad: mode={mode!r} is only available eagerly on the TensorFlow backend.",
                expected="mode constant, edge, reflect, symmetric or wrap inside tf.function",
                received=repr(mode),
            )
        arr = x.numpy()
        out = np.pad(arr, [tuple(w) for w in widths_l], mode=mode)
        return tf.constant(out.astype(arr.dtype), x.dtype)
    raise OpInputError(
        "ops.pad: unknown mode.",
        expected="'constant', 'edge', 'reflect', 'symmetric', 'wrap', 'linear_ramp', 'maximum', "
        "'mean', 'median', 'minimum' or 'empty'",
        received=repr(mode),
    )


def _is_basic_key(k):
    return k is None or k is Ellipsis or isinstance(k, (builtins.slice, int, np.integer))


def _norm_key_item(k):
    if C.is_variable(k):
        k = k.value
    if isinstance(k, (list, np.ndarray)):
        return convert(k)
    if (
        isinstance(k, tf.Tensor)
        and k.shape.rank == 0
        and k.dtype.is_integer
        and hasattr(k, "numpy")
    ):
        return int(k.numpy())
    if isinstance(k, builtins.slice):
        return builtins.slice(
            *(
                None
                if v is None
                else (int(v.numpy()) if isinstance(v, tf.Tensor) and hasattr(v, "numpy") else v)
                for v in (k.start, k.stop, k.step)
            )
        )
    return k


def _check_int_bounds(x, key):
    shape = static_shape(x)
    keys = key if isinstance(key, tuple) else (key,)
    dim = 0
    ell = builtins.any(k is Ellipsis for k in keys)
    after_ell = False
    for i, k in enumerate(keys):
        if k is None:
            continue
        if k is Ellipsis:
            rest = [kk for kk in keys[i + 1 :] if kk is not None]
            dim = len(shape) - builtins.sum(
                (_rank(kk) if isinstance(kk, tf.Tensor) and kk.dtype == tf.bool else 1)
                for kk in rest
            )
            after_ell = True
            continue
        if dim >= len(shape):
            raise OpInputError(
                "ops.get_item: too many indices for the tensor.",
                expected=f"at most {len(shape)} indices",
                received=f"key {key!r}",
            )
        n = shape[dim]
        if isinstance(k, (int, np.integer)) and n is not None and not -n <= int(k) < n:
            raise OpInputError(
                "ops.get_item: index out of range.",
                expected=f"an index in [{-n}, {n}) for axis {dim}",
                received=f"index {int(k)}",
            )
        if (
            isinstance(k, tf.Tensor)
            and k.dtype.is_integer
            and hasattr(k, "numpy")
            and n is not None
        ):
            v = k.numpy()
            if v.size and (v.max() >= n or v.min() < -n):
                raise OpInputError(
                    "ops.get_item: index out of range.",
                    expected=f"indices in [{-n}, {n}) for axis {dim}",
                    received=f"indices in [{v.min()}, {v.max()}]",
                )
        if isinstance(k, tf.Tensor) and k.dtype == tf.bool:
            dim += _rank(k)
        else:
            dim += 1
    del ell, after_ell


def get_item(x, key):
    x = convert(x)
    key = tuple(_norm_key_item(k) for k in key) if isinstance(key, tuple) else _norm_key_item(key)
    _check_int_bounds(x, key)
    keys = key if isinstance(key, tuple) else (key,)
    if builtins.all(
        _is_basic_key(k) or (isinstance(k, tf.Tensor) and k.shape.rank == 0 and k.dtype.is_integer)
        for k in keys
    ):
        return x[key]
    if isinstance(key, tf.Tensor) and key.dtype == tf.bool:
        if key.shape.rank == 0:
            return tf.boolean_mask(tf.expand_dims(x, 0), tf.reshape(key, [1]))
        return tf.boolean_mask(x, key)
    from tensorflow.python.ops.numpy_ops import np_array_ops

    keys = tuple(
        tf.cast(k, tf.int64) if isinstance(k, tf.Tensor) and k.dtype.is_unsigned else k
        for k in keys
    )
    return np_array_ops._getitem(x, keys if isinstance(key, tuple) else keys[0])


def take(x, indices, axis=None):
    x = convert(x)
    idx = convert(indices)
    if dname(idx) not in INT_TYPES:
        raise DtypeError(
            "ops.take needs integer indices.",
            expected="indices of an integer dtype",
            received=f"dtype {dname(idx)}",
        )
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    axis = norm_axes(axis, _rank(x), "take")[0]
    n = x.shape[axis]
    if idx.dtype not in (tf.int32, tf.int64):
        idx = tf.cast(idx, tf.int64)
    if hasattr(idx, "numpy") and n is not None:
        v = idx.numpy()
        if v.size and (v.max() >= n or v.min() < -n):
            raise OpInputError(
                "ops.take: index out of range.",
                expected=f"indices in [{-n}, {n})",
                received=f"indices in [{v.min()}, {v.max()}]",
            )
        if v.size and v.min() < 0:
            idx = tf.where(idx < 0, idx + n, idx)
    else:
        idx = tf.where(idx < 0, idx + tf.cast(tf.shape(x)[axis], idx.dtype), idx)
    return tf.gather(x, idx, axis=axis)


def take_along_axis(x, indices, axis=None):
    x = convert(x)
    idx = convert(indices)
    if dname(idx) not in INT_TYPES:
        raise DtypeError(
            "ops.take_along_axis needs integer indices.",
            expected="indices of an integer dtype",
            received=f"dtype {dname(idx)}",
        )
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
        idx = tf.reshape(idx, [-1])
    nd = _rank(x)
    if _rank(idx) != nd:
        raise OpInputError(
            "ops.take_along_axis: indices must have the rank of x.",
            expected=f"indices.ndim == {nd}",
            received=f"indices.shape={static_shape(idx)}",
        )
    axis = norm_axes(axis, nd, "take_along_axis")[0]
    xs, ks = list(static_shape(x)), list(static_shape(idx))
    n = xs[axis]
    xs[axis] = ks[axis] = 1
    common = list(np.broadcast_shapes(tuple(xs), tuple(ks)))
    x_shape = common.copy()
    x_shape[axis] = n
    i_shape = common.copy()
    i_shape[axis] = static_shape(idx)[axis]
    if tuple(x_shape) != static_shape(x):
        x = tf.broadcast_to(x, x_shape)
    if idx.dtype not in (tf.int32, tf.int64):
        idx = tf.cast(idx, tf.int64)
    idx = tf.broadcast_to(idx, i_shape)
    if hasattr(idx, "numpy"):
        v = idx.numpy()
        if v.size and (v.max() >= n or v.min() < -n):
            raise OpInputError(
                "ops.take_along_axis: index out of range.",
                expected=f"indices in [{-n}, {n})",
                received=f"indices in [{v.min()}, {v.max()}]",
            )
    idx = tf.where(idx < 0, idx + n, idx)
    # Move the axis last so that gather's batch_dims covers every other axis.
    xm = moveaxis(x, axis, -1)
    im = moveaxis(idx, axis, -1)
    out = tf.gather(xm, im, batch_dims=nd - 1, axis=nd - 1)
    return moveaxis(out, -1, axis)


def where(condition, x1=None, x2=None):
    cond = cast(convert(condition), "bool")
    if x1 is None and x2 is None:
        return nonzero(cond)
    if x1 is None or x2 is None:
        raise OpInputError(
            "ops.where needs both x1 and x2, or neither.",
            expected="where(condition) or where(condition, x1, x2)",
            received=f"x1 {'missing' if x1 is None else 'given'}, "
            f"x2 {'missing' if x2 is None else 'given'}",
        )
    a, b, _ = promote2(x1, x2)
    return tf.where(cond, a, b)


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
    choices = [C.weak(c) for c in choicelist]
    dtype = result_type(*choices, C.weak(default))
    conds = [cast(convert(c), "bool") for c in condlist]
    choices = [convert(c, dtype) for c in choices]
    out = convert(default, dtype)
    shape = tf.shape(out)
    for t in conds + choices:
        shape = tf.broadcast_dynamic_shape(shape, tf.shape(t))
    out = tf.broadcast_to(out, shape)
    for cond, choice in zip(reversed(conds), reversed(choices)):
        out = tf.where(cond, choice, out)
    return out


def argsort(x, axis=-1):
    x = convert(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    nd = _rank(x)
    if nd == 0:
        return tf.zeros((), tf.int32)
    axis = norm_axes(axis, nd, "argsort")[0]
    d = dname(x)
    if d == "uint64":
        # Order-preserving map into int64: wrap, then flip the sign bit.
        x = tf.bitwise.bitwise_xor(
            tf.cast(x, tf.int64), tf.constant(np.iinfo(np.int64).min, tf.int64)
        )
    elif d in ("bool", "int8", "int16", "uint8", "uint16"):
        x = cast(x, "int32")
    elif d == "uint32":
        x = cast(x, "int64")
    if not x.dtype.is_floating:
        return tf.cast(tf.argsort(x, axis=axis, stable=True), tf.int32)
    work = tf.cast(x, tf.float32) if x.dtype in (tf.float16, tf.bfloat16) else x
    # Stable sort with NaN last: sort by value (NaN as +inf), then stably by "is NaN".
    xm = moveaxis(work, axis, -1)
    nan = tf.math.is_nan(xm)
    key = tf.where(nan, tf.constant(np.inf, xm.dtype), xm)
    first = tf.argsort(key, axis=-1, stable=True)
    flags = tf.cast(tf.gather(nan, first, axis=nd - 1, batch_dims=nd - 1), tf.int32)
    second = tf.argsort(flags, axis=-1, stable=True)
    out = tf.gather(first, second, axis=nd - 1, batch_dims=nd - 1)
    return tf.cast(moveaxis(out, -1, axis), tf.int32)


def sort(x, axis=-1):
    x = convert(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    nd = _rank(x)
    if nd == 0:
        return x
    axis = norm_axes(axis, nd, "sort")[0]
    order = argsort(x, axis=axis)
    return take_along_axis(x, order, axis=axis)


def argpartition(x, kth, axis=-1):
    return argsort(x, axis=axis)


def nonzero(x):
    x = convert(x)
    if _rank(x) == 0:
        x = tf.reshape(x, [1])
    nz = tf.not_equal(x, tf.zeros((), x.dtype)) if x.dtype != tf.bool else x
    idx = tf.cast(tf.where(nz), tf.int32)
    return tuple(idx[:, i] for i in range(_rank(x)))


def searchsorted(sorted_sequence, values, side="left"):
    seq = convert(sorted_sequence)
    if _rank(seq) != 1:
        raise OpInputError(
            "ops.searchsorted only supports a 1-D sorted sequence.",
            expected="sorted_sequence.ndim == 1",
            received=f"shape {static_shape(seq)}",
        )
    if side not in ("left", "right"):
        raise OpInputError(
            "ops.searchsorted: side must be 'left' or 'right'.",
            expected="'left' or 'right'",
            received=repr(side),
        )
    (s, v), d = promote(seq, C.weak(values))
    if d == "bool" or d in ("int8", "int16", "uint8", "uint16"):
        s, v = cast(s, "int32"), cast(v, "int32")
    shape = tf.shape(v)
    out = tf.searchsorted(s, tf.reshape(v, [-1]), side=side, out_type=tf.int32)
    return tf.reshape(out, shape)


def digitize(x, bins):
    x = convert(x)
    b = convert(bins)
    if _rank(b) != 1:
        raise OpInputError(
            "ops.digitize needs 1-D bins.",
            expected="bins.ndim == 1",
            received=f"shape {static_shape(b)}",
        )
    n = b.shape[0]
    decreasing = False
    if hasattr(b, "numpy") and n and n > 1:
        bv = b.numpy()
        decreasing = bool(bv[0] > bv[-1])
    if decreasing:
        return tf.constant(n, tf.int32) - searchsorted(tf.reverse(b, [0]), x, side="left")
    return searchsorted(b, x, side="right")


def bincount(x, weights=None, minlength=0, sparse=False):
    if sparse:
        raise OpInputError(
            "ops.bincount: sparse=True is not supported by the TensorFlow backend of tholos.",
            expected="sparse=False",
            received="sparse=True",
        )
    x = convert(x)
    if dname(x) not in INT_TYPES:
        raise DtypeError(
            "ops.bincount needs integer values.",
            expected="an integer tensor",
            received=f"dtype {dname(x)}",
        )
    nd = _rank(x)
    if nd not in (1, 2):
        raise OpInputError(
            "ops.bincount needs a 1-D or 2-D tensor.",
            expected="x.ndim in (1, 2)",
            received=f"shape {static_shape(x)}",
        )
    xv = x.numpy() if hasattr(x, "numpy") else None
    if xv is not None and xv.size and xv.min() < 0:
        raise OpInputError(
            "ops.bincount needs non-negative values.",
            expected="x >= 0",
            received=f"min value {xv.min()}",
        )
    xi = cast(x, "int32")
    if weights is None:
        dtype, w = "int32", None
    else:
        w = convert(weights)
        dtype = result_type(x, w)
        if static_shape(w) != static_shape(x):
            raise OpInputError(
                "ops.bincount: weights must have the shape of x.",
                expected=f"weights.shape == {static_shape(x)}",
                received=f"weights.shape={static_shape(w)}",
            )
    work = "float64" if dtype not in ("float32", "float64") else dtype
    if xv is not None:
        length = builtins.max(int(minlength), int(xv.max()) + 1 if xv.size else 0)
    else:
        length = tf.maximum(tf.constant(int(minlength)), tf.reduce_max(xi) + 1)
    wt = None if w is None else cast(w, work)
    if nd == 1:
        if w is None:
            out = tf.math.bincount(xi, minlength=length, maxlength=length, dtype=tf.int32)
        else:
            out = tf.math.unsorted_segment_sum(wt, xi, length)
    else:
        rows = tf.shape(xi)[0]
        flat = tf.reshape(xi + tf.range(rows)[:, None] * length, [-1])
        vals = tf.ones_like(flat) if w is None else tf.reshape(wt, [-1])
        out = tf.reshape(tf.math.unsorted_segment_sum(vals, flat, rows * length), [rows, length])
    return cast(out, dtype)


def histogram(x, bins=10, range=None):
    x = convert(x)
    edges_dtype = float_of(dname(x))
    flat = cast(tf.reshape(x, [-1]), "float64")
    if range is None:
        if flat.shape[0] == 0:
            lo, hi = 0.0, 1.0
            lo_t, hi_t = tf.constant(lo, tf.float64), tf.constant(hi, tf.float64)
        else:
            lo_t, hi_t = tf.reduce_min(flat), tf.reduce_max(flat)
    else:
        lo_t, hi_t = (
            tf.constant(float(range[0]), tf.float64),
            tf.constant(float(range[1]), tf.float64),
        )
    same = tf.equal(lo_t, hi_t)
    lo_t = tf.where(same, lo_t - 0.5, lo_t)
    hi_t = tf.where(same, hi_t + 0.5, hi_t)
    edges = lo_t + (hi_t - lo_t) * tf.range(bins + 1, dtype=tf.float64) / bins
    edges = tf.concat([edges[:-1], hi_t[None]], 0)
    inside = (flat >= lo_t) & (flat <= hi_t)
    norm = bins / (hi_t - lo_t)
    idx = tf.cast(tf.floor((flat - lo_t) * norm), tf.int32)
    idx = tf.clip_by_value(idx, 0, bins - 1)
    # NumPy's correction against the computed edges
    e_at = tf.gather(edges, idx)
    idx = tf.where(flat < e_at, idx - 1, idx)
    e_next = tf.gather(edges, tf.minimum(idx + 1, bins))
    idx = tf.where((flat >= e_next) & (idx != bins - 1), idx + 1, idx)
    idx = tf.clip_by_value(idx, 0, bins - 1)
    counts = tf.math.unsorted_segment_sum(
        tf.cast(inside, tf.int32), tf.where(inside, idx, tf.zeros_like(idx)), bins
    )
    return counts, cast(edges, edges_dtype)


def unravel_index(indices, shape):
    idx = convert(indices)
    d = dname(idx)
    dims = [C.to_int(s) for s in shape]
    work = cast(idx, "int64")
    out = []
    for dim in reversed(dims):
        out.append(cast(tf.math.floormod(work, dim), d))
        work = tf.math.floordiv(work, dim)
    return tuple(reversed(out))


def isin(x1, x2, assume_unique=False, invert=False):
    (a, b), _ = promote(C.weak(x1), C.weak(x2))
    flat = tf.reshape(b, [-1])
    hit = tf.reduce_any(tf.equal(tf.expand_dims(a, -1), flat), axis=-1)
    return tf.logical_not(hit) if invert else hit


_ITEMSIZE = {
    "bool": 1,
    "int8": 1,
    "uint8": 1,
    "int16": 2,
    "uint16": 2,
    "float16": 2,
    "bfloat16": 2,
    "int32": 4,
    "uint32": 4,
    "float32": 4,
    "int64": 8,
    "uint64": 8,
    "float64": 8,
    "complex64": 8,
    "complex128": 16,
}


def view(x, dtype=None):
    x = convert(x)
    if dtype is None:
        return tf.identity(x)
    target = standardize_dtype(dtype)
    src = dname(x)
    if target == src:
        return tf.identity(x)
    if src == "bool":
        x, src = cast(x, "uint8"), "uint8"
    want_bool = target == "bool"
    if want_bool:
        target = "uint8"
    s, t = _ITEMSIZE[src], _ITEMSIZE[target]
    shape = list(static_shape(x))
    if s == t:
        out = tf.bitcast(x, C.tfd(target))
    elif s > t:
        out = tf.bitcast(x, C.tfd(target))
        out = tf.reshape(out, shape[:-1] + [shape[-1] * (s // t)] if shape else [s // t])
    else:
        ratio = t // s
        if not shape or shape[-1] % ratio:
            raise OpInputError(
                "ops.view: the last axis does not divide into the new item size.",
                expected=f"x.shape[-1] divisible by {ratio}",
                received=f"shape {shape}",
            )
        out = tf.bitcast(tf.reshape(x, shape[:-1] + [shape[-1] // ratio, ratio]), C.tfd(target))
    return tf.not_equal(out, 0) if want_bool else out


def vander(x, N=None, increasing=False):  # noqa: N803
    x = convert(x)
    if _rank(x) != 1:
        raise OpInputError(
            "ops.vander needs a 1-D tensor.",
            expected="x.ndim == 1",
            received=f"shape {static_shape(x)}",
        )
    d = dname(x)
    n = x.shape[0] if N is None else int(N)
    powers = range(n) if increasing else range(n - 1, -1, -1)
    cols = [power(x, p) if p else tf.ones_like(x) for p in powers]
    if not cols:
        return tf.zeros((x.shape[0], 0), x.dtype)
    return cast(tf.stack(cols, axis=1), d)


def meshgrid(*x, indexing="xy"):
    if indexing not in ("xy", "ij"):
        raise OpInputError(
            "ops.meshgrid: indexing must be 'xy' or 'ij'.",
            expected="'xy' or 'ij'",
            received=repr(indexing),
        )
    xs = [tf.reshape(convert(v), [-1]) for v in x]
    return list(tf.meshgrid(*xs, indexing=indexing))


def slogdet(x):
    x = convert(x)
    d = float_of(dname(x))
    shape = static_shape(x)
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise OpInputError(
            "ops.slogdet needs square matrices.",
            expected="shape (..., N, N)",
            received=f"shape {shape}",
        )
    work = "float32" if d in ("float16", "bfloat16") else d
    sign_, logdet = tf.linalg.slogdet(cast(x, work))
    return cast(sign_, d), cast(logdet, d)


__all__ = C.guard_module(globals())
