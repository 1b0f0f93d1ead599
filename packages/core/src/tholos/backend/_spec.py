"""What a plugin declares about its backend, before the backend is loaded."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class BackendSpec:
    """A backend as a plugin declares it.

    name: the name users select (``THOLOS_BACKEND=name``).
    load: imports the framework and returns the backend object (see
        :class:`tholos.backend.contract.Backend`). Called once, on first use.
    priority: higher wins when no backend is configured (numpy 0, torch 10, tensorflow 20,
        jax 30; a third-party backend defaults to -10 so it is never picked by accident).
    install_hint: the command that installs what ``load`` needs.
    """

    name: str
    load: Callable[[], Any]
    priority: int = -10
    install_hint: str | None = None
    description: str = ""
    extras: dict[str, Any] = field(default_factory=dict)
