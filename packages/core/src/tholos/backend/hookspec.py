"""The plugin contract: the hooks a tholos backend package implements.

A backend is a distribution that declares an entry point in the group ``tholos.backends``::

    [project.entry-points."tholos.backends"]
    mybackend = "tholos_backend_mybackend.plugin"

The entry-point module must be light: importing it must not import the backend's framework.
It implements :func:`tholos_backend` with ``@tholos.backend.hookimpl`` and returns a
:class:`BackendSpec` whose ``load`` callable imports the framework and returns the object that
implements the Protocols of :mod:`tholos.backend.contract`. ``load`` runs when the backend is
first selected; its result is validated then, before any op runs.

Example entry-point module::

    from tholos.backend import BackendSpec, hookimpl

    @hookimpl
    def tholos_backend():
        def load():
            from tholos_backend_mybackend import _backend
            return _backend.BACKEND
        return BackendSpec(name="mybackend", load=load)
"""

from __future__ import annotations

import pluggy

from tholos.backend._spec import BackendSpec

hookspec = pluggy.HookspecMarker("tholos")
hookimpl = pluggy.HookimplMarker("tholos")


@hookspec
def tholos_backend() -> BackendSpec | None:
    """Declare one backend.

    Return a :class:`BackendSpec`. Must not import the framework the backend wraps.
    """


@hookspec
def tholos_data_adapters() -> list[type] | None:
    """Contribute data adapters to ``fit``/``evaluate``/``predict``.

    Return classes implementing :class:`tholos.trainers.data_adapters.DataAdapter`; each is
    asked, in order, whether it can handle the user's data (``can_handle(x, y)``).
    """


__all__ = ["BackendSpec", "hookimpl", "hookspec", "tholos_backend", "tholos_data_adapters"]
