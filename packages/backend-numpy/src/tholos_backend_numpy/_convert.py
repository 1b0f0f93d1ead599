"""Array conversion that keeps autograd's tracing boxes intact.

Every op of this backend is written with ``autograd.numpy`` so that the trainer can
differentiate it. Plain ``numpy.asarray`` would unwrap (and break) a traced value; these
helpers never do.
"""

from __future__ import annotations

import numpy as np
from autograd.numpy.numpy_boxes import ArrayBox
from autograd.tracer import Box

from tholos.backend.dtypes import floatx, result_type, standardize_dtype


def is_traced(x) -> bool:
    """True for a value autograd is differentiating through."""
    return isinstance(x, Box)


def dtype_name(x) -> str:
    return standardize_dtype(x.dtype)


def default_dtype(x) -> str | None:
    """The tholos dtype for a Python value or nested list of them (None when not a Python value).

    NumPy scalars (``np.float64(1.0)`` is also a Python ``float``) keep their own dtype.
    """
    if isinstance(x, np.generic):
        return None
    if isinstance(x, (bool, int, float, complex, list, tuple)):
        arr = np.asarray(x)
        if arr.dtype.kind == "f":
            return floatx()
        if arr.dtype.kind in "iu":
            return "int32"
        if arr.dtype.kind == "c":
            return "complex64"
        if arr.dtype.kind == "b":
            return "bool"
    return None


def to_array(x, dtype=None):
    """Convert ``x`` to an ndarray (or keep an autograd box), cast to ``dtype`` when given.

    Python scalars and lists take tholos' defaults (``floatx()`` for floats, ``int32`` for ints).
    """
    if isinstance(x, ArrayBox):
        if dtype is not None and dtype_name(x) != standardize_dtype(dtype):
            return x.astype(standardize_dtype(dtype))
        return x
    if isinstance(x, Box):  # an autograd box around a scalar
        return x
    if dtype is None:
        if isinstance(x, np.ndarray):
            return x
        if hasattr(x, "value") and hasattr(x, "assign"):  # a tholos Variable
            return to_array(x.value)
        dtype = default_dtype(x)
    else:
        dtype = standardize_dtype(dtype)
    if hasattr(x, "value") and hasattr(x, "assign"):
        return to_array(x.value, dtype)
    return np.asarray(x, dtype=dtype)


def cast(x, dtype):
    """Cast ``x`` (array or box) to ``dtype``; a no-op when it already has it."""
    dtype = standardize_dtype(dtype)
    if type(x) in (bool, int, float, complex) or isinstance(x, (list, tuple)):
        return np.asarray(x, dtype=dtype)  # straight from the Python value: no float32 detour
    x = to_array(x)
    if dtype_name(x) == dtype:
        return x
    return x.astype(dtype)


def promote(*xs):
    """Convert inputs to arrays of their common tholos result dtype (Python scalars are weak)."""
    dtype = result_type(
        *(x if isinstance(x, (bool, int, float, complex)) else to_array(x) for x in xs)
    )
    return [cast(x, dtype) for x in xs]
