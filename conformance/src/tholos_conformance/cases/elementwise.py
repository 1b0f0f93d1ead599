"""Generated cases for element-wise unary and binary ops.

Each op lists the value domain of its inputs and the dtype kinds it accepts; cases are generated
for several shapes (2-d, 0-d, empty, broadcasting, a weak Python scalar) and dtypes (float16,
bfloat16, float32, float64, int32/int8/uint8, bool, complex64 where the op takes them).
Gradients are checked on the float32 and float64 2-d cases of differentiable ops.
"""

from __future__ import annotations

from tholos_conformance.cases._registry import A, Inputs, add
from tholos_conformance.compare import op_spec

# kinds: f = float16/bfloat16/float32/float64, i = int32 (+ int8/uint8), b = bool, c = complex64
UNARY: dict[str, tuple[str, str]] = {
    "numpy.abs": ("real", "fi"),
    "numpy.absolute": ("real", "fi"),
    "numpy.arccos": ("unit", "f"),
    "numpy.arccosh": ("ge1", "fi"),
    "numpy.arcsin": ("unit", "f"),
    "numpy.arcsinh": ("real", "fi"),
    "numpy.arctan": ("real", "fi"),
    "numpy.arctanh": ("unit", "f"),
    "numpy.angle": ("real", "fc"),
    "numpy.bitwise_invert": ("real", "ib"),
    "numpy.bitwise_not": ("real", "ib"),
    "numpy.cbrt": ("real", "fi"),
    "numpy.ceil": ("real", "fi"),
    "numpy.conj": ("real", "fic"),
    "numpy.conjugate": ("real", "fic"),
    "numpy.copy": ("real", "fibc"),
    "numpy.cos": ("real", "fi"),
    "numpy.cosh": ("real", "fi"),
    "numpy.deg2rad": ("real", "fi"),
    "numpy.exp": ("real", "fi"),
    "numpy.exp2": ("real", "fi"),
    "numpy.expm1": ("real", "fi"),
    "numpy.floor": ("real", "fi"),
    "numpy.imag": ("real", "fc"),
    "numpy.isfinite": ("special", "fi"),
    "numpy.isinf": ("special", "fi"),
    "numpy.isnan": ("special", "fi"),
    "numpy.isneginf": ("special", "fi"),
    "numpy.isposinf": ("special", "fi"),
    "numpy.isreal": ("real", "fic"),
    "numpy.log": ("pos", "fi"),
    "numpy.log10": ("pos", "fi"),
    "numpy.log1p": ("pos", "fi"),
    "numpy.log2": ("pos", "fi"),
    "numpy.logical_not": ("grid", "fib"),
    "numpy.nan_to_num": ("special", "fi"),
    "numpy.negative": ("real", "fi"),
    "numpy.real": ("real", "fc"),
    "numpy.reciprocal": ("nonzero", "f"),
    "numpy.round": ("real", "fi"),
    "numpy.sign": ("real", "fi"),
    "numpy.signbit": ("real", "fi"),
    "numpy.sin": ("real", "fi"),
    "numpy.sinh": ("real", "fi"),
    "numpy.sqrt": ("pos", "fi"),
    "numpy.square": ("real", "fi"),
    "numpy.tan": ("small", "fi"),
    "numpy.tanh": ("real", "fi"),
    "numpy.trunc": ("real", "fi"),
    "nn.relu": ("real", "f"),
    "nn.relu6": ("wide", "f"),
    "nn.sigmoid": ("wide", "f"),
    "nn.sparse_sigmoid": ("real", "f"),
    "nn.softplus": ("wide", "f"),
    "nn.softsign": ("real", "f"),
    "nn.soft_shrink": ("real", "f"),
    "nn.sparse_plus": ("real", "f"),
    "nn.silu": ("wide", "f"),
    "nn.squareplus": ("real", "f"),
    "nn.log_sigmoid": ("wide", "f"),
    "nn.leaky_relu": ("real", "f"),
    "nn.hard_sigmoid": ("wide", "f"),
    "nn.hard_silu": ("wide", "f"),
    "nn.elu": ("real", "f"),
    "nn.selu": ("real", "f"),
    "nn.gelu": ("real", "f"),
    "nn.celu": ("real", "f"),
    "nn.tanh_shrink": ("real", "f"),
    "nn.hard_tanh": ("real", "f"),
    "nn.hard_shrink": ("real", "f"),
    "nn.softmax": ("wide", "f"),
    "nn.log_softmax": ("wide", "f"),
    "nn.sparsemax": ("real", "f"),
    "math.rsqrt": ("pos", "f"),
    "math.erf": ("real", "f"),
    "math.erfinv": ("unit", "f"),
}

# Ops that need at least one axis (no 0-d case).
_NEEDS_AXIS = {"nn.softmax", "nn.log_softmax", "nn.sparsemax"}

BINARY: dict[str, tuple[str, str, str]] = {
    "numpy.add": ("real", "real", "fi"),
    "numpy.subtract": ("real", "real", "fi"),
    "numpy.multiply": ("real", "real", "fi"),
    "numpy.divide": ("real", "nonzero", "fi"),
    "numpy.true_divide": ("real", "nonzero", "fi"),
    "numpy.divide_no_nan": ("real", "withzero", "f"),
    "numpy.arctan2": ("real", "nonzero", "f"),
    "numpy.hypot": ("real", "nonzero", "f"),
    "numpy.logaddexp": ("real", "real", "f"),
    "numpy.logaddexp2": ("real", "real", "f"),
    "numpy.power": ("pos", "real", "f"),
    "numpy.maximum": ("real", "real", "fi"),
    "numpy.minimum": ("real", "real", "fi"),
    "numpy.mod": ("real", "nonzero", "fi"),
    "numpy.floor_divide": ("real", "nonzero", "fi"),
    "numpy.equal": ("grid", "grid", "fib"),
    "numpy.not_equal": ("grid", "grid", "fib"),
    "numpy.greater": ("grid", "grid", "fi"),
    "numpy.greater_equal": ("grid", "grid", "fi"),
    "numpy.less": ("grid", "grid", "fi"),
    "numpy.less_equal": ("grid", "grid", "fi"),
    "numpy.logical_and": ("grid", "grid", "fib"),
    "numpy.logical_or": ("grid", "grid", "fib"),
    "numpy.logical_xor": ("grid", "grid", "fib"),
    "numpy.bitwise_and": ("real", "real", "ib"),
    "numpy.bitwise_or": ("real", "real", "ib"),
    "numpy.bitwise_xor": ("real", "real", "ib"),
    "numpy.left_shift": ("real", "shift", "i"),
    "numpy.right_shift": ("real", "shift", "i"),
    "numpy.bitwise_left_shift": ("real", "shift", "i"),
    "numpy.bitwise_right_shift": ("real", "shift", "i"),
    "numpy.gcd": ("real", "real", "i"),
    "numpy.lcm": ("real", "real", "i"),
    "numpy.heaviside": ("grid", "real", "f"),
    "numpy.nextafter": ("real", "real", "f"),
}

# Ops whose result depends on the precision itself (dtype limits, ulp steps): the reference
# runs in the tested dtype.
_REFERENCE_SAME_DTYPE = {"numpy.nextafter", "numpy.nan_to_num"}
# Domains with points where the derivative does not exist: no gradient case from them.
_NO_GRAD_DOMAINS = {"special", "withzero", "grid"}

UNARY_SHAPES = {"2x3": (2, 3), "0d": (), "empty": (0, 3), "1d": (5,)}
BINARY_SHAPES = {
    "same": ((2, 3), (2, 3)),
    "bcast": ((2, 3), (3,)),
    "outer": ((4, 1), (1, 3)),
    "0d": ((), ()),
    "empty": ((0, 3), (3,)),
}


def _dtypes_for(kinds: str) -> list[str]:
    out = []
    if "f" in kinds:
        out += ["float32", "float64", "float16", "bfloat16"]
    if "i" in kinds:
        out += ["int32", "int8", "uint8"]
    if "b" in kinds:
        out += ["bool"]
    if "c" in kinds:
        out += ["complex64"]
    return out


def _unary() -> None:
    for op, (domain, kinds) in UNARY.items():
        spec = op_spec(op)
        for dtype in _dtypes_for(kinds):
            shapes = UNARY_SHAPES if dtype == "float32" else {"2x3": (2, 3), "0d": ()}
            for sid, shape in shapes.items():
                if op in _NEEDS_AXIS and shape == ():
                    continue
                g = Inputs(f"{op}/{dtype}/{sid}")
                grad = spec.differentiable and dtype in ("float32", "float64") and sid == "2x3"
                grad = grad and domain not in _NO_GRAD_DOMAINS
                options = {"reference_dtype": "same"} if op in _REFERENCE_SAME_DTYPE else {}
                add(
                    op,
                    A(g.arr(shape, dtype, domain)),
                    id=f"{dtype}-{sid}",
                    dtypes=(dtype,),
                    grad=grad,
                    **options,
                )


def _binary() -> None:
    for op, (d1, d2, kinds) in BINARY.items():
        spec = op_spec(op)
        options = {"reference_dtype": "same"} if op in _REFERENCE_SAME_DTYPE else {}
        for dtype in _dtypes_for(kinds):
            shapes = BINARY_SHAPES if dtype == "float32" else {"bcast": ((2, 3), (3,))}
            for sid, (s1, s2) in shapes.items():
                g = Inputs(f"{op}/{dtype}/{sid}")
                grad = spec.differentiable and dtype in ("float32", "float64") and sid == "bcast"
                grad = grad and not {d1, d2} & _NO_GRAD_DOMAINS
                add(
                    op,
                    A(g.arr(s1, dtype, d1), g.arr(s2, dtype, d2)),
                    id=f"{dtype}-{sid}",
                    dtypes=(dtype,),
                    grad=grad,
                    **options,
                )
            if dtype in ("float32", "int32") and "shift" not in (d1, d2):
                # A weak Python scalar: the tensor's dtype wins.
                g = Inputs(f"{op}/{dtype}/scalar")
                scalar = {"grid": 1, "real": 2, "nonzero": 2, "withzero": 2}.get(d2, 2)
                scalar = float(scalar) if dtype == "float32" else scalar
                add(
                    op,
                    A(g.arr((2, 3), dtype, d1), scalar),
                    id=f"{dtype}-scalar",
                    dtypes=(dtype,),
                    **options,
                )


def _extras() -> None:
    # Non-default arguments of some generated ops.
    g = Inputs("extras")
    add(
        "nn.gelu",
        A(g.arr((2, 3), "float32"), approximate=False),
        id="float32-exact",
        dtypes=("float32",),
        grad=True,
    )
    add(
        "nn.leaky_relu",
        A(g.arr((2, 3), "float32"), negative_slope=0.5),
        id="float32-slope",
        dtypes=("float32",),
        grad=True,
    )
    add(
        "nn.elu",
        A(g.arr((2, 3), "float32"), alpha=0.7),
        id="float32-alpha",
        dtypes=("float32",),
        grad=True,
    )
    add(
        "nn.celu",
        A(g.arr((2, 3), "float32"), alpha=0.7),
        id="float32-alpha",
        dtypes=("float32",),
        grad=True,
    )
    add(
        "nn.squareplus",
        A(g.arr((2, 3), "float32"), b=2.0),
        id="float32-b",
        dtypes=("float32",),
        grad=True,
    )
    add(
        "nn.softmax",
        A(g.arr((2, 3, 4), "float32"), axis=1),
        id="float32-axis1",
        dtypes=("float32",),
        grad=True,
    )
    add(
        "nn.softmax",
        A(g.arr((2, 3, 4), "float32"), axis=(1, 2)),
        id="float32-axes",
        dtypes=("float32",),
    )
    add(
        "nn.log_softmax",
        A(g.arr((2, 3, 4), "float64"), axis=0),
        id="float64-axis0",
        dtypes=("float64",),
        grad=True,
    )
    add(
        "nn.sparsemax",
        A(g.arr((3, 4), "float32"), axis=0),
        id="float32-axis0",
        dtypes=("float32",),
        grad=True,
    )
    add(
        "nn.soft_shrink",
        A(g.arr((2, 3), "float32"), threshold=1.0),
        id="float32-threshold",
        dtypes=("float32",),
        grad=True,
    )
    add(
        "nn.hard_shrink",
        A(g.arr((2, 3), "float32"), threshold=1.0),
        id="float32-threshold",
        dtypes=("float32",),
        grad=True,
    )
    for dtype in ("float32", "float64"):
        add(
            "nn.threshold", A(g.arr((2, 3), dtype), 0.3, -1.0), id=dtype, dtypes=(dtype,), grad=True
        )
        add("nn.glu", A(g.arr((2, 4), dtype)), id=dtype, dtypes=(dtype,), grad=True)
        add(
            "nn.glu",
            A(g.arr((4, 3), dtype), axis=0),
            id=f"{dtype}-axis0",
            dtypes=(dtype,),
            grad=True,
        )
        add(
            "numpy.ldexp",
            A(g.arr((2, 3), dtype), g.arr((2, 3), "int32", "shift")),
            id=dtype,
            dtypes=(dtype,),
            grad=True,
            grad_argnums=(0,),
        )
        add(
            "numpy.isclose",
            A(g.arr((2, 3), dtype, "grid"), g.arr((2, 3), dtype, "grid")),
            id=dtype,
            dtypes=(dtype,),
        )
        add(
            "numpy.round",
            A(g.arr((2, 3), dtype) * 10, decimals=1),
            id=f"{dtype}-decimals",
            dtypes=(dtype,),
        )
        add(
            "numpy.nan_to_num",
            A(g.arr((2, 3), dtype, "special"), nan=1.0, posinf=9.0, neginf=-9.0),
            id=f"{dtype}-values",
            dtypes=(dtype,),
        )
        add(
            "numpy.nan_to_num",
            A(g.arr((2, 3), dtype)),
            id=f"{dtype}-finite",
            dtypes=(dtype,),
            grad=True,
        )
        add(
            "numpy.divide_no_nan",
            A(g.arr((2, 3), dtype), g.arr((3,), dtype, "nonzero")),
            id=f"{dtype}-nonzero",
            dtypes=(dtype,),
            grad=True,
        )
        add("numpy.clip", A(g.arr((2, 3), dtype), -0.5, 0.7), id=dtype, dtypes=(dtype,), grad=True)
        add(
            "numpy.clip",
            A(g.arr((2, 3), dtype), g.arr((3,), dtype) - 1, 1.0),
            id=f"{dtype}-tensor-bounds",
            dtypes=(dtype,),
        )
    g = Inputs("isclose-near")
    x = g.arr((2, 3), "float32")
    add("numpy.isclose", A(x, x * (1 + 1e-6), rtol=1e-5), id="float32-near", dtypes=("float32",))
    add("numpy.clip", A(g.arr((2, 3), "int32"), -1, 2), id="int32", dtypes=("int32",))
    add(
        "numpy.ldexp",
        A(g.arr((2, 3), "float16"), g.arr((2, 3), "int32", "shift")),
        id="float16",
        dtypes=("float16",),
    )


_unary()
_binary()
_extras()
