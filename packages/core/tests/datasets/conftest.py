"""A local HTTP server on 127.0.0.1 that serves generated dataset files; no test goes online."""

from __future__ import annotations

import hashlib
import http.server
import threading
from collections import Counter

import pytest

from tholos.datasets import _download


class _Handler(http.server.BaseHTTPRequestHandler):
    timeout = 10  # a stuck client cannot hold a server thread forever

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        server = self.server
        name = self.path.lstrip("/")
        server.hits[name] += 1
        body = server.files.get(name)
        if body is None:
            self.send_error(404, "Not Found")
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if name in server.cut:  # announce everything, send half, hang up
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)


class FileServer:
    """``files[name] = bytes`` serves ``/name``; ``cut.add(name)`` makes it break mid-way."""

    def __init__(self) -> None:
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.files = {}
        self.httpd.cut = set()
        self.httpd.hits = Counter()
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def files(self) -> dict[str, bytes]:
        return self.httpd.files

    @property
    def cut(self) -> set[str]:
        return self.httpd.cut

    @property
    def hits(self) -> Counter:
        return self.httpd.hits

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def server():
    srv = FileServer()
    try:
        yield srv
    finally:
        srv.close()


@pytest.fixture
def home(tmp_path, monkeypatch):
    """``THOLOS_HOME`` in a temporary folder: the cache is ``home / "datasets"``."""
    monkeypatch.setenv("THOLOS_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def publish(server, home, monkeypatch):
    """``publish(name, data)``: serve ``data`` as the registered file ``name`` with its hash.

    Points the built-in loaders at the local server (``THOLOS_DATASETS_BASE_URL``) and
    records the generated file's hash in the registry, as the real published hash would be.
    """
    monkeypatch.setenv(_download.BASE_URL_ENV, server.url)
    monkeypatch.setattr(_download, "REMOTE_FILES", dict(_download.REMOTE_FILES))

    def _publish(name: str, data: bytes, algorithm: str = "sha256") -> str:
        digest = hashlib.new(algorithm, data).hexdigest()
        server.files[name] = data
        _download.REMOTE_FILES[name] = _download.RemoteFile("unused://" + name, digest)
        return digest

    return _publish
