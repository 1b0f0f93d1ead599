"""The torch plugin: discoverable, light to import, clear about what it cannot do yet."""

import importlib.metadata
import importlib.util
import subprocess
import sys

import pytest

from tholos.backend._discovery import Registry
from tholos.errors import BackendLoadError


def test_entry_point_is_declared():
    eps = {ep.name: ep for ep in importlib.metadata.entry_points(group="tholos.backends")}
    assert eps["torch"].value == "tholos_backend_torch.plugin"
    assert eps["torch"].dist.name == "tholos-backend-torch"


def test_entry_point_module_does_not_import_torch():
    code = "import sys, tholos_backend_torch.plugin; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_loading_reports_what_to_do():
    registry = Registry()
    info = registry.infos()["torch"]
    assert info.spec.priority > 0 and info.spec.install_hint == 'pip install "tholos[torch]"'
    with pytest.raises(BackendLoadError) as err:
        registry.get("torch")
    message = str(err.value)
    if importlib.util.find_spec("torch") is None:
        assert 'pip install "tholos[torch]"' in message
    else:
        assert "does not implement the contract yet" in message
    assert registry.infos()["torch"].status == "broken"
