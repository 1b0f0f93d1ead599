"""The one comparison helper: a backend's op against the float64 NumPy reference.

:func:`assert_op_matches` runs an op on the backend under test and on the reference and
checks, output by output: the structure, the shape, the dtype (what
:func:`tholos.backend.dtypes.result_type`'s rules give, i.e. the reference's dtype for the
tested input dtypes), the values (within the op's tolerance tier, see
:mod:`tholos_conformance.tolerances`) and, optionally, the gradients.

Gradients: every float32/float64 input leaf becomes a ``tholos.Variable`` of the backend under
test, and the backend's own trainer hook ``compute_gradients`` differentiates
``sum_i sum(output_i * cotangent_i)`` (fixed pseudo-random cotangents, one per float output).
The reference gradient is the NumPy backend's autodiff gradient in float64
(``grad_reference="autodiff"``) or float64 central differences (``"numeric"``; the default when
the backend under test *is* the reference, so that its gradients are not compared with
themselves).

A failure raises :class:`ConformanceError` (an ``AssertionError``) whose message names the
op, the backend and device, the inputs (shapes and dtypes), both results (abbreviated), and the
worst absolute and relative errors with the index where they occur.

>>> import numpy as np
import pytest
>>> x = np.linspace(-1, 1, 6, dtype="float32").reshape(2, 3)
>>> stats = assert_op_matches("numpy.sin", (x,), backend="numpy")
>>> stats["dtype"], stats["passed"]
('float32', True)
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

from tholos_conformance import runtime
from tholos_conformance.runtime import (
    BF16,
    backend_scope,
    describe,
    dtype_of,
    reference_scope,
    to_backend,
    to_dtype_probe,
    to_float64,
    to_numpy,
    tree_leaves,
    tree_map,
)
from tholos_conformance.tolerances import NUMERIC_GRADIENT_FLOOR, tolerance

RECORDS: list[dict[str, Any]] = []
"""Every comparison made since the plugin last cleared it (the report reads the worst errors)."""

_FLOAT_KINDS = ("float16", "bfloat16", "float32", "float64")


class ConformanceError(AssertionError):
    """A backend's result differs from the reference beyond tolerance."""


def resolve_op(op_name: str) -> Callable[..., Any]:
    """The public function for ``"family.name"`` (``tholos.ops.<family>`` or ``tholos.random``)."""
    import importlib

    family, _, name = op_name.rpartition(".")
    if not family:
        raise ValueError(f"op names are 'family.name', got {op_name!r}")
    module_name = "tholos.random" if family == "random" else f"tholos.ops.{family}"
    module = importlib.import_module(module_name)
    return getattr(module, name)


def op_spec(op_name: str) -> Any:
    from tholos.backend.contract import all_op_specs

    return all_op_specs()[op_name]


# -- formatting -----------------------------------------------------------------------------


def _abbrev(value: Any) -> str:
    if isinstance(value, np.ndarray):
        body = np.array2string(value, threshold=12, edgeitems=2, precision=7, separator=", ")
        body = " ".join(body.split())
        if len(body) > 160:
            body = body[:157] + "..."
        return f"{body} {value.dtype}{list(value.shape)}"
    text = repr(value)
    return text if len(text) <= 160 else text[:157] + "..."


def _describe_inputs(args: Sequence[Any], kwargs: dict[str, Any]) -> str:
    parts = []
    for i, arg in enumerate(args):
        parts.append(f"arg{i}=" + _describe_tree(arg))
    for key, value in kwargs.items():
        parts.append(f"{key}=" + _describe_tree(value))
    return ", ".join(parts) if parts else "(no arguments)"


def _describe_tree(tree: Any) -> str:
    if isinstance(tree, (list, tuple)) and not runtime.is_leaf_array(tree):
        inner = ", ".join(_describe_tree(t) for t in tree)
        return f"[{inner}]" if isinstance(tree, list) else f"({inner})"
    return describe(tree)


# -- value comparison -----------------------------------------------------------------------


def _as_real(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x)
    if x.dtype.kind == "c":
        return np.stack([x.real, x.imag], axis=-1).astype(np.float64)
    if x.dtype.kind == "b":
        return x.astype(np.int64)
    if x.dtype.kind in "iu":
        return x.astype(np.float64) if x.dtype.itemsize < 8 else x
    return x.astype(np.float64)


def compare_arrays(actual: Any, expected: Any, rtol: float, atol: float) -> dict[str, Any]:
    """Element-wise comparison: ``|a - r| <= atol * scale + rtol * |r|``.

    Returns statistics: ``ok``, ``worst_abs`` and ``worst_abs_index`` (with both values there),
    ``worst_rel`` and its index, ``mismatched`` (count) and ``scale``. NaNs must coincide;
    infinities must be equal.
    """
    a, r = _as_real(np.asarray(actual)), _as_real(np.asarray(expected))
    stats: dict[str, Any] = {"ok": True, "worst_abs": 0.0, "worst_rel": 0.0, "mismatched": 0}
    if a.shape != r.shape:
        stats.update(ok=False, reason=f"shape {a.shape} != reference shape {r.shape}")
        return stats
    if a.size == 0:
        stats["scale"] = 1.0
        return stats
    if a.dtype.kind in "iu" and r.dtype.kind in "iu":
        diff = np.abs(a.astype(object) - r.astype(object)).astype(np.float64)
        a, r = a.astype(np.float64), r.astype(np.float64)
    else:
        a, r = a.astype(np.float64), r.astype(np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            diff = np.abs(a - r)
        nan_a, nan_r = np.isnan(a), np.isnan(r)
        inf_same = np.isinf(a) & np.isinf(r) & (a == r)
        diff = np.where(nan_a & nan_r, 0.0, diff)
        diff = np.where(nan_a ^ nan_r, np.inf, diff)
        diff = np.where(inf_same, 0.0, diff)
        diff = np.where(np.isnan(diff), np.inf, diff)
    finite_r = np.abs(r[np.isfinite(r)])
    scale = max(1.0, float(finite_r.max())) if finite_r.size else 1.0
    allowed = atol * scale + rtol * np.where(np.isfinite(r), np.abs(r), 0.0)
    bad = diff > allowed
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(diff == 0, 0.0, diff / np.abs(r))
    abs_i = np.unravel_index(int(np.argmax(diff)), diff.shape)
    rel_i = np.unravel_index(int(np.argmax(np.where(np.isnan(rel), np.inf, rel))), rel.shape)
    stats.update(
        ok=not bool(bad.any()),
        mismatched=int(bad.sum()),
        size=int(bad.size),
        scale=scale,
        worst_abs=float(diff[abs_i]),
        worst_abs_index=tuple(int(i) for i in abs_i),
        worst_abs_values=(float(a[abs_i]), float(r[abs_i])),
        worst_rel=float(rel[rel_i]),
        worst_rel_index=tuple(int(i) for i in rel_i),
        worst_rel_values=(float(a[rel_i]), float(r[rel_i])),
    )
    return stats


def _format_stats(stats: dict[str, Any], rtol: float, atol: float) -> str:
    if "reason" in stats:
        return stats["reason"]
    a_abs, r_abs = stats["worst_abs_values"]
    a_rel, r_rel = stats["worst_rel_values"]
    return (
        f"worst abs error {stats['worst_abs']:.3g} at index {list(stats['worst_abs_index'])} "
        f"(backend {a_abs:.9g}, reference {r_abs:.9g}); worst rel error {stats['worst_rel']:.3g} "
        f"at index {list(stats['worst_rel_index'])} (backend {a_rel:.9g}, reference {r_rel:.9g})"
        f"; {stats['mismatched']} of {stats['size']} elements out of tolerance "
        f"rtol={rtol:g} atol={atol:g} (x scale {stats['scale']:.3g})"
    )


# -- running --------------------------------------------------------------------------------


def _call(fn: Callable[..., Any], call: Callable[..., Any] | None, args, kwargs) -> Any:
    if call is None:
        return fn(*args, **kwargs)
    return call(fn, *args, **kwargs)


def _run_backend(op_name, call, args, kwargs, backend, device, post):
    fn = resolve_op(op_name)
    with backend_scope(backend, device):
        b_args, b_kwargs = to_backend((list(args), dict(kwargs)))
        out = _call(fn, call, b_args, b_kwargs)
        dtypes = tree_map(dtype_of, out)
        values = to_numpy(out)
    if post is not None:
        values = post(values)
    return values, dtypes


def _expected_dtypes(op_name, call, args, kwargs):
    fn = resolve_op(op_name)
    (p_args, p_kwargs), substituted = to_dtype_probe((list(args), dict(kwargs)))
    with reference_scope():
        out = _call(fn, call, p_args, p_kwargs)
        dtypes = tree_map(dtype_of, out)
    if substituted:
        dtypes = tree_map(lambda d: "bfloat16" if d == "float16" else d, dtypes)
    return dtypes


def _has_bfloat16(tree: Any) -> bool:
    found = []
    tree_map(lambda leaf: found.append(isinstance(leaf, runtime.BF16)), tree)
    return any(found)


def _run_reference(op_name, call, args, kwargs, post, same_dtype: bool):
    fn = resolve_op(op_name)
    tree = (list(args), dict(kwargs))
    r_args, r_kwargs = tree if same_dtype else to_float64(tree)
    with reference_scope():
        out = _call(fn, call, r_args, r_kwargs)
        values = to_numpy(out)
    if post is not None:
        values = post(values)
    return values


def _structure(tree: Any) -> Any:
    """The nesting of ``tree`` (tuples and lists count as the same kind of sequence)."""
    if isinstance(tree, (list, tuple)) and not runtime.is_leaf_array(tree):
        return [_structure(t) for t in tree]
    if isinstance(tree, dict):
        return {k: _structure(v) for k, v in tree.items()}
    return 0


def _seq_as_list(tree: Any) -> Any:
    if isinstance(tree, (list, tuple)) and not runtime.is_leaf_array(tree):
        return [_seq_as_list(t) for t in tree]
    if isinstance(tree, dict):
        return {k: _seq_as_list(v) for k, v in tree.items()}
    return tree


def _record(entry: dict[str, Any]) -> None:
    RECORDS.append(entry)


def assert_op_matches(
    op_name: str,
    args: Sequence[Any] = (),
    kwargs: dict[str, Any] | None = None,
    *,
    backend: str,
    tier: str | None = None,
    check_grad: bool = False,
    device: str = "cpu",
    call: Callable[..., Any] | None = None,
    post: Callable[[Any], Any] | None = None,
    grad_post: Callable[[Any], Any] | None = None,
    grad_argnums: Sequence[int] | None = None,
    reference_dtype: str = "float64",
    check_dtype: bool = True,
    tol_scale: float = 1.0,
    grad_reference: str = "auto",
) -> dict[str, Any]:
    """Check op ``op_name`` of ``backend`` against the float64 reference.

    Args:
        op_name: ``"family.name"``, e.g. ``"numpy.add"``, ``"nn.conv"``.
        args, kwargs: the inputs. NumPy arrays (and :class:`runtime.BF16`) are the tensors,
            already in the tested dtype; they are converted to the backend's tensors, and to
            float64 for the reference. Anything else (Python numbers, shapes, strings,
            callables) is passed as is.
        backend: the backend under test (its registered name).
        tier: the tolerance tier; default the op's own (``@op(tier=...)``).
        check_grad: also compare gradients (see the module docstring).
        device: ``"cpu"`` or ``"gpu"`` (the backend's ``device_scope``).
        call: ``call(op_function, *args, **kwargs)`` instead of ``op_function(*args, **kwargs)``
            (for ops taking callables, or that return callables such as ``custom_gradient``).
        post: NumPy-side canonicalization applied to both results before comparing (e.g.
            fixing the sign of eigenvectors).
        grad_post: ops-side transform of the outputs inside the differentiated loss (e.g.
            sign-invariant functions of eigenvectors); runs under either backend.
        grad_argnums: positional arguments to differentiate (default: every float input).
        reference_dtype: ``"float64"`` (default), or ``"same"`` to run the reference in the
            tested dtype (ops whose meaning depends on the precision, e.g. ``nextafter``).
        check_dtype: compare result dtypes with the reference's (default True).
        tol_scale: multiply the tolerance (a case with a known-harder conditioning).
        grad_reference: ``"autodiff"``, ``"numeric"`` or ``"auto"``.

    Returns the statistics of the comparison (``op``, ``dtype``, ``worst_abs``, ``worst_rel``,
    ``passed``...). Raises :class:`ConformanceError` on any mismatch.
    """
    kwargs = dict(kwargs or {})
    args = list(args)
    spec = op_spec(op_name) if "." in op_name else None
    tier = tier or (spec.tier if spec is not None else "elementwise")
    header = f"{op_name} on backend {backend!r} ({device}), tier {tier!r}"
    inputs = _describe_inputs(args, kwargs)

    def fail(problem: str, actual: Any = None, expected: Any = None) -> None:
        lines = [f"{header}: {problem}", f"  inputs:    {inputs}"]
        if actual is not None or expected is not None:
            lines.append(f"  backend:   {_abbrev(actual)}")
            lines.append(f"  reference: {_abbrev(expected)}")
        raise ConformanceError("\n".join(lines))

    values, dtypes = _run_backend(op_name, call, args, kwargs, backend, device, None)
    if reference_dtype == "same" and _has_bfloat16((args, kwargs)):
        # The backend ran without error; its values cannot be checked here.
        pytest.skip(
            f"{op_name}: the reference must run at the input dtype, bfloat16, which NumPy "
            "lacks (a suite limitation, not the backend's)"
        )
    expected_dtypes = _expected_dtypes(op_name, call, args, kwargs)
    ref_values = _run_reference(op_name, call, args, kwargs, None, reference_dtype == "same")
    if _structure(values) != _structure(ref_values):
        fail("the result's structure differs", values, ref_values)
    if check_dtype and _seq_as_list(dtypes) != _seq_as_list(expected_dtypes):
        fail(f"result dtype {dtypes!r}, expected {expected_dtypes!r} (core's result_type rules)")
    if post is not None:
        values, ref_values = post(values), post(ref_values)
    flat_a, flat_r = tree_leaves(values), tree_leaves(ref_values)
    flat_d = tree_leaves(expected_dtypes)
    if post is not None or len(flat_d) != len(flat_a):
        flat_d = [flat_d[0] if flat_d else None] * len(flat_a)

    result: dict[str, Any] = {
        "op": op_name,
        "family": op_name.split(".")[0],
        "tier": tier,
        "dtype": next((d for d in flat_d if d), None),
        "worst_abs": 0.0,
        "worst_rel": 0.0,
        "passed": True,
        "kind": "forward",
    }
    for i, (a, r, d) in enumerate(zip(flat_a, flat_r, flat_d)):
        where = f"output {i}: " if len(flat_a) > 1 else ""
        if not isinstance(r, np.ndarray):
            if isinstance(r, float) and isinstance(a, (int, float)):
                if not np.isclose(a, r, rtol=1e-6, atol=1e-6):
                    fail(f"{where}value differs", a, r)
            elif a != r:
                fail(f"{where}value differs", a, r)
            continue
        if not isinstance(a, np.ndarray):
            fail(f"{where}expected an array", a, r)
        if a.shape != r.shape:
            fail(f"{where}shape {a.shape} differs from the reference's {r.shape}", a, r)
        rtol, atol = tolerance(tier, d or str(a.dtype), device)
        rtol, atol = rtol * tol_scale, atol * tol_scale
        stats = compare_arrays(a, r, rtol, atol)
        result["worst_abs"] = max(result["worst_abs"], stats["worst_abs"])
        result["worst_rel"] = max(result["worst_rel"], stats["worst_rel"])
        if not stats["ok"]:
            result["passed"] = False
            _record(result)
            fail(f"{where}values differ: " + _format_stats(stats, rtol, atol), a, r)
    _record(result)

    if check_grad:
        gres = _check_gradients(
            op_name,
            call,
            args,
            kwargs,
            backend=backend,
            device=device,
            tier=tier,
            grad_post=grad_post,
            grad_argnums=grad_argnums,
            ref_values=None,
            grad_reference=grad_reference,
            tol_scale=tol_scale,
            header=header,
            inputs=inputs,
        )
        result["grad"] = gres
    return result


# -- gradients ------------------------------------------------------------------------------


def _grad_leaf_indices(args, kwargs, grad_argnums) -> list[int]:
    indices: list[int] = []
    counter = iter(range(10**9))

    def visit(leaf, allowed):
        i = next(counter)
        if allowed and isinstance(leaf, np.ndarray) and leaf.dtype in (np.float32, np.float64):
            indices.append(i)

    for pos, arg in enumerate(args):
        allowed = grad_argnums is None or pos in grad_argnums
        tree_map(lambda leaf, allowed=allowed: visit(leaf, allowed), arg)
    for value in kwargs.values():
        tree_map(lambda leaf: visit(leaf, grad_argnums is None), value)
    return indices


def _rebuild(tree: Any, leaves: list[Any]) -> Any:
    it = iter(leaves)
    return tree_map(lambda _: next(it), tree)


def _cotangents(
    op_name: str, outputs: list[Any], dtypes: list[str | None]
) -> dict[int, np.ndarray]:
    rng = np.random.default_rng(zlib.crc32(op_name.encode()))
    cots = {}
    for i, (out, dtype) in enumerate(zip(outputs, dtypes)):
        if isinstance(out, np.ndarray) and dtype in _FLOAT_KINDS:
            c = rng.uniform(0.5, 1.5, size=out.shape) * rng.choice([-1.0, 1.0], size=out.shape)
            cots[i] = c.astype(dtype if dtype != "bfloat16" else "float32").astype(np.float64)
    return cots


def _loss_fn(fn, call, tree, leaves, grad_post, cots):
    from tholos import ops

    def loss(values: list[Any]) -> Any:
        args, kwargs = _rebuild(tree, values)
        out = _call(fn, call, args, kwargs)
        if grad_post is not None:
            out = grad_post(out)
        total = None
        for i, o in enumerate(tree_leaves(out)):
            if i not in cots:
                continue
            c = ops.convert_to_tensor(cots[i], dtype=ops.dtype(o))
            term = ops.sum(ops.multiply(o, c))
            total = term if total is None else ops.add(total, term)
        return total

    return loss


def _autodiff(op_name, call, args, kwargs, gidx, grad_post, cots, backend, device, *, reference):
    import tholos

    fn = resolve_op(op_name)
    tree = (list(args), dict(kwargs))
    scope = reference_scope() if reference else backend_scope(backend, device)
    with scope as loaded:
        leaves = tree_leaves(to_backend(tree))
        variables = [tholos.Variable(leaves[i], name=f"input_{i}") for i in gidx]
        loss = _loss_fn(fn, call, tree, leaves, grad_post, cots)

        def loss_fn():
            values = list(leaves)
            for j, i in enumerate(gidx):
                values[i] = variables[j].value
            return loss(values), None

        _, _, grads = loaded.trainer.compute_gradients(loss_fn, variables)
        gdtypes = [dtype_of(g) for g in grads]
        grads = [np.asarray(g) for g in to_numpy(list(grads))]
    return grads, gdtypes


def _numeric(op_name, call, args, kwargs, gidx, grad_post, cots) -> list[np.ndarray]:
    fn = resolve_op(op_name)
    tree = to_float64((list(args), dict(kwargs)))
    with reference_scope():
        leaves = tree_leaves(tree)
        loss = _loss_fn(fn, call, tree, leaves, grad_post, cots)

        def f(values):
            return float(np.asarray(to_numpy(loss(values)), dtype=np.float64))

        grads = []
        for i in gidx:
            x = np.array(leaves[i], dtype=np.float64)
            g = np.zeros_like(x)
            for idx in np.ndindex(x.shape):
                h = 1e-6 * max(1.0, abs(x[idx]))
                values = list(leaves)
                xp, xm = x.copy(), x.copy()
                xp[idx] += h
                xm[idx] -= h
                values[i] = xp
                fp = f(values)
                values[i] = xm
                fm = f(values)
                g[idx] = (fp - fm) / (2 * h)
            grads.append(g)
    return grads


def _check_gradients(
    op_name,
    call,
    args,
    kwargs,
    *,
    backend,
    device,
    tier,
    grad_post,
    grad_argnums,
    ref_values,
    grad_reference,
    tol_scale,
    header,
    inputs,
):
    del ref_values
    gidx = _grad_leaf_indices(args, kwargs, grad_argnums)
    if not gidx:
        raise ConformanceError(f"{header}: no float32/float64 input to differentiate")
    # Output shapes/dtypes come from a float64 reference run of the (post-processed) op.
    fn = resolve_op(op_name)
    with reference_scope():
        r_args, r_kwargs = to_float64((list(args), dict(kwargs)))
        out = _call(fn, call, r_args, r_kwargs)
        if grad_post is not None:
            out = grad_post(out)
        out_np = tree_leaves(to_numpy(out))
    with backend_scope(backend, device):
        b_args, b_kwargs = to_backend((list(args), dict(kwargs)))
        b_out = _call(fn, call, b_args, b_kwargs)
        if grad_post is not None:
            b_out = grad_post(b_out)
        out_dtypes = [dtype_of(o) for o in tree_leaves(b_out)]
    cots = _cotangents(op_name, out_np, out_dtypes)
    if not cots:
        raise ConformanceError(f"{header}: no float output to differentiate")
    grads, gdtypes = _autodiff(
        op_name, call, args, kwargs, gidx, grad_post, cots, backend, device, reference=False
    )
    if grad_reference == "auto":
        grad_reference = "numeric" if backend == runtime.REFERENCE else "autodiff"
        # Central differences need a float64 function: an op whose float64 run still returns
        # a narrower float (cast(x, "float32"), creation ops) is checked against autodiff.
        if any(out_np[i].dtype != np.float64 for i in cots):
            grad_reference = "autodiff"
    if grad_reference == "numeric":
        ref = _numeric(op_name, call, args, kwargs, gidx, grad_post, cots)
    else:
        f64 = to_float64((list(args), dict(kwargs)))
        ref, _ = _autodiff(
            op_name, call, f64[0], f64[1], gidx, grad_post, cots, backend, device, reference=True
        )
    leaves = tree_leaves((list(args), dict(kwargs)))
    worst = {
        "worst_abs": 0.0,
        "worst_rel": 0.0,
        "passed": True,
        "kind": "gradient",
        "op": op_name,
        "family": op_name.split(".")[0],
        "tier": tier,
    }
    for k, i in enumerate(gidx):
        leaf = leaves[i]
        dtype = str(leaf.dtype)
        worst["dtype"] = dtype
        a, r = grads[k], ref[k]
        lead = f"gradient w.r.t. input leaf {i} ({describe(leaf)}, {grad_reference} reference)"
        if gdtypes[k] != dtype:
            raise ConformanceError(
                f"{header}: {lead} has dtype {gdtypes[k]}, expected {dtype}\n  inputs:    {inputs}"
            )
        if a.shape != leaf.shape:
            raise ConformanceError(
                f"{header}: {lead} has shape {a.shape}, expected {leaf.shape}\n"
                f"  inputs:    {inputs}"
            )
        rtol, atol = tolerance(tier, dtype, device, gradient=True)
        if grad_reference == "numeric":
            rtol, atol = max(rtol, NUMERIC_GRADIENT_FLOOR[0]), max(atol, NUMERIC_GRADIENT_FLOOR[1])
        rtol, atol = rtol * tol_scale, atol * tol_scale
        stats = compare_arrays(a, r, rtol, atol)
        worst["worst_abs"] = max(worst["worst_abs"], stats["worst_abs"])
        worst["worst_rel"] = max(worst["worst_rel"], stats["worst_rel"])
        if not stats["ok"]:
            worst["passed"] = False
            _record(worst)
            raise ConformanceError(
                "\n".join(
                    [
                        f"{header}: {lead} differs: " + _format_stats(stats, rtol, atol),
                        f"  inputs:    {inputs}",
                        f"  backend:   {_abbrev(a)}",
                        f"  reference: {_abbrev(r)}",
                    ]
                )
            )
    _record(worst)
    return worst


__all__ = [
    "BF16",
    "RECORDS",
    "ConformanceError",
    "assert_op_matches",
    "compare_arrays",
    "resolve_op",
]
