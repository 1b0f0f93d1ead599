"""The active distribution, device listing, multi-process start-up, and the helpers core
calls around each step. Everything framework-specific goes through the active backend's
optional ``distribution`` hooks (:mod:`tholos.backend.contract.distribution`)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from tholos.errors import ConfigError, UnsupportedOpError

_GLOBAL: dict[str, Any] = {"distribution": None}
_SCOPES: list[Any] = []


def _hooks() -> Any:
    from tholos.backend._state import current

    backend = current()
    hooks = getattr(backend, "distribution", None)
    if hooks is None:  # a LoadedBackend keeps the plugin's object as ``impl``
        hooks = getattr(getattr(backend, "impl", None), "distribution", None)
    return hooks


def _backend_name() -> str:
    from tholos.backend._state import current

    return current().name


def list_devices(device_type: str | None = None) -> list[str]:
    """Every device the distribution can use (across all processes when initialized),
    optionally only those of ``device_type`` (``"cpu"``, ``"gpu"``, ``"tpu"``).

    >>> list_devices("cpu")[0]
    'cpu:0'
    """
    hooks = _hooks()
    if hooks is not None:
        return list(hooks.list_devices(device_type))
    from tholos.backend._state import current

    return list(current().devices.list_devices(device_type))


def distribution() -> Any:
    """The active distribution: the innermost ``with dist.scope():``, else the one given to
    :func:`set_distribution`, else ``None``."""
    return _SCOPES[-1] if _SCOPES else _GLOBAL["distribution"]


def set_distribution(value: Any) -> None:
    """Make ``value`` (a ``DataParallel``/``ModelParallel``, or ``None``) the global
    distribution."""
    from tholos.distribution._distributions import Distribution

    if value is not None and not isinstance(value, Distribution):
        raise ConfigError(
            "set_distribution expects a Distribution or None.",
            expected="DataParallel(...), ModelParallel(...) or None",
            received=type(value).__name__,
        )
    if value is not None:
        _check_supported(value)
    _GLOBAL["distribution"] = value


def _env_int(name: str) -> int | None:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else None


def initialize(
    job_addresses: str | None = None,
    num_processes: int | None = None,
    process_id: int | None = None,
) -> None:
    """Join a multi-process (multi-host) run; call it first, once per process.

    Args:
        job_addresses: comma-separated ``host:port`` of the processes; the first is the
            coordinator (JAX), the rendezvous point (torch) or the chief (TF ``TF_CONFIG``).
            Default: ``$THOLOS_DISTRIBUTION_JOB_ADDRESSES``; torch also reads torchrun's
            ``MASTER_ADDR``/``MASTER_PORT``, TensorFlow an existing ``TF_CONFIG``.
        num_processes: the number of processes (``$THOLOS_DISTRIBUTION_NUM_PROCESSES``).
        process_id: this process' rank, 0 being the chief (``$THOLOS_DISTRIBUTION_PROCESS_ID``).
    """
    if job_addresses is None:
        job_addresses = os.environ.get("THOLOS_DISTRIBUTION_JOB_ADDRESSES") or None
    if num_processes is None:
        num_processes = _env_int("THOLOS_DISTRIBUTION_NUM_PROCESSES")
    if process_id is None:
        process_id = _env_int("THOLOS_DISTRIBUTION_PROCESS_ID")
    hooks = _hooks()
    if hooks is None:
        if num_processes in (None, 1):
            return
        raise UnsupportedOpError(
            f"The {_backend_name()} backend cannot run on several processes.",
            expected="a backend with distribution support (jax, torch, tensorflow)",
            received=f"num_processes={num_processes}",
        )
    hooks.initialize(job_addresses, num_processes, process_id)


def process_id() -> int:
    """This process' rank (0 when not distributed)."""
    hooks = _hooks()
    return int(hooks.process_id()) if hooks is not None else 0


def num_processes() -> int:
    """How many processes take part (1 when not distributed)."""
    hooks = _hooks()
    return int(hooks.num_processes()) if hooks is not None else 1


def is_chief() -> bool:
    """Whether this process is the one that writes files: rank 0 (always true when not
    distributed). Checkpoint/logging callbacks write only there."""
    return process_id() == 0


def distribute_tensor(tensor: Any, layout: Any) -> Any:
    """Place ``tensor`` as ``layout`` says (sharded or replicated over its mesh)."""
    hooks = _hooks()
    if hooks is None:
        if layout.device_mesh is not None and layout.device_mesh.devices.size > 1:
            raise UnsupportedOpError(
                f"The {_backend_name()} backend cannot place tensors on several devices.",
                expected="a backend with distribution support",
                received=repr(layout),
            )
        return tensor
    return hooks.distribute_tensor(tensor, layout)


def _check_supported(dist: Any) -> None:
    hooks = _hooks()
    if hooks is None:
        if dist.device_mesh.devices.size > 1:
            raise UnsupportedOpError(
                f"The {_backend_name()} backend has no distribution support.",
                expected="the jax, torch or tensorflow backend for several devices",
                received=repr(dist),
                hint="a distribution over a single device runs as usual",
            )
        return
    hooks.validate(dist)


@contextlib.contextmanager
def _backend_scope(dist: Any) -> Iterator[None]:
    hooks = _hooks()
    scope = getattr(hooks, "scope", None) if hooks is not None else None
    if scope is None:
        yield
        return
    with scope(dist):
        yield


__all__ = [
    "distribute_tensor",
    "distribution",
    "initialize",
    "is_chief",
    "list_devices",
    "num_processes",
    "process_id",
    "set_distribution",
]
