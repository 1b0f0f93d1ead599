"""Devices of the torch backend: ``cpu:0``, ``gpu:N`` (CUDA, alias ``cuda:N``) and ``mps:0``.

The device new tensors go to is one module-level ``torch.device`` (:data:`CURRENT`), read by
every conversion without a function call; :func:`device_scope` swaps it for a block. The
default is the first CUDA device when there is one, else MPS, else the CPU.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch

from tholos.errors import OpInputError


def _default_device() -> torch.device:
    if torch.cuda.is_available():
        return torch.device("cuda", 0)
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps", 0)
    return torch.device("cpu")


DEFAULT: torch.device = _default_device()
CURRENT: torch.device = DEFAULT
"""The device new tensors go to (the innermost :func:`device_scope`'s, or :data:`DEFAULT`)."""


def list_devices(device_type: str | None = None) -> list[str]:
    devices = ["cpu:0"]
    if torch.cuda.is_available():
        devices += [f"gpu:{i}" for i in range(torch.cuda.device_count())]
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        devices.append("mps:0")
    if device_type is None:
        return devices
    kind = device_type.lower()
    kind = "gpu" if kind == "cuda" else kind
    return [d for d in devices if d.split(":")[0] == kind]


def tholos_name(device: torch.device) -> str:
    """``torch.device('cuda', 0)`` -> ``"gpu:0"``."""
    kind = "gpu" if device.type == "cuda" else device.type
    return f"{kind}:{device.index or 0}"


def to_torch_device(device_name: str | torch.device) -> torch.device:
    """The ``torch.device`` for a tholos device name (``"gpu:0"``, ``"cuda:1"``, ``"cpu"``...)."""
    if isinstance(device_name, torch.device):
        name = tholos_name(device_name)
    else:
        name = str(device_name).lower().strip().lstrip("/")
        if name.startswith("device:"):
            name = name[len("device:") :]
    kind, _, index = name.partition(":")
    kind = "gpu" if kind == "cuda" else kind
    index = index or "0"
    full = f"{kind}:{index}"
    valid = list_devices()
    if full not in valid:
        raise OpInputError(
            "Unknown device for the torch backend.",
            expected=f"one of {valid}",
            received=repr(device_name),
            hint="gpu:N needs a CUDA build of torch and a GPU; mps:0 needs Apple silicon.",
        )
    if kind == "cpu":
        return torch.device("cpu")
    return torch.device("cuda" if kind == "gpu" else kind, int(index))


@contextlib.contextmanager
def device_scope(device_name: str) -> Iterator[None]:
    global CURRENT
    target = to_torch_device(device_name)
    previous = CURRENT
    CURRENT = target
    try:
        yield
    finally:
        CURRENT = previous


def get_device() -> str:
    return tholos_name(CURRENT)


def current_device() -> torch.device:
    return CURRENT


__all__ = ["current_device", "device_scope", "get_device", "list_devices", "to_torch_device"]
