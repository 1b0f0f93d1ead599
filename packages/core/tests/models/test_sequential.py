"""Sequential models: construction routes, add/pop, deferred build, config, errors."""

import numpy as np
import pytest

from tholos import layers, models, ops
from tholos.errors import OpInputError
from tholos.models import Sequential


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def test_built_from_input_first():
    model = Sequential([layers.Input((4,)), layers.Dense(3, name="a"), layers.Dense(1, name="b")])
    assert model.built and [layer.name for layer in model.layers] == ["a", "b"]
    assert model.output_shape == (None, 1) and model.count_params() == 15 + 4
    data = np.random.default_rng(0).normal(size=(2, 4)).astype("float32")
    k1, b1, k2, b2 = model.get_weights()
    np.testing.assert_allclose(_np(model(data)), (data @ k1 + b1) @ k2 + b2, rtol=1e-5, atol=1e-6)


def test_input_shape_on_first_layer():
    model = Sequential([layers.Dense(2, input_shape=(3,)), layers.Dense(1)])
    assert model.built and model.input_shape == (None, 3)


def test_deferred_build_on_first_call():
    model = Sequential([layers.Dense(2), layers.Dense(1)])
    assert not model.built and model.weights == []
    out = model(np.ones((5, 3), "float32"))
    assert out.shape == (5, 1) and model.built
    assert model.input_shape == (None, 3)
    assert model(np.ones((2, 3), "float32")).shape == (2, 1)


def test_add_and_pop():
    model = Sequential()
    model.add(layers.Input((2,)))
    model.add(layers.Dense(4, name="d1"))
    model.add(layers.Dense(3, name="d2"))
    assert model.output_shape == (None, 3)
    popped = model.pop()
    assert popped.name == "d2" and model.output_shape == (None, 4)
    assert [layer.name for layer in model.layers] == ["d1"]


def test_add_errors():
    model = Sequential([layers.Dense(1, name="same")])
    with pytest.raises(OpInputError, match="unique"):
        model.add(layers.Dense(1, name="same"))
    with pytest.raises(OpInputError, match="not a layer"):
        model.add("dense")
    with pytest.raises(OpInputError, match="only come first"):
        model.add(layers.Input((2,)))


def test_training_flag_and_masks():
    model = Sequential([layers.Input((50,)), layers.Dropout(0.5, seed=1)])
    data = np.ones((3, 50), "float32")
    np.testing.assert_array_equal(_np(model(data)), data)
    assert (_np(model(data, training=True)) == 0).any()


def test_config_roundtrip_and_clone():
    model = Sequential(
        [layers.Input((3,)), layers.Dense(2, activation="relu"), layers.Dense(1)], name="seq"
    )
    rebuilt = Sequential.from_config(model.get_config())
    assert rebuilt.name == "seq" and rebuilt.built
    assert [layer.name for layer in rebuilt.layers] == [layer.name for layer in model.layers]
    rebuilt.set_weights(model.get_weights())
    data = np.ones((2, 3), "float32")
    np.testing.assert_allclose(_np(rebuilt(data)), _np(model(data)), rtol=1e-6)
    clone = models.clone_model(model)
    assert isinstance(clone, Sequential) and clone.count_params() == model.count_params()
    assert all(a is not b for a, b in zip(clone.weights, model.weights))
    restored = models.model_from_json(model.to_json())
    assert isinstance(restored, Sequential) and restored.output_shape == (None, 1)


def test_unbuilt_config_roundtrip():
    model = Sequential([layers.Dense(2)])
    rebuilt = Sequential.from_config(model.get_config())
    assert not rebuilt.built and len(rebuilt.layers) == 1


def test_nested_sequential_in_functional():
    inner = Sequential([layers.Dense(2, kernel_initializer="ones", use_bias=False)])
    x = layers.Input((3,))
    outer = models.Model(x, inner(x))
    np.testing.assert_allclose(_np(outer(np.ones((1, 3), "float32"))), [[3.0, 3.0]])
    assert len(outer.weights) == 1
