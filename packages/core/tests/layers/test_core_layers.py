"""Dense, Activation, Identity, Lambda, Masking, Dropout, Flatten, Reshape, Permute,
RepeatVector: values, shapes, configs, errors."""

import numpy as np
import pytest

import tholos
from tholos import layers, ops
from tholos.errors import OpInputError
from tholos.saving import deserialize_object, register_serializable, serialize_object


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def test_dense_matches_numpy_matmul():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 3)).astype("float32")
    layer = layers.Dense(5, activation="relu")
    out = _np(layer(x))
    kernel, bias = layer.get_weights()
    assert kernel.shape == (3, 5) and bias.shape == (5,)
    np.testing.assert_allclose(out, np.maximum(x @ kernel + bias, 0), rtol=1e-6, atol=1e-6)


def test_dense_float64_and_rank3():
    x = np.random.default_rng(1).normal(size=(2, 3, 4))
    layer = layers.Dense(2, dtype="float64", use_bias=False)
    out = _np(layer(x))
    assert out.dtype == np.float64 and out.shape == (2, 3, 2)
    np.testing.assert_allclose(out, x @ layer.get_weights()[0], rtol=1e-12)
    assert len(layer.weights) == 1


def test_dense_config_roundtrip():
    layer = layers.Dense(
        3,
        activation="tanh",
        kernel_initializer="he_normal",
        kernel_regularizer="l2",
        bias_constraint="non_neg",
        name="d",
    )
    config = layer.get_config()
    assert config["units"] == 3 and config["activation"] == "tanh"
    assert config["kernel_initializer"]["class_name"] == "HeNormal"
    clone = layers.Dense.from_config(config)
    assert clone.name == "d" and clone.activation is tholos.activations.tanh
    assert type(clone.kernel_regularizer).__name__ == "L2"
    rebuilt = deserialize_object(serialize_object(layer))
    assert isinstance(rebuilt, layers.Dense) and rebuilt.units == 3


def test_dense_invalid_units():
    with pytest.raises(OpInputError, match="units"):
        layers.Dense(0)


def test_dense_unknown_last_dim():
    with pytest.raises(OpInputError, match="last dimension"):
        layers.Dense(2)(tholos.KerasTensor((None, None)))


def test_activation_layer_values_and_config():
    x = np.array([-1.0, 0.5, 2.0], "float32")
    np.testing.assert_allclose(_np(layers.Activation("relu")(x)), [0.0, 0.5, 2.0])
    layer = layers.Activation("softmax")
    assert layer.get_config()["activation"] == "softmax"
    np.testing.assert_allclose(_np(layer(np.zeros((1, 4), "float32"))).sum(), 1.0, rtol=1e-6)


def test_identity():
    x = np.arange(3.0)
    assert layers.Identity()(x) is x
    assert layers.Identity()(tholos.KerasTensor((None, 2))).shape == (None, 2)


def test_lambda_values_shapes_and_arguments():
    layer = layers.Lambda(lambda x, k: x * k, arguments={"k": 3.0})
    np.testing.assert_allclose(_np(layer(np.array([1.0, 2.0]))), [3.0, 6.0])
    sym = layers.Lambda(lambda x: ops.concatenate([x, x], axis=-1))(tholos.KerasTensor((None, 2)))
    assert sym.shape == (None, 4)
    fixed = layers.Lambda(lambda x: x[:, :1], output_shape=(1,))
    assert fixed(tholos.KerasTensor((None, 5))).shape == (None, 1)


def test_lambda_registered_function_serializes():
    @register_serializable(package="TestPkg")
    def double(x):
        return x * 2

    layer = layers.Lambda(double)
    config = serialize_object(layer)
    rebuilt = deserialize_object(config)
    np.testing.assert_allclose(_np(rebuilt(np.array([1.0]))), [2.0])


def test_lambda_unregistered_function_is_stored_as_source_and_refused_in_safe_mode():
    layer = layers.Lambda(lambda x: x * 3.0)
    config = serialize_object(layer)
    function = config["config"]["function"]
    assert function["class_name"] == "__lambda__"
    assert "x * 3.0" in function["config"]["source"]
    with pytest.raises(tholos.errors.UnsafeDeserializationError):
        deserialize_object(config)
    from tholos.saving.safe_mode import safe_mode_scope

    with safe_mode_scope(False):
        restored = deserialize_object(config)
    np.testing.assert_allclose(_np(restored(np.ones((2,), "float32"))), [3.0, 3.0])


def test_lambda_closure_cannot_be_serialized():
    factor = 3.0
    layer = layers.Lambda(lambda x: x * factor)
    with pytest.raises(tholos.errors.ConfigError, match="not registered"):
        serialize_object(layer)


def test_masking_values_and_mask():
    x = np.array([[[1.0, 2.0], [0.0, 0.0], [0.0, 3.0]]], "float32")
    layer = layers.Masking(mask_value=0.0)
    out = layer(x)
    np.testing.assert_array_equal(_np(out), x)
    np.testing.assert_array_equal(_np(layer.compute_mask(x, None)), [[True, False, True]])
    x2 = np.array([[[5.0, 5.0], [1.0, 5.0]]], "float32")
    np.testing.assert_array_equal(_np(layers.Masking(5.0)(x2)), [[[0.0, 0.0], [1.0, 5.0]]])


def test_dropout_inference_identity_and_training_scaling():
    x = np.ones((200, 50), "float32")
    layer = layers.Dropout(0.4, seed=3)
    np.testing.assert_array_equal(_np(layer(x)), x)
    np.testing.assert_array_equal(_np(layer(x, training=False)), x)
    out = _np(layer(x, training=True))
    kept = out != 0
    np.testing.assert_allclose(out[kept], 1.0 / 0.6, rtol=1e-6)
    assert abs(kept.mean() - 0.6) < 0.03
    out2 = _np(layer(x, training=True))
    assert (out2 != out).any()  # the seed generator advances


def test_dropout_noise_shape_and_rate_checks():
    x = np.ones((4, 10, 6), "float32")
    out = _np(layers.Dropout(0.5, noise_shape=(None, 1, 6), seed=1)(x, training=True))
    assert (out == out[:, :1, :]).all()  # same mask at every timestep
    with pytest.raises(OpInputError, match="rate"):
        layers.Dropout(1.5)
    assert layers.Dropout(0.2, seed=5).get_config()["seed"] == 5


def test_dropout_in_stateless_call_threads_seed_state():
    layer = layers.Dropout(0.5, seed=1)
    x = np.ones((10, 10), "float32")
    state = [v.value for v in layer.non_trainable_variables]
    out_a, new_state = layer.stateless_call([], state, x, training=True)
    out_b, _ = layer.stateless_call([], state, x, training=True)
    np.testing.assert_array_equal(_np(out_a), _np(out_b))
    assert not np.array_equal(_np(new_state[0]), _np(state[0]))


def test_flatten():
    x = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(_np(layers.Flatten()(x)), x.reshape(2, 12))
    cf = _np(layers.Flatten(data_format="channels_first")(x))
    np.testing.assert_array_equal(cf, np.transpose(x, (0, 2, 1)).reshape(2, 12))
    assert layers.Flatten()(tholos.KerasTensor((None, 3, 4))).shape == (None, 12)
    assert layers.Flatten().compute_output_shape((None, None, 4)) == (None, None)


def test_reshape():
    x = np.arange(12.0).reshape(2, 6)
    np.testing.assert_array_equal(_np(layers.Reshape((3, 2))(x)), x.reshape(2, 3, 2))
    assert layers.Reshape((-1, 2))(tholos.KerasTensor((None, 6))).shape == (None, 3, 2)
    with pytest.raises(OpInputError, match="total size"):
        layers.Reshape((4, 2))(x)
    with pytest.raises(OpInputError, match="target_shape"):
        layers.Reshape((-1, -1))


def test_permute():
    x = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(_np(layers.Permute((2, 1))(x)), x.transpose(0, 2, 1))
    assert layers.Permute((2, 1))(tholos.KerasTensor((None, 3, 4))).shape == (None, 4, 3)
    with pytest.raises(OpInputError, match="permutation"):
        layers.Permute((0, 1))


def test_repeat_vector():
    x = np.array([[1.0, 2.0]])
    np.testing.assert_array_equal(_np(layers.RepeatVector(3)(x)), [[[1.0, 2.0]] * 3])
    assert layers.RepeatVector(4)(tholos.KerasTensor((None, 5))).shape == (None, 4, 5)
    with pytest.raises(ValueError, match="ndim=2"):
        layers.RepeatVector(2)(np.zeros((1, 2, 3)))


def test_core_layer_configs_roundtrip():
    for layer in [
        layers.Flatten(),
        layers.Reshape((2, 3)),
        layers.Permute((2, 1)),
        layers.RepeatVector(2),
        layers.Masking(1.0),
        layers.Dropout(0.3),
        layers.Identity(),
        layers.Activation("gelu"),
    ]:
        rebuilt = deserialize_object(serialize_object(layer))
        assert type(rebuilt) is type(layer)
        assert rebuilt.get_config() == layer.get_config()
