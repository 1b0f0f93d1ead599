"""Linear algebra on TensorFlow (``tf.linalg``).

Integer and bool inputs compute in ``floatx()``; float16/bfloat16 compute in float32 and are
cast back (TF's decompositions have no half-precision kernels).
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from tholos.backend.dtypes import FLOAT_TYPES, floatx, result_type
from tholos.errors import OpInputError
from tholos_backend_tensorflow import _convert as C
from tholos_backend_tensorflow._convert import cast, convert, dname, static_shape

_COMPUTE = {"float16": "float32", "bfloat16": "float32"}
_COMPLEX_OF = {"float32": "complex64", "float64": "complex128"}


def _float(x, what, min_rank=2, square=True):
    x = convert(x)
    name = dname(x)
    result = name if name in FLOAT_TYPES or name.startswith("complex") else floatx()
    compute = _COMPUTE.get(result, result)
    shape = static_shape(x)
    if len(shape) < min_rank:
        raise OpInputError(
            f"ops.{what}: the input must be a (batch of) matrix.",
            expected=f"rank >= {min_rank}",
            received=f"shape {shape}",
        )
    if square and shape[-1] != shape[-2]:
        raise OpInputError(
            f"ops.{what}: the matrix must be square.",
            expected="shape (..., M, M)",
            received=f"shape {shape}",
        )
    return cast(x, compute), result


def cholesky(x, upper=False):
    a, dtype = _float(x, "cholesky")
    lower = tf.linalg.cholesky(a)
    if hasattr(lower, "numpy") and not np.all(np.isfinite(lower.numpy())):
        raise OpInputError(
            "ops.cholesky: the matrix is not positive definite.",
            expected="a symmetric positive-definite matrix",
            received=f"a matrix of shape {static_shape(a)} that failed to factorise",
        )
    out = tf.linalg.adjoint(lower) if upper else lower
    return cast(out, dtype)


def det(x):
    a, dtype = _float(x, "det")
    return cast(tf.linalg.det(a), dtype)


def eig(x):
    a, dtype = _float(x, "eig")
    w, v = tf.linalg.eig(a)
    ctype = _COMPLEX_OF.get(dtype, dtype if dtype.startswith("complex") else "complex64")
    return cast(w, ctype), cast(v, ctype)


def eigh(x):
    a, dtype = _float(x, "eigh")
    w, v = tf.linalg.eigh(a)
    return cast(w, dtype), cast(v, dtype)


def inv(x):
    a, dtype = _float(x, "inv")
    return cast(tf.linalg.inv(a), dtype)


def lu_factor(x):
    a, dtype = _float(x, "lu_factor", square=False)
    shape = static_shape(a)
    m, n = shape[-2], shape[-1]
    if m != n:
        return _lu_doolittle(a, dtype)
    lu, perm = tf.linalg.lu(a)
    k = min(m, n)
    # TF returns the final row permutation; LAPACK-style pivots are the sequence of swaps.
    cur = tf.broadcast_to(tf.range(m, dtype=perm.dtype), tf.shape(perm))
    idx = tf.range(m, dtype=perm.dtype)
    pivots = []
    for j in range(k):
        target = perm[..., j : j + 1]
        pos = tf.argmax(tf.cast(tf.equal(cur, target), tf.int32), axis=-1, output_type=perm.dtype)
        pivots.append(pos)
        at_j = cur[..., j : j + 1]
        at_pos = tf.gather(cur, pos[..., None], batch_dims=len(shape) - 2)
        cur = tf.where(tf.equal(idx, j), at_pos, tf.where(tf.equal(idx, pos[..., None]), at_j, cur))
    piv = tf.cast(tf.stack(pivots, axis=-1), tf.int32)
    return cast(lu, dtype), piv


def _lu_doolittle(a, dtype):
    """Partial-pivoting LU for non-square matrices (eager NumPy; not differentiable)."""
    if not hasattr(a, "numpy"):
        raise OpInputError(
            "ops.lu_factor: non-square matrices are only factorised eagerly on this backend.",
            expected="a square matrix inside tf.function",
            received=f"shape {static_shape(a)}",
        )
    lu = np.array(a.numpy(), copy=True)
    *batch, m, n = lu.shape
    k = min(m, n)
    piv = np.zeros((*batch, k), dtype="int32")
    flat = lu.reshape(-1, m, n)
    pflat = piv.reshape(-1, k)
    rows = np.arange(flat.shape[0])
    for j in range(k):
        p = j + np.argmax(np.abs(flat[:, j:, j]), axis=1)
        pflat[:, j] = p
        top = flat[rows, j, :].copy()
        flat[rows, j, :] = flat[rows, p, :]
        flat[rows, p, :] = top
        pivot = flat[:, j, j]
        safe = np.where(pivot == 0, 1, pivot)
        flat[:, j + 1 :, j] = flat[:, j + 1 :, j] / safe[:, None] * (pivot != 0)[:, None]
        flat[:, j + 1 :, j + 1 :] -= flat[:, j + 1 :, j : j + 1] * flat[:, j : j + 1, j + 1 :]
    return cast(tf.constant(flat.reshape(lu.shape)), dtype), tf.constant(piv)


def norm(x, ord=None, axis=None, keepdims=False):
    x = convert(x)
    name = dname(x)
    dtype = name if name in FLOAT_TYPES else floatx()
    if name.startswith("complex"):
        dtype = "float32" if name == "complex64" else "float64"
    a = x if name.startswith("complex") else cast(x, _COMPUTE.get(dtype, dtype))
    nd = a.shape.rank
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
        axis = tuple(ax % nd for ax in axis)
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
        if ord not in (None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf):
            raise OpInputError(
                "ops.norm: invalid order for a matrix norm.",
                expected="None, 'fro', 'nuc', 1, -1, 2, -2, inf or -inf",
                received=f"ord={ord!r}",
            )
    absx = tf.abs(a)
    if axis is None and ord is None:
        out = tf.sqrt(tf.reduce_sum(tf.square(absx), keepdims=keepdims))
        return cast(out, dtype)
    if vector:
        ax = list(axis) if axis is not None else [0]
        if ord is None or ord == 2:
            out = tf.sqrt(tf.reduce_sum(tf.square(absx), axis=ax, keepdims=keepdims))
        elif ord == np.inf:
            out = tf.reduce_max(absx, axis=ax, keepdims=keepdims)
        elif ord == -np.inf:
            out = tf.reduce_min(absx, axis=ax, keepdims=keepdims)
        elif ord == 0:
            out = tf.reduce_sum(
                tf.cast(tf.not_equal(absx, 0), absx.dtype), axis=ax, keepdims=keepdims
            )
        else:
            p = tf.constant(float(ord), absx.dtype)
            out = tf.pow(tf.reduce_sum(tf.pow(absx, p), axis=ax, keepdims=keepdims), 1.0 / p)
        return cast(out, dtype)
    r, c = axis if axis is not None else (0, 1)
    if ord in (None, "fro"):
        out = tf.sqrt(tf.reduce_sum(tf.square(absx), axis=[r, c], keepdims=keepdims))
    elif ord in (1, -1):
        sums = tf.reduce_sum(absx, axis=r, keepdims=True)
        out = (tf.reduce_max if ord == 1 else tf.reduce_min)(sums, axis=c, keepdims=True)
        out = out if keepdims else tf.squeeze(out, [r, c])
    elif ord in (np.inf, -np.inf):
        sums = tf.reduce_sum(absx, axis=c, keepdims=True)
        out = (tf.reduce_max if ord == np.inf else tf.reduce_min)(sums, axis=r, keepdims=True)
        out = out if keepdims else tf.squeeze(out, [r, c])
    else:
        perm = [i for i in range(nd) if i not in (r, c)] + [r, c]
        s = tf.linalg.svd(tf.transpose(a, perm), compute_uv=False)
        if ord == "nuc":
            out = tf.reduce_sum(s, axis=-1)
        elif ord == 2:
            out = tf.reduce_max(s, axis=-1)
        else:
            out = tf.reduce_min(s, axis=-1)
        if keepdims:
            for ax in sorted((r, c)):
                out = tf.expand_dims(out, ax)
    return cast(out, dtype)


def qr(x, mode="reduced"):
    if mode not in ("reduced", "complete"):
        raise OpInputError(
            "ops.qr: unknown mode.", expected="'reduced' or 'complete'", received=f"mode={mode!r}"
        )
    a, dtype = _float(x, "qr", square=False)
    q, r = tf.linalg.qr(a, full_matrices=(mode == "complete"))
    return cast(q, dtype), cast(r, dtype)


def _check_solve_shapes(a, b, what, vector):
    sa, sb = static_shape(a), static_shape(b)
    rows = sb[-1] if vector else (sb[-2] if len(sb) >= 2 else None)
    if rows != sa[-1]:
        raise OpInputError(
            f"ops.{what}: `a` and `b` do not align.",
            expected=f"b of shape (..., {sa[-1]}) or (..., {sa[-1]}, K)",
            received=f"a.shape={sa}, b.shape={sb}",
        )


def _solve_dtype(dtype_a, b):
    name_b = dname(b)
    return result_type(dtype_a, name_b if name_b in FLOAT_TYPES else dtype_a)


def _broadcast_batch(a, b):
    """Broadcast the batch dims of ``a`` (..., M, M) and ``b`` (..., M, K)."""
    sa, sb = static_shape(a), static_shape(b)
    if sa[:-2] == sb[:-2]:
        return a, b
    batch = np.broadcast_shapes(tuple(sa[:-2]), tuple(sb[:-2]))
    return tf.broadcast_to(a, [*batch, *sa[-2:]]), tf.broadcast_to(b, [*batch, *sb[-2:]])


def solve(a, b):
    a, dtype_a = _float(a, "solve")
    b = convert(b)
    dtype = _solve_dtype(dtype_a, b)
    compute = _COMPUTE.get(dtype, dtype)
    a, b = cast(a, compute), cast(b, compute)
    vector = b.shape.rank == 1
    _check_solve_shapes(a, b, "solve", vector)
    rhs = b[:, None] if vector else b
    a2, rhs = _broadcast_batch(a, rhs)
    out = tf.linalg.solve(a2, rhs)
    if vector:
        out = out[..., 0]
    return cast(out, dtype)


def solve_triangular(a, b, lower=False):
    a, dtype_a = _float(a, "solve_triangular")
    b = convert(b)
    dtype = _solve_dtype(dtype_a, b)
    compute = _COMPUTE.get(dtype, dtype)
    a, b = cast(a, compute), cast(b, compute)
    vector = b.shape.rank == a.shape.rank - 1
    _check_solve_shapes(a, b, "solve_triangular", vector)
    rhs = b[..., None] if vector else b
    a2, rhs = _broadcast_batch(a, rhs)
    if hasattr(a2, "numpy"):
        diag = np.diagonal(a2.numpy(), axis1=-2, axis2=-1)
        if np.any(diag == 0):
            raise OpInputError(
                "ops.solve_triangular: the triangular matrix is singular (a zero on its diagonal).",
                expected="a non-zero diagonal",
                received=f"a singular matrix of shape {static_shape(a)}",
            )
    out = tf.linalg.triangular_solve(a2, rhs, lower=bool(lower))
    if vector:
        out = out[..., 0]
    return cast(out, dtype)


def svd(x, full_matrices=True, compute_uv=True):
    a, dtype = _float(x, "svd", square=False)
    if not compute_uv:
        return cast(tf.linalg.svd(a, full_matrices=full_matrices, compute_uv=False), dtype)
    s, u, v = tf.linalg.svd(a, full_matrices=full_matrices, compute_uv=True)
    return cast(u, dtype), cast(s, dtype), cast(tf.linalg.adjoint(v), dtype)


def lstsq(a, b, rcond=None):
    a_arr, dtype_a = _float(a, "lstsq", square=False)
    b_arr = convert(b)
    if a_arr.shape.rank != 2 or b_arr.shape.rank not in (1, 2):
        raise OpInputError(
            "ops.lstsq: `a` must be a matrix and `b` a vector or matrix.",
            expected="a.shape=(M, N), b.shape=(M,) or (M, K)",
            received=f"a.shape={static_shape(a_arr)}, b.shape={static_shape(b_arr)}",
        )
    if b_arr.shape[0] != a_arr.shape[0]:
        raise OpInputError(
            "ops.lstsq: `a` and `b` do not align.",
            expected=f"b.shape[0] == {a_arr.shape[0]}",
            received=f"b.shape={static_shape(b_arr)}",
        )
    dtype = _solve_dtype(dtype_a, b_arr)
    compute = _COMPUTE.get(dtype, dtype)
    a_c, b_c = cast(a_arr, compute), cast(b_arr, compute)
    vector = b_c.shape.rank == 1
    rhs = b_c[:, None] if vector else b_c
    # Minimum-norm solution through the SVD, with NumPy's default cutoff.
    s, u, v = tf.linalg.svd(a_c, full_matrices=False)
    m, n = static_shape(a_c)
    cutoff = (np.finfo(compute).eps * max(m, n)) if rcond is None else float(rcond)
    big = s > tf.reduce_max(s) * tf.constant(cutoff, s.dtype) if s.shape[0] else s > 0
    s_inv = tf.where(big, 1.0 / tf.where(big, s, tf.ones_like(s)), tf.zeros_like(s))
    out = tf.matmul(v, s_inv[:, None] * tf.matmul(u, rhs, adjoint_a=True))
    if vector:
        out = out[:, 0]
    return cast(out, dtype)


__all__ = C.guard_module(globals())
