"""Hand-written cases for the ``image`` family: every interpolation of ``resize`` (up and
down), affine transforms and coordinate maps with each fill mode, padding and cropping
(where an off-by-one shows), colour conversions and patches."""

from __future__ import annotations

import numpy as np

from tholos_conformance.cases._registry import A, each_dtype


def _cases() -> None:
    for interp in ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5"):
        for sid, size in (("up", (7, 9)), ("down", (3, 2))):
            each_dtype(
                "image.resize",
                lambda g, d, s=size, i=interp: A(
                    g.arr((2, 5, 4, 3), d, "prob"), s, interpolation=i
                ),
                id=f"{interp}-{sid}",
                grad=interp != "nearest",
            )
    each_dtype(
        "image.resize",
        lambda g, d: A(g.arr((2, 8, 6, 1), d, "prob"), (3, 4), antialias=True),
        id="bilinear-antialias",
    )
    each_dtype(
        "image.resize",
        lambda g, d: A(g.arr((1, 3, 5, 4), d, "prob"), (6, 6), data_format="channels_first"),
        id="cfirst",
    )
    each_dtype(
        "image.resize",
        lambda g, d: A(g.arr((5, 8, 2), d, "prob"), (4, 4), crop_to_aspect_ratio=True),
        id="crop-aspect",
    )
    each_dtype(
        "image.resize",
        lambda g, d: A(
            g.arr((1, 5, 8, 2), d, "prob"), (4, 4), pad_to_aspect_ratio=True, fill_value=0.5
        ),
        id="pad-aspect",
    )
    each_dtype(
        "image.resize",
        lambda g, d: A(g.arr((1, 5, 4, 3), d, "prob"), (7, 9)),
        dtypes=("float16", "uint8"),
        grad=False,
        id="bilinear",
    )
    transforms = {
        "shift": np.array([1, 0, 1.5, 0, 1, -0.5, 0, 0], "float32"),
        "rotate": np.array([0.8, -0.6, 1.2, 0.6, 0.8, -0.9, 0, 0], "float32"),
        "projective": np.array([1.1, 0.1, -0.3, 0.05, 0.9, 0.4, 0.01, -0.02], "float32"),
    }
    for tid, t in transforms.items():
        for interp in ("bilinear", "nearest"):
            for fill in ("constant", "nearest", "reflect", "wrap", "mirror"):
                each_dtype(
                    "image.affine_transform",
                    lambda g, d, t=t, i=interp, f=fill: A(
                        g.arr((2, 5, 6, 2), d),
                        t.astype(d),
                        interpolation=i,
                        fill_mode=f,
                        fill_value=0.25,
                    ),
                    id=f"{tid}-{interp}-{fill}",
                    grad=interp == "bilinear" and fill == "constant",
                    grad_argnums=(0,),
                )
    each_dtype(
        "image.affine_transform",
        lambda g, d: A(
            g.arr((2, 4, 5, 1), d), np.stack([transforms["shift"], transforms["rotate"]]).astype(d)
        ),
        id="batch-transforms",
        grad_argnums=(0,),
    )
    coords = np.array([[0.5, 2.25, -0.7, 3.9, 1.0], [1.5, -1.2, 0.3, 2.6, 4.4]], "float32")
    for order in (0, 1):
        for fill in ("constant", "nearest", "wrap", "mirror", "reflect"):
            each_dtype(
                "image.map_coordinates",
                lambda g, d, o=order, f=fill: A(
                    g.arr((4, 5), d), coords.astype(d), o, fill_mode=f, fill_value=-1.0
                ),
                id=f"order{order}-{fill}",
                grad=order == 1 and fill == "constant",
                grad_argnums=(0,),
            )
    pads = [
        ("tl", {"top_padding": 1, "left_padding": 2, "bottom_padding": 0, "right_padding": 3}),
        ("target", {"top_padding": 1, "left_padding": 1, "target_height": 7, "target_width": 6}),
    ]
    for pid, kw in pads:
        each_dtype("image.pad_images", lambda g, d, kw=kw: A(g.arr((2, 4, 3, 2), d), **kw), id=pid)
    each_dtype(
        "image.pad_images",
        lambda g, d: A(g.arr((2, 4, 3), d), 2, 1, 0, 0, data_format="channels_first"),
        id="cfirst",
    )
    crops = [
        ("tl", {"top_cropping": 1, "left_cropping": 2, "bottom_cropping": 0, "right_cropping": 1}),
        ("target", {"top_cropping": 1, "left_cropping": 1, "target_height": 3, "target_width": 2}),
    ]
    for cid, kw in crops:
        each_dtype("image.crop_images", lambda g, d, kw=kw: A(g.arr((2, 6, 5, 2), d), **kw), id=cid)
    for name in ("rgb_to_grayscale", "rgb_to_hsv", "hsv_to_rgb"):
        each_dtype(
            f"image.{name}", lambda g, d: A(g.arr((2, 3, 4, 3), d, "prob")), id="last", grad=True
        )
        each_dtype(
            f"image.{name}",
            lambda g, d: A(g.arr((3, 2, 2), d, "prob"), data_format="channels_first"),
            id="cfirst",
            grad=False,
        )
    each_dtype(
        "image.rgb_to_grayscale",
        lambda g, d: A(g.arr((2, 2, 3), d, "prob")),
        dtypes=("float16", "uint8"),
        grad=False,
        id="other",
    )
    for pid, kw in (
        ("valid", {}),
        ("same-s1", {"strides": 1, "padding": "same"}),
        ("dilated", {"strides": 1, "dilation_rate": 2}),
    ):
        each_dtype(
            "image.extract_patches", lambda g, d, kw=kw: A(g.arr((2, 6, 5, 2), d), 2, **kw), id=pid
        )
    each_dtype(
        "image.extract_patches",
        lambda g, d: A(g.arr((1, 2, 6, 6), d), (3, 2), data_format="channels_first"),
        id="cfirst",
    )


_cases()
