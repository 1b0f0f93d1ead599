"""Generated cases for reductions (``axis``/``keepdims`` ops) and hand-written ones for the
reductions with other signatures (average, quantile, trace, trapezoid, corrcoef, cumulative)."""

from __future__ import annotations

from tholos_conformance.cases._registry import A, Inputs, add, each_dtype
from tholos_conformance.compare import op_spec

# op -> (domain, dtype kinds, empty inputs allowed, takes keepdims, axis: "tuple" or "int")
REDUCTIONS: dict[str, tuple[str, str, bool, bool, str]] = {
    "numpy.all": ("grid", "fib", True, True, "tuple"),
    "numpy.any": ("grid", "fib", True, True, "tuple"),
    "numpy.amax": ("real", "fi", False, True, "tuple"),
    "numpy.amin": ("real", "fi", False, True, "tuple"),
    "numpy.max": ("real", "fi", False, True, "tuple"),
    "numpy.min": ("real", "fi", False, True, "tuple"),
    "numpy.argmax": ("real", "fi", False, True, "int"),
    "numpy.argmin": ("real", "fi", False, True, "int"),
    "numpy.count_nonzero": ("grid", "fib", True, False, "tuple"),
    "numpy.mean": ("real", "fi", False, True, "tuple"),
    "numpy.median": ("real", "f", False, True, "tuple"),
    "numpy.nanmax": ("real", "f", False, True, "tuple"),
    "numpy.nanmin": ("real", "f", False, True, "tuple"),
    "numpy.nansum": ("real", "fi", True, True, "tuple"),
    "numpy.prod": ("real", "fi", True, True, "tuple"),
    "numpy.ptp": ("real", "fi", False, True, "tuple"),
    "numpy.std": ("real", "f", False, True, "tuple"),
    "numpy.var": ("real", "f", False, True, "tuple"),
    "numpy.sum": ("real", "fib", True, True, "tuple"),
    "math.logsumexp": ("real", "f", False, True, "tuple"),
}

_KIND_DTYPES = {
    "f": ("float32", "float64", "float16", "bfloat16"),
    "i": ("int32", "uint8"),
    "b": ("bool",),
}


def _axis_variants(axis_kind: str, keepdims: bool):
    out = [("all", {}), ("axis1", {"axis": 1}), ("axis-1", {"axis": -1})]
    if axis_kind == "tuple":
        out.append(("axes02", {"axis": (0, 2)}))
    if keepdims:
        out.append(("axis1-keep", {"axis": 1, "keepdims": True}))
    return out


def _generated() -> None:
    for op, (domain, kinds, allow_empty, keepdims, axis_kind) in REDUCTIONS.items():
        spec = op_spec(op)
        dtypes = [d for k in kinds for d in _KIND_DTYPES[k]]
        for dtype in dtypes:
            variants = (
                _axis_variants(axis_kind, keepdims)
                if dtype == "float32"
                else [("axis1", {"axis": 1})]
            )
            for vid, kw in variants:
                g = Inputs(f"{op}/{dtype}/{vid}")
                grad = spec.differentiable and dtype in ("float32", "float64") and vid == "axis1"
                add(
                    op,
                    A(g.arr((2, 3, 4), dtype, domain), **kw),
                    id=f"{dtype}-{vid}",
                    dtypes=(dtype,),
                    grad=grad,
                )
            if dtype in ("float32", "float64") and spec.differentiable:
                g = Inputs(f"{op}/{dtype}/all-grad")
                add(
                    op,
                    A(g.arr((3, 4), dtype, domain)),
                    id=f"{dtype}-all-grad",
                    dtypes=(dtype,),
                    grad=True,
                )
            if dtype == "float32":
                g = Inputs(f"{op}/{dtype}/0d")
                add(op, A(g.arr((), dtype, domain)), id=f"{dtype}-0d", dtypes=(dtype,))
                if allow_empty:
                    add(op, A(g.arr((0, 3), dtype, domain)), id=f"{dtype}-empty", dtypes=(dtype,))
                    add(
                        op,
                        A(g.arr((0, 3), dtype, domain), axis=0),
                        id=f"{dtype}-empty-axis0",
                        dtypes=(dtype,),
                    )


def _special() -> None:
    # NaN-skipping reductions see NaNs.
    for op in ("numpy.nanmax", "numpy.nanmin", "numpy.nansum"):
        g = Inputs(op + "/nan")
        x = g.arr((3, 4), "float32")
        x[0, 1] = x[2, 3] = float("nan")
        add(op, A(x, axis=1), id="float32-nan", dtypes=("float32",))
    for initial_op in ("numpy.max", "numpy.min"):
        g = Inputs(initial_op + "/initial")
        add(
            initial_op,
            A(g.arr((2, 3), "float32"), axis=0, initial=0.5),
            id="float32-initial",
            dtypes=("float32",),
        )
        add(
            initial_op,
            A(g.arr((0, 3), "float32"), axis=0, initial=0.5),
            id="float32-empty-initial",
            dtypes=("float32",),
        )
    add(
        "numpy.prod",
        A(Inputs("prod").arr((2, 3), "int8"), dtype="int32"),
        id="int8-dtype",
        dtypes=("int8",),
    )
    for op in ("numpy.cumsum", "numpy.cumprod"):
        domain = "pos" if "prod" in op else "real"
        each_dtype(op, lambda g, d, dom=domain: A(g.arr((2, 3, 4), d, dom), axis=1), id="axis1")
        each_dtype(op, lambda g, d, dom=domain: A(g.arr((2, 3), d, dom)), id="flat")
        each_dtype(
            op,
            lambda g, d: A(g.arr((2, 3), d)),
            dtypes=("int32", "bool", "float16"),
            grad=False,
            id="axis0",
        )
        add(
            op,
            A(Inputs(op).arr((0, 3), "float32"), axis=0),
            id="float32-empty",
            dtypes=("float32",),
        )
        add(
            op,
            A(Inputs(op).arr((2, 3), "int32"), axis=1, dtype="float32"),
            id="int32-dtype",
            dtypes=("int32",),
        )
    each_dtype("numpy.average", lambda g, d: A(g.arr((3, 4), d)), id="plain")
    each_dtype(
        "numpy.average",
        lambda g, d: A(g.arr((3, 4), d), axis=1, weights=g.arr((4,), d, "pos")),
        id="weights",
    )
    each_dtype(
        "numpy.average",
        lambda g, d: A(g.arr((3, 4), d), axis=0, weights=g.arr((3, 4), d, "pos")),
        id="weights2d",
    )
    add(
        "numpy.average",
        A(Inputs("avg-int").arr((3, 4), "int32"), axis=0),
        id="int32",
        dtypes=("int32",),
    )
    each_dtype("numpy.corrcoef", lambda g, d: A(g.arr((3, 6), d)))
    for method in ("linear", "lower", "higher", "midpoint", "nearest"):
        each_dtype(
            "numpy.quantile",
            lambda g, d, m=method: A(g.arr((3, 7), d), 0.3, axis=1, method=m),
            id=method,
            grad=method == "linear",
        )
    each_dtype(
        "numpy.quantile",
        lambda g, d: A(g.arr((3, 5), d), g.arr((3,), d, "prob"), keepdims=True),
        id="q-vector",
        grad_argnums=(0,),
    )
    each_dtype("numpy.trace", lambda g, d: A(g.arr((3, 4), d)), id="plain")
    each_dtype(
        "numpy.trace", lambda g, d: A(g.arr((2, 3, 4), d), offset=1, axis1=1, axis2=2), id="offset"
    )
    add("numpy.trace", A(Inputs("trace-int").arr((3, 3), "int32")), id="int32", dtypes=("int32",))
    each_dtype("numpy.trapezoid", lambda g, d: A(g.arr((3, 5), d)), id="dx")
    each_dtype("numpy.trapezoid", lambda g, d: A(g.arr((3, 5), d), dx=0.5, axis=0), id="axis0")
    each_dtype(
        "numpy.trapezoid",
        lambda g, d: A(g.arr((3, 5), d), x=g.arr((5,), d).cumsum()),
        id="x",
        grad_argnums=(0,),
    )
    g = Inputs("logsumexp-inf")
    x = g.arr((2, 3), "float32")
    x[0, :] = -float("inf")
    add("math.logsumexp", A(x, axis=1), id="float32-all-neginf-row", dtypes=("float32",))


_generated()
_special()
