"""Markdown tables from a results record (see ``benchmarks.__main__``)."""

from __future__ import annotations

import statistics

CASE_LABELS = {
    "fit": "fit step",
    "evaluate": "evaluate step",
    "predict": "predict step",
    "call1": "model(x), 1 sample",
    "predict1": "predict, 1 sample",
}
NATIVE_TARGET = {"fit": 1.05, "call1": 1.3, "predict1": 1.3}
IMPORT_BUDGET_S = 0.3
MEMORY_BUDGET_MB = 5.0  # growth over 190 fit() calls still counted as noise


def _ms(x: float | None) -> str:
    return "—" if x is None else f"{1e3 * x:.2f}"


def _ratio(a: float | None, b: float | None, target: float | None = None) -> str:
    if a is None or b is None:
        return "—"
    r = a / b
    if target is None:
        return f"{r:.2f}"
    return f"{r:.2f} {'✓' if r <= target else '✗'}"


def _spread(ts: list[float]) -> str:
    if len(ts) < 2:
        return ""
    med = statistics.median(ts)
    return f" ±{100 * (max(ts) - min(ts)) / 2 / med:.0f}%"


def markdown(record: dict) -> str:
    if record["kind"] == "memory":
        return memory_markdown(record)
    s, m = record["settings"], record["machine"]
    lines = [
        f"# tholos benchmarks ({record['device']}, {record['date']})",
        "",
        f"Machine: {m.get('cpu', m['machine'])}, {m['cpu_count']} logical CPUs, "
        f"{m.get('memory', '?')}; {m['platform']}; load average at start "
        f"{_load(m.get('loadavg_start'))}, at end {_load(m.get('loadavg_end'))}.",
        f"Settings: {s['repeats']} interleaved repeats of {s['steps']} batches (fit/evaluate/"
        f"predict) or {s['inner']} calls (one-sample cases), {s['warmup']} warm-up block(s) "
        f"excluded, seed {s['seed']}, threads {s['threads'] or 'framework defaults'}"
        f"{' (quick mode)' if s['quick'] else ''}. Wall time {record.get('wall_s', 0):.0f} s.",
        "",
        "Times are medians over the repeats, in milliseconds per batch (fit/evaluate/predict) "
        "or per call (one sample); ± is half the range over the repeats. Ratio targets: "
        "tholos/native ≤ 1.05 for fit steps and ≤ 1.3 for one-sample calls; tholos/Keras ≤ 1.",
    ]
    by_key = {(r["backend"], r["workload"], r["case"], r["party"]): r for r in record["results"]}
    backends = list(dict.fromkeys(r["backend"] for r in record["results"]))
    backends += [
        b for b in dict.fromkeys(i["backend"] for i in record["imports"]) if b not in backends
    ]
    for backend in backends:
        lines += ["", f"## {backend}", ""]
        lines += [
            "| workload | case | batch | tholos (ms) | native (ms) | Keras 3 (ms) "
            "| tholos/native | tholos/Keras |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        seen = {}
        for r in record["results"]:
            if r["backend"] == backend:
                seen.setdefault((r["workload"], r["case"]), r)
        workload_order = list(dict.fromkeys(w for w, _ in seen))
        case_order = list(CASE_LABELS)
        for key in sorted(seen, key=lambda k: (workload_order.index(k[0]), case_order.index(k[1]))):
            r = seen[key]
            cells = {}
            for party in ("tholos", "native", "keras"):
                hit = by_key.get((backend, r["workload"], r["case"], party))
                cells[party] = hit
            med = {p: (c["median_s"] if c else None) for p, c in cells.items()}
            txt = {p: (_ms(med[p]) + _spread(c["seconds"]) if c else "—") for p, c in cells.items()}
            lines.append(
                f"| {r['workload']} | {CASE_LABELS[r['case']]} | {r['batch_size']} "
                f"| {txt['tholos']} | {txt['native']} | {txt['keras']} "
                f"| {_ratio(med['tholos'], med['native'], NATIVE_TARGET.get(r['case']))} "
                f"| {_ratio(med['tholos'], med['keras'], 1.0)} |"
            )
        imports = {i["what"]: i for i in record["imports"] if i["backend"] == backend}
        if imports:
            fw = imports.get("framework", {}).get("median_s")
            th = imports.get("tholos", {}).get("median_s")
            kr = imports.get("keras", {}).get("median_s")
            extra = (
                "—"
                if fw is None or th is None
                else (f"{th - fw:+.2f} {'✓' if th - fw <= IMPORT_BUDGET_S else '✗'}")
            )
            lines += [
                "",
                "| import (fresh process) | framework (s) | tholos + backend (s) | Keras 3 (s) "
                "| tholos - framework (s, target ≤ +0.30) | tholos/Keras |",
                "| --- | ---: | ---: | ---: | ---: | ---: |",
                f"| `{imports.get('framework', {}).get('code', '')}` "
                f"| {_s(fw)} | {_s(th)} | {_s(kr)} | {extra} | {_ratio(th, kr, 1.0)} |",
            ]
    if record["unavailable"]:
        lines += ["", "Not measured:", ""]
        lines += [f"- {k}: {v}" for k, v in record["unavailable"].items()]
    lines += ["", "Workers (versions, threads):", ""]
    for key, info in record["workers"].items():
        keep = {k: v for k, v in info.items() if k not in ("executable",)}
        lines.append(f"- {key}: `{keep}`")
    return "\n".join(lines) + "\n"


def _s(x):
    return "—" if x is None else f"{x:.2f}"


def _load(v):
    return "?" if not v else "/".join(f"{x:.2f}" for x in v)


def memory_stats(rss: list[int], skip: int = 10) -> dict:
    """Growth after the first ``skip`` calls (allocator and caches warm up there), and the
    least-squares slope in KB per call over the same range."""
    tail = rss[skip:] if len(rss) > skip + 2 else rss
    n = len(tail)
    xs = range(n)
    mx, my = (n - 1) / 2, sum(tail) / n
    sxx = sum((x - mx) ** 2 for x in xs) or 1.0
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, tail)) / sxx
    return {
        "rss_first_mb": rss[0] / 2**20,
        "rss_after_warmup_mb": tail[0] / 2**20,
        "rss_last_mb": rss[-1] / 2**20,
        "growth_mb": (tail[-1] - tail[0]) / 2**20,
        "ratio": tail[-1] / tail[0],
        "slope_kb_per_call": slope / 1024,
    }


def memory_markdown(record: dict) -> str:
    s, m = record["settings"], record["machine"]
    lines = [
        f"# tholos memory check ({record['device']}, {record['date']})",
        "",
        f"Machine: {m.get('cpu', m['machine'])}, {m['cpu_count']} logical CPUs. "
        f"{s['calls']} consecutive `fit()` calls (1 epoch of {s['memory_steps']} batches of 32) "
        "on an MLP 16 -> 64 -> 64 -> 1; resident set size after each call. Growth and slope "
        "are measured after the first 10 calls (allocators and caches settle there).",
        "",
        "| backend | party | RSS after call 1 (MB) | after call 10 (MB) | last (MB) "
        f"| growth (MB, target ≤ {MEMORY_BUDGET_MB:g}) | last/after-10 | slope (KB/call) "
        "| s per fit |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in record["runs"]:
        lines.append(
            f"| {r['backend']} | {r['party']} | {r['rss_first_mb']:.1f} "
            f"| {r['rss_after_warmup_mb']:.1f} | {r['rss_last_mb']:.1f} | {r['growth_mb']:+.1f} "
            f"{'✓' if r['growth_mb'] <= MEMORY_BUDGET_MB else '✗'} "
            f"| {r['ratio']:.3f} | {r['slope_kb_per_call']:+.1f} "
            f"| {r['seconds'] / len(r['rss']):.3f} |"
        )
    if record["unavailable"]:
        lines += ["", "Not measured:", ""]
        lines += [f"- {k}: {v}" for k, v in record["unavailable"].items()]
    return "\n".join(lines) + "\n"
