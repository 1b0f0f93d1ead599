import inspect

import numpy as np
import pytest

import tholos
from tholos import ops
from tholos.backend.contract import FAMILIES, all_op_specs, ops_of
from tholos.errors import OpInputError


def test_at_least_200_ops():
    assert len(ops.__all__) >= 200


def test_public_op_signature_and_doc_come_from_the_contract():
    spec = ops_of(FAMILIES["numpy"], "numpy")["add"]
    assert ops.add.__doc__ == spec.function.__doc__
    assert list(inspect.signature(ops.add).parameters) == ["x1", "x2"]


def test_every_op_has_a_docstring_with_an_example():
    missing = [
        name
        for name, spec in all_op_specs().items()
        if spec.family not in ("devices", "trainer")
        and (not spec.function.__doc__ or ">>>" not in spec.function.__doc__)
    ]
    assert missing == []


def test_bad_input_error_names_op_expected_and_received():
    with pytest.raises(OpInputError) as info:
        ops.matmul(np.ones((2, 3)), np.ones((4, 5)))
    message = str(info.value)
    assert "ops.matmul" in message
    assert "expected:" in message and "received:" in message
    assert "(2, 3)" in message and "(4, 5)" in message


def test_generic_backend_errors_are_wrapped_with_the_signature(monkeypatch):
    from tholos.backend import _state

    def backend_reshape(x, newshape):
        raise ValueError("cannot reshape array of size 6 into shape (4,4)")

    ops.reshape(np.ones(6), (2, 3))  # make sure the table is populated
    monkeypatch.setitem(_state.OP_TABLE, "reshape", backend_reshape)
    with pytest.raises(OpInputError) as info:
        ops.reshape(np.ones(6), (4, 4))
    message = str(info.value)
    assert "cannot reshape array of size 6" in message
    assert "ops.reshape" in message
    assert "expected: ops.reshape(x, newshape)" in message
    assert "shape=(6,)" in message


def test_op_errors_are_also_value_or_type_errors():
    with pytest.raises(ValueError):
        ops.reshape(np.ones(6), (4, 4))


def test_submodules_expose_families():
    assert tholos.ops.nn.relu is ops.relu
    assert tholos.ops.numpy.add is ops.add
    assert tholos.ops.linalg.svd is ops.svd
