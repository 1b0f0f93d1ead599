"""Linear algebra of the JAX backend (``jax.numpy.linalg`` / ``jax.scipy.linalg``).

Integer and bool inputs compute in ``floatx()``; float16/bfloat16 compute in float32 and are
cast back. Failures the contract reports as errors (singular or non-positive-definite
matrices) are detected on concrete values; under ``jax.jit`` they give NaN/inf like JAX.
"""

from __future__ import annotations

import jax.numpy as jnp
import jax.scipy.linalg as jsl
import numpy as onp

from tholos.backend.dtypes import FLOAT_TYPES, floatx
from tholos.errors import OpInputError
from tholos_backend_jax._convert import canon, cast, concrete, dtype_name, rtype
from tholos_backend_jax.core_ops import convert_to_tensor

_COMPUTE = {"float16": "float32", "bfloat16": "float32"}
_COMPLEX_OF = {"float32": "complex64", "float64": "complex128"}


def _float(x, what, min_rank=2, square=True):
    x = convert_to_tensor(x)
    name = dtype_name(x)
    result = name if name.startswith(("float", "complex")) else canon(floatx())
    compute = _COMPUTE.get(result, result)
    shape = x.shape
    if len(shape) < min_rank:
        raise OpInputError(
            f"ops.{what}: the input must be a (batch of) matrix.",
            expected=f"rank >= {min_rank}",
            received=f"shape {tuple(shape)}",
        )
    if square and shape[-1] != shape[-2]:
        raise OpInputError(
            f"ops.{what}: the matrix must be square.",
            expected="shape (..., M, M)",
            received=f"shape {tuple(shape)}",
        )
    return cast(x, compute), result


def _failed(out, a) -> bool:
    """True when a concrete result went non-finite although the input was finite."""
    ov, av = concrete(out), concrete(a)
    if ov is None or av is None:
        return False
    return bool(onp.all(onp.isfinite(av)) and not onp.all(onp.isfinite(ov)))


def cholesky(x, upper=False):
    a, dtype = _float(x, "cholesky")
    lower = jnp.linalg.cholesky(a)
    if _failed(lower, a):
        raise OpInputError(
            "ops.cholesky: the matrix is not positive definite.",
            expected="a symmetric positive-definite matrix",
            received=f"a matrix of shape {tuple(a.shape)} that failed to factorise",
        )
    out = jnp.swapaxes(lower, -1, -2) if upper else lower
    return cast(out, dtype)


def det(x):
    a, dtype = _float(x, "det")
    return cast(jnp.linalg.det(a), dtype)


def eig(x):
    a, dtype = _float(x, "eig")
    w, v = jnp.linalg.eig(a)
    ctype = _COMPLEX_OF.get(dtype, dtype if dtype.startswith("complex") else "complex64")
    return cast(w, canon(ctype)), cast(v, canon(ctype))


def eigh(x):
    a, dtype = _float(x, "eigh")
    w, v = jnp.linalg.eigh(a)
    return cast(w, dtype), cast(v, dtype)


def _singular(a):
    av = concrete(a)
    if av is None:
        return False
    try:
        onp.linalg.inv(av.astype("float64") if av.dtype.kind == "f" else av)
    except onp.linalg.LinAlgError:
        return True
    return False


def inv(x):
    a, dtype = _float(x, "inv")
    if _singular(a):
        raise OpInputError(
            "ops.inv: the matrix is singular.",
            expected="an invertible matrix",
            received=f"a singular matrix of shape {tuple(a.shape)}",
        )
    return cast(jnp.linalg.inv(a), dtype)


def lu_factor(x):
    a, dtype = _float(x, "lu_factor", square=False)
    lu, piv, _ = jax_lu(a)
    return cast(lu, dtype), piv.astype("int32")


def jax_lu(a):
    from jax.lax import linalg as lax_linalg

    return lax_linalg.lu(a)


def norm(x, ord=None, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    name = dtype_name(x)
    dtype = name if name in FLOAT_TYPES else canon(floatx())
    if name.startswith("complex"):
        dtype = canon("float32" if name == "complex64" else "float64")
    a = x if name.startswith("complex") else cast(x, _COMPUTE.get(dtype, dtype))
    nd = a.ndim
    if isinstance(axis, int):
        axis = (axis,)
    if axis is not None:
        axis = tuple(int(ax) for ax in axis)
        if len(axis) not in (1, 2) or any(not -nd <= ax < nd for ax in axis):
            raise OpInputError(
                "ops.norm: invalid axis.",
                expected=f"one or two axes in [-{nd}, {nd})",
                received=f"axis={axis}",
            )
    elif ord is not None and nd not in (1, 2):
        raise OpInputError(
            "ops.norm: with `ord` set and axis=None, the input must be 1-D or 2-D.",
            expected="rank 1 or 2, or an explicit axis",
            received=f"rank {nd}",
        )
    vector = (axis is not None and len(axis) == 1) or (axis is None and nd == 1)
    if vector and isinstance(ord, str):
        raise OpInputError(
            "ops.norm: string orders apply to matrices only.",
            expected="a number, inf or -inf for a vector norm",
            received=f"ord={ord!r}",
        )
    if not vector and (axis is not None or ord is not None):
        if ord not in (None, "fro", "nuc", 1, -1, 2, -2, onp.inf, -onp.inf):
            raise OpInputError(
                "ops.norm: invalid order for a matrix norm.",
                expected="None, 'fro', 'nuc', 1, -1, 2, -2, inf or -inf",
                received=f"ord={ord!r}",
            )
    if vector and ord not in (None, 2) and not isinstance(ord, str):
        ax = axis if axis is not None else (0,)
        absx = jnp.abs(a)
        if ord == onp.inf:
            out = jnp.max(absx, axis=ax, keepdims=keepdims)
        elif ord == -onp.inf:
            out = jnp.min(absx, axis=ax, keepdims=keepdims)
        elif ord == 0:
            out = jnp.sum(absx != 0, axis=ax, keepdims=keepdims).astype(absx.dtype)
        else:
            out = jnp.sum(absx**ord, axis=ax, keepdims=keepdims) ** (1.0 / ord)
        return cast(out, dtype)
    if axis is None and ord is None:
        out = jnp.sqrt(jnp.sum(jnp.real(a * jnp.conj(a))))
        if keepdims:
            out = jnp.reshape(out, (1,) * nd)
        return cast(out, dtype)
    out = jnp.linalg.norm(a, ord=ord, axis=axis, keepdims=keepdims)
    return cast(out, dtype)


def qr(x, mode="reduced"):
    if mode not in ("reduced", "complete"):
        raise OpInputError(
            "ops.qr: unknown mode.", expected="'reduced' or 'complete'", received=f"mode={mode!r}"
        )
    a, dtype = _float(x, "qr", square=False)
    q, r = jnp.linalg.qr(a, mode=mode)
    return cast(q, dtype), cast(r, dtype)


def _check_solve_shapes(a, b, what, vector):
    sa, sb = a.shape, b.shape
    rows = sb[-1] if vector else (sb[-2] if len(sb) >= 2 else None)
    if rows != sa[-1]:
        raise OpInputError(
            f"ops.{what}: `a` and `b` do not align.",
            expected=f"b of shape (..., {sa[-1]}) or (..., {sa[-1]}, K)",
            received=f"a.shape={tuple(sa)}, b.shape={tuple(sb)}",
        )


def _solve_dtype(dtype_a, b):
    name_b = dtype_name(b)
    return rtype(dtype_a, name_b if name_b in FLOAT_TYPES else dtype_a)


def solve(a, b):
    a, dtype_a = _float(a, "solve")
    b = convert_to_tensor(b)
    dtype = _solve_dtype(dtype_a, b)
    compute = _COMPUTE.get(dtype, dtype)
    a, b = cast(a, compute), cast(b, compute)
    vector = b.ndim == 1
    _check_solve_shapes(a, b, "solve", vector)
    if _singular(a):
        raise OpInputError(
            "ops.solve: the matrix `a` is singular.",
            expected="an invertible `a`",
            received=f"a singular matrix of shape {tuple(a.shape)}",
        )
    out = jnp.linalg.solve(a, b[..., None] if vector and a.ndim > 2 else b)
    if vector and a.ndim > 2:
        out = out[..., 0]
    return cast(out, dtype)


def solve_triangular(a, b, lower=False):
    a, dtype_a = _float(a, "solve_triangular")
    b = convert_to_tensor(b)
    dtype = _solve_dtype(dtype_a, b)
    compute = _COMPUTE.get(dtype, dtype)
    a, b = cast(a, compute), cast(b, compute)
    vector = b.ndim == a.ndim - 1
    _check_solve_shapes(a, b, "solve_triangular", vector)
    diag = concrete(jnp.diagonal(a, axis1=-2, axis2=-1))
    if diag is not None and onp.any(diag == 0):
        raise OpInputError(
            "ops.solve_triangular: the triangular matrix is singular (a zero on its diagonal).",
            expected="a non-zero diagonal",
            received=f"a singular matrix of shape {tuple(a.shape)}",
        )
    rhs = b[..., None] if vector else b
    out = jsl.solve_triangular(a, rhs, lower=lower)
    if vector:
        out = out[..., 0]
    return cast(out, dtype)


def svd(x, full_matrices=True, compute_uv=True):
    a, dtype = _float(x, "svd", square=False)
    if not compute_uv:
        return cast(jnp.linalg.svd(a, full_matrices=full_matrices, compute_uv=False), dtype)
    u, s, vh = jnp.linalg.svd(a, full_matrices=full_matrices, compute_uv=True)
    return cast(u, dtype), cast(s, dtype), cast(vh, dtype)


def lstsq(a, b, rcond=None):
    a_arr, dtype_a = _float(a, "lstsq", square=False)
    b_arr = convert_to_tensor(b)
    if a_arr.ndim != 2 or b_arr.ndim not in (1, 2):
        raise OpInputError(
            "ops.lstsq: `a` must be a matrix and `b` a vector or matrix.",
            expected="a.shape=(M, N), b.shape=(M,) or (M, K)",
            received=f"a.shape={tuple(a_arr.shape)}, b.shape={tuple(b_arr.shape)}",
        )
    if b_arr.shape[0] != a_arr.shape[0]:
        raise OpInputError(
            "ops.lstsq: `a` and `b` do not align.",
            expected=f"b.shape[0] == {a_arr.shape[0]}",
            received=f"b.shape={tuple(b_arr.shape)}",
        )
    dtype = _solve_dtype(dtype_a, b_arr)
    compute = _COMPUTE.get(dtype, dtype)
    out = jnp.linalg.lstsq(cast(a_arr, compute), cast(b_arr, compute), rcond=rcond)[0]
    return cast(out, dtype)
