"""The .npz reader: plain arrays as np.load reads them, object arrays decoded without pickle."""

from __future__ import annotations

import io
import os
import pickle  # only to WRITE test payloads; tholos itself never unpickles

import numpy as np
import pytest

from tholos.datasets._npz import UnsafeDataError, decode_object_array, load_npz


def _ragged(seqs) -> np.ndarray:
    out = np.empty(len(seqs), dtype=object)
    for i, s in enumerate(seqs):
        out[i] = s
    return out


def test_plain_arrays_match_np_load(tmp_path):
    arrays = {
        "u8": np.arange(24, dtype=np.uint8).reshape(2, 3, 4),
        "f64": np.linspace(0, 1, 5),
        "big_endian": np.arange(4, dtype=">i4"),
        "fortran": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
        "scalar": np.array(3.5),
        "empty": np.zeros((0, 3), np.float32),
    }
    path = tmp_path / "a.npz"
    np.savez(path, **arrays)
    got = load_npz(path)
    assert set(got) == set(arrays)
    for name, want in arrays.items():
        assert got[name].dtype == want.dtype and got[name].shape == want.shape
        np.testing.assert_array_equal(got[name], want)
    compressed = io.BytesIO()
    np.savez_compressed(compressed, **arrays)
    np.testing.assert_array_equal(load_npz(compressed)["u8"], arrays["u8"])


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_object_arrays_every_protocol(protocol):
    value = _ragged([[1, 2, 300], [70000, -5, 2**40], [], (7,), ["word", b"raw", 1.5, None, True]])
    got = decode_object_array(pickle.dumps(value, protocol=protocol))
    assert got.dtype == object and got.shape == (5,)
    assert got[0] == [1, 2, 300] and got[1] == [70000, -5, 2**40] and got[2] == []
    assert got[3] == (7,) and got[4] == ["word", b"raw", 1.5, None, True]


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_nested_arrays_and_scalars(protocol):
    value = _ragged([np.arange(6).reshape(2, 3).T, np.array([1.5], ">f8"), [np.int64(5)]])
    got = decode_object_array(pickle.dumps(value, protocol=protocol))
    np.testing.assert_array_equal(got[0], np.arange(6).reshape(2, 3).T)
    assert got[1].dtype == np.dtype(">f8") and got[1][0] == 1.5
    assert got[2] == [5] and type(got[2][0]) is np.int64


def test_two_dimensional_object_array():
    value = np.empty((2, 2), dtype=object)
    value[0, 0], value[0, 1], value[1, 0], value[1, 1] = [1], [2], [3], [4, 5]
    got = decode_object_array(pickle.dumps(value, protocol=4))
    assert got.shape == (2, 2) and got[1, 1] == [4, 5]


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo should-not-run",))


def test_code_is_refused_not_run(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, x=_ragged([_Evil()]))
    with pytest.raises(UnsafeDataError) as info:
        load_npz(path)
    assert "system" in info.value.received


@pytest.mark.parametrize(
    "payload",
    [
        b"\x80\x04K\x01",  # truncated: no STOP
        b"\x80\x04e.",  # APPENDS with no MARK
        b"\x80\x04h\x05.",  # reference to an unknown memo entry
        b"\x80\x04\x8c\x02osR.",  # a call on a string
        b"\x80\x04\x81.",  # NEWOBJ: not plain data
    ],
)
def test_malformed_payloads_are_errors(payload):
    with pytest.raises(UnsafeDataError):
        decode_object_array(payload)


def test_element_count_must_match_shape():
    good = pickle.dumps(_ragged([[1], [2]]), protocol=2)
    bad = good.replace(b"K\x02\x85", b"K\x03\x85", 1)  # shape (3,) with two elements
    assert bad != good
    with pytest.raises(UnsafeDataError, match="element count"):
        decode_object_array(bad)


def _py2_array_stream(dtype_name: bytes, order: bytes, data_ops: bytes, n: int) -> bytes:
    """A payload as Python 2's NumPy wrote it: GLOBAL names, SHORT_BINSTRING text."""
    return (
        b"\x80\x02"
        b"cnumpy.core.multiarray\n_reconstruct\nq\x01"
        b"cnumpy\nndarray\nq\x02"
        b"K\x00\x85U\x01b\x87R"
        b"(K\x01"
        + b"K" + bytes([n]) + b"\x85"
        + b"cnumpy\ndtype\nq\x03U" + bytes([len(dtype_name)]) + dtype_name + b"K\x00K\x01\x87R"
        + b"(K\x03U\x01" + order + b"NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb"
        + b"\x89" + data_ops + b"tb."
    )  # fmt: skip


def test_python2_style_streams():
    raw = np.array([1, -2, 300], dtype=">i4").tobytes()
    stream = _py2_array_stream(b"i4", b">", b"U" + bytes([len(raw)]) + raw, 3)
    got = decode_object_array(stream)
    assert got.dtype == np.dtype(">i4")
    np.testing.assert_array_equal(got, [1, -2, 300])
    lists = b"](K\x01K\x02e](M\x2c\x01e]"  # [1, 2], [300], []
    stream = _py2_array_stream(b"O8", b"|", b"(" + lists + b"l", 3)
    got = decode_object_array(stream)
    assert got.dtype == object and list(got) == [[1, 2], [300], []]
