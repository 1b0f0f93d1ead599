"""get_file: cache location, hashes, atomic writes, offline errors, cache hits, extraction."""

from __future__ import annotations

import hashlib
import io
import os
import socket
import tarfile

import pytest

import tholos
from tholos.datasets._download import DownloadError, HashMismatchError, get_file
from tholos.errors import TholosError

DATA = bytes(range(256)) * 1000  # 256 kB: several chunks


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _cache_listing(home) -> list[str]:
    root = home / "datasets"
    return sorted(os.listdir(root)) if root.exists() else []


def test_downloads_into_tholos_home_and_verifies(server, home):
    server.files["a.bin"] = DATA
    path = get_file("a.bin", origin=f"{server.url}/a.bin", file_hash=_sha(DATA))
    assert path == str(home / "datasets" / "a.bin")
    assert open(path, "rb").read() == DATA
    assert _cache_listing(home) == ["a.bin"]  # no temporary file left behind


def test_public_alias_and_signature():
    import inspect

    assert tholos.utils.get_file is get_file
    assert list(inspect.signature(get_file).parameters) == [
        "fname", "origin", "untar", "md5_hash", "file_hash", "cache_subdir",
        "hash_algorithm", "extract", "archive_format", "cache_dir", "force_download",
    ]  # fmt: skip


def test_default_cache_is_home_dot_tholos(server, monkeypatch, tmp_path):
    monkeypatch.delenv("THOLOS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    server.files["h.bin"] = b"x"
    assert get_file("h.bin", origin=f"{server.url}/h.bin") == str(
        tmp_path / ".tholos" / "datasets" / "h.bin"
    )


def test_cache_hit_makes_no_request(server, home):
    server.files["a.bin"] = DATA
    first = get_file("a.bin", origin=f"{server.url}/a.bin", file_hash=_sha(DATA))
    second = get_file("a.bin", origin=f"{server.url}/a.bin", file_hash=_sha(DATA))
    assert first == second
    assert server.hits["a.bin"] == 1
    server.close()  # even with the server gone, the cached file is returned
    assert get_file("a.bin", origin="http://127.0.0.1:9/a.bin", file_hash=_sha(DATA)) == first


def test_force_download_fetches_again(server, home):
    server.files["a.bin"] = DATA
    get_file("a.bin", origin=f"{server.url}/a.bin")
    get_file("a.bin", origin=f"{server.url}/a.bin", force_download=True)
    assert server.hits["a.bin"] == 2


def test_hash_mismatch_raises_and_keeps_nothing(server, home):
    server.files["a.bin"] = DATA
    with pytest.raises(HashMismatchError) as info:
        get_file("a.bin", origin=f"{server.url}/a.bin", file_hash="0" * 64)
    err = info.value
    assert isinstance(err, ValueError) and isinstance(err, TholosError)
    assert err.expected == "sha256 " + "0" * 64
    assert err.received == "sha256 " + _sha(DATA)
    assert _cache_listing(home) == []


def test_corrupt_cached_file_is_downloaded_again(server, home):
    server.files["a.bin"] = DATA
    (home / "datasets").mkdir(parents=True)
    (home / "datasets" / "a.bin").write_bytes(b"stale")
    path = get_file("a.bin", origin=f"{server.url}/a.bin", file_hash=_sha(DATA))
    assert open(path, "rb").read() == DATA and server.hits["a.bin"] == 1


def test_md5_hash_is_detected_by_length(server, home):
    server.files["w.json"] = b'{"the": 1}'
    md5 = hashlib.md5(b'{"the": 1}').hexdigest()
    assert get_file("w.json", origin=f"{server.url}/w.json", file_hash=md5)
    with pytest.raises(HashMismatchError, match=r"w\.json"):
        get_file("w2.json", origin=f"{server.url}/w.json", md5_hash="f" * 32)


def test_interrupted_download_leaves_no_half_file(server, home):
    server.files["a.bin"] = DATA
    server.cut.add("a.bin")
    with pytest.raises(DownloadError) as info:
        get_file("a.bin", origin=f"{server.url}/a.bin")  # no hash: the size check catches it
    assert info.value.expected == f"{len(DATA)} bytes"
    assert _cache_listing(home) == []


def test_interrupt_during_write_leaves_no_half_file(server, home, monkeypatch):
    from tholos.datasets import _download

    server.files["a.bin"] = DATA
    calls = []

    def boom(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return None

    monkeypatch.setattr(_download.os, "fsync", lambda fd: None)
    monkeypatch.setattr("tholos.utils.progbar.Progbar.update", boom)
    with pytest.raises(KeyboardInterrupt):
        get_file("a.bin", origin=f"{server.url}/a.bin")
    assert _cache_listing(home) == []


def _refused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed on exit: connecting is refused


def test_offline_error_is_clear(home):
    url = f"http://127.0.0.1:{_refused_port()}/mnist.npz"
    with pytest.raises(DownloadError) as info:
        get_file("mnist.npz", origin=url, file_hash="a" * 64)
    err = info.value
    assert isinstance(err, OSError)
    assert url in err.message
    assert "refused" in err.received.lower()
    assert str(home / "datasets" / "mnist.npz") in err.hint
    assert "THOLOS_DATASETS_BASE_URL" in err.hint
    assert _cache_listing(home) == []


def test_http_error_is_a_download_error(server, home):
    with pytest.raises(DownloadError, match="404"):
        get_file("nope.bin", origin=f"{server.url}/nope.bin")
    assert _cache_listing(home) == []


def test_fname_defaults_to_origin_name_and_absolute_subdir(server, tmp_path):
    server.files["dir/x.txt"] = b"abc"
    target = tmp_path / "elsewhere"
    path = get_file(origin=f"{server.url}/dir/x.txt", cache_subdir=str(target))
    assert path == str(target / "x.txt")


def test_bad_arguments():
    with pytest.raises(ValueError, match="origin"):
        get_file("x")
    with pytest.raises(ValueError, match="hash_algorithm"):
        get_file("x", origin="http://127.0.0.1:9/x", file_hash="ab", hash_algorithm="sha1")


def _tar(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_extract_tar(server, home):
    server.files["pack.tar.gz"] = _tar({"pack/a.txt": b"A", "pack/sub/b.txt": b"B"})
    folder = get_file("pack", origin=f"{server.url}/pack.tar.gz", extract=True)
    assert folder == str(home / "datasets" / "pack")
    assert open(os.path.join(folder, "pack", "sub", "b.txt"), "rb").read() == b"B"
    folder2 = get_file(origin=f"{server.url}/pack.tar.gz", untar=True)
    assert folder2 == str(home / "datasets" / "pack_extracted")
    assert server.hits["pack.tar.gz"] == 1  # the archive was cached the first time


def test_extract_refuses_path_traversal(server, home):
    server.files["evil.tar.gz"] = _tar({"../escaped.txt": b"x"})
    with pytest.raises(TholosError, match="unsafe member"):
        get_file(origin=f"{server.url}/evil.tar.gz", extract=True)
    assert not (home / "escaped.txt").exists()
    assert not (home / "datasets" / "evil_extracted").exists()
