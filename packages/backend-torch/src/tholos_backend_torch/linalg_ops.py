"""Linear algebra of the torch backend (``torch.linalg``).

Integer and bool inputs compute in ``floatx()``; float16/bfloat16 compute in float32 and are
cast back (LAPACK/cuSOLVER have no half precision).
"""

from __future__ import annotations

import math

import torch

from tholos.errors import OpInputError
from tholos_backend_torch._convert import (
    COMPLEX,
    FLOATS,
    INEXACT,
    cast,
    floatx_t,
    pair_dtype,
    real_of,
    tensor_of,
)

_HALF = (torch.float16, torch.bfloat16)


def _float(x, what, min_rank=2, square=True):
    x = tensor_of(x)
    result = x.dtype if x.dtype in INEXACT else floatx_t()
    compute = torch.float32 if result in _HALF else result
    if x.ndim < min_rank:
        raise OpInputError(
            f"ops.{what}: the input must be a (batch of) matrix.",
            expected=f"rank >= {min_rank}",
            received=f"shape {tuple(x.shape)}",
        )
    if square and x.shape[-1] != x.shape[-2]:
        raise OpInputError(
            f"ops.{what}: the matrix must be square.",
            expected="shape (..., M, M)",
            received=f"shape {tuple(x.shape)}",
        )
    return cast(x, compute), result


def cholesky(x, upper=False):
    a, dt = _float(x, "cholesky")
    lower, info = torch.linalg.cholesky_ex(a)
    if bool((info != 0).any()):
        raise OpInputError(
            "ops.cholesky: the matrix is not positive definite.",
            expected="a symmetric positive-definite matrix",
            received=f"a matrix of shape {tuple(a.shape)} that failed to factorise",
        )
    out = lower.transpose(-1, -2) if upper else lower
    return cast(out, dt)


def det(x):
    a, dt = _float(x, "det")
    return cast(torch.linalg.det(a), dt)


def eigh(x):
    a, dt = _float(x, "eigh")
    w, v = torch.linalg.eigh(a)
    return cast(w, real_of(dt)), cast(v, dt)


def inv(x):
    a, dt = _float(x, "inv")
    out, info = torch.linalg.inv_ex(a)
    if bool((info != 0).any()):
        raise OpInputError(
            "ops.inv: the matrix is singular.",
            expected="an invertible matrix",
            received=f"a singular matrix of shape {tuple(a.shape)}",
        )
    return cast(out, dt)


def norm(x, ord=None, axis=None, keepdims=False):
    x = tensor_of(x)
    if x.dtype in COMPLEX:
        dt = real_of(x.dtype)
        a = x
    else:
        dt = x.dtype if x.dtype in FLOATS else floatx_t()
        a = cast(x, torch.float32 if dt in _HALF else dt)
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
        if ord not in (None, "fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf):
            raise OpInputError(
                "ops.norm: invalid order for a matrix norm.",
                expected="None, 'fro', 'nuc', 1, -1, 2, -2, inf or -inf",
                received=f"ord={ord!r}",
            )
    if axis is None and ord is None:
        out = torch.linalg.vector_norm(a, 2, dim=None, keepdim=keepdims)
        if keepdims:
            out = out.reshape((1,) * nd)
    elif vector:
        dim = axis if axis is not None else (0,)
        out = torch.linalg.vector_norm(a, 2 if ord is None else ord, dim=dim, keepdim=keepdims)
    else:
        dim = axis if axis is not None else (0, 1)
        out = torch.linalg.matrix_norm(a, "fro" if ord is None else ord, dim=dim, keepdim=keepdims)
    return cast(out, dt)


def qr(x, mode="reduced"):
    if mode not in ("reduced", "complete"):
        raise OpInputError(
            "ops.qr: unknown mode.", expected="'reduced' or 'complete'", received=f"mode={mode!r}"
        )
    a, dt = _float(x, "qr", square=False)
    q, r = torch.linalg.qr(a, mode=mode)
    return cast(q, dt), cast(r, dt)


def _check_solve_shapes(a, b, what, vector):
    sa, sb = tuple(a.shape), tuple(b.shape)
    rows = sb[-1] if vector else (sb[-2] if len(sb) >= 2 else None)
    if rows != sa[-1]:
        raise OpInputError(
            f"ops.{what}: `a` and `b` do not align.",
            expected=f"b of shape (..., {sa[-1]}) or (..., {sa[-1]}, K)",
            received=f"a.shape={sa}, b.shape={sb}",
        )


def _solve_dtypes(a, b, what):
    a, dta = _float(a, what)
    b = tensor_of(b)
    dt = pair_dtype(dta, b.dtype if b.dtype in INEXACT else dta)
    compute = torch.float32 if dt in _HALF else dt
    return cast(a, compute), cast(b, compute).to(a.device), dt


def solve(a, b):
    a, b, dt = _solve_dtypes(a, b, "solve")
    vector = b.ndim == 1
    _check_solve_shapes(a, b, "solve", vector)
    rhs = b[..., None] if vector else b
    out, info = torch.linalg.solve_ex(a, rhs)
    if bool((info != 0).any()):
        raise OpInputError(
            "ops.solve: the matrix `a` is singular.",
            expected="an invertible `a`",
            received=f"a singular matrix of shape {tuple(a.shape)}",
        )
    return cast(out[..., 0] if vector else out, dt)


def solve_triangular(a, b, lower=False):
    a, b, dt = _solve_dtypes(a, b, "solve_triangular")
    vector = b.ndim == a.ndim - 1
    _check_solve_shapes(a, b, "solve_triangular", vector)
    diag = torch.diagonal(a, dim1=-2, dim2=-1)
    if bool((diag == 0).any()):
        raise OpInputError(
            "ops.solve_triangular: the triangular matrix is singular (a zero on its diagonal).",
            expected="a non-zero diagonal",
            received=f"a singular matrix of shape {tuple(a.shape)}",
        )
    rhs = b[..., None] if vector else b
    out = torch.linalg.solve_triangular(a, rhs, upper=not lower)
    return cast(out[..., 0] if vector else out, dt)


def svd(x, full_matrices=True, compute_uv=True):
    a, dt = _float(x, "svd", square=False)
    if not compute_uv:
        return cast(torch.linalg.svdvals(a), real_of(dt))
    u, s, vh = torch.linalg.svd(a, full_matrices=full_matrices)
    return cast(u, dt), cast(s, real_of(dt)), cast(vh, dt)


def eig(x):
    a, _ = _float(x, "eig")
    # float32 (and half, computed in float32) -> complex64; float64 -> complex128.
    return torch.linalg.eig(a)


def lu_factor(x):
    a, dt = _float(x, "lu_factor", square=False)
    lu, pivots, _info = torch.linalg.lu_factor_ex(a)
    # LAPACK's pivots are 1-based; tholos' (like SciPy's) are 0-based.
    return cast(lu, dt), (pivots - 1).to(torch.int32)


def lstsq(a, b, rcond=None):
    a_t, dt_a = _float(a, "lstsq", square=False)
    b_t = tensor_of(b)
    if a_t.ndim != 2 or b_t.ndim not in (1, 2):
        raise OpInputError(
            "ops.lstsq: `a` must be a matrix and `b` a vector or matrix.",
            expected="a.shape=(M, N), b.shape=(M,) or (M, K)",
            received=f"a.shape={tuple(a_t.shape)}, b.shape={tuple(b_t.shape)}",
        )
    if b_t.shape[0] != a_t.shape[0]:
        raise OpInputError(
            "ops.lstsq: `a` and `b` do not align.",
            expected=f"b.shape[0] == {a_t.shape[0]}",
            received=f"b.shape={tuple(b_t.shape)}",
        )
    dt = pair_dtype(dt_a, b_t.dtype) if b_t.dtype in FLOATS else dt_a
    compute = torch.float32 if dt in _HALF else dt
    a_c, b_c = cast(a_t, compute), cast(b_t, compute)
    rhs = b_c[:, None] if b_c.ndim == 1 else b_c
    if a_c.device.type == "cpu":
        # gelsd: SVD-based minimum-norm solution, as NumPy's lstsq (rank-deficient too).
        out = torch.linalg.lstsq(a_c, rhs, rcond=rcond, driver="gelsd").solution
    else:
        # CUDA only has 'gels' (full-rank, tall): the pseudo-inverse gives the min-norm answer.
        if rcond is None:
            rcond = torch.finfo(compute).eps * max(a_c.shape)
        out = torch.linalg.pinv(a_c, rtol=rcond) @ rhs
    return cast(out[:, 0] if b_c.ndim == 1 else out, dt)
