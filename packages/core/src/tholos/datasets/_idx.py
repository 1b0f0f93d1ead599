"""Read IDX files (the MNIST family's format: a magic number, the dimensions, raw bytes)."""

from __future__ import annotations

import gzip
import os

import numpy as np

from tholos.errors import TholosError

_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """The array in a (gzipped) IDX file.

    >>> import tempfile, os, gzip
    >>> p = os.path.join(tempfile.mkdtemp(), "l.gz")
    >>> with gzip.open(p, "wb") as f:
    ...     _ = f.write(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9]))
    >>> read_idx(p)
    array([7, 8, 9], dtype=uint8)
    """
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as fp:
        data = fp.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _TYPES:
        raise TholosError(
            f"{os.path.basename(path)} is not an IDX file.",
            expected="magic bytes 00 00 <type> <ndim>",
            received=data[:4].hex(" "),
        )
    dtype, ndim = np.dtype(_TYPES[data[2]]), data[3]
    header = 4 + 4 * ndim
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    count = int(np.prod(shape, dtype=np.int64))
    if len(data) != header + count * dtype.itemsize:
        raise TholosError(
            f"{os.path.basename(path)}: the IDX data does not match its header.",
            expected=f"{header + count * dtype.itemsize} bytes for shape {shape}",
            received=f"{len(data)} bytes",
        )
    out = np.frombuffer(data, dtype=dtype, offset=header, count=count).reshape(shape)
    return out.astype(dtype.newbyteorder("="), copy=True)
