"""Coverage generated from the contract: every op of every family Protocol has cases, every
differentiable op a gradient case, and the backend implements it (or its gap file says why)."""

from __future__ import annotations

import pytest

from tholos.backend.contract import all_op_specs
from tholos_conformance.cases import CASES, load

load()
SPECS = all_op_specs()
OPS = sorted(SPECS)
DIFFERENTIABLE = sorted(name for name, spec in SPECS.items() if spec.differentiable)


@pytest.mark.tholos_area("coverage")
@pytest.mark.parametrize("op", OPS)
def test_op_has_cases(op):
    assert CASES.get(op), f"{op}: the conformance suite has no case for this op"


@pytest.mark.tholos_area("coverage")
@pytest.mark.parametrize("op", DIFFERENTIABLE)
def test_differentiable_op_has_gradient_case(op):
    cases = CASES.get(op, [])
    if op.startswith("random."):
        return  # random ops: their deterministic parts are checked in test_random
    assert any(getattr(c, "grad", False) for c in cases), (
        f"{op} is declared differentiable but no case checks its gradient"
    )


@pytest.mark.tholos_area("coverage")
@pytest.mark.parametrize("op", OPS)
def test_backend_implements_op(op, tholos_backend_name):
    from tholos.backend import REGISTRY

    loaded = REGISTRY.get(tholos_backend_name)
    reason = dict(loaded.unsupported).get(op)
    assert reason is None, f"{tholos_backend_name} declares {op} unsupported: {reason}"


@pytest.mark.tholos_area("coverage")
def test_gap_entries_name_real_ops(tholos_gaps):
    """Every [ops]/[gradients] entry names an op of the contract (no stale typos)."""
    stale = []
    for section in ("ops", "gradients"):
        for key in getattr(tholos_gaps, section):
            if key.split("[")[0] not in SPECS:
                stale.append(f"[{section}] {key}")
    assert not stale, f"gap file {tholos_gaps.path} names unknown ops: {stale}"
