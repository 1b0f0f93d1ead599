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


def test_ops_on_symbolic_tensors_are_graph_nodes_that_round_trip():
    import numpy as np

    import tholos
    from tholos import layers

    inputs = layers.Input((3,))
    outputs = layers.Dense(2)(ops.multiply(ops.add(inputs, 1.0), 2.0))
    model = tholos.Model(inputs, outputs)
    clone = tholos.Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    x = np.arange(6, dtype="float32").reshape(2, 3)
    kernel, bias = model.get_weights()
    expected = ((x + 1.0) * 2.0) @ kernel + bias
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-6)
    np.testing.assert_allclose(clone.predict(x, verbose=0), expected, rtol=1e-6)


def test_unknown_op_in_config_is_refused():
    from tholos.errors import ConfigError
    from tholos.ops._symbolic_op import OpNode

    with pytest.raises(ConfigError, match="Unknown op"):
        OpNode.from_config({"op": "os.system", "name": "x"})
