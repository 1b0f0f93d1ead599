import pytest

from tholos import KerasTensor, ops
from tholos.backend import compute_output_spec
from tholos.errors import OpInputError


def test_shape_inference_with_unknown_batch():
    x = KerasTensor((None, 4))
    w = KerasTensor((4, 3))
    y = ops.matmul(x, w)
    assert isinstance(y, KerasTensor)
    assert y.shape == (None, 3)
    assert y.dtype == "float32"


def test_dtype_inference_follows_promotion():
    a = KerasTensor((2, 3), dtype="int8")
    b = KerasTensor((3,), dtype="uint8")
    assert ops.add(a, b).dtype == "int16"
    assert ops.add(a, 1.5).dtype == "float32"
    assert ops.equal(a, 1).dtype == "bool"


def test_dunders_and_broadcast():
    x = KerasTensor((None, 1, 5))
    y = KerasTensor((3, 1))
    z = x * y + 1
    assert z.shape == (None, 3, 5)
    assert x[:, 0].shape == (None, 5)
    assert ops.reshape(x, (-1, 5)).shape == (None, 5)


def test_compute_output_spec_nested_outputs():
    x = KerasTensor((None, 6))
    out = compute_output_spec(lambda t: {"a": ops.split(t, 2, axis=1), "b": ops.sum(t)}, x)
    assert [o.shape for o in out["a"]] == [(None, 3), (None, 3)]
    assert out["b"].shape == ()


def test_symbolic_tensor_has_no_value():
    x = KerasTensor((2,))
    with pytest.raises(OpInputError, match="no value"):
        x.__array__()
    with pytest.raises(OpInputError, match="bool"):
        bool(x)


def test_incompatible_symbolic_shapes_raise_op_error():
    with pytest.raises(OpInputError) as info:
        ops.matmul(KerasTensor((None, 4)), KerasTensor((5, 3)))
    assert "matmul" in str(info.value)
