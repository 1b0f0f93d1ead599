"""Linalg op family on the NumPy reference backend: reconstructions, dtypes, gradients, errors."""

import autograd
import numpy as np
import pytest

from tholos import ops
from tholos.errors import OpInputError

RNG = np.random.default_rng(1234)


def spd(n, batch=()):
    a = RNG.normal(size=(*batch, n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def numeric_grad(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


def check_grad(f, x, atol=1e-6):
    np.testing.assert_allclose(autograd.grad(f)(x), numeric_grad(f, x), atol=atol)


def test_cholesky():
    a = spd(4, (2,))
    low = ops.cholesky(a)
    np.testing.assert_allclose(low @ np.swapaxes(low, -1, -2), a, atol=1e-12)
    np.testing.assert_array_equal(np.triu(low, 1), 0)
    up = ops.cholesky(a, upper=True)
    np.testing.assert_allclose(np.swapaxes(up, -1, -2) @ up, a, atol=1e-12)
    np.testing.assert_allclose(ops.cholesky(np.array([[4.0, 2.0], [2.0, 2.0]])), [[2, 0], [1, 1]])
    assert ops.dtype(ops.cholesky(np.eye(2, dtype="float32"))) == "float32"
    assert ops.dtype(ops.cholesky(np.eye(2, dtype="int32"))) == "float32"
    with pytest.raises(OpInputError, match="cholesky"):
        ops.cholesky(np.array([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(OpInputError, match="cholesky"):
        ops.cholesky(np.ones((2, 3)))


def test_cholesky_gradient():
    a = spd(3)

    def f(x):
        sym = (x + x.T) / 2
        return (ops.cholesky(sym) * np.arange(9.0).reshape(3, 3)).sum()

    check_grad(f, a)


def test_det_inv():
    a = RNG.normal(size=(3, 4, 4))
    np.testing.assert_allclose(ops.det(a), np.linalg.det(a), rtol=1e-12)
    np.testing.assert_allclose(ops.inv(a) @ a, np.broadcast_to(np.eye(4), a.shape), atol=1e-10)
    np.testing.assert_allclose(ops.det(np.array([[1.0, 2.0], [3.0, 4.0]])), -2.0)
    assert ops.dtype(ops.det(np.eye(2, dtype="float16"))) == "float16"
    with pytest.raises(OpInputError, match="inv"):
        ops.inv(np.zeros((2, 2)))
    check_grad(lambda x: ops.det(x), a[0])
    check_grad(lambda x: (ops.inv(x) * np.arange(16.0).reshape(4, 4)).sum(), a[0])


def test_eig_and_eigh():
    a = RNG.normal(size=(3, 3))
    w, v = ops.eig(a)
    assert ops.dtype(w) == "complex128" and ops.dtype(v) == "complex128"
    np.testing.assert_allclose(a @ v, v * w[None, :], atol=1e-10)
    assert ops.dtype(ops.eig(np.eye(2, dtype="float32"))[0]) == "complex64"
    s = spd(4, (2,))
    w, v = ops.eigh(s)
    assert np.all(np.diff(w, axis=-1) >= 0)
    np.testing.assert_allclose(v @ (w[..., None] * np.swapaxes(v, -1, -2)), s, atol=1e-10)
    np.testing.assert_allclose(ops.eigh(np.array([[2.0, 1.0], [1.0, 2.0]]))[0], [1.0, 3.0])
    check_grad(lambda x: ops.eigh((x + x.T) / 2)[0] @ np.array([1.0, -2.0, 0.5, 3.0]), s[0])


def _unpack_lu(lu, piv):
    n = lu.shape[-1]
    lower = np.tril(lu, -1) + np.eye(n)
    upper = np.triu(lu)
    perm = np.arange(n)
    for i, p in enumerate(piv):
        perm[[i, p]] = perm[[p, i]]
    rebuilt = np.empty_like(lu)
    rebuilt[perm] = lower @ upper
    return rebuilt


def test_lu_factor():
    lu, piv = ops.lu_factor(np.array([[1.0, 2.0], [3.0, 4.0]]))
    np.testing.assert_array_equal(piv, [1, 1])
    assert ops.dtype(piv) == "int32"
    np.testing.assert_allclose(lu, [[3.0, 4.0], [1 / 3, 2 / 3]])
    a = RNG.normal(size=(2, 5, 5))
    lu, piv = ops.lu_factor(a)
    assert ops.shape(piv) == (2, 5)
    for k in range(2):
        np.testing.assert_allclose(_unpack_lu(lu[k], piv[k]), a[k], atol=1e-12)
        assert np.all(np.abs(np.tril(lu[k], -1)) <= 1.0 + 1e-12)  # partial pivoting
    sing = np.array([[0.0, 0.0], [0.0, 1.0]])  # a zero column: no division by zero
    lu, piv = ops.lu_factor(sing)
    assert np.all(np.isfinite(lu))


def test_norm_values():
    assert float(ops.norm([3.0, 4.0])) == 5.0
    v = np.array([1.0, -3.0, 2.0])
    assert float(ops.norm(v, ord=np.inf)) == 3.0
    assert float(ops.norm(v, ord=-np.inf)) == 1.0
    assert float(ops.norm(v, ord=1)) == 6.0
    assert float(ops.norm(v, ord=0)) == 3.0
    np.testing.assert_allclose(ops.norm(v, ord=3), np.sum(np.abs(v) ** 3) ** (1 / 3))
    m = np.array([[1.0, 2.0], [3.0, 4.0]])
    for order in (None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf):
        np.testing.assert_allclose(ops.norm(m, ord=order), np.linalg.norm(m, ord=order), rtol=1e-12)
    x = RNG.normal(size=(2, 3, 4))
    np.testing.assert_allclose(ops.norm(x), np.linalg.norm(x.ravel()))
    np.testing.assert_allclose(
        ops.norm(x, axis=-1, keepdims=True), np.linalg.norm(x, axis=-1, keepdims=True)
    )
    np.testing.assert_allclose(
        ops.norm(x, ord="fro", axis=(1, 2)), np.linalg.norm(x, "fro", axis=(1, 2))
    )


def test_norm_dtypes_and_errors():
    assert ops.dtype(ops.norm([3, 4])) == "float32"
    assert ops.dtype(ops.norm(np.ones(3, "float64"))) == "float64"
    assert ops.dtype(ops.norm(np.ones(3, "complex128"))) == "float64"
    with pytest.raises(OpInputError, match="norm"):
        ops.norm(np.ones(3), ord="fro")
    with pytest.raises(OpInputError, match="norm"):
        ops.norm(np.ones((2, 2)), ord=3)
    with pytest.raises(OpInputError, match="norm"):
        ops.norm(np.ones((2, 2, 2)), ord=1)


def test_norm_gradient():
    x = RNG.normal(size=(4,))
    check_grad(lambda v: ops.norm(v), x)
    check_grad(lambda v: ops.norm(v, ord=3), x)
    check_grad(lambda v: ops.norm(v.reshape(2, 2), ord="fro"), x)


@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (3, 5), (2, 4, 2)])
def test_qr(shape):
    a = RNG.normal(size=shape)
    q, r = ops.qr(a)
    k = min(shape[-2:])
    assert ops.shape(q) == (*shape[:-2], shape[-2], k) and ops.shape(r) == (
        *shape[:-2],
        k,
        shape[-1],
    )
    np.testing.assert_allclose(q @ r, a, atol=1e-12)
    np.testing.assert_allclose(
        np.swapaxes(q, -1, -2) @ q, np.broadcast_to(np.eye(k), (*q.shape[:-2], k, k)), atol=1e-12
    )
    np.testing.assert_allclose(np.tril(r, -1), 0, atol=1e-14)
    qc, rc = ops.qr(a, mode="complete")
    assert ops.shape(qc)[-1] == shape[-2]
    np.testing.assert_allclose(qc @ rc, a, atol=1e-12)


def test_qr_gradient_and_errors():
    a = RNG.normal(size=(4, 3))
    w = RNG.normal(size=(4, 3))

    def f(x):
        q, r = ops.qr(x)
        return (q * w).sum() + (r**2 * np.arange(9.0).reshape(3, 3)).sum()

    check_grad(f, a)
    with pytest.raises(OpInputError, match="qr"):
        ops.qr(a, mode="raw")


def test_solve():
    a = RNG.normal(size=(2, 3, 3)) + 3 * np.eye(3)
    b = RNG.normal(size=(2, 3, 2))
    np.testing.assert_allclose(a @ ops.solve(a, b), b, atol=1e-12)
    vec = np.array([2.0, 2.0])
    np.testing.assert_allclose(ops.solve(np.array([[2.0, 0.0], [0.0, 4.0]]), vec), [1.0, 0.5])
    assert ops.dtype(ops.solve(np.eye(2, dtype="float32"), [1, 2])) == "float32"
    with pytest.raises(OpInputError, match="solve"):
        ops.solve(np.zeros((2, 2)), vec)
    with pytest.raises(OpInputError, match="solve"):
        ops.solve(np.eye(3), vec)
    check_grad(
        lambda x: ops.solve(x.reshape(3, 3) + 3 * np.eye(3), np.arange(3.0)).sum(), a[0].ravel()
    )


def test_solve_triangular():
    a = np.array([[2.0, 0.0], [1.0, 1.0]])
    np.testing.assert_allclose(
        ops.solve_triangular(a, np.array([2.0, 3.0]), lower=True), [1.0, 2.0]
    )
    # Only the chosen triangle is read.
    full = np.array([[2.0, 99.0], [1.0, 1.0]])
    np.testing.assert_allclose(
        ops.solve_triangular(full, np.array([2.0, 3.0]), lower=True), [1.0, 2.0]
    )
    up = np.triu(RNG.normal(size=(2, 4, 4))) + 4 * np.eye(4)
    b = RNG.normal(size=(2, 4))  # a batch of vectors
    x = ops.solve_triangular(up, b)
    np.testing.assert_allclose(np.einsum("bij,bj->bi", up, x), b, atol=1e-12)
    bm = RNG.normal(size=(2, 4, 3))
    np.testing.assert_allclose(up @ ops.solve_triangular(up, bm), bm, atol=1e-12)
    with pytest.raises(OpInputError, match="solve_triangular"):
        ops.solve_triangular(np.array([[0.0, 1.0], [0.0, 1.0]]), np.ones(2))


def test_svd():
    a = RNG.normal(size=(2, 4, 3))
    u, s, vh = ops.svd(a)
    assert ops.shape(u) == (2, 4, 4) and ops.shape(s) == (2, 3) and ops.shape(vh) == (2, 3, 3)
    u, s, vh = ops.svd(a, full_matrices=False)
    np.testing.assert_allclose((u * s[..., None, :]) @ vh, a, atol=1e-12)
    assert np.all(np.diff(s, axis=-1) <= 0)
    np.testing.assert_allclose(
        ops.svd(np.array([[3.0, 0.0], [0.0, -4.0]]), compute_uv=False), [4.0, 3.0]
    )
    check_grad(lambda x: ops.svd(x, compute_uv=False) @ np.array([1.0, 2.0, 3.0]), a[0])


def test_lstsq():
    a = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    np.testing.assert_allclose(ops.lstsq(a, np.array([1.0, 1.0, 2.0])), [1.0, 1.0])
    m = RNG.normal(size=(6, 3))
    b = RNG.normal(size=(6, 2))
    np.testing.assert_allclose(ops.lstsq(m, b), np.linalg.pinv(m) @ b, atol=1e-12)
    # Under-determined: the minimum-norm solution.
    np.testing.assert_allclose(ops.lstsq(np.array([[1.0, 1.0]]), np.array([2.0])), [1.0, 1.0])
    with pytest.raises(OpInputError, match="lstsq"):
        ops.lstsq(m, np.ones(5))
