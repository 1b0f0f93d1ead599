import itertools

import numpy as np
import pytest

from tholos.backend import dtypes
from tholos.backend.dtypes import ALLOWED_DTYPES, result_type, standardize_dtype
from tholos.errors import DtypeError


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("int8", "uint8", "int16"),
        ("uint8", "int32", "int32"),
        ("uint32", "int32", "int64"),
        ("uint64", "int64", "float32"),
        ("int32", "float16", "float16"),
        ("float16", "bfloat16", "float32"),
        ("float32", "float64", "float64"),
        ("bool", "int8", "int8"),
        ("bool", "bool", "bool"),
        ("float32", "complex64", "complex64"),
        ("float64", "complex64", "complex128"),
    ],
)
def test_promotion_table(a, b, expected):
    assert result_type(a, b) == expected
    assert result_type(b, a) == expected


def test_python_scalars_are_weak():
    assert result_type("int8", 1) == "int8"
    assert result_type("float16", 1.5) == "float16"
    assert result_type("int32", 1.5) == "float32"
    assert result_type("uint8", True) == "uint8"
    assert result_type(1, 2) == "int32"
    assert result_type(1, 2.0) == "float32"
    assert result_type(True) == "bool"


def test_floatx_drives_weak_float():
    try:
        dtypes.set_floatx("float64")
        assert result_type(1.0) == "float64"
        assert result_type("int32", 2.0) == "float64"
    finally:
        dtypes.set_floatx("float32")


def test_promotion_is_order_independent():
    for a, b, c in itertools.product(ALLOWED_DTYPES, repeat=3):
        assert result_type(a, b) == result_type(b, a)
        assert result_type(a, b, c) == result_type(c, a, b) == result_type(b, c, a)


def test_result_is_an_upper_bound_that_never_demotes():
    for a, b in itertools.product(ALLOWED_DTYPES, repeat=2):
        r = result_type(a, b)
        assert result_type(r, a) == r and result_type(r, b) == r


def test_standardize_dtype_accepts_foreign_spellings():
    assert standardize_dtype(np.float32) == "float32"
    assert standardize_dtype(np.dtype("int64")) == "int64"
    assert standardize_dtype("torch.bfloat16") == "bfloat16"
    assert standardize_dtype("<dtype: 'float16'>") == "float16"
    assert standardize_dtype(float) == "float32"
    assert standardize_dtype(bool) == "bool"
    assert standardize_dtype(None) == "float32"


def test_unknown_dtype_error_lists_valid_names():
    with pytest.raises(DtypeError) as info:
        standardize_dtype("float13")
    assert "float13" in str(info.value)
    assert "float32" in str(info.value)


def test_set_floatx_rejects_ints():
    with pytest.raises(DtypeError):
        dtypes.set_floatx("int32")
