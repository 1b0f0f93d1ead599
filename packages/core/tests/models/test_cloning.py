"""clone_model: fresh weights, same architecture, clone/call functions, input tensors."""

import numpy as np
import pytest

from tholos import layers, models, ops
from tholos.errors import OpInputError


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _functional():
    x = layers.Input((3,), name="x")
    shared = layers.Dense(3, name="shared")
    y = shared(shared(x))
    return models.Model(x, layers.Dense(1, name="head")(y), name="net")


def test_clone_functional_new_weights_same_structure():
    model = _functional()
    clone = models.clone_model(model)
    assert clone.name == "net"
    assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers]
    assert len(clone.weights) == len(model.weights) == 4  # shared layer stays shared
    assert all(a is not b for a, b in zip(clone.weights, model.weights))
    clone.set_weights(model.get_weights())
    data = np.ones((2, 3), "float32")
    np.testing.assert_allclose(_np(clone(data)), _np(model(data)), rtol=1e-6)


def test_clone_function_and_call_function():
    model = _functional()
    seen = []

    def clone_function(layer):
        if layer.name == "head":
            return layers.Dense(2, name="new_head")
        return layer.__class__.from_config(layer.get_config())

    def call_function(layer, *args, **kwargs):
        seen.append(layer.name)
        return layer(*args, **kwargs)

    clone = models.clone_model(model, clone_function=clone_function, call_function=call_function)
    assert clone.output_shape == (None, 2)
    assert seen == ["shared", "shared", "new_head"]


def test_clone_with_input_tensors():
    model = _functional()
    new_input = layers.Input((3,), name="fresh")
    clone = models.clone_model(model, input_tensors=new_input)
    assert clone.layers[0].name == "fresh"
    with pytest.raises(OpInputError, match="input_tensors"):
        models.clone_model(model, input_tensors=[new_input, new_input])


def test_clone_sequential_and_subclassed():
    seq = models.Sequential([layers.Input((2,)), layers.Dense(3), layers.Dropout(0.2)])
    clone = models.clone_model(seq)
    assert isinstance(clone, models.Sequential) and clone.built
    assert clone.count_params() == seq.count_params()

    class Sub(models.Model):
        def __init__(self, units=2, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.d = layers.Dense(units)

        def call(self, x):
            return self.d(x)

    sub_clone = models.clone_model(Sub(units=5))
    assert isinstance(sub_clone, Sub) and sub_clone.units == 5


def test_clone_recursive_nested():
    inner = models.Sequential(
        [layers.Input((2,)), layers.Dense(2, name="inner_dense")], name="inner"
    )
    x = layers.Input((2,))
    outer = models.Model(x, inner(x))
    names = []

    def clone_function(layer):
        names.append(layer.name)
        return layer.__class__.from_config(layer.get_config())

    models.clone_model(outer, clone_function=clone_function, recursive=True)
    assert "inner_dense" in names and "inner" not in names
