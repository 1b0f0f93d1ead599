"""Runs examples/intro_to_tholos.py small on every installed backend that loads.

Offline by construction: ``THOLOS_DATASETS_BASE_URL`` points at a closed local port, so the
example takes its scikit-learn digits fallback (the path the README's command takes on a
machine without network); the MNIST path is checked on a tiny file served from 127.0.0.1.
"""

from __future__ import annotations

import importlib.util
import io
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tholos.backend

EXAMPLE = Path(__file__).resolve().parents[4] / "examples" / "intro_to_tholos.py"

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("sklearn") is None,
    reason="scikit-learn is not installed (pip install -r examples/requirements.txt): the "
    "example's offline dataset comes from it",
)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp_path: Path, backend: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        THOLOS_BACKEND=backend,
        THOLOS_HOME=str(tmp_path / "home"),
        THOLOS_DATASETS_BASE_URL=f"http://127.0.0.1:{_closed_port()}",
        PYTHONUNBUFFERED="1",
    )
    return env


def _backend_names() -> list[str]:
    return sorted(info.name for info in tholos.backend.list_backends())


def _loads(backend: str, env: dict[str, str]) -> str | None:
    """None if the backend loads in a fresh interpreter, else the first line of its error."""
    probe = subprocess.run(
        [sys.executable, "-c", "import tholos; tholos.ops.ones((1,))"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if probe.returncode == 0:
        return None
    lines = [line.strip() for line in probe.stderr.splitlines() if line.strip()]
    return " / ".join(lines[-3:]) if lines else f"exit status {probe.returncode}"


@pytest.mark.parametrize("backend", _backend_names())
def test_intro_example_runs_small(backend, tmp_path):
    env = _env(tmp_path, backend)
    problem = _loads(backend, env)
    if problem is not None:
        pytest.skip(f"backend {backend!r} does not load here: {problem}")
    workdir = tmp_path / "work"
    run = subprocess.run(
        [sys.executable, str(EXAMPLE), "--backend", backend, "--epochs", "2",
         "--samples", "80", "--batch-size", "40", "--workdir", str(workdir)],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    out = run.stdout
    assert run.returncode == 0, f"stdout:\n{out[-4000:]}\nstderr:\n{run.stderr[-4000:]}"

    assert f"Backend: {backend}" in out
    offline = [line for line in out.splitlines() if line.startswith("MNIST unavailable")]
    assert len(offline) == 1 and "scikit-learn's digits" in offline[0]
    assert "Data: scikit-learn digits; x_train shape: (80, 28, 28, 1)" in out
    assert "Total params: 260,298 (1016.79 KB)" in out
    assert "Trainable params: 260,298 (1016.79 KB)" in out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    epoch_line = re.compile(
        r"^\d+/\d+ - \d+s - \d+\w*/step - acc: [\d.]+ - loss: [\d.]+ - val_acc: [\d.]+ - "
        r"val_loss: [\d.]+$",
        re.M,
    )
    assert len(epoch_line.findall(out)) >= 2 + 2  # two epochs, then MyModel and PyDataset fits
    assert "Checkpoints: model_at_epoch_1.keras, model_at_epoch_2.keras" in out
    assert (workdir / "model_at_epoch_2.keras").is_file()
    assert (workdir / "final_model.keras").is_file()
    assert "predictions identical to the trained model: True" in out
    assert "predictions shape: (100, 10)" in out
    assert "From a PyDataset:" in out
    for name, module in (("tf.data", "tensorflow"), ("PyTorch DataLoader", "torch"),
                         ("pandas DataFrame", "pandas")):  # fmt: skip
        if importlib.util.find_spec(module) is None:
            assert f"{name}: skipped" in out
    test_line = re.search(r"^Test: acc: ([\d.]+), loss: ([\d.]+)$", out, re.M)
    assert test_line and 0.0 <= float(test_line.group(1)) <= 1.0


def _load_example_module():
    spec = importlib.util.spec_from_file_location("intro_to_tholos", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_example_uses_mnist_when_it_can_be_downloaded(tmp_path, monkeypatch, capsys):
    """The MNIST path, on a tiny mnist.npz served from 127.0.0.1."""
    import hashlib
    import http.server
    import threading

    from tholos.datasets import _download

    rng = np.random.default_rng(0)
    arrays = dict(
        x_train=rng.integers(0, 256, (30, 28, 28), dtype=np.uint8),
        y_train=rng.integers(0, 10, 30).astype(np.uint8),
        x_test=rng.integers(0, 256, (200, 28, 28), dtype=np.uint8),
        y_test=rng.integers(0, 10, 200).astype(np.uint8),
    )
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    body = buf.getvalue()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        monkeypatch.setenv("THOLOS_HOME", str(tmp_path))
        monkeypatch.setenv(_download.BASE_URL_ENV, f"http://127.0.0.1:{httpd.server_port}")
        monkeypatch.setitem(
            _download.REMOTE_FILES,
            "mnist.npz",
            _download.RemoteFile("unused", hashlib.sha256(body).hexdigest()),
        )
        example = _load_example_module()
        (x_train, _y_train), (_x_test, y_test) = example.load_data(samples=20)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
    out = capsys.readouterr().out
    assert "MNIST unavailable" not in out
    assert "Data: MNIST; x_train shape: (20, 28, 28, 1), x_test shape: (100, 28, 28, 1)" in out
    np.testing.assert_allclose(x_train[..., 0], arrays["x_train"][:20] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(y_test, arrays["y_test"][:100])


def test_sklearn_digits_look_like_mnist():
    example = _load_example_module()
    (x_train, y_train), (x_test, _y_test) = example.sklearn_digits()
    assert x_train.shape == (1500, 28, 28) and x_test.shape == (297, 28, 28)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    assert set(np.unique(y_train)) == set(range(10))
    assert x_train.max() == 255 and x_train[:, :4].max() == 0 and x_train[:, :, 24:].max() == 0
    # the bilinear weights are a partition of unity: a constant image stays constant
    weights = example._bilinear_matrix(8, 20)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0)
    np.testing.assert_allclose(weights @ np.full(8, 3.0), 3.0)
