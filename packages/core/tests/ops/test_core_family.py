"""Core op family (conversion, casting, control flow, scatter/slice, gradients) on NumPy."""

import autograd
import numpy as np
import pytest

from tholos import ops
from tholos.errors import OpInputError


def numeric_grad(f, x, eps=1e-6):
    x = np.asarray(x, dtype="float64")
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


def check_grad(f, x, atol=1e-6):
    np.testing.assert_allclose(
        autograd.grad(f)(np.asarray(x, "float64")), numeric_grad(f, x), atol=atol
    )


# ----------------------------------------------------------------------------- conversion


class DLPackOnly:
    """A foreign array exposing only the DLPack protocol."""

    def __init__(self, array):
        self._array = array

    def __dlpack__(self, **kwargs):
        return self._array.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self._array.__dlpack_device__()


class ArrayOnly:
    """A foreign array exposing only ``__array__``."""

    def __init__(self, array):
        self._array = array

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self._array, dtype=dtype)


class TestConvert:
    def test_python_defaults(self):
        assert ops.dtype(ops.convert_to_tensor([1, 2])) == "int32"
        assert ops.dtype(ops.convert_to_tensor([1, 2.5])) == "float32"
        assert ops.dtype(ops.convert_to_tensor(True)) == "bool"
        assert ops.dtype(ops.convert_to_tensor(3.0)) == "float32"
        np.testing.assert_array_equal(
            ops.convert_to_numpy(ops.convert_to_tensor([[1, 2], [3, 4]])), [[1, 2], [3, 4]]
        )

    def test_ndarray_fast_path_is_identity(self):
        x = np.arange(3.0)
        assert ops.convert_to_tensor(x) is x

    def test_numpy_scalar_keeps_dtype(self):
        assert ops.dtype(ops.convert_to_tensor(np.float64(1.5))) == "float64"
        assert ops.dtype(ops.convert_to_tensor(np.int64(3))) == "int64"

    def test_dtype_argument_casts(self):
        x = ops.convert_to_tensor(np.array([1.7, -2.2]), dtype="int32")
        np.testing.assert_array_equal(x, [1, -2])
        assert ops.dtype(x) == "int32"
        assert ops.dtype(ops.convert_to_tensor(2, dtype="float64")) == "float64"

    def test_list_of_tensors_stacks_at_result_type(self):
        x = ops.convert_to_tensor([np.array([1, 2], "int32"), np.array([3.0, 4.0], "float32")])
        assert ops.shape(x) == (2, 2) and ops.dtype(x) == "float32"
        np.testing.assert_array_equal(x, [[1, 2], [3, 4]])

    def test_foreign_dlpack(self):
        src = np.arange(6, dtype="float64").reshape(2, 3)
        x = ops.convert_to_tensor(DLPackOnly(src))
        assert ops.dtype(x) == "float64" and ops.shape(x) == (2, 3)
        np.testing.assert_array_equal(x, src)

    def test_foreign_array_protocol(self):
        x = ops.convert_to_tensor(ArrayOnly([1, 2, 3]))
        np.testing.assert_array_equal(x, [1, 2, 3])
        assert ops.dtype(ops.convert_to_tensor(ArrayOnly(np.ones(2, "int16")))) == "int16"

    def test_foreign_with_dtype(self):
        x = ops.convert_to_tensor(DLPackOnly(np.arange(3, dtype="int64")), dtype="float32")
        assert ops.dtype(x) == "float32"

    def test_traced_values_stay_traced(self):
        def f(x):
            y = ops.convert_to_tensor(x)
            assert y is x
            return (y * y).sum()

        np.testing.assert_allclose(autograd.grad(f)(np.array([1.0, 2.0])), [2.0, 4.0])

    def test_list_of_traced_values(self):
        def f(x):
            return ops.convert_to_tensor([x[0], x[1] * 2.0]).sum()

        np.testing.assert_allclose(autograd.grad(f)(np.array([1.0, 2.0])), [1.0, 2.0])

    def test_bad_inputs_name_the_op(self):
        for bad in ("abc", None, {"a": 1}, [[1, 2], [3]], object()):
            with pytest.raises(OpInputError, match="convert_to_tensor"):
                ops.convert_to_tensor(bad)
        with pytest.raises(OpInputError, match="int32"):
            ops.convert_to_tensor(2**40)
        with pytest.raises(OpInputError, match="sparse"):
            ops.convert_to_tensor([1.0], sparse=True)

    def test_convert_to_numpy_and_is_tensor(self):
        x = ops.convert_to_tensor([1.0, 2.0])
        assert isinstance(ops.convert_to_numpy(x), np.ndarray)
        assert isinstance(ops.convert_to_numpy([1, 2]), np.ndarray)
        assert ops.is_tensor(x) and not ops.is_tensor([1.0]) and not ops.is_tensor(1.0)

    def test_shape_and_dtype(self):
        assert ops.shape([[1, 2, 3], [4, 5, 6]]) == (2, 3)
        assert ops.shape(2.0) == ()
        assert ops.shape(np.zeros((0, 4))) == (0, 4)
        assert all(isinstance(d, int) for d in ops.shape(np.zeros((2, 3))))
        assert ops.dtype(np.zeros(2, "uint8")) == "uint8"


class TestCast:
    def test_cast(self):
        x = ops.cast([1.7, -1.7], "int32")
        np.testing.assert_array_equal(x, [1, -1])
        assert ops.dtype(x) == "int32"
        np.testing.assert_array_equal(ops.cast([0, 3], "bool"), [False, True])
        assert ops.dtype(ops.cast(np.zeros(2), "float16")) == "float16"

    def test_cast_gradient(self):
        g = autograd.grad(lambda x: ops.cast(x, "float32").sum() * 3.0)(np.array([1.0, 2.0]))
        np.testing.assert_array_equal(g, [3.0, 3.0])
        assert g.dtype == np.float64

    def test_saturate_cast(self):
        np.testing.assert_array_equal(ops.saturate_cast([-5, 100, 300], "uint8"), [0, 100, 255])
        x = ops.saturate_cast(np.array([1e10, -1e10, 2.7, np.nan]), "int32")
        np.testing.assert_array_equal(x, [2147483647, -2147483648, 2, 0])
        assert ops.dtype(x) == "int32"
        x = ops.saturate_cast(np.array([3e38, -1e30], "float32"), "int32")
        np.testing.assert_array_equal(x, [2147483647, -2147483648])
        np.testing.assert_array_equal(
            ops.saturate_cast(np.array([70000.0, 1.0]), "float16"), [65504.0, 1.0]
        )
        np.testing.assert_array_equal(ops.saturate_cast(np.array([200], "uint8"), "int8"), [127])
        np.testing.assert_array_equal(
            ops.saturate_cast(np.array([-3, 5], "int64"), "uint32"), [0, 5]
        )


# ----------------------------------------------------------------------------- control flow


class TestControlFlow:
    def test_cond(self):
        assert float(ops.cond(np.array(True), lambda: 1.0, lambda: 0.0)) == 1.0
        assert float(ops.cond(np.array([0]), lambda: 1.0, lambda: 0.0)) == 0.0
        with pytest.raises(OpInputError, match="cond"):
            ops.cond(np.array([True, False]), lambda: 1, lambda: 0)

    def test_cond_gradient(self):
        def f(x):
            return ops.cond(x.sum() > 0, lambda: (x**2).sum(), lambda: (x**3).sum())

        check_grad(f, [1.0, 2.0])
        check_grad(f, [-1.0, -2.0])

    def test_switch_clamps(self):
        branches = [lambda x: x + 1, lambda x: x * 10]
        assert int(ops.switch(0, branches, 2)) == 3
        assert int(ops.switch(1, branches, 2)) == 20
        assert int(ops.switch(9, branches, 2)) == 20
        assert int(ops.switch(-4, branches, 2)) == 3

    def test_while_loop(self):
        assert int(ops.while_loop(lambda i: i < 10, lambda i: i + 3, 0)) == 12
        i, s = ops.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, s * 2), (0, 1))
        assert (int(i), int(s)) == (5, 32)
        i, s = ops.while_loop(
            lambda i, s: i < 5, lambda i, s: (i + 1, s * 2), [0, 1], maximum_iterations=2
        )
        assert (int(i), int(s)) == (2, 4)
        # Nested loop variables.
        (d,) = ops.while_loop(lambda d: d["a"] < 3, lambda d: ({"a": d["a"] + 1},), ({"a": 0},))
        assert int(d["a"]) == 3

    def test_while_loop_gradient(self):
        def f(x):
            _, y = ops.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * x), (0, np.ones(2)))
            return y.sum()

        check_grad(f, [1.5, -0.5])

    def test_fori_loop(self):
        assert int(ops.fori_loop(0, 5, lambda i, v: v + i, 0)) == 10
        assert int(ops.fori_loop(3, 3, lambda i, v: v + 100, 7)) == 7
        x = ops.fori_loop(
            0, 3, lambda i, v: ops.slice_update(v, (i,), np.ones(1) * (i + 1)), np.zeros(3)
        )
        np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])

    def test_scan(self):
        carry, ys = ops.scan(lambda c, x: (c + x, c), 0, np.array([1, 2, 3]))
        assert int(carry) == 6
        np.testing.assert_array_equal(ys, [0, 1, 3])

    def test_scan_reverse_and_length(self):
        carry, ys = ops.scan(lambda c, x: (c + x, c), 0, np.array([1, 2, 3]), reverse=True)
        assert int(carry) == 6
        np.testing.assert_array_equal(ys, [5, 3, 0])  # ys[i] from xs[i]
        carry, ys = ops.scan(lambda c, x: (c * 2, c), 1, length=4)
        assert int(carry) == 16
        np.testing.assert_array_equal(ys, [1, 2, 4, 8])

    def test_scan_structures_and_empty(self):
        xs = {"a": np.arange(3.0), "b": np.ones((3, 2))}
        carry, ys = ops.scan(lambda c, x: (c + x["a"], (x["b"] * c, None)), 0.0, xs)
        assert float(carry) == 3.0
        np.testing.assert_array_equal(ys[0], [[0, 0], [0, 0], [1, 1]])
        assert ys[1] is None
        carry, ys = ops.scan(lambda c, x: (c + x, x * 2), 5.0, np.zeros((0, 2)))
        assert float(carry) == 5.0 and ops.shape(ys) == (0, 2)
        with pytest.raises(OpInputError, match="scan"):
            ops.scan(lambda c, x: (c, x), 0)

    def test_scan_gradient(self):
        def f(v):
            carry, ys = ops.scan(lambda c, x: (c * x + 1.0, c * c), v[0], v[1:])
            return carry + ys.sum()

        check_grad(f, [0.5, 1.2, -0.7, 2.0])

    def test_associative_scan(self):
        x = np.array([1, 2, 3, 4, 5])
        np.testing.assert_array_equal(ops.associative_scan(lambda a, b: a + b, x), np.cumsum(x))
        np.testing.assert_array_equal(
            ops.associative_scan(lambda a, b: a + b, x, reverse=True), np.cumsum(x[::-1])[::-1]
        )
        m = np.arange(12.0).reshape(3, 4)
        np.testing.assert_allclose(
            ops.associative_scan(lambda a, b: a * b, m + 1, axis=1), np.cumprod(m + 1, axis=1)
        )
        np.testing.assert_array_equal(
            ops.associative_scan(lambda a, b: np.maximum(a, b), np.array([3, 1, 4, 1, 5])),
            [3, 3, 4, 4, 5],
        )

    def test_associative_scan_structure(self):
        # Linear recurrence h_t = a_t * h_{t-1} + b_t as an associative scan over pairs.
        a = np.array([0.5, 2.0, -1.0, 3.0])
        b = np.array([1.0, 1.0, 2.0, -1.0])

        def combine(left, right):
            return (left[0] * right[0], right[0] * left[1] + right[1])

        _, h = ops.associative_scan(combine, (a, b))
        expected, state = [], 0.0
        for at, bt in zip(a, b):
            state = at * state + bt
            expected.append(state)
        np.testing.assert_allclose(h, expected)

    def test_map_and_vectorized_map(self):
        np.testing.assert_array_equal(ops.map(lambda x: x * x, np.array([1, 2, 3])), [1, 4, 9])
        out = ops.map(
            lambda d: d["x"] + d["y"], {"x": np.ones((2, 3)), "y": np.arange(6.0).reshape(2, 3)}
        )
        np.testing.assert_array_equal(out, [[1, 2, 3], [4, 5, 6]])
        np.testing.assert_array_equal(
            ops.vectorized_map(lambda r: r.sum(), np.array([[1.0, 2.0], [3.0, 4.0]])), [3.0, 7.0]
        )
        pair = ops.vectorized_map(
            lambda t: t[0] * t[1], (np.array([1.0, 2.0]), np.array([3.0, 4.0]))
        )
        np.testing.assert_array_equal(pair, [3.0, 8.0])
        assert ops.shape(ops.map(lambda x: x * 2, np.zeros((0, 3)))) == (0, 3)


# ----------------------------------------------------------------------------- scatter / slice


class TestScatter:
    def test_scatter_duplicates_sum(self):
        x = ops.scatter([[0], [2], [0]], [1.0, 2.0, 3.0], (4,))
        np.testing.assert_array_equal(x, [4.0, 0.0, 2.0, 0.0])
        assert ops.dtype(x) == "float32"

    def test_scatter_partial_depth(self):
        x = ops.scatter(np.array([[1], [1]]), np.array([[1, 2], [3, 4]], "int32"), (3, 2))
        np.testing.assert_array_equal(x, [[0, 0], [4, 6], [0, 0]])
        assert ops.dtype(x) == "int32"
        y = ops.scatter([[0, 1], [1, 0]], [5.0, 6.0], (2, 2))
        np.testing.assert_array_equal(y, [[0, 5], [6, 0]])

    def test_scatter_errors(self):
        with pytest.raises(OpInputError, match="scatter"):
            ops.scatter([[5]], [1.0], (4,))
        with pytest.raises(OpInputError, match="scatter"):
            ops.scatter([[0]], [1.0, 2.0], (4,))
        with pytest.raises(OpInputError, match="scatter"):
            ops.scatter([[0.5]], [1.0], (4,))

    def test_scatter_gradient(self):
        idx = np.array([[0], [2], [0]])
        w = np.array([1.0, -2.0, 3.0, 0.5])
        check_grad(lambda v: (ops.scatter(idx, v, (4,)) * w).sum(), [1.0, 2.0, 3.0])

    def test_scatter_update(self):
        x = ops.scatter_update(np.zeros((3, 2)), [[1]], [[5.0, 6.0]])
        np.testing.assert_array_equal(x, [[0, 0], [5, 6], [0, 0]])
        y = ops.scatter_update(np.zeros((2, 2), "int32"), [[0, 1], [1, 0]], [7.9, 8.0])
        np.testing.assert_array_equal(y, [[0, 7], [8, 0]])
        assert ops.dtype(y) == "int32"
        src = np.arange(4.0)
        ops.scatter_update(src, [[0]], [9.0])
        np.testing.assert_array_equal(src, [0, 1, 2, 3])  # input untouched

    def test_scatter_update_gradient(self):
        idx = np.array([[1], [3]])
        w = np.array([1.0, 2.0, 3.0, 4.0, 5.0])

        def f(v):
            return (ops.scatter_update(v[:5], idx, v[5:] ** 2) * w).sum()

        check_grad(f, [1.0, 2.0, 3.0, 4.0, 5.0, 0.5, -1.5])

    def test_scatter_update_duplicate_gradient_follows_winner(self):
        idx = np.array([[0], [0]])

        def f(u):
            return ops.scatter_update(np.zeros(2), idx, u).sum()

        out = ops.scatter_update(np.zeros(2), idx, np.array([1.0, 2.0]))
        g = autograd.grad(f)(np.array([1.0, 2.0]))
        winner = 0 if out[0] == 1.0 else 1
        np.testing.assert_array_equal(g, np.eye(2)[winner])

    def test_slice(self):
        x = np.arange(12).reshape(3, 4)
        np.testing.assert_array_equal(ops.slice(x, (1, 1), (2, 2)), [[5, 6], [9, 10]])
        np.testing.assert_array_equal(ops.slice(x, np.array([0, 2]), (3, 2)), x[:, 2:])
        with pytest.raises(OpInputError, match="slice"):
            ops.slice(x, (2, 0), (2, 2))
        with pytest.raises(OpInputError, match="slice"):
            ops.slice(x, (0,), (1,))

    def test_slice_update(self):
        x = ops.slice_update(np.zeros((3, 3)), (1, 1), np.ones((2, 2)))
        np.testing.assert_array_equal(x, [[0, 0, 0], [0, 1, 1], [0, 1, 1]])
        y = ops.slice_update(np.zeros(4, "int32"), (2,), np.array([1.9, 2.0]))
        np.testing.assert_array_equal(y, [0, 0, 1, 2])
        assert ops.dtype(y) == "int32"
        with pytest.raises(OpInputError, match="slice_update"):
            ops.slice_update(np.zeros(4), (3,), np.ones(2))

    def test_slice_gradients(self):
        w = np.arange(1.0, 6.0)
        check_grad(
            lambda x: (ops.slice_update(x, (1,), x[:2] ** 2) ** 2 * w).sum(),
            [1.0, 2.0, 3.0, 4.0, 0.5],
        )
        check_grad(lambda x: (ops.slice(x, (1,), (3,)) ** 2).sum(), [1.0, 2.0, 3.0, 4.0, 0.5])


# ----------------------------------------------------------------------------- gradients


class TestGradients:
    def test_stop_gradient(self):
        np.testing.assert_array_equal(ops.stop_gradient(np.array([1.0, 2.0])), [1.0, 2.0])
        g = autograd.grad(lambda x: (x * ops.stop_gradient(x)).sum())(np.array([1.0, 3.0]))
        np.testing.assert_allclose(g, [1.0, 3.0])

    def test_custom_gradient_overrides(self):
        @ops.custom_gradient
        def clipped_identity(x):
            def grad_fn(upstream):
                return np.clip(upstream, -1.0, 1.0)

            return x * 1.0, grad_fn

        np.testing.assert_array_equal(clipped_identity(np.array([3.0])), [3.0])
        g = autograd.grad(lambda x: (clipped_identity(x) * 5.0).sum())(np.array([3.0, 4.0]))
        np.testing.assert_array_equal(g, [1.0, 1.0])

    def test_custom_gradient_matches_true_gradient(self):
        @ops.custom_gradient
        def log1pexp(x):
            e = np.exp(x)

            def grad_fn(upstream):
                return upstream * (1.0 - 1.0 / (1.0 + e))

            return np.log1p(e), grad_fn

        check_grad(lambda x: log1pexp(x).sum(), [-2.0, 0.0, 3.0])

    def test_custom_gradient_two_inputs(self):
        @ops.custom_gradient
        def mul(a, b):
            def grad_fn(upstream):
                return upstream * b, None

            return a * b, grad_fn

        g = autograd.grad(lambda v: mul(v[0], v[1]))(np.array([2.0, 5.0]))
        np.testing.assert_array_equal(g, [5.0, 0.0])

    def test_unstack(self):
        parts = ops.unstack(np.array([[1, 2], [3, 4]]), axis=1)
        assert len(parts) == 2
        np.testing.assert_array_equal(parts[0], [1, 3])
        assert len(ops.unstack(np.zeros((3, 2)), num=3)) == 3
        with pytest.raises(OpInputError, match="unstack"):
            ops.unstack(np.zeros((3, 2)), num=2)
        check_grad(
            lambda x: sum(p.sum() * (i + 1) for i, p in enumerate(ops.unstack(x.reshape(2, 2)))),
            [1.0, 2.0, 3.0, 4.0],
        )
