"""Linear algebra of the NumPy backend (``numpy.linalg`` through autograd, no SciPy).

Integer and bool inputs compute in ``floatx()``; float16 computes in float32 and is cast back
(LAPACK has no half precision). QR has its own VJP (autograd has none); LU factorisation and
least squares are not differentiable.
"""

from __future__ import annotations

import autograd.numpy as anp
import numpy as onp
from autograd.extend import defvjp, primitive
from autograd.tracer import getval

from tholos.backend.dtypes import floatx, result_type
from tholos.errors import OpInputError
from tholos_backend_numpy._convert import dtype_name
from tholos_backend_numpy.core_ops import _cast as cast
from tholos_backend_numpy.core_ops import convert_to_tensor

_COMPUTE = {"float16": "float32", "bfloat16": "float32"}
_COMPLEX_OF = {"float32": "complex64", "float64": "complex128"}


def _float(x, what, min_rank=2, square=True):
    """(array in its compute dtype, result dtype) for a matrix-valued input."""
    x = convert_to_tensor(x)
    name = dtype_name(x)
    result = name if name.startswith(("float", "complex")) else floatx()
    compute = _COMPUTE.get(result, result)
    shape = anp.shape(x)
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


def _back(x, dtype):
    return cast(x, dtype)


def cholesky(x, upper=False):
    a, dtype = _float(x, "cholesky")
    try:
        lower = anp.linalg.cholesky(a)
    except onp.linalg.LinAlgError as err:
        raise OpInputError(
            "ops.cholesky: the matrix is not positive definite.",
            expected="a symmetric positive-definite matrix",
            received=f"a matrix of shape {tuple(anp.shape(a))} that failed to factorise",
        ) from err
    out = anp.swapaxes(lower, -1, -2) if upper else lower
    return _back(out, dtype)


def det(x):
    a, dtype = _float(x, "det")
    return _back(anp.linalg.det(a), dtype)


def eig(x):
    a, dtype = _float(x, "eig")
    w, v = anp.linalg.eig(a)
    ctype = _COMPLEX_OF.get(dtype, dtype if dtype.startswith("complex") else "complex64")
    return cast(w, ctype), cast(v, ctype)


def eigh(x):
    a, dtype = _float(x, "eigh")
    w, v = anp.linalg.eigh(a)
    return _back(w, dtype), _back(v, dtype)


def inv(x):
    a, dtype = _float(x, "inv")
    try:
        out = anp.linalg.inv(a)
    except onp.linalg.LinAlgError as err:
        raise OpInputError(
            "ops.inv: the matrix is singular.",
            expected="an invertible matrix",
            received=f"a singular matrix of shape {tuple(anp.shape(a))}",
        ) from err
    return _back(out, dtype)


def lu_factor(x):
    a, dtype = _float(x, "lu_factor", square=False)
    lu = onp.array(getval(a), copy=True)
    *batch, m, n = lu.shape
    k = min(m, n)
    piv = onp.zeros((*batch, k), dtype="int32")
    flat = lu.reshape(-1, m, n)
    pflat = piv.reshape(-1, k)
    rows = onp.arange(flat.shape[0])
    for j in range(k):
        p = j + onp.argmax(onp.abs(flat[:, j:, j]), axis=1)
        pflat[:, j] = p
        top = flat[rows, j, :].copy()
        flat[rows, j, :] = flat[rows, p, :]
        flat[rows, p, :] = top
        pivot = flat[:, j, j]
        safe = onp.where(pivot == 0, 1, pivot)
        flat[:, j + 1 :, j] = flat[:, j + 1 :, j] / safe[:, None] * (pivot != 0)[:, None]
        flat[:, j + 1 :, j + 1 :] -= flat[:, j + 1 :, j : j + 1] * flat[:, j : j + 1, j + 1 :]
    return _back(flat.reshape(lu.shape), dtype), piv


def norm(x, ord=None, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    name = dtype_name(x)
    dtype = name if name.startswith("float") else floatx()
    if name.startswith("complex"):
        dtype = "float32" if name == "complex64" else "float64"
    a = x if name.startswith("complex") else cast(x, _COMPUTE.get(dtype, dtype))
    nd = anp.ndim(a)
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
        absx = anp.abs(a)
        if ord == onp.inf:
            out = anp.max(absx, axis=ax, keepdims=keepdims)
        elif ord == -onp.inf:
            out = anp.min(absx, axis=ax, keepdims=keepdims)
        elif ord == 0:
            out = anp.sum(absx != 0, axis=ax, keepdims=keepdims).astype(getval(absx).dtype)
        else:
            out = anp.sum(absx**ord, axis=ax, keepdims=keepdims) ** (1.0 / ord)
        return cast(out, dtype)
    # Computed without keepdims (autograd's norm VJP ignores it), the kept axes put back after.
    if vector:
        ax = axis[0] % nd if axis is not None else None
        out = anp.linalg.norm(a, axis=ax)  # an int axis: autograd treats tuples as matrices
        reduced = (ax,) if ax is not None else tuple(range(nd))
    elif axis is None and nd != 2:  # ord is None: the 2-norm of the flattened tensor
        out = anp.linalg.norm(a)
        reduced = tuple(range(nd))
    else:
        rows, cols = (0, 1) if axis is None else (axis[0] % nd, axis[1] % nd)
        if rows == cols:
            raise OpInputError(
                "ops.norm: the two axes of a matrix norm must differ.",
                expected="two different axes",
                received=f"axis={axis}",
            )
        out = _matrix_norm(a, ord, rows, cols)
        reduced = (rows, cols)
    if keepdims:
        shape = [1 if i in reduced else n for i, n in enumerate(anp.shape(a))]
        out = anp.reshape(out, shape)
    return cast(out, dtype)


def _matrix_norm(a, ord, rows, cols):
    """Matrix norm of ``a`` over axes ``(rows, cols)`` (both removed), differentiable for
    every order: induced 1/inf norms by reductions, 2/-2/nuc by singular values."""
    if ord in (None, "fro"):
        return anp.linalg.norm(a, axis=(rows, cols))
    if ord in (1, -1, onp.inf, -onp.inf):
        # ord 1: the largest column sum |a_ij| over i; ord inf: the largest row sum.
        first, second = (rows, cols) if ord in (1, -1) else (cols, rows)
        sums = anp.sum(anp.abs(a), axis=first, keepdims=True)
        pick = anp.max if ord > 0 else anp.min
        return anp.squeeze(pick(sums, axis=second, keepdims=True), axis=(rows, cols))
    moved = anp.moveaxis(a, (rows, cols), (-2, -1))
    singular = anp.linalg.svd(moved, compute_uv=False)
    if ord == "nuc":
        return anp.sum(singular, axis=-1)
    return anp.max(singular, axis=-1) if ord == 2 else anp.min(singular, axis=-1)


@primitive
def _qr(a, mode):
    return onp.linalg.qr(a, mode=mode)


def _copyltu(m):
    return onp.tril(m) + onp.swapaxes(onp.tril(m, -1), -1, -2)


def _qr_vjp(ans, a, mode):
    q, r = ans
    m, n = a.shape[-2:]

    def vjp(g):
        gq, gr = g
        if m < n or (mode == "complete" and m != n):
            raise NotImplementedError("ops.qr: gradient only for m >= n in reduced mode.")
        mm = r @ onp.swapaxes(gr, -1, -2) - onp.swapaxes(gq, -1, -2) @ q
        b = gq + q @ _copyltu(mm)
        # solve X R^T = B for X  <=>  R X^T = B^T
        x_t = onp.linalg.solve(r, onp.swapaxes(b, -1, -2))
        return onp.swapaxes(x_t, -1, -2)

    return vjp


defvjp(_qr, _qr_vjp)


def qr(x, mode="reduced"):
    if mode not in ("reduced", "complete"):
        raise OpInputError(
            "ops.qr: unknown mode.", expected="'reduced' or 'complete'", received=f"mode={mode!r}"
        )
    a, dtype = _float(x, "qr", square=False)
    q, r = _qr(a, mode)
    return _back(q, dtype), _back(r, dtype)


def _check_solve_shapes(a, b, what, vector):
    sa, sb = anp.shape(a), anp.shape(b)
    rows = sb[-1] if vector else (sb[-2] if len(sb) >= 2 else None)
    if rows != sa[-1]:
        raise OpInputError(
            f"ops.{what}: `a` and `b` do not align.",
            expected=f"b of shape (..., {sa[-1]}) or (..., {sa[-1]}, K)",
            received=f"a.shape={tuple(sa)}, b.shape={tuple(sb)}",
        )


def solve(a, b):
    a, dtype_a = _float(a, "solve")
    b = convert_to_tensor(b)
    name_b = dtype_name(b)
    dtype = result_type(dtype_a, name_b if name_b.startswith("float") else dtype_a)
    compute = _COMPUTE.get(dtype, dtype)
    a, b = cast(a, compute), cast(b, compute)
    _check_solve_shapes(a, b, "solve", anp.ndim(b) == 1)
    try:
        out = anp.linalg.solve(a, b)
    except onp.linalg.LinAlgError as err:
        raise OpInputError(
            "ops.solve: the matrix `a` is singular.",
            expected="an invertible `a`",
            received=f"a singular matrix of shape {tuple(anp.shape(a))}",
        ) from err
    return cast(out, dtype)


def solve_triangular(a, b, lower=False):
    a, dtype_a = _float(a, "solve_triangular")
    b = convert_to_tensor(b)
    name_b = dtype_name(b)
    dtype = result_type(dtype_a, name_b if name_b.startswith("float") else dtype_a)
    compute = _COMPUTE.get(dtype, dtype)
    a, b = cast(a, compute), cast(b, compute)
    vector = anp.ndim(b) == anp.ndim(a) - 1
    _check_solve_shapes(a, b, "solve_triangular", vector)
    tri = anp.tril(a) if lower else anp.triu(a)
    rhs = b[..., None] if vector else b
    try:
        out = anp.linalg.solve(tri, rhs)
    except onp.linalg.LinAlgError as err:
        raise OpInputError(
            "ops.solve_triangular: the triangular matrix is singular (a zero on its diagonal).",
            expected="a non-zero diagonal",
            received=f"a singular matrix of shape {tuple(anp.shape(a))}",
        ) from err
    if vector:
        out = out[..., 0]
    return cast(out, dtype)


def svd(x, full_matrices=True, compute_uv=True):
    a, dtype = _float(x, "svd", square=False)
    if not compute_uv:
        return _back(anp.linalg.svd(a, full_matrices=full_matrices, compute_uv=False), dtype)
    u, s, vh = anp.linalg.svd(a, full_matrices=full_matrices, compute_uv=True)
    return _back(u, dtype), _back(s, dtype), _back(vh, dtype)


def lstsq(a, b, rcond=None):
    a_arr, dtype_a = _float(a, "lstsq", square=False)
    b_arr = convert_to_tensor(b)
    if anp.ndim(a_arr) != 2 or anp.ndim(b_arr) not in (1, 2):
        raise OpInputError(
            "ops.lstsq: `a` must be a matrix and `b` a vector or matrix.",
            expected="a.shape=(M, N), b.shape=(M,) or (M, K)",
            received=f"a.shape={tuple(anp.shape(a_arr))}, b.shape={tuple(anp.shape(b_arr))}",
        )
    if anp.shape(b_arr)[0] != anp.shape(a_arr)[0]:
        raise OpInputError(
            "ops.lstsq: `a` and `b` do not align.",
            expected=f"b.shape[0] == {anp.shape(a_arr)[0]}",
            received=f"b.shape={tuple(anp.shape(b_arr))}",
        )
    name_b = dtype_name(b_arr)
    dtype = result_type(dtype_a, name_b if name_b.startswith("float") else dtype_a)
    compute = _COMPUTE.get(dtype, dtype)
    a_np = onp.asarray(getval(a_arr), compute)
    b_np = onp.asarray(getval(b_arr), compute)
    out = onp.linalg.lstsq(a_np, b_np, rcond=rcond)[0]
    return cast(out, dtype)
