"""Hand-written cases for the ``math`` family: segments, top-k, framing, FFTs and STFTs."""

from __future__ import annotations

import numpy as np

from tholos_conformance.cases._registry import A, Inputs, add, each_dtype

F = ("float32", "float64")


def _cases() -> None:
    seg = np.array([0, 0, 2, 1, 2, 2], "int32")
    for name in ("segment_sum", "segment_max"):
        each_dtype(f"math.{name}", lambda g, d: A(g.arr((6, 2), d), seg), grad_argnums=(0,))
        each_dtype(
            f"math.{name}",
            lambda g, d: A(g.arr((6,), d), seg, num_segments=4),
            id="empty-segment",
            grad_argnums=(0,),
            grad=name == "segment_sum",
        )
        each_dtype(
            f"math.{name}",
            lambda g, d: A(g.arr((6,), d), np.sort(seg), sorted=True),
            id="sorted",
            grad_argnums=(0,),
        )
        add(f"math.{name}", A(Inputs(name).arr((6,), "int32"), seg), id="int32", dtypes=("int32",))
    each_dtype("math.top_k", lambda g, d: A(g.arr((3, 6), d), 3), grad_argnums=(0,))
    each_dtype("math.top_k", lambda g, d: A(g.arr((5,), d), 5), id="k-all", grad_argnums=(0,))
    add("math.top_k", A(np.array([1, 4, 2, 4, 0], "int32"), 3), id="int32-ties", dtypes=("int32",))
    add(
        "math.in_top_k",
        A(np.array([2, 0, 1], "int32"), Inputs("itk").arr((3, 4)), 2),
        id="k2",
        dtypes=("float32",),
    )
    add(
        "math.in_top_k",
        A(np.array([2, 0, 1], "int32"), Inputs("itk1").arr((3, 4)), 1),
        id="k1",
        dtypes=("float32",),
    )
    each_dtype("math.extract_sequences", lambda g, d: A(g.arr((2, 10), d), 4, 3))
    each_dtype("math.extract_sequences", lambda g, d: A(g.arr((9,), d), 3, 3), id="1d")
    for name in ("fft", "fft2", "ifft2"):
        shape = (3, 8) if name == "fft" else (2, 4, 6)
        each_dtype(
            f"math.{name}", lambda g, d, s=shape: A((g.arr(s, d), g.arr(s, d))), tier="matmul"
        )
    each_dtype("math.rfft", lambda g, d: A(g.arr((3, 8), d)), tier="matmul")
    each_dtype(
        "math.rfft", lambda g, d: A(g.arr((7,), d), fft_length=10), id="fft-length", tier="matmul"
    )
    each_dtype("math.irfft", lambda g, d: A((g.arr((2, 5), d), g.arr((2, 5), d))), tier="matmul")
    each_dtype(
        "math.irfft",
        lambda g, d: A((g.arr((5,), d), g.arr((5,), d)), fft_length=9),
        id="odd-length",
        tier="matmul",
    )
    for window in ("hann", "hamming", None):
        for center in (True, False):
            wid = f"{window}-center-{center}"
            each_dtype(
                "math.stft",
                lambda g, d, w=window, c=center: A(g.arr((2, 32), d), 8, 4, 8, window=w, center=c),
                id=wid,
                tier="matmul",
                grad=window == "hann",
            )
            each_dtype(
                "math.istft",
                lambda g, d, w=window, c=center: A(
                    (g.arr((2, 9, 5), d), g.arr((2, 9, 5), d)), 8, 4, 8, window=w, center=c
                ),
                id=wid,
                tier="matmul",
                grad=window == "hann",
            )
    each_dtype(
        "math.stft", lambda g, d: A(g.arr((20,), d), 6, 3, 8), id="padded-window", tier="matmul"
    )
    each_dtype(
        "math.istft",
        lambda g, d: A((g.arr((9, 5), d), g.arr((9, 5), d)), 8, 4, 8, length=30),
        id="length",
        tier="matmul",
    )


_cases()
