"""nox sessions: `nox -s tests`, `nox -s conformance`, `nox -s lint`, `nox -s bench`.

Each session builds its own virtualenv from the packages in this repository, which proves the
packages install and work independently.
"""

from __future__ import annotations

import json
from pathlib import Path

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
# Environment a backend's conformance run needs: JAX computes the float64 cases only with x64.
CONFORMANCE_ENV = {"jax": {"JAX_ENABLE_X64": "1"}}


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check over the whole repository."""
    session.install("-r", "requirements/lint.txt")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def tests(session: nox.Session) -> None:
    """Every package's own tests with every backend installed (what scripts/test runs), then
    the conformance suite on the NumPy reference in a process of its own."""
    session.install(*CONSTRAINTS, "-r", "requirements/test.txt")
    editable = [
        arg for path in ("packages/core", *BACKENDS.values(), "conformance") for arg in ("-e", path)
    ]
    session.install(*CONSTRAINTS, *editable)
    session.run("pytest", "packages", *session.posargs)
    session.run("pytest", "conformance/tests", *session.posargs)


@nox.session(python=False)
def bench(session: nox.Session) -> None:
    """The benchmarks (benchmarks/README.md) in the active environment, which must hold tholos
    and the backends to measure; arguments after `--` go to the runner, e.g.
    `nox -s bench -- --quick --backends torch --python-for keras-torch=/path/to/python`."""
    session.run("python", "-m", "benchmarks", *session.posargs, external=True)


REPORT_DIR = Path(".nox") / "conformance-reports"
NOT_LOADABLE_EXIT = 75  # tholos_conformance.plugin.NOT_LOADABLE_EXIT


@nox.session
@nox.parametrize("backend", list(BACKENDS))
def conformance(session: nox.Session, backend: str) -> None:
    """The conformance suite for one in-repo backend, in a venv holding only core, that
    backend, the reference (numpy) and the suite. Writes .nox/conformance-reports/BACKEND.md
    (+ .json); the conformance_report session merges them into conformance-report.md."""
    report = REPORT_DIR / f"{backend}.md"
    report.parent.mkdir(parents=True, exist_ok=True)
    for stale in (report, Path(f"{report}.json")):
        stale.unlink(missing_ok=True)
    session.notify("conformance_report")
    session.install(*CONSTRAINTS, "-r", "requirements/test.txt")
    packages = ["packages/core", "packages/backend-numpy", "./conformance"]
    if backend != "numpy":
        packages.append(BACKENDS[backend])
    try:
        session.install(*CONSTRAINTS, *packages)
    except nox.command.CommandFailed:
        _write_status(report, backend, "not installable (pip failed; see the session log)")
        session.skip(f"{backend}: the backend package could not be installed")
    session.run(
        "pytest",
        "--pyargs",
        "tholos_conformance",
        f"--tholos-backend={backend}",
        f"--tholos-report={report}",
        *session.posargs,
        env=CONFORMANCE_ENV.get(backend, {}),
        success_codes=[0, NOT_LOADABLE_EXIT],
    )


@nox.session(python=False)
def conformance_report(session: nox.Session) -> None:
    """Merge the per-backend reports into conformance-report.md (backend x area) and print it."""
    rows, details = [], []
    areas = ["coverage", "forward", "gradients", "dtypes", "random", "layers", "training", "saving"]
    for path in sorted(REPORT_DIR.glob("*.md.json")):
        data = json.loads(path.read_text())
        counts = data.get("counts", {})
        cells = []
        for area in areas:
            c = counts.get(area)
            cells.append(f"{c['passed']} / {c['gap']} / {c['failed']}" if c else "-")
        rows.append(f"| {data['backend']} | {data['status']} | " + " | ".join(cells) + " |")
        md = Path(str(path)[: -len(".json")])
        if md.is_file():
            details.append(md.read_text())
    header = [
        "# tholos conformance report",
        "",
        "Cells: passed / gap / failed (gaps are the gap file's strict xfails).",
        "",
        "| backend | status | " + " | ".join(areas) + " |",
        "| --- | --- | " + " | ".join("---:" for _ in areas) + " |",
    ]
    text = "\n".join([*header, *rows, "", *details])
    Path("conformance-report.md").write_text(text)
    print(text)


def _write_status(report: Path, backend: str, status: str) -> None:
    report.write_text(f"## tholos conformance: backend `{backend}` ({status})\n")
    Path(f"{report}.json").write_text(
        json.dumps({"backend": backend, "device": "cpu", "status": status, "counts": {}})
    )
