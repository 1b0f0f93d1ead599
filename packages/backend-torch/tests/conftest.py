"""Every test here runs with the torch backend active.

Activated per test (not through ``THOLOS_BACKEND``), so that running these tests in the same
pytest process as core's keeps core's tests on their NumPy default.
"""

import pytest

from tholos.config import use_backend


@pytest.fixture(autouse=True)
def _torch_backend():
    with use_backend("torch"):
        yield
