"""tholos.distribution on JAX: 4 virtual CPU devices, in a subprocess (XLA_FLAGS must be set
before JAX starts). Data-parallel and model-parallel training end with the weights of
single-device training on the same global batches; ModelParallel really shards weights."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("jax") is None, reason="jax is not installed"
)

SCRIPT = textwrap.dedent(
    r"""
    import json, sys
    import numpy as np
    import jax
    import tholos
    from tholos import distribution as dist

    assert len(jax.devices()) == 4, jax.devices()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 6)).astype("float32")
    y = rng.normal(size=(40, 4)).astype("float32")

    def make():
        tholos.utils.set_random_seed(3)
        model = tholos.Sequential(
            [tholos.Input((6,)), tholos.layers.Dense(8, activation="relu", name="d1"),
             tholos.layers.Dense(4, name="d2")]
        )
        model.compile(optimizer=tholos.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
        return model

    def train(model):
        # 40 samples, batch 12: the last batch (4) does not split over 8 ways but does over 4
        history = model.fit(x, y, batch_size=12, epochs=3, shuffle=False, verbose=0)
        return [np.asarray(w) for w in model.get_weights()], history.history

    out = {"devices": dist.list_devices()}
    reference, ref_hist = train(make())

    dp = dist.DataParallel()
    with dp.scope():
        model = make()
        weights, hist = train(model)
    out["dp_err"] = max(float(np.max(np.abs(a - b) / (np.abs(b) + 1e-3)))
                        for a, b in zip(weights, reference))
    out["dp_loss"] = [hist["loss"], ref_hist["loss"]]
    kernel = model.layers[0].kernel.value
    out["dp_kernel_replicated"] = bool(kernel.sharding.is_fully_replicated)
    out["dp_kernel_devices"] = len(kernel.sharding.device_set)

    mesh = dist.DeviceMesh((2, 2), ("batch", "model"), dist.list_devices())
    layout_map = dist.LayoutMap(mesh)
    layout_map["d1/kernel"] = (None, "model")
    layout_map["d2/kernel"] = ("model", None)
    layout_map["d1/bias"] = ("model",)
    mp = dist.ModelParallel(layout_map=layout_map, batch_dim_name="batch")
    dist.set_distribution(mp)
    model = make()
    weights, hist = train(model)
    dist.set_distribution(None)
    out["mp_err"] = max(float(np.max(np.abs(a - b) / (np.abs(b) + 1e-3)))
                        for a, b in zip(weights, reference))
    k1 = model.layers[0].kernel.value
    k2 = model.layers[1].kernel.value
    out["mp_k1_spec"] = [str(a) for a in k1.sharding.spec]
    out["mp_k2_spec"] = [str(a) for a in k2.sharding.spec]
    out["mp_k1_shard_shape"] = list(k1.addressable_shards[0].data.shape)
    out["mp_k2_shard_shape"] = list(k2.addressable_shards[0].data.shape)
    out["mp_bias_replicated"] = bool(model.layers[1].bias.value.sharding.is_fully_replicated)
    with mp.scope():
        preds = model.predict(x, batch_size=8, verbose=0)
        evaluated = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    out["predict_shape"] = list(preds.shape)
    out["predict_err"] = float(np.max(np.abs(preds - model.predict(x, verbose=0))))
    plain = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    out["eval_loss_err"] = max(abs(evaluated[k] - plain[k]) for k in plain)

    layout = dist.TensorLayout(("batch", "model"), mesh)
    t = dist.distribute_tensor(np.ones((4, 8), "float32"), layout)
    out["tensor_shard_shape"] = list(t.addressable_shards[0].data.shape)
    print("RESULT" + json.dumps(out))
    """
)


def _run(script: str, timeout: float = 50) -> dict:
    env = dict(os.environ)
    env["XLA_FLAGS"] = env.get("XLA_FLAGS", "") + " --xla_force_host_platform_device_count=4"
    env["THOLOS_BACKEND"] = "jax"
    env["JAX_PLATFORMS"] = "cpu"
    proc = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=timeout
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT")][-1]
    return json.loads(line[len("RESULT") :])


@pytest.mark.no_backend
def test_data_and_model_parallel_on_4_cpu_devices():
    out = _run(SCRIPT)
    assert out["devices"] == ["cpu:0", "cpu:1", "cpu:2", "cpu:3"]
    assert out["dp_err"] < 1e-5, out
    dp_loss, ref_loss = out["dp_loss"]
    assert dp_loss == pytest.approx(ref_loss, rel=1e-5)
    assert out["dp_kernel_replicated"] and out["dp_kernel_devices"] == 4
    assert out["mp_err"] < 1e-5, out
    assert out["mp_k1_spec"] == ["None", "model"]
    assert out["mp_k2_spec"] == ["model", "None"]
    assert out["mp_k1_shard_shape"] == [6, 4]  # (6, 8) split over the 2-way model axis
    assert out["mp_k2_shard_shape"] == [4, 4]  # (8, 4) split along its first dimension
    assert out["mp_bias_replicated"]
    assert out["predict_shape"] == [40, 4] and out["predict_err"] < 1e-5
    assert out["eval_loss_err"] < 1e-5
    assert out["tensor_shard_shape"] == [2, 4]
