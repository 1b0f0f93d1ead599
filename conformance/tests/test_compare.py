"""Self-tests of the comparison helper: a deliberately wrong backend is caught, and the failure
message names the op, the inputs, both results and the worst error."""

from __future__ import annotations

import numpy as np
import pytest

from tholos_conformance.compare import ConformanceError, assert_op_matches, compare_arrays

X = np.linspace(-1.0, 1.0, 6, dtype="float32").reshape(2, 3)
Y = np.arange(3, dtype="float32")


def test_correct_backend_passes():
    stats = assert_op_matches("numpy.add", (X, Y), backend="numpy", check_grad=True)
    assert stats["passed"] and stats["dtype"] == "float32"
    assert stats["grad"]["passed"]


def test_wrong_value_is_caught_and_described(fake_backend):
    with pytest.raises(ConformanceError) as info:
        assert_op_matches("numpy.add", (X, Y), backend=fake_backend)
    message = str(info.value)
    assert "numpy.add" in message and fake_backend in message
    assert "arg0=float32[2, 3]" in message and "arg1=float32[3]" in message
    assert "worst abs error 0.001" in message and "index [1, 2]" in message
    assert "backend:" in message and "reference:" in message
    assert "1 of 6 elements" in message


def test_wrong_dtype_is_caught(fake_backend):
    a = np.ones((2, 3), "float32")
    with pytest.raises(
        ConformanceError,
        match=r"numpy.matmul.*dtype 'float64', expected "
        r"'float32'",
    ):
        assert_op_matches("numpy.matmul", (a, a.T), backend=fake_backend)


def test_wrong_gradient_is_caught(fake_backend):
    assert_op_matches("numpy.sin", (X,), backend=fake_backend)  # forward values are right
    with pytest.raises(
        ConformanceError,
        match=r"numpy.sin.*gradient w.r.t. input leaf 0 "
        r"\(float32\[2, 3\]",
    ):
        assert_op_matches("numpy.sin", (X,), backend=fake_backend, check_grad=True)


def test_one_pixel_shifted_conv_transpose_is_caught(fake_backend):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (1, 5, 5, 2)).astype("float32")
    k = rng.uniform(-1, 1, (3, 3, 2, 2)).astype("float32")
    kwargs = {"strides": 2, "padding": "same"}
    assert_op_matches("nn.conv_transpose", (x, k), kwargs, backend="numpy")
    with pytest.raises(ConformanceError, match=r"nn\.conv_transpose.*values differ"):
        assert_op_matches("nn.conv_transpose", (x, k), kwargs, backend=fake_backend)


def test_wrong_padding_mode_is_caught(fake_backend):
    x = np.arange(12, dtype="float32").reshape(3, 4)
    with pytest.raises(ConformanceError, match=r"numpy\.pad"):
        assert_op_matches(
            "numpy.pad", (x, ((1, 2), (2, 1))), {"mode": "reflect"}, backend=fake_backend
        )


def test_compare_arrays_nan_inf_and_ints():
    ok = compare_arrays(np.array([np.nan, np.inf, 1.0]), np.array([np.nan, np.inf, 1.0]), 0, 0)
    assert ok["ok"]
    bad = compare_arrays(np.array([np.nan, 1.0]), np.array([0.0, 1.0]), 1e-3, 1e-3)
    assert not bad["ok"] and bad["mismatched"] == 1
    ints = compare_arrays(np.array([1, 2], "int64"), np.array([1, 3], "int64"), 0, 0)
    assert not ints["ok"] and ints["worst_abs"] == 1.0
    assert compare_arrays(np.zeros((0, 3)), np.zeros((0, 3)), 0, 0)["ok"]
    assert not compare_arrays(np.zeros(3), np.zeros(4), 1, 1)["ok"]


def test_bfloat16_rounding():
    from tholos_conformance.runtime import round_to_bfloat16

    x = np.array([1.0, 1.00390625, 1.01171875, 3.14159265, -2.5e-3], "float32")
    r = round_to_bfloat16(x)
    # bfloat16 keeps 8 significant bits: the mantissa's low 16 bits are zero.
    assert np.all(r.view(np.uint32) & 0xFFFF == 0)
    assert np.all(np.abs(r - x) <= np.abs(x) * 2.0**-8)
