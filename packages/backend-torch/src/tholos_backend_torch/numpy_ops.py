"""The numpy-like op family in torch.

Each op converts its inputs once (torch tensors pass through untouched), promotes with
tholos' table (:func:`_convert.operands`), then calls one torch kernel. Ops that torch lacks
for a dtype (``uint16/32/64`` arithmetic, bool matmul...) widen first and cast back.
"""

from __future__ import annotations

import builtins
import math as _math

import numpy as np
import torch

from tholos.backend.common import axes as _axes
from tholos.backend.dtypes import result_type
from tholos.errors import DtypeError, OpInputError
from tholos_backend_torch import _convert
from tholos_backend_torch import devices as _devices
from tholos_backend_torch._convert import (
    COMPLEX,
    FLOATS,
    INEXACT,
    INTS,
    LIMITED,
    NAMES,
    PY_SCALARS,
    TORCH_DTYPES,
    axes_tuple,
    cast,
    float_of,
    floatx_t,
    operands,
    promote,
    to_tensor,
    wide,
)

Tensor = torch.Tensor
_PY = frozenset(PY_SCALARS)
_BOOL = torch.bool
_I32 = torch.int32
_I64 = torch.int64


def _t(x):
    return x if isinstance(x, Tensor) else to_tensor(x)


def _dim(axes):
    """torch ``dim`` argument from a normalised axes tuple (None = all)."""
    return axes


# --------------------------------------------------------------------------------------------
# element-wise unary
# --------------------------------------------------------------------------------------------


def _ufloat(fn):
    def op(x):
        if not isinstance(x, Tensor):
            x = to_tensor(x)
        if x.dtype not in INEXACT:
            x = cast(x, floatx_t())
        return fn(x)

    return op


sqrt = _ufloat(torch.sqrt)
exp = _ufloat(torch.exp)
exp2 = _ufloat(torch.exp2)
expm1 = _ufloat(torch.expm1)
log = _ufloat(torch.log)
log10 = _ufloat(torch.log10)
log1p = _ufloat(torch.log1p)
log2 = _ufloat(torch.log2)
sin = _ufloat(torch.sin)
cos = _ufloat(torch.cos)
tan = _ufloat(torch.tan)
arcsin = _ufloat(torch.asin)
arccos = _ufloat(torch.acos)
arctan = _ufloat(torch.atan)
sinh = _ufloat(torch.sinh)
cosh = _ufloat(torch.cosh)
tanh = _ufloat(torch.tanh)
arcsinh = _ufloat(torch.asinh)
arccosh = _ufloat(torch.acosh)
arctanh = _ufloat(torch.atanh)
deg2rad = _ufloat(torch.deg2rad)
reciprocal = _ufloat(torch.reciprocal)


def _cbrt(x):
    if x.dtype in COMPLEX:
        return x ** (1.0 / 3.0)
    return torch.sign(x) * torch.abs(x).pow(1.0 / 3.0)


cbrt = _ufloat(_cbrt)


def absolute(x):
    x = _t(x)
    dt = x.dtype
    if dt is _BOOL:
        return x.clone()
    if dt in LIMITED:
        return x.clone()
    return torch.abs(x)


def abs(x):
    return absolute(x)


def negative(x):
    x = _t(x)
    if x.dtype is _BOOL:
        raise DtypeError(
            "ops.negative is not defined for bool tensors.",
            expected="a numeric tensor",
            received="dtype bool",
            hint="Use ops.logical_not for booleans.",
        )
    if x.dtype in LIMITED:
        return torch.neg(wide(x)).to(x.dtype)
    return torch.neg(x)


def sign(x):
    x = _t(x)
    dt = x.dtype
    if dt is _BOOL:
        return x.clone()
    if dt in COMPLEX:
        return torch.sgn(x)
    if dt in LIMITED:
        return torch.sign(wide(x)).to(dt)
    return torch.sign(x)


def square(x):
    x = _t(x)
    dt = x.dtype
    if dt is _BOOL:
        x = x.to(_I32)
    elif dt in LIMITED:
        return torch.square(wide(x)).to(dt)
    return x * x


def floor(x):
    x = _t(x)
    if x.dtype not in FLOATS:
        return cast(x, float_of(x.dtype))
    return torch.floor(x)


def ceil(x):
    x = _t(x)
    if x.dtype not in FLOATS:
        return cast(x, float_of(x.dtype))
    return torch.ceil(x)


def trunc(x):
    x = _t(x)
    if x.dtype not in FLOATS:
        return x.clone()
    return torch.trunc(x)


def round(x, decimals=0):
    x = _t(x)
    dt = x.dtype
    if dt in FLOATS:
        return torch.round(x, decimals=int(decimals)) if decimals else torch.round(x)
    if dt is _BOOL or decimals >= 0:
        return x.clone()
    scale = 10 ** (-int(decimals))
    xf = wide(x).to(torch.float64)
    return (torch.round(xf / scale) * scale).to(dt)


def angle(x):
    x = _t(x)
    if x.dtype not in INEXACT:
        x = x.to(floatx_t())
    return torch.angle(x)


def conjugate(x):
    x = _t(x)
    if x.dtype in COMPLEX:
        return torch.conj_physical(x)
    return x.clone()


def conj(x):
    return conjugate(x)


def real(x):
    x = _t(x)
    if x.dtype in COMPLEX:
        return torch.real(x).clone()
    return x.clone()


def imag(x):
    x = _t(x)
    if x.dtype in COMPLEX:
        return torch.imag(x).clone()
    return torch.zeros_like(x)


def copy(x):
    return _t(x).clone()


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x = _t(x)
    if x.dtype not in FLOATS:
        return x
    return torch.nan_to_num(x, nan=float(nan), posinf=posinf, neginf=neginf)


def isnan(x):
    return torch.isnan(wide(_t(x)))


def isinf(x):
    return torch.isinf(wide(_t(x)))


def isfinite(x):
    return torch.isfinite(wide(_t(x)))


def isneginf(x):
    x = wide(_t(x))
    if x.dtype in COMPLEX:
        return torch.zeros(x.shape, dtype=_BOOL, device=x.device)
    return torch.isneginf(x)


def isposinf(x):
    x = wide(_t(x))
    if x.dtype in COMPLEX:
        return torch.zeros(x.shape, dtype=_BOOL, device=x.device)
    return torch.isposinf(x)


def isreal(x):
    return torch.isreal(_t(x))


def signbit(x):
    x = wide(_t(x))
    if x.dtype is _BOOL:
        return torch.zeros(x.shape, dtype=_BOOL, device=x.device)
    return torch.signbit(x)


def logical_not(x):
    return torch.logical_not(_t(x))


def _require_int(op, *dts):
    for d in dts:
        if d not in INTS and d is not _BOOL:
            raise DtypeError(
                f"ops.{op} needs integer or bool tensors.",
                expected="integer or bool dtypes",
                received=f"dtype {NAMES[d]}",
                hint="Cast with ops.cast(x, 'int32') first.",
            )


def bitwise_invert(x):
    x = _t(x)
    _require_int("bitwise_invert", x.dtype)
    return torch.bitwise_not(x)


def bitwise_not(x):
    return bitwise_invert(x)


# --------------------------------------------------------------------------------------------
# element-wise binary
# --------------------------------------------------------------------------------------------


def add(x1, x2):
    a, b, dt = operands(x1, x2)
    if dt in LIMITED:
        return (wide(a) + wide(b)).to(dt)
    return a + b


def subtract(x1, x2):
    a, b, dt = operands(x1, x2)
    if dt is _BOOL:
        raise DtypeError(
            "ops.subtract is not defined for two bool tensors.",
            expected="numeric tensors",
            received="bool and bool",
            hint="Use ops.logical_xor, or cast to an integer dtype first.",
        )
    if dt in LIMITED:
        return (wide(a) - wide(b)).to(dt)
    return a - b


def multiply(x1, x2):
    a, b, dt = operands(x1, x2)
    if dt in LIMITED:
        return (wide(a) * wide(b)).to(dt)
    return a * b


def divide(x1, x2):
    a, b, dt = operands(x1, x2)
    if dt not in INEXACT:
        ft = floatx_t()
        a = cast(a, ft) if isinstance(a, Tensor) else a
        b = cast(b, ft) if isinstance(b, Tensor) else b
        if not isinstance(a, Tensor) and not isinstance(b, Tensor):
            a = torch.tensor(a, dtype=ft)
    return a / b


true_divide = divide


def divide_no_nan(x1, x2):
    a, b, dt = operands(x1, x2)
    ft = float_of(dt)
    a = to_tensor(a, ft) if not isinstance(a, Tensor) else cast(a, ft)
    b = to_tensor(b, ft, a.device) if not isinstance(b, Tensor) else cast(b, ft)
    zero = b == 0
    safe = torch.where(zero, torch.ones((), dtype=ft, device=b.device), b)
    return torch.where(zero, torch.zeros((), dtype=ft, device=b.device), a / safe)


def floor_divide(x1, x2):
    a, b, dt = operands(x1, x2)
    if dt is _BOOL:
        a, b, dt = _as(a, _I32), _as(b, _I32), _I32
    if dt in LIMITED:
        return torch.floor_divide(wide(_as(a, dt)), wide(b)).to(dt)
    if not isinstance(a, Tensor):
        a = to_tensor(a, dt, b.device)
    return torch.floor_divide(a, b)


def _as(x, dt):
    return cast(x, dt) if isinstance(x, Tensor) else x


def mod(x1, x2):
    a, b, dt = operands(x1, x2)
    if dt is _BOOL:
        a, b, dt = _as(a, _I32), _as(b, _I32), _I32
    if dt in LIMITED:
        return torch.remainder(wide(_as(a, dt)), wide(b)).to(dt)
    if not isinstance(a, Tensor):
        a = to_tensor(a, dt, b.device)
    return torch.remainder(a, b)


def power(x1, x2):
    a, b, dt = operands(x1, x2)
    if dt is _BOOL:
        a, b = _t(a), _t(b)
        return torch.logical_or(a, torch.logical_not(b))
    if dt in LIMITED:
        return torch.pow(wide(_t(a)), wide(b)).to(dt)
    if not isinstance(a, Tensor):
        a = to_tensor(a, dt, b.device)
    return torch.pow(a, b)


def _both(x1, x2):
    a, b, dt = operands(x1, x2)
    if not isinstance(a, Tensor):
        a = to_tensor(a, dt, b.device)
    elif not isinstance(b, Tensor):
        b = to_tensor(b, dt, a.device)
    return a, b, dt


def maximum(x1, x2):
    a, b, dt = _both(x1, x2)
    if dt in LIMITED:
        return torch.maximum(wide(a), wide(b)).to(dt)
    return torch.maximum(a, b)


def minimum(x1, x2):
    a, b, dt = _both(x1, x2)
    if dt in LIMITED:
        return torch.minimum(wide(a), wide(b)).to(dt)
    return torch.minimum(a, b)


def _bfloat(fn):
    def op(x1, x2):
        a, b, dt = _both(x1, x2)
        if dt not in INEXACT:
            ft = floatx_t()
            a, b = cast(a, ft), cast(b, ft)
        return fn(a, b)

    return op


arctan2 = _bfloat(torch.atan2)
hypot = _bfloat(torch.hypot)
logaddexp = _bfloat(torch.logaddexp)
logaddexp2 = _bfloat(torch.logaddexp2)
heaviside = _bfloat(torch.heaviside)
nextafter = _bfloat(torch.nextafter)


def ldexp(x1, x2):
    e = _t(x2)
    if e.dtype not in INTS:
        raise DtypeError(
            "ops.ldexp needs an integer exponent.",
            expected="x2 of an integer dtype",
            received=f"x2 of dtype {NAMES[e.dtype]}",
        )
    x = _t(x1)
    dt = float_of(TORCH_DTYPES[result_type(NAMES[x.dtype], NAMES[e.dtype])])
    x = cast(x, dt)
    return x * torch.pow(torch.tensor(2.0, dtype=torch.float64, device=x.device), wide(e)).to(dt)


def _compare(fn):
    def op(x1, x2):
        a, b, dt = operands(x1, x2)
        if dt in LIMITED:
            a, b = wide(a), wide(b)
        if not isinstance(a, Tensor):
            a = to_tensor(a, b.dtype, b.device)
        return fn(a, b)

    return op


equal = _compare(torch.eq)
not_equal = _compare(torch.ne)
greater = _compare(torch.gt)
greater_equal = _compare(torch.ge)
less = _compare(torch.lt)
less_equal = _compare(torch.le)


def _logical(fn):
    def op(x1, x2):
        return fn(_t(x1), _t(x2))

    return op


logical_and = _logical(torch.logical_and)
logical_or = _logical(torch.logical_or)
logical_xor = _logical(torch.logical_xor)


def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    a, b, dt = _both(x1, x2)
    if dt in LIMITED:
        a, b = wide(a), wide(b)
    if dt is _BOOL:
        return a == b
    return torch.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def _bitwise(fn, opname):
    def op(x, y):
        a, b, dt = _both(x, y)
        _require_int(opname, dt)
        if dt in LIMITED:
            return fn(wide(a), wide(b)).to(dt)
        return fn(a, b)

    op.__name__ = opname
    return op


bitwise_and = _bitwise(torch.bitwise_and, "bitwise_and")
bitwise_or = _bitwise(torch.bitwise_or, "bitwise_or")
bitwise_xor = _bitwise(torch.bitwise_xor, "bitwise_xor")
bitwise_left_shift = _bitwise(torch.bitwise_left_shift, "bitwise_left_shift")
bitwise_right_shift = _bitwise(torch.bitwise_right_shift, "bitwise_right_shift")
left_shift = bitwise_left_shift
right_shift = bitwise_right_shift


def _int_pair(fn, opname):
    def op(x1, x2):
        a, b, dt = _both(x1, x2)
        _require_int(opname, dt)
        if dt is _BOOL or dt in LIMITED or dt is torch.uint8:
            return fn(a.to(_I64), b.to(_I64)).to(dt)
        return fn(a, b)

    return op


gcd = _int_pair(torch.gcd, "gcd")
lcm = _int_pair(lambda a, b: torch.abs(torch.lcm(a, b)), "lcm")


def clip(x, x_min, x_max):
    x = _t(x)
    dt = x.dtype
    if dt is _BOOL:
        x, dt = x.to(_I32), _I32
    lo = x_min if type(x_min) in _PY else wide(_t(x_min))
    hi = x_max if type(x_max) in _PY else wide(_t(x_max))
    xw = wide(x)
    if isinstance(lo, Tensor) and lo.dtype is not xw.dtype:
        lo = lo.to(torch.promote_types(lo.dtype, xw.dtype))
    if isinstance(hi, Tensor) and hi.dtype is not xw.dtype:
        hi = hi.to(torch.promote_types(hi.dtype, xw.dtype))
    # torch.clamp takes two tensor bounds or two scalar bounds, not one of each.
    if isinstance(lo, Tensor) and hi is not None and not isinstance(hi, Tensor):
        hi = torch.tensor(hi, dtype=lo.dtype, device=lo.device)
    elif isinstance(hi, Tensor) and lo is not None and not isinstance(lo, Tensor):
        lo = torch.tensor(lo, dtype=hi.dtype, device=hi.device)
    out = torch.clamp(xw, lo, hi)
    return out if out.dtype is dt else cast(out, dt)


# --------------------------------------------------------------------------------------------
# reductions
# --------------------------------------------------------------------------------------------

_SUM_DTYPE = {
    torch.bool: torch.int32,
    torch.int8: torch.int32,
    torch.int16: torch.int32,
    torch.uint8: torch.uint32,
    torch.uint16: torch.uint32,
}


def _keep_all(out, ndim):
    return out.reshape((1,) * ndim)


def all(x, axis=None, keepdims=False):
    x = _t(x)
    axes = axes_tuple(axis, x.ndim, "all")
    if axes == ():
        return x.to(_BOOL)
    if axes is None:
        out = torch.all(x).to(_BOOL)
        return _keep_all(out, x.ndim) if keepdims else out
    return torch.all(x, dim=axes, keepdim=keepdims).to(_BOOL)


def any(x, axis=None, keepdims=False):
    x = _t(x)
    axes = axes_tuple(axis, x.ndim, "any")
    if axes == ():
        return x.to(_BOOL)
    if axes is None:
        out = torch.any(x).to(_BOOL)
        return _keep_all(out, x.ndim) if keepdims else out
    return torch.any(x, dim=axes, keepdim=keepdims).to(_BOOL)


def sum(x, axis=None, keepdims=False):
    x = _t(x)
    dt = x.dtype
    out_dt = _SUM_DTYPE.get(dt, dt)
    if axis is None:
        if out_dt in LIMITED:
            out = torch.sum(wide(x), dtype=_I64).to(out_dt)
        else:
            out = torch.sum(x, dtype=out_dt) if out_dt not in FLOATS else torch.sum(x)
        return _keep_all(out, x.ndim) if keepdims else out
    axes = axes_tuple(axis, x.ndim, "sum")
    if axes == () or x.ndim == 0:
        return cast(x, out_dt)
    if out_dt in LIMITED:
        return torch.sum(wide(x), dim=axes, keepdim=keepdims, dtype=_I64).to(out_dt)
    if out_dt is dt and dt in FLOATS:
        return torch.sum(x, dim=axes, keepdim=keepdims)
    return torch.sum(x, dim=axes, keepdim=keepdims, dtype=out_dt)


def nansum(x, axis=None, keepdims=False):
    x = _t(x)
    if x.dtype in FLOATS:
        x = torch.where(torch.isnan(x), torch.zeros((), dtype=x.dtype, device=x.device), x)
    return sum(x, axis=axis, keepdims=keepdims)


def prod(x, axis=None, keepdims=False, dtype=None):
    x = _t(x)
    out_dt = _convert.tdtype(dtype) if dtype is not None else _SUM_DTYPE.get(x.dtype, x.dtype)
    xw = cast(x, out_dt if out_dt not in LIMITED else _I64)
    if xw.dtype is _BOOL:
        xw = xw.to(_I64)
    axes = axes_tuple(axis, x.ndim, "prod")
    if axes is None:
        out = torch.prod(xw.reshape(-1))
        if keepdims:
            out = _keep_all(out, x.ndim)
    elif axes == ():
        out = xw
    else:
        out = xw
        for a in sorted(axes, reverse=True):
            out = torch.prod(out, dim=a, keepdim=True)
        if not keepdims:
            out = out.reshape([d for i, d in enumerate(out.shape) if i not in axes])
    return cast(out, out_dt)


def mean(x, axis=None, keepdims=False):
    x = _t(x)
    if x.dtype not in INEXACT:
        x = cast(x, floatx_t())
    if axis is None:
        out = torch.mean(x)
        return _keep_all(out, x.ndim) if keepdims else out
    axes = axes_tuple(axis, x.ndim, "mean")
    if axes == () or x.ndim == 0:
        return x
    return torch.mean(x, dim=axes, keepdim=keepdims)


def var(x, axis=None, keepdims=False):
    x = _t(x)
    if x.dtype not in INEXACT:
        x = cast(x, floatx_t())
    axes = axes_tuple(axis, x.ndim, "var")
    if axes == ():
        return torch.zeros(x.shape, dtype=_convert.real_of(x.dtype), device=x.device)
    out = torch.var(x, dim=axes, correction=0, keepdim=keepdims)
    if axes is None and keepdims:
        out = _keep_all(out, x.ndim)
    return out


def std(x, axis=None, keepdims=False):
    return torch.sqrt(var(x, axis=axis, keepdims=keepdims))


def _extremum(x, axis, keepdims, initial, opname, fn, combine):
    x = _t(x)
    dt = x.dtype
    axes = axes_tuple(axis, x.ndim, opname)
    red = axes if axes is not None else tuple(range(x.ndim))
    empty = x.numel() == 0 and (axes is None or builtins.any(x.shape[a] == 0 for a in red))
    if empty:
        shape = _axes.empty_reduction_shape(tuple(x.shape), red, keepdims, initial, axis, opname)
        return to_tensor(initial, dt).to(x.device).expand(shape).clone()
    xw = wide(x)
    if x.ndim == 0 or axes == ():
        out = xw.clone()
    else:
        out = fn(xw, dim=red, keepdim=keepdims)
    if initial is not None:
        out = combine(out, to_tensor(initial, out.dtype, out.device))
    return cast(out, dt)


def max(x, axis=None, keepdims=False, initial=None):
    return _extremum(x, axis, keepdims, initial, "max", torch.amax, torch.maximum)


def min(x, axis=None, keepdims=False, initial=None):
    return _extremum(x, axis, keepdims, initial, "min", torch.amin, torch.minimum)


def amax(x, axis=None, keepdims=False):
    return _extremum(x, axis, keepdims, None, "amax", torch.amax, torch.maximum)


def amin(x, axis=None, keepdims=False):
    return _extremum(x, axis, keepdims, None, "amin", torch.amin, torch.minimum)


def ptp(x, axis=None, keepdims=False):
    x = _t(x)
    return subtract(amax(x, axis, keepdims), amin(x, axis, keepdims))


def _nan_extremum(x, axis, keepdims, fill, opname, fn):
    x = _t(x)
    if x.dtype not in FLOATS:
        return _extremum(x, axis, keepdims, None, opname, fn, None)
    nan = torch.isnan(x)
    filled = torch.where(nan, torch.full((), fill, dtype=x.dtype, device=x.device), x)
    out = _extremum(filled, axis, keepdims, None, opname, fn, None)
    allnan = all(nan, axis=axis, keepdims=keepdims)
    return torch.where(allnan, torch.full((), _math.nan, dtype=x.dtype, device=x.device), out)


def nanmax(x, axis=None, keepdims=False):
    return _nan_extremum(x, axis, keepdims, -_math.inf, "nanmax", torch.amax)


def nanmin(x, axis=None, keepdims=False):
    return _nan_extremum(x, axis, keepdims, _math.inf, "nanmin", torch.amin)


def average(x, axis=None, weights=None):
    x = _t(x)
    if weights is None:
        return mean(x, axis=axis)
    w = _t(weights)
    dt = float_of(TORCH_DTYPES[result_type(NAMES[x.dtype], NAMES[w.dtype])])
    x, w = cast(x, dt), cast(w, dt)
    if w.shape != x.shape:
        if axis is None:
            raise OpInputError(
                "ops.average: `axis` must be given when `weights` and `x` differ in shape.",
                expected="weights.shape == x.shape, or a 1-D weights with `axis`",
                received=f"x.shape={tuple(x.shape)}, weights.shape={tuple(w.shape)}",
            )
        ax = axes_tuple(axis, x.ndim, "average")
        if w.ndim != 1 or len(ax) != 1 or w.shape[0] != x.shape[ax[0]]:
            raise OpInputError(
                "ops.average: 1-D `weights` must match the length of `x` along `axis`.",
                expected="weights of the length of x along axis",
                received=f"weights.shape={tuple(w.shape)}, axis={axis!r}",
            )
        shape = [1] * x.ndim
        shape[ax[0]] = w.shape[0]
        w = w.reshape(shape)
    axes = axes_tuple(axis, x.ndim, "average")
    num = torch.sum(x * w, dim=axes)
    den = torch.sum(torch.broadcast_to(w, x.shape), dim=axes)
    return num / den


def count_nonzero(x, axis=None):
    x = _t(x)
    axes = axes_tuple(axis, x.ndim, "count_nonzero")
    if axes == ():
        return (x != 0).to(_I32)
    return torch.count_nonzero(wide(x), dim=axes).to(_I32)


def _arg(fn, x, axis, keepdims):
    x = _t(x)
    if x.dtype is _BOOL or x.dtype in LIMITED:
        x = x.to(_I64) if x.dtype is not _BOOL else x.to(torch.uint8)
    if axis is None:
        out = fn(x.reshape(-1))
        if keepdims:
            out = out.reshape((1,) * x.ndim)
    else:
        out = fn(x, dim=int(axis), keepdim=keepdims)
    return out.to(_I32)


def argmax(x, axis=None, keepdims=False):
    return _arg(torch.argmax, x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    return _arg(torch.argmin, x, axis, keepdims)


def _cum(fn, x, axis, dtype, opname):
    x = _t(x)
    out_dt = _convert.tdtype(dtype) if dtype is not None else x.dtype
    if out_dt is _BOOL:
        out_dt = _I32
    if axis is None:
        x, axis = x.reshape(-1), 0
    ax = axes_tuple(axis, x.ndim, opname)[0]
    if x.ndim == 0:
        return cast(x, out_dt).reshape(())
    if out_dt in LIMITED:
        return fn(wide(x), dim=ax, dtype=_I64).to(out_dt)
    return fn(cast(x, out_dt), dim=ax, dtype=out_dt)


def cumsum(x, axis=None, dtype=None):
    return _cum(torch.cumsum, x, axis, dtype, "cumsum")


def cumprod(x, axis=None, dtype=None):
    return _cum(torch.cumprod, x, axis, dtype, "cumprod")


_QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(x, q, axis, method, keepdims, opname):
    if method not in _QUANTILE_METHODS:
        raise OpInputError(
            f"ops.{opname}: unknown interpolation method.",
            expected=f"one of {_QUANTILE_METHODS}",
            received=repr(method),
        )
    x = _t(x)
    dt = float_of(x.dtype)
    x = cast(x, dt)
    qt = to_tensor(q, torch.float64, x.device) if not isinstance(q, Tensor) else q.to(torch.float64)
    if bool(((qt < 0) | (qt > 1) | torch.isnan(qt)).any()):
        raise OpInputError(
            f"ops.{opname}: quantiles must be in [0, 1].",
            expected="0 <= q <= 1",
            received=f"q={qt.tolist()}",
        )
    axes = axes_tuple(axis, x.ndim, opname)
    axes = tuple(range(x.ndim)) if axes is None else tuple(sorted(axes))
    other = [a for a in range(x.ndim) if a not in axes]
    n = 1
    for a in axes:
        n *= x.shape[a]
    if n == 0:
        raise OpInputError(
            f"ops.{opname}: cannot take a quantile of an empty tensor.",
            expected="at least one element along the reduced axes",
            received=f"shape {tuple(x.shape)}, axis={axis!r}",
        )
    other_shape = [x.shape[a] for a in other]
    xt = x.permute(tuple(other) + axes).reshape(*other_shape, n)
    out = torch.quantile(
        xt.to(torch.float64) if dt in (torch.float16, torch.bfloat16) else xt,
        qt.to(xt.dtype if dt not in (torch.float16, torch.bfloat16) else torch.float64),
        dim=-1,
        interpolation=method,
    )
    if keepdims:
        keep = [1 if a in axes else d for a, d in enumerate(x.shape)]
        out = out.reshape(list(qt.shape) + keep)
    return cast(out, dt)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, q, axis, method, keepdims, "quantile")


def median(x, axis=None, keepdims=False):
    return _quantile(x, 0.5, axis, "midpoint", keepdims, "median")


def trace(x, offset=0, axis1=0, axis2=1):
    x = _t(x)
    if x.ndim < 2:
        raise OpInputError(
            "ops.trace needs a tensor of rank 2 or more.",
            expected="x.ndim >= 2",
            received=f"shape {tuple(x.shape)}",
        )
    out_dt = _SUM_DTYPE.get(x.dtype, x.dtype)
    d = torch.diagonal(wide(x), offset=offset, dim1=axis1, dim2=axis2)
    if out_dt in LIMITED:
        return torch.sum(d, dim=-1, dtype=_I64).to(out_dt)
    return torch.sum(d, dim=-1, dtype=out_dt)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    y = _t(y)
    if x is None:
        dt = float_of(y.dtype)
        y = cast(y, dt).movedim(axis, -1)
        d = dx if type(dx) in _PY else cast(_t(dx), dt)
    else:
        xv = _t(x)
        dt = float_of(TORCH_DTYPES[result_type(NAMES[y.dtype], NAMES[xv.dtype])])
        y = cast(y, dt).movedim(axis, -1)
        xv = cast(xv, dt)
        xv = xv.movedim(axis, -1) if xv.ndim > 1 else xv
        d = xv[..., 1:] - xv[..., :-1]
    return torch.sum(d * (y[..., 1:] + y[..., :-1]) / 2.0, dim=-1).to(dt)


def corrcoef(x):
    x = _t(x)
    dt = float_of(x.dtype)
    x = cast(x, dt)
    one_d = x.ndim == 1
    x2 = x.reshape(1, -1) if one_d else x
    xm = x2 - x2.mean(dim=1, keepdim=True)
    c = xm @ (xm.conj().T if dt in COMPLEX else xm.T)
    d = torch.sqrt(torch.diagonal(c).real)
    c = c / d[:, None] / d[None, :]
    if dt not in COMPLEX:
        c = torch.clamp(c, -1.0, 1.0)
    return c.reshape(()) if one_d else c


# --------------------------------------------------------------------------------------------
# products
# --------------------------------------------------------------------------------------------


def _matmul_dtype(a, b):
    if a.dtype is torch.int8 and b.dtype is torch.int8:
        return _I32
    return pair_dtype(a.dtype, b.dtype)


from tholos_backend_torch._convert import pair_dtype  # noqa: E402


def _mm(fn, a, b, dt):
    if dt is _BOOL:
        return fn(a.to(_I64), b.to(_I64)) > 0
    if dt in INTS and (dt in LIMITED or a.device.type != "cpu"):
        return fn(
            wide(a).to(torch.float64 if a.device.type != "cpu" else _I64),
            wide(b).to(torch.float64 if a.device.type != "cpu" else _I64),
        ).to(dt)
    return fn(a, b)


def matmul(x1, x2):
    a = x1 if isinstance(x1, Tensor) else to_tensor(x1)
    b = x2 if isinstance(x2, Tensor) else to_tensor(x2)
    if a.dtype is b.dtype and a.dtype in FLOATS:
        return torch.matmul(a, b)
    dt = _matmul_dtype(a, b)
    a, b = cast(a, dt), cast(b, dt)
    if a.ndim == 0 or b.ndim == 0:
        raise OpInputError(
            "ops.matmul does not accept scalars.",
            expected="tensors of rank >= 1",
            received=f"shapes {tuple(a.shape)} and {tuple(b.shape)}",
            hint="Use ops.multiply for scalar products.",
        )
    return _mm(torch.matmul, a, b, dt)


def dot(x1, x2):
    (a, b), dt = promote(x1, x2)
    if a.ndim == 0 or b.ndim == 0:
        return multiply(a, b)
    if b.ndim <= 2:
        return _mm(torch.matmul, a, b, dt)
    return _mm(lambda p, q: torch.tensordot(p, q, dims=([-1], [-2])), a, b, dt)


def vdot(x1, x2):
    (a, b), dt = promote(x1, x2)
    a, b = a.reshape(-1), b.reshape(-1)
    if dt in COMPLEX:
        a = a.conj()
    return _mm(torch.matmul, a, b, dt)


def inner(x1, x2):
    (a, b), dt = promote(x1, x2)
    if a.ndim == 0 or b.ndim == 0:
        return multiply(a, b)
    return _mm(lambda p, q: torch.tensordot(p, q, dims=([-1], [-1])), a, b, dt)


def outer(x1, x2):
    (a, b), dt = promote(x1, x2)
    a, b = wide(a).reshape(-1), wide(b).reshape(-1)
    return cast(a[:, None] * b[None, :], dt)


def tensordot(x1, x2, axes=2):
    (a, b), dt = promote(x1, x2)
    if isinstance(axes, (list, tuple)):
        axes = [list(ax) if isinstance(ax, (list, tuple)) else [ax] for ax in axes]
    return _mm(lambda p, q: torch.tensordot(p, q, dims=axes), a, b, dt)


def einsum(subscripts, *operands, **kwargs):
    xs = [_t(x) for x in operands]
    if xs and builtins.all(x.dtype is torch.int8 for x in xs):
        dt = _I32
    else:
        dt = TORCH_DTYPES[result_type(*(NAMES[x.dtype] for x in xs))]
    xs = [cast(x, dt) for x in xs]
    if dt is _BOOL or dt in LIMITED or (dt in INTS and xs and xs[0].device.type != "cpu"):
        work = torch.float64 if dt is not _BOOL else _I64
        out = torch.einsum(subscripts, *[wide(x).to(work) for x in xs])
        return out > 0 if dt is _BOOL else out.to(dt)
    return torch.einsum(subscripts, *xs)


def kron(x1, x2):
    (a, b), dt = promote(x1, x2)
    if dt is _BOOL or dt in LIMITED:
        return torch.kron(a.to(_I64), b.to(_I64)).to(dt)
    return torch.kron(a, b)


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    (a, b), dt = promote(x1, x2)
    if axis is not None:
        axisa = axisb = axisc = axis
    for nm, t, ax in (("x1", a, axisa), ("x2", b, axisb)):
        if t.ndim == 0 or not -t.ndim <= ax < t.ndim or t.shape[ax] not in (2, 3):
            raise OpInputError(
                "ops.cross: vectors must have 2 or 3 components.",
                expected=f"{nm}.shape[{ax}] in (2, 3)",
                received=f"{nm}.shape={tuple(t.shape)}",
            )
    a, b = wide(a).movedim(axisa, -1), wide(b).movedim(axisb, -1)
    a0, a1 = a[..., 0], a[..., 1]
    b0, b1 = b[..., 0], b[..., 1]
    z = a0 * b1 - a1 * b0
    if a.shape[-1] == 2 and b.shape[-1] == 2:
        return cast(z, dt)
    a2 = a[..., 2] if a.shape[-1] == 3 else None
    b2 = b[..., 2] if b.shape[-1] == 3 else None
    x = (a1 * b2 if b2 is not None else 0) - (a2 * b1 if a2 is not None else 0)
    y = (a2 * b0 if a2 is not None else 0) - (a0 * b2 if b2 is not None else 0)
    parts = torch.broadcast_tensors(*(p if isinstance(p, Tensor) else z * 0 + p for p in (x, y, z)))
    return cast(torch.stack(parts, dim=-1).movedim(-1, axisc), dt)


# --------------------------------------------------------------------------------------------
# creation
# --------------------------------------------------------------------------------------------


def _cdt(dtype):
    return floatx_t() if dtype is None else _convert.tdtype(dtype)


def _shape(shape, opname):
    return _axes.shape_tuple(shape, opname)


def zeros(shape, dtype=None):
    return torch.zeros(_shape(shape, "zeros"), dtype=_cdt(dtype), device=_devices.CURRENT)


def ones(shape, dtype=None):
    dt = _cdt(dtype)
    if dt in LIMITED:
        return torch.ones(_shape(shape, "ones"), dtype=_I64, device=_devices.CURRENT).to(dt)
    return torch.ones(_shape(shape, "ones"), dtype=dt, device=_devices.CURRENT)


def empty(shape, dtype=None):
    return torch.empty(_shape(shape, "empty"), dtype=_cdt(dtype), device=_devices.CURRENT)


def full(shape, fill_value, dtype=None):
    dt = _cdt(dtype)
    shape = _shape(shape, "full")
    if isinstance(fill_value, Tensor) or not isinstance(fill_value, PY_SCALARS):
        fill = to_tensor(fill_value, dt)
        return fill.expand(shape).clone() if fill.ndim <= len(shape) else fill
    if dt in LIMITED:
        return torch.full(shape, fill_value, dtype=_I64, device=_devices.CURRENT).to(dt)
    return torch.full(shape, fill_value, dtype=dt, device=_devices.CURRENT)


def _like(x, dtype):
    x = _t(x)
    return x, (x.dtype if dtype is None else _convert.tdtype(dtype))


def zeros_like(x, dtype=None):
    x, dt = _like(x, dtype)
    return torch.zeros(x.shape, dtype=dt, device=x.device)


def ones_like(x, dtype=None):
    x, dt = _like(x, dtype)
    if dt in LIMITED:
        return torch.ones(x.shape, dtype=_I64, device=x.device).to(dt)
    return torch.ones(x.shape, dtype=dt, device=x.device)


def empty_like(x, dtype=None):
    x, dt = _like(x, dtype)
    return torch.empty(x.shape, dtype=dt, device=x.device)


def full_like(x, fill_value, dtype=None):
    x, dt = _like(x, dtype)
    with _devices.device_scope(_devices.tholos_name(x.device)):
        return full(tuple(x.shape), fill_value, dtype=dt)


def array(x, dtype=None):
    if isinstance(x, Tensor):
        out = x.clone()
    else:
        out = to_tensor(x)
        if out is x or (isinstance(x, np.ndarray)):
            out = out.clone()
    return out if dtype is None else cast(out, _convert.tdtype(dtype))


def _scalar(v):
    if isinstance(v, Tensor):
        return v.item()
    if isinstance(v, np.generic):
        return v.item()
    return v


def arange(start, stop=None, step=1, dtype=None):
    start, stop, step = _scalar(start), _scalar(stop), _scalar(step)
    if dtype is None:
        parts = [start, step if step is not None else 1]
        if stop is not None:
            parts.append(stop)
        dt = TORCH_DTYPES[result_type(*parts)]
    else:
        dt = _convert.tdtype(dtype)
    if stop is None:
        start, stop = 0, start
    if step is None:
        step = 1
    if step == 0:
        raise OpInputError(
            "ops.arange: step must not be zero.", expected="step != 0", received="step=0"
        )
    n = builtins.max(0, _math.ceil((stop - start) / step))
    if dt in INTS or dt is _BOOL:
        if builtins.all(isinstance(v, (int, bool)) for v in (start, stop, step)):
            out = torch.arange(start, start + n * step, step, dtype=_I64, device=_devices.CURRENT)[
                :n
            ]
        else:
            out = start + torch.arange(n, dtype=torch.float64, device=_devices.CURRENT) * step
            out = out.to(_I64)
        return cast(out, dt)
    out = start + torch.arange(n, dtype=torch.float64, device=_devices.CURRENT) * step
    return out.to(dt)


def eye(N, M=None, k=0, dtype=None):  # noqa: N803
    n = int(N)
    m = n if M is None else int(M)
    dt = _cdt(dtype)
    idx = torch.arange(n, device=_devices.CURRENT)[:, None]
    jdx = torch.arange(m, device=_devices.CURRENT)[None, :]
    return cast(jdx - idx == int(k), dt)


def identity(n, dtype=None):
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):  # noqa: N803
    n = int(N)
    m = n if M is None else int(M)
    idx = torch.arange(n, device=_devices.CURRENT)[:, None]
    jdx = torch.arange(m, device=_devices.CURRENT)[None, :]
    return cast(jdx - idx <= int(k), _cdt(dtype))


# --------------------------------------------------------------------------------------------
# shapes and indexing
# --------------------------------------------------------------------------------------------


def ndim(x):
    return _t(x).ndim


def size(x):
    return _t(x).numel()


def reshape(x, newshape):
    x = _t(x)
    if isinstance(newshape, (int, np.integer)):
        shape = (int(newshape),)
    else:
        shape = tuple(-1 if d is None else int(d) for d in newshape)
    return x.reshape(shape)


def ravel(x):
    return _t(x).reshape(-1)


def transpose(x, axes=None):
    x = _t(x)
    if axes is None:
        return x.permute(*range(x.ndim - 1, -1, -1))
    axes = tuple(int(a) for a in axes)
    if sorted(a % builtins.max(x.ndim, 1) for a in axes) != list(range(x.ndim)):
        raise OpInputError(
            "ops.transpose: axes must be a permutation of the dimensions.",
            expected=f"a permutation of {list(range(x.ndim))}",
            received=f"axes={axes!r}",
        )
    return x.permute(*axes)


def swapaxes(x, axis1, axis2):
    return torch.swapaxes(_t(x), int(axis1), int(axis2))


def moveaxis(x, source, destination):
    x = _t(x)
    if isinstance(source, (list, tuple)):
        return torch.movedim(x, tuple(source), tuple(destination))
    return torch.movedim(x, int(source), int(destination))


def expand_dims(x, axis):
    x = _t(x)
    if isinstance(axis, (int, np.integer)):
        return torch.unsqueeze(x, int(axis))
    axes = tuple(axis)
    out_ndim = x.ndim + len(axes)
    norm = sorted(axes_tuple(axes, out_ndim, "expand_dims"))
    shape = list(x.shape)
    for a in norm:
        shape.insert(a, 1)
    return x.reshape(shape)


def squeeze(x, axis=None):
    x = _t(x)
    if axis is None:
        return x.reshape([d for d in x.shape if d != 1])
    axes = axes_tuple(axis, x.ndim, "squeeze")
    if builtins.any(x.shape[a] != 1 for a in axes):
        raise OpInputError(
            "ops.squeeze: can only remove axes of size 1.",
            expected="x.shape[axis] == 1",
            received=f"shape {tuple(x.shape)}, axis={axis!r}",
        )
    return x.reshape([d for a, d in enumerate(x.shape) if a not in axes])


def broadcast_to(x, shape):
    x = _t(x)
    shape = _shape(shape, "broadcast_to")
    if len(shape) < x.ndim:
        raise OpInputError(
            "ops.broadcast_to: the target shape has fewer dimensions than x.",
            expected=f"a shape of rank >= {x.ndim}",
            received=f"x.shape={tuple(x.shape)}, shape={shape}",
        )
    try:
        np.broadcast_shapes(tuple(x.shape), shape)
    except ValueError as err:
        raise OpInputError(
            "ops.broadcast_to: shapes are not compatible.",
            expected=f"a shape x.shape={tuple(x.shape)} broadcasts to",
            received=f"shape={shape}",
        ) from err
    return torch.broadcast_to(x, shape)


def flip(x, axis=None):
    x = _t(x)
    axes = axes_tuple(axis, x.ndim, "flip")
    if axes is None:
        axes = tuple(range(x.ndim))
    return torch.flip(x, axes) if axes else x.clone()


def roll(x, shift, axis=None):
    x = _t(x)
    if isinstance(shift, Tensor):
        shift = shift.tolist()
    if axis is None:
        return torch.roll(x, shift)
    if isinstance(axis, (list, tuple)):
        shift = list(shift) if isinstance(shift, (list, tuple)) else [shift] * len(axis)
        return torch.roll(x, shift, tuple(axis))
    return torch.roll(x, shift, int(axis))


def rot90(array, k=1, axes=(0, 1)):
    x = _t(array)
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
    return torch.rot90(x, int(k), list(axes))


def tile(x, repeats):
    x = _t(x)
    if isinstance(repeats, int):
        repeats = (repeats,)
    elif isinstance(repeats, Tensor):
        repeats = tuple(repeats.tolist())
    return torch.tile(x, tuple(int(r) for r in repeats))


def repeat(x, repeats, axis=None):
    x = _t(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    axis = axes_tuple(axis, x.ndim, "repeat")[0]
    if isinstance(repeats, (list, tuple, np.ndarray)):
        repeats = torch.as_tensor(np.asarray(repeats), dtype=_I64, device=x.device)
    elif isinstance(repeats, Tensor):
        repeats = repeats.to(device=x.device, dtype=_I64)
    if isinstance(repeats, Tensor) and repeats.ndim == 0:
        repeats = int(repeats)
    return torch.repeat_interleave(x, repeats, dim=axis)


def _cat_inputs(xs, opname):
    xs = [_t(x) for x in xs]
    if not xs:
        raise OpInputError(
            f"ops.{opname} needs at least one tensor.",
            expected="a non-empty list",
            received="[]",
        )
    d0 = xs[0].dtype
    if builtins.all(x.dtype is d0 for x in xs):
        return xs, d0
    dt = TORCH_DTYPES[result_type(*(NAMES[x.dtype] for x in xs))]
    return [cast(x, dt) for x in xs], dt


def concatenate(xs, axis=0):
    xs, _dt = _cat_inputs(xs, "concatenate")
    if axis is None:
        xs, axis = [x.reshape(-1) for x in xs], 0
    if builtins.any(x.ndim == 0 for x in xs):
        raise OpInputError(
            "ops.concatenate: zero-dimensional tensors cannot be concatenated.",
            expected="tensors of rank >= 1",
            received=f"shapes {[tuple(x.shape) for x in xs]}",
        )
    return torch.cat(xs, dim=int(axis))


def append(x1, x2, axis=None):
    return concatenate([x1, x2], axis=axis)


def stack(x, axis=0):
    xs, _dt = _cat_inputs(x, "stack")
    if len({tuple(v.shape) for v in xs}) > 1:
        raise OpInputError(
            "ops.stack: all tensors must have the same shape.",
            expected="equal shapes",
            received=f"shapes {[tuple(v.shape) for v in xs]}",
        )
    return torch.stack(xs, dim=int(axis))


def hstack(xs):
    xs, _dt = _cat_inputs(xs, "hstack")
    xs = [x.reshape(1) if x.ndim == 0 else x for x in xs]
    return torch.cat(xs, dim=0 if xs[0].ndim == 1 else 1)


def vstack(xs):
    xs, _dt = _cat_inputs(xs, "vstack")
    xs = [x.reshape(1, -1) if x.ndim < 2 else x for x in xs]
    return torch.cat(xs, dim=0)


def _sections(ios, x, axis):
    if isinstance(ios, Tensor):
        ios = ios.tolist()
    if isinstance(ios, (list, tuple, np.ndarray)):
        return [int(i) for i in ios]
    return int(ios)


def split(x, indices_or_sections, axis=0):
    x = _t(x)
    ios = _sections(indices_or_sections, x, axis)
    if isinstance(ios, int):
        n = x.shape[axis]
        if ios <= 0 or n % ios:
            raise OpInputError(
                "ops.split: the tensor does not divide into equal sections.",
                expected=f"a number of sections dividing {n}",
                received=f"indices_or_sections={ios}",
                hint="Use ops.array_split for unequal sections.",
            )
    return list(torch.tensor_split(x, ios, dim=int(axis)))


def array_split(x, indices_or_sections, axis=0):
    x = _t(x)
    return list(torch.tensor_split(x, _sections(indices_or_sections, x, axis), dim=int(axis)))


def diag(x, k=0):
    x = _t(x)
    if x.ndim not in (1, 2):
        raise OpInputError(
            "ops.diag needs a 1-D or 2-D tensor.",
            expected="x.ndim in (1, 2)",
            received=f"shape {tuple(x.shape)}",
        )
    if x.dtype in LIMITED:
        return torch.diag(x.to(_I64), int(k)).to(x.dtype)
    return torch.diag(x, int(k))


def diagflat(x, k=0):
    return diag(_t(x).reshape(-1), k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    x = _t(x)
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
    return torch.diagonal(x, int(offset), int(axis1), int(axis2))


def diff(a, n=1, axis=-1):
    x = _t(a)
    if x.ndim == 0:
        raise OpInputError(
            "ops.diff needs a tensor of rank 1 or more.",
            expected="a.ndim >= 1",
            received="a scalar",
        )
    if x.dtype in LIMITED:
        return torch.diff(wide(x), n=int(n), dim=int(axis)).to(x.dtype)
    return torch.diff(x, n=int(n), dim=int(axis))


def tril(x, k=0):
    x = _t(x)
    if x.dtype in LIMITED:
        return torch.tril(wide(x), int(k)).to(x.dtype)
    return torch.tril(x, int(k))


def triu(x, k=0):
    x = _t(x)
    if x.dtype in LIMITED:
        return torch.triu(wide(x), int(k)).to(x.dtype)
    return torch.triu(x, int(k))


_INDEX_MODES = {
    "edge": "edge",
    "reflect": "reflect",
    "symmetric": "symmetric",
    "wrap": "wrap",
    "circular": "wrap",
}


def pad(x, pad_width, mode="constant", constant_values=None):
    x = _t(x)
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
    if mode == "constant":
        flat = []
        for before, after in widths[::-1]:
            flat += [int(before), int(after)]
        value = 0 if constant_values is None else _scalar(constant_values)
        if x.dtype in LIMITED:
            return torch.nn.functional.pad(wide(x), flat, value=value).to(x.dtype)
        if x.dtype is _BOOL:
            return torch.nn.functional.pad(x.to(torch.uint8), flat, value=value).to(_BOOL)
        return torch.nn.functional.pad(x, flat, value=value)
    if mode in _INDEX_MODES:
        out = x
        for ax, (before, after) in enumerate(widths):
            if before or after:
                if x.shape[ax] == 0:
                    raise OpInputError(
                        f"ops.pad: cannot pad an empty axis with mode={mode!r}.",
                        expected="a non-empty axis",
                        received=f"shape {tuple(x.shape)}",
                    )
                index = np.pad(
                    np.arange(x.shape[ax]), (int(before), int(after)), mode=_INDEX_MODES[mode]
                )
                out = torch.index_select(out, ax, torch.as_tensor(index, device=x.device))
        return out
    from tholos_backend_torch._reference import bridge

    return bridge("numpy", "pad")(x, pad_width, mode=mode, constant_values=constant_values)


def _index_key(k):
    if isinstance(k, Tensor):
        return k
    if isinstance(k, np.ndarray):
        return torch.as_tensor(k)
    if _convert._is_variable(k):
        return k.value
    if isinstance(k, np.integer):
        return int(k)
    if isinstance(k, list):
        return torch.as_tensor(np.asarray(k))
    return k


def get_item(x, key):
    x = _t(x)
    if isinstance(key, tuple):
        key = tuple(_index_key(k) for k in key)
        if builtins.any(isinstance(k, slice) and k.step is not None and k.step < 0 for k in key):
            return _negative_step_item(x, key)
    else:
        key = _index_key(key)
        if isinstance(key, slice) and key.step is not None and key.step < 0:
            return _negative_step_item(x, (key,))
    if isinstance(key, Tensor) and key.device != x.device:
        key = key.to(x.device)
    return x[key]


def _negative_step_item(x, key):
    """torch slices only step forward: turn negative-step slices into index_select first."""
    if builtins.any(k is Ellipsis for k in key):
        n_real = builtins.sum(1 for k in key if k is not None and k is not Ellipsis)
        i = key.index(Ellipsis)
        key = key[:i] + (slice(None),) * (x.ndim - n_real) + key[i + 1 :]
    axis = 0
    rest = []
    for k in key:
        if isinstance(k, slice) and k.step is not None and k.step < 0:
            idx = np.ascontiguousarray(np.arange(x.shape[axis])[k])
            x = torch.index_select(x, axis, torch.as_tensor(idx, device=x.device))
            rest.append(slice(None))
        else:
            rest.append(k)
        if k is not None:
            axis += 1
    return x[tuple(rest)]


def _int_index(indices, opname):
    idx = _t(indices)
    if idx.dtype not in INTS:
        raise DtypeError(
            f"ops.{opname} needs integer indices.",
            expected="indices of an integer dtype",
            received=f"dtype {NAMES[idx.dtype]}",
        )
    return wide(idx)


def take(x, indices, axis=None):
    x = _t(x)
    idx = _int_index(indices, "take")
    if axis is None:
        x, axis = x.reshape(-1), 0
    axis = axes_tuple(axis, x.ndim, "take")[0]
    n = x.shape[axis]
    if idx.numel() and (bool((idx >= n).any()) or bool((idx < -n).any())):
        raise OpInputError(
            "ops.take: index out of range.",
            expected=f"indices in [{-n}, {n})",
            received=f"indices in [{int(idx.min())}, {int(idx.max())}]",
        )
    if idx.device != x.device:
        idx = idx.to(x.device)
    if idx.ndim == 1:
        return torch.index_select(x, axis, torch.where(idx < 0, idx + n, idx))
    return x[(slice(None),) * axis + (idx,)]


def take_along_axis(x, indices, axis=None):
    x = _t(x)
    idx = _int_index(indices, "take_along_axis")
    if axis is None:
        x, axis, idx = x.reshape(-1), 0, idx.reshape(-1)
    if idx.ndim != x.ndim:
        raise OpInputError(
            "ops.take_along_axis: indices must have the rank of x.",
            expected=f"indices.ndim == {x.ndim}",
            received=f"indices.shape={tuple(idx.shape)}",
        )
    axis = axes_tuple(axis, x.ndim, "take_along_axis")[0]
    n = x.shape[axis]
    xs, ks = list(x.shape), list(idx.shape)
    xs[axis] = ks[axis] = 1
    common = list(torch.broadcast_shapes(tuple(xs), tuple(ks)))
    x_shape, i_shape = common.copy(), common.copy()
    x_shape[axis] = n
    i_shape[axis] = idx.shape[axis]
    x = x.expand(x_shape)
    idx = idx.expand(i_shape)
    if idx.numel() and (bool((idx >= n).any()) or bool((idx < -n).any())):
        raise OpInputError(
            "ops.take_along_axis: index out of range.",
            expected=f"indices in [{-n}, {n})",
            received=f"indices in [{int(idx.min())}, {int(idx.max())}]",
        )
    return torch.gather(x, axis, torch.where(idx < 0, idx + n, idx))


def where(condition, x1=None, x2=None):
    cond = _t(condition)
    if cond.dtype is not _BOOL:
        cond = wide(cond) != 0
    if x1 is None and x2 is None:
        return nonzero(cond)
    if x1 is None or x2 is None:
        raise OpInputError(
            "ops.where needs both x1 and x2, or neither.",
            expected="where(condition) or where(condition, x1, x2)",
            received=f"x1 {'missing' if x1 is None else 'given'}, "
            f"x2 {'missing' if x2 is None else 'given'}",
        )
    a, b, dt = _both(x1, x2)
    if dt in LIMITED:
        return torch.where(cond, wide(a), wide(b)).to(dt)
    return torch.where(cond, a, b)


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
    choices = [c if type(c) in _PY else _t(c) for c in choicelist]
    dflt = default if type(default) in _PY else _t(default)
    dt = TORCH_DTYPES[
        result_type(*(c if type(c) in _PY else NAMES[c.dtype] for c in [*choices, dflt]))
    ]
    out = to_tensor(dflt, dt) if not isinstance(dflt, Tensor) else cast(dflt, dt)
    for cond, choice in zip(reversed(list(condlist)), reversed(choices)):
        c = _t(cond)
        c = c if c.dtype is _BOOL else c != 0
        ch = to_tensor(choice, dt, c.device) if not isinstance(choice, Tensor) else cast(choice, dt)
        out = torch.where(c, wide(ch), wide(out.to(c.device)))
    shape = torch.broadcast_shapes(
        *[tuple(_t(c).shape) for c in condlist],
        *[tuple(c.shape) for c in choices if isinstance(c, Tensor)],
    )
    if tuple(out.shape) != tuple(shape):
        out = torch.broadcast_to(out, shape)
    return cast(out, dt)


def sort(x, axis=-1):
    x = _t(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    if x.ndim == 0:
        return x
    if x.dtype is _BOOL:
        return torch.sort(x.to(torch.uint8), dim=int(axis), stable=True).values.to(_BOOL)
    if x.dtype in LIMITED:
        return torch.sort(wide(x), dim=int(axis), stable=True).values.to(x.dtype)
    return torch.sort(x, dim=int(axis), stable=True).values


def argsort(x, axis=-1):
    x = _t(x)
    if x.ndim == 0:
        return torch.zeros((1,) if axis is None else (), dtype=_I32, device=x.device)
    if axis is None:
        x, axis = x.reshape(-1), 0
    if x.dtype is _BOOL:
        x = x.to(torch.uint8)
    return torch.sort(wide(x), dim=int(axis), stable=True).indices.to(_I32)


def nonzero(x):
    x = _t(x)
    if x.ndim == 0:
        x = x.reshape(1)
    return tuple(i.to(_I32) for i in torch.nonzero(wide(x), as_tuple=True))


def searchsorted(sorted_sequence, values, side="left"):
    seq = _t(sorted_sequence)
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
    s, v, dt = _both(seq, values)
    s, v = wide(s), wide(v)
    if dt is _BOOL:
        s, v = s.to(torch.uint8), v.to(torch.uint8)
    return torch.searchsorted(s.contiguous(), v.contiguous(), right=side == "right").to(_I32)


def isin(x1, x2, assume_unique=False, invert=False):
    a, b, _dt = _both(x1, x2)
    return torch.isin(wide(a), wide(b), assume_unique=assume_unique, invert=invert)


def view(x, dtype=None):
    x = _t(x)
    if dtype is None:
        return x.view(x.shape)
    return x.view(_convert.tdtype(dtype))


def vander(x, N=None, increasing=False):  # noqa: N803
    x = _t(x)
    if x.ndim != 1:
        raise OpInputError(
            "ops.vander needs a 1-D tensor.",
            expected="x.ndim == 1",
            received=f"shape {tuple(x.shape)}",
        )
    n = x.shape[0] if N is None else int(N)
    if n == 0:
        return torch.zeros((x.shape[0], 0), dtype=x.dtype, device=x.device)
    xw = wide(x) if x.dtype is not _BOOL else x.to(_I64)
    # Powers by a cumulative product (torch.vander's backward trips over an in-place op).
    ones = torch.ones((xw.shape[0], 1), dtype=xw.dtype, device=xw.device)
    if n == 1:
        out = ones
    else:
        out = torch.cat([ones, torch.cumprod(xw[:, None].expand(-1, n - 1), dim=1)], dim=1)
    if not increasing:
        out = out.flip(1)
    return cast(out, x.dtype)


def meshgrid(*x, indexing="xy"):
    if indexing not in ("xy", "ij"):
        raise OpInputError(
            "ops.meshgrid: indexing must be 'xy' or 'ij'.",
            expected="'xy' or 'ij'",
            received=repr(indexing),
        )
    xs = [_t(v).reshape(-1) for v in x]
    if not xs:
        return []
    return list(torch.meshgrid(*xs, indexing=indexing))


def slogdet(x):
    x = _t(x)
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise OpInputError(
            "ops.slogdet needs square matrices.",
            expected="shape (..., N, N)",
            received=f"shape {tuple(x.shape)}",
        )
    dt = float_of(x.dtype)
    work = cast(x, dt)
    if dt in (torch.float16, torch.bfloat16):
        work = work.to(torch.float32)
    s, ld = torch.linalg.slogdet(work)
    return cast(s, dt), cast(ld, dt)


# --------------------------------------------------------------------------------------------
# windows, spaced values, counting (formerly bridged to the reference)
# --------------------------------------------------------------------------------------------

_F64 = torch.float64


def _int_arg(v) -> int:
    return int(v.item()) if isinstance(v, Tensor) else int(v)


def _window(kind, length, beta=None):
    n = _int_arg(length)
    dev = _devices.CURRENT
    if n <= 0:
        return torch.zeros((0,), dtype=floatx_t(), device=dev)
    if n == 1:
        return torch.ones((1,), dtype=floatx_t(), device=dev)
    # NumPy's symmetric windows, computed in float64 and rounded once.
    if kind == "kaiser":
        w = torch.kaiser_window(n, periodic=False, beta=float(beta), dtype=_F64, device=dev)
    elif kind == "bartlett":
        w = torch.bartlett_window(n, periodic=False, dtype=_F64, device=dev)
    elif kind == "blackman":
        k = torch.arange(n, dtype=_F64, device=dev) * (2 * _math.pi / (n - 1))
        w = 0.42 - 0.5 * torch.cos(k) + 0.08 * torch.cos(2 * k)
    else:
        a = 0.54 if kind == "hamming" else 0.5
        k = torch.arange(n, dtype=_F64, device=dev) * (2 * _math.pi / (n - 1))
        w = a - (1 - a) * torch.cos(k)
    return w.to(floatx_t())


def bartlett(x):
    return _window("bartlett", x)


def blackman(x):
    return _window("blackman", x)


def hamming(x):
    return _window("hamming", x)


def hanning(x):
    return _window("hanning", x)


def kaiser(x, beta):
    return _window("kaiser", x, beta.item() if isinstance(beta, Tensor) else beta)


def _dtype_arg(v):
    if type(v) in _PY:
        return v
    return NAMES[_t(v).dtype]


def _spaced(start, stop, num, endpoint, axis):
    """NumPy's linspace algorithm in float64: (samples with the new axis at ``axis``, step)."""
    num = int(num)
    if num < 0:
        raise OpInputError(
            "ops.linspace: num must be non-negative.", expected="num >= 0", received=f"num={num}"
        )
    a = to_tensor(start, _F64) if not isinstance(start, Tensor) else start.to(_F64)
    b = to_tensor(stop, _F64) if not isinstance(stop, Tensor) else stop.to(_F64)
    a, b = torch.broadcast_tensors(a, b)
    div = (num - 1) if endpoint else num
    delta = b - a
    shape = (num,) + (1,) * a.ndim
    y = torch.arange(num, dtype=_F64, device=a.device).reshape(shape)
    if div > 0:
        step = delta / div
        y = torch.where(step == 0, y / div * delta, y * step) + a
        if endpoint and num > 1:
            y = torch.cat([y[:-1], b[None]], dim=0)
    else:
        step = torch.full_like(delta, float("nan"))
        y = y * delta + a
    if axis != 0 and a.ndim:
        y = torch.movedim(y, 0, axis)
    return y, step


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    if dtype is None:
        dtype = result_type(_dtype_arg(start), _dtype_arg(stop), 1.0)
        dt = float_of(TORCH_DTYPES[dtype])
    else:
        dt = _convert.tdtype(dtype)
    y, step = _spaced(start, stop, num, endpoint, axis)
    if dt in INTS:
        y = torch.floor(y)
    out = cast(y, dt)
    if retstep:
        return out, step.to(float_of(dt))
    return out


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    if dtype is None:
        dtype = result_type(_dtype_arg(start), _dtype_arg(stop), 1.0)
        dt = float_of(TORCH_DTYPES[dtype])
    else:
        dt = _convert.tdtype(dtype)
    y, _ = _spaced(start, stop, num, endpoint, axis)
    base = base.to(_F64) if isinstance(base, Tensor) else float(base)
    out = torch.pow(base, y)
    if dt in INTS:
        out = torch.floor(out)
    return cast(out, dt)


def argpartition(x, kth, axis=-1):
    # A stable full sort is a valid partition for every kth.
    x = _t(x)
    if x.ndim == 0:
        raise OpInputError(
            "ops.argpartition needs a tensor of rank 1 or more.",
            expected="x.ndim >= 1",
            received="a 0-d tensor",
        )
    n = x.shape[axis]
    for k in (kth,) if isinstance(kth, int) else tuple(kth):
        if not -n <= int(k) < n:
            raise OpInputError(
                "ops.argpartition: kth is out of bounds.",
                expected=f"kth in [{-n}, {n})",
                received=f"kth={kth!r}",
            )
    return argsort(x, axis=axis)


def digitize(x, bins):
    b = _t(bins)
    if b.ndim != 1:
        raise OpInputError(
            "ops.digitize needs 1-D bins.",
            expected="bins.ndim == 1",
            received=f"shape {tuple(b.shape)}",
        )
    xv, bv, dt = _both(x, b)
    xv, bv = wide(xv), wide(bv)
    if dt is _BOOL:
        xv, bv = xv.to(torch.uint8), bv.to(torch.uint8)
    if bv.shape[0] > 1 and bool(bv[0] > bv[-1]):  # decreasing bins (NumPy's rule)
        idx = bv.shape[0] - torch.searchsorted(bv.flip(0).contiguous(), xv.contiguous())
    else:
        idx = torch.searchsorted(bv.contiguous(), xv.contiguous(), right=True)
    return idx.to(_I32)


def bincount(x, weights=None, minlength=0, sparse=False):
    if sparse:
        raise OpInputError(
            "ops.bincount: sparse=True is not supported by the torch backend.",
            expected="sparse=False",
            received="sparse=True",
        )
    x = _t(x)
    if x.dtype not in INTS:
        raise DtypeError(
            "ops.bincount needs integer values.",
            expected="an integer tensor",
            received=f"dtype {NAMES[x.dtype]}",
        )
    if x.ndim not in (1, 2):
        raise OpInputError(
            "ops.bincount needs a 1-D or 2-D tensor.",
            expected="x.ndim in (1, 2)",
            received=f"shape {tuple(x.shape)}",
        )
    xi = wide(x).to(_I64)
    if xi.numel() and int(xi.min()) < 0:
        raise OpInputError(
            "ops.bincount needs non-negative values.",
            expected="x >= 0",
            received=f"min value {int(xi.min())}",
        )
    if weights is None:
        dt, w = _I32, None
    else:
        w = _t(weights)
        dt = TORCH_DTYPES[result_type(NAMES[x.dtype], NAMES[w.dtype])]
        if tuple(w.shape) != tuple(x.shape):
            raise OpInputError(
                "ops.bincount: weights must have the shape of x.",
                expected=f"weights.shape == {tuple(x.shape)}",
                received=f"weights.shape={tuple(w.shape)}",
            )
    length = builtins.max(int(minlength), int(xi.max()) + 1 if xi.numel() else 0)
    rows = 1 if x.ndim == 1 else x.shape[0]
    flat = xi.reshape(-1)
    if x.ndim == 2:
        flat = flat + (torch.arange(rows, device=x.device) * length).repeat_interleave(x.shape[1])
    acc = _I64 if dt in INTS or dt is _BOOL else dt
    if w is None:
        src = torch.ones_like(flat)
    else:
        src = wide(w).reshape(-1).to(acc)
    out = torch.zeros(rows * length, dtype=acc, device=x.device).index_add(0, flat, src)
    if x.ndim == 2:
        out = out.reshape(rows, length)
    return cast(out, dt)


def histogram(x, bins=10, range=None):
    x = _t(x)
    edges_dt = float_of(x.dtype)
    v = x.reshape(-1).to(_F64)
    bins = int(bins)
    if range is None:
        lo, hi = (float(v.min()), float(v.max())) if v.numel() else (0.0, 1.0)
    else:
        lo, hi = float(range[0]), float(range[1])
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    edges = torch.linspace(lo, hi, bins + 1, dtype=_F64, device=x.device)
    edges[-1] = hi
    inside = v[(v >= lo) & (v <= hi)]
    idx = torch.searchsorted(edges, inside, right=True) - 1
    idx = torch.clamp(idx, 0, bins - 1)
    counts = torch.zeros(bins, dtype=_I64, device=x.device).index_add(0, idx, torch.ones_like(idx))
    return counts.to(_I32), edges.to(edges_dt)


def unravel_index(indices, shape):
    idx = _t(indices)
    dims = tuple(int(s) for s in shape)
    size = 1
    for d in dims:
        size *= d
    iw = wide(idx).to(_I64)
    if iw.numel() and (int(iw.min()) < 0 or int(iw.max()) >= size):
        raise OpInputError(
            "ops.unravel_index: an index is out of bounds for the shape.",
            expected=f"indices in [0, {size})",
            received=f"indices in [{int(iw.min())}, {int(iw.max())}]",
        )
    out = []
    for d in reversed(dims):
        out.append(cast(torch.remainder(iw, d), idx.dtype))
        iw = torch.div(iw, d, rounding_mode="floor")
    return tuple(reversed(out))


def correlate(x1, x2, mode="valid"):
    a, v, dt = _both(x1, x2)
    dt = float_of(dt)
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
    a, v = cast(a, dt), cast(v, dt)
    swap = v.shape[0] > a.shape[0]
    if swap:  # correlate(a, v) == conj(correlate(v, a))[::-1]
        a, v = v, a
    m = v.shape[0]
    if dt in COMPLEX:
        if swap:
            a = torch.conj(a)
        else:
            v = torch.conj(v)
    if mode == "valid":
        left = right = 0
    elif mode == "same":
        left = m // 2
        right = m - 1 - left
    else:
        left = right = m - 1
    if left or right:
        a = (
            torch.nn.functional.pad(a, (left, right))
            if dt not in COMPLEX
            else torch.cat([a.new_zeros(left), a, a.new_zeros(right)])
        )
    half = dt in (torch.float16, torch.bfloat16)
    if half:
        a, v = a.to(torch.float32), v.to(torch.float32)
    out = a.unfold(0, m, 1) @ v
    out = out.flip(0) if swap else out
    return out.to(dt) if half else out


_BRIDGED = ()
_BRIDGED = (
    "bartlett",
    "blackman",
    "hamming",
    "hanning",
    "kaiser",
    "linspace",
    "logspace",
    "argpartition",
    "digitize",
    "bincount",
    "histogram",
    "unravel_index",
    "correlate",
)
