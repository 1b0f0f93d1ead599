"""Hand-written cases for the ``numpy`` family: contractions, creation, shape manipulation,
indexing, sorting and searching."""

from __future__ import annotations

import numpy as np

from tholos_conformance.cases._registry import A, Inputs, add, each_dtype

F = ("float32", "float64")
INTS = ("int32",)


def _contractions() -> None:
    each_dtype("numpy.matmul", lambda g, d: A(g.arr((3, 4), d), g.arr((4, 5), d)), id="2d")
    each_dtype(
        "numpy.matmul", lambda g, d: A(g.arr((2, 3, 4), d), g.arr((4, 2), d)), id="batch-bcast"
    )
    each_dtype("numpy.matmul", lambda g, d: A(g.arr((4,), d), g.arr((2, 4, 3), d)), id="vec-mat")
    each_dtype("numpy.matmul", lambda g, d: A(g.arr((3, 4), d), g.arr((4,), d)), id="mat-vec")
    each_dtype(
        "numpy.matmul",
        lambda g, d: A(g.arr((3, 4), d), g.arr((4, 5), d)),
        dtypes=("float16", "bfloat16", "int32", "int8"),
        grad=False,
        id="2d",
    )
    add(
        "numpy.matmul",
        A(Inputs("mm0").arr((0, 4)), Inputs("mm0b").arr((4, 3))),
        id="float32-empty",
        dtypes=("float32",),
    )
    add(
        "numpy.matmul",
        A(Inputs("mmk").arr((2, 0)), Inputs("mmkb").arr((0, 3))),
        id="float32-empty-k",
        dtypes=("float32",),
    )
    add(
        "numpy.matmul",
        A(Inputs("mm-mixed").arr((2, 3), "int32"), Inputs("mm-mixed2").arr((3, 2), "float32")),
        id="int32-float32",
        dtypes=("int32", "float32"),
    )
    # A long contraction (K = 256): accumulation error at the matmul tier's bound.
    each_dtype(
        "numpy.matmul",
        lambda g, d: A(g.arr((4, 256), d, "small"), g.arr((256, 3), d, "small")),
        id="long-k",
        grad=False,
    )
    each_dtype("numpy.dot", lambda g, d: A(g.arr((3, 4), d), g.arr((4, 2), d)), id="2d")
    each_dtype("numpy.dot", lambda g, d: A(g.arr((4,), d), g.arr((4,), d)), id="1d")
    each_dtype("numpy.dot", lambda g, d: A(g.arr((2, 3, 4), d), g.arr((4,), d)), id="nd-1d")
    each_dtype("numpy.dot", lambda g, d: A(g.arr((2, 3), d), np.asarray(2.0, d)), id="scalar")
    each_dtype("numpy.inner", lambda g, d: A(g.arr((2, 4), d), g.arr((3, 4), d)))
    each_dtype("numpy.outer", lambda g, d: A(g.arr((3,), d), g.arr((2, 2), d)))
    each_dtype("numpy.vdot", lambda g, d: A(g.arr((2, 3), d), g.arr((6,), d)))
    each_dtype("numpy.kron", lambda g, d: A(g.arr((2, 3), d), g.arr((2, 2), d)))
    each_dtype(
        "numpy.kron", lambda g, d: A(g.arr((2, 3), d), g.arr((2, 2), d)), dtypes=INTS, grad=False
    )
    each_dtype("numpy.cross", lambda g, d: A(g.arr((4, 3), d), g.arr((4, 3), d)), id="3d")
    each_dtype(
        "numpy.cross", lambda g, d: A(g.arr((3, 4), d), g.arr((4, 3), d), axisa=0), id="axisa"
    )
    each_dtype(
        "numpy.cross", lambda g, d: A(g.arr((4, 2), d), g.arr((4, 2), d)), id="2d", grad=False
    )
    each_dtype(
        "numpy.tensordot", lambda g, d: A(g.arr((2, 3, 4), d), g.arr((3, 4, 5), d)), id="axes2"
    )
    each_dtype(
        "numpy.tensordot",
        lambda g, d: A(g.arr((2, 3, 4), d), g.arr((4, 2), d), axes=([0, 2], [1, 0])),
        id="axes-lists",
    )
    each_dtype(
        "numpy.tensordot", lambda g, d: A(g.arr((2, 3), d), g.arr((4,), d), axes=0), id="axes0"
    )
    each_dtype(
        "numpy.einsum", lambda g, d: A("ij,jk->ik", g.arr((3, 4), d), g.arr((4, 2), d)), id="matmul"
    )
    each_dtype(
        "numpy.einsum",
        lambda g, d: A("bij,bjk->bik", g.arr((2, 3, 4), d), g.arr((2, 4, 2), d)),
        id="batch",
    )
    each_dtype("numpy.einsum", lambda g, d: A("ii->i", g.arr((3, 3), d)), id="diag")
    each_dtype("numpy.einsum", lambda g, d: A("...ij->...ji", g.arr((2, 3, 4), d)), id="ellipsis")
    each_dtype(
        "numpy.einsum",
        lambda g, d: A("i,j,k->ijk", g.arr((2,), d), g.arr((3,), d), g.arr((2,), d)),
        id="three",
    )
    each_dtype("numpy.einsum", lambda g, d: A("ij->", g.arr((3, 4), d)), id="sum")
    add(
        "numpy.einsum",
        A("ij,jk->ik", Inputs("e8").arr((2, 3), "int8"), Inputs("e8b").arr((3, 2), "int8")),
        id="int8",
        dtypes=("int8",),
    )
    for mode in ("valid", "same", "full"):
        each_dtype(
            "numpy.correlate",
            lambda g, d, m=mode: A(g.arr((7,), d), g.arr((3,), d), mode=m),
            id=mode,
        )
    each_dtype(
        "numpy.correlate",
        lambda g, d: A(g.arr((6,), d), g.arr((4,), d), mode="same"),
        id="same-even",
    )


def _creation() -> None:
    for dtype in (None, "float32", "int32", "float64"):
        add("numpy.arange", A(0, 5, dtype=dtype), id=f"{dtype}-int-args")
    add("numpy.arange", A(7), id="stop-only")
    add("numpy.arange", A(1.0, 2.0, 0.25), id="float-step")
    add("numpy.arange", A(5, 1, -2), id="negative-step")
    add("numpy.arange", A(3, 3), id="empty")
    add("numpy.array", A(Inputs("arr").arr((2, 3))), id="float32", dtypes=("float32",), grad=True)
    add("numpy.array", A([[1, 2], [3, 4]]), id="list")
    add("numpy.array", A([1.5, 2.5], dtype="float64"), id="list-dtype")
    add(
        "numpy.array",
        A(Inputs("arr").arr((2,), "int32"), dtype="float16"),
        id="cast",
        dtypes=("int32", "float16"),
    )
    for name in ("bartlett", "blackman", "hamming", "hanning"):
        for n in (1, 5, 8):
            add(f"numpy.{name}", A(n), id=f"n{n}")
        add(f"numpy.{name}", A(0), id="n0")
    for beta in (0.0, 5.0):
        add("numpy.kaiser", A(6, beta), id=f"beta{beta}")
    add("numpy.kaiser", A(1, 2.0), id="n1")
    for shape_id, shape in (("2x3", (2, 3)), ("0d", ()), ("empty", (2, 0))):
        for dtype in (None, "int32", "float64", "bool"):
            for name in ("zeros", "ones"):
                add(f"numpy.{name}", A(shape, dtype=dtype), id=f"{dtype}-{shape_id}")
            add("numpy.full", A(shape, 3, dtype=dtype), id=f"{dtype}-{shape_id}")
        add("numpy.empty", A(shape), id=shape_id, post=_zero_values)
    add("numpy.full", A((2, 3), 1.5), id="float-fill")
    add(
        "numpy.full", A((2, 3), np.arange(3, dtype="float32")), id="array-fill", dtypes=("float32",)
    )
    add("numpy.empty", A((2, 3), dtype="int32"), id="int32", post=_zero_values)
    for dtype in ("float32", "int32", "bool", "float16", "bfloat16"):
        g = Inputs(f"like/{dtype}")
        x = g.arr((2, 3), dtype)
        for name in ("zeros_like", "ones_like"):
            add(f"numpy.{name}", A(x), id=dtype, dtypes=(dtype,))
        add("numpy.full_like", A(x, 2), id=dtype, dtypes=(dtype,))
        add("numpy.empty_like", A(x), id=dtype, dtypes=(dtype,), post=_zero_values)
    x = Inputs("like-dtype").arr((2, 3), "int32")
    for name in ("zeros_like", "ones_like", "empty_like"):
        add(
            f"numpy.{name}",
            A(x, dtype="float64"),
            id="int32-to-float64",
            dtypes=("int32",),
            post=_zero_values if name == "empty_like" else None,
        )
    add("numpy.full_like", A(x, 2.5, dtype="float32"), id="int32-to-float32", dtypes=("int32",))
    for name in ("eye", "tri"):
        add(f"numpy.{name}", A(3), id="square")
        add(f"numpy.{name}", A(3, 4, k=1), id="rect-k1")
        add(f"numpy.{name}", A(4, 2, k=-1, dtype="int32"), id="int32-k-1")
    add("numpy.identity", A(3), id="n3")
    add("numpy.identity", A(2, dtype="int32"), id="int32")
    add("numpy.linspace", A(0.0, 1.0, 5), id="basic")
    add("numpy.linspace", A(0.0, 1.0, 4, endpoint=False), id="no-endpoint")
    add("numpy.linspace", A(-2.0, 3.0, 6, dtype="float64"), id="float64")
    add("numpy.linspace", A(0, 10, 5, dtype="int32"), id="int32")
    add("numpy.linspace", A(0.0, 1.0, 5, retstep=True), id="retstep")
    add(
        "numpy.linspace",
        A(np.array([0.0, 1.0], "float32"), np.array([1.0, 3.0], "float32"), 3, axis=1),
        id="array-endpoints",
        dtypes=("float32",),
    )
    add("numpy.logspace", A(0.0, 2.0, 5), id="basic")
    add("numpy.logspace", A(0.0, 3.0, 4, base=2.0, endpoint=False), id="base2")
    add("numpy.logspace", A(-1.0, 1.0, 3, dtype="float64"), id="float64")


def _zero_values(values):
    """``empty`` has unspecified values: compare shapes (and dtypes) only."""
    return np.zeros_like(values) if isinstance(values, np.ndarray) else values


def _manipulation() -> None:
    each_dtype("numpy.reshape", lambda g, d: A(g.arr((2, 3, 4), d), (6, 4)), id="basic")
    each_dtype("numpy.reshape", lambda g, d: A(g.arr((2, 3, 4), d), (-1, 2)), id="infer")
    each_dtype(
        "numpy.reshape",
        lambda g, d: A(g.arr((2, 3), d), (3, 2)),
        dtypes=("int32", "bool", "float16", "bfloat16"),
        grad=False,
        id="basic",
    )
    add(
        "numpy.reshape",
        A(Inputs("rs0").arr((0, 3)), (3, 0)),
        id="float32-empty",
        dtypes=("float32",),
    )
    add("numpy.reshape", A(Inputs("rs1").arr(()), (1, 1)), id="float32-0d", dtypes=("float32",))
    each_dtype("numpy.transpose", lambda g, d: A(g.arr((2, 3, 4), d)), id="reverse")
    each_dtype("numpy.transpose", lambda g, d: A(g.arr((2, 3, 4), d), (1, 2, 0)), id="axes")
    each_dtype(
        "numpy.transpose", lambda g, d: A(g.arr((2, 3), d)), dtypes=("int32", "bool"), grad=False
    )
    each_dtype("numpy.ravel", lambda g, d: A(g.arr((2, 3, 2), d)))
    each_dtype("numpy.squeeze", lambda g, d: A(g.arr((1, 3, 1), d)), id="all")
    each_dtype("numpy.squeeze", lambda g, d: A(g.arr((1, 3, 1), d), axis=-1), id="axis")
    each_dtype("numpy.expand_dims", lambda g, d: A(g.arr((2, 3), d), 1), id="middle")
    each_dtype("numpy.expand_dims", lambda g, d: A(g.arr((2, 3), d), (0, -1)), id="tuple")
    each_dtype("numpy.swapaxes", lambda g, d: A(g.arr((2, 3, 4), d), 0, 2))
    each_dtype("numpy.moveaxis", lambda g, d: A(g.arr((2, 3, 4), d), 0, -1), id="one")
    each_dtype("numpy.moveaxis", lambda g, d: A(g.arr((2, 3, 4), d), (0, 1), (2, 0)), id="two")
    each_dtype("numpy.broadcast_to", lambda g, d: A(g.arr((3,), d), (2, 3)))
    each_dtype("numpy.broadcast_to", lambda g, d: A(g.arr((2, 1), d), (2, 2, 3)), id="nd")
    each_dtype("numpy.flip", lambda g, d: A(g.arr((2, 3, 4), d)), id="all")
    each_dtype("numpy.flip", lambda g, d: A(g.arr((2, 3, 4), d), axis=(0, 2)), id="axes")
    each_dtype("numpy.rot90", lambda g, d: A(g.arr((2, 3), d)), id="k1")
    each_dtype("numpy.rot90", lambda g, d: A(g.arr((2, 3, 4), d), k=-1, axes=(1, 2)), id="k-1")
    each_dtype("numpy.rot90", lambda g, d: A(g.arr((2, 3), d), k=2), id="k2")
    each_dtype("numpy.roll", lambda g, d: A(g.arr((2, 5), d), 2), id="flat")
    each_dtype("numpy.roll", lambda g, d: A(g.arr((2, 5), d), -1, axis=1), id="axis")
    each_dtype("numpy.roll", lambda g, d: A(g.arr((3, 4), d), (1, 2), axis=(0, 1)), id="multi")
    each_dtype("numpy.tile", lambda g, d: A(g.arr((2, 3), d), (2, 1)), id="2d")
    each_dtype("numpy.tile", lambda g, d: A(g.arr((3,), d), 2), id="int")
    each_dtype("numpy.tile", lambda g, d: A(g.arr((3,), d), (2, 2)), id="more-dims")
    each_dtype("numpy.repeat", lambda g, d: A(g.arr((2, 3), d), 2), id="flat")
    each_dtype("numpy.repeat", lambda g, d: A(g.arr((2, 3), d), 2, axis=1), id="axis")
    each_dtype("numpy.repeat", lambda g, d: A(g.arr((2, 3), d), [1, 0, 2], axis=1), id="counts")
    for name in ("tril", "triu"):
        each_dtype(f"numpy.{name}", lambda g, d: A(g.arr((4, 4), d)), id="k0")
        each_dtype(f"numpy.{name}", lambda g, d: A(g.arr((2, 3, 4), d), k=-1), id="batch-k-1")
        each_dtype(
            f"numpy.{name}", lambda g, d: A(g.arr((3, 3), d), k=1), dtypes=INTS, grad=False, id="k1"
        )
    each_dtype("numpy.diag", lambda g, d: A(g.arr((4,), d)), id="vector")
    each_dtype("numpy.diag", lambda g, d: A(g.arr((3, 4), d), k=1), id="matrix-k1")
    each_dtype("numpy.diag", lambda g, d: A(g.arr((3,), d), k=-1), id="vector-k-1")
    each_dtype("numpy.diagflat", lambda g, d: A(g.arr((2, 2), d)), id="k0")
    each_dtype("numpy.diagflat", lambda g, d: A(g.arr((3,), d), k=1), id="k1")
    each_dtype("numpy.diagonal", lambda g, d: A(g.arr((3, 4), d)), id="2d")
    each_dtype(
        "numpy.diagonal", lambda g, d: A(g.arr((2, 3, 4), d), offset=-1, axis1=1, axis2=2), id="3d"
    )
    each_dtype("numpy.diff", lambda g, d: A(g.arr((3, 5), d)), id="n1")
    each_dtype(
        "numpy.diff",
        lambda g, d: A(g.arr((4, 5), d), n=2, axis=0),
        id="n2-axis0",
        tier="elementwise",
    )
    each_dtype("numpy.diff", lambda g, d: A(g.arr((3, 5), d)), dtypes=("int32",), grad=False)
    each_dtype("numpy.vander", lambda g, d: A(g.arr((4,), d)), id="square")
    each_dtype("numpy.vander", lambda g, d: A(g.arr((4,), d), N=3, increasing=True), id="N3")
    each_dtype("numpy.vander", lambda g, d: A(g.arr((3,), d)), dtypes=INTS, grad=False)
    # Joining and splitting.
    each_dtype(
        "numpy.concatenate", lambda g, d: A([g.arr((2, 3), d), g.arr((1, 3), d)]), id="axis0"
    )
    each_dtype(
        "numpy.concatenate",
        lambda g, d: A([g.arr((2, 3), d), g.arr((2, 1), d), g.arr((2, 0), d)], axis=-1),
        id="axis-1",
    )
    each_dtype(
        "numpy.concatenate", lambda g, d: A([g.arr((2,), d), g.arr((3,), d)], axis=None), id="none"
    )
    add(
        "numpy.concatenate",
        A([Inputs("cat").arr((2,), "int32"), Inputs("cat2").arr((2,), "float32")]),
        id="int32-float32",
        dtypes=("int32", "float32"),
    )
    each_dtype("numpy.stack", lambda g, d: A([g.arr((2, 3), d), g.arr((2, 3), d)]), id="axis0")
    each_dtype("numpy.stack", lambda g, d: A([g.arr((2, 3), d)] * 3, axis=-1), id="axis-1")
    each_dtype("numpy.hstack", lambda g, d: A([g.arr((2, 3), d), g.arr((2, 1), d)]), id="2d")
    each_dtype("numpy.hstack", lambda g, d: A([g.arr((3,), d), g.arr((2,), d)]), id="1d")
    each_dtype("numpy.vstack", lambda g, d: A([g.arr((2, 3), d), g.arr((1, 3), d)]), id="2d")
    each_dtype("numpy.vstack", lambda g, d: A([g.arr((3,), d), g.arr((3,), d)]), id="1d")
    each_dtype("numpy.append", lambda g, d: A(g.arr((2, 3), d), g.arr((2, 2), d)), id="flat")
    each_dtype(
        "numpy.append", lambda g, d: A(g.arr((2, 3), d), g.arr((1, 3), d), axis=0), id="axis0"
    )
    each_dtype("numpy.split", lambda g, d: A(g.arr((6, 2), d), 3), id="sections")
    each_dtype("numpy.split", lambda g, d: A(g.arr((2, 6), d), [1, 4], axis=1), id="indices")
    each_dtype("numpy.array_split", lambda g, d: A(g.arr((7, 2), d), 3), id="uneven", grad=False)
    each_dtype(
        "numpy.array_split", lambda g, d: A(g.arr((2, 5), d), [2], axis=1), id="indices", grad=False
    )
    each_dtype("numpy.meshgrid", lambda g, d: A(g.arr((3,), d), g.arr((2,), d)), id="xy")
    each_dtype(
        "numpy.meshgrid",
        lambda g, d: A(g.arr((3,), d), g.arr((2,), d), g.arr((2,), d), indexing="ij"),
        id="ij",
    )
    # Padding: every mode, asymmetric widths (a wrong mode or a one-off shift is caught).
    for mode in ("constant", "edge", "reflect", "symmetric", "wrap"):
        each_dtype(
            "numpy.pad", lambda g, d, m=mode: A(g.arr((3, 4), d), ((1, 2), (2, 1)), mode=m), id=mode
        )
    each_dtype(
        "numpy.pad", lambda g, d: A(g.arr((3, 4), d), 1, constant_values=2.5), id="constant-value"
    )
    each_dtype("numpy.pad", lambda g, d: A(g.arr((3, 4), d), (1, 2)), id="pair")
    for mode in ("linear_ramp", "maximum", "mean", "median", "minimum"):
        each_dtype(
            "numpy.pad",
            lambda g, d, m=mode: A(g.arr((3, 4), d), ((1, 1), (2, 0)), mode=m),
            id=mode,
            grad=False,
        )
    add(
        "numpy.pad",
        A(Inputs("pad-int").arr((2, 3), "int32"), ((1, 0), (0, 2)), mode="reflect"),
        id="int32-reflect",
        dtypes=("int32",),
    )


def _indexing() -> None:
    key_cases = {
        "int": 1,
        "slice": (slice(None), slice(1, None, 2)),
        "neg-step": (slice(None, None, -1),),
        "none-ellipsis": (None, Ellipsis, 0),
        "int-array": np.array([2, 0, 2], "int32"),
        "bool-mask": np.array([True, False, True, True]),
    }
    for kid, key in key_cases.items():
        each_dtype(
            "numpy.get_item", lambda g, d, k=key: A(g.arr((4, 3), d), k), id=kid, grad_argnums=(0,)
        )
    each_dtype(
        "numpy.take",
        lambda g, d: A(g.arr((3, 4), d), np.array([[0, 2], [3, 1]])),
        id="flat",
        grad_argnums=(0,),
    )
    each_dtype(
        "numpy.take",
        lambda g, d: A(g.arr((3, 4), d), np.array([2, 0, 2]), axis=1),
        id="axis1",
        grad_argnums=(0,),
    )
    each_dtype(
        "numpy.take",
        lambda g, d: A(g.arr((3, 4), d), np.array([-1, 0]), axis=0),
        id="negative",
        grad_argnums=(0,),
    )
    each_dtype(
        "numpy.take_along_axis",
        lambda g, d: A(g.arr((3, 4), d), np.array([[0], [3], [1]]), axis=1),
        id="axis1",
        grad_argnums=(0,),
    )
    each_dtype(
        "numpy.take_along_axis",
        lambda g, d: A(g.arr((3, 4), d), np.array([[2, 0, 1, 1]]), axis=0),
        id="axis0",
        grad_argnums=(0,),
    )
    each_dtype(
        "numpy.where",
        lambda g, d: A(g.arr((2, 3), "bool"), g.arr((2, 3), d), g.arr((3,), d)),
        id="select",
        grad_argnums=(1, 2),
    )
    each_dtype(
        "numpy.where",
        lambda g, d: A(g.arr((2, 3), "bool"), g.arr((2, 3), d), 0.0),
        id="scalar",
        grad_argnums=(1,),
    )
    add(
        "numpy.where",
        A(
            Inputs("where-int").arr((2, 3), "bool"),
            Inputs("w1").arr((2, 3), "int32"),
            Inputs("w2").arr((2, 3), "float32"),
        ),
        id="int32-float32",
        dtypes=("int32", "float32"),
    )
    add(
        "numpy.where",
        A(Inputs("where1").arr((2, 3), "float32", "grid")),
        id="nonzero-form",
        dtypes=("float32",),
    )
    each_dtype(
        "numpy.select",
        lambda g, d: A(
            [g.arr((2, 3), "bool"), g.arr((2, 3), "bool")],
            [g.arr((2, 3), d), g.arr((2, 3), d)],
            -1.0,
        ),
        grad_argnums=(1,),
    )
    add(
        "numpy.nonzero",
        A(Inputs("nz").arr((3, 4), "float32", "grid")),
        id="float32",
        dtypes=("float32",),
    )
    add("numpy.nonzero", A(Inputs("nz1").arr((5,), "bool")), id="bool", dtypes=("bool",))
    add("numpy.nonzero", A(np.zeros((2, 2), "int32")), id="int32-none", dtypes=("int32",))
    add("numpy.unravel_index", A(np.array([0, 5, 7], "int32"), (2, 4)), id="vector")
    add("numpy.unravel_index", A(np.array(11, "int32"), (3, 4)), id="scalar")
    add("numpy.ndim", A(Inputs("nd").arr((2, 3, 1))), id="3d", dtypes=("float32",))
    add("numpy.ndim", A(Inputs("nd0").arr(())), id="0d", dtypes=("float32",))
    add("numpy.size", A(Inputs("sz").arr((2, 3, 1))), id="3d", dtypes=("float32",))
    add("numpy.size", A(Inputs("sz0").arr((0, 3))), id="empty", dtypes=("float32",))
    add(
        "numpy.view",
        A(Inputs("view").arr((2, 4), "float32"), "int32"),
        id="float32-int32",
        dtypes=("float32",),
        reference_dtype="same",
    )
    add(
        "numpy.view",
        A(Inputs("view2").arr((2, 4), "int32"), "uint8"),
        id="int32-uint8",
        dtypes=("int32",),
        reference_dtype="same",
    )
    add(
        "numpy.view",
        A(Inputs("view3").arr((2, 4), "float16"), "int16"),
        id="float16-int16",
        dtypes=("float16",),
        reference_dtype="same",
    )


def _sorting() -> None:
    each_dtype("numpy.sort", lambda g, d: A(g.arr((3, 5), d)), id="last")
    each_dtype("numpy.sort", lambda g, d: A(g.arr((3, 5), d), axis=0), id="axis0")
    each_dtype("numpy.sort", lambda g, d: A(g.arr((3, 5), d), axis=None), id="flat")
    each_dtype(
        "numpy.sort",
        lambda g, d: A(g.arr((6,), d)),
        dtypes=("int32", "float16", "uint8"),
        grad=False,
    )
    add("numpy.sort", A(Inputs("sort-empty").arr((0,))), id="float32-empty", dtypes=("float32",))
    for axis in (-1, 0, None):
        each_dtype(
            "numpy.argsort",
            lambda g, d, a=axis: A(g.arr((3, 5), d), axis=a),
            dtypes=("float32", "float64", "int32"),
            grad=False,
            id=f"axis{axis}",
        )
    for kth in (0, 2, 4):
        each_dtype(
            "numpy.argpartition",
            lambda g, d, k=kth: A(g.arr((3, 5), d), k),
            dtypes=("float32", "int32"),
            grad=False,
            id=f"kth{kth}",
            call=_partition_call(kth),
        )
    for side in ("left", "right"):
        each_dtype(
            "numpy.searchsorted",
            lambda g, d, s=side: A(
                np.sort(np.asarray(g.arr((6,), d, "grid"))), g.arr((2, 3), d, "grid"), side=s
            ),
            dtypes=("float32", "int32"),
            grad=False,
            id=side,
        )
    each_dtype(
        "numpy.digitize",
        lambda g, d: A(g.arr((2, 4), d), np.array([-1.0, 0.0, 0.5, 2.0], d)),
        dtypes=("float32", "float64"),
        grad=False,
    )
    add(
        "numpy.digitize",
        A(Inputs("dig").arr((5,), "int32"), np.array([-2, 0, 3], "int32")),
        id="int32",
        dtypes=("int32",),
    )
    add(
        "numpy.isin",
        A(Inputs("isin").arr((3, 4), "int32"), np.array([0, 2, -3], "int32")),
        id="int32",
        dtypes=("int32",),
    )
    add(
        "numpy.isin",
        A(
            Inputs("isin2").arr((3, 4), "float32", "grid"),
            np.array([1.0, -2.0], "float32"),
            invert=True,
        ),
        id="float32-invert",
        dtypes=("float32",),
    )
    add(
        "numpy.bincount",
        A(Inputs("bc").arr((8,), "int32", "nonneg")),
        id="int32",
        dtypes=("int32",),
    )
    add(
        "numpy.bincount",
        A(Inputs("bc2").arr((8,), "int32", "nonneg"), minlength=8),
        id="int32-minlength",
        dtypes=("int32",),
    )
    add(
        "numpy.bincount",
        A(Inputs("bc3").arr((6,), "int32", "nonneg"), weights=Inputs("bcw").arr((6,), "float32")),
        id="weights",
        dtypes=("int32", "float32"),
    )
    add(
        "numpy.bincount",
        A(Inputs("bc4").arr((2, 5), "int32", "nonneg"), minlength=6),
        id="int32-2d",
        dtypes=("int32",),
    )
    # The bin edges are computed (min + i * width): element-wise rounding.
    add(
        "numpy.histogram",
        A(Inputs("hist").arr((20,), "float32")),
        id="float32",
        dtypes=("float32",),
        tier="elementwise",
    )
    add(
        "numpy.histogram",
        A(Inputs("hist2").arr((20,), "float64"), bins=4, range=(-1.0, 1.0)),
        id="float64-range",
        dtypes=("float64",),
        tier="elementwise",
    )


def _partition_call(kth: int):
    """argpartition's order inside each side is unspecified: compare the k-th value and the
    sorted values on each side."""

    def call(fn, x, k):
        from tholos import ops

        idx = fn(x, k)
        parted = ops.take_along_axis(x, idx, axis=-1)
        return (
            ops.sort(parted[..., :kth], axis=-1),
            parted[..., kth],
            ops.sort(parted[..., kth + 1 :], axis=-1),
        )

    return call


def _slogdet() -> None:
    def matrix(g, d, shape=(3, 3)):
        m = np.asarray(g.arr(shape, "float64", "small")) + 3 * np.eye(shape[-1])
        return m.astype(d)

    each_dtype("numpy.slogdet", lambda g, d: A(matrix(g, d)), id="3x3")
    each_dtype("numpy.slogdet", lambda g, d: A(-matrix(g, d, (2, 3, 3))), id="batch-negative")


_contractions()
_creation()
_manipulation()
_indexing()
_sorting()
_slogdet()
