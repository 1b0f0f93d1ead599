"""The tensorflow plugin: discoverable, light to import, loads and validates."""

import importlib.metadata
import importlib.util
import subprocess
import sys

import pytest

from tholos.backend._discovery import Registry

# not imported from conftest: with other packages' tests in the same run, "conftest" is theirs
HAVE_TF = importlib.util.find_spec("tensorflow") is not None


def test_entry_point_is_declared():
    eps = {ep.name: ep for ep in importlib.metadata.entry_points(group="tholos.backends")}
    assert eps["tensorflow"].value == "tholos_backend_tensorflow.plugin"
    assert eps["tensorflow"].dist.name == "tholos-backend-tensorflow"


def test_entry_point_module_does_not_import_tensorflow():
    code = (
        "import sys, tholos, tholos_backend_tensorflow.plugin; print('tensorflow' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.skipif(not HAVE_TF, reason="tensorflow is not installed")
def test_loads_and_validates_with_no_declared_gaps():
    registry = Registry()
    info = registry.infos()["tensorflow"]
    assert info.spec.priority == 20 and info.spec.install_hint == 'pip install "tholos[tensorflow]"'
    loaded = registry.get("tensorflow")
    assert registry.infos()["tensorflow"].status == "loaded"
    assert loaded.name == "tensorflow"
    assert dict(loaded.unsupported) == {}
    assert loaded.trainer.supports_jit() is True
