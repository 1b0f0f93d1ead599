"""Hand-written cases for the ``core`` family: conversion, casting, control flow, scatter and
slicing, gradient control."""

from __future__ import annotations

import numpy as np

from tholos_conformance.cases._registry import A, Inputs, add, each_dtype


def _o():
    from tholos import ops

    return ops


def _conversion() -> None:
    for dtype in ("float32", "int32", "bool", "float16", "bfloat16", "uint8", "float64"):
        x = Inputs(f"ctt/{dtype}").arr((2, 3), dtype)
        add("core.convert_to_tensor", A(x), id=dtype, dtypes=(dtype,))
        add("core.convert_to_numpy", A(x), id=dtype, dtypes=(dtype,))
        add("core.is_tensor", A(x), id=dtype, dtypes=(dtype,))
        add("core.shape", A(x), id=dtype, dtypes=(dtype,))
        add("core.dtype", A(x), id=dtype, dtypes=(dtype,), reference_dtype="same")
    add("core.convert_to_tensor", A([[1.0, 2.0], [3.0, 4.0]]), id="list-float")
    add("core.convert_to_tensor", A([1, 2, 3]), id="list-int")
    add("core.convert_to_tensor", A(True), id="python-bool")
    add("core.convert_to_tensor", A(2.5, dtype="float64"), id="scalar-dtype")
    add(
        "core.convert_to_tensor",
        A(Inputs("ctt-c").arr((3,), "float32"), dtype="int32"),
        id="float32-to-int32",
        dtypes=("float32",),
    )
    add(
        "core.convert_to_tensor",
        A(Inputs("ctt-z").arr((0, 2), "float32")),
        id="empty",
        dtypes=("float32",),
    )
    add("core.is_tensor", A([1.0, 2.0]), id="list")
    add("core.is_tensor", A(3.0), id="python-float")
    add("core.shape", A(Inputs("shape0").arr(())), id="0d", dtypes=("float32",))
    add("core.shape", A(Inputs("shape-e").arr((0, 4))), id="empty", dtypes=("float32",))
    add(
        "core.dtype",
        A(Inputs("dt").arr((2,), "int8")),
        id="int8",
        dtypes=("int8",),
        reference_dtype="same",
    )
    pairs = [
        ("float32", "int32"),
        ("float32", "float16"),
        ("int32", "float32"),
        ("float64", "float32"),
        ("bool", "float32"),
        ("float32", "bool"),
        ("int32", "uint8"),
        ("float32", "bfloat16"),
        ("bfloat16", "float32"),
    ]
    for src, dst in pairs:
        x = Inputs(f"cast/{src}/{dst}").arr((2, 3), src)
        add(
            "core.cast",
            A(x, dst),
            id=f"{src}-to-{dst}",
            dtypes=(src, dst),
            grad=src in ("float32", "float64") and dst in ("float32", "float64"),
        )
    add(
        "core.cast",
        A(Inputs("cast-g").arr((2, 3), "float64"), "float64"),
        id="float64-same",
        dtypes=("float64",),
        grad=True,
    )
    big = np.array([-300.0, -1.5, 0.0, 2.7, 300.0, 1e10], "float32")
    for dst in ("uint8", "int8", "int32", "float16"):
        add("core.saturate_cast", A(big, dst), id=f"float32-to-{dst}", dtypes=("float32", dst))
    add(
        "core.saturate_cast",
        A(np.array([-5, 100, 300], "int32"), "uint8"),
        id="int32-to-uint8",
        dtypes=("int32",),
    )
    add(
        "core.saturate_cast",
        A(np.array([-5, 100, 300], "int32"), "float32"),
        id="int32-to-float32",
        dtypes=("int32",),
    )


def _control_flow() -> None:
    def cond_call(fn, pred, x):
        ops = _o()
        return fn(pred, lambda: ops.sin(x) * 2.0, lambda: ops.cos(x))

    for pred in (True, False):
        each_dtype(
            "core.cond",
            lambda g, d, p=pred: A(np.array(p), g.arr((2, 3), d)),
            id=f"pred-{pred}",
            call=cond_call,
        )

    def cond_tuple(fn, pred, x, y):
        ops = _o()
        return fn(pred, lambda: (x + y, ops.sum(x)), lambda: (x * y, ops.max(y)))

    each_dtype(
        "core.cond",
        lambda g, d: A(np.array(False), g.arr((3,), d), g.arr((3,), d)),
        id="tuple",
        call=cond_tuple,
    )

    def switch_call(fn, index, x, y):
        ops = _o()
        branches = [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: ops.exp(a) - b]
        return fn(index, branches, x, y)

    for index in (0, 1, 2, 5, -1):
        each_dtype(
            "core.switch",
            lambda g, d, i=index: A(np.array(i, "int32"), g.arr((3,), d), g.arr((3,), d)),
            id=f"index{index}",
            call=switch_call,
            grad=index in (1, 2),
        )

    def while_call(fn, x):
        ops = _o()
        return fn(lambda i, v: i < 4, lambda i, v: (i + 1, ops.sin(v) + v), (0, x))

    each_dtype("core.while_loop", lambda g, d: A(g.arr((2, 3), d)), id="tuple", call=while_call)

    def while_max(fn, x):
        return fn(lambda v: True, lambda v: v * 1.5, x, maximum_iterations=3)

    each_dtype(
        "core.while_loop",
        lambda g, d: A(g.arr((3,), d)),
        id="max-iterations",
        call=while_max,
        grad=False,
    )

    def while_single(fn, n):
        return fn(lambda i: i < n, lambda i: i + 3, 0)

    add(
        "core.while_loop",
        A(np.array(10, "int32")),
        id="int32-single",
        dtypes=("int32",),
        call=while_single,
    )

    def fori_call(fn, x):
        ops = _o()
        return fn(0, 4, lambda i, v: v * 0.5 + ops.cast(i, v.dtype) * ops.tanh(v), x)

    each_dtype("core.fori_loop", lambda g, d: A(g.arr((2, 3), d)), id="tensor", call=fori_call)

    def fori_empty(fn, x):
        return fn(3, 3, lambda i, v: v + 1.0, x)

    each_dtype(
        "core.fori_loop",
        lambda g, d: A(g.arr((3,), d)),
        id="no-iterations",
        call=fori_empty,
        grad=False,
    )

    def fori_struct(fn, x, y):
        return fn(1, 3, lambda i, v: (v[0] + v[1], v[1] * 2.0), (x, y))

    each_dtype(
        "core.fori_loop",
        lambda g, d: A(g.arr((3,), d), g.arr((3,), d)),
        id="tuple",
        call=fori_struct,
    )

    def scan_call(fn, init, xs, reverse=False):
        ops = _o()
        return fn(lambda c, x: (c * 0.9 + ops.sin(x), c + x), init, xs, reverse=reverse)

    for reverse in (False, True):
        each_dtype(
            "core.scan",
            lambda g, d: A(g.arr((3,), d), g.arr((4, 3), d)),
            id=f"reverse-{reverse}",
            call=lambda fn, i, x, r=reverse: scan_call(fn, i, x, r),
            tier="elementwise",
        )

    def scan_length(fn, init):
        return fn(lambda c, x: (c * 2.0, c), init, None, length=3)

    each_dtype("core.scan", lambda g, d: A(g.arr((2,), d)), id="length", call=scan_length)

    def scan_empty(fn, init, xs):
        return fn(lambda c, x: (c + x, c), init, xs)

    add(
        "core.scan",
        A(Inputs("scan-e").arr((3,)), Inputs("scan-e2").arr((0, 3))),
        id="empty",
        dtypes=("float32",),
        call=scan_empty,
    )

    def assoc_add(fn, x, reverse=False, axis=0):
        return fn(lambda a, b: a + b, x, reverse=reverse, axis=axis)

    each_dtype("core.associative_scan", lambda g, d: A(g.arr((7,), d)), id="add", call=assoc_add)
    each_dtype(
        "core.associative_scan",
        lambda g, d: A(g.arr((3, 5), d)),
        id="reverse-axis1",
        call=lambda fn, x: assoc_add(fn, x, True, 1),
    )
    add(
        "core.associative_scan",
        A(Inputs("as-int").arr((6,), "int32")),
        id="int32",
        dtypes=("int32",),
        call=assoc_add,
    )

    def assoc_max(fn, x):
        ops = _o()
        return fn(ops.maximum, x)

    each_dtype(
        "core.associative_scan",
        lambda g, d: A(g.arr((8,), d)),
        id="max",
        call=assoc_max,
        grad=False,
    )

    def assoc_struct(fn, x, y):
        return fn(lambda a, b: (a[0] + b[0], a[1] * b[1]), (x, y))

    each_dtype(
        "core.associative_scan",
        lambda g, d: A(g.arr((5,), d), g.arr((5,), d, "pos")),
        id="tuple",
        call=assoc_struct,
    )

    def map_call(fn, xs):
        ops = _o()
        return fn(lambda row: ops.sum(ops.square(row)), xs)

    each_dtype("core.map", lambda g, d: A(g.arr((4, 3), d)), id="sum", call=map_call)

    def map_struct(fn, x, y):
        return fn(lambda t: {"s": t[0] + t[1], "p": t[0] * t[1]}, (x, y))

    each_dtype(
        "core.map", lambda g, d: A(g.arr((3, 2), d), g.arr((3, 2), d)), id="dict", call=map_struct
    )

    def vmap_call(fn, xs):
        ops = _o()
        return fn(lambda row: ops.matmul(row, ops.transpose(row)), xs)

    each_dtype(
        "core.vectorized_map", lambda g, d: A(g.arr((3, 2, 4), d)), id="matmul", call=vmap_call
    )

    def vmap_struct(fn, x, y):
        ops = _o()
        return fn(lambda t: ops.tanh(t[0]) * t[1], (x, y))

    each_dtype(
        "core.vectorized_map",
        lambda g, d: A(g.arr((4, 3), d), g.arr((4, 3), d)),
        id="tuple",
        call=vmap_struct,
    )


def _scatter_slice() -> None:
    idx = np.array([[0, 1], [2, 0], [0, 1]], "int32")
    each_dtype(
        "core.scatter",
        lambda g, d: A(idx, g.arr((3,), d), (3, 2)),
        id="duplicates",
        grad_argnums=(1,),
    )
    each_dtype(
        "core.scatter",
        lambda g, d: A(np.array([[1], [3]], "int32"), g.arr((2, 3), d), (4, 3)),
        id="rows",
        grad_argnums=(1,),
    )
    add(
        "core.scatter",
        A(np.array([[0], [0]], "int32"), np.array([1, 2], "int32"), (3,)),
        id="int32",
        dtypes=("int32",),
    )
    upd_idx = np.array([[0, 1], [2, 2]], "int32")
    each_dtype(
        "core.scatter_update",
        lambda g, d: A(g.arr((3, 3), d), upd_idx, g.arr((2,), d)),
        id="elements",
        grad_argnums=(0, 2),
    )
    each_dtype(
        "core.scatter_update",
        lambda g, d: A(g.arr((4, 2), d), np.array([[3], [0]], "int32"), g.arr((2, 2), d)),
        id="rows",
        grad_argnums=(0, 2),
    )
    each_dtype("core.slice", lambda g, d: A(g.arr((4, 5), d), (1, 2), (2, 3)), id="block")
    each_dtype(
        "core.slice",
        lambda g, d: A(g.arr((2, 3, 4), d), np.array([0, 1, 1], "int32"), (2, 1, 3)),
        id="tensor-start",
        grad_argnums=(0,),
    )
    each_dtype(
        "core.slice_update",
        lambda g, d: A(g.arr((4, 5), d), (1, 2), g.arr((2, 3), d)),
        id="block",
        grad_argnums=(0, 2),
    )
    add(
        "core.slice_update",
        A(Inputs("su").arr((3, 3), "int32"), (0, 1), np.array([[7, 8]], "int32")),
        id="int32",
        dtypes=("int32",),
    )
    each_dtype("core.unstack", lambda g, d: A(g.arr((3, 2), d)), id="axis0")
    each_dtype("core.unstack", lambda g, d: A(g.arr((2, 3, 2), d), axis=1), id="axis1")
    each_dtype("core.unstack", lambda g, d: A(g.arr((2, 4), d), num=4, axis=-1), id="num")


def _gradient_control() -> None:
    def stop_call(fn, x):
        ops = _o()
        return ops.add(ops.multiply(fn(x), x), ops.square(x))

    # The gradient through stop_gradient is zero: autodiff reference (numeric differences
    # would differentiate through it).
    each_dtype(
        "core.stop_gradient",
        lambda g, d: A(g.arr((2, 3), d)),
        id="blocked",
        call=stop_call,
        grad_reference="autodiff",
    )
    each_dtype("core.stop_gradient", lambda g, d: A(g.arr((2, 3), d)), id="plain", grad=False)

    def softplus_custom(fn, x):
        ops = _o()

        def f(v):
            def grad_fn(upstream):
                return upstream * ops.sigmoid(v)

            return ops.log1p(ops.exp(v)), grad_fn

        return fn(f)(x)

    # A true gradient supplied by hand (checkable against central differences).
    each_dtype(
        "core.custom_gradient",
        lambda g, d: A(g.arr((2, 3), d)),
        id="softplus",
        call=softplus_custom,
    )

    def clipped_identity(fn, x, y):
        ops = _o()

        def f(a, b):
            def grad_fn(upstream):
                return ops.clip(upstream, -0.5, 0.5), upstream * 3.0

            return a + b, grad_fn

        return fn(f)(x, y)

    # A deliberately "wrong" gradient: the backend must use it (autodiff reference).
    each_dtype(
        "core.custom_gradient",
        lambda g, d: A(g.arr((2, 3), d), g.arr((2, 3), d)),
        id="custom-rule",
        call=clipped_identity,
        grad_reference="autodiff",
    )


_conversion()
_control_flow()
_scatter_slice()
_gradient_control()
