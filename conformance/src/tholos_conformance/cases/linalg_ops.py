"""Hand-written cases for the ``linalg`` family (and ``math.logdet``). Inputs are well
conditioned; decompositions whose signs or order are implementation-defined (qr, svd, eigh,
eig) are compared after canonicalization, and their gradients through sign-invariant
functions of the factors."""

from __future__ import annotations

import numpy as np

from tholos_conformance.cases._registry import A, Inputs, add, each_dtype


def well_conditioned(g: Inputs, shape, dtype: str) -> np.ndarray:
    n = shape[-1]
    m = np.asarray(g.arr(shape, "float64", "small")) + 3.0 * np.eye(n)
    return m.astype(dtype)


def spd(g: Inputs, shape, dtype: str) -> np.ndarray:
    m = np.asarray(g.arr(shape, "float64", "small"))
    n = shape[-1]
    return (m @ np.swapaxes(m, -1, -2) + n * np.eye(n)).astype(dtype)


def _column_signs(m: np.ndarray) -> np.ndarray:
    """+-1 per column: the sign of the column's largest-magnitude entry."""
    idx = np.argmax(np.abs(m), axis=-2)[..., None, :]
    s = np.sign(np.take_along_axis(m, idx, axis=-2))
    return np.where(s == 0, 1.0, s)


def _canon_qr(out):
    q, r = (np.asarray(o, dtype=np.float64).copy() for o in out)
    k = min(r.shape[-2], r.shape[-1])
    d = np.sign(np.diagonal(r[..., :k, :k], axis1=-2, axis2=-1))
    d = np.where(d == 0, 1.0, d)
    q[..., :, :k] *= d[..., None, :]
    r[..., :k, :] *= d[..., :, None]
    if q.shape[-1] > k:  # "complete": the extra columns are only defined up to sign
        q[..., :, k:] *= _column_signs(q[..., :, k:])
    return [q, r]


def _symmetric_call(fn, x, **kwargs):
    """Differentiate through a symmetric input (the gradient is then symmetric too)."""
    from tholos import ops

    return fn((x + ops.swapaxes(x, -1, -2)) * 0.5, **kwargs)


def _canon_eigh(out):
    w, v = (np.asarray(o, dtype=np.float64) for o in out)
    return [w, v * _column_signs(v)]


def _canon_svd(out):
    if not isinstance(out, (list, tuple)):
        return out
    u, s, vh = (np.asarray(o, dtype=np.float64) for o in out)
    k = s.shape[-1]
    signs = _column_signs(u[..., :, :k])
    u = u.copy()
    vh = vh.copy()
    u[..., :, :k] *= signs
    vh[..., :k, :] *= np.swapaxes(signs, -1, -2)
    return [u, s, vh]


def _canon_eig(out):
    w, v = (np.asarray(o).astype(np.complex128) for o in out)
    order = np.lexsort((np.round(w.imag, 4), np.round(w.real, 4)), axis=-1)
    w = np.take_along_axis(w, order, axis=-1)
    v = np.take_along_axis(v, order[..., None, :], axis=-1)
    idx = np.argmax(np.abs(v), axis=-2)[..., None, :]
    phase = np.take_along_axis(v, idx, axis=-2)
    v = v * (np.abs(phase) / phase)
    return [w, v]


def _squares(out):
    from tholos import ops

    return [ops.square(o) for o in out]


def _eigh_invariants(out):
    from tholos import ops

    return [out[0], ops.square(out[1])]


def _svd_invariants(out):
    from tholos import ops

    u, s, vh = out
    return [s, ops.square(u), ops.square(vh)]


def _cases() -> None:
    each_dtype(
        "linalg.cholesky", lambda g, d: A(spd(g, (3, 3), d)), id="lower", call=_symmetric_call
    )
    each_dtype(
        "linalg.cholesky",
        lambda g, d: A(spd(g, (2, 3, 3), d), upper=True),
        id="upper",
        call=_symmetric_call,
    )
    each_dtype("linalg.det", lambda g, d: A(well_conditioned(g, (3, 3), d)), id="3x3")
    each_dtype("linalg.det", lambda g, d: A(well_conditioned(g, (2, 4, 4), d)), id="batch")
    each_dtype("linalg.inv", lambda g, d: A(well_conditioned(g, (3, 3), d)), id="3x3")
    each_dtype("linalg.inv", lambda g, d: A(well_conditioned(g, (2, 2, 2), d)), id="batch")
    each_dtype(
        "linalg.solve",
        lambda g, d: A(well_conditioned(g, (3, 3), d), g.arr((3, 2), d)),
        id="matrix-rhs",
    )
    each_dtype(
        "linalg.solve",
        lambda g, d: A(well_conditioned(g, (2, 3, 3), d), g.arr((2, 3, 1), d)),
        id="batch",
    )
    for lower in (True, False):
        each_dtype(
            "linalg.solve_triangular",
            lambda g, d, lo=lower: A(
                (np.tril if lo else np.triu)(well_conditioned(g, (3, 3), d)),
                g.arr((3, 2), d),
                lower=lo,
            ),
            id=f"lower-{lower}",
        )
    each_dtype("linalg.lu_factor", lambda g, d: A(well_conditioned(g, (4, 4), d)), grad=False)
    each_dtype(
        "linalg.lu_factor",
        lambda g, d: A(well_conditioned(g, (2, 3, 3), d)),
        grad=False,
        id="batch",
    )
    each_dtype("linalg.lstsq", lambda g, d: A(g.arr((5, 3), d), g.arr((5, 2), d)), grad=False)
    each_dtype(
        "linalg.lstsq", lambda g, d: A(g.arr((4, 2), d), g.arr((4,), d)), grad=False, id="vector"
    )
    norms = [
        ("default", {}),
        ("vec-inf", {"ord": np.inf, "axis": -1}),
        ("vec-1", {"ord": 1, "axis": 0}),
        ("vec-3", {"ord": 3, "axis": -1}),
        ("fro", {"ord": "fro", "axis": (0, 1)}),
        ("mat-1", {"ord": 1, "axis": (0, 1)}),
        ("mat-inf", {"ord": np.inf, "axis": (0, 1)}),
        ("nuc", {"ord": "nuc"}),
        ("mat-2", {"ord": 2}),
        ("keepdims", {"axis": 1, "keepdims": True}),
    ]
    for nid, kw in norms:
        each_dtype(
            "linalg.norm",
            lambda g, d, kw=kw: A(g.arr((3, 4), d), **kw),
            id=nid,
            grad=nid not in ("mat-2", "nuc"),
        )
    add("linalg.norm", A(Inputs("norm-int").arr((3,), "int32")), id="int32", dtypes=("int32",))
    for mode in ("reduced", "complete"):
        each_dtype(
            "linalg.qr",
            lambda g, d, m=mode: A(g.arr((4, 3), d), mode=m),
            id=mode,
            post=_canon_qr,
            grad=mode == "reduced",
            grad_post=_squares,
        )
    each_dtype(
        "linalg.qr",
        lambda g, d: A(g.arr((2, 3, 3), d)),
        id="batch",
        post=_canon_qr,
        grad_post=_squares,
    )
    each_dtype(
        "linalg.eigh",
        lambda g, d: A(spd(g, (3, 3), d)),
        post=_canon_eigh,
        grad_post=_eigh_invariants,
        call=_symmetric_call,
    )
    each_dtype(
        "linalg.eigh",
        lambda g, d: A(spd(g, (2, 4, 4), d)),
        id="batch",
        post=_canon_eigh,
        grad=False,
    )
    each_dtype(
        "linalg.svd",
        lambda g, d: A(g.arr((4, 3), d), full_matrices=False),
        id="reduced",
        post=_canon_svd,
        grad_post=_svd_invariants,
    )
    each_dtype(
        "linalg.svd", lambda g, d: A(g.arr((3, 3), d)), id="square", post=_canon_svd, grad=False
    )
    each_dtype("linalg.svd", lambda g, d: A(g.arr((2, 4, 3), d), compute_uv=False), id="values")

    def eig_input(g, d):
        # Real, well separated eigenvalues: a similarity transform of diag(1, 2.5, 4).
        p = well_conditioned(g, (3, 3), "float64")
        return (p @ np.diag([1.0, 2.5, 4.0]) @ np.linalg.inv(p)).astype(d)

    each_dtype("linalg.eig", lambda g, d: A(eig_input(g, d)), post=_canon_eig, grad=False)
    each_dtype("math.logdet", lambda g, d: A(spd(g, (3, 3), d)), id="spd")
    each_dtype("math.logdet", lambda g, d: A(spd(g, (2, 2, 2), d)), id="batch")


_cases()
