"""tholos.distribution on TensorFlow: DataParallel as a MirroredStrategy over 2 logical CPU
devices, in a subprocess (logical devices must be configured before TensorFlow starts)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("tensorflow") is None, reason="tensorflow is not installed"
)

SCRIPT = textwrap.dedent(
    r"""
    import json, os, sys
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    import numpy as np
    import tholos
    from tholos import distribution as dist

    rng = np.random.default_rng(0)
    x = rng.normal(size=(44, 5)).astype("float32")
    y = (x @ rng.normal(size=(5, 3))).astype("float32")

    def make():
        tholos.utils.set_random_seed(7)
        model = tholos.Sequential([tholos.Input((5,)),
                                   tholos.layers.Dense(8, activation="tanh", name="d1"),
                                   tholos.layers.Dense(3, name="d2")])
        model.compile(optimizer=tholos.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
        return model

    def train(model):
        # 44 samples, batch 16: 16, 16, 12 -> every replica gets 8, 8, 6
        hist = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
        return [np.asarray(w) for w in model.get_weights()], hist.history

    reference, ref_hist = train(make())
    ref_model = make()
    ref_model.set_weights(reference)
    ref_eval = ref_model.evaluate(x, y, batch_size=10, verbose=0, return_dict=True)
    ref_pred = ref_model.predict(x, batch_size=10, verbose=0)

    out = {"devices": dist.list_devices()}
    dp = dist.DataParallel()
    with dp.scope():
        model = make()
        out["mirrored"] = type(model.layers[0].kernel.tf_variable).__name__
        weights, hist = train(model)
        metrics = model.evaluate(x, y, batch_size=10, verbose=0, return_dict=True)
        pred = model.predict(x, batch_size=10, verbose=0)
    from tholos_backend_tensorflow.distribution import get_strategy
    out["strategy"] = type(get_strategy(dp)).__name__
    out["replicas"] = get_strategy(dp).num_replicas_in_sync
    out["weight_err"] = max(float(np.max(np.abs(a - b) / (np.abs(b) + 1e-3)))
                            for a, b in zip(weights, reference))
    out["loss"] = [hist["loss"], ref_hist["loss"]]
    out["mae"] = [hist["mae"], ref_hist["mae"]]
    out["eval"] = [metrics, ref_eval]
    out["pred_shape"] = list(pred.shape)
    out["pred_err"] = float(np.max(np.abs(pred - ref_pred)))
    try:
        dist.set_distribution(dist.ModelParallel(layout_map=dist.LayoutMap(dp.device_mesh)))
    except tholos.errors.UnsupportedOpError as err:
        out["model_parallel_error"] = str(err).splitlines()[0]
    print("RESULT" + json.dumps(out), flush=True)
    """
)


def test_data_parallel_mirrored_two_logical_cpus():
    env = dict(os.environ)
    env.update(THOLOS_BACKEND="tensorflow", CUDA_VISIBLE_DEVICES="", TF_CPP_MIN_LOG_LEVEL="2")
    env.pop("TF_CONFIG", None)
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=58
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT")][-1]
    out = json.loads(line[len("RESULT") :])
    assert out["devices"] == ["cpu:0", "cpu:1"]
    assert out["strategy"] == "MirroredStrategy" and out["replicas"] == 2
    assert out["mirrored"] == "MirroredVariable"
    assert out["weight_err"] < 1e-5, out
    assert out["loss"][0] == pytest.approx(out["loss"][1], rel=1e-5)
    assert out["mae"][0] == pytest.approx(out["mae"][1], rel=1e-5)
    got, want = out["eval"]
    assert got == pytest.approx(want, rel=1e-5)
    assert out["pred_shape"] == [44, 3] and out["pred_err"] < 1e-5
    assert "ModelParallel" in out["model_parallel_error"]
