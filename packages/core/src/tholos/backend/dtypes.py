"""Dtype names and the one promotion table every backend follows.

tholos names dtypes with strings (``"float32"``, ``"int64"``, ``"bool"``...). Every backend
must return, for every op, the dtype that :func:`result_type` gives for its inputs; the
conformance suite checks this op by op.

The promotion rules form a lattice (the same shape as JAX's): a result dtype is the least
upper bound of its inputs. Python scalars are *weak*: they adopt the dtype of the tensor they
meet (``int8_tensor + 1`` stays ``int8``; ``int32_tensor + 1.5`` becomes ``floatx()``).

>>> result_type("int8", "uint8")
'int16'
>>> result_type("float16", "bfloat16")
'float32'
>>> result_type("int32", 1.5)
'float32'
"""

from __future__ import annotations

import functools
from typing import Any

from tholos.errors import DtypeError

FLOAT_TYPES = ("bfloat16", "float16", "float32", "float64")
INT_TYPES = ("uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64")
COMPLEX_TYPES = ("complex64", "complex128")
ALLOWED_DTYPES = ("bool", *INT_TYPES, *FLOAT_TYPES, *COMPLEX_TYPES)

# Weak (Python-scalar) pseudo dtypes used only inside the lattice.
_WEAK_INT = "int*"
_WEAK_FLOAT = "float*"
_WEAK_COMPLEX = "complex*"

# Each dtype -> the dtypes directly above it.
_LATTICE_UP: dict[str, tuple[str, ...]] = {
    "bool": (_WEAK_INT,),
    _WEAK_INT: ("uint8", "int8"),
    "uint8": ("uint16", "int16"),
    "uint16": ("uint32", "int32"),
    "uint32": ("uint64", "int64"),
    "uint64": (_WEAK_FLOAT,),
    "int8": ("int16",),
    "int16": ("int32",),
    "int32": ("int64",),
    "int64": (_WEAK_FLOAT,),
    _WEAK_FLOAT: ("bfloat16", "float16", _WEAK_COMPLEX),
    "bfloat16": ("float32",),
    "float16": ("float32",),
    "float32": ("float64", "complex64"),
    "float64": ("complex128",),
    _WEAK_COMPLEX: ("complex64",),
    "complex64": ("complex128",),
    "complex128": (),
}

_ALIASES = {
    "float": "float32",
    "double": "float64",
    "half": "float16",
    "int": "int32",
    "long": "int64",
    "bool_": "bool",
    "boolean": "bool",
    "cfloat": "complex64",
    "cdouble": "complex128",
}

_floatx = "float32"


def floatx() -> str:
    """The default float dtype (``"float32"`` unless changed with :func:`set_floatx`)."""
    return _floatx


def set_floatx(dtype: str) -> None:
    """Set the default float dtype: one of ``float16``, ``bfloat16``, ``float32``, ``float64``."""
    global _floatx
    name = standardize_dtype(dtype)
    if name not in FLOAT_TYPES:
        raise DtypeError(
            "set_floatx needs a float dtype.",
            expected=f"one of {FLOAT_TYPES}",
            received=repr(dtype),
        )
    _floatx = name


@functools.lru_cache(maxsize=512)
def _standardize_hashable(dtype: Any) -> str:
    if dtype is None:
        return floatx()
    if dtype is bool:
        return "bool"
    if dtype is int:
        return "int32"
    if dtype is float:
        return floatx()
    if dtype is complex:
        return "complex64"
    name = getattr(dtype, "name", None)  # numpy / tf dtypes, numpy scalar types
    if not isinstance(name, str):
        name = getattr(dtype, "__name__", None) or str(dtype)
    # "torch.float32", "<dtype: 'float32'>", "dtype('float32')"
    name = name.rsplit(".", 1)[-1].strip("<>'\" ")
    for prefix in ("dtype: ", "dtype("):
        if name.startswith(prefix):
            name = name[len(prefix) :].strip("'\")")
    name = _ALIASES.get(name, name)
    if name not in ALLOWED_DTYPES:
        raise DtypeError(
            "Unknown dtype.",
            expected=f"one of {ALLOWED_DTYPES}",
            received=repr(dtype),
        )
    return name


def standardize_dtype(dtype: Any) -> str:
    """Return tholos' string name for ``dtype`` (a string, a Python type or a framework dtype).

    >>> standardize_dtype("float")
    'float32'
    >>> standardize_dtype(bool)
    'bool'
    """
    if isinstance(dtype, str) and dtype in ALLOWED_DTYPES:
        return dtype
    try:
        return _standardize_hashable(dtype)
    except TypeError:  # unhashable foreign dtype object
        return _standardize_hashable.__wrapped__(dtype)


def is_float_dtype(dtype: Any) -> bool:
    return standardize_dtype(dtype) in FLOAT_TYPES


def is_int_dtype(dtype: Any) -> bool:
    return standardize_dtype(dtype) in INT_TYPES


def dtype_size(dtype: Any) -> int:
    """Size in bits of one element."""
    name = standardize_dtype(dtype)
    if name == "bool":
        return 8
    digits = "".join(c for c in name if c.isdigit())
    return int(digits)


@functools.cache
def _ancestors(dtype: str) -> frozenset[str]:
    up = {dtype}
    for parent in _LATTICE_UP[dtype]:
        up |= _ancestors(parent)
    return frozenset(up)


@functools.lru_cache(maxsize=4096)
def _least_upper_bound(dtypes: tuple[str, ...]) -> str:
    common = frozenset.intersection(*(_ancestors(d) for d in dtypes))
    # The least upper bound is the common ancestor that every other common ancestor is above.
    for candidate in common:
        if common <= _ancestors(candidate):
            return candidate
    raise DtypeError(  # pragma: no cover - the lattice is complete
        "These dtypes have no common type.", expected="promotable dtypes", received=str(dtypes)
    )


_WEAK_OF_PYTHON_TYPE = {bool: "bool", int: _WEAK_INT, float: _WEAK_FLOAT, complex: _WEAK_COMPLEX}


def _lattice_name(x: Any) -> str:
    # Exact type checks: NumPy scalars subclass float/int but carry a real dtype.
    weak = _WEAK_OF_PYTHON_TYPE.get(type(x))
    if weak is not None:
        return weak
    dtype = getattr(x, "dtype", x)
    return standardize_dtype(dtype)


def result_type(*args: Any) -> str:
    """The dtype an op returns for inputs ``args`` (dtypes, tensors or Python scalars).

    With no tensor or dtype among ``args``, weak types resolve to ``int32`` / ``floatx()``.

    >>> result_type("int32", "float16")
    'float16'
    >>> result_type(1, 2)
    'int32'
    >>> result_type("uint32", "int64")
    'int64'
    """
    if not args:
        return floatx()
    result = _least_upper_bound(tuple(sorted({_lattice_name(a) for a in args})))
    if result == _WEAK_INT:
        return "int32"
    if result == _WEAK_FLOAT:
        return floatx()
    if result == _WEAK_COMPLEX:
        return "complex64"
    return result


__all__ = [
    "ALLOWED_DTYPES",
    "COMPLEX_TYPES",
    "FLOAT_TYPES",
    "INT_TYPES",
    "dtype_size",
    "floatx",
    "is_float_dtype",
    "is_int_dtype",
    "result_type",
    "set_floatx",
    "standardize_dtype",
]
