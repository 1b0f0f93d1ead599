"""Gap files: the known, explained differences of one backend.

A gap file is TOML, ``gaps/<backend>.toml`` in this package (in-repo backends) or any file
given with ``--tholos-gaps PATH`` (third-party backends). Every entry maps a key to the reason::

    [dtypes]                       # dtypes the backend does not have at all
    bfloat16 = "NumPy has no bfloat16 type."

    [ops]                          # forward and gradient cases, and the coverage test
    "linalg.eig" = "No general eigen-solver."
    "numpy.sort[int8-*]" = "int8 sort is not implemented."   # "op[case-id glob]"

    [gradients]                    # gradient cases only
    "numpy.median" = "Gradient of median through ties differs."

    [tests]                        # any other test, fnmatch on its name "test_x[param-id]"
    "test_layer_forward[Conv2DTranspose-*]" = "..."

Tests never branch on the backend's name: the plugin marks every matching test
``xfail(strict=True, reason=...)``. A gap whose test passes is reported as a failure (XPASS
strict), so stale entries cannot pile up.
"""

from __future__ import annotations

import fnmatch
import sys
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

GAPS_DIR = Path(__file__).parent / "gaps"
SECTIONS = ("dtypes", "ops", "gradients", "tests")


@dataclass
class Gaps:
    """The parsed gap file of one backend (empty when it has none)."""

    backend: str
    path: Path | None = None
    dtypes: dict[str, str] = field(default_factory=dict)
    ops: dict[str, str] = field(default_factory=dict)
    gradients: dict[str, str] = field(default_factory=dict)
    tests: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, backend: str, path: str | Path | None = None) -> Gaps:
        """The gap file at ``path``, or this package's ``gaps/<backend>.toml``, or none."""
        if path is None:
            candidate = GAPS_DIR / f"{backend}.toml"
            if not candidate.is_file():
                return cls(backend)
            path = candidate
        path = Path(path)
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        unknown = set(data) - set(SECTIONS)
        if unknown:
            raise ValueError(
                f"gap file {path}: unknown section(s) {sorted(unknown)}; expected {list(SECTIONS)}"
            )
        gaps = cls(backend, path)
        for section in SECTIONS:
            entries = data.get(section, {})
            for key, reason in entries.items():
                if not isinstance(reason, str) or not reason.strip():
                    raise ValueError(f"gap file {path}: [{section}] {key!r} needs a reason string")
            setattr(gaps, section, dict(entries))
        return gaps

    def dtype_gap(self, dtypes: tuple[str, ...] | list[str]) -> str | None:
        for dtype in dtypes:
            if dtype in self.dtypes:
                return f"{dtype}: {self.dtypes[dtype]}"
        return None

    def op_gap(self, op: str, case_id: str | None = None, *, gradient: bool = False) -> str | None:
        """The reason ``op`` (case ``case_id``) is a known gap, or None."""
        sections = [self.ops, self.gradients] if gradient else [self.ops]
        for entries in sections:
            for pattern, reason in entries.items():
                op_pattern, _, case_pattern = pattern.partition("[")
                if not fnmatch.fnmatchcase(op, op_pattern):
                    continue
                if not case_pattern:
                    return reason
                if case_id is not None and fnmatch.fnmatchcase(case_id, case_pattern[:-1]):
                    return reason
        return None

    def test_gap(self, test_name: str) -> str | None:
        for pattern, reason in self.tests.items():
            if fnmatch.fnmatchcase(test_name, pattern):
                return reason
        return None

    def entries(self) -> list[tuple[str, str]]:
        """Every ``(section, key)`` of the file, for the stale-entry checks."""
        return [(s, k) for s in SECTIONS for k in getattr(self, s)]


__all__ = ["GAPS_DIR", "Gaps"]
