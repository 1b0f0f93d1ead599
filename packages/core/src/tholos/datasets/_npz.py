"""Read ``.npz`` files without ever unpickling.

Plain arrays are read with ``allow_pickle=False``. Ragged sequences (the IMDB and Reuters word
index lists) are stored by NumPy as object arrays, whose payload is a pickle stream. tholos
does not run pickle: :func:`decode_object_array` is a small, separate decoder for the one shape
of data such a payload holds, a NumPy array of lists/tuples of numbers, strings and bytes (and
nested arrays). It interprets a fixed subset of the stream's opcodes as data, resolves the four
NumPy names such a stream refers to into its own constructors, imports nothing and calls
nothing else; any other opcode or name is refused with :class:`UnsafeDataError`.

>>> import io, numpy as np
>>> buf = io.BytesIO()
>>> np.savez(buf, y=np.arange(3))
>>> load_npz(buf)["y"]
array([0, 1, 2])
"""

from __future__ import annotations

import io
import os
import struct
from typing import Any

import numpy as np

from tholos.errors import TholosError, UnsafeDataError

_RECONSTRUCT_MODULES = ("numpy.core.multiarray", "numpy._core.multiarray")


class _ArrayStub:
    """What ``_reconstruct(ndarray, ...)`` yields; BUILD fills in ``array``."""

    __slots__ = ("array",)

    def __init__(self) -> None:
        self.array: np.ndarray | None = None


class _DtypeStub:
    __slots__ = ("dtype",)

    def __init__(self, dtype: np.dtype) -> None:
        self.dtype = dtype


class _Global:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


def _text(value: Any) -> str:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("latin1")
    if isinstance(value, str):
        return value
    raise UnsafeDataError("Object-array payload: expected a string.", received=repr(value)[:80])


def _resolve(value: Any) -> Any:
    if isinstance(value, _ArrayStub):
        if value.array is None:
            raise UnsafeDataError("Object-array payload: an array was never filled in.")
        return value.array
    if isinstance(value, _DtypeStub):
        return value.dtype
    if isinstance(value, list):
        return [_resolve(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_resolve(v) for v in value)
    return value


def _call(func: _Global, args: tuple) -> Any:
    """The only calls a payload may make, each with checked arguments."""
    if func.name == "reconstruct":
        return _ArrayStub()
    if func.name == "dtype":
        name = _text(args[0])
        dtype = np.dtype(name)
        if dtype.fields is not None or dtype.subdtype is not None:
            raise UnsafeDataError("Object-array payload: structured dtypes are not supported.")
        return _DtypeStub(dtype)
    if func.name == "scalar":
        dtype = _resolve(args[0])
        if dtype == np.dtype(object) or not isinstance(args[1], (bytes, bytearray, str)):
            raise UnsafeDataError("Object-array payload: unsupported scalar.")
        raw = args[1].encode("latin1") if isinstance(args[1], str) else bytes(args[1])
        return np.frombuffer(raw, dtype=dtype, count=1)[0]
    if func.name == "frombuffer":  # protocol 5: _frombuffer(data, dtype, shape, order)
        if len(args) != 4 or not isinstance(args[0], (bytes, bytearray)):
            raise UnsafeDataError("Object-array payload: malformed array buffer.")
        dtype, shape = _resolve(args[1]), tuple(int(d) for d in _resolve(args[2]))
        if not isinstance(dtype, np.dtype) or dtype.hasobject:
            raise UnsafeDataError("Object-array payload: malformed array buffer.")
        count = int(np.prod(shape, dtype=np.int64))
        if len(args[0]) != count * dtype.itemsize:
            raise UnsafeDataError("Object-array payload: array data does not match its shape.")
        flat = np.frombuffer(bytes(args[0]), dtype=dtype)
        return flat.reshape(shape, order=_text(args[3])).copy()
    if func.name == "encode":  # _codecs.encode(text, "latin1"): how protocol 2 writes bytes
        if _text(args[1]).lower() not in ("latin1", "latin-1", "iso-8859-1", "ascii"):
            raise UnsafeDataError("Object-array payload: unsupported text encoding.")
        return _text(args[0]).encode("latin1")
    raise UnsafeDataError(f"Object-array payload: {func.name} cannot be called.")


def _build(obj: Any, state: Any) -> None:
    if isinstance(obj, _DtypeStub):
        state = _resolve(state)
        if not isinstance(state, tuple) or len(state) < 2:
            raise UnsafeDataError("Object-array payload: malformed dtype state.")
        if len(state) > 3 and state[3] is not None:
            raise UnsafeDataError("Object-array payload: structured dtypes are not supported.")
        order = _text(state[1])
        if order in "<>":
            obj.dtype = obj.dtype.newbyteorder(order)
        return
    if not isinstance(obj, _ArrayStub):
        raise UnsafeDataError("Object-array payload: BUILD on something that is not an array.")
    if not isinstance(state, tuple) or len(state) not in (4, 5):
        raise UnsafeDataError("Object-array payload: malformed array state.")
    shape, dtype, fortran, data = state[-4:]
    shape = tuple(int(d) for d in _resolve(shape))
    dtype = _resolve(dtype)
    if not isinstance(dtype, np.dtype) or any(d < 0 for d in shape):
        raise UnsafeDataError("Object-array payload: malformed array state.")
    size = int(np.prod(shape, dtype=np.int64))
    order = "F" if fortran else "C"
    if dtype == np.dtype(object):
        if not isinstance(data, list) or len(data) != size:
            raise UnsafeDataError(
                "Object-array payload: element count does not match the shape.",
                expected=str(size),
                received=str(len(data)) if isinstance(data, list) else type(data).__name__,
            )
        flat = np.empty(size, dtype=object)
        for i, item in enumerate(data):
            flat[i] = _resolve(item)
        obj.array = flat.reshape(shape, order=order)
        return
    if isinstance(data, str):
        data = data.encode("latin1")
    if not isinstance(data, (bytes, bytearray)) or len(data) != size * dtype.itemsize:
        raise UnsafeDataError("Object-array payload: array data does not match its shape.")
    obj.array = np.frombuffer(bytes(data), dtype=dtype).reshape(shape, order=order).copy()


_GLOBALS = {
    **{(m, "_reconstruct"): "reconstruct" for m in _RECONSTRUCT_MODULES},
    **{(m, "scalar"): "scalar" for m in _RECONSTRUCT_MODULES},
    **{(m, "_frombuffer"): "frombuffer" for m in ("numpy.core.numeric", "numpy._core.numeric")},
    ("numpy", "ndarray"): "ndarray",
    ("numpy", "dtype"): "dtype",
    ("_codecs", "encode"): "encode",
}


def _global(module: str, name: str) -> _Global:
    key = _GLOBALS.get((module, name))
    if key is None:
        raise UnsafeDataError(
            "Object-array payload refers to a name tholos does not allow.",
            expected="NumPy array reconstruction only",
            received=f"{module}.{name}",
            hint="tholos reads only plain data from .npz files.",
        )
    return _Global(key)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise UnsafeDataError("Object-array payload is truncated.")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def line(self) -> bytes:
        end = self.data.find(b"\n", self.pos)
        if end < 0:
            raise UnsafeDataError("Object-array payload is truncated.")
        out = self.data[self.pos : end]
        self.pos = end + 1
        return out

    def uint(self, n: int) -> int:
        return int.from_bytes(self.take(n), "little")


def decode_object_array(payload: bytes) -> Any:
    """Decode the data stream NumPy writes after an object array's ``.npy`` header."""
    r = _Reader(payload)
    stack: list[Any] = []
    marks: list[int] = []
    memo: dict[int, Any] = {}

    def pop_mark() -> list[Any]:
        if not marks:
            raise UnsafeDataError("Object-array payload: unbalanced MARK.")
        start = marks.pop()
        items = stack[start:]
        del stack[start:]
        return items

    def pop() -> Any:
        if not stack:
            raise UnsafeDataError("Object-array payload: stack underflow.")
        return stack.pop()

    while True:
        op = r.take(1)
        if op == b"\x80":  # PROTO
            r.take(1)
        elif op == b"\x95":  # FRAME
            r.take(8)
        elif op == b".":  # STOP
            return _resolve(pop())
        elif op == b"(":  # MARK
            marks.append(len(stack))
        elif op == b"]":
            stack.append([])
        elif op == b")":
            stack.append(())
        elif op == b"}":
            stack.append({})
        elif op == b"l":
            stack.append(pop_mark())
        elif op == b"t":
            stack.append(tuple(pop_mark()))
        elif op in (b"\x85", b"\x86", b"\x87"):  # TUPLE1..3
            n = op[0] - 0x84
            if len(stack) < n:
                raise UnsafeDataError("Object-array payload: stack underflow.")
            items = tuple(stack[-n:])
            del stack[-n:]
            stack.append(items)
        elif op in (b"a", b"e"):  # APPEND, APPENDS
            items = [pop()] if op == b"a" else pop_mark()
            if not stack or not isinstance(stack[-1], list):
                raise UnsafeDataError("Object-array payload: APPEND to a non-list.")
            stack[-1].extend(items)
        elif op in (b"s", b"u"):  # SETITEM, SETITEMS
            items = [pop(), pop()][::-1] if op == b"s" else pop_mark()
            if not stack or not isinstance(stack[-1], dict) or len(items) % 2:
                raise UnsafeDataError("Object-array payload: SETITEM to a non-dict.")
            for key, value in zip(items[::2], items[1::2]):
                stack[-1][key] = value
        elif op == b"K":
            stack.append(r.uint(1))
        elif op == b"M":
            stack.append(r.uint(2))
        elif op == b"J":
            stack.append(struct.unpack("<i", r.take(4))[0])
        elif op in (b"\x8a", b"\x8b"):  # LONG1, LONG4
            n = r.uint(1 if op == b"\x8a" else 4)
            stack.append(int.from_bytes(r.take(n), "little", signed=True))
        elif op in (b"I", b"L"):  # INT, LONG (text forms)
            text = r.line().rstrip(b"L")
            stack.append({b"00": False, b"01": True}[text] if text in (b"00", b"01") else int(text))
        elif op == b"G":
            stack.append(struct.unpack(">d", r.take(8))[0])
        elif op == b"N":
            stack.append(None)
        elif op == b"\x88":
            stack.append(True)
        elif op == b"\x89":
            stack.append(False)
        elif op in (b"U", b"T"):  # SHORT_BINSTRING, BINSTRING (Python 2 str: bytes here)
            stack.append(r.take(r.uint(1 if op == b"U" else 4)))
        elif op in (b"C", b"B", b"\x8e", b"\x96"):  # (SHORT_)BINBYTES(8), BYTEARRAY8
            size = {b"C": 1, b"B": 4, b"\x8e": 8, b"\x96": 8}[op]
            stack.append(r.take(r.uint(size)))
        elif op in (b"\x8c", b"X", b"\x8d"):  # SHORT_BINUNICODE, BINUNICODE(8)
            size = {b"\x8c": 1, b"X": 4, b"\x8d": 8}[op]
            stack.append(r.take(r.uint(size)).decode("utf-8", "surrogatepass"))
        elif op == b"c":  # GLOBAL
            module = r.line().decode("ascii", "replace")
            stack.append(_global(module, r.line().decode("ascii", "replace")))
        elif op == b"\x93":  # STACK_GLOBAL
            name, module = pop(), pop()
            stack.append(_global(_text(module), _text(name)))
        elif op == b"R":  # REDUCE
            args, func = pop(), pop()
            if not isinstance(func, _Global) or not isinstance(args, tuple):
                raise UnsafeDataError("Object-array payload: malformed call.")
            stack.append(_call(func, args))
        elif op == b"b":  # BUILD
            state = pop()
            if not stack:
                raise UnsafeDataError("Object-array payload: stack underflow.")
            _build(stack[-1], state)
        elif op in (b"q", b"r", b"p", b"\x94"):  # BINPUT, LONG_BINPUT, PUT, MEMOIZE
            if op == b"\x94":
                key = len(memo)
            elif op == b"p":
                key = int(r.line())
            else:
                key = r.uint(1 if op == b"q" else 4)
            if not stack:
                raise UnsafeDataError("Object-array payload: stack underflow.")
            memo[key] = stack[-1]
        elif op in (b"h", b"j", b"g"):  # BINGET, LONG_BINGET, GET
            key = int(r.line()) if op == b"g" else r.uint(1 if op == b"h" else 4)
            if key not in memo:
                raise UnsafeDataError("Object-array payload: reference to an unknown object.")
            stack.append(memo[key])
        else:
            raise UnsafeDataError(
                "Object-array payload holds an instruction tholos does not read.",
                expected="plain data (lists, numbers, strings, NumPy arrays)",
                received=f"opcode {op!r} at byte {r.pos - 1}",
                hint="tholos reads only plain data from .npz files.",
            )


def _read_member(raw: io.BufferedIOBase | Any, name: str) -> np.ndarray:
    from numpy.lib import format as npy_format

    version = npy_format.read_magic(raw)
    if version == (1, 0):
        shape, fortran, dtype = npy_format.read_array_header_1_0(raw)
    else:
        shape, fortran, dtype = npy_format.read_array_header_2_0(raw)
    if dtype.hasobject:
        value = decode_object_array(raw.read())
        if not isinstance(value, np.ndarray):
            raise UnsafeDataError(f"{name}: the payload is not an array.")
        return value
    count = int(np.prod(shape, dtype=np.int64))
    data = raw.read(count * dtype.itemsize)
    if len(data) != count * dtype.itemsize:
        raise TholosError(f"{name}: the array data is truncated.")
    order = "F" if fortran else "C"
    return np.frombuffer(data, dtype=dtype).reshape(shape, order=order).copy()


def load_npz(path: str | os.PathLike | io.IOBase) -> dict[str, np.ndarray]:
    """All arrays of an ``.npz`` file as a dict (object arrays via the safe decoder)."""
    import zipfile

    if isinstance(path, io.IOBase):
        path.seek(0)
    out: dict[str, np.ndarray] = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            name = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
            with archive.open(info) as member:
                out[name] = _read_member(io.BufferedReader(member), name)
    return out


__all__ = ["UnsafeDataError", "decode_object_array", "load_npz"]
