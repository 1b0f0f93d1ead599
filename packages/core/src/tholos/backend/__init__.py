"""``tholos.backend``: the active backend, plugin discovery and the backend-facing API.

For users: :func:`backend` (the active backend's name), :func:`list_backends` (diagnostics),
``floatx``/``epsilon``/``image_data_format``, :class:`KerasTensor`, :class:`Variable`.

For backend authors: :mod:`tholos.backend.contract` (the Protocols), :mod:`tholos.backend.hookspec`
(the plugin hooks), :class:`BackendSpec` and :data:`hookimpl`.

>>> import tholos
>>> tholos.backend.backend() in {i.name for i in tholos.backend.list_backends()}
True
"""

from __future__ import annotations

from tholos.backend import dtypes
from tholos.backend._discovery import REGISTRY, BackendInfo
from tholos.backend._spec import BackendSpec
from tholos.backend._state import use_backend
from tholos.backend._stateless import (
    AutocastScope,
    StatelessScope,
    get_stateless_scope,
    in_stateless_scope,
    name_scope,
)
from tholos.backend._symbolic import KerasTensor, compute_output_spec, is_keras_tensor
from tholos.backend._variables import Variable
from tholos.backend.dtypes import floatx, result_type, set_floatx, standardize_dtype
from tholos.backend.hookspec import hookimpl


def backend() -> str:
    """The name of the active backend, e.g. ``"numpy"``."""
    from tholos.backend._state import current

    return current().name


def device(device_name: str):
    """A context manager placing new tensors and computations on ``device_name``.

    Names are ``"cpu:0"``, ``"gpu:0"`` (``"cuda:0"`` too), ... as listed by the active backend's
    ``devices.list_devices()``. Also available as ``tholos.device``.

    >>> import tholos
    >>> with tholos.device("cpu:0"):
    ...     float(tholos.ops.sum(tholos.ops.ones((2,))))
    2.0
    """
    from tholos.backend._state import current

    return current().devices.device_scope(device_name)


def list_backends() -> list[BackendInfo]:
    """Every discovered backend with its distribution, version and status.

    Status is ``available``, ``loaded``, ``broken`` (its plugin raised; ``error`` says why) or
    ``invalid`` (it does not implement the contract; ``error`` names what is missing).
    """
    return [REGISTRY.infos()[name] for name in REGISTRY.names()]


def register_backend(plugin: object, name: str | None = None) -> str:
    """Register an in-process plugin object (something with a ``tholos_backend`` hook)."""
    return REGISTRY.register(plugin, name=name)


def epsilon() -> float:
    from tholos import config

    return config.epsilon()


def image_data_format() -> str:
    from tholos import config

    return config.image_data_format()


def is_tensor(x: object) -> bool:
    """Whether ``x`` is a native tensor of the active backend."""
    from tholos.backend._state import current

    return bool(current().core.is_tensor(x))


def clear_session() -> None:
    """Reset global state: layer name counters and the global seed generator."""
    from tholos.ops.operation import reset_uids
    from tholos.random import seed_generator

    seed_generator._global_generator = None
    reset_uids()


__all__ = [
    "AutocastScope",
    "BackendInfo",
    "BackendSpec",
    "KerasTensor",
    "StatelessScope",
    "Variable",
    "backend",
    "clear_session",
    "device",
    "compute_output_spec",
    "dtypes",
    "epsilon",
    "floatx",
    "get_stateless_scope",
    "hookimpl",
    "image_data_format",
    "in_stateless_scope",
    "is_keras_tensor",
    "is_tensor",
    "list_backends",
    "name_scope",
    "register_backend",
    "result_type",
    "set_floatx",
    "standardize_dtype",
    "use_backend",
]
