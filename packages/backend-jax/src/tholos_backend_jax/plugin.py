"""Entry point of the jax backend. Light: does not import jax."""

from tholos.backend import BackendSpec, hookimpl


def _load():
    from tholos_backend_jax._backend import load

    return load()


@hookimpl
def tholos_backend() -> BackendSpec:
    return BackendSpec(
        name="jax",
        load=_load,
        priority=30,
        install_hint='pip install "tholos[jax]"',
        description="JAX/XLA backend: jax.numpy ops, jit-compiled stateless training steps.",
    )
