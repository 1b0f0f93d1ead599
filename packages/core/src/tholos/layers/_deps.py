"""The Layer base and its InputSpec, imported from wherever the base layer module defines them.

Kept in one place so the layer modules of this package do not depend on that layout.
"""

from __future__ import annotations

from tholos.layers.layer import Layer

try:
    from tholos.layers.input_spec import InputSpec
except ImportError:  # pragma: no cover - layout where InputSpec lives next to Layer
    from tholos.layers.layer import InputSpec

__all__ = ["InputSpec", "Layer"]
