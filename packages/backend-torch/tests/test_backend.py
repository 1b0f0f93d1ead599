"""The torch backend as a plugin: loading, Variables, gradients, devices, compile hooks."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

import numpy as np
import pytest
import torch

import tholos
from tholos import ops
from tholos.backend import StatelessScope
from tholos.backend._discovery import Registry
from tholos.config import use_backend


def test_entry_point_is_declared():
    eps = {ep.name: ep for ep in importlib.metadata.entry_points(group="tholos.backends")}
    assert eps["torch"].value == "tholos_backend_torch.plugin"


def test_entry_point_module_does_not_import_torch():
    code = "import sys, tholos_backend_torch.plugin; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_loads_and_validates():
    registry = Registry()
    loaded = registry.get("torch")
    assert loaded.name == "torch"
    assert registry.infos()["torch"].status == "loaded"
    assert dict(loaded.unsupported) == {}


def test_variables_are_parameters_and_assign_in_place():
    with use_backend("torch"):
        v = tholos.Variable(np.ones((2, 3), "float32"), name="kernel")
        param = v.value
        assert isinstance(param, torch.nn.Parameter) and param.requires_grad
        v.assign(np.full((2, 3), 2.0, "float32"))
        assert v.value is param and float(param.sum()) == 12.0
        v.assign_add(ops.ones((2, 3)))
        assert v.value is param and float(param.sum()) == 18.0
        counter = tholos.Variable(0, dtype="int64", trainable=False, name="count")
        assert not isinstance(counter.value, torch.nn.Parameter)
        counter.assign_add(1)
        assert int(counter.numpy()) == 1
        v.trainable = False
        assert not param.requires_grad
        v.trainable = True
        assert param.requires_grad
        seed = tholos.Variable(np.array([1, 2], "uint32"), name="seed", trainable=False)
        seed.assign(np.array([3, 4], "uint32"))
        assert seed.numpy().tolist() == [3, 4] and ops.dtype(seed.value) == "uint32"


def test_variable_does_not_alias_numpy_input():
    with use_backend("torch"):
        arr = np.zeros(3, "float32")
        v = tholos.Variable(arr)
        arr[:] = 5
        assert v.numpy().tolist() == [0.0, 0.0, 0.0]


def test_stateless_scope_reads_mapped_values():
    with use_backend("torch"):
        v = tholos.Variable(np.ones(2, "float32"))
        with StatelessScope([(v, ops.zeros(2))]) as scope:
            assert float(ops.sum(v.value)) == 0.0
            v.assign(ops.full((2,), 7.0))
        assert float(ops.sum(v.value)) == 2.0
        assert float(ops.sum(scope.get_current_value(v))) == 14.0


def _grads(backend, fn, values):
    with use_backend(backend):
        variables = [tholos.Variable(np.asarray(v)) for v in values]
        trainer = tholos.backend._state.current().trainer

        def loss_fn():
            return fn(*[v.value for v in variables]), None

        loss, _, grads = trainer.compute_gradients(loss_fn, variables)
        return float(ops.convert_to_numpy(loss)), [
            np.asarray(ops.convert_to_numpy(g)) for g in grads
        ]


GRAD_CASES = {
    "mlp": (
        lambda w, b: ops.mean(ops.square(ops.relu(ops.matmul(_X, w) + b) - 1.0)),
        [np.linspace(-1, 1, 12).reshape(4, 3), np.linspace(0, 1, 3)],
    ),
    "conv_pool": (
        lambda k: ops.sum(
            ops.average_pool(
                ops.max_pool(ops.conv(_IMG, k, padding="same", strides=2), 2, padding="same"), 2
            )
        ),
        [np.linspace(-1, 1, 54).reshape(3, 3, 2, 3)],
    ),
    "softmax_ce": (
        lambda w: ops.mean(ops.categorical_crossentropy(_Y, ops.matmul(_X, w), from_logits=True)),
        [np.linspace(-1, 1, 12).reshape(4, 3)],
    ),
    "layernorm": (
        lambda g: ops.sum(ops.layer_normalization(_X, g, None) ** 2),
        [np.linspace(0.5, 1.5, 4)],
    ),
    "bridged_ctc_free": (
        lambda w: ops.sum(ops.image.resize(ops.reshape(w, (1, 2, 2, 1)), (3, 3))),
        [np.linspace(0, 1, 4)],
    ),
    "unused": (lambda w, u: ops.sum(w * 2.0), [np.ones(2), np.ones(3)]),
    "conv_transpose": (
        lambda k: ops.sum(ops.conv_transpose(_IMG, k, strides=2, padding="same") ** 2),
        [np.linspace(-1, 1, 36).reshape(3, 3, 2, 2)],
    ),
}
_X = np.linspace(-1, 1, 8).reshape(2, 4)
_Y = np.eye(3)[[0, 2]]
_IMG = np.linspace(-1, 1, 2 * 5 * 5 * 2).reshape(2, 5, 5, 2)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", sorted(GRAD_CASES))
def test_gradients_match_reference(case, dtype):
    fn, values = GRAD_CASES[case]
    values = [v.astype(dtype) for v in values]
    ref_loss, ref = _grads("numpy", fn, values)
    got_loss, got = _grads("torch", fn, values)
    tol = 1e-4 if dtype == "float32" else 1e-9
    np.testing.assert_allclose(got_loss, ref_loss, rtol=tol)
    for g, r in zip(got, ref):
        assert g.dtype == r.dtype and g.shape == r.shape
        np.testing.assert_allclose(g, r, rtol=tol, atol=tol)


def test_compute_gradients_applies_updates_after_backward():
    with use_backend("torch"):
        w = tholos.Variable(np.ones(3, "float32"))
        moving = tholos.Variable(np.zeros(3, "float32"), trainable=False)
        trainer = tholos.backend._state.current().trainer

        def loss_fn():
            y = w.value * 3.0
            moving.assign(moving.value * 0.5 + y)  # depends on the graph: applied detached
            return ops.sum(y), y

        loss, aux, grads = trainer.compute_gradients(loss_fn, [w, moving])
        assert float(loss) == 9.0 and not aux.requires_grad
        assert grads[0].tolist() == [3.0, 3.0, 3.0] and grads[1].tolist() == [0.0, 0.0, 0.0]
        assert moving.numpy().tolist() == [3.0, 3.0, 3.0]
        assert not moving.value.requires_grad


def test_custom_gradient_and_stop_gradient():
    with use_backend("torch"):

        @ops.custom_gradient
        def clipped(x):
            def grad_fn(upstream):
                return ops.clip(upstream, -1.0, 1.0)

            return x * 1.0, grad_fn

        w = tholos.Variable(np.array([3.0], "float32"))
        trainer = tholos.backend._state.current().trainer
        _, _, g = trainer.compute_gradients(lambda: (ops.sum(clipped(w.value) * 5.0), None), [w])
        assert g[0].tolist() == [1.0]
        _, _, g = trainer.compute_gradients(
            lambda: (ops.sum(ops.stop_gradient(w.value) * w.value), None), [w]
        )
        assert g[0].tolist() == [3.0]


def test_random_is_stateless_and_on_device():
    with use_backend("torch"):
        seed = ops.convert_to_tensor(np.array([1, 2], "uint32"))
        a = tholos.random.normal((1000,), seed=seed)
        b = tholos.random.normal((1000,), seed=seed)
        assert torch.equal(a, b)
        assert abs(float(ops.mean(a))) < 0.15 and abs(float(ops.std(a)) - 1) < 0.1
        u = tholos.random.uniform((1000,), 2.0, 3.0, seed=seed)
        assert float(ops.min(u)) >= 2.0 and float(ops.max(u)) < 3.0
        d = tholos.random.dropout(ops.ones((1000,)), 0.5, seed=seed)
        assert set(np.unique(ops.convert_to_numpy(d)).tolist()) <= {0.0, 2.0}
        r = tholos.random.randint((100,), 0, 5, seed=seed)
        assert ops.dtype(r) == "int32" and int(ops.max(r)) <= 4
        s = tholos.random.shuffle(ops.arange(10), seed=seed)
        assert sorted(ops.convert_to_numpy(s).tolist()) == list(range(10))
        g = tholos.random.gamma((100,), 2.0, seed=seed)
        assert ops.dtype(g) == "float32" and float(ops.min(g)) > 0
        c = tholos.random.categorical(ops.convert_to_tensor([[0.0, 100.0]]), 5, seed=seed)
        assert ops.convert_to_numpy(c).tolist() == [[1] * 5]
        t = tholos.random.truncated_normal((1000,), seed=seed)
        assert float(ops.max(ops.abs(t))) <= 2.0


def test_devices():
    from tholos_backend_torch import devices

    assert devices.list_devices()[0] == "cpu:0"
    assert devices.list_devices("cpu") == ["cpu:0"]
    with devices.device_scope("cpu"):
        assert devices.get_device() == "cpu:0"
        with use_backend("torch"):
            assert ops.ones((2,)).device.type == "cpu"
    with pytest.raises(ValueError):
        with devices.device_scope("tpu:3"):
            pass
    if torch.cuda.is_available():
        with devices.device_scope("gpu:0"):
            assert devices.get_device() == "gpu:0"
            with use_backend("torch"):
                assert ops.ones((2,)).device.type == "cuda"
        assert devices.to_torch_device("cuda:0") == torch.device("cuda", 0)


def test_compile_step_eager_and_fallback():
    from tholos_backend_torch import trainer

    def step(data):
        return data * 2

    assert trainer.compile_step(step, kind="train", jit_compile=False, model=None) is step
    assert isinstance(trainer.supports_jit(), bool)


def test_torch_functions_accept_variables():
    with use_backend("torch"):
        v = tholos.Variable(np.ones(3, "float32"))
        assert float(torch.sum(v)) == 3.0
