"""Entry point of the tensorflow backend. Light: does not import tensorflow."""

from tholos.backend import BackendSpec, hookimpl


def _load():
    from tholos_backend_tensorflow._backend import load

    return load()


@hookimpl
def tholos_backend() -> BackendSpec:
    return BackendSpec(
        name="tensorflow",
        load=_load,
        priority=20,
        install_hint='pip install "tholos[tensorflow]"',
        description="tensorflow backend (implementation in progress).",
    )
