"""TensorBoard event files, written and read without TensorFlow or protobuf.

Why hand-rolled: the format is small and stable, and this keeps ``tholos`` free of a
``protobuf``/``tensorboardX`` dependency (and of their version conflicts with the user's
frameworks). A file is a sequence of records::

    uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)

(little-endian), where ``data`` is a serialized ``tensorflow.Event`` protocol buffer. The
masked CRC is ``((crc >> 15) | (crc << 17)) + 0xA282EAD8`` of the CRC-32C (Castagnoli).
We encode the few messages TensorBoard's scalar and histogram dashboards read:

- ``Event``: ``wall_time`` (1, double), ``step`` (2, int64), ``file_version`` (3, string),
  ``summary`` (5, Summary)
- ``Summary``: ``value`` (1, repeated Value)
- ``Summary.Value``: ``tag`` (1, string), ``simple_value`` (2, float), ``histo`` (5)
- ``HistogramProto``: ``min`` (1), ``max`` (2), ``num`` (3), ``sum`` (4), ``sum_squares`` (5),
  ``bucket_limit`` (6, packed double), ``bucket`` (7, packed double)

:func:`read_events` parses files back (verifying every CRC), for tests and tooling.

>>> crc32c(b"123456789") == 0xE3069283
True
"""

from __future__ import annotations

import os
import socket
import struct
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

# -- CRC-32C --------------------------------------------------------------------------------


def _make_table() -> list[int]:
    poly = 0x82F63B78  # reversed Castagnoli polynomial
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _make_table()


def crc32c(data: bytes) -> int:
    """CRC-32C of ``data``."""
    crc = 0xFFFFFFFF
    table = _TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


# -- protobuf encoding ------------------------------------------------------------------------


def _varint(value: int) -> bytes:
    if value < 0:
        value += 1 << 64
    out = bytearray()
    while True:
        bits = value & 0x7F
        value >>= 7
        if value:
            out.append(bits | 0x80)
        else:
            out.append(bits)
            return bytes(out)


def _key(field: int, wire_type: int) -> bytes:
    return _varint((field << 3) | wire_type)


def _double(field: int, value: float) -> bytes:
    return _key(field, 1) + struct.pack("<d", float(value))


def _float(field: int, value: float) -> bytes:
    return _key(field, 5) + struct.pack("<f", float(value))


def _int(field: int, value: int) -> bytes:
    return _key(field, 0) + _varint(int(value))


def _bytes(field: int, value: bytes) -> bytes:
    return _key(field, 2) + _varint(len(value)) + value


def _packed_doubles(field: int, values: Any) -> bytes:
    return _bytes(field, np.asarray(values, dtype="<f8").tobytes())


def histogram_proto(values: Any, bins: int = 30) -> bytes:
    """Serialized ``HistogramProto`` of ``values`` with ``bins`` equal-width buckets."""
    values = np.asarray(values, dtype=np.float64).ravel()
    values = values[np.isfinite(values)]
    if values.size == 0:
        low = high = 0.0
        limits, counts = np.array([0.0]), np.array([0.0])
    else:
        low, high = float(values.min()), float(values.max())
        if low == high:
            limits, counts = np.array([high]), np.array([float(values.size)])
        else:
            counts, edges = np.histogram(values, bins=bins, range=(low, high))
            limits, counts = edges[1:], counts.astype(np.float64)
    return (
        _double(1, low)
        + _double(2, high)
        + _double(3, float(values.size))
        + _double(4, float(values.sum()))
        + _double(5, float(np.square(values).sum()))
        + _packed_doubles(6, limits)
        + _packed_doubles(7, counts)
    )


def scalar_value(tag: str, value: float) -> bytes:
    """Serialized ``Summary.Value`` holding a scalar."""
    return _bytes(1, tag.encode("utf-8")) + _float(2, value)


def histogram_value(tag: str, values: Any, bins: int = 30) -> bytes:
    """Serialized ``Summary.Value`` holding a histogram."""
    return _bytes(1, tag.encode("utf-8")) + _bytes(5, histogram_proto(values, bins))


def event(
    step: int,
    values: list[bytes] | None = None,
    file_version: str | None = None,
    wall_time: float | None = None,
) -> bytes:
    """Serialized ``Event``: a file-version header or a summary of ``values``."""
    data = _double(1, time.time() if wall_time is None else wall_time) + _int(2, step)
    if file_version is not None:
        data += _bytes(3, file_version.encode("utf-8"))
    if values:
        data += _bytes(5, b"".join(_bytes(1, v) for v in values))
    return data


def record(data: bytes) -> bytes:
    """One framed record of the event file."""
    header = struct.pack("<Q", len(data))
    return (
        header
        + struct.pack("<I", masked_crc32c(header))
        + data
        + struct.pack("<I", masked_crc32c(data))
    )


class EventFileWriter:
    """Appends events to a new ``events.out.tfevents.*`` file in ``logdir``."""

    _counter = 0

    def __init__(self, logdir: str) -> None:
        os.makedirs(logdir, exist_ok=True)
        EventFileWriter._counter += 1
        name = (
            f"events.out.tfevents.{int(time.time())}.{socket.gethostname()}."
            f"{os.getpid()}.{EventFileWriter._counter}"
        )
        self.path = os.path.join(logdir, name)
        self._file = open(self.path, "ab")
        self._write(event(0, file_version="brain.Event:2"))

    def _write(self, data: bytes) -> None:
        self._file.write(record(data))

    def add_scalar(self, tag: str, value: float, step: int) -> None:
        self._write(event(step, [scalar_value(tag, value)]))

    def add_histogram(self, tag: str, values: Any, step: int, bins: int = 30) -> None:
        self._write(event(step, [histogram_value(tag, values, bins)]))

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        if not self._file.closed:
            self._file.flush()
            self._file.close()


# -- reading ------------------------------------------------------------------------------------


class CorruptEventFileError(ValueError):
    """A record's length or data does not match its CRC, or the file is truncated."""


def iter_records(path: str) -> Iterator[bytes]:
    """The data of every record of an event file, CRCs verified."""
    with open(path, "rb") as handle:
        blob = handle.read()
    pos = 0
    while pos < len(blob):
        if pos + 12 > len(blob):
            raise CorruptEventFileError(f"{path}: truncated record header at byte {pos}")
        header = blob[pos : pos + 8]
        (length,) = struct.unpack("<Q", header)
        (header_crc,) = struct.unpack("<I", blob[pos + 8 : pos + 12])
        if header_crc != masked_crc32c(header):
            raise CorruptEventFileError(f"{path}: bad length CRC at byte {pos}")
        data = blob[pos + 12 : pos + 12 + length]
        if len(data) != length or pos + 16 + length > len(blob):
            raise CorruptEventFileError(f"{path}: truncated record at byte {pos}")
        (data_crc,) = struct.unpack("<I", blob[pos + 12 + length : pos + 16 + length])
        if data_crc != masked_crc32c(data):
            raise CorruptEventFileError(f"{path}: bad data CRC at byte {pos}")
        yield data
        pos += 16 + length


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _fields(data: bytes) -> Iterator[tuple[int, int, Any]]:
    pos = 0
    while pos < len(data):
        key, pos = _read_varint(data, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _read_varint(data, pos)
        elif wire == 1:
            value = data[pos : pos + 8]
            pos += 8
        elif wire == 2:
            size, pos = _read_varint(data, pos)
            value = data[pos : pos + size]
            pos += size
        elif wire == 5:
            value = data[pos : pos + 4]
            pos += 4
        else:
            raise CorruptEventFileError(f"unsupported protobuf wire type {wire}")
        yield field, wire, value


def _parse_histogram(data: bytes) -> dict[str, Any]:
    names = {1: "min", 2: "max", 3: "num", 4: "sum", 5: "sum_squares"}
    out: dict[str, Any] = {"bucket_limit": [], "bucket": []}
    for field, wire, value in _fields(data):
        if field in names:
            out[names[field]] = struct.unpack("<d", value)[0]
        elif field in (6, 7):
            key = "bucket_limit" if field == 6 else "bucket"
            if wire == 2:
                out[key].extend(np.frombuffer(value, dtype="<f8").tolist())
            else:
                out[key].append(struct.unpack("<d", value)[0])
    return out


def parse_event(data: bytes) -> dict[str, Any]:
    """Decode one ``Event`` into ``{"wall_time", "step", "file_version"?, "values"}``."""
    out: dict[str, Any] = {"wall_time": 0.0, "step": 0, "values": []}
    for field, _, value in _fields(data):
        if field == 1:
            out["wall_time"] = struct.unpack("<d", value)[0]
        elif field == 2:
            out["step"] = value
        elif field == 3:
            out["file_version"] = value.decode("utf-8")
        elif field == 5:
            for sub_field, _, sub_value in _fields(value):
                if sub_field != 1:
                    continue
                entry: dict[str, Any] = {}
                for f, _, v in _fields(sub_value):
                    if f == 1:
                        entry["tag"] = v.decode("utf-8")
                    elif f == 2:
                        entry["simple_value"] = struct.unpack("<f", v)[0]
                    elif f == 5:
                        entry["histo"] = _parse_histogram(v)
                out["values"].append(entry)
    return out


def read_events(path: str) -> list[dict[str, Any]]:
    """Every event of a file, decoded (raises :class:`CorruptEventFileError` on a bad CRC)."""
    return [parse_event(data) for data in iter_records(path)]


__all__ = [
    "CorruptEventFileError",
    "EventFileWriter",
    "crc32c",
    "masked_crc32c",
    "read_events",
]
