"""Devices: where a backend places arrays and runs ops."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable


@runtime_checkable
class DeviceOps(Protocol):
    """How a backend names devices and scopes work onto one.

    Device names are ``"type:index"`` in lower case: ``"cpu:0"``, ``"gpu:0"`` (``"cuda:0"`` is
    accepted as an alias of ``"gpu:0"``), ``"mps:0"``, ``"tpu:0"``.
    """

    def list_devices(self, device_type: str | None = None) -> list[str]:
        """The devices this backend can use, optionally only those of ``device_type``.

        Always non-empty: every backend has at least ``"cpu:0"``.
        """
        ...

    def device_scope(self, device_name: str) -> AbstractContextManager[None]:
        """A context manager inside which new arrays and computations go to ``device_name``.

        An unknown device raises :class:`tholos.errors.OpInputError` listing the valid names.
        """
        ...

    def get_device(self) -> str:
        """The device new arrays go to right now (the innermost scope's, or the default)."""
        ...
