"""Discovery, validation and isolation, with a third-party-style plugin installed as a real
distribution (into a temporary directory) by these tests only."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tholos.backend._discovery import Registry
from tholos.errors import (
    BackendLoadError,
    BackendNotFoundError,
    BackendValidationError,
    UnsupportedOpError,
)

FIXTURE = Path(__file__).parent.parent / "fixtures" / "tholos-backend-tiny"


@pytest.fixture(scope="module")
def tiny_site(tmp_path_factory) -> Path:
    """A directory holding the installed tholos-backend-tiny distribution."""
    target = tmp_path_factory.mktemp("tiny-site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(FIXTURE),
        ],
        check=True,
        capture_output=True,
    )
    return target


@pytest.fixture
def registry(tiny_site, monkeypatch) -> Registry:
    monkeypatch.syspath_prepend(str(tiny_site))
    return Registry()


def run_with_tiny(tiny_site: Path, code: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(tiny_site), THOLOS_HOME=str(tiny_site / "home"))
    env.pop("THOLOS_BACKEND", None)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_discovers_installed_distribution(registry):
    infos = registry.infos()
    assert {"numpy", "tiny", "tiny_incomplete", "tiny_broken"} <= set(infos)
    tiny = infos["tiny"]
    assert tiny.distribution == "tholos-backend-tiny"
    assert tiny.version == "0.0.1"
    assert tiny.status == "available"
    assert infos["numpy"].distribution == "tholos-backend-numpy"


def test_broken_plugin_is_isolated_and_reported(registry):
    broken = registry.infos()["tiny_broken"]
    assert broken.status == "broken"
    assert "broken on purpose" in broken.error
    with pytest.raises(BackendLoadError) as info:
        registry.get("tiny_broken")
    message = str(info.value)
    assert "tiny_broken" in message and "broken on purpose" in message
    # the others still work
    assert registry.get("numpy").name == "numpy"


def test_incomplete_plugin_fails_validation_naming_every_missing_name(registry):
    with pytest.raises(BackendValidationError) as info:
        registry.get("tiny_incomplete")
    message = str(info.value)
    assert "'tiny_incomplete'" in message
    for name in (
        "core.convert_to_tensor",
        "numpy.subtract",
        "nn.conv",
        "linalg.svd",
        "random.normal",
        "Variable",
        "trainer",
    ):
        assert name in message
    assert "numpy.add," not in message  # the one op it does provide
    assert registry.infos()["tiny_incomplete"].status == "invalid"


def test_valid_plugin_loads_and_declared_gap_raises_clearly(registry):
    loaded = registry.get("tiny")
    assert loaded.name == "tiny"
    with pytest.raises(UnsupportedOpError) as info:
        loaded.linalg.eig([[1.0]])
    assert "not supported by backend 'tiny'" in str(info.value)
    assert "no eigen-solver" in str(info.value)


def test_unknown_backend_lists_installed(registry):
    with pytest.raises(BackendNotFoundError) as info:
        registry.get("nope")
    assert "numpy" in str(info.value) and "tiny" in str(info.value)


def test_import_tholos_survives_broken_plugin_and_dispatches_to_tiny(tiny_site):
    result = run_with_tiny(
        tiny_site,
        """
        import tholos
        from tholos import ops
        tholos.config.set_backend("tiny")
        print(float(ops.add(1.0, 2.0)))
        from tholos_backend_tiny._backend import CALLS
        print(CALLS.get("add"))
        for info in tholos.backend.list_backends():
            print(info.name, info.status)
        """,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "3.0"
    assert lines[1] == "1"
    statuses = dict(line.split() for line in lines[2:])
    assert statuses["tiny"] == "loaded"
    assert statuses["tiny_broken"] == "broken"


def test_switch_backend_inside_process(tiny_site):
    result = run_with_tiny(
        tiny_site,
        """
        import tholos
        from tholos import ops
        tholos.config.set_backend("numpy")
        with tholos.config.use_backend("tiny"):
            inner = tholos.backend.backend()
            ops.multiply(2.0, 3.0)
        print(inner, tholos.backend.backend())
        from tholos_backend_tiny._backend import CALLS
        print(CALLS.get("multiply"))
        ops.multiply(2.0, 3.0)
        print(CALLS.get("multiply"))
        """,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["tiny numpy", "1", "1"]


def test_selection_precedence_env_then_config_file(tiny_site):
    home = tiny_site / "home"
    home.mkdir(exist_ok=True)
    (home / "tholos.json").write_text('{"backend": "tiny"}')
    try:
        code = "import tholos; print(tholos.backend.backend())"
        assert run_with_tiny(tiny_site, code).stdout.strip() == "tiny"
        env = dict(
            os.environ, PYTHONPATH=str(tiny_site), THOLOS_HOME=str(home), THOLOS_BACKEND="numpy"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        assert out.stdout.strip() == "numpy"
    finally:
        (home / "tholos.json").unlink()


def test_default_preference_skips_broken_and_prefers_priority(tiny_site):
    # The highest-priority backend that loads wins: torch (10) when installed, else numpy (0);
    # tiny (third-party default -10) never, and broken/invalid plugins are skipped.
    result = run_with_tiny(
        tiny_site,
        """
        import tholos
        from tholos.backend._discovery import REGISTRY
        loadable = []
        for info in REGISTRY.infos().values():
            try:
                REGISTRY.get(info.name)
                loadable.append((info.spec.priority, info.name))
            except Exception:
                pass
        print(tholos.backend.backend(), max(loadable)[1])
        """,
    )
    assert result.returncode == 0, result.stderr
    chosen, best = result.stdout.split()
    assert chosen == best
    assert chosen not in ("tiny", "tiny_broken", "tiny_incomplete")


def test_selecting_unknown_backend_error_lists_installed(tiny_site):
    result = run_with_tiny(tiny_site, "import tholos; tholos.config.set_backend('nope')")
    assert result.returncode != 0
    assert "BackendNotFoundError" in result.stderr
    assert "numpy" in result.stderr and "tiny" in result.stderr


def test_no_backend_installed_gives_the_pip_line():
    registry = Registry()
    registry._infos = {}
    with pytest.raises(BackendNotFoundError) as info:
        registry.default_name()
    assert 'pip install "tholos[jax]"' in str(info.value)
