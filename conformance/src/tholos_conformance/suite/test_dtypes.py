"""The backend's dtype promotion equals core's table (``tholos.backend.dtypes.result_type``)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from tholos.backend.dtypes import ALLOWED_DTYPES, result_type
from tholos_conformance.runtime import BF16, backend_scope, to_backend

PAIRS = list(itertools.product(ALLOWED_DTYPES, ALLOWED_DTYPES))
SCALARS = [(d, s) for d in ALLOWED_DTYPES for s in (True, 1, 1.5)]


def _tensor(dtype):
    if dtype == "bfloat16":
        return BF16(np.ones((2,), "float32"))
    return np.ones((2,), dtype=dtype)


@pytest.mark.tholos_area("dtypes")
@pytest.mark.parametrize("dtypes", PAIRS, ids=[f"{a}+{b}" for a, b in PAIRS])
def test_add_promotes_like_core(dtypes, tholos_backend_name, tholos_device):
    from tholos import ops

    a, b = dtypes
    with backend_scope(tholos_backend_name, tholos_device):
        x, y = to_backend([_tensor(a), _tensor(b)])
        got = ops.dtype(ops.add(x, y))
    want = result_type(a, b)
    assert got == want, f"add({a}, {b}) gives {got}; core's result_type gives {want}"


@pytest.mark.tholos_area("dtypes")
@pytest.mark.parametrize(
    "dtypes,scalar",
    [((d,), s) for d, s in SCALARS],
    ids=[f"{d}+{type(s).__name__}" for d, s in SCALARS],
)
def test_python_scalars_are_weak(dtypes, scalar, tholos_backend_name, tholos_device):
    from tholos import ops

    (a,) = dtypes
    with backend_scope(tholos_backend_name, tholos_device):
        (x,) = to_backend([_tensor(a)])
        got = ops.dtype(ops.add(x, scalar))
    want = result_type(a, scalar)
    assert got == want, f"add({a}, {scalar!r}) gives {got}; core's result_type gives {want}"
