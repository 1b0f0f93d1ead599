"""Read the CIFAR "binary version" tarballs: fixed-size records of label bytes and pixels."""

from __future__ import annotations

import os

import numpy as np

from tholos.errors import TholosError

PIXELS = 3 * 32 * 32


def read_members(tar_path: str | os.PathLike, names: list[str]) -> dict[str, bytes]:
    """The bytes of the members whose base names are ``names`` (any folder inside the tar)."""
    import tarfile

    wanted, found = set(names), {}
    with tarfile.open(tar_path, "r:*") as archive:
        for member in archive:
            base = os.path.basename(member.name)
            if member.isfile() and base in wanted and base not in found:
                found[base] = archive.extractfile(member).read()
    missing = [n for n in names if n not in found]
    if missing:
        raise TholosError(
            f"{os.path.basename(tar_path)} lacks the expected files.",
            expected=", ".join(names),
            received=f"missing {', '.join(missing)}",
            hint="Delete the cached file so that it is downloaded again.",
        )
    return found


def parse_records(data: bytes, label_bytes: int, name: str) -> tuple[np.ndarray, np.ndarray]:
    """``(images (N, 3, 32, 32) uint8, labels (N, label_bytes) uint8)`` from records."""
    record = label_bytes + PIXELS
    if len(data) % record:
        raise TholosError(
            f"{name}: truncated CIFAR batch.",
            expected=f"a multiple of {record} bytes",
            received=f"{len(data)} bytes",
        )
    rows = np.frombuffer(data, dtype=np.uint8).reshape(-1, record)
    labels = rows[:, :label_bytes].copy()
    images = rows[:, label_bytes:].reshape(-1, 3, 32, 32).copy()
    return images, labels


def to_data_format(images: np.ndarray) -> np.ndarray:
    """Channels last (the default) or first, following ``tholos.config.image_data_format()``."""
    from tholos import config

    if config.image_data_format() == "channels_last":
        return np.ascontiguousarray(images.transpose(0, 2, 3, 1))
    return images
