"""Devices: JAX's devices under tholos names, a device scope, and clear errors."""

import pytest

from tholos import ops
from tholos.backend._state import current
from tholos.errors import OpInputError

jax = pytest.importorskip("jax")


def _devices():
    return current().devices


def test_list_and_default():
    names = _devices().list_devices()
    assert "cpu:0" in names
    assert _devices().list_devices("cpu") == [n for n in names if n.startswith("cpu")]
    assert _devices().list_devices("CUDA") == _devices().list_devices("gpu")
    assert _devices().get_device() in names


@pytest.mark.parametrize("name", ["cpu:0", "CPU", "/cpu:0", "device:cpu:0"])
def test_scope_places_new_arrays(name):
    with _devices().device_scope(name):
        assert _devices().get_device() == "cpu:0"
        x = ops.ones((2,))
        assert x.devices() == {jax.devices("cpu")[0]}


def test_unknown_device_lists_the_valid_ones():
    with pytest.raises(OpInputError, match="cpu:0"):
        with _devices().device_scope("tpu:7"):
            pass


@pytest.mark.skipif(not jax.devices() or jax.devices()[0].platform != "gpu", reason="no GPU")
def test_gpu_scope():
    assert "gpu:0" in _devices().list_devices("gpu")
    with _devices().device_scope("cuda:0"):
        x = ops.ones((2,))
    assert next(iter(x.devices())).platform == "gpu"
    with _devices().device_scope("cpu:0"):
        y = ops.ones((2,))
    assert next(iter(y.devices())).platform == "cpu"
