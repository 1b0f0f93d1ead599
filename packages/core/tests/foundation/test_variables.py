import numpy as np
import pytest

import tholos
from tholos import ops
from tholos.backend import StatelessScope, name_scope
from tholos.errors import OpInputError


def test_variable_basics():
    v = tholos.Variable(np.array([[1.0, 2.0]], dtype="float64"), name="w")
    assert v.shape == (1, 2)
    assert v.dtype == "float64"
    assert v.name == "w" and v.path == "w"
    assert v.trainable
    np.testing.assert_array_equal(v.numpy(), [[1.0, 2.0]])


def test_callable_initializer_needs_shape():
    v = tholos.Variable(
        lambda shape, dtype: np.full(shape, 3.0, dtype), shape=(2,), dtype="float32"
    )
    np.testing.assert_array_equal(v.numpy(), [3.0, 3.0])
    assert v.dtype == "float32"
    with pytest.raises(OpInputError, match="needs a shape"):
        tholos.Variable(lambda shape, dtype: None)


def test_assign_and_arithmetic():
    v = tholos.Variable([1.0, 2.0])
    v.assign([3.0, 4.0])
    v.assign_add([1.0, 1.0])
    v.assign_sub([0.5, 0.5])
    np.testing.assert_allclose(v.numpy(), [3.5, 4.5])
    np.testing.assert_allclose(np.asarray(v * 2), [7.0, 9.0])
    np.testing.assert_allclose(np.asarray(2 - v), [-1.5, -2.5])
    np.testing.assert_allclose(np.asarray(ops.add(v, 1.0)), [4.5, 5.5])
    assert ops.convert_to_numpy(v + 1).dtype == np.float32


def test_assign_wrong_shape_names_variable():
    with name_scope("dense"):
        v = tholos.Variable(np.zeros((2, 3)), name="kernel")
    assert v.path == "dense/kernel"
    with pytest.raises(OpInputError) as info:
        v.assign(np.zeros((3, 2)))
    assert "dense/kernel" in str(info.value)
    assert "(2, 3)" in str(info.value) and "(3, 2)" in str(info.value)


def test_stateless_scope_reads_mapping_and_records_updates():
    a = tholos.Variable(1.0)
    b = tholos.Variable(2.0)
    with StatelessScope([(a, 10.0)]) as scope:
        assert float(a.value) == 10.0
        assert float(b.value) == 2.0
        b.assign(a.value + b.value)
        assert float(b.value) == 12.0
    assert float(b.value) == 2.0
    assert float(scope.updates[b]) == 12.0
    assert a not in scope.updates


def test_variables_hash_by_identity():
    a = tholos.Variable(0.0)
    b = tholos.Variable(0.0)
    assert len({a, b}) == 2
    assert a in [a] and b not in [a]


def test_name_must_not_contain_slash():
    with pytest.raises(OpInputError):
        tholos.Variable(0.0, name="a/b")
