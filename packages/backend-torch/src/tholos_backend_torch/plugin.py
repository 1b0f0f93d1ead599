"""Entry point of the torch backend. Light: does not import torch."""

from tholos.backend import BackendSpec, hookimpl


def _load():
    from tholos_backend_torch._backend import load

    return load()


@hookimpl
def tholos_backend() -> BackendSpec:
    return BackendSpec(
        name="torch",
        load=_load,
        priority=10,
        install_hint='pip install "tholos[torch]"',
        description="torch backend (implementation in progress).",
    )
