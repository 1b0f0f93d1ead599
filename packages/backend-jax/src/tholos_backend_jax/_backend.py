"""Loading the jax backend.

The package is installable and discoverable; the op implementations are not written yet, so
loading reports that clearly instead of failing on the first op.
"""

from tholos.errors import BackendLoadError


def load():
    import jax  # noqa: F401 - a missing framework is reported by the registry with the pip line

    raise BackendLoadError(
        "The jax backend of this tholos version does not implement the contract yet.",
        expected="a complete backend",
        received="tholos-backend-jax 0.1.0 (entry point and packaging only)",
        hint="Use the numpy backend for now: THOLOS_BACKEND=numpy.",
    )
