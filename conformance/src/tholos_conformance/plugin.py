"""The pytest plugin (entry point ``pytest11``): backend/device selection, gaps, the report.

Run the suite against a backend::

    pytest --pyargs tholos_conformance --tholos-backend NAME [--tholos-device gpu]
    pytest conformance/tests --tholos-backend NAME          # in the tholos repository

Options: ``--tholos-backend`` (default: ``THOLOS_BACKEND`` or the config file, else
``numpy``: the reference checking itself),
``--tholos-device cpu|gpu``, ``--tholos-gaps PATH`` (a gap file; default this package's
``gaps/<backend>.toml``), ``--tholos-report PATH`` (write the markdown report there, and the
raw counts next to it as ``PATH.json``), ``--tholos-grad-reference auto|autodiff|numeric``.

Known gaps (see :mod:`tholos_conformance.gaps`) turn the matching tests into strict xfails at
collection time; tests themselves never look at the backend's name.
"""

from __future__ import annotations

import json
import traceback
from pathlib import Path
from typing import Any

import pytest

NOT_LOADABLE_EXIT = 75
"""pytest's exit status when the backend under test cannot be loaded (nox reports it)."""

_AREAS = (
    "coverage",
    "forward",
    "gradients",
    "dtypes",
    "random",
    "layers",
    "training",
    "saving",
    "self-test",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tholos", "tholos conformance")
    group.addoption(
        "--tholos-backend",
        action="store",
        default=None,
        help="backend under test (default: THOLOS_BACKEND or ~/.tholos/tholos.json, else numpy)",
    )
    group.addoption(
        "--tholos-device",
        action="store",
        default="cpu",
        choices=("cpu", "gpu"),
        help="device the backend under test runs on",
    )
    group.addoption(
        "--tholos-gaps",
        action="store",
        default=None,
        help="gap file of the backend under test (default: tholos_conformance/gaps/NAME.toml)",
    )
    group.addoption(
        "--tholos-report",
        action="store",
        default=None,
        help="write the conformance report (markdown) to this path, and PATH.json",
    )
    group.addoption(
        "--tholos-grad-reference",
        action="store",
        default="auto",
        choices=("auto", "autodiff", "numeric"),
        help="reference gradients: the NumPy backend's float64 autodiff, float64 central "
        "differences, or auto (numeric when the backend under test is the reference itself)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "tholos_area(name): the conformance area a test belongs to (report rows)"
    )
    config.stash[_STATE_KEY] = _State()
    name = config.getoption("--tholos-backend", default=None)
    if name:
        import tholos

        _load_or_exit(config, name)
        tholos.config.set_backend(name)


class _State:
    def __init__(self) -> None:
        self.backend: str | None = None
        self.gaps: Any = None
        self.counts: dict[str, dict[str, int]] = {}
        self.records: list[dict[str, Any]] = []
        self.ran = False


_STATE_KEY = pytest.StashKey[_State]()


def backend_under_test(config: pytest.Config) -> str:
    state = config.stash[_STATE_KEY]
    if state.backend is None:
        name = config.getoption("--tholos-backend")
        if not name:
            from tholos.backend._state import configured_name

            # THOLOS_BACKEND or the config file; else the reference checks itself (never
            # "whatever has the highest priority": the suite's target must be explicit).
            name = configured_name() or "numpy"
        state.backend = name
    return state.backend


def _load_or_exit(config: pytest.Config, name: str) -> None:
    from tholos.backend import REGISTRY

    try:
        REGISTRY.get(name)
    except Exception as err:  # reported, then the run stops
        detail = "".join(traceback.format_exception_only(type(err), err)).strip()
        report = config.getoption("--tholos-report")
        if report:
            _write_report(
                Path(report),
                name,
                config.getoption("--tholos-device"),
                {},
                [],
                status=f"not loadable: {detail.splitlines()[0]}",
            )
        pytest.exit(f"tholos backend {name!r} is not loadable:\n{detail}", NOT_LOADABLE_EXIT)


def _gaps(config: pytest.Config) -> Any:
    state = config.stash[_STATE_KEY]
    if state.gaps is None:
        from tholos_conformance.gaps import Gaps

        state.gaps = Gaps.load(backend_under_test(config), config.getoption("--tholos-gaps"))
    return state.gaps


def _area(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker("tholos_area")
    return marker.args[0] if marker else None


def gap_reason(item: pytest.Item, gaps: Any) -> str | None:
    """Why ``item`` is a known gap of the backend under test (None when it is not)."""
    area = _area(item)
    params = getattr(getattr(item, "callspec", None), "params", {})
    case = params.get("case")
    if case is not None:
        reason = gaps.dtype_gap(case.dtypes)
        if reason is None:
            reason = gaps.op_gap(case.op, case.id, gradient=area == "gradients")
        if reason is not None:
            return reason
    op = params.get("op")
    if isinstance(op, str):
        reason = gaps.op_gap(op, gradient=area == "gradients")
        if reason is not None:
            return reason
    dtypes = params.get("dtypes")
    if isinstance(dtypes, tuple):
        reason = gaps.dtype_gap(dtypes)
        if reason is not None:
            return reason
    return gaps.test_gap(item.name)


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    ours = [item for item in items if _area(item) is not None]
    if not ours:
        return
    name = backend_under_test(config)
    _load_or_exit(config, name)
    gaps = _gaps(config)
    label = gaps.path.name if gaps.path is not None else "gap file"
    for item in ours:
        params = getattr(getattr(item, "callspec", None), "params", {})
        case = params.get("case")
        op = case.op if case is not None else params.get("op")
        family = op.split(".")[0] if isinstance(op, str) else ""
        item.user_properties.append(("tholos_area", _area(item)))
        item.user_properties.append(("tholos_family", family))
        reason = gap_reason(item, gaps)
        if reason is not None:
            item.add_marker(pytest.mark.xfail(reason=f"known gap ({label}): {reason}", strict=True))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):
    if _area(item) is None:
        yield
        return
    from tholos_conformance import compare

    compare.RECORDS.clear()
    try:
        yield
    finally:
        item.user_properties.append(("tholos_records", list(compare.RECORDS)))
        compare.RECORDS.clear()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    props = dict(report.user_properties)
    area = props.get("tholos_area")
    if area is None:
        return
    outcome = None
    if report.when == "call":
        if report.passed:
            outcome = "passed"
        elif report.failed:
            outcome = "failed"
        else:
            outcome = "gap" if hasattr(report, "wasxfail") else "skipped"
    elif report.when == "setup" and not report.passed:
        if report.failed:
            outcome = "failed"
        else:
            outcome = "gap" if hasattr(report, "wasxfail") else "skipped"
    elif report.when == "teardown" and report.failed:
        outcome = "failed"
    if outcome is None:
        return
    state = _CURRENT.get("state")
    if state is None:
        return
    state.ran = True
    row = state.counts.setdefault(area, dict.fromkeys(("passed", "gap", "failed", "skipped"), 0))
    row[outcome] += 1
    for record in props.get("tholos_records", []):
        state.records.append(record)


_CURRENT: dict[str, _State] = {}


def pytest_sessionstart(session: pytest.Session) -> None:
    _CURRENT["state"] = session.config.stash[_STATE_KEY]


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    state = config.stash[_STATE_KEY]
    if not state.ran:
        return
    report_path = config.getoption("--tholos-report")
    if not (report_path or config.getoption("--tholos-backend")):
        return
    name = backend_under_test(config)
    text = _write_report(
        Path(report_path) if report_path else None,
        name,
        config.getoption("--tholos-device"),
        state.counts,
        state.records,
    )
    terminalreporter.write_sep("=", "tholos conformance report")
    terminalreporter.write_line(text)


def _family_worst(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    worst: dict[str, dict[str, Any]] = {}
    for r in records:
        fam = worst.setdefault(r["family"], {"n": 0, "abs": (0.0, ""), "rel": (0.0, "")})
        fam["n"] += 1
        where = f"{r['op']} ({r.get('dtype')}, {r.get('kind')})"
        if r["worst_abs"] > fam["abs"][0]:
            fam["abs"] = (r["worst_abs"], where)
        if r["worst_rel"] > fam["rel"][0] and r["worst_rel"] != float("inf"):
            fam["rel"] = (r["worst_rel"], where)
    return worst


def render_report(
    name: str,
    device: str,
    counts: dict[str, dict[str, int]],
    records: list[dict[str, Any]],
    status: str = "loaded",
) -> str:
    """The markdown report of one run."""
    lines = [f"## tholos conformance: backend `{name}` on {device} ({status})", ""]
    if counts:
        lines += [
            "| backend | area | passed | gap | failed | skipped |",
            "| --- | --- | ---: | ---: | ---: | ---: |",
        ]
        order = [a for a in _AREAS if a in counts] + sorted(set(counts) - set(_AREAS))
        for area in order:
            c = counts[area]
            lines.append(
                f"| {name} | {area} | {c['passed']} | {c['gap']} | {c['failed']} | {c['skipped']} |"
            )
        total = {
            k: sum(c[k] for c in counts.values()) for k in ("passed", "gap", "failed", "skipped")
        }
        lines.append(
            f"| {name} | **total** | {total['passed']} | {total['gap']} | "
            f"{total['failed']} | {total['skipped']} |"
        )
    worst = _family_worst(records)
    if worst:
        lines += [
            "",
            "Worst error per op family (all value comparisons, forward and gradient):",
            "",
            "| family | comparisons | worst abs error | where | worst rel error | where |",
            "| --- | ---: | ---: | --- | ---: | --- |",
        ]
        for fam in sorted(worst):
            w = worst[fam]
            lines.append(
                f"| {fam} | {w['n']} | {w['abs'][0]:.3g} | {w['abs'][1]} | "
                f"{w['rel'][0]:.3g} | {w['rel'][1]} |"
            )
    return "\n".join(lines) + "\n"


def _write_report(
    path: Path | None,
    name: str,
    device: str,
    counts: dict[str, dict[str, int]],
    records: list[dict[str, Any]],
    status: str = "loaded",
) -> str:
    text = render_report(name, device, counts, records, status)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        worst = {
            k: {"comparisons": v["n"], "worst_abs": list(v["abs"]), "worst_rel": list(v["rel"])}
            for k, v in _family_worst(records).items()
        }
        Path(str(path) + ".json").write_text(
            json.dumps(
                {
                    "backend": name,
                    "device": device,
                    "status": status,
                    "counts": counts,
                    "worst": worst,
                },
                indent=1,
            )
        )
    return text


# -- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def tholos_backend_name(pytestconfig: pytest.Config) -> str:
    """The name of the backend under test."""
    return backend_under_test(pytestconfig)


@pytest.fixture(scope="session")
def tholos_device(pytestconfig: pytest.Config) -> str:
    """``"cpu"`` or ``"gpu"``: where the backend under test runs."""
    return pytestconfig.getoption("--tholos-device")


@pytest.fixture(scope="session")
def tholos_grad_reference(pytestconfig: pytest.Config) -> str:
    return pytestconfig.getoption("--tholos-grad-reference")


@pytest.fixture(scope="session")
def tholos_gaps(pytestconfig: pytest.Config) -> Any:
    """The :class:`tholos_conformance.gaps.Gaps` of the backend under test."""
    return _gaps(pytestconfig)
