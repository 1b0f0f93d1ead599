"""The optional ``Backend.layer_mixin`` hook of ``Layer.__new__`` (framework-free).

On the NumPy backend it is absent: layers are instances of their own classes. A backend that
sets it gets every layer as an instance of ``class C(C, mixin)`` with C's identity for
configs, saving and reprs; here a plain marker class stands in for torch's ``nn.Module``.
"""

import numpy as np
import pytest

import tholos
from tholos import layers, models, saving
from tholos.backend import _state
from tholos.layers.layer import Layer, backend_layer_class, original_class
from tholos.saving.serialization import serialize_object


class Marker:
    """Records that the mixin's ``__new__`` ran for each instance."""

    def __new__(cls, *args, **kwargs):
        obj = super().__new__(cls)
        obj.__dict__["marked"] = True
        return obj

    def marker_method(self):
        return "marker"


@tholos.saving.register_serializable(package="MixinTests")
class Twice(layers.Layer):
    def call(self, x):
        return x * 2.0


@pytest.fixture
def with_marker(monkeypatch):
    monkeypatch.setattr(_state.current(), "layer_mixin", Marker)
    yield Marker


def _model():
    tholos.utils.set_random_seed(0)
    return tholos.Sequential([layers.Input((3,)), layers.Dense(4), Twice(), layers.Dense(1)])


def test_numpy_backend_has_no_mixin_and_plain_classes():
    assert _state.current().name == "numpy"
    assert _state.current().layer_mixin is None
    dense = layers.Dense(2)
    assert type(dense) is layers.Dense
    assert type(_model()) is tholos.Sequential
    assert original_class(layers.Dense) is layers.Dense
    assert "_tholos_original_class" not in layers.Dense.__dict__


def test_mixin_is_added_once_per_class_with_the_original_identity(with_marker):
    dense = layers.Dense(2)
    cls = type(dense)
    assert cls is not layers.Dense and issubclass(cls, layers.Dense) and issubclass(cls, Marker)
    assert isinstance(dense, layers.Dense) and isinstance(dense, Marker)
    assert dense.marked and dense.marker_method() == "marker"
    assert (cls.__name__, cls.__qualname__, cls.__module__) == (
        "Dense",
        layers.Dense.__qualname__,
        layers.Dense.__module__,
    )
    assert original_class(cls) is layers.Dense
    assert type(layers.Dense(3)) is cls is backend_layer_class(layers.Dense, Marker)
    # tholos methods come first in the MRO; the call path is Layer.__call__
    assert cls.__mro__.index(Layer) < cls.__mro__.index(Marker)
    assert cls.__call__ is Layer.__call__
    assert repr(dense) == f"<Dense name={dense.name}, built=False>"


def test_configs_and_serialization_are_those_of_the_original(with_marker):
    model = _model()
    assert isinstance(model, Marker) and all(isinstance(layer, Marker) for layer in model.layers)
    twice = model.layers[1]
    cfg = serialize_object(twice)
    assert cfg["registered_name"] == "MixinTests>Twice" and cfg["class_name"] == "Twice"
    dense_cfg = serialize_object(model.layers[0])
    assert dense_cfg["module"] == "tholos.layers"
    rebuilt = type(model.layers[0]).from_config(model.layers[0].get_config())
    assert isinstance(rebuilt, layers.Dense) and rebuilt.marked
    clone = models.clone_model(model)
    assert isinstance(clone, tholos.Sequential) and isinstance(clone, Marker)
    assert clone.get_config() == model.get_config()
    lines = []
    model.summary(print_fn=lines.append)
    assert "(Twice)" in "\n".join(lines)


def test_functional_and_subclassed_models_round_trip_through_keras_files(with_marker, tmp_path):
    x = layers.Input((3,))
    functional = tholos.Model(x, layers.Dense(2)(x))
    assert isinstance(functional, models.Functional) and isinstance(functional, Marker)
    clone = models.clone_model(functional)
    assert isinstance(clone, models.Functional)
    data = np.arange(6, dtype="float32").reshape(2, 3)
    model = _model()
    model.save(tmp_path / "m.keras")
    loaded = saving.load_model(tmp_path / "m.keras")
    assert isinstance(loaded, tholos.Sequential) and isinstance(loaded, Marker)
    np.testing.assert_allclose(np.asarray(loaded(data)), np.asarray(model(data)), rtol=1e-6)


def test_models_made_with_the_mixin_match_plain_ones(with_marker, monkeypatch, tmp_path):
    data = np.arange(6, dtype="float32").reshape(2, 3)
    mixed = _model()
    mixed.save(tmp_path / "mixed.keras")
    monkeypatch.setattr(_state.current(), "layer_mixin", None)
    plain = _model()
    assert type(plain) is tholos.Sequential

    def unnamed(model):
        out = []
        for layer in model.get_config()["layers"][1:]:
            config = {k: v for k, v in layer["config"].items() if k != "name"}
            out.append({**layer, "config": config})
        return out

    assert unnamed(plain) == unnamed(mixed)
    loaded = saving.load_model(tmp_path / "mixed.keras")
    assert type(loaded) is tholos.Sequential  # no mixin active any more: plain classes
    np.testing.assert_allclose(np.asarray(loaded(data)), np.asarray(mixed(data)), rtol=1e-6)
