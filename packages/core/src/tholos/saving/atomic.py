"""Crash-safe file writes: write a temporary file next to the target, flush and fsync it,
then rename it over the target in one step.

A process killed at any moment leaves either the previous file or the complete new one at
``path``, never a half-written file (at worst a stray ``.<name>.tmp-*`` file stays behind).

>>> import os, tempfile
>>> d = tempfile.mkdtemp()
>>> target = os.path.join(d, "notes.txt")
>>> with atomic_write(target) as f:
...     _ = f.write(b"hello")
>>> open(target, "rb").read()
b'hello'
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from typing import IO

from tholos.errors import SavingError

TMP_MARKER = ".tmp-"


def temporary_path(path: str | os.PathLike[str]) -> str:
    """A fresh temporary name in the same directory as ``path`` (so the final rename stays on
    one file system and is atomic)."""
    path = os.fspath(path)
    directory, name = os.path.split(os.path.abspath(path))
    return os.path.join(directory, f".{name}{TMP_MARKER}{os.getpid()}-{secrets.token_hex(4)}")


def _fsync_directory(directory: str) -> None:
    if os.name != "posix":  # Windows cannot open directories; the rename is durable there
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def commit(tmp_path: str, path: str | os.PathLike[str]) -> None:
    """fsync ``tmp_path`` (already closed) and atomically rename it to ``path``."""
    path = os.fspath(path)
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp_path, path)
    _fsync_directory(os.path.dirname(os.path.abspath(path)))


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], overwrite: bool = True) -> Iterator[str]:
    """Yield a temporary path to write (by any means, e.g. ``h5py.File``); on success it is
    fsync'd and renamed to ``path``; on error it is removed and ``path`` is untouched.

    >>> import os, tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "a.bin")
    >>> with atomic_path(target) as tmp:
    ...     with open(tmp, "wb") as f:
    ...         _ = f.write(b"x")
    >>> os.path.exists(target)
    True
    """
    path = os.fspath(path)
    if not overwrite and os.path.exists(path):
        raise SavingError(
            f"Not overwriting existing file {path!r}.",
            expected="a path that does not exist yet, or overwrite=True",
            received=path,
        )
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise SavingError(
            f"Cannot save to {path!r}: its directory does not exist.",
            expected="an existing directory",
            received=directory,
            hint="Create the directory first (os.makedirs).",
        )
    tmp = temporary_path(path)
    try:
        yield tmp
        commit(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], overwrite: bool = True) -> Iterator[IO[bytes]]:
    """Open a temporary binary file for writing; on success it is flushed, fsync'd and
    renamed to ``path`` (see the module docstring)."""
    with atomic_path(path, overwrite=overwrite) as tmp:
        with open(tmp, "xb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, overwrite: bool = True) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_write(path, overwrite=overwrite) as handle:
        handle.write(data)


__all__ = ["atomic_path", "atomic_write", "atomic_write_bytes", "commit", "temporary_path"]
