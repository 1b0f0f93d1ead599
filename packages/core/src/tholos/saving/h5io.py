"""The HDF5 weights store (``model.weights.h5`` / ``*.weights.h5``), read defensively.

Layout (Keras 3's): the state of the object at path ``p`` lives in group ``p/vars`` as
datasets ``"0"``, ``"1"``, ... (the root object's in ``/vars``).

Reading never follows soft or external links, and every dataset is checked before a single
element is read: it must be a plain numeric array stored inside the file (no external or
virtual storage, only HDF5's built-in filters), its shape must match the variable it is for,
and its size must fit :data:`~tholos.saving.archive.LIMITS` and be plausible for the bytes it
occupies (a dataset declaring a huge shape over no storage is a "shape bomb").
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Iterator
from typing import IO, Any

import numpy as np

from tholos.errors import CorruptArchiveError, UnsafeArchiveError, WeightsMismatchError
from tholos.saving.archive import LIMITS, ArchiveLimits

# HDF5 filters that ship with HDF5/h5py (no dynamically loaded plugins).
_ALLOWED_FILTERS = {
    1: "deflate",
    2: "shuffle",
    3: "fletcher32",
    4: "szip",
    5: "nbit",
    6: "scaleoffset",
    32000: "lzf",
}
_NUMERIC_KINDS = "biufc"


def _h5py() -> Any:
    try:
        import h5py
    except ImportError as err:  # pragma: no cover - h5py is a dependency of tholos
        from tholos.errors import SavingError

        raise SavingError(
            "Saving and loading weights needs h5py.",
            expected="h5py installed",
            received="ImportError",
            hint="pip install h5py",
        ) from err
    return h5py


def _corrupt(what: str, err: BaseException) -> CorruptArchiveError:
    return CorruptArchiveError(
        f"The weights file is corrupt: {what}.",
        expected="an HDF5 file written by save_weights()/save()",
        received=f"{type(err).__name__}: {err}"[:300],
    )


class H5Reader:
    """Read-only access to a weights file (a path, or bytes already in memory)."""

    def __init__(self, source: str | os.PathLike[str] | bytes, limits: ArchiveLimits | None = None):
        h5py = _h5py()
        self.limits = limits or LIMITS
        self._buffer: IO[bytes] | None = None
        try:
            if isinstance(source, (bytes, bytearray)):
                self._buffer = io.BytesIO(bytes(source))
                self.file = h5py.File(self._buffer, "r")
            else:
                self.file = h5py.File(os.fspath(source), "r")
        except FileNotFoundError:
            raise
        except Exception as err:  # h5py raises OSError/ValueError/KeyError/... on bad files
            raise _corrupt("it is not a readable HDF5 file", err) from err

    def close(self) -> None:
        f = self.__dict__.pop("file", None)
        if f is not None:
            try:
                f.close()
            except Exception:
                pass

    def __enter__(self) -> H5Reader:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _child(self, group: Any, name: str) -> Any:
        h5py = _h5py()
        try:
            link = group.get(name, getlink=True)
        except Exception as err:
            raise _corrupt(f"cannot read link {name!r}", err) from err
        if link is None:
            return None
        if not isinstance(link, h5py.HardLink):
            raise UnsafeArchiveError(
                "Refusing an HDF5 soft or external link in a weights file.",
                expected="hard links only (objects stored in this file)",
                received=f"{name!r}: {type(link).__name__}",
                hint="External links make HDF5 open other files; do not use this file.",
            )
        try:
            return group[name]
        except Exception as err:
            raise _corrupt(f"cannot open {name!r}", err) from err

    def group(self, path: str) -> Any:
        """The HDF5 group at ``path`` (``""`` is the root), or ``None``."""
        h5py = _h5py()
        node = self.file
        for part in [p for p in path.split("/") if p]:
            if not isinstance(node, h5py.Group):
                return None
            node = self._child(node, part)
            if node is None:
                return None
        return node if isinstance(node, h5py.Group) else None

    def vars(self, path: str) -> VarsReader:
        """The ``vars`` store of the object at ``path`` (empty when absent)."""
        group = self.group(path)
        vars_group = None
        if group is not None:
            vars_group = self._child(group, "vars")
        if vars_group is not None and not isinstance(vars_group, _h5py().Group):
            vars_group = None
        return VarsReader(self, vars_group, path)

    def has(self, path: str) -> bool:
        return self.group(path) is not None


class VarsReader:
    """A read-only mapping ``"0" -> np.ndarray`` over one ``vars`` group, vetting each dataset
    (see the module docstring). ``expected`` maps keys to the shape the value must have."""

    def __init__(self, reader: H5Reader, group: Any, path: str):
        self._reader = reader
        self._group = group
        self.path = path
        self.expected: dict[str, tuple[int, ...]] = {}

    def keys(self) -> list[str]:
        if self._group is None:
            return []
        try:
            return list(self._group.keys())
        except Exception as err:
            raise _corrupt(f"cannot list {self.path or '/'}", err) from err

    def __len__(self) -> int:
        return len(self.keys())

    def __contains__(self, key: str) -> bool:
        return key in self.keys()

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def items(self) -> list[tuple[str, np.ndarray]]:
        return [(k, self[k]) for k in self.keys()]

    def values(self) -> list[np.ndarray]:
        return [self[k] for k in self.keys()]

    def __getitem__(self, key: str) -> np.ndarray:
        return self.get(key, self.expected.get(key))

    def get(self, key: str, expected_shape: Any = None) -> np.ndarray:
        where = f"{self.path}/vars/{key}" if self.path else f"vars/{key}"
        if self._group is None:
            raise WeightsMismatchError(
                f"The weights file has no {where!r}.",
                expected=f"a saved value at {where!r}",
                received="nothing",
            )
        ds = self._reader._child(self._group, key)
        if ds is None:
            raise WeightsMismatchError(
                f"The weights file has no {where!r}.",
                expected=f"a saved value at {where!r}",
                received=f"keys {self.keys()[:20]}",
            )
        return read_dataset(ds, where, expected_shape, self._reader.limits)


def check_dataset(ds: Any, where: str, expected_shape: Any, limits: ArchiveLimits) -> None:
    """Raise unless ``ds`` is safe to read (see the module docstring); reads no data."""
    h5py = _h5py()
    if not isinstance(ds, h5py.Dataset):
        raise CorruptArchiveError(
            f"{where!r} in the weights file is not a dataset.",
            expected="an HDF5 dataset",
            received=type(ds).__name__,
        )
    try:
        dcpl = ds.id.get_create_plist()
        layout = dcpl.get_layout()
        external = dcpl.get_external_count()
        filters = [dcpl.get_filter(i)[0] for i in range(dcpl.get_nfilters())]
        virtual = layout == getattr(h5py.h5d, "VIRTUAL", -12345)
        dtype = ds.dtype
        shape = ds.shape
        storage = ds.id.get_storage_size()
    except Exception as err:
        raise _corrupt(f"cannot read the header of {where!r}", err) from err
    if virtual:
        raise UnsafeArchiveError(
            f"Refusing HDF5 virtual dataset {where!r}.",
            expected="data stored in the weights file itself",
            received="a virtual dataset (it maps data from other files)",
        )
    if external:
        raise UnsafeArchiveError(
            f"Refusing HDF5 external dataset {where!r}.",
            expected="data stored in the weights file itself",
            received=f"a dataset stored in {external} external file(s)",
        )
    unknown = [f for f in filters if f not in _ALLOWED_FILTERS]
    if unknown:
        raise UnsafeArchiveError(
            f"Refusing dataset {where!r}: it uses HDF5 filter plugins.",
            expected=f"only built-in filters {sorted(_ALLOWED_FILTERS.values())}",
            received=f"filter ids {unknown}",
        )
    if (
        dtype.kind not in _NUMERIC_KINDS
        or dtype.hasobject
        or dtype.fields is not None
        or (dtype.subdtype is not None)
    ):
        raise CorruptArchiveError(
            f"Dataset {where!r} does not hold plain numbers.",
            expected="a numeric or boolean array",
            received=f"dtype {dtype}",
        )
    if shape is None:
        raise CorruptArchiveError(
            f"Dataset {where!r} has no shape (a null dataspace).",
            expected="an array",
            received="null dataspace",
        )
    shape = tuple(int(d) for d in shape)
    if expected_shape is not None and shape != tuple(int(d) for d in expected_shape):
        raise WeightsMismatchError(
            f"Saved weight {where!r} has the wrong shape.",
            expected=str(tuple(expected_shape)),
            received=str(shape),
            hint="The file was saved from a different model; pass skip_mismatch=True to skip "
            "such weights.",
        )
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes > limits.max_dataset_bytes:
        raise UnsafeArchiveError(
            f"Refusing dataset {where!r}: it declares more data than allowed.",
            expected=f"at most {limits.max_dataset_bytes} bytes",
            received=f"shape {shape} x {dtype.itemsize} bytes = {nbytes} bytes",
        )
    if nbytes > limits.ratio_floor and nbytes > limits.max_ratio * max(int(storage), 1):
        raise UnsafeArchiveError(
            f"Refusing dataset {where!r}: its shape is implausible for the bytes it stores "
            "(a shape or decompression bomb).",
            expected=f"at most {limits.max_ratio:g}x expansion",
            received=f"shape {shape} ({nbytes} bytes) over {storage} stored bytes",
        )


def read_dataset(ds: Any, where: str, expected_shape: Any, limits: ArchiveLimits) -> np.ndarray:
    """Check ``ds`` (:func:`check_dataset`), then read it into a NumPy array."""
    check_dataset(ds, where, expected_shape, limits)
    try:
        value = ds[()]
    except Exception as err:
        raise _corrupt(f"cannot read {where!r}", err) from err
    return np.asarray(value)


# --------------------------------------------------------------------------------- writing


class H5Writer:
    """Write-only store: ``make(path)`` returns the ``vars`` mapping of the object at ``path``."""

    def __init__(self, target: str | os.PathLike[str] | IO[bytes]):
        h5py = _h5py()
        self.file = h5py.File(
            target if not isinstance(target, os.PathLike) else os.fspath(target), "w"
        )

    def make(self, path: str) -> VarsWriter:
        group = self.file.require_group(path) if path else self.file
        return VarsWriter(group.create_group("vars") if "vars" not in group else group["vars"])

    def close(self) -> None:
        self.file.close()


class VarsWriter:
    """``store["0"] = value`` writes one dataset (values converted to NumPy)."""

    def __init__(self, group: Any):
        self._group = group

    def __setitem__(self, key: str, value: Any) -> None:
        array = to_numpy(value)
        if key in self._group:
            del self._group[key]
        self._group.create_dataset(key, data=array)

    def keys(self) -> list[str]:
        return list(self._group.keys())

    def __len__(self) -> int:
        return len(self._group)


def to_numpy(value: Any) -> np.ndarray:
    """A variable's or tensor's value as a NumPy array (any backend)."""
    numpy_method = getattr(value, "numpy", None)
    if callable(numpy_method):
        value = numpy_method()
    else:
        try:
            from tholos import ops

            value = ops.convert_to_numpy(value)
        except Exception:
            pass
    return np.asarray(value)


__all__ = [
    "H5Reader",
    "H5Writer",
    "VarsReader",
    "VarsWriter",
    "check_dataset",
    "read_dataset",
    "to_numpy",
]
