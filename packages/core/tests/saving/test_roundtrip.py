"""Round trips through .keras and .weights.h5 files."""

from __future__ import annotations

import json
import os
import sys
import zipfile

import numpy as np
import pytest
from saving_helpers import predict, small_sequential

import tholos
from tholos import layers, models, saving
from tholos.errors import ModelConfigError, SavingError, WeightsMismatchError

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
X = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0], [0.0, 0.0, 0.0]], dtype="float32")


def test_sequential_round_trip(tmp_path):
    model = small_sequential()
    path = tmp_path / "m.keras"
    saving.save_model(model, path)
    restored = saving.load_model(path)
    assert type(restored) is models.Sequential
    np.testing.assert_array_equal(predict(restored, X), predict(model, X))
    assert [layer.name for layer in restored.layers] == [layer.name for layer in model.layers]
    for a, b in zip(model.get_weights(), restored.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_archive_layout_is_keras3(tmp_path):
    model = small_sequential()
    model.compile(optimizer="sgd", loss="mse")
    model.train_on_batch(X, np.zeros((3, 2), "float32"))
    path = tmp_path / "m.keras"
    model.save(path) if hasattr(model, "save") else saving.save_model(model, path)
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]
        metadata = json.loads(zf.read("metadata.json"))
        config = json.loads(zf.read("config.json"))
        import io

        import h5py

        with h5py.File(io.BytesIO(zf.read("model.weights.h5")), "r") as f:
            names: list[str] = []
            f.visit(names.append)
    assert {"keras_version", "date_saved", "tholos"} <= set(metadata)
    assert config["module"] == "keras" and config["class_name"] == "Sequential"
    assert config["registered_name"] is None
    assert config["build_config"] == {"input_shape": [None, 3]}
    dense = config["config"]["layers"][1]
    assert dense["module"] == "keras.layers" and dense["class_name"] == "Dense"
    assert dense["build_config"] == {"input_shape": [None, 3]}
    assert config["compile_config"]["optimizer"]["class_name"] == "SGD"
    for expected in (
        "vars",
        "layers/dense/vars/0",
        "layers/dense/vars/1",
        "layers/dense_1/vars/0",
        "layers/dense_1/vars/1",
        "optimizer/vars/0",
    ):
        assert expected in names


def test_functional_with_two_inputs(tmp_path):
    from tholos.layers.merging import Concatenate

    a = layers.Input((3,), name="a")
    b = layers.Input((2,), name="b")
    h = Concatenate()([layers.Dense(4, activation="tanh")(a), b])
    out = layers.Dense(1)(h)
    model = models.Model([a, b], out)
    xa, xb = X, np.array([[1.0, 2.0], [3.0, 4.0], [0.0, -1.0]], dtype="float32")
    path = tmp_path / "f.keras"
    saving.save_model(model, path)
    restored = saving.load_model(path)
    np.testing.assert_array_equal(predict(restored, [xa, xb]), predict(model, [xa, xb]))
    with zipfile.ZipFile(path) as zf:
        config = json.loads(zf.read("config.json"))
    assert config["class_name"] == "Functional"
    assert config["module"] == "keras.src.models.functional"
    assert config["registered_name"] == "Functional"


@saving.register_serializable(package="SavingTests")
class TwoLayerModel(models.Model):
    def __init__(self, hidden=5, **kwargs):
        super().__init__(**kwargs)
        self.hidden = hidden
        self.first = layers.Dense(hidden, activation="relu")
        self.second = layers.Dense(1)

    def call(self, x):
        return self.second(self.first(x))

    def get_config(self):
        return {"hidden": self.hidden, "name": self.name}


def test_subclassed_registered_model(tmp_path):
    model = TwoLayerModel(hidden=6)
    expected = predict(model, X)
    path = tmp_path / "s.keras"
    saving.save_model(model, path)
    restored = saving.load_model(path)
    assert type(restored) is TwoLayerModel and restored.hidden == 6
    np.testing.assert_array_equal(predict(restored, X), expected)


class Scale(layers.Layer):  # deliberately not registered
    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

    def call(self, x):
        return x * self.w * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def test_custom_objects(tmp_path):
    model = models.Sequential([layers.Input((3,)), Scale(2.0), layers.Dense(2)])
    model.layers[0].w.assign(np.array([1.0, 2.0, 3.0], dtype="float32"))
    path = tmp_path / "c.keras"
    saving.save_model(model, path)
    with pytest.raises(ModelConfigError, match="Scale"):
        saving.load_model(path)
    restored = saving.load_model(path, custom_objects={"Scale": Scale})
    np.testing.assert_array_equal(predict(restored, X), predict(model, X))
    with saving.custom_object_scope({"Scale": Scale}):
        again = saving.load_model(path)
    np.testing.assert_array_equal(predict(again, X), predict(model, X))


def test_weights_round_trip_and_mismatch(tmp_path):
    model = small_sequential(seed=1)
    path = tmp_path / "w.weights.h5"
    saving.save_weights(model, path)
    other = small_sequential(seed=2)
    saving.load_weights(other, path)
    np.testing.assert_array_equal(predict(other, X), predict(model, X))
    wrong = models.Sequential([layers.Input((3,)), layers.Dense(5), layers.Dense(2)])
    before = [w.copy() for w in wrong.get_weights()]
    with pytest.raises(WeightsMismatchError):
        saving.load_weights(wrong, path)
    for a, b in zip(before, wrong.get_weights()):  # nothing assigned on failure
        np.testing.assert_array_equal(a, b)
    with pytest.warns(UserWarning):
        saving.load_weights(wrong, path, skip_mismatch=True)


def test_load_weights_from_keras_file_and_overwrite(tmp_path):
    model = small_sequential(seed=3)
    path = tmp_path / "m.keras"
    saving.save_model(model, path)
    other = small_sequential(seed=4)
    saving.load_weights(other, path)
    np.testing.assert_array_equal(predict(other, X), predict(model, X))
    with pytest.raises(SavingError):
        saving.save_model(model, path, overwrite=False)
    with pytest.raises(SavingError):
        saving.save_model(model, tmp_path / "m.h5")
    with pytest.raises(SavingError):
        saving.save_weights(model, tmp_path / "m.h5")


def test_keras3_fixture_loads_with_right_predictions():
    sys.path.insert(0, FIXTURES)
    try:
        import make_keras3_fixture as fx
    finally:
        sys.path.remove(FIXTURES)
    model = saving.load_model(os.path.join(FIXTURES, "keras3_sequential.keras"))
    np.testing.assert_allclose(predict(model, X), fx.expected(X), rtol=1e-6, atol=1e-6)
    assert type(model.optimizer).__name__ == "SGD"
    assert int(np.asarray(model.optimizer.iterations.numpy())) == 7
    uncompiled = saving.load_model(os.path.join(FIXTURES, "keras3_sequential.keras"), compile=False)
    assert uncompiled.optimizer is None
    np.testing.assert_allclose(predict(uncompiled, X), fx.expected(X), rtol=1e-6, atol=1e-6)


def test_public_names():
    for name in (
        "save_model",
        "load_model",
        "save_weights",
        "load_weights",
        "register_serializable",
        "get_custom_objects",
        "custom_object_scope",
    ):
        assert callable(getattr(saving, name))
    assert issubclass(tholos.errors.UnsafeArchiveError, tholos.errors.SavingError)
