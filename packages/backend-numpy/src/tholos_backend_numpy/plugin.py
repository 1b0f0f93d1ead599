"""Entry point of the NumPy backend. Light: imports neither NumPy nor autograd."""

from tholos.backend import BackendSpec, hookimpl


def _load():
    from tholos_backend_numpy._backend import BACKEND

    return BACKEND


@hookimpl
def tholos_backend() -> BackendSpec:
    return BackendSpec(
        name="numpy",
        load=_load,
        priority=0,
        install_hint='pip install "tholos[numpy]"',
        description="Pure NumPy reference backend; trains through autograd.",
    )
