"""The numpy-like op family: contract, docstring examples, values, dtypes and errors.

Values are checked against NumPy (float64) or by hand; result dtypes against
:func:`tholos.backend.dtypes.result_type` and the rules stated in the contract docstrings.
Gradients are in ``test_numpy_family_grads.py``.
"""

from __future__ import annotations

import doctest
import inspect

import numpy as np
import pytest

from tholos import ops
from tholos.backend.contract import NumpyOps, ops_of
from tholos.backend.dtypes import floatx, result_type
from tholos.errors import DtypeError, OpInputError

SPECS = ops_of(NumpyOps, "numpy")


def a(x):
    return np.asarray(ops.convert_to_numpy(x))


def check(got, want, dtype=None, rtol=1e-12, atol=0.0):
    got = a(got)
    want = np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    if dtype is not None:
        assert str(got.dtype) == dtype, (got.dtype, dtype)
    if got.dtype.kind in "fc":
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, equal_nan=True)
    else:
        np.testing.assert_array_equal(got, want)


# ------------------------------------------------------------------------------ contract


def test_op_count_and_names():
    assert len(SPECS) >= 160
    for name in ("abs", "add", "einsum", "nonzero", "quantile", "take_along_axis", "where"):
        assert name in SPECS


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_op_has_spec_docstring_with_example(name):
    doc = inspect.getdoc(SPECS[name].function)
    assert doc and len(doc.splitlines()[0]) > 10, name
    assert ">>> " in doc and "ops." in doc, f"{name} has no runnable example"


@pytest.mark.parametrize("name", sorted(SPECS))
def test_docstring_examples_run(name):
    test = doctest.DocTestParser().get_doctest(
        SPECS[name].function.__doc__, {"ops": ops, "np": np}, name, None, 0
    )
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    failures = []
    runner.run(test, out=failures.append)
    assert runner.failures == 0, "".join(failures)


def test_public_ops_follow_contract_signatures():
    for name, spec in SPECS.items():
        want = list(inspect.signature(spec.function).parameters.values())[1:]
        got = list(inspect.signature(getattr(ops, name)).parameters.values())
        assert [(p.name, p.kind, p.default) for p in got] == [
            (p.name, p.kind, p.default) for p in want
        ], name


def test_backend_functions_follow_contract_signatures():
    from tholos_backend_numpy import numpy_ops as backend

    for name, spec in SPECS.items():
        want = list(inspect.signature(spec.function).parameters.values())[1:]
        got = list(inspect.signature(getattr(backend, name)).parameters.values())
        assert [(p.name, p.kind, p.default) for p in got] == [
            (p.name, p.kind, p.default) for p in want
        ], name


def test_markers():
    assert SPECS["nonzero"].symbolic is False and SPECS["bincount"].symbolic is False
    for name in ("equal", "argmax", "argsort", "bitwise_and", "isnan", "floor", "arange"):
        assert SPECS[name].differentiable is False, name
    for name in ("exp", "log", "tanh", "arctan2", "logaddexp"):
        assert SPECS[name].tier == "transcendental", name
    for name in ("sum", "mean", "std", "var", "prod", "cumsum"):
        assert SPECS[name].tier == "reduction", name
    for name in ("matmul", "dot", "einsum", "tensordot", "outer", "vdot"):
        assert SPECS[name].tier == "matmul", name
    for name in ("reshape", "take", "equal", "where", "argmax"):
        assert SPECS[name].tier == "exact", name


# ------------------------------------------------------------------------------ values

rng = np.random.default_rng(0)
X = rng.normal(size=(3, 4))
POS = rng.uniform(0.1, 2.0, size=(3, 4))
UNIT = rng.uniform(-0.9, 0.9, size=(3, 4))

UNARY = {
    "abs": (np.abs, X),
    "negative": (np.negative, X),
    "sign": (np.sign, X),
    "square": (np.square, X),
    "sqrt": (np.sqrt, POS),
    "cbrt": (np.cbrt, X),
    "reciprocal": (np.reciprocal, POS),
    "exp": (np.exp, X),
    "exp2": (np.exp2, X),
    "expm1": (np.expm1, X),
    "log": (np.log, POS),
    "log2": (np.log2, POS),
    "log10": (np.log10, POS),
    "log1p": (np.log1p, POS),
    "sin": (np.sin, X),
    "cos": (np.cos, X),
    "tan": (np.tan, UNIT),
    "arcsin": (np.arcsin, UNIT),
    "arccos": (np.arccos, UNIT),
    "arctan": (np.arctan, X),
    "sinh": (np.sinh, X),
    "cosh": (np.cosh, X),
    "tanh": (np.tanh, X),
    "arcsinh": (np.arcsinh, X),
    "arccosh": (np.arccosh, POS + 1.0),
    "arctanh": (np.arctanh, UNIT),
    "deg2rad": (np.deg2rad, X),
    "floor": (np.floor, X * 3),
    "ceil": (np.ceil, X * 3),
    "trunc": (np.trunc, X * 3),
    "round": (np.round, X * 3),
    "angle": (np.angle, X),
    "real": (np.real, X),
    "imag": (np.imag, X),
    "conjugate": (np.conjugate, X),
    "copy": (np.copy, X),
    "isnan": (np.isnan, X),
    "isfinite": (np.isfinite, X),
    "signbit": (np.signbit, X),
    "logical_not": (np.logical_not, X),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_float64_matches_numpy(name):
    fn, x = UNARY[name]
    want = fn(x)
    check(getattr(ops, name)(x), want, dtype=str(want.dtype))


@pytest.mark.parametrize("name", ["exp", "log", "sin", "tanh", "sqrt", "log10", "cbrt"])
def test_float32_transcendentals_are_correctly_rounded(name):
    x = POS.astype("float32")
    want = getattr(np, name)(x.astype("float64")).astype("float32")
    check(getattr(ops, name)(x), want, dtype="float32", rtol=0)


BINARY = {
    "add": np.add,
    "subtract": np.subtract,
    "multiply": np.multiply,
    "divide": np.divide,
    "true_divide": np.true_divide,
    "maximum": np.maximum,
    "minimum": np.minimum,
    "arctan2": np.arctan2,
    "hypot": np.hypot,
    "logaddexp": np.logaddexp,
    "logaddexp2": np.logaddexp2,
    "mod": np.mod,
    "floor_divide": np.floor_divide,
    "equal": np.equal,
    "not_equal": np.not_equal,
    "greater": np.greater,
    "greater_equal": np.greater_equal,
    "less": np.less,
    "less_equal": np.less_equal,
    "logical_and": np.logical_and,
    "logical_or": np.logical_or,
    "logical_xor": np.logical_xor,
}


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_broadcasting_matches_numpy(name):
    x1 = rng.normal(size=(2, 1, 3))
    x2 = np.round(rng.normal(size=(4, 1)), 1) + 0.05
    want = BINARY[name](x1, x2)
    check(getattr(ops, name)(x1, x2), want, dtype=str(want.dtype))
    # 0-d operands
    want0 = BINARY[name](x1[0, 0, 0], x2[0, 0])
    check(getattr(ops, name)(np.asarray(x1[0, 0, 0]), np.asarray(x2[0, 0])), want0)


def test_power_and_special_binary():
    check(ops.power([2.0, 4.0], 0.5), [2**0.5, 2.0], dtype="float32", rtol=1e-7)
    check(ops.power(np.array([2, 3], "int8"), 3), [8, 27], dtype="int8")
    check(ops.divide_no_nan([1.0, -2.0, 3.0], [0.0, 4.0, 0.0]), [0.0, -0.5, 0.0])
    check(ops.heaviside([-2, 0, 3], 0.5), [0, 0.5, 1], dtype="float32")
    check(ops.ldexp(np.array([1.5]), np.array([4])), [24.0], dtype="float64")
    check(ops.gcd([12, -18], 8), [4, 2], dtype="int32")
    check(ops.lcm([4, 6], 10), [20, 30], dtype="int32")
    check(ops.bitwise_xor(np.array([5], "uint8"), 3), [6], dtype="uint8")
    check(ops.right_shift([-16], 2), [-4], dtype="int32")
    check(ops.isclose([1.0, np.nan], [1.0 + 1e-9, np.nan], equal_nan=True), [True, True])
    check(ops.clip([True, False], 0, 0), [0, 0], dtype="int32")
    check(ops.clip(np.array([1.0, 5.0]), np.array(2.0), 4), [2.0, 4.0], dtype="float64")
    check(
        ops.nan_to_num(np.array([np.nan, np.inf, -np.inf])),
        [0.0, np.finfo("float64").max, np.finfo("float64").min],
    )
    check(ops.nextafter(np.float64(1.0), np.float64(2.0)), np.nextafter(1.0, 2.0))


REDUCTIONS = {
    "sum": np.sum,
    "prod": np.prod,
    "mean": np.mean,
    "var": np.var,
    "std": np.std,
    "max": np.max,
    "min": np.min,
    "amax": np.amax,
    "amin": np.amin,
    "ptp": np.ptp,
    "median": np.median,
    "all": np.all,
    "any": np.any,
    "nansum": np.nansum,
    "nanmax": np.nanmax,
    "nanmin": np.nanmin,
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@pytest.mark.parametrize("axis", [None, 0, -1, (0, 2)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_match_numpy(name, axis, keepdims):
    x = rng.normal(size=(2, 3, 4))
    want = REDUCTIONS[name](x, axis=axis, keepdims=keepdims)
    check(getattr(ops, name)(x, axis=axis, keepdims=keepdims), want, rtol=1e-12)


@pytest.mark.parametrize("method", ["linear", "lower", "higher", "midpoint", "nearest"])
@pytest.mark.parametrize("axis", [None, 1, (0, 1)])
def test_quantile_matches_numpy(method, axis):
    x = rng.normal(size=(3, 5, 2))
    q = [0.0, 0.3, 0.5, 1.0]
    for keepdims in (False, True):
        want = np.quantile(x, q, axis=axis, method=method, keepdims=keepdims)
        check(ops.quantile(x, q, axis=axis, method=method, keepdims=keepdims), want)
    check(
        ops.quantile(x, 0.7, axis=axis, method=method),
        np.quantile(x, 0.7, axis=axis, method=method),
    )


def test_quantile_nan_and_int():
    check(ops.quantile([1.0, np.nan, 3.0], 0.5), np.nan)
    check(ops.median(np.array([1, 2, 3, 10], "int64")), 2.5, dtype=floatx())


def test_scans_and_counts():
    x = rng.normal(size=(3, 4))
    check(ops.cumsum(x, axis=1), np.cumsum(x, axis=1))
    check(ops.cumprod(x, axis=0), np.cumprod(x, axis=0))
    check(ops.cumsum(x), np.cumsum(x))
    check(ops.cumsum([True, True, False]), [1, 2, 2], dtype="int32")
    check(ops.cumsum(np.array([1, 2], "int8")), [1, 3], dtype="int8")
    check(ops.cumprod([1, 2, 3], dtype="float64"), [1.0, 2.0, 6.0], dtype="float64")
    check(ops.count_nonzero([[0, 1], [2, 3]], axis=(0, 1)), 3, dtype="int32")
    check(ops.argmax(x, axis=0), np.argmax(x, axis=0), dtype="int32")
    check(ops.argmin(x, axis=1, keepdims=True), np.argmin(x, axis=1, keepdims=True), dtype="int32")
    check(ops.argmax([1.0, np.nan, 3.0]), 1)
    check(
        ops.average(x, axis=1, weights=[1.0, 2.0, 3.0, 4.0]),
        np.average(x, axis=1, weights=[1.0, 2.0, 3.0, 4.0]),
    )
    check(ops.average(x, weights=np.abs(x)), np.average(x, weights=np.abs(x)))
    check(
        ops.trace(np.arange(24.0).reshape(2, 3, 4), offset=1, axis1=1, axis2=2),
        np.trace(np.arange(24.0).reshape(2, 3, 4), offset=1, axis1=1, axis2=2),
    )
    check(ops.trapezoid(x, axis=0), np.trapezoid(x, axis=0))
    check(
        ops.trapezoid([1.0, 4.0, 9.0], x=[0.0, 1.0, 3.0]),
        np.trapezoid([1.0, 4.0, 9.0], x=[0.0, 1.0, 3.0]),
    )
    check(ops.corrcoef(x), np.corrcoef(x))


def test_products_match_numpy():
    m = rng.normal(size=(2, 3, 4))
    n = rng.normal(size=(4, 5))
    check(ops.matmul(m, n), np.matmul(m, n))
    check(ops.matmul(n[:, 0], n), np.matmul(n[:, 0], n))
    check(ops.dot(m, n), np.dot(m, n))
    check(ops.dot(2.0, n), 2.0 * n, dtype="float64")
    check(ops.vdot(n, n), np.vdot(n, n))
    check(ops.inner(m, n.T), np.inner(m, n.T))
    check(ops.outer(n[0], m[0]), np.outer(n[0], m[0]))
    check(ops.tensordot(m, n, axes=1), np.tensordot(m, n, axes=1))
    check(ops.tensordot(m, m, axes=[[0, 2], [0, 2]]), np.tensordot(m, m, axes=[[0, 2], [0, 2]]))
    check(ops.einsum("bij,jk->bik", m, n), np.einsum("bij,jk->bik", m, n))
    check(ops.einsum("ii", np.eye(3)), 3.0)
    check(ops.kron(n[:2, :2], np.eye(2)), np.kron(n[:2, :2], np.eye(2)))
    check(ops.cross(m[..., :3], n[:3, :3]), np.cross(m[..., :3], n[:3, :3]))
    u, v = m[0, :, :2], n[:3, :2]
    check(ops.cross(u, v), u[:, 0] * v[:, 1] - u[:, 1] * v[:, 0])
    check(ops.cross(u, n[:3, :3]), np.cross(np.pad(u, ((0, 0), (0, 1))), n[:3, :3]))
    check(ops.cross(m[0, :3, :3], n[:3, :3], axis=0), np.cross(m[0, :3, :3], n[:3, :3], axis=0))
    for mode in ("valid", "same", "full"):
        for u, v in (
            (rng.normal(size=6), rng.normal(size=3)),
            (rng.normal(size=2), rng.normal(size=5)),
        ):
            check(ops.correlate(u, v, mode=mode), np.correlate(u, v, mode=mode))


def test_int_products_dtypes():
    i8 = np.array([[1, 2], [3, 4]], "int8")
    check(ops.matmul(i8, i8), [[7, 10], [15, 22]], dtype="int32")
    check(ops.einsum("ij,jk->ik", i8, i8), [[7, 10], [15, 22]], dtype="int32")
    check(ops.matmul(i8, np.array([[1], [1]], "int16")), [[3], [7]], dtype="int16")
    check(ops.dot([1, 2], [3.0, 4.0]), 11.0, dtype=floatx())


def test_creation():
    check(ops.arange(5), np.arange(5), dtype="int32")
    check(ops.arange(1, 2, 0.25), [1.0, 1.25, 1.5, 1.75], dtype=floatx())
    check(ops.arange(5, 0, -2), [5, 3, 1], dtype="int32")
    check(ops.arange(np.int64(3)), [0, 1, 2], dtype="int64")
    check(ops.arange(3, dtype="float64"), [0.0, 1.0, 2.0], dtype="float64")
    check(ops.linspace(0, 1, 5, endpoint=False), [0, 0.2, 0.4, 0.6, 0.8], dtype=floatx(), rtol=1e-7)
    samples, step = ops.linspace(0.0, 1.0, 3, retstep=True)
    check(samples, [0, 0.5, 1])
    assert float(a(step)) == 0.5
    check(ops.linspace([0.0, 1.0], [1.0, 3.0], 3, axis=1), np.linspace([0, 1], [1, 3], 3, axis=1))
    check(ops.linspace(0, 10, 4, dtype="int32"), [0, 3, 6, 10], dtype="int32")
    check(ops.logspace(0, 3, 4, base=2), [1, 2, 4, 8], dtype=floatx())
    check(ops.eye(3, 2, k=-1, dtype="int32"), np.eye(3, 2, k=-1), dtype="int32")
    check(ops.tri(3, 4, k=1), np.tri(3, 4, k=1), dtype=floatx())
    check(ops.identity(2), np.eye(2), dtype=floatx())
    check(ops.zeros((2, 0)), np.zeros((2, 0)), dtype=floatx())
    check(ops.ones(3, dtype="bool"), [True] * 3, dtype="bool")
    check(ops.full((2, 2), [1, 2]), [[1, 2], [1, 2]], dtype=floatx())
    check(ops.full_like(np.zeros(2, "int8"), 3), [3, 3], dtype="int8")
    check(ops.zeros_like(np.ones((2,), "float64")), [0.0, 0.0], dtype="float64")
    check(ops.ones_like([1.0], dtype="int64"), [1], dtype="int64")
    assert a(ops.empty_like(np.zeros((2, 3), "int16"))).dtype == np.int16
    check(ops.array([[1, 2]]), [[1, 2]], dtype="int32")
    check(ops.array([1.5]), [1.5], dtype=floatx())
    for name in ("bartlett", "blackman", "hamming", "hanning"):
        check(getattr(ops, name)(7), getattr(np, name)(7).astype(floatx()), dtype=floatx())
    check(ops.kaiser(6, 5.0), np.kaiser(6, 5.0).astype(floatx()), dtype=floatx())


def test_shapes_and_indexing():
    x = np.arange(24).reshape(2, 3, 4)
    check(ops.reshape(x, (4, -1)), x.reshape(4, -1))
    check(ops.reshape(x, -1), x.ravel())
    check(ops.ravel(x), x.ravel())
    check(ops.transpose(x, (2, 0, 1)), x.transpose(2, 0, 1))
    check(ops.swapaxes(x, 0, -1), np.swapaxes(x, 0, -1))
    check(ops.moveaxis(x, [0, 1], [-1, -2]), np.moveaxis(x, [0, 1], [-1, -2]))
    check(ops.expand_dims(x, (0, -1)), np.expand_dims(x, (0, -1)))
    check(ops.squeeze(np.zeros((1, 2, 1))), np.zeros(2))
    check(ops.broadcast_to(np.arange(3), (2, 3)), np.broadcast_to(np.arange(3), (2, 3)))
    check(ops.flip(x), np.flip(x))
    check(ops.flip(x, axis=(0, 2)), np.flip(x, axis=(0, 2)))
    check(ops.roll(x, 2, axis=1), np.roll(x, 2, axis=1))
    check(ops.roll(x, (1, -1), axis=(0, 2)), np.roll(x, (1, -1), axis=(0, 2)))
    check(ops.roll(x, 5), np.roll(x, 5))
    check(ops.rot90(x, k=3, axes=(1, 2)), np.rot90(x, k=3, axes=(1, 2)))
    check(ops.tile(x, (2, 1, 1, 2)), np.tile(x, (2, 1, 1, 2)))
    check(ops.repeat(x, 2, axis=1), np.repeat(x, 2, axis=1))
    check(ops.repeat(x, 2), np.repeat(x, 2))
    check(ops.concatenate([x, x], axis=-1), np.concatenate([x, x], axis=-1))
    check(ops.append(x, x, axis=0), np.append(x, x, axis=0))
    check(ops.stack([x, x], axis=-1), np.stack([x, x], axis=-1))
    check(ops.hstack([x, x]), np.hstack([x, x]))
    check(ops.vstack([x[0], x[1]]), np.vstack([x[0], x[1]]))
    for got, want in zip(ops.split(x, 2, axis=2), np.split(x, 2, axis=2)):
        check(got, want)
    for got, want in zip(ops.array_split(x, 3, axis=2), np.array_split(x, 3, axis=2)):
        check(got, want)
    check(ops.diag(x[0], k=1), np.diag(x[0], k=1))
    check(ops.diag([1, 2], k=-1), np.diag([1, 2], k=-1))
    check(ops.diagonal(x, offset=1, axis1=1, axis2=2), np.diagonal(x, offset=1, axis1=1, axis2=2))
    check(ops.diff(x, n=2, axis=2), np.diff(x, n=2, axis=2))
    check(ops.tril(x, k=-1), np.tril(x, k=-1))
    check(ops.triu(x, k=1), np.triu(x, k=1))
    check(ops.get_item(x, (0, slice(1, None), [0, 3])), x[0, 1:, [0, 3]])
    check(ops.get_item(x, x > 20), x[x > 20])
    check(ops.get_item(x, (None, Ellipsis, -1)), x[None, ..., -1])
    check(ops.take(x, [[1, -1]], axis=1), np.take(x, [[1, -1]], axis=1))
    check(ops.take(x, 5), 5)
    idx = np.argsort(-x, axis=2)
    check(ops.take_along_axis(x, idx, axis=2), np.take_along_axis(x, idx, axis=2))
    check(
        ops.take_along_axis(x, idx[:1, :, :2], axis=2),
        np.take_along_axis(x, np.broadcast_to(idx[:1, :, :2], (2, 3, 2)), axis=2),
    )
    check(ops.where(x > 10, x, -1), np.where(x > 10, x, -1))
    for got, want in zip(ops.where(x > 20), np.nonzero(x > 20)):
        check(got, want, dtype="int32")
    check(
        ops.select([x < 5, x > 20], [x, -x], default=7),
        np.select([x < 5, x > 20], [x, -x], default=7),
    )
    y = rng.normal(size=(3, 5))
    check(ops.sort(y, axis=0), np.sort(y, axis=0))
    check(ops.sort(y, axis=None), np.sort(y, axis=None))
    check(ops.argsort(y, axis=0), np.argsort(y, axis=0, kind="stable"), dtype="int32")
    part = a(ops.argpartition(y, 2, axis=1))
    assert np.array_equal(np.take_along_axis(y, part, 1)[:, 2], np.sort(y, axis=1)[:, 2])
    check(
        ops.meshgrid([1, 2], [3, 4, 5], indexing="ij")[1],
        np.meshgrid([1, 2], [3, 4, 5], indexing="ij")[1],
    )
    check(ops.meshgrid([1, 2], [3, 4, 5], [6])[0], np.meshgrid([1, 2], [3, 4, 5], [6])[0])
    assert ops.ndim(x) == 3 and ops.size(x) == 24 and ops.ndim(3.0) == 0


@pytest.mark.parametrize(
    "mode", ["constant", "edge", "reflect", "symmetric", "wrap", "maximum", "mean"]
)
def test_pad_matches_numpy(mode):
    x = np.arange(12.0).reshape(3, 4)
    widths = ((1, 2), (2, 0))
    check(ops.pad(x, widths, mode=mode), np.pad(x, widths, mode=mode))
    check(ops.pad(x, 1, mode=mode), np.pad(x, 1, mode=mode))


def test_pad_circular_and_constant_values():
    check(ops.pad([1, 2, 3], (2, 1), mode="circular"), np.pad([1, 2, 3], (2, 1), mode="wrap"))
    check(
        ops.pad(np.ones((1, 1)), ((0, 1), (1, 0)), constant_values=-2.5),
        [[-2.5, 1.0], [-2.5, -2.5]],
    )


def test_integer_bookkeeping_ops():
    check(ops.bincount([0, 2, 2, 5]), [1, 0, 2, 0, 0, 1], dtype="int32")
    check(
        ops.bincount([0, 2], weights=np.array([0.5, 1.5]), minlength=4),
        [0.5, 0, 1.5, 0],
        dtype="float64",
    )
    check(ops.bincount([[0, 1], [1, 1]]), [[1, 1], [0, 2]], dtype="int32")
    check(ops.digitize([-1.0, 0.5, 2.0, 9.0], [0.0, 1.0, 2.0]), [0, 1, 3, 3], dtype="int32")
    check(ops.searchsorted([1, 3, 5], [0, 3, 6]), [0, 1, 3], dtype="int32")
    counts, edges = ops.histogram(np.array([0.0, 0.5, 1.0, 3.0]), bins=3, range=(0, 3))
    check(counts, [2, 1, 1], dtype="int32")
    check(edges, [0.0, 1.0, 2.0, 3.0], dtype="float64")
    rows, cols = ops.unravel_index(np.array([0, 5, 7], "int64"), (3, 3))
    check(rows, [0, 1, 2], dtype="int64")
    check(cols, [0, 2, 1], dtype="int64")
    check(ops.isin([[1, 2], [3, 4]], [4, 1], invert=True), [[False, True], [True, False]])
    check(ops.view(np.array([0], "int32"), "float32"), [0.0], dtype="float32")
    check(ops.vander([1.0, 2.0], increasing=True), np.vander([1.0, 2.0], increasing=True))
    check(ops.bitwise_invert(np.array([1], "uint8")), [254], dtype="uint8")
    check(ops.slogdet(np.array([[0.0, 2.0], [3.0, 0.0]]))[1], np.log(6.0))
    check(ops.slogdet(np.array([[0.0, 2.0], [3.0, 0.0]]))[0], -1.0)


# ------------------------------------------------------------------------------ edge cases


def test_zero_dim_inputs():
    check(ops.add(np.float64(1.5), 2), 3.5, dtype="float64")
    check(ops.sum(np.array(3, "int8")), 3, dtype="int32")
    check(ops.mean(np.array(3.0)), 3.0)
    check(ops.max(np.array(2.0)), 2.0)
    check(ops.exp(0), 1.0, dtype=floatx())
    check(ops.sort(np.array(2)), 2)
    check(ops.where(True, 1, 2), 1, dtype="int32")
    check(ops.expand_dims(np.array(1.0), 0), [1.0])
    check(ops.cumsum(np.array(2)), [2])
    check(ops.nonzero(np.array(3))[0], [0])


def test_empty_inputs():
    e = np.zeros((0, 3))
    check(ops.sum(e, axis=0), np.zeros(3))
    check(ops.prod(e, axis=0), np.ones(3))
    check(ops.add(e, 1.0), e)
    check(ops.exp(e), e)
    check(ops.max(e, axis=0, initial=-1.0), [-1.0, -1.0, -1.0])
    check(ops.max(e, axis=1), np.zeros(0))
    check(ops.concatenate([e, np.ones((1, 3))]), np.ones((1, 3)))
    check(ops.matmul(e, np.ones((3, 2))), np.zeros((0, 2)))
    check(ops.all(e), True)
    check(ops.any(e), False)
    check(ops.count_nonzero(e), 0)
    check(ops.sort(e, axis=0), e)
    check(ops.cumsum(e, axis=0), e)
    check(ops.reshape(e, (3, 0)), np.zeros((3, 0)))
    check(ops.bincount(np.zeros(0, "int32"), minlength=2), [0, 0])
    check(ops.take(np.arange(3), np.zeros(0, "int32")), np.zeros(0, "int32"))
    with np.errstate(invalid="ignore"), pytest.warns(RuntimeWarning):
        check(ops.mean(e), np.nan)


# ------------------------------------------------------------------------------ dtypes

INT_FLOAT_DTYPES = [
    "bool",
    "uint8",
    "int8",
    "int16",
    "int32",
    "int64",
    "float16",
    "float32",
    "float64",
]


def _float_rule(dtype):
    return dtype if dtype.startswith("float") else floatx()


def _sum_rule(dtype):
    return {"bool": "int32", "int8": "int32", "int16": "int32", "uint8": "uint32"}.get(dtype, dtype)


@pytest.mark.parametrize("dtype", INT_FLOAT_DTYPES)
def test_unary_result_dtypes(dtype):
    x = np.array([1, 0, 1]).astype(dtype)
    for name in (
        "exp",
        "log1p",
        "sin",
        "tanh",
        "sqrt",
        "arctan",
        "reciprocal",
        "floor",
        "ceil",
        "cbrt",
        "expm1",
        "deg2rad",
    ):
        assert a(getattr(ops, name)(x)).dtype == np.dtype(_float_rule(dtype)), name
    for name in ("mean", "std", "var", "median"):
        assert a(getattr(ops, name)(x)).dtype == np.dtype(_float_rule(dtype)), name
    for name in ("sum", "prod", "trace"):
        arg = np.diag(x) if name == "trace" else x
        assert a(getattr(ops, name)(arg)).dtype == np.dtype(_sum_rule(dtype)), name
    for name in ("isnan", "isfinite", "logical_not", "signbit", "all", "any"):
        assert a(getattr(ops, name)(x)).dtype == np.bool_, name
    for name in ("argmax", "argmin", "argsort", "count_nonzero"):
        assert a(getattr(ops, name)(x)).dtype == np.int32, name
    for name in ("max", "amin", "sort", "flip", "round", "trunc", "abs", "copy", "cumprod"):
        want = "int32" if (name == "cumprod" and dtype == "bool") else dtype
        assert a(getattr(ops, name)(x)).dtype == np.dtype(want), name
    want_sq = "int32" if dtype == "bool" else dtype
    assert a(ops.square(x)).dtype == np.dtype(want_sq)
    assert a(ops.clip(x, 0, 1)).dtype == np.dtype("int32" if dtype == "bool" else dtype)


PAIRS = [
    ("int8", "uint8"),
    ("int32", "float16"),
    ("int32", "float32"),
    ("int64", "float32"),
    ("float32", "float64"),
    ("uint32", "int64"),
    ("bool", "int8"),
    ("bool", "bool"),
    ("int16", "int16"),
]


@pytest.mark.parametrize("d1,d2", PAIRS)
def test_binary_result_dtypes_follow_result_type(d1, d2):
    x1 = np.array([1, 2]).astype(d1)
    x2 = np.array([1, 1]).astype(d2)
    rt = result_type(d1, d2)
    for name in ("add", "multiply", "maximum", "minimum", "where_", "concatenate", "stack"):
        if name == "where_":
            got = ops.where([True, False], x1, x2)
        elif name in ("concatenate", "stack"):
            got = getattr(ops, name)([x1, x2])
        else:
            got = getattr(ops, name)(x1, x2)
        assert a(got).dtype == np.dtype(rt), (name, d1, d2)
    if rt != "bool":
        assert a(ops.subtract(x1, x2)).dtype == np.dtype(rt)
        assert a(ops.matmul(x1, x2)).dtype == np.dtype(rt)
        assert a(ops.mod(x1, x2)).dtype == np.dtype(rt)
        assert a(ops.floor_divide(x1, x2)).dtype == np.dtype(rt)
    for name in ("divide", "true_divide", "divide_no_nan", "arctan2", "logaddexp", "hypot"):
        assert a(getattr(ops, name)(x1, x2)).dtype == np.dtype(_float_rule(rt)), (name, d1, d2)
    for name in ("equal", "less", "greater_equal", "logical_and", "isclose"):
        assert a(getattr(ops, name)(x1, x2)).dtype == np.bool_, name


def test_weak_python_scalars():
    i8 = np.array([1, 2], "int8")
    assert a(ops.add(i8, 1)).dtype == np.int8
    assert a(ops.multiply(i8, 2.5)).dtype == np.dtype(floatx())
    assert a(ops.add(np.array([1.0], "float16"), 2.0)).dtype == np.float16
    assert a(ops.add(1, 2)).dtype == np.int32
    assert a(ops.add(1, 2.0)).dtype == np.dtype(floatx())
    assert a(ops.where(np.array([True]), i8, 0)).dtype == np.int8
    assert a(ops.maximum(np.array([1], "uint8"), 3)).dtype == np.uint8
    assert a(ops.power(i8, 2)).dtype == np.int8
    assert a(ops.divide(i8, 2)).dtype == np.dtype(floatx())
    assert a(ops.arange(3.0)).dtype == np.dtype(floatx())
    assert a(ops.arange(0, 3, 1.0)).dtype == np.dtype(floatx())


def test_numpy_scalars_keep_their_dtype():
    assert a(ops.add(np.float64(1.0), np.float32(1.0))).dtype == np.float64
    assert a(ops.exp(np.float64(0.0))).dtype == np.float64
    assert a(ops.add(np.int64(1), np.array([1], "int32"))).dtype == np.int64


def test_results_are_arrays_not_numpy_scalars():
    for out in (
        ops.sum([1, 2]),
        ops.mean([1.0]),
        ops.max([1]),
        ops.argmax([1, 2]),
        ops.dot([1], [2]),
    ):
        assert isinstance(out, np.ndarray)


def test_complex_support():
    z = np.array([1 + 2j, -3 - 1j], "complex64")
    check(ops.real(z), [1, -3], dtype="float32")
    check(ops.imag(z), [2, -1], dtype="float32")
    check(ops.conj(z), np.conj(z), dtype="complex64")
    check(ops.abs(z), np.abs(z), dtype="float32", rtol=1e-6)
    check(ops.angle(z), np.angle(z), dtype="float32", rtol=1e-6)
    check(ops.vdot(z, z), np.vdot(z.astype("complex128"), z), dtype="complex64", rtol=1e-6)
    check(ops.exp(z), np.exp(z.astype("complex128")), dtype="complex64", rtol=1e-6)
    check(ops.var(z), np.var(z.astype("complex128")), dtype="float32", rtol=1e-6)


def test_variables_are_accepted():
    import tholos

    v = tholos.Variable(np.array([1.0, -2.0]), dtype="float32")
    check(ops.abs(v), [1.0, 2.0], dtype="float32")
    check(ops.add(v, np.array([1.0], "float64")), [2.0, -1.0], dtype="float64")


# ------------------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    "call",
    [
        lambda: ops.reshape(np.arange(6), (4, 2)),
        lambda: ops.add(np.ones(2), np.ones(3)),
        lambda: ops.matmul(np.ones((2, 3)), np.ones((2, 3))),
        lambda: ops.matmul(2.0, np.ones(3)),
        lambda: ops.squeeze(np.ones((2, 1)), axis=0),
        lambda: ops.sum(np.ones((2, 2)), axis=2),
        lambda: ops.mean(np.ones(2), axis=(0, 0)),
        lambda: ops.concatenate([np.ones((2, 2)), np.ones((3, 3))]),
        lambda: ops.concatenate([]),
        lambda: ops.stack([np.ones(2), np.ones(3)]),
        lambda: ops.split(np.arange(5), 2),
        lambda: ops.take(np.arange(3), [3]),
        lambda: ops.take_along_axis(np.ones((2, 2)), np.array([[5]]), axis=1),
        lambda: ops.take_along_axis(np.ones((2, 2)), np.array([0]), axis=1),
        lambda: ops.max(np.zeros((0,))),
        lambda: ops.argmax(np.zeros((0,))),
        lambda: ops.quantile([1.0, 2.0], 1.5),
        lambda: ops.quantile([1.0, 2.0], 0.5, method="cubic"),
        lambda: ops.median(np.zeros(0)),
        lambda: ops.where([True], [1]),
        lambda: ops.cross([1, 2, 3, 4], [1, 2, 3, 4]),
        lambda: ops.correlate(np.ones((2, 2)), np.ones(2)),
        lambda: ops.correlate([1.0], [1.0], mode="bad"),
        lambda: ops.pad(np.ones(2), 1, mode="nope"),
        lambda: ops.pad(np.ones(2), 1, mode="edge", constant_values=3),
        lambda: ops.pad(np.ones(2), -1),
        lambda: ops.arange(0, 5, 0),
        lambda: ops.bincount([-1, 2]),
        lambda: ops.bincount([1, 2], sparse=True),
        lambda: ops.searchsorted(np.ones((2, 2)), 1.0),
        lambda: ops.searchsorted([1, 2], 1, side="middle"),
        lambda: ops.diag(np.ones((2, 2, 2))),
        lambda: ops.trace(np.ones(3)),
        lambda: ops.average(np.ones((2, 3)), weights=np.ones(3)),
        lambda: ops.average(np.ones((2, 3)), axis=1, weights=np.ones(2)),
        lambda: ops.transpose(np.ones((2, 3)), (0, 0)),
        lambda: ops.select([True], [1, 2]),
        lambda: ops.zeros((2, -1)),
        lambda: ops.expand_dims(np.ones(2), 5),
        lambda: ops.rot90(np.ones(3)),
        lambda: ops.meshgrid([1], indexing="yx"),
        lambda: ops.power(np.array([2]), np.array([-1])),
        lambda: ops.slogdet(np.ones((2, 3))),
    ],
)
def test_bad_input_raises_op_input_error(call):
    with pytest.raises(OpInputError) as info:
        call()
    text = str(info.value)
    assert "ops." in text and "expected" in text and "received" in text


@pytest.mark.parametrize(
    "call",
    [
        lambda: ops.bitwise_and([1.5], [1]),
        lambda: ops.bitwise_invert([1.5]),
        lambda: ops.gcd([1.5], [2]),
        lambda: ops.negative([True]),
        lambda: ops.subtract([True], [False]),
        lambda: ops.take([1, 2], [0.5]),
        lambda: ops.ldexp([1.0], [1.5]),
        lambda: ops.bincount([1.0, 2.0]),
    ],
)
def test_bad_dtype_raises_type_error(call):
    with pytest.raises(TypeError) as info:
        call()
    assert isinstance(info.value, (DtypeError, OpInputError))
    assert "expected" in str(info.value)


def test_error_names_the_op_and_shapes():
    with pytest.raises(OpInputError, match=r"ops\.matmul") as info:
        ops.matmul(np.ones((2, 3)), np.ones((4, 5)))
    assert "(2, 3)" in str(info.value) and "(4, 5)" in str(info.value)
