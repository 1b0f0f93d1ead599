"""The tolerance tiers: documented as in the code, and tight enough to catch a one-pixel shift
and a wrong padding mode."""

from __future__ import annotations

import re

import numpy as np

from tholos import ops
from tholos.backend import use_backend
from tholos_conformance import tolerances
from tholos_conformance.compare import compare_arrays
from tholos_conformance.tolerances import TIERS, tolerance


def test_docstring_table_matches_the_tiers():
    doc = tolerances.__doc__
    for tier, row in TIERS.items():
        line = next(ln for ln in doc.splitlines() if ln.strip().startswith(tier + " "))
        cells = re.findall(r"([0-9.e+-]+) / ([0-9.e+-]+)", line)
        assert [(float(r), float(a)) for r, a in cells] == list(row.values()), tier


def test_gpu_and_gradient_factors():
    cpu = tolerance("transcendental", "float32")
    assert tolerance("transcendental", "float32", "gpu") == (cpu[0] * 4, cpu[1] * 4)
    assert tolerance("elementwise", "float32", gradient=True) == (6e-6, 3e-6)
    assert tolerance("linalg", "int32") == (0.0, 0.0)
    assert tolerance("exact", "complex64") == tolerance("exact", "float32")


def _conv_transpose_same(dtype):
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, (2, 6, 5, 3)).astype(dtype)
    k = rng.uniform(-1, 1, (3, 3, 4, 3)).astype(dtype)
    with use_backend("numpy"):
        return np.asarray(ops.conv_transpose(x, k, strides=2, padding="same"))


def test_conv_tier_catches_one_pixel_shift():
    reference = _conv_transpose_same("float64")
    exact_f32 = _conv_transpose_same("float32")
    rtol, atol = tolerance("matmul", "float32")
    assert compare_arrays(exact_f32, reference, rtol, atol)["ok"]
    for axis in (1, 2):
        shifted = np.zeros_like(exact_f32)
        index = [slice(None)] * 4
        index[axis] = slice(1, None)
        source = [slice(None)] * 4
        source[axis] = slice(None, -1)
        shifted[tuple(index)] = exact_f32[tuple(source)]
        stats = compare_arrays(shifted, reference, rtol, atol)
        assert not stats["ok"]
        # Not a near miss: the shift is orders of magnitude above the tolerance.
        assert stats["worst_abs"] > 1e3 * atol * stats["scale"]


def test_exact_tier_catches_wrong_padding_mode():
    x = np.arange(12, dtype="float32").reshape(3, 4)
    with use_backend("numpy"):
        reflect = np.asarray(ops.pad(x, ((1, 2), (2, 1)), mode="reflect"))
        symmetric = np.asarray(ops.pad(x, ((1, 2), (2, 1)), mode="symmetric"))
    rtol, atol = tolerance("exact", "float32")
    assert not compare_arrays(symmetric, reflect.astype("float64"), rtol, atol)["ok"]
