"""Run every test of this package on the tensorflow backend (skipped without TensorFlow)."""

import importlib.util
import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

HAVE_TF = importlib.util.find_spec("tensorflow") is not None


@pytest.fixture
def tf_backend():
    if not HAVE_TF:
        pytest.skip("tensorflow is not installed")
    import tholos

    with tholos.config.use_backend("tensorflow") as loaded:
        yield loaded
