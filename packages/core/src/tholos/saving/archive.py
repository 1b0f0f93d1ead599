"""Reading and writing the ``.keras`` zip archive, with every member checked before use.

On opening, the central directory is vetted: member names must be relative paths without
``..``, backslashes, drive letters or NUL bytes; no duplicates, symlinks or encryption; only
stored or deflated members; declared sizes within :data:`LIMITS` and compression ratios
plausible. Members are never extracted to disk; they are read into memory with the declared
size enforced while reading (a lying header is caught) and their CRC checked.

>>> import io, zipfile
>>> buf = io.BytesIO()
>>> with zipfile.ZipFile(buf, "w") as zf:
...     zf.writestr("config.json", "{}")
>>> SafeZipReader(io.BytesIO(buf.getvalue())).read("config.json")
b'{}'
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import stat
import zipfile
import zlib
from typing import IO, Any

from tholos.errors import CorruptArchiveError, UnsafeArchiveError

MiB = 1 << 20
GiB = 1 << 30


@dataclasses.dataclass
class ArchiveLimits:
    """Limits applied when reading untrusted archives and weight files (adjust the module
    level :data:`LIMITS` instance to load bigger models)."""

    max_members: int = 10_000
    max_member_bytes: int = 64 * GiB
    max_total_bytes: int = 64 * GiB
    max_json_bytes: int = 64 * MiB
    max_ratio: float = 200.0  # uncompressed / compressed, above ratio_floor bytes
    ratio_floor: int = 4 * MiB
    max_dataset_bytes: int = 64 * GiB


LIMITS = ArchiveLimits()

_ALLOWED_COMPRESSION = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}
_DRIVE = re.compile(r"^[A-Za-z]:")


def check_member_name(name: str) -> None:
    """Refuse names that could point outside the archive's own namespace."""
    if (
        not name
        or "\x00" in name
        or "\\" in name
        or name.startswith("/")
        or _DRIVE.match(name)
        or any(part == ".." for part in name.split("/"))
    ):
        raise UnsafeArchiveError(
            "Refusing an archive member with an unsafe path.",
            expected="relative member names without '..', '\\\\', drive letters or NUL",
            received=repr(name)[:200],
            hint="The file may have been crafted to write or read outside its directory; do "
            "not use it.",
        )


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    mode = (info.external_attr >> 16) & 0xFFFF
    return info.create_system == 3 and stat.S_ISLNK(mode)


class SafeZipReader:
    """A zip archive whose central directory has been vetted (see the module docstring)."""

    def __init__(
        self, source: str | os.PathLike[str] | IO[bytes], limits: ArchiveLimits | None = None
    ):
        self.limits = limits or LIMITS
        self._owned: IO[bytes] | None = None
        try:
            if isinstance(source, (str, os.PathLike)):
                self._owned = open(source, "rb")
                source = self._owned
            self._zip = zipfile.ZipFile(source, "r")
        except zipfile.BadZipFile as err:
            self.close()
            raise CorruptArchiveError(
                "Not a valid .keras archive (zip).",
                expected="a zip file written by model.save()",
                received=str(err),
            ) from err
        except (OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as err:
            self.close()
            raise CorruptArchiveError(
                "Cannot read the archive's directory.",
                expected="a zip file written by model.save()",
                received=f"{type(err).__name__}: {err}",
            ) from err
        try:
            self._infos = self._vet()
        except BaseException:
            self.close()
            raise

    def _vet(self) -> dict[str, zipfile.ZipInfo]:
        limits = self.limits
        infos = self._zip.infolist()
        if len(infos) > limits.max_members:
            raise UnsafeArchiveError(
                "The archive has too many members.",
                expected=f"at most {limits.max_members}",
                received=str(len(infos)),
            )
        by_name: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            name = info.filename
            check_member_name(name)
            if name in by_name:
                raise UnsafeArchiveError(
                    "The archive has two members with the same name.",
                    expected="unique member names",
                    received=repr(name),
                )
            if _is_symlink(info):
                raise UnsafeArchiveError(
                    "The archive contains a symbolic link.",
                    expected="regular files only",
                    received=repr(name),
                )
            if info.flag_bits & 0x1:
                raise UnsafeArchiveError(
                    "The archive contains an encrypted member.",
                    expected="unencrypted members",
                    received=repr(name),
                )
            if info.compress_type not in _ALLOWED_COMPRESSION:
                raise UnsafeArchiveError(
                    "The archive uses an unsupported compression method.",
                    expected="stored or deflated members",
                    received=f"{name!r}: method {info.compress_type}",
                )
            size, packed = info.file_size, info.compress_size
            if size < 0 or packed < 0 or size > limits.max_member_bytes:
                raise UnsafeArchiveError(
                    "An archive member is larger than allowed.",
                    expected=f"at most {limits.max_member_bytes} bytes",
                    received=f"{name!r}: {size} bytes",
                    hint="Raise tholos.saving.archive.LIMITS.max_member_bytes for a trusted file.",
                )
            if size > limits.ratio_floor and size > limits.max_ratio * max(packed, 1):
                raise UnsafeArchiveError(
                    "Refusing a decompression bomb: a member's compression ratio is implausible.",
                    expected=f"uncompressed/compressed <= {limits.max_ratio:g}",
                    received=f"{name!r}: {size} bytes from {packed}",
                )
            total += size
            if total > limits.max_total_bytes:
                raise UnsafeArchiveError(
                    "The archive's members add up to more than allowed.",
                    expected=f"at most {limits.max_total_bytes} bytes in total",
                    received=f"more than {total} bytes",
                )
            by_name[name] = info
        return by_name

    def names(self) -> list[str]:
        return list(self._infos)

    def __contains__(self, name: str) -> bool:
        return name in self._infos

    def read(self, name: str, max_bytes: int | None = None) -> bytes:
        """The member's bytes; its declared size (and ``max_bytes``) is enforced while reading
        and its CRC is checked."""
        info = self._infos.get(name)
        if info is None:
            raise CorruptArchiveError(
                f"The archive has no {name!r} member.",
                expected=f"a .keras archive with {name!r}",
                received=f"members {sorted(self._infos)[:20]}",
            )
        limit = info.file_size if max_bytes is None else min(info.file_size, max_bytes)
        if info.file_size > limit:
            raise UnsafeArchiveError(
                f"Archive member {name!r} is larger than allowed.",
                expected=f"at most {limit} bytes",
                received=f"{info.file_size} bytes",
            )
        out = io.BytesIO()
        try:
            with self._zip.open(info, "r") as member:
                while True:
                    chunk = member.read(min(MiB, limit + 1 - out.tell()))
                    if not chunk:
                        break
                    out.write(chunk)
                    if out.tell() > limit:
                        raise UnsafeArchiveError(
                            f"Archive member {name!r} holds more data than it declares.",
                            expected=f"{info.file_size} bytes",
                            received=f"more than {limit} bytes",
                        )
        except UnsafeArchiveError:
            raise
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            OSError,
            ValueError,
            NotImplementedError,
            RuntimeError,
        ) as err:
            raise CorruptArchiveError(
                f"Archive member {name!r} is corrupt.",
                expected="an intact member (matching size and CRC)",
                received=f"{type(err).__name__}: {err}",
            ) from err
        data = out.getvalue()
        if len(data) != info.file_size:
            raise CorruptArchiveError(
                f"Archive member {name!r} is truncated.",
                expected=f"{info.file_size} bytes",
                received=f"{len(data)} bytes",
            )
        return data

    def close(self) -> None:
        z = self.__dict__.pop("_zip", None)
        if z is not None:
            z.close()
        if self._owned is not None:
            self._owned.close()
            self._owned = None

    def __enter__(self) -> SafeZipReader:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def write_archive(handle: IO[bytes], members: dict[str, bytes]) -> None:
    """Write ``members`` (name -> bytes, in order) as a stored zip to ``handle``."""
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, data in members.items():
            check_member_name(name)
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)


__all__ = ["LIMITS", "ArchiveLimits", "SafeZipReader", "check_member_name", "write_archive"]
