"""Subclassed models: tracking, lazy build, training flag, build(), get_config."""

import numpy as np
import pytest

from tholos import layers, ops
from tholos.models import Model, Sequential


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


class MyDropout(layers.Layer):
    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        from tholos.random import SeedGenerator

        self.seed_generator = SeedGenerator(seed)

    def call(self, inputs, training=None):
        from tholos import random

        if training:
            return random.dropout(inputs, self.rate, seed=self.seed_generator)
        return inputs


class MyModel(Model):
    def __init__(self, num_classes, **kwargs):
        super().__init__(**kwargs)
        self.base = Sequential([layers.Dense(8, activation="relu"), layers.Dense(4)])
        self.dp = MyDropout(0.5, seed=1)
        self.head = layers.Dense(num_classes, activation="softmax")

    def call(self, inputs):
        return self.head(self.dp(self.base(inputs)))


def test_subclassed_model_tracks_and_runs():
    model = MyModel(3)
    assert not isinstance(model, Sequential)
    assert [type(layer).__name__ for layer in model.layers] == ["Sequential", "MyDropout", "Dense"]
    out = model(np.ones((2, 5), "float32"))
    np.testing.assert_allclose(_np(out).sum(axis=-1), [1.0, 1.0], rtol=1e-5)
    assert len(model.weights) == 6 and model.count_params() == 5 * 8 + 8 + 8 * 4 + 4 + 4 * 3 + 3
    # the custom dropout's seed state is a variable but not a weight
    assert len(model.variables) == 7 and len(model.non_trainable_variables) == 1


def test_training_flag_reaches_custom_layer():
    model = MyModel(2)
    data = np.ones((4, 5), "float32")
    a = _np(model(data))
    b = _np(model(data))
    np.testing.assert_array_equal(a, b)
    c = _np(model.base(data, training=True))
    assert c.shape == (4, 4)


def test_explicit_build_runs_call():
    model = MyModel(2)
    model.build((None, 5))
    assert model.built and model.base.built and model.head.built
    assert model.count_params() == 5 * 8 + 8 + 8 * 4 + 4 + 4 * 2 + 2


def test_subclassed_freeze_and_get_weights_order():
    model = MyModel(2)
    model(np.ones((1, 5), "float32"))
    names = [w.path for w in model.weights]
    assert names[0].endswith("kernel") and names[1].endswith("bias")
    model.base.trainable = False
    assert len(model.trainable_weights) == 2
    assert len(model.non_trainable_weights) == 4


def test_get_config_needs_plain_args_or_override():
    model = MyModel(3)
    config = model.get_config()
    assert config["num_classes"] == 3
    clone = MyModel.from_config(config)
    assert isinstance(clone, MyModel)

    class Opaque(Model):
        def __init__(self, layer_obj):
            super().__init__()
            self.inner = layer_obj

        def call(self, x):
            return self.inner(x)

    with pytest.raises(NotImplementedError, match="get_config"):
        Opaque(layers.Dense(1)).get_config()
