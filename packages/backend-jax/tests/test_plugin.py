"""The jax plugin: discoverable, light to import, clear about what it cannot do yet."""

import importlib.metadata
import importlib.util
import subprocess
import sys

import pytest

from tholos.backend._discovery import Registry
from tholos.errors import BackendLoadError


def test_entry_point_is_declared():
    eps = {ep.name: ep for ep in importlib.metadata.entry_points(group="tholos.backends")}
    assert eps["jax"].value == "tholos_backend_jax.plugin"
    assert eps["jax"].dist.name == "tholos-backend-jax"


def test_entry_point_module_does_not_import_jax():
    code = "import sys, tholos_backend_jax.plugin; print('jax' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_loading_reports_what_to_do():
    registry = Registry()
    info = registry.infos()["jax"]
    assert info.spec.priority > 0 and info.spec.install_hint == 'pip install "tholos[jax]"'
    with pytest.raises(BackendLoadError) as err:
        registry.get("jax")
    message = str(err.value)
    if importlib.util.find_spec("jax") is None:
        assert 'pip install "tholos[jax]"' in message
    else:
        assert "does not implement the contract yet" in message
    assert registry.infos()["jax"].status == "broken"
