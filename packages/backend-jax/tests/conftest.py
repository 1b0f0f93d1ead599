"""Tests of the JAX backend run with it active and with ``jax_enable_x64`` on, so float64
values can be compared with the NumPy reference (the x64-off behaviour is tested in a
subprocess). Both are switched per test, so other packages' tests in the same pytest run are
unaffected. Without jax installed only the packaging tests run."""

import importlib.util

import pytest

HAVE_JAX = importlib.util.find_spec("jax") is not None


@pytest.fixture(autouse=True)
def _jax_backend(request):
    if not HAVE_JAX or request.node.get_closest_marker("no_backend"):
        yield
        return
    import jax

    from tholos.config import use_backend

    previous = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)
    try:
        with use_backend("jax"):
            yield
    finally:
        jax.config.update("jax_enable_x64", previous)


def pytest_configure(config):
    config.addinivalue_line("markers", "no_backend: do not activate the jax backend")
