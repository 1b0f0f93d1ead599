"""Every case of the suite, keyed by op name; importing this package fills the registry.

Generated cases (element-wise and reduction ops, from each op's domain and dtype kinds) live
in :mod:`.elementwise` and :mod:`.reductions`; the others are written by hand, one module per
family. :func:`all_cases` lists them; ``CASES[op]`` holds one op's.
"""

from __future__ import annotations

import importlib

from tholos_conformance.cases._registry import CASES, Case, RandomCase

_MODULES = (
    "elementwise",
    "reductions",
    "numpy_ops",
    "core_ops",
    "nn_ops",
    "linalg_ops",
    "math_ops",
    "image_ops",
    "random_ops",
)
_loaded = False


def load() -> dict[str, list[Case | RandomCase]]:
    """Import every case module once; return the registry."""
    global _loaded
    if not _loaded:
        for name in _MODULES:
            importlib.import_module(f"tholos_conformance.cases.{name}")
        _loaded = True
    return CASES


def all_cases() -> list[Case]:
    """Every value-compared case, in registration order."""
    return [c for cases in load().values() for c in cases if isinstance(c, Case)]


def gradient_cases() -> list[Case]:
    return [c for c in all_cases() if c.grad]


def random_cases() -> list[RandomCase]:
    return [c for cases in load().values() for c in cases if isinstance(c, RandomCase)]


__all__ = ["CASES", "Case", "RandomCase", "all_cases", "gradient_cases", "load", "random_cases"]
