"""tholos.distribution's framework-free API, on the NumPy backend."""

from __future__ import annotations

import numpy as np
import pytest

import tholos
from tholos import distribution as dist
from tholos.errors import ConfigError, UnsupportedOpError

DEVICES = [f"cpu:{i}" for i in range(8)]


@pytest.fixture(autouse=True)
def _no_global_distribution():
    yield
    dist.set_distribution(None)


def test_exported_names():
    for name in (
        "list_devices",
        "DeviceMesh",
        "TensorLayout",
        "LayoutMap",
        "DataParallel",
        "ModelParallel",
        "set_distribution",
        "distribution",
        "initialize",
    ):
        assert hasattr(tholos.distribution, name)


def test_list_devices_on_numpy():
    assert dist.list_devices() == ["cpu:0"]
    assert dist.list_devices("cpu") == ["cpu:0"]
    assert dist.list_devices("gpu") == []


def test_device_mesh_shapes_devices():
    mesh = dist.DeviceMesh((2, 4), ("batch", "model"), DEVICES)
    assert mesh.shape == (2, 4)
    assert mesh.axis_names == ("batch", "model")
    assert mesh.devices.shape == (2, 4)
    assert mesh.devices[1, 0] == "cpu:4"
    assert mesh.axis_size("model") == 4
    nested = dist.DeviceMesh((2, 4), ("batch", "model"), np.array(DEVICES).reshape(2, 4))
    assert nested == mesh and hash(nested) == hash(mesh)
    assert dist.DeviceMesh(1, "batch").devices.tolist() == ["cpu:0"]  # default: list_devices


@pytest.mark.parametrize(
    "args",
    [
        ((3,), ("batch",), DEVICES),  # 3 != 8 devices
        ((2, 4), ("batch",), DEVICES),  # one name for two axes
        ((2, 4), ("a", "a"), DEVICES),  # duplicate names
        ((0,), ("batch",), []),  # empty shape entry
    ],
)
def test_device_mesh_errors(args):
    with pytest.raises(ConfigError):
        dist.DeviceMesh(*args)


def test_tensor_layout():
    mesh = dist.DeviceMesh((2, 4), ("batch", "model"), DEVICES)
    layout = dist.TensorLayout((None, "model"), mesh)
    assert layout.axes == (None, "model") and layout.device_mesh is mesh
    layout.check_shape((3, 8))
    with pytest.raises(ConfigError, match="cannot be split"):
        layout.check_shape((3, 6))
    with pytest.raises(ConfigError, match="rank"):
        layout.check_shape((8,))
    with pytest.raises(ConfigError, match="not an axis"):
        dist.TensorLayout(("data",), mesh)
    with pytest.raises(ConfigError, match="at most one"):
        dist.TensorLayout(("model", "model"))


def test_layout_map_matching():
    mesh = dist.DeviceMesh((2, 4), ("batch", "model"), DEVICES)
    layout_map = dist.LayoutMap(mesh)
    layout_map["dense.*kernel"] = (None, "model")
    layout_map["dense.*bias"] = dist.TensorLayout(("model",))
    layout_map["conv2d/kernel"] = (None, None, None, "model")
    assert layout_map["dense/kernel"].axes == (None, "model")
    assert layout_map["dense_3/kernel"].device_mesh is mesh
    assert layout_map["dense/bias"].axes == ("model",)
    assert layout_map["embedding/embeddings"] is None
    assert len(layout_map) == 3 and "conv2d/kernel" in list(layout_map)
    layout_map["kernel"] = (None, None)
    with pytest.raises(ConfigError, match="several patterns"):
        layout_map["dense/kernel"]
    assert layout_map["kernel"].axes == (None, None)  # an exact key wins
    with pytest.raises(ConfigError, match="already"):
        layout_map["kernel"] = (None, None)
    del layout_map["kernel"]
    with pytest.raises(ConfigError):
        layout_map["bad"] = 3
    with pytest.raises(ConfigError):
        dist.LayoutMap("not a mesh")


def test_data_parallel():
    dp = dist.DataParallel(devices=DEVICES[:4])
    assert dp.device_mesh.shape == (4,) and dp.batch_dim_name == "batch"
    assert dp.num_replicas == 4
    assert dp.get_data_layout((16, 3)).axes == ("batch", None)
    v = tholos.Variable(np.zeros((3, 5)), name="w")
    assert dp.get_variable_layout(v).axes == (None, None)
    mesh = dist.DeviceMesh((2,), ("data",), DEVICES[:2])
    assert dist.DataParallel(device_mesh=mesh).batch_dim_name == "data"
    assert dist.DataParallel().device_mesh.devices.tolist() == ["cpu:0"]
    with pytest.raises(ConfigError, match="not both"):
        dist.DataParallel(device_mesh=mesh, devices=DEVICES[:2])
    with pytest.raises(ConfigError, match="1-D"):
        dist.DataParallel(device_mesh=dist.DeviceMesh((2, 4), ("a", "b"), DEVICES))


def test_model_parallel_layouts():
    mesh = dist.DeviceMesh((2, 4), ("batch", "model"), DEVICES)
    layout_map = dist.LayoutMap(mesh)
    layout_map["dense/kernel"] = (None, "model")
    mp = dist.ModelParallel(layout_map=layout_map, batch_dim_name="batch")
    assert mp.num_replicas == 2 and mp.layout_map is layout_map
    with tholos.name_scope("dense"):
        kernel = tholos.Variable(np.zeros((3, 8)), name="kernel")
        bias = tholos.Variable(np.zeros((8,)), name="bias")
    assert kernel.path == "dense/kernel"
    assert mp.get_variable_layout(kernel).axes == (None, "model")
    assert mp.get_variable_layout(bias).axes == (None,)
    with tholos.name_scope("dense"):
        odd = tholos.Variable(np.zeros((3, 6)), name="kernel")
    with pytest.raises(ConfigError, match="cannot be split"):
        mp.get_variable_layout(odd)
    assert dist.ModelParallel(layout_map=layout_map).batch_dim_name == "batch"
    with pytest.raises(ConfigError, match="batch_dim_name"):
        dist.ModelParallel(layout_map=layout_map, batch_dim_name="data")
    with pytest.raises(ConfigError, match="LayoutMap"):
        dist.ModelParallel(layout_map=None)


def test_set_distribution_and_scope_on_one_device():
    assert dist.distribution() is None
    one = dist.DataParallel()
    dist.set_distribution(one)
    assert dist.distribution() is one
    other = dist.DataParallel(devices=["cpu:0"])
    with other.scope() as active:
        assert active is other and dist.distribution() is other
    assert dist.distribution() is one
    with pytest.raises(ConfigError):
        dist.set_distribution("data_parallel")


def test_numpy_backend_refuses_several_devices():
    two = dist.DataParallel(devices=["cpu:0", "cpu:1"])
    with pytest.raises(UnsupportedOpError, match="no distribution support"):
        dist.set_distribution(two)
    with pytest.raises(UnsupportedOpError):
        with two.scope():
            pass
    with pytest.raises(UnsupportedOpError, match="several processes"):
        dist.initialize("127.0.0.1:1234,127.0.0.1:1235", 2, 0)
    dist.initialize()  # nothing to join: a no-op


def test_process_helpers_default():
    assert dist.process_id() == 0 and dist.num_processes() == 1 and dist.is_chief()
    assert dist.DataParallel().is_chief


def test_single_device_distribution_trains_as_usual():
    x = np.random.default_rng(0).normal(size=(8, 3))
    y = x @ np.array([[1.0], [-2.0], [0.5]])

    def train():
        tholos.utils.set_random_seed(1)
        model = tholos.Sequential([tholos.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        model.fit(x, y, batch_size=4, epochs=2, verbose=0, shuffle=False)
        return model.get_weights()

    plain = train()
    with dist.DataParallel().scope():
        scoped = train()
    for a, b in zip(plain, scoped):
        np.testing.assert_allclose(a, b)
