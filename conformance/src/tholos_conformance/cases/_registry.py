"""The case registry: every case of the suite, keyed by op name (``"family.name"``).

A :class:`Case` is one call of one op on fixed inputs (NumPy arrays in the tested dtype), with
the options :func:`tholos_conformance.compare.assert_op_matches` needs. A :class:`RandomCase`
describes a random op by the properties its samples must have instead of their values.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tholos_conformance.runtime import BF16

FLOATS = ("float16", "bfloat16", "float32", "float64")
GRAD_DTYPES = ("float32", "float64")


@dataclass
class Case:
    op: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    id: str
    dtypes: tuple[str, ...]
    grad: bool = False
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.op}[{self.id}]"

    def run(
        self, backend: str, device: str = "cpu", *, gradient: bool = False, **extra: Any
    ) -> dict[str, Any]:
        from tholos_conformance.compare import assert_op_matches

        return assert_op_matches(
            self.op,
            self.args,
            self.kwargs,
            backend=backend,
            device=device,
            check_grad=gradient,
            **{**extra, **self.options},
        )


@dataclass
class RandomCase:
    """A random op: ``sample(seed)`` draws with the public API; the checks look at samples.

    ``shape``/``dtype``: what every sample must have. ``mean``/``var``: the distribution's
    moments (None: not checked). ``support``: ``(low, high)`` bounds every value must respect.
    ``check``: an extra ``check(samples_as_numpy)`` raising AssertionError.
    """

    op: str
    id: str
    sample: Callable[[Any], Any]
    shape: tuple[int, ...]
    dtype: str
    mean: float | None = None
    var: float | None = None
    support: tuple[float, float] | None = None
    check: Callable[[np.ndarray], None] | None = None
    dtypes: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.op}[{self.id}]"


CASES: dict[str, list[Case | RandomCase]] = {}


def register(case: Case | RandomCase) -> Case | RandomCase:
    bucket = CASES.setdefault(case.op, [])
    ids = {c.id for c in bucket}
    base, n = case.id, 2
    while case.id in ids:
        case.id = f"{base}-{n}"
        n += 1
    bucket.append(case)
    return case


# -- inputs ---------------------------------------------------------------------------------


def _dtype_kind(dtype: str) -> str:
    if dtype in FLOATS:
        return "f"
    if dtype == "bool":
        return "b"
    if dtype.startswith("complex"):
        return "c"
    if dtype.startswith("uint"):
        return "u"
    return "i"


class Inputs:
    """Deterministic inputs for one case (the seed derives from the case's name)."""

    def __init__(self, key: str):
        self.rng = np.random.default_rng(zlib.crc32(key.encode()))

    def arr(
        self, shape: tuple[int, ...] | int = (2, 3), dtype: str = "float32", domain: str = "real"
    ) -> Any:
        """An array of ``shape`` and ``dtype`` with values from ``domain``.

        Domains: ``real`` (about N(0, 1.5)), ``wide`` (U(-8, 8)), ``pos`` (U(0.5, 3)),
        ``unit`` (U(-0.9, 0.9)), ``ge1`` (U(1.1, 3)), ``prob`` (U(0.05, 0.95)), ``nonzero``
        (+-U(0.5, 2)), ``grid`` (small integers -2..2, so comparisons see ties), ``special``
        (mixes nan, +-inf, 0 and finite values), ``small`` (U(-1.2, 1.2)), ``nonneg`` (0..4
        for integers, U(0, 3) for floats), ``withzero`` (some exact zeros), ``shift`` (0..3).
        """
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        rng = self.rng
        kind = _dtype_kind(dtype)
        if kind == "b":
            return rng.random(shape) < 0.5 if domain != "true" else np.ones(shape, bool)
        if kind in "iu":
            lo, hi = {
                "pos": (1, 6),
                "ge1": (1, 4),
                "nonzero": (1, 5),
                "nonneg": (0, 5),
                "shift": (0, 4),
                "unit": (0, 1),
                "prob": (0, 1),
            }.get(domain, (-5, 6))
            if kind == "u":
                lo = max(lo, 0)
            values = rng.integers(lo, hi, size=shape)
            if domain == "nonzero":
                values = values * rng.choice([-1, 1], size=shape) if kind == "i" else values
            return np.asarray(values).astype(dtype)
        if domain == "real":
            values = rng.normal(0.0, 1.5, size=shape)
        elif domain == "wide":
            values = rng.uniform(-8, 8, size=shape)
        elif domain == "pos":
            values = rng.uniform(0.5, 3.0, size=shape)
        elif domain == "unit":
            values = rng.uniform(-0.9, 0.9, size=shape)
        elif domain == "ge1":
            values = rng.uniform(1.1, 3.0, size=shape)
        elif domain == "prob":
            values = rng.uniform(0.05, 0.95, size=shape)
        elif domain == "nonzero":
            values = rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)
        elif domain == "grid":
            values = rng.integers(-2, 3, size=shape).astype(np.float64)
        elif domain == "small":
            values = rng.uniform(-1.2, 1.2, size=shape)
        elif domain == "nonneg":
            values = rng.uniform(0.0, 3.0, size=shape)
        elif domain == "shift":
            values = rng.integers(0, 4, size=shape).astype(np.float64)
        elif domain == "withzero":
            values = rng.normal(0.0, 1.5, size=shape)
            values = np.where(rng.random(shape) < 0.3, 0.0, values)
        elif domain == "special":
            pool = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.5, -2.25, 3.0, 1e-3])
            values = rng.choice(pool, size=shape)
        else:
            raise ValueError(f"unknown domain {domain!r}")
        if kind == "c":
            imag = rng.normal(0.0, 1.0, size=shape)
            return (values + 1j * imag).astype(dtype)
        if dtype == "bfloat16":
            return BF16(np.asarray(values, dtype=np.float32))
        return np.asarray(values).astype(dtype)


def A(  # noqa: N802 - reads like a call site: A(x, y, axis=1)
    *args: Any, **kwargs: Any
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Bundle the arguments of a case: ``A(x, y, axis=1)``."""
    return args, kwargs


def add(
    op: str,
    built: tuple[tuple[Any, ...], dict[str, Any]],
    *,
    id: str = "",
    dtypes: tuple[str, ...] = (),
    grad: bool = False,
    **options: Any,
) -> Case:
    args, kwargs = built
    return register(Case(op, args, kwargs, id or "case", tuple(dtypes), grad, options))


def each_dtype(
    op: str,
    builder: Callable[[Inputs, str], Any],
    *,
    dtypes: tuple[str, ...] = GRAD_DTYPES,
    grad: bool = True,
    id: str = "",
    grad_dtypes: tuple[str, ...] = GRAD_DTYPES,
    **options: Any,
) -> list[Case]:
    """One case per dtype: ``builder(inputs, dtype)`` returns ``A(...)``."""
    out = []
    for dtype in dtypes:
        built = builder(Inputs(f"{op}/{id}/{dtype}"), dtype)
        case_id = f"{dtype}-{id}" if id else dtype
        out.append(
            add(
                op,
                built,
                id=case_id,
                dtypes=(dtype,),
                grad=grad and dtype in grad_dtypes,
                **options,
            )
        )
    return out


def random_case(case: RandomCase) -> RandomCase:
    return register(case)  # type: ignore[return-value]


__all__ = [
    "A",
    "CASES",
    "FLOATS",
    "GRAD_DTYPES",
    "Case",
    "Inputs",
    "RandomCase",
    "add",
    "each_dtype",
    "random_case",
    "register",
]
