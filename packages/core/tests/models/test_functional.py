"""Functional models: graphs, several inputs/outputs, dicts, shared layers, nesting, config."""

import json

import numpy as np
import pytest

import tholos
from tholos import layers, models, ops
from tholos.errors import OpInputError
from tholos.models import Functional, Model


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def test_model_call_returns_functional_and_matches_manual_computation():
    x = layers.Input((3,))
    h = layers.Dense(4, activation="relu", name="h")(x)
    y = layers.Dense(2, name="y")(h)
    model = Model(inputs=x, outputs=y)
    assert isinstance(model, Functional) and isinstance(model, Model)
    data = np.random.default_rng(0).normal(size=(5, 3)).astype("float32")
    k1, b1, k2, b2 = model.get_weights()
    expected = np.maximum(data @ k1 + b1, 0) @ k2 + b2
    np.testing.assert_allclose(_np(model(data)), expected, rtol=1e-5, atol=1e-6)
    assert [layer.name for layer in model.layers][1:] == ["h", "y"]
    assert model.get_layer("h") is model.layers[1] and model.get_layer(index=2).name == "y"
    assert model.input_shape == (None, 3) and model.output_shape == (None, 2)


def test_multiple_inputs_outputs_and_dicts():
    a = layers.Input((3,), name="a")
    b = layers.Input((2,), name="b")
    ha = layers.Dense(2, kernel_initializer="ones", use_bias=False)(a)
    total = layers.Lambda(lambda t: t[0] + t[1])([ha, b])
    model = Model({"a": a, "b": b}, {"sum": total, "ha": ha})
    out = model({"a": np.ones((1, 3), "float32"), "b": np.full((1, 2), 10.0, "float32")})
    np.testing.assert_allclose(_np(out["sum"]), [[13.0, 13.0]])
    np.testing.assert_allclose(_np(out["ha"]), [[3.0, 3.0]])
    listed = Model([a, b], [total, ha])
    first, _ = listed([np.ones((1, 3), "float32"), np.zeros((1, 2), "float32")])
    np.testing.assert_allclose(_np(first), [[3.0, 3.0]])
    by_name = listed({"a": np.ones((1, 3), "float32"), "b": np.zeros((1, 2), "float32")})
    np.testing.assert_allclose(_np(by_name[0]), [[3.0, 3.0]])


def test_shared_layer_applied_twice():
    shared = layers.Dense(2, kernel_initializer="ones", use_bias=False)
    a, b = layers.Input((2,)), layers.Input((2,))
    model = Model([a, b], [shared(a), shared(b)])
    assert len(model.weights) == 1
    ya, yb = model([np.ones((1, 2), "float32"), np.full((1, 2), 2.0, "float32")])
    np.testing.assert_allclose(_np(ya), [[2.0, 2.0]])
    np.testing.assert_allclose(_np(yb), [[4.0, 4.0]])


def test_nested_model_as_layer():
    inner_in = layers.Input((3,))
    inner = Model(inner_in, layers.Dense(2, kernel_initializer="ones")(inner_in), name="inner")
    x = layers.Input((3,))
    y = layers.Dense(1, kernel_initializer="ones")(inner(x))
    outer = Model(x, y)
    assert outer.count_params() == 8 + 3
    np.testing.assert_allclose(_np(outer(np.ones((1, 3), "float32"))), [[6.0]])
    assert outer.get_layer("inner") is inner


def test_training_flag_reaches_dropout_inside_graph():
    x = layers.Input((100,))
    model = Model(x, layers.Dropout(0.5, seed=2)(x))
    data = np.ones((4, 100), "float32")
    np.testing.assert_array_equal(_np(model(data)), data)
    assert (_np(model(data, training=True)) == 0).any()


def test_masks_flow_through_graph():
    seen = {}

    class Reader(layers.Layer):
        def call(self, x, mask=None):
            seen["mask"] = mask
            return x

    x = layers.Input((3, 1))
    model = Model(x, Reader()(layers.Masking()(x)))
    model(np.array([[[1.0], [0.0], [4.0]]], "float32"))
    np.testing.assert_array_equal(_np(seen["mask"]), [[True, False, True]])


def test_ops_on_keras_tensors_inside_graph():
    x = layers.Input((2,))
    y = layers.Dense(2, kernel_initializer="ones", use_bias=False)(x)
    z = ops.add(y, 1.0)
    model = Model(x, z)
    np.testing.assert_allclose(_np(model(np.ones((1, 2), "float32"))), [[3.0, 3.0]])


def test_disconnected_graph_error():
    a, b = layers.Input((2,), name="in_a"), layers.Input((2,), name="in_b")
    y = layers.Dense(1)(b)
    with pytest.raises(OpInputError, match="Graph disconnected") as info:
        Model(a, y)
    assert "in_b" in str(info.value)


def test_wrong_number_of_inputs_and_wrong_shape():
    a, b = layers.Input((2,)), layers.Input((2,))
    model = Model([a, b], layers.Lambda(lambda t: t[0] + t[1])([a, b]))
    with pytest.raises(OpInputError, match="expects 2 input"):
        model(np.ones((1, 2), "float32"))
    x = layers.Input((3,))
    single = Model(x, layers.Dense(1)(x))
    with pytest.raises(ValueError) as info:
        single(np.ones((1, 4), "float32"))
    assert "(1, 4)" in str(info.value)


def test_symbolic_call_of_model():
    x = layers.Input((3,))
    model = Model(x, layers.Dense(2)(x))
    y = model(layers.Input((3,)))
    assert y.shape == (None, 2)
    z = model(tholos.KerasTensor((7, 3)))
    assert z.shape == (7, 2)


def test_get_config_from_config_and_json():
    x = layers.Input((4,), name="x")
    h = layers.Dense(3, activation="relu", name="h")(x)
    y = layers.Dense(2, name="y")(layers.Dropout(0.1)(h))
    model = Model(x, [y, h], name="net")
    config = model.get_config()
    json.dumps(tholos.saving.serialize_object(model))
    rebuilt = Model.from_config(config)
    assert rebuilt.name == "net"
    assert [layer.name for layer in rebuilt.layers] == [layer.name for layer in model.layers]
    assert [w.shape for w in rebuilt.weights] == [w.shape for w in model.weights]
    rebuilt.set_weights(model.get_weights())
    data = np.ones((2, 4), "float32")
    for got, want in zip(rebuilt(data), model(data)):
        np.testing.assert_allclose(_np(got), _np(want), rtol=1e-6)
    again = models.model_from_json(model.to_json())
    assert isinstance(again, Functional) and len(again.outputs) == 2


def test_functional_subclass_init():
    class MyModel(Model):
        def __init__(self, units=2, **kwargs):
            x = layers.Input((3,))
            super().__init__(inputs=x, outputs=layers.Dense(units)(x), **kwargs)
            self.units = units

    model = MyModel(units=4)
    assert isinstance(model, MyModel) and isinstance(model, Functional)
    assert model(np.ones((2, 3), "float32")).shape == (2, 4)
    assert model.units == 4


def test_integer_inputs_keep_dtype():
    x = layers.Input((2,), dtype="int32")
    model = Model(x, layers.Lambda(lambda t: t * 2)(x))
    out = model(np.array([[1, 2]]))
    assert tholos.backend.standardize_dtype(out.dtype) == "int32"
