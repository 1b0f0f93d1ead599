"""Conversion and dtype promotion for the torch backend.

Every op calls these, so they are written for the common case first: a ``torch.Tensor`` in,
nothing to do. Promotion follows :func:`tholos.backend.dtypes.result_type` (never torch's own
rules) through small caches keyed by torch dtypes, so an op pays one dict lookup for it.

torch has ``uint16``/``uint32``/``uint64`` as storage dtypes with few kernels (no add,
comparison, max...). Ops whose result has one of these dtypes compute in ``int64`` and cast
back (:data:`LIMITED`, :func:`wide`); ``uint64`` values above ``2**63 - 1`` therefore wrap.
"""

from __future__ import annotations

import numpy as np
import torch

from tholos.backend import dtypes as _dtypes
from tholos.backend._variables import Variable as _Variable
from tholos.backend.dtypes import result_type, standardize_dtype
from tholos.errors import OpInputError
from tholos_backend_torch import devices as _devices

Tensor = torch.Tensor

TORCH_DTYPES: dict[str, torch.dtype] = {
    "bool": torch.bool,
    "uint8": torch.uint8,
    "uint16": torch.uint16,
    "uint32": torch.uint32,
    "uint64": torch.uint64,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "bfloat16": torch.bfloat16,
    "float16": torch.float16,
    "float32": torch.float32,
    "float64": torch.float64,
    "complex64": torch.complex64,
    "complex128": torch.complex128,
}
NAMES: dict[torch.dtype, str] = {v: k for k, v in TORCH_DTYPES.items()}

FLOATS = frozenset({torch.float16, torch.bfloat16, torch.float32, torch.float64})
COMPLEX = frozenset({torch.complex64, torch.complex128})
INEXACT = FLOATS | COMPLEX
INTS = frozenset(
    {
        torch.uint8,
        torch.uint16,
        torch.uint32,
        torch.uint64,
        torch.int8,
        torch.int16,
        torch.int32,
        torch.int64,
    }
)
LIMITED = frozenset({torch.uint16, torch.uint32, torch.uint64})
"""Unsigned dtypes torch stores but barely computes with: computed in int64, cast back."""

PY_SCALARS = (bool, int, float, complex)
_PY_SCALAR_TYPES = frozenset(PY_SCALARS)
_REAL_OF = {torch.complex64: torch.float32, torch.complex128: torch.float64}


def tdtype(dtype) -> torch.dtype:
    """The torch dtype for any dtype spelling (a torch dtype is returned as is)."""
    if isinstance(dtype, torch.dtype):
        return dtype
    return TORCH_DTYPES[standardize_dtype(dtype)]


def name(x: Tensor) -> str:
    return NAMES[x.dtype]


def floatx_t() -> torch.dtype:
    return TORCH_DTYPES[_dtypes._floatx]


def float_of(dt: torch.dtype) -> torch.dtype:
    """The dtype a float-valued op returns for input dtype ``dt`` (ints/bool -> floatx)."""
    return dt if dt in INEXACT else TORCH_DTYPES[_dtypes._floatx]


def real_of(dt: torch.dtype) -> torch.dtype:
    return _REAL_OF.get(dt, dt)


def wide(x):
    """``x`` as int64 when its dtype is one torch cannot compute with."""
    if isinstance(x, Tensor) and x.dtype in LIMITED:
        return x.to(torch.int64)
    return x


# ----------------------------------------------------------------------------- promotion

_PAIR: dict[tuple[torch.dtype, torch.dtype], torch.dtype] = {}
_WITH_SCALAR: dict[tuple[torch.dtype, type, str], torch.dtype] = {}


def pair_dtype(d1: torch.dtype, d2: torch.dtype) -> torch.dtype:
    try:
        return _PAIR[(d1, d2)]
    except KeyError:
        out = _PAIR[(d1, d2)] = TORCH_DTYPES[result_type(NAMES[d1], NAMES[d2])]
        return out


def scalar_dtype(d: torch.dtype, scalar_type: type) -> torch.dtype:
    key = (d, scalar_type, _dtypes._floatx)
    try:
        return _WITH_SCALAR[key]
    except KeyError:
        sample = {bool: True, int: 1, float: 1.0, complex: 1j}[scalar_type]
        out = _WITH_SCALAR[key] = TORCH_DTYPES[result_type(NAMES[d], sample)]
        return out


def operands(x1, x2):
    """``(a, b, dtype)``: both operands at their tholos result dtype.

    A Python scalar operand stays a Python scalar (torch keeps it weak, like tholos); the
    tensor operand is cast to the result dtype so torch computes in it.
    """
    if isinstance(x1, Tensor):
        if isinstance(x2, Tensor):
            d1 = x1.dtype
            d2 = x2.dtype
            if d1 is d2:
                return x1, x2, d1
            dt = pair_dtype(d1, d2)
            return (x1 if d1 is dt else x1.to(dt)), (x2 if d2 is dt else x2.to(dt)), dt
        if type(x2) in _PY_SCALAR_TYPES:
            dt = scalar_dtype(x1.dtype, type(x2))
            return (x1 if x1.dtype is dt else x1.to(dt)), x2, dt
    elif isinstance(x2, Tensor) and type(x1) in _PY_SCALAR_TYPES:
        dt = scalar_dtype(x2.dtype, type(x1))
        return x1, (x2 if x2.dtype is dt else x2.to(dt)), dt
    return _operands_slow(x1, x2)


def _operands_slow(x1, x2):
    a = x1 if type(x1) in _PY_SCALAR_TYPES else to_tensor(x1)
    b = x2 if type(x2) in _PY_SCALAR_TYPES else to_tensor(x2)
    if isinstance(a, Tensor) or isinstance(b, Tensor):
        return operands(a, b)
    dt = TORCH_DTYPES[result_type(a, b)]
    return to_tensor(a, dt), to_tensor(b, dt), dt


def promote(*xs):
    """All of ``xs`` as tensors of their common result dtype (Python scalars weak)."""
    parts = [x if type(x) in _PY_SCALAR_TYPES else to_tensor(x) for x in xs]
    dt = TORCH_DTYPES[
        result_type(*(p if type(p) in _PY_SCALAR_TYPES else NAMES[p.dtype] for p in parts))
    ]
    device = next((p.device for p in parts if isinstance(p, Tensor)), None)
    return [
        (p if p.dtype is dt else p.to(dt))
        if isinstance(p, Tensor)
        else torch.tensor(p, dtype=dt, device=device or _devices.CURRENT)
        for p in parts
    ], dt


# ----------------------------------------------------------------------------- conversion

_NP_KIND_DEFAULT = {"b": "bool", "i": "int32", "u": "int32", "f": None, "c": "complex64"}


def _is_variable(x) -> bool:
    return isinstance(x, _Variable)


def python_dtype(x) -> torch.dtype | None:
    """The tholos default dtype of a Python scalar / nested list of them (None if other)."""
    t = type(x)
    if t is bool:
        return torch.bool
    if t is int:
        return torch.int32
    if t is float:
        return TORCH_DTYPES[_dtypes._floatx]
    if t is complex:
        return torch.complex64
    return None


def _check_int32(x, what="value"):
    if not -(2**31) <= x < 2**31:
        raise OpInputError(
            "ops.convert_to_tensor: a Python int does not fit the default int32.",
            expected=f"a {what} in the int32 range",
            received=repr(x)[:80],
            hint='Pass dtype="int64".',
        )


def _from_numpy(arr: np.ndarray, dt, device) -> Tensor:
    if arr.dtype.kind not in "biufc":
        raise OpInputError(
            "ops.convert_to_tensor: the value has no tholos dtype.",
            expected="numeric or bool data",
            received=f"dtype {arr.dtype}",
        )
    if arr.dtype.byteorder == ">" or not arr.flags.writeable or any(st < 0 for st in arr.strides):
        arr = np.array(arr, dtype=arr.dtype.newbyteorder("="))
    elif arr.dtype.kind == "f" and arr.dtype.itemsize > 8:
        arr = arr.astype(np.float64)
    t = torch.from_numpy(arr) if arr.ndim else torch.from_numpy(np.array(arr))
    if dt is not None and t.dtype is not dt:
        if t.dtype in LIMITED and dt not in LIMITED:
            t = t.to(torch.int64)
        t = t.to(dt)
    if device.type != "cpu":
        t = t.to(device, non_blocking=True)
    return t


def _from_sequence(x, dt, device) -> Tensor:
    flat = _flatten_seq(x)
    if flat is not None:
        if all(type(e) in _PY_SCALAR_TYPES for e in flat):
            arr = np.asarray(x)
            if arr.dtype == object:
                raise OpInputError(
                    "ops.convert_to_tensor: nested sequence elements have different shapes.",
                    expected="a rectangular nested sequence",
                    received=repr(x)[:80],
                )
            if dt is None:
                kind = arr.dtype.kind
                if kind == "f":
                    dt = TORCH_DTYPES[_dtypes._floatx]
                elif kind in "iu":
                    if arr.size and (arr.max() >= 2**31 or arr.min() < -(2**31)):
                        _check_int32(int(arr.max() if arr.max() >= 2**31 else arr.min()))
                    dt = torch.int32
                else:
                    dt = TORCH_DTYPES[_NP_KIND_DEFAULT[kind]]
            if dt in LIMITED:
                return _from_numpy(arr.astype(NAMES[dt]), dt, device)
            return torch.tensor(x, dtype=dt, device=device)
    parts = [to_tensor(e) if type(e) not in _PY_SCALAR_TYPES else e for e in x]
    if not parts:
        return torch.zeros((0,), dtype=dt or TORCH_DTYPES[_dtypes._floatx], device=device)
    target = (
        dt
        or TORCH_DTYPES[
            result_type(*(p if type(p) in _PY_SCALAR_TYPES else NAMES[p.dtype] for p in parts))
        ]
    )
    dev = next((p.device for p in parts if isinstance(p, Tensor)), device)
    tensors = [
        to_tensor(p, target).to(dev) if not isinstance(p, Tensor) or p.dtype is not target else p
        for p in parts
    ]
    shapes = {tuple(t.shape) for t in tensors}
    if len(shapes) > 1:
        raise OpInputError(
            "ops.convert_to_tensor: nested sequence elements have different shapes.",
            expected="a rectangular nested sequence",
            received=f"element shapes {sorted(shapes)}",
        )
    if target in LIMITED:
        return torch.stack([t.to(torch.int64) for t in tensors]).to(target)
    return torch.stack(tensors)


def _flatten_seq(x):
    """Leaves of a nested list/tuple when all are Python scalars/sequences, else None."""
    out = []
    stack = [x]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        elif type(item) in _PY_SCALAR_TYPES:
            out.append(item)
        else:
            return None
    return out


def to_tensor(x, dtype=None, device=None) -> Tensor:
    """Convert ``x`` to a torch tensor (of ``dtype``, a torch dtype, when given).

    Torch tensors stay where they are; new tensors go to ``device`` or the current device.
    """
    if isinstance(x, _Variable):  # the common non-tensor input: a layer's weight
        x = x.value
    if isinstance(x, Tensor):
        if dtype is None or x.dtype is dtype:
            return x
        if x.dtype in LIMITED and dtype not in LIMITED:
            return x.to(torch.int64).to(dtype)
        if dtype in LIMITED and x.dtype not in INTS:
            return x.to(torch.int64).to(dtype)
        return x.to(dtype)
    if device is None:
        device = _devices.CURRENT
    t = type(x)
    if t in _PY_SCALAR_TYPES:
        if dtype is None:
            dtype = python_dtype(x)
            if t is int:
                _check_int32(x)
        if dtype in LIMITED:
            return torch.tensor(x, dtype=torch.int64, device=device).to(dtype)
        return torch.tensor(x, dtype=dtype, device=device)
    if isinstance(x, np.ndarray):
        return _from_numpy(x, dtype, device)
    if isinstance(x, np.generic):
        return _from_numpy(np.asarray(x), dtype, device)
    if isinstance(x, (list, tuple)):
        return _from_sequence(x, dtype, device)
    if isinstance(x, PY_SCALARS):  # subclasses of int/float (e.g. IntEnum)
        return to_tensor(t.__mro__[1](x) if t.__mro__[1] in PY_SCALARS else float(x), dtype)
    return _from_foreign(x, dtype, device)


def _from_foreign(x, dtype, device) -> Tensor:
    if x is None or isinstance(x, (str, bytes)):
        raise OpInputError(
            "ops.convert_to_tensor: cannot convert this object to a tensor.",
            expected="a number, a (nested) list of numbers, an array or a tholos Variable",
            received=f"{type(x).__name__} {x!r}"[:80],
        )
    if hasattr(x, "__dlpack__"):
        try:
            t = torch.from_dlpack(x)
            return to_tensor(t, dtype)
        except (BufferError, RuntimeError, TypeError, ValueError, AttributeError):
            pass
    if hasattr(x, "__array__"):
        return _from_numpy(np.asarray(x), dtype, device)
    try:
        import array_api_compat

        if array_api_compat.is_array_api_obj(x):
            return _from_numpy(np.asarray(array_api_compat.to_device(x, "cpu")), dtype, device)
    except ImportError:  # pragma: no cover
        pass
    raise OpInputError(
        "ops.convert_to_tensor: cannot convert this object to a tensor.",
        expected="a Python number or (nested) list, a NumPy array, a tholos Variable, or an "
        "array supporting __dlpack__ / __array__",
        received=f"an object of type {type(x).__name__}",
    )


def tensor_of(x) -> Tensor:
    """Fast: ``x`` if it is a tensor, else :func:`to_tensor` (ops' first line)."""
    return x if isinstance(x, Tensor) else to_tensor(x)


def cast(x: Tensor, dt: torch.dtype) -> Tensor:
    if x.dtype is dt:
        return x
    if (x.dtype in LIMITED and dt not in LIMITED) or (dt in LIMITED and x.dtype not in INTS):
        return x.to(torch.int64).to(dt)
    return x.to(dt)


def to_numpy(x) -> np.ndarray:
    if not isinstance(x, Tensor):
        x = to_tensor(x)
    x = x.detach()
    if x.device.type != "cpu":
        x = x.cpu()
    if x.dtype is torch.bfloat16:
        from tholos.errors import DtypeError

        try:
            import ml_dtypes  # noqa: F401

            return x.view(torch.int16).numpy().view("bfloat16")
        except ImportError:
            raise DtypeError(
                "NumPy has no bfloat16: cannot convert a bfloat16 tensor to NumPy.",
                expected="a tensor of a NumPy dtype",
                received="dtype bfloat16",
                hint='Cast first: ops.cast(x, "float32").',
            ) from None
    if x.is_conj():
        x = x.resolve_conj()
    if x.is_neg():
        x = x.resolve_neg()
    return x.numpy()


def axes_tuple(axis, ndim: int, op: str):
    """``axis`` (None/int/sequence) validated and normalised: None or a tuple of ints >= 0."""
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, int) else tuple(int(a) for a in axis)
    nd = max(ndim, 1)
    out = []
    for a in axes:
        if not -nd <= a < nd:
            raise OpInputError(
                f"ops.{op}: axis {a} is out of bounds.",
                expected=f"an axis in [{-ndim}, {ndim})",
                received=f"axis={axis!r} for a tensor of rank {ndim}",
            )
        out.append(a % nd)
    if len(set(out)) != len(out):
        raise OpInputError(
            f"ops.{op}: repeated axis.", expected="distinct axes", received=f"axis={axis!r}"
        )
    return tuple(out)
