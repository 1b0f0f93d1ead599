"""The pytest plugin (entry point ``pytest11``): backend and device selection options.

``pytest --tholos-backend NAME`` activates backend ``NAME`` for the whole run;
``--tholos-device cpu|gpu`` scopes the run onto that device.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tholos", "tholos conformance")
    group.addoption(
        "--tholos-backend",
        action="store",
        default=None,
        help="backend under test (default: THOLOS_BACKEND or tholos' own resolution)",
    )
    group.addoption(
        "--tholos-device",
        action="store",
        default="cpu",
        choices=("cpu", "gpu"),
        help="device the backend under test runs on",
    )


def pytest_configure(config: pytest.Config) -> None:
    name = config.getoption("--tholos-backend", default=None)
    if name:
        import tholos

        tholos.config.set_backend(name)


@pytest.fixture(scope="session")
def tholos_backend_name(pytestconfig: pytest.Config) -> str:
    """The name of the backend under test."""
    import tholos

    return pytestconfig.getoption("--tholos-backend") or tholos.backend.backend()
