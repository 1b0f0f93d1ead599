"""``python -m benchmarks``: tholos against hand-written native code and Keras 3, per backend.

    python -m benchmarks --quick                               # smoke run, < 3 minutes
    python -m benchmarks --backends torch jax \\
        --python-for jax=/path/to/jaxvenv/bin/python \\
        --python-for keras-torch=/path/to/kerasvenv/bin/python
    python -m benchmarks memory --backends torch               # 200 fit() calls, RSS slope
    python -m benchmarks --device gpu                          # on the first CUDA device
    python -m benchmarks report benchmarks/results/X.json      # the tables of a saved run

Each party (tholos, native, keras) of a backend runs in its own worker process, under the
interpreter ``--python-for`` names (``PARTY-BACKEND=PATH``, ``BACKEND=PATH`` or
``PARTY=PATH``; default: this interpreter). Workers are built and warmed up first; then the
runner asks them for one timed block each in turn, rotating the order every repeat, so that
machine drift lands on every party alike. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import _report
from benchmarks._workloads import WORKLOADS

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
BACKENDS = ("numpy", "torch", "jax", "tensorflow")
PARTIES = ("tholos", "native", "keras")
NO_NATIVE = {"numpy"}  # no hand-written training loop to compare with
NO_KERAS = {"numpy"}  # Keras 3's NumPy backend cannot train

FRAMEWORK_IMPORT = {
    "numpy": "import numpy, autograd",
    "torch": "import torch",
    "jax": "import jax",
    "tensorflow": "import tensorflow",
}
PARTY_IMPORT = {
    "tholos": "import tholos; tholos.backend.backend()",  # loads the backend (and framework)
    "keras": "import keras",
}


# ----------------------------------------------------------------------------- processes


def interpreter(args, party: str, backend: str) -> str:
    table = dict(item.split("=", 1) for item in args.python_for)
    for key in (f"{party}-{backend}", backend, party):
        if key in table:
            return table[key]
    return sys.executable


def worker_env(args, backend: str) -> dict:
    env = dict(os.environ)
    env["THOLOS_BACKEND"] = backend
    env["KERAS_BACKEND"] = backend
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if args.device == "cpu":
        env["CUDA_VISIBLE_DEVICES"] = ""
        env["JAX_PLATFORMS"] = "cpu"
    if args.threads:
        n = str(args.threads)
        for key in (
            "OMP_NUM_THREADS",
            "MKL_NUM_THREADS",
            "OPENBLAS_NUM_THREADS",
            "TF_NUM_INTRAOP_THREADS",
        ):
            env[key] = n
        flag = f"--xla_cpu_multi_thread_eigen={'false' if args.threads == 1 else 'true'}"
        env["XLA_FLAGS"] = " ".join(filter(None, [env.get("XLA_FLAGS"), flag]))
    return env


_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit)\b.*")


def _error_line(stderr: str, returncode: int | None) -> str:
    """The exception line of a worker's traceback (else its last line)."""
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    hits = [ln for ln in lines if _EXCEPTION_LINE.match(ln)]
    line = hits[-1] if hits else (lines[-1] if lines else f"exit code {returncode}")
    return line[:300]


class Worker:
    """A party's worker process; ``request(case)`` returns seconds per unit."""

    def __init__(self, args, party: str, backend: str, spec: dict):
        self.party, self.backend = party, backend
        self.log = tempfile.TemporaryFile(mode="w+")
        full = dict(spec, party=party, backend=backend)
        self.proc = subprocess.Popen(
            [interpreter(args, party, backend), "-m", "benchmarks._worker", json.dumps(full)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            cwd=ROOT,
            env=worker_env(args, backend),
        )
        self.ready: dict | None = None
        self.error: str | None = None

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            self.log.seek(0)
            raise RuntimeError(_error_line(self.log.read(), self.proc.returncode))
        return json.loads(line)

    def wait_ready(self) -> bool:
        try:
            self.ready = self._read()
        except RuntimeError as err:
            self.error = str(err)
        return self.error is None

    def request(self, case: str) -> float:
        self.proc.stdin.write(json.dumps({"case": case}) + "\n")
        self.proc.stdin.flush()
        return self._read()["seconds"]

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write(json.dumps({"quit": True}) + "\n")
                self.proc.stdin.close()
                self.proc.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self.log.close()


# ----------------------------------------------------------------------------- measurements


def parties_for(args, backend: str) -> list[str]:
    out = []
    for party in args.parties:
        if party == "native" and backend in NO_NATIVE:
            continue
        if party == "keras" and backend in NO_KERAS:
            continue
        out.append(party)
    return out


def run_workload(args, backend: str, name: str, record: dict) -> None:
    workload = WORKLOADS[name]
    spec = {
        "workload": name,
        "steps": args.steps,
        "inner": args.inner,
        "device": args.device,
        "seed": args.seed,
        "warmup": args.warmup,
        "threads": args.threads,
    }
    parties = parties_for(args, backend)
    if backend == "numpy" and name != "mlp" and not args.numpy_all:
        return  # the float64-exact reference is not a speed contender; keep its run short
    workers = [Worker(args, party, backend, spec) for party in parties]  # start in parallel
    live = []
    for w in workers:
        ok = w.wait_ready()
        key = f"{w.party}-{backend}"
        if ok:
            live.append(w)
            record["workers"].setdefault(key, w.ready["info"])
            for case, err in w.ready.get("failed", {}).items():
                record["unavailable"][f"{key}/{name}/{case}"] = err
                print(f"  {key} {name} {case}: failed ({err})", file=sys.stderr)
            record["first_block"][f"{key}/{name}"] = {
                "build_s": w.ready["build_s"],
                **w.ready["first_block_per_unit_s"],
            }
        else:
            record["unavailable"][f"{key}/{name}"] = w.error
            w.close()
            print(f"  {key} {name}: unavailable ({w.error})", file=sys.stderr)
    times = {(w.party, case): [] for w in live for case in workload.cases}
    try:
        for rep in range(args.repeats):
            order = live[rep % max(len(live), 1) :] + live[: rep % max(len(live), 1)]
            for case in workload.cases:
                for w in order:
                    if case not in w.ready.get("failed", {}):
                        times[(w.party, case)].append(w.request(case))
    except RuntimeError as err:
        print(f"  {backend} {name}: a worker failed ({err})", file=sys.stderr)
        record["unavailable"][f"{backend}/{name}"] = f"failed while timing: {err}"
    finally:
        for w in live:
            w.close()
    for (party, case), ts in times.items():
        if ts:
            record["results"].append(
                {
                    "backend": backend,
                    "workload": name,
                    "case": case,
                    "party": party,
                    "unit": "one batch" if case in ("fit", "evaluate", "predict") else "one call",
                    "batch_size": workload.batch_size
                    if case in ("fit", "evaluate", "predict")
                    else 1,
                    "seconds": ts,
                    "median_s": statistics.median(ts),
                }
            )
    summary = ", ".join(
        f"{p}/{c} {1e3 * statistics.median(ts):.2f} ms" for (p, c), ts in times.items() if ts
    )
    print(f"  {backend} {name}: {summary}", file=sys.stderr)


def _time_import(python: str, code: str, env: dict) -> float | str:
    program = (
        "import time; _t = time.perf_counter()\n"
        + code.replace("; ", "\n")
        + "\nprint(repr(time.perf_counter() - _t))"
    )
    done = subprocess.run(
        [python, "-c", program], capture_output=True, text=True, env=env, cwd=tempfile.gettempdir()
    )
    if done.returncode:
        return _error_line(done.stderr, done.returncode)
    return float(done.stdout.strip().splitlines()[-1])


def run_imports(args, backend: str, record: dict) -> None:
    env = worker_env(args, backend)
    env["PYTHONPATH"] = env["PYTHONPATH"].replace(str(ROOT), "").strip(os.pathsep)
    rows = {"framework": (interpreter(args, "native", backend), FRAMEWORK_IMPORT[backend])}
    rows["tholos"] = (interpreter(args, "tholos", backend), PARTY_IMPORT["tholos"])
    if backend not in NO_KERAS and "keras" in args.parties:
        rows["keras"] = (interpreter(args, "keras", backend), PARTY_IMPORT["keras"])
    times: dict[str, list[float]] = {k: [] for k in rows}
    errors: dict[str, str] = {}
    for rep in range(args.import_repeats):
        keys = list(rows)
        keys = keys[rep % len(keys) :] + keys[: rep % len(keys)]
        for key in keys:
            if key in errors:
                continue
            t = _time_import(*rows[key], env)
            if isinstance(t, str):
                errors[key] = t
            else:
                times[key].append(t)
    for key, ts in times.items():
        if ts:
            record["imports"].append(
                {
                    "backend": backend,
                    "what": key,
                    "python": rows[key][0],
                    "code": rows[key][1],
                    "seconds": ts,
                    "median_s": statistics.median(ts),
                }
            )
    for key, err in errors.items():
        record["unavailable"][f"import-{key}-{backend}"] = err
    print(
        f"  {backend} import: "
        + ", ".join(f"{k} {statistics.median(v):.2f} s" for k, v in times.items() if v),
        file=sys.stderr,
    )


def machine() -> dict:
    out = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                out["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                out["memory"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    if hasattr(os, "getloadavg"):
        out["loadavg_start"] = os.getloadavg()
    return out


# ----------------------------------------------------------------------------- commands


def cmd_run(args) -> dict:
    record = {
        "kind": "speed",
        "date": _dt.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "device": args.device,
        "settings": vars(args).copy(),
        "workers": {},
        "first_block": {},
        "unavailable": {},
        "results": [],
        "imports": [],
    }
    started = time.perf_counter()
    for backend in args.backends:
        print(f"backend {backend}", file=sys.stderr)
        if not args.no_imports:
            run_imports(args, backend, record)
        for name in args.workloads:
            run_workload(args, backend, name, record)
    record["wall_s"] = time.perf_counter() - started
    if hasattr(os, "getloadavg"):
        record["machine"]["loadavg_end"] = os.getloadavg()
    return record


def cmd_memory(args) -> dict:
    record = {
        "kind": "memory",
        "date": _dt.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "device": args.device,
        "settings": vars(args).copy(),
        "runs": [],
        "unavailable": {},
    }
    spec = {
        "mode": "memory",
        "workload": "mlp",
        "steps": args.memory_steps,
        "calls": args.calls,
        "device": args.device,
        "seed": args.seed,
    }
    for backend in args.backends:
        for party in [p for p in args.parties if p != "native"]:
            if party == "keras" and backend in NO_KERAS:
                continue
            w = Worker(args, party, backend, spec)
            try:
                result = w._read()
            except RuntimeError as err:
                record["unavailable"][f"{party}-{backend}"] = str(err)
                print(f"  {party}-{backend}: unavailable ({err})", file=sys.stderr)
                continue
            finally:
                w.close()
            result.update(_report.memory_stats(result["rss"]), backend=backend, party=party)
            record["runs"].append(result)
            print(
                f"  {party}-{backend}: growth {result['growth_mb']:+.1f} MB over "
                f"{args.calls} fits, slope {result['slope_kb_per_call']:+.1f} KB/call",
                file=sys.stderr,
            )
    return record


def parse(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n", 2)[2],
    )
    parser.add_argument("command", nargs="?", default="run", choices=("run", "memory", "report"))
    parser.add_argument("json", nargs="?", help="report: a results .json to print again")
    parser.add_argument(
        "--backends",
        nargs="+",
        default=None,
        choices=BACKENDS,
        help="default: torch jax tensorflow numpy",
    )
    parser.add_argument("--workloads", nargs="+", default=list(WORKLOADS), choices=WORKLOADS)
    parser.add_argument("--parties", nargs="+", default=list(PARTIES), choices=PARTIES)
    parser.add_argument(
        "--python-for",
        action="append",
        default=[],
        metavar="KEY=PYTHON",
        help="interpreter for a party: KEY is PARTY-BACKEND (keras-torch), "
        "BACKEND (jax) or PARTY (keras); repeatable",
    )
    parser.add_argument("--device", choices=("cpu", "gpu"), default="cpu")
    parser.add_argument("--quick", action="store_true", help="few steps and repeats (smoke)")
    parser.add_argument("--repeats", type=int, default=None, help="timed blocks per party/case")
    parser.add_argument("--steps", type=int, default=None, help="batches per fit/eval block")
    parser.add_argument("--inner", type=int, default=None, help="one-sample calls per block")
    parser.add_argument("--warmup", type=int, default=1, help="untimed blocks per case")
    parser.add_argument("--import-repeats", type=int, default=None)
    parser.add_argument("--no-imports", action="store_true")
    parser.add_argument(
        "--numpy-all",
        action="store_true",
        help="run every workload on the numpy backend (default: mlp only)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="set OMP/MKL/TF/torch/XLA thread counts in every worker",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--calls", type=int, default=200, help="memory: fit() calls")
    parser.add_argument("--memory-steps", type=int, default=4, help="memory: batches per fit")
    parser.add_argument("--out", default=None, help="results basename (default: timestamped)")
    args = parser.parse_args(argv)
    if args.backends is None:
        args.backends = ["torch", "jax", "tensorflow", "numpy"]
    quick = args.quick
    for name, full, small in (
        ("repeats", 7, 3),
        ("steps", 10, 2),
        ("inner", 20, 5),
        ("import_repeats", 5, 2),
    ):
        if getattr(args, name) is None:
            setattr(args, name, small if quick else full)
    return args


def main(argv=None) -> None:
    args = parse(argv)
    if args.command == "report":
        print(_report.markdown(json.loads(Path(args.json).read_text())))
        return
    record = cmd_memory(args) if args.command == "memory" else cmd_run(args)
    RESULTS.mkdir(exist_ok=True)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    base = RESULTS / (args.out or f"{args.command}-{args.device}-{stamp}")
    text = _report.markdown(record)
    Path(f"{base}.json").write_text(json.dumps(record, indent=1) + "\n")
    Path(f"{base}.md").write_text(text)
    print(text)
    print(f"\nwritten: {base}.md, {base}.json", file=sys.stderr)


if __name__ == "__main__":
    main()
