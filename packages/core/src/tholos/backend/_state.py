"""Which backend is active, and switching it inside a running process.

The active backend is process-wide. Its op table is copied into :data:`OP_TABLE`, the dict
the public ``tholos.ops`` functions call through, so a switch costs one dict update and a call
costs one dict lookup.

Resolution order for the first use: ``tholos.config.set_backend`` > ``THOLOS_BACKEND`` >
``$THOLOS_HOME/tholos.json`` (``~/.tholos/tholos.json``) > the installed backend with the
highest priority (jax, then tensorflow, then torch, then numpy, then third-party plugins).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tholos.backend._discovery import REGISTRY, LoadedBackend
from tholos.errors import ConfigError

OP_TABLE: dict[str, Callable[..., Any]] = {}
"""Op name (and ``"family.op"``) -> the active backend's function."""

_active: LoadedBackend | None = None
_switch_listeners: list[Callable[[LoadedBackend | None, LoadedBackend], None]] = []


def tholos_home() -> Path:
    """``$THOLOS_HOME``, or ``~/.tholos``."""
    return Path(os.environ.get("THOLOS_HOME") or Path.home() / ".tholos")


def read_config_file() -> dict[str, Any]:
    """The JSON config file's contents (``{}`` when absent)."""
    path = tholos_home() / "tholos.json"
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise ConfigError(
            f"Cannot read the tholos config file {path}.",
            expected='a JSON object such as {"backend": "jax"}',
            received=f"{type(err).__name__}: {err}",
            hint="Fix or delete the file.",
        ) from err
    if not isinstance(data, dict):
        raise ConfigError(
            f"The tholos config file {path} must hold a JSON object.",
            expected='{"backend": ...}',
            received=type(data).__name__,
        )
    return data


def configured_name() -> str | None:
    """The backend name asked for by the environment or the config file, if any."""
    return os.environ.get("THOLOS_BACKEND") or read_config_file().get("backend")


def current() -> LoadedBackend:
    """The active backend, resolving and loading it on first use."""
    if _active is None:
        activate(configured_name() or REGISTRY.default_name())
    return _active  # type: ignore[return-value]


def activate(name: str) -> LoadedBackend:
    """Make ``name`` the active backend (loading and validating it first)."""
    global _active
    loaded = REGISTRY.get(name)
    previous = _active
    if previous is loaded:
        return loaded
    _active = loaded
    OP_TABLE.clear()
    OP_TABLE.update(loaded.ops)
    for listener in list(_switch_listeners):
        listener(previous, loaded)
    return loaded


def on_switch(listener: Callable[[LoadedBackend | None, LoadedBackend], None]) -> None:
    """Call ``listener(previous, new)`` whenever the active backend changes."""
    _switch_listeners.append(listener)


def _restore(previous: LoadedBackend | None) -> None:
    global _active
    if previous is None:
        _active = None
        OP_TABLE.clear()
    else:
        activate(previous.name)


@contextlib.contextmanager
def use_backend(name: str) -> Iterator[LoadedBackend]:
    """Run a block under backend ``name``, then return to the previous one.

    Tensors and Variables made inside belong to that backend; convert them with
    ``ops.convert_to_numpy`` before using them under another.
    """
    previous = _active
    loaded = activate(name)
    try:
        yield loaded
    finally:
        _restore(previous)


def _ensure_table() -> None:
    """Called by the public ops when the table is empty (nothing activated yet)."""
    current()
