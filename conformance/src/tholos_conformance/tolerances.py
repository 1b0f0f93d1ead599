"""Tolerance tiers: how close a backend's result must be to the float64 reference.

Every op of the contract carries a tier (``@op(tier=...)``). A backend's value ``a`` passes
against the reference value ``r`` (computed in float64 from the *same* input values, already
rounded to the tested dtype) when, element by element::

    |a - r| <= atol * scale + rtol * |r|        scale = max(1, max |r| over the whole result)

``scale`` makes ``atol`` relative to the magnitude of the result as a whole, so cancellation
in one element (a sum that happens to land near zero) is judged against the size of the terms,
not against zero. NaNs must be at the same places, infinities must be equal. Integer and bool
results are always compared exactly. The tolerance is looked up by the *result* dtype.

CPU tiers, ``rtol / atol`` by result dtype::

    tier            float16           bfloat16          float32           float64
    exact           0.002 / 0         0.016 / 0         2.4e-07 / 0       4.5e-16 / 0
    elementwise     0.004 / 0.002     0.032 / 0.016     6e-07 / 3e-07     1e-14 / 1e-15
    transcendental  0.008 / 0.004     0.064 / 0.032     4e-06 / 1e-06     1e-12 / 1e-13
    reduction       0.01 / 0.01       0.064 / 0.064     1e-05 / 1e-05     1e-12 / 1e-12
    matmul          0.01 / 0.01       0.064 / 0.064     1e-05 / 1e-05     1e-12 / 1e-12
    linalg          0.05 / 0.05       0.1 / 0.1         0.0001 / 0.0001   1e-10 / 1e-10

- ``exact``: shapes, indexing, copies, comparisons, max/min: one rounding of the exact result
  at most (2 ulp), and ``atol`` 0: a zero must stay a zero.
- ``elementwise``: arithmetic, a few ulp. ``transcendental``: libm-class functions (exp, log,
  sin, erf, softmax...), tens of ulp.
- ``reduction`` and ``matmul`` (sums, means, dot, einsum, convolution, pooling averages,
  resizing): accumulation of up to ~100 terms of size ~1. A one-pixel shift or a wrong padding
  mode changes results by O(1) (``scale``-sized), five orders of magnitude above the float32
  tolerance; ``tests/test_tolerances.py`` proves the conv tier rejects a conv_transpose shifted
  by one pixel.
- ``linalg``: factorizations and solves of well-conditioned (condition number < 100) inputs.
- ``random``: never compared value by value. Statistics are checked instead: a sample mean
  within ``RANDOM_SIGMAS`` standard errors of the distribution's mean, likewise the variance.

Gradients use the tier of their op with both numbers multiplied by ``GRADIENT_FACTOR`` (a
backward pass chains several forward-sized roundings). When the reference gradient is a float64
central difference rather than autodiff, the tolerance is at least ``NUMERIC_GRADIENT_FLOOR``
(the truncation error of the difference quotient).

GPU tiers (``--tholos-device gpu``): the comparison runs with TF32 and every other
reduced-precision matmul/convolution mode off (the backend's optional ``precision_scope()``),
so the matmul tier is unchanged in kind, but parallel reductions sum in a different order and
fast device math libraries are allowed a few more ulp. The CPU numbers are multiplied by:

=============== ===================================================================
tier            GPU factor (rtol and atol)
=============== ===================================================================
exact           1 (must be exact on any device)
elementwise     2
transcendental  4
reduction       4
matmul          4
linalg          10
=============== ===================================================================

>>> tolerance("matmul", "float32")
(1e-05, 1e-05)
>>> tolerance("matmul", "float32", device="gpu")
(4e-05, 4e-05)
>>> tolerance("exact", "int32")
(0.0, 0.0)
"""

from __future__ import annotations

from typing import NamedTuple

FLOAT_DTYPES = ("float16", "bfloat16", "float32", "float64")

TIERS: dict[str, dict[str, tuple[float, float]]] = {
    "exact": {
        "float16": (2e-3, 0.0),
        "bfloat16": (1.6e-2, 0.0),
        "float32": (2.4e-7, 0.0),
        "float64": (4.5e-16, 0.0),
    },
    "elementwise": {
        "float16": (4e-3, 2e-3),
        "bfloat16": (3.2e-2, 1.6e-2),
        "float32": (6e-7, 3e-7),
        "float64": (1e-14, 1e-15),
    },
    "transcendental": {
        "float16": (8e-3, 4e-3),
        "bfloat16": (6.4e-2, 3.2e-2),
        "float32": (4e-6, 1e-6),
        "float64": (1e-12, 1e-13),
    },
    "reduction": {
        "float16": (1e-2, 1e-2),
        "bfloat16": (6.4e-2, 6.4e-2),
        "float32": (1e-5, 1e-5),
        "float64": (1e-12, 1e-12),
    },
    "matmul": {
        "float16": (1e-2, 1e-2),
        "bfloat16": (6.4e-2, 6.4e-2),
        "float32": (1e-5, 1e-5),
        "float64": (1e-12, 1e-12),
    },
    "linalg": {
        "float16": (5e-2, 5e-2),
        "bfloat16": (1e-1, 1e-1),
        "float32": (1e-4, 1e-4),
        "float64": (1e-10, 1e-10),
    },
}
"""CPU tolerances ``TIERS[tier][dtype] = (rtol, atol)`` (the table in the module docstring)."""

GPU_FACTORS: dict[str, float] = {
    "exact": 1.0,
    "elementwise": 2.0,
    "transcendental": 4.0,
    "reduction": 4.0,
    "matmul": 4.0,
    "linalg": 10.0,
}
"""How much looser each tier is on a GPU (TF32 off)."""

GRADIENT_FACTOR = 10.0
NUMERIC_GRADIENT_FLOOR = (1e-6, 1e-7)
RANDOM_SIGMAS = 6.0

_COMPLEX_PART = {"complex64": "float32", "complex128": "float64"}


class Tolerance(NamedTuple):
    rtol: float
    atol: float


def tolerance(tier: str, dtype: str, device: str = "cpu", *, gradient: bool = False) -> Tolerance:
    """``(rtol, atol)`` for results of ``dtype`` from an op of ``tier`` on ``device``.

    Integer and bool dtypes (and the ``exact`` tier on integers) give ``(0, 0)``. Complex
    dtypes use their real part's row.
    """
    dtype = _COMPLEX_PART.get(dtype, dtype)
    if dtype not in FLOAT_DTYPES:
        return Tolerance(0.0, 0.0)
    if tier == "random":
        tier = "transcendental"  # e.g. dropout's deterministic parts
    if tier not in TIERS:
        raise ValueError(f"unknown tolerance tier {tier!r}; expected one of {sorted(TIERS)}")
    rtol, atol = TIERS[tier][dtype]
    if device.split(":")[0] != "cpu":
        factor = GPU_FACTORS[tier]
        rtol, atol = rtol * factor, atol * factor
    if gradient:
        rtol, atol = rtol * GRADIENT_FACTOR, atol * GRADIENT_FACTOR
        if atol == 0.0:
            atol = TIERS["elementwise"][dtype][1] * GRADIENT_FACTOR
    return Tolerance(float(f"{rtol:.3g}"), float(f"{atol:.3g}"))


__all__ = [
    "FLOAT_DTYPES",
    "GPU_FACTORS",
    "GRADIENT_FACTOR",
    "NUMERIC_GRADIENT_FLOOR",
    "RANDOM_SIGMAS",
    "TIERS",
    "Tolerance",
    "tolerance",
]
