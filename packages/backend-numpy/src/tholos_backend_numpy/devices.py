"""Devices of the NumPy backend: the host CPU only."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from tholos.errors import OpInputError

_DEVICES = ["cpu:0"]


def list_devices(device_type: str | None = None) -> list[str]:
    if device_type is None or device_type.lower() == "cpu":
        return list(_DEVICES)
    return []


@contextlib.contextmanager
def device_scope(device_name: str) -> Iterator[None]:
    name = str(device_name).lower()
    if name in ("cpu", "/cpu:0"):
        name = "cpu:0"
    if name not in _DEVICES:
        raise OpInputError(
            "The NumPy backend runs on the host CPU only.",
            expected=f"one of {_DEVICES}",
            received=repr(device_name),
            hint="Select a GPU-capable backend (jax, torch, tensorflow) for accelerators.",
        )
    yield


def get_device() -> str:
    return "cpu:0"
