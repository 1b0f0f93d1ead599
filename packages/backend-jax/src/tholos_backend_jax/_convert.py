"""Conversion and dtype helpers shared by every op module of the JAX backend.

Dtypes follow :func:`tholos.backend.dtypes.result_type` (never JAX's own promotion): helpers
compute the tholos result dtype and cast explicitly. 64-bit dtypes exist only when JAX runs
with ``jax_enable_x64``; without it they are *canonicalized* to their 32-bit counterparts
(``float64 -> float32``, ``int64 -> int32``, ``uint64 -> uint32``, ``complex128 ->
complex64``), which is what JAX itself does with NumPy inputs.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from tholos.backend.dtypes import (
    COMPLEX_TYPES,
    FLOAT_TYPES,
    INT_TYPES,
    floatx,
    result_type,
    standardize_dtype,
)
from tholos.errors import OpInputError

PY_SCALARS = (bool, int, float, complex)
_NARROW = {"float64": "float32", "int64": "int32", "uint64": "uint32", "complex128": "complex64"}


class TracedValueError(OpInputError):
    """A traced value (inside ``jax.jit``) was asked for its concrete value."""


def x64() -> bool:
    """Whether JAX has 64-bit dtypes (``jax.config.update("jax_enable_x64", True)``)."""
    return bool(jax.config.jax_enable_x64)


def canon(dtype) -> str:
    """The tholos dtype name JAX can hold for ``dtype`` (64-bit narrowed without x64)."""
    name = standardize_dtype(dtype)
    if name in _NARROW and not jax.config.jax_enable_x64:
        return _NARROW[name]
    return name


def rtype(*args) -> str:
    """:func:`result_type` of ``args``, canonicalized for JAX."""
    return canon(result_type(*args))


def is_array(x) -> bool:
    """A JAX array or tracer."""
    return isinstance(x, jax.Array)


def is_traced(x) -> bool:
    return isinstance(x, jax.core.Tracer)


def is_variable(x) -> bool:
    return (
        hasattr(x, "assign") and hasattr(x, "value") and not isinstance(x, (np.ndarray, jax.Array))
    )


def dtype_name(x) -> str:
    return standardize_dtype(x.dtype)


def default_dtype(x) -> str | None:
    """The tholos dtype of a Python value or nested list (None for anything else)."""
    if isinstance(x, np.generic):
        return None
    if isinstance(x, PY_SCALARS + (list, tuple)):
        kind = np.asarray(x).dtype.kind
        return {"f": floatx(), "i": "int32", "u": "int32", "c": "complex64", "b": "bool"}.get(kind)
    return None


def to_array(x, dtype=None):
    """``x`` as a JAX array (tracers kept), cast to ``dtype`` when given."""
    if isinstance(x, jax.Array):
        if dtype is not None:
            d = canon(dtype)
            if standardize_dtype(x.dtype) != d:
                return x.astype(d)
        return x
    if is_variable(x):
        return to_array(x.value, dtype)
    if dtype is None:
        if isinstance(x, np.ndarray):
            d = str(x.dtype)
            return jnp.asarray(x, dtype=canon(d) if d in _NARROW else None)
        if isinstance(x, np.generic):
            return jnp.asarray(x, dtype=canon(x.dtype))
        dtype = default_dtype(x)
        if dtype is None:
            return jnp.asarray(x)
    return jnp.asarray(x, dtype=canon(dtype))


def cast(x, dtype):
    """Cast (array, tracer or Python value) to ``dtype``; a no-op when it already has it."""
    return to_array(x, dtype)


def weak(x):
    """Python scalars stay Python scalars (weak types); anything else becomes an array."""
    if type(x) in PY_SCALARS:
        return x
    return to_array(x)


def promote(*xs):
    """Arrays of the common tholos dtype of ``xs`` (Python scalars weak), and that dtype."""
    xs = [weak(x) for x in xs]
    dtype = rtype(*xs)
    return [cast(x, dtype) for x in xs], dtype


def float_of(dtype) -> str:
    """The float dtype a transcendental op returns for ``dtype`` (ints and bool: floatx())."""
    dtype = standardize_dtype(dtype)
    if dtype in COMPLEX_TYPES or dtype in FLOAT_TYPES:
        return canon(dtype)
    return canon(floatx())


def real_of(dtype) -> str:
    return canon({"complex64": "float32", "complex128": "float64"}.get(dtype, dtype))


def concrete(x):
    """A NumPy array for ``x`` when its value is known now, else None (inside jit/grad)."""
    if isinstance(x, jax.core.Tracer):
        try:
            return np.asarray(x)
        except Exception:
            return None
    if isinstance(x, jax.Array):
        return np.asarray(x)
    return np.asarray(x)


__all__ = [
    "COMPLEX_TYPES",
    "FLOAT_TYPES",
    "INT_TYPES",
    "PY_SCALARS",
    "canon",
    "cast",
    "concrete",
    "default_dtype",
    "dtype_name",
    "float_of",
    "floatx",
    "is_array",
    "is_traced",
    "is_variable",
    "promote",
    "real_of",
    "result_type",
    "rtype",
    "standardize_dtype",
    "to_array",
    "weak",
    "x64",
]
