"""The config registry: registered objects only, custom scopes, markers, dtype policies."""

import numpy as np
import pytest

from tholos import dtype_policies, layers
from tholos.errors import ConfigError
from tholos.saving import (
    custom_object_scope,
    deserialize_object,
    get_registered_name,
    get_registered_object,
    register_serializable,
    serialize_object,
)


def test_unregistered_class_is_never_imported():
    config = {"module": "os", "class_name": "system", "config": {"command": "echo hi"}}
    with pytest.raises(ConfigError, match="not registered"):
        deserialize_object(config)
    config = {"module": "collections", "class_name": "OrderedDict", "config": {}}
    with pytest.raises(ConfigError, match="not registered"):
        deserialize_object(config)


def test_register_and_custom_scope():
    @register_serializable(package="Reg")
    class Thing(layers.Layer):
        def __init__(self, k=1, **kwargs):
            super().__init__(**kwargs)
            self.k = k

        def call(self, x):
            return x

        def get_config(self):
            return {**super().get_config(), "k": self.k}

    assert get_registered_name(Thing) == "Reg>Thing"
    config = serialize_object(Thing(k=5))
    assert config["registered_name"] == "Reg>Thing"
    assert deserialize_object(config).k == 5

    class Unreg(layers.Layer):
        def call(self, x):
            return x

    cfg = serialize_object(Unreg(name="u"))
    with pytest.raises(ConfigError):
        deserialize_object(cfg)
    with custom_object_scope({"Unreg": Unreg}):
        assert isinstance(deserialize_object(cfg), Unreg)
        assert get_registered_object("Unreg") is Unreg
    assert isinstance(deserialize_object(cfg, custom_objects={"Unreg": Unreg}), Unreg)


def test_register_requires_get_config():
    with pytest.raises(ConfigError, match="get_config"):
        register_serializable()(type("NoConfig", (), {}))


def test_markers_roundtrip():
    value = {"t": (1, 2), "a": np.arange(3, dtype="int32"), "n": None, "l": [1.5, "x"]}
    encoded = serialize_object(value)
    decoded = deserialize_object(encoded)
    assert decoded["t"] == (1, 2) and decoded["n"] is None and decoded["l"] == [1.5, "x"]
    np.testing.assert_array_equal(decoded["a"], [0, 1, 2])


def test_identity_name_collision_resolved_by_module():
    from tholos import initializers

    layer_cfg = serialize_object(layers.Identity())
    init_cfg = serialize_object(initializers.Identity(gain=2.0))
    assert isinstance(deserialize_object(layer_cfg), layers.Identity)
    assert isinstance(deserialize_object(init_cfg), initializers.Identity)


def test_dtype_policies():
    p = dtype_policies.DTypePolicy("mixed_float16")
    assert (p.name, p.compute_dtype, p.variable_dtype) == ("mixed_float16", "float16", "float32")
    assert dtype_policies.get("float64").compute_dtype == "float64"
    assert dtype_policies.deserialize(dtype_policies.serialize(p)) == p
    with pytest.raises(ConfigError, match="policy"):
        dtype_policies.DTypePolicy("mixed_int3")
    layer = layers.Dense(2, dtype=p)
    rebuilt = layers.Dense.from_config(layer.get_config())
    assert rebuilt.dtype_policy == p
