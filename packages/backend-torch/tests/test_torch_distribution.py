"""tholos.distribution on torch: DataParallel over 2 processes (gloo, 127.0.0.1), started as
torchrun starts them (RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT), each bounded in time."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap

import pytest

torch = pytest.importorskip("torch")

SCRIPT = textwrap.dedent(
    r"""
    import json, os, sys
    import numpy as np
    import tholos
    from tholos import distribution as dist

    out_dir = sys.argv[1]
    rank = int(os.environ["RANK"])
    rng = np.random.default_rng(0)
    x = rng.normal(size=(44, 5)).astype("float32")
    y = (x @ rng.normal(size=(5, 3))).astype("float32")
    labels = rng.integers(0, 3, size=(44,))

    def make():
        tholos.utils.set_random_seed(7)
        model = tholos.Sequential([tholos.Input((5,)),
                                   tholos.layers.Dense(8, activation="tanh", name="d1"),
                                   tholos.layers.Dense(3, name="d2")])
        model.compile(optimizer=tholos.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
        return model

    def train(model, callbacks=()):
        # 44 samples, batch 16: 16, 16, 12 -> every rank gets 8, 8, 6
        hist = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0,
                         callbacks=list(callbacks))
        return [np.asarray(w) for w in model.get_weights()], hist.history

    reference, ref_hist = train(make())
    ref_eval = make()
    ref_eval.set_weights(reference)
    ref_metrics = ref_eval.evaluate(x, y, batch_size=10, verbose=0, return_dict=True)
    ref_pred = ref_eval.predict(x, batch_size=10, verbose=0)

    dist.initialize()
    result = {"rank": dist.process_id(), "world": dist.num_processes(),
              "devices": dist.list_devices(), "chief": dist.is_chief()}
    files = os.path.join(out_dir, f"rank{rank}")
    os.makedirs(files, exist_ok=True)
    dp = dist.DataParallel()
    with dp.scope():
        model = make()
        if rank == 1:  # different initial weights: the first step broadcasts rank 0's
            model.layers[0].kernel.assign(np.zeros((5, 8), "float32"))
        callbacks = [
            tholos.callbacks.CSVLogger(os.path.join(files, "log.csv")),
            tholos.callbacks.ModelCheckpoint(os.path.join(files, "w.weights.h5"),
                                             save_weights_only=True),
            tholos.callbacks.BackupAndRestore(os.path.join(files, "backup")),
        ]
        weights, hist = train(model, callbacks)
        metrics = model.evaluate(x, y, batch_size=10, verbose=0, return_dict=True)
        pred = model.predict(x, batch_size=10, verbose=0)
    result["weight_err"] = max(float(np.max(np.abs(a - b) / (np.abs(b) + 1e-3)))
                               for a, b in zip(weights, reference))
    result["loss"] = [hist["loss"], ref_hist["loss"]]
    result["mae"] = [hist["mae"], ref_hist["mae"]]
    result["eval"] = [metrics, ref_metrics]
    result["pred_shape"] = list(pred.shape)
    result["pred_err"] = float(np.max(np.abs(pred - ref_pred)))
    result["files"] = sorted(os.listdir(files))
    try:
        dist.set_distribution(dist.ModelParallel(layout_map=dist.LayoutMap(dp.device_mesh)))
    except tholos.errors.UnsupportedOpError as err:
        result["model_parallel_error"] = str(err).splitlines()[0]
    print("RESULT" + json.dumps(result), flush=True)
    import torch.distributed
    torch.distributed.destroy_process_group()
    """
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_data_parallel_two_processes_gloo(tmp_path):
    port = _free_port()
    procs = []
    for rank in range(2):
        env = dict(os.environ)
        env.update(
            THOLOS_BACKEND="torch",
            RANK=str(rank),
            LOCAL_RANK=str(rank),
            WORLD_SIZE="2",
            LOCAL_WORLD_SIZE="2",
            MASTER_ADDR="127.0.0.1",
            MASTER_PORT=str(port),
            CUDA_VISIBLE_DEVICES="",
            OMP_NUM_THREADS="1",
        )
        procs.append(
            subprocess.Popen(
                [sys.executable, "-c", SCRIPT, str(tmp_path)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    results = []
    try:
        for p in procs:
            stdout, stderr = p.communicate(timeout=55)
            assert p.returncode == 0, stderr[-4000:]
            line = [ln for ln in stdout.splitlines() if ln.startswith("RESULT")][-1]
            results.append(json.loads(line[len("RESULT") :]))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    for r, out in enumerate(results):
        assert out["rank"] == r and out["world"] == 2 and out["chief"] == (r == 0)
        assert out["devices"] == ["cpu:0", "cpu:1"]
        assert out["weight_err"] < 1e-5, out
        assert out["loss"][0] == pytest.approx(out["loss"][1], rel=1e-5)
        assert out["mae"][0] == pytest.approx(out["mae"][1], rel=1e-5)
        got, want = out["eval"]
        assert got == pytest.approx(want, rel=1e-5)
        assert out["pred_shape"] == [44, 3] and out["pred_err"] < 1e-5
        assert "ModelParallel" in out["model_parallel_error"]
    # only rank 0 writes files
    assert "log.csv" in results[0]["files"] and "w.weights.h5" in results[0]["files"]
    assert results[1]["files"] == []
