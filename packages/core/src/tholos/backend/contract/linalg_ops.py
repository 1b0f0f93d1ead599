"""The linear-algebra op family (Keras 3's ``keras.ops`` linalg namespace).

Matrix inputs have shape ``(..., M, N)``: leading axes are batch axes. Integer and bool inputs
compute in ``floatx()``; float inputs keep their dtype (half precisions may compute in float32
internally and are cast back).
"""

from __future__ import annotations

from typing import Any, Protocol

from tholos.backend.contract._spec import Tensor, op


class LinalgOps(Protocol):
    @op(tier="linalg")
    def cholesky(self, x: Any, upper: bool = False) -> Tensor:
        """Cholesky factor of a symmetric positive-definite matrix (batch).

        Returns lower-triangular ``L`` with ``L @ L.T == x`` (``upper=True``: upper ``U`` with
        ``U.T @ U == x``). Only the lower triangle of ``x`` is read. A matrix that is not
        positive definite raises ``OpInputError`` (eager).

        >>> np.round(ops.convert_to_numpy(ops.cholesky(np.array([[4.0, 2.0], [2.0, 2.0]]))), 6)
        array([[2., 0.],
               [1., 1.]])
        """
        ...

    @op(tier="linalg")
    def det(self, x: Any) -> Tensor:
        """Determinant of a square matrix (batch); shape ``x.shape[:-2]``.

        >>> round(float(ops.convert_to_numpy(ops.det(np.array([[1.0, 2.0], [3.0, 4.0]])))), 6)
        -2.0
        """
        ...

    @op(tier="linalg", differentiable=False)
    def eig(self, x: Any) -> tuple:
        """Eigenvalues and right eigenvectors of a general square matrix (batch).

        Returns ``(w, v)`` with ``x @ v[..., :, i] == w[..., i] * v[..., :, i]``; both complex
        (complex64 for float32/float16 and int inputs, complex128 for float64). Columns of
        ``v`` have unit norm; their order and phase are backend-defined.

        >>> w, v = ops.eig(np.array([[2.0, 0.0], [0.0, 3.0]]))
        >>> np.sort(ops.convert_to_numpy(w).real)
        array([2., 3.])
        """
        ...

    @op(tier="linalg")
    def eigh(self, x: Any) -> tuple:
        """Eigen-decomposition of a symmetric (Hermitian) matrix (batch).

        Returns ``(w, v)``: eigenvalues in ascending order and orthonormal eigenvectors as
        columns, in the input's float dtype. Only the lower triangle is read.

        >>> w, v = ops.eigh(np.array([[2.0, 1.0], [1.0, 2.0]]))
        >>> np.round(ops.convert_to_numpy(w), 6)
        array([1., 3.])
        """
        ...

    @op(tier="linalg")
    def inv(self, x: Any) -> Tensor:
        """Inverse of a square matrix (batch). A singular matrix raises ``OpInputError``
        (eager) on backends that detect it.

        >>> ops.convert_to_numpy(ops.inv(np.array([[2.0, 0.0], [0.0, 4.0]])))
        array([[0.5 , 0.  ],
               [0.  , 0.25]])
        """
        ...

    @op(tier="linalg", differentiable=False)
    def lu_factor(self, x: Any) -> tuple:
        """LU factorisation with partial pivoting, in LAPACK's packed form.

        Returns ``(lu, pivots)``: ``lu`` holds ``U`` in its upper triangle and the unit-lower
        ``L`` (without its diagonal) below it; ``pivots`` (int32, shape ``(..., min(M, N))``,
        0-based) says that row ``i`` was swapped with row ``pivots[i]``, in order.

        >>> lu, piv = ops.lu_factor(np.array([[1.0, 2.0], [3.0, 4.0]]))
        >>> ops.convert_to_numpy(piv)
        array([1, 1], dtype=int32)
        >>> np.round(ops.convert_to_numpy(lu), 6)
        array([[3.      , 4.      ],
               [0.333333, 0.666667]])
        """
        ...

    @op(tier="linalg")
    def norm(self, x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Vector or matrix norm.

        ``axis`` an int (or None with a 1-D input): vector norm, ``ord`` in {None/2, inf,
        -inf, 0 (count of non-zeros), any other number p: ``sum(|x|**p)**(1/p)``}. ``axis`` a
        pair (or None with a 2-D input): matrix norm, ``ord`` in {None/'fro', 'nuc', 1, -1, 2,
        -2, inf, -inf}. ``axis=None`` and ``ord=None`` on any rank: 2-norm of all entries.
        Result dtype: the input's float dtype (``floatx()`` for ints; the real dtype for
        complex). Invalid combinations raise ``OpInputError``.

        >>> float(ops.convert_to_numpy(ops.norm([3.0, 4.0])))
        5.0
        >>> float(ops.convert_to_numpy(ops.norm(np.array([1.0, -3.0, 2.0]), ord=np.inf)))
        3.0
        """
        ...

    @op(tier="linalg")
    def qr(self, x: Any, mode: str = "reduced") -> tuple:
        """QR decomposition ``x == q @ r`` of an ``(..., M, N)`` matrix.

        ``mode="reduced"``: ``q`` is ``(..., M, K)`` with orthonormal columns and ``r``
        ``(..., K, N)`` upper triangular, ``K = min(M, N)``; ``mode="complete"``: ``q`` is
        ``(..., M, M)`` and ``r`` ``(..., M, N)``. Signs of columns are backend-defined.
        Gradients are defined for ``M >= N`` in reduced mode.

        >>> q, r = ops.qr(np.array([[3.0, 1.0], [4.0, 2.0]]))
        >>> np.allclose(ops.convert_to_numpy(q) @ ops.convert_to_numpy(r), [[3, 1], [4, 2]])
        True
        """
        ...

    @op(tier="linalg")
    def solve(self, a: Any, b: Any) -> Tensor:
        """Solve ``a @ x == b`` for ``x``.

        ``a``: ``(..., M, M)``; ``b``: ``(M,)`` (a vector) or ``(..., M, K)``. Result dtype:
        the float result type of ``a`` and ``b``. A singular ``a`` raises ``OpInputError``
        (eager) on backends that detect it.

        >>> a = np.array([[2.0, 0.0], [0.0, 4.0]])
        >>> ops.convert_to_numpy(ops.solve(a, np.array([2.0, 2.0])))
        array([1. , 0.5])
        """
        ...

    @op(tier="linalg")
    def solve_triangular(self, a: Any, b: Any, lower: bool = False) -> Tensor:
        """Solve ``a @ x == b`` where ``a`` is triangular (only its lower/upper part is read).

        ``a``: ``(..., M, M)``; ``b``: ``(..., M)`` with one axis fewer than ``a`` (a batch of
        vectors) or ``(..., M, K)``.

        >>> a = np.array([[2.0, 0.0], [1.0, 1.0]])
        >>> ops.convert_to_numpy(ops.solve_triangular(a, np.array([2.0, 3.0]), lower=True))
        array([1., 2.])
        """
        ...

    @op(tier="linalg")
    def svd(self, x: Any, full_matrices: bool = True, compute_uv: bool = True) -> Any:
        """Singular value decomposition ``x == u @ diag(s) @ vh``.

        Returns ``(u, s, vh)`` (``s`` descending, shape ``(..., K)``, ``K = min(M, N)``;
        ``u``/``vh`` square when ``full_matrices``, else ``(..., M, K)``/``(..., K, N)``), or
        only ``s`` when ``compute_uv=False``. Signs of singular vectors are backend-defined.

        >>> ops.convert_to_numpy(ops.svd(np.array([[3.0, 0.0], [0.0, -4.0]]), compute_uv=False))
        array([4., 3.])
        """
        ...

    @op(tier="linalg", differentiable=False)
    def lstsq(self, a: Any, b: Any, rcond: float | None = None) -> Tensor:
        """Least-squares solution ``x`` minimising ``||a @ x - b||`` (minimum norm if not unique).

        ``a``: ``(M, N)``; ``b``: ``(M,)`` or ``(M, K)``; returns ``(N,)`` or ``(N, K)``.
        ``rcond`` cuts off small singular values (relative to the largest; default: machine
        precision times ``max(M, N)``).

        >>> a = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
        >>> np.round(ops.convert_to_numpy(ops.lstsq(a, np.array([1.0, 1.0, 2.0]))), 6)
        array([1., 1.])
        """
        ...
