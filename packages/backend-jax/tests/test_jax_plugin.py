"""The jax plugin is discoverable, light to import, and loads a complete backend."""

import importlib.metadata
import importlib.util
import os
import subprocess
import sys

import pytest

from tholos.backend._discovery import Registry
from tholos.errors import BackendLoadError


def _run(code, **env):
    full = {**os.environ, **env}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_entry_point_is_declared():
    eps = {ep.name: ep for ep in importlib.metadata.entry_points(group="tholos.backends")}
    assert eps["jax"].value == "tholos_backend_jax.plugin"
    assert eps["jax"].dist.name == "tholos-backend-jax"


def test_entry_point_module_does_not_import_jax():
    code = "import sys, tholos_backend_jax.plugin; print('jax' in sys.modules)"
    assert _run(code) == "False"


def test_loads_and_validates():
    pytest.importorskip("jax")
    registry = Registry()
    info = registry.infos()["jax"]
    assert info.spec.priority > 0 and info.spec.install_hint == 'pip install "tholos[jax]"'
    backend = registry.get("jax")
    assert backend.name == "jax"
    assert registry.infos()["jax"].status == "loaded"
    assert dict(backend.unsupported) == {}


def test_without_jax_loading_says_what_to_install():
    if importlib.util.find_spec("jax") is not None:
        pytest.skip("jax is installed")
    registry = Registry()
    with pytest.raises(BackendLoadError, match="tholos\\[jax\\]"):
        registry.get("jax")


def test_gpu_memory_not_preallocated_unless_asked():
    code = "import os, tholos_backend_jax; print(os.environ['XLA_PYTHON_CLIENT_PREALLOCATE'])"
    env = {k: v for k, v in os.environ.items() if k != "XLA_PYTHON_CLIENT_PREALLOCATE"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "false"
    assert _run(code, XLA_PYTHON_CLIENT_PREALLOCATE="true") == "true"


def test_without_x64_64_bit_dtypes_are_narrowed():
    pytest.importorskip("jax")
    code = (
        "import numpy as np; from tholos import ops; "
        "print(ops.dtype(ops.convert_to_tensor(np.zeros(2))), "
        "ops.dtype(ops.cast([1], 'int64')), ops.dtype(ops.add(np.ones(2), 1)))"
    )
    out = _run(code, THOLOS_BACKEND="jax", JAX_ENABLE_X64="0")
    assert out == "float32 int32 float32"
    out = _run(code, THOLOS_BACKEND="jax", JAX_ENABLE_X64="1")
    assert out == "float64 int64 float64"
