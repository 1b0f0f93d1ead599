"""Devices of the JAX backend: JAX's own devices, named ``"cpu:0"``, ``"gpu:0"``, ``"tpu:0"``.

A device scope sets ``jax.default_device`` for the block. GPU memory is not preallocated
whole: importing ``tholos_backend_jax`` sets ``XLA_PYTHON_CLIENT_PREALLOCATE=false`` before
JAX starts, unless the environment already sets it (``true`` restores JAX's preallocation).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import jax

from tholos.errors import OpInputError

_ALIASES = {"cuda": "gpu", "rocm": "gpu"}
_stack: list[str] = []


def _name(device) -> str:
    kind = _ALIASES.get(device.platform, device.platform)
    same = [d for d in _all() if _ALIASES.get(d.platform, d.platform) == kind]
    return f"{kind}:{same.index(device)}"


def _all():
    devices = []
    for backend in ("cpu", "gpu", "tpu"):
        try:
            devices.extend(jax.devices(backend))
        except RuntimeError:
            continue
    return devices


def _table() -> dict[str, object]:
    return {_name(d): d for d in _all()}


def list_devices(device_type: str | None = None) -> list[str]:
    names = list(_table())
    if device_type is None:
        return names
    kind = str(device_type).lower()
    kind = _ALIASES.get(kind, kind)
    return [n for n in names if n.split(":")[0] == kind]


def _normalize(device_name: str) -> str:
    name = str(device_name).lower().strip().lstrip("/")
    if name.startswith("device:"):
        name = name[len("device:") :]
    kind, _, index = name.partition(":")
    kind = _ALIASES.get(kind, kind)
    return f"{kind}:{index or 0}"


@contextlib.contextmanager
def device_scope(device_name: str) -> Iterator[None]:
    table = _table()
    name = _normalize(device_name)
    if name not in table:
        raise OpInputError(
            "Unknown device for the JAX backend.",
            expected=f"one of {sorted(table)}",
            received=repr(device_name),
            hint="Install jax with GPU support (e.g. pip install 'jax[cuda12]') for GPUs.",
        )
    _stack.append(name)
    try:
        with jax.default_device(table[name]):
            yield
    finally:
        _stack.pop()


def get_device() -> str:
    if _stack:
        return _stack[-1]
    default = jax.config.jax_default_device
    if default is not None and not isinstance(default, str):
        return _name(default)
    return _name(jax.devices()[0])
