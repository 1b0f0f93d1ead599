"""Gradients of every differentiable op against the reference's (float64 autodiff or central
differences), through the backend's own ``trainer.compute_gradients`` hook."""

from __future__ import annotations

import pytest

from tholos_conformance.cases import gradient_cases

CASES = gradient_cases()


@pytest.mark.tholos_area("gradients")
@pytest.mark.parametrize("case", CASES, ids=[c.key for c in CASES])
def test_gradient(case, tholos_backend_name, tholos_device, tholos_grad_reference):
    case.run(
        tholos_backend_name, tholos_device, gradient=True, grad_reference=tholos_grad_reference
    )
