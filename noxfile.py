"""nox sessions: `nox -s tests`, `nox -s conformance`, `nox -s lint`.

Each session builds its own virtualenv from the packages in this repository, which proves the
packages install and work independently.
"""

from __future__ import annotations

import nox

nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = True

BACKENDS = {
    "numpy": "packages/backend-numpy",
    "jax": "packages/backend-jax",
    "torch": "packages/backend-torch",
    "tensorflow": "packages/backend-tensorflow",
}
CONSTRAINTS = ("-c", "constraints.txt")


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check over the whole repository."""
    session.install("-r", "requirements/lint.txt")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def tests(session: nox.Session) -> None:
    """Every package's own tests, with core and the NumPy reference backend installed."""
    session.install(*CONSTRAINTS, "-r", "requirements/test.txt")
    session.install("-e", "packages/core", "-e", "packages/backend-numpy", "-e", "conformance")
    session.run("pytest", *session.posargs)


@nox.session
@nox.parametrize("backend", list(BACKENDS))
def conformance(session: nox.Session, backend: str) -> None:
    """The conformance suite for one in-repo backend, in a venv holding only core, that
    backend and the reference."""
    session.install(*CONSTRAINTS, "-r", "requirements/test.txt")
    packages = ["packages/core", "packages/backend-numpy", BACKENDS[backend], "conformance"]
    session.install(*CONSTRAINTS, *packages)
    session.run("pytest", "conformance/tests", f"--tholos-backend={backend}", *session.posargs)
