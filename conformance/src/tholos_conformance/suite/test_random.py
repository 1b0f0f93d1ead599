"""Random ops: shapes, dtypes, support, moments (within RANDOM_SIGMAS standard errors), and
seeding (same seed, same values; another seed, other values; SeedGenerator streams)."""

from __future__ import annotations

import numpy as np
import pytest

from tholos_conformance.cases import random_cases
from tholos_conformance.runtime import backend_scope, dtype_of, to_numpy
from tholos_conformance.tolerances import RANDOM_SIGMAS

CASES = random_cases()
IDS = [c.key for c in CASES]


def _draw(case, backend, device, seed):
    with backend_scope(backend, device):
        out = case.sample(seed)
        return to_numpy(out), dtype_of(out)


@pytest.mark.tholos_area("random")
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_shape_dtype_support(case, tholos_backend_name, tholos_device):
    values, dtype = _draw(case, tholos_backend_name, tholos_device, 1234)
    assert values.shape == case.shape, f"{case.key}: shape {values.shape}, expected {case.shape}"
    assert dtype == case.dtype, f"{case.key}: dtype {dtype}, expected {case.dtype}"
    if case.support is not None and values.size:
        lo, hi = case.support
        v = values.astype(np.float64)
        assert v.min() >= lo and v.max() <= hi, (
            f"{case.key}: values in [{v.min()}, {v.max()}], outside the support [{lo}, {hi}]"
        )
    assert np.all(np.isfinite(values.astype(np.float64))), f"{case.key}: non-finite samples"
    if case.check is not None:
        case.check(values)


@pytest.mark.tholos_area("random")
@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c.mean is not None],
    ids=[c.key for c in CASES if c.mean is not None],
)
def test_moments(case, tholos_backend_name, tholos_device):
    values, _ = _draw(case, tholos_backend_name, tholos_device, 2024)
    x = values.astype(np.float64).ravel()
    n = x.size
    mean, var = x.mean(), x.var()
    if case.dtype in ("float16", "bfloat16"):
        slack = 1e-2 if case.dtype == "float16" else 4e-2  # the samples' own rounding
    else:
        slack = 0.0
    se_mean = np.sqrt(max(case.var or var, 1e-30) / n)
    assert abs(mean - case.mean) <= RANDOM_SIGMAS * se_mean + slack * max(1, abs(case.mean)), (
        f"{case.key}: sample mean {mean:.5g}, expected {case.mean:.5g} "
        f"(+-{RANDOM_SIGMAS * se_mean:.3g})"
    )
    if case.var is not None:
        m4 = np.mean((x - mean) ** 4)
        se_var = np.sqrt(max(m4 - var**2, 0.0) / n)
        assert abs(var - case.var) <= RANDOM_SIGMAS * se_var + slack * max(1, case.var) + 1e-12, (
            f"{case.key}: sample variance {var:.5g}, expected {case.var:.5g} "
            f"(+-{RANDOM_SIGMAS * se_var:.3g})"
        )


@pytest.mark.tholos_area("random")
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_same_seed_same_values(case, tholos_backend_name, tholos_device):
    a, _ = _draw(case, tholos_backend_name, tholos_device, 7)
    b, _ = _draw(case, tholos_backend_name, tholos_device, 7)
    np.testing.assert_array_equal(a, b, err_msg=f"{case.key}: seed 7 twice gave different values")
    if case.var == 0.0 or a.size == 0:
        return
    c, _ = _draw(case, tholos_backend_name, tholos_device, 8)
    assert not np.array_equal(a, c), f"{case.key}: seeds 7 and 8 gave identical values"


@pytest.mark.tholos_area("random")
@pytest.mark.parametrize("op", ["random.normal", "random.uniform"])
def test_seed_generator_streams(op, tholos_backend_name, tholos_device):
    import tholos

    fn = getattr(tholos.random, op.split(".")[1])
    with backend_scope(tholos_backend_name, tholos_device):
        g1, g2 = tholos.random.SeedGenerator(42), tholos.random.SeedGenerator(42)
        a1, a2 = to_numpy(fn((5,), seed=g1)), to_numpy(fn((5,), seed=g1))
        b1 = to_numpy(fn((5,), seed=g2))
    np.testing.assert_array_equal(a1, b1, err_msg="two SeedGenerator(42) must start alike")
    assert not np.array_equal(a1, a2), "a SeedGenerator must advance on each draw"
