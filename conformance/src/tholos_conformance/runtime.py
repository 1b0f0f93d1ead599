"""Running code under the backend under test or the reference, on a device.

The reference is always the NumPy backend (``REFERENCE``) on the host CPU, in the same
process. The backend under test runs inside :func:`backend_scope`: its op table is active,
new arrays go to the chosen device, and, when the backend offers it, reduced-precision matmul
modes (TF32) are switched off through its optional ``precision_scope()``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

REFERENCE = "numpy"


class BF16:
    """An input of dtype bfloat16 (NumPy has none): ``value`` is float32 holding
    bfloat16-representable numbers, so the conversion to the backend is exact."""

    def __init__(self, value: np.ndarray):
        self.value = round_to_bfloat16(np.asarray(value, dtype=np.float32))
        self.dtype = "bfloat16"
        self.shape = self.value.shape

    def __repr__(self) -> str:
        return f"BF16({self.value!r})"


def round_to_bfloat16(x: np.ndarray) -> np.ndarray:
    """Round float32 values to the nearest bfloat16 (ties to even), kept as float32."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    bits = x.view(np.uint32).astype(np.uint64)
    rounding = ((bits >> 16) & 1) + 0x7FFF
    out = ((bits + rounding) >> 16 << 16).astype(np.uint32)
    finite = np.isfinite(x)
    return np.where(finite, out.view(np.float32), x)


# -- pytrees --------------------------------------------------------------------------------


def is_leaf_array(x: Any) -> bool:
    return isinstance(x, (np.ndarray, BF16))


def tree_map(fn: Callable[[Any], Any], tree: Any) -> Any:
    """Apply ``fn`` to every leaf of nested lists/tuples/dicts (other objects are leaves)."""
    if isinstance(tree, (list, tuple)) and not is_leaf_array(tree):
        mapped = [tree_map(fn, t) for t in tree]
        return type(tree)(mapped) if not hasattr(tree, "_fields") else type(tree)(*mapped)
    if isinstance(tree, dict):
        return {k: tree_map(fn, v) for k, v in tree.items()}
    return fn(tree)


def tree_leaves(tree: Any) -> list[Any]:
    out: list[Any] = []
    tree_map(out.append, tree)
    return out


# -- scopes ---------------------------------------------------------------------------------


def loaded_backend(name: str) -> Any:
    from tholos.backend import REGISTRY

    return REGISTRY.get(name)


def device_name(device: str) -> str:
    return device if ":" in device else f"{device}:0"


@contextlib.contextmanager
def backend_scope(name: str, device: str = "cpu") -> Iterator[Any]:
    """Activate backend ``name`` on ``device`` with full-precision matmul for the block."""
    from tholos.backend import use_backend

    with use_backend(name) as loaded:
        with contextlib.ExitStack() as stack:
            if device_name(device) != "cpu:0" or name != REFERENCE:
                stack.enter_context(loaded.devices.device_scope(device_name(device)))
            precision = getattr(loaded.impl, "precision_scope", None)
            if precision is not None:
                stack.enter_context(precision())
            yield loaded


@contextlib.contextmanager
def reference_scope() -> Iterator[Any]:
    from tholos.backend import use_backend

    with use_backend(REFERENCE) as loaded:
        yield loaded


# -- conversions ----------------------------------------------------------------------------


def to_backend(tree: Any) -> Any:
    """Turn the NumPy/BF16 leaves of ``tree`` into tensors of the active backend."""
    from tholos import ops

    def convert(leaf: Any) -> Any:
        if isinstance(leaf, BF16):
            return ops.convert_to_tensor(leaf.value, dtype="bfloat16")
        if isinstance(leaf, np.ndarray):
            return ops.convert_to_tensor(leaf)
        return leaf

    return tree_map(convert, tree)


def to_float64(tree: Any) -> Any:
    """The reference's inputs: float leaves widened to float64, complex to complex128."""

    def widen(leaf: Any) -> Any:
        if isinstance(leaf, BF16):
            return leaf.value.astype(np.float64)
        if isinstance(leaf, str) and leaf == "bfloat16":
            return "float64"  # a dtype argument (``cast(x, "bfloat16")``): NumPy has none
        if isinstance(leaf, np.ndarray):
            if leaf.dtype.kind == "f":
                return leaf.astype(np.float64)
            if leaf.dtype.kind == "c":
                return leaf.astype(np.complex128)
        return leaf

    return tree_map(widen, tree)


def to_dtype_probe(tree: Any) -> tuple[Any, bool]:
    """Inputs for asking the reference which dtype a result has: the tested dtypes themselves,
    except bfloat16, which NumPy lacks and which is stood in for by float16 (its mirror image
    in the promotion lattice). Returns the inputs and whether that substitution happened."""
    substituted = []

    def probe(leaf: Any) -> Any:
        if isinstance(leaf, BF16):
            substituted.append(True)
            return leaf.value.astype(np.float16)
        if isinstance(leaf, str) and leaf == "bfloat16":  # a dtype argument
            substituted.append(True)
            return "float16"
        return leaf

    return tree_map(probe, tree), bool(substituted)


def to_numpy(tree: Any) -> Any:
    """Backend results to NumPy (under the active backend); Python values stay as they are."""
    from tholos import ops

    def convert(leaf: Any) -> Any:
        if isinstance(leaf, np.generic):
            return np.asarray(leaf)
        if leaf is None or isinstance(leaf, (bool, int, float, str, complex)):
            return leaf
        if getattr(leaf, "dtype", None) is not None and dtype_of(leaf) == "bfloat16":
            leaf = ops.cast(leaf, "float32")  # NumPy has no bfloat16; float32 holds it exactly
        return np.asarray(ops.convert_to_numpy(leaf))

    return tree_map(convert, tree)


def dtype_of(leaf: Any) -> str | None:
    """The tholos dtype name of a backend tensor (under the active backend), or None."""
    from tholos import ops

    if isinstance(leaf, np.generic):
        return str(ops.dtype(leaf))
    if leaf is None or isinstance(leaf, (bool, int, float, str, complex)):
        return None
    return str(ops.dtype(leaf))


def describe(leaf: Any) -> str:
    """``float32[2, 3]`` for arrays, ``repr`` (shortened) for anything else."""
    if isinstance(leaf, BF16):
        return f"bfloat16{list(leaf.shape)}"
    if isinstance(leaf, np.ndarray):
        return f"{leaf.dtype}{list(leaf.shape)}"
    if callable(leaf):
        return getattr(leaf, "__name__", "<callable>")
    text = repr(leaf)
    return text if len(text) <= 40 else text[:37] + "..."


__all__ = [
    "BF16",
    "REFERENCE",
    "backend_scope",
    "describe",
    "dtype_of",
    "loaded_backend",
    "reference_scope",
    "round_to_bfloat16",
    "to_backend",
    "to_dtype_probe",
    "to_float64",
    "to_numpy",
    "tree_leaves",
    "tree_map",
]
