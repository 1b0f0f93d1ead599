"""Every op's forward result against the float64 reference: shape, dtype, values."""

from __future__ import annotations

import pytest

from tholos_conformance.cases import all_cases

CASES = all_cases()


@pytest.mark.tholos_area("forward")
@pytest.mark.parametrize("case", CASES, ids=[c.key for c in CASES])
def test_forward(case, tholos_backend_name, tholos_device):
    case.run(tholos_backend_name, tholos_device)
