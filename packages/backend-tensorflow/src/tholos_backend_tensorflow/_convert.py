"""Conversion helpers shared by every op module: tholos dtypes on TensorFlow tensors.

TensorFlow's own conversion rules differ from tholos' (``tf.constant(1.5)`` is float32 whatever
``floatx()`` says, and ``int32 + float32`` is an error), so every op converts its inputs here and
casts them to :func:`tholos.backend.dtypes.result_type` explicitly. The fast paths (a tensor that
already has the wanted dtype) cost one ``isinstance`` and one dict lookup.
"""

from __future__ import annotations

import functools

import numpy as np
import tensorflow as tf

from tholos.backend.common.axes import normalize_axes
from tholos.backend.dtypes import (
    ALLOWED_DTYPES,
    COMPLEX_TYPES,
    FLOAT_TYPES,
    INT_TYPES,
    floatx,
    result_type,
    standardize_dtype,
)
from tholos.errors import DtypeError, OpInputError, OpTypeError, TholosError

TF_DTYPES: dict[str, tf.DType] = {name: tf.as_dtype(name) for name in ALLOWED_DTYPES}
NAMES: dict[tf.DType, str] = {v: k for k, v in TF_DTYPES.items()}
PY_SCALARS = (bool, int, float, complex)
Tensor = tf.Tensor


def is_tensor(x) -> bool:
    return isinstance(x, tf.Tensor)


def is_variable(x) -> bool:
    """A tholos Variable (not a raw ``tf.Variable``)."""
    return hasattr(x, "assign") and hasattr(x, "_tholos_tf_variable")


def dname(x) -> str:
    """The tholos dtype name of a TF tensor (or anything with a TF ``dtype``)."""
    try:
        return NAMES[x.dtype]
    except KeyError as err:
        raise OpInputError(
            "This tensor's dtype has no tholos name.",
            expected=f"one of {ALLOWED_DTYPES}",
            received=str(x.dtype),
        ) from err


def tfd(dtype) -> tf.DType:
    """The ``tf.DType`` for a tholos dtype (any spelling)."""
    if isinstance(dtype, str):
        found = TF_DTYPES.get(dtype)
        if found is not None:
            return found
    return TF_DTYPES[standardize_dtype(dtype)]


def python_dtype(x) -> str | None:
    """The tholos dtype of a Python value or (nested) list of Python values, else None."""
    if type(x) is bool:
        return "bool"
    if type(x) is int:
        return "int32"
    if type(x) is float:
        return floatx()
    if type(x) is complex:
        return "complex64"
    return None


def _numpy_default(arr: np.ndarray) -> str:
    kind = arr.dtype.kind
    if kind == "f":
        return floatx()
    if kind in "iu":
        return "int32"
    if kind == "c":
        return "complex64"
    if kind == "b":
        return "bool"
    raise OpInputError(
        "ops.convert_to_tensor: the value has no tholos dtype.",
        expected=f"numeric or bool data ({', '.join(ALLOWED_DTYPES)})",
        received=f"a Python sequence giving NumPy dtype {arr.dtype}",
    )


def _only_python_scalars(x) -> bool:
    if isinstance(x, (list, tuple)):
        return all(_only_python_scalars(e) for e in x)
    return type(x) in PY_SCALARS


def _from_sequence(x, dtype):
    if _only_python_scalars(x):
        try:
            arr = np.asarray(x)
        except ValueError as err:
            raise OpInputError(
                "ops.convert_to_tensor: nested sequence elements have different shapes.",
                expected="a rectangular nested sequence",
                received=repr(x)[:80],
            ) from err
        target = dtype or _numpy_default(arr)
        if dtype is None and target == "int32" and arr.size:
            if arr.max() > 2**31 - 1 or arr.min() < -(2**31):
                raise OpInputError(
                    "ops.convert_to_tensor: a Python int does not fit the default int32.",
                    expected="values in the int32 range",
                    received=repr(x)[:80],
                    hint='Pass dtype="int64".',
                )
        return tf.constant(arr.astype(target) if target != "bfloat16" else arr, tfd(target))
    parts = [convert(e) if type(e) not in PY_SCALARS else e for e in x]
    common = dtype or result_type(*parts)
    tensors = [convert(p, common) for p in parts]
    shapes = {tuple(t.shape) for t in tensors}
    if len(shapes) > 1:
        raise OpInputError(
            "ops.convert_to_tensor: nested sequence elements have different shapes.",
            expected="a rectangular nested sequence",
            received=f"element shapes {sorted(shapes)}",
        )
    if not tensors:
        return tf.zeros((0,), tfd(common))
    return tf.stack(tensors)


def _from_foreign(x):
    errors = (BufferError, RuntimeError, TypeError, ValueError, AttributeError)
    if hasattr(x, "__dlpack__") and not isinstance(x, np.ndarray):
        try:
            return tf.experimental.dlpack.from_dlpack(x.__dlpack__())
        except errors:
            pass
        obj = x
        for method in ("detach", "cpu"):
            fn = getattr(obj, method, None)
            if callable(fn):
                try:
                    obj = fn()
                except errors:
                    break
        if hasattr(obj, "__array__"):
            return tf.convert_to_tensor(np.asarray(obj))
    if hasattr(x, "__array__"):
        arr = np.asarray(x)
        _check_numpy(arr, x)
        return tf.convert_to_tensor(arr)
    raise OpInputError(
        "ops.convert_to_tensor: cannot convert this object to a tensor.",
        expected="a Python number or (nested) list, a NumPy array, a tholos Variable, or an "
        "array supporting __dlpack__ / __array__",
        received=f"an object of type {type(x).__name__}",
    )


def _check_numpy(arr, original=None):
    try:
        standardize_dtype(arr.dtype)
    except DtypeError as err:
        raise OpInputError(
            "ops.convert_to_tensor: the value has no tholos dtype.",
            expected=f"numeric or bool data ({', '.join(ALLOWED_DTYPES)})",
            received=f"dtype {arr.dtype} from "
            f"{type(arr if original is None else original).__name__}",
        ) from err


def cast(x: tf.Tensor, dtype: str) -> tf.Tensor:
    """Cast a TF tensor to the tholos ``dtype`` (no-op when it has it already)."""
    target = tfd(dtype)
    if x.dtype == target:
        return x
    if x.dtype.is_complex and not target.is_complex:
        x = tf.math.real(x)
    return tf.cast(x, target)


def convert(x, dtype=None) -> tf.Tensor:
    """A TF tensor for ``x`` with tholos' default dtypes, cast to ``dtype`` when given."""
    if isinstance(x, tf.Tensor):
        return x if dtype is None else cast(x, dtype)
    if type(x) in PY_SCALARS:
        target = dtype if dtype is not None else python_dtype(x)
        if type(x) is int and dtype is None and not -(2**31) <= x < 2**31:
            raise OpInputError(
                "ops.convert_to_tensor: a Python int does not fit the default int32.",
                expected="a value in the int32 range",
                received=repr(x),
                hint='Pass dtype="int64".',
            )
        target = tfd(target)
        if type(x) is complex and not target.is_complex:
            x = x.real
        if target.is_integer and type(x) is float:
            x = int(x)
        if target == tf.bool and type(x) is not bool:
            x = bool(x)
        elif type(x) is bool and target != tf.bool:
            x = int(x)
        return tf.constant(x, target)
    if hasattr(x, "_tholos_tf_variable"):
        return convert(x.value, dtype)
    if isinstance(x, tf.Variable):
        value = x.value()
        return value if dtype is None else cast(value, dtype)
    if isinstance(x, np.ndarray) or isinstance(x, np.generic):
        arr = np.asarray(x)
        if arr.dtype.kind not in "biufc":
            _check_numpy(arr)
        t = tf.convert_to_tensor(arr)
        return t if dtype is None else cast(t, dtype)
    if isinstance(x, (list, tuple)):
        return _from_sequence(x, None if dtype is None else standardize_dtype(dtype))
    if isinstance(x, tf.RaggedTensor) or isinstance(x, tf.SparseTensor):
        raise OpInputError(
            "ops.convert_to_tensor: ragged and sparse TF tensors are not dense tensors.",
            expected="a dense tensor",
            received=type(x).__name__,
            hint="Densify it first (x.to_tensor() or tf.sparse.to_dense(x)).",
        )
    if x is None or isinstance(x, str):
        raise OpInputError(
            "ops.convert_to_tensor: the value has no tholos dtype.",
            expected=f"numeric or bool data ({', '.join(ALLOWED_DTYPES)})",
            received=repr(x)[:60],
        )
    t = _from_foreign(x)
    return t if dtype is None else cast(t, dtype)


def weak(x):
    """Python scalars stay Python scalars (weakly typed); everything else becomes a tensor."""
    if type(x) in PY_SCALARS:
        return x
    return convert(x)


def promote(*xs):
    """Tensors of the common result dtype of ``xs`` (Python scalars weak), and that dtype."""
    xs = [weak(x) for x in xs]
    dtype = result_type(*xs)
    return [convert(x, dtype) for x in xs], dtype


def promote2(x1, x2):
    """``promote`` for two operands, with a fast path for same-dtype tensors."""
    if isinstance(x1, tf.Tensor) and isinstance(x2, tf.Tensor) and x1.dtype == x2.dtype:
        return x1, x2, NAMES[x1.dtype]
    (a, b), dtype = promote(x1, x2)
    return a, b, dtype


def float_of(dtype: str) -> str:
    """The float dtype a transcendental op returns for input ``dtype``."""
    if dtype in FLOAT_TYPES or dtype in COMPLEX_TYPES:
        return dtype
    return floatx()


def real_of(dtype: str) -> str:
    return {"complex64": "float32", "complex128": "float64"}.get(dtype, dtype)


def sum_dtype(dtype: str) -> str:
    if dtype in ("bool", "int8", "int16"):
        return "int32"
    if dtype in ("uint8", "uint16"):
        return "uint32"
    return dtype


def static_shape(x) -> tuple:
    """The static shape of a tensor (``None`` for unknown dims)."""
    return tuple(x.shape.as_list()) if x.shape.rank is not None else ()


def dyn_shape(x):
    """Static dims where known, dynamic scalars elsewhere (for graph-mode shapes)."""
    static = x.shape.as_list()
    if all(d is not None for d in static):
        return static
    dynamic = tf.shape(x)
    return [d if d is not None else dynamic[i] for i, d in enumerate(static)]


def is_eager(x=None) -> bool:
    if x is not None and not hasattr(x, "numpy"):
        return False
    return tf.executing_eagerly()


def to_int(v) -> int:
    """A Python int from an int, NumPy scalar, or eager scalar tensor."""
    if isinstance(v, (int, np.integer)):
        return int(v)
    if hasattr(v, "_tholos_tf_variable"):
        v = v.value
    if hasattr(v, "numpy"):
        return int(v.numpy())
    return int(np.asarray(v))


norm_axes = normalize_axes  # ``axis`` as a sorted tuple of distinct non-negative axes


def require_int(op: str, *dtypes: str) -> None:
    for d in dtypes:
        if d not in INT_TYPES and d != "bool":
            raise DtypeError(
                f"ops.{op} needs integer or bool tensors.",
                expected="integer or bool dtypes",
                received=f"dtype {d}",
                hint="Cast with ops.cast(x, 'int32') first.",
            )


def _describe(value) -> str:
    if isinstance(value, tf.Tensor):
        return f"tensor(shape={static_shape(value)}, dtype={NAMES.get(value.dtype, value.dtype)})"
    if isinstance(value, np.ndarray):
        return f"array(shape={value.shape}, dtype={value.dtype})"
    if isinstance(value, (list, tuple)):
        if len(value) > 4:
            return f"{type(value).__name__} of length {len(value)}"
        inner = ", ".join(_describe(v) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def guard(fn):
    """Turn TensorFlow's errors on bad input into tholos errors naming the op.

    Costs nothing on the normal path (a ``try`` block); ``ValueError``/``TypeError`` pass
    through unchanged (the front end names the op for those).
    """
    name = fn.__name__

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except TholosError:
            raise
        except (
            tf.errors.InvalidArgumentError,
            tf.errors.UnimplementedError,
            tf.errors.OutOfRangeError,
        ) as err:
            received = ", ".join(
                [_describe(a) for a in args] + [f"{k}={_describe(v)}" for k, v in kwargs.items()]
            )
            cls = OpTypeError if isinstance(err, tf.errors.UnimplementedError) else OpInputError
            message = str(getattr(err, "message", err)).split("\n")[0][:300]
            raise cls(
                f"ops.{name}: {message}",
                expected=f"arguments valid for ops.{name} (see its docstring)",
                received=received,
                hint="Check shapes, axes and dtypes of the arguments.",
            ) from err

    return wrapper


def guard_module(namespace: dict) -> list[str]:
    """Wrap every public function defined in a module with :func:`guard`; return the names."""
    module = namespace["__name__"]
    names = sorted(
        name
        for name, value in list(namespace.items())
        if not name.startswith("_")
        and callable(value)
        and getattr(value, "__module__", None) == module
    )
    for name in names:
        namespace[name] = guard(namespace[name])
    return names
