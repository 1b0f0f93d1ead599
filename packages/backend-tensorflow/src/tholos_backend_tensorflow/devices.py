"""Devices of the TensorFlow backend: TensorFlow's logical devices, named ``"type:index"``.

GPUs get memory growth turned on before TensorFlow initialises them (see
:func:`enable_memory_growth`, called when the backend loads), so importing tholos or loading
the backend never takes a whole card.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import tensorflow as tf

from tholos.errors import OpInputError

_local = threading.local()
_DEVICES: list[str] | None = None


def enable_memory_growth() -> None:
    """Turn on memory growth for every visible GPU (a no-op once TF has initialised them)."""
    for gpu in tf.config.list_physical_devices("GPU"):
        try:
            tf.config.experimental.set_memory_growth(gpu, True)
        except (RuntimeError, ValueError):  # already initialised: growth is fixed by then
            pass


def _name_of(tf_name: str) -> str:
    # "/device:GPU:0" or "/job:localhost/replica:0/task:0/device:CPU:0" -> "gpu:0"
    kind, index = tf_name.rsplit("device:", 1)[-1].split(":")[:2]
    return f"{kind.lower()}:{index}"


def _devices() -> list[str]:
    global _DEVICES
    if _DEVICES is None:
        _DEVICES = [_name_of(d.name) for d in tf.config.list_logical_devices()]
    return _DEVICES


def list_devices(device_type: str | None = None) -> list[str]:
    devices = _devices()
    if device_type is None:
        return list(devices)
    kind = device_type.lower()
    if kind == "cuda":
        kind = "gpu"
    return [d for d in devices if d.split(":")[0] == kind]


def _normalize(device_name: str) -> str:
    name = str(device_name).lower().strip()
    if name.startswith("/"):
        name = _name_of(name) if "device:" in name else name.lstrip("/")
    if name.startswith("cuda"):
        name = "gpu" + name[4:]
    if ":" not in name:
        name = f"{name}:0"
    return name


@contextlib.contextmanager
def device_scope(device_name: str) -> Iterator[None]:
    name = _normalize(device_name)
    devices = _devices()
    if name not in devices:
        raise OpInputError(
            "Unknown device for the TensorFlow backend.",
            expected=f"one of {devices}",
            received=repr(device_name),
            hint="List them with backend.devices.list_devices().",
        )
    kind, index = name.split(":")
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    stack.append(name)
    try:
        with tf.device(f"/{kind.upper()}:{index}"):
            yield
    finally:
        stack.pop()


def get_device() -> str:
    stack = getattr(_local, "stack", None)
    if stack:
        return stack[-1]
    gpus = list_devices("gpu")
    return gpus[0] if gpus else "cpu:0"
