"""Hand-written cases for the ``nn`` family: convolutions (every padding, stride, dilation and
data format, including stride-2 ``"same"`` transposed convolutions, where a one-pixel shift
would show), pooling, losses, normalization, attention, encodings, CTC."""

from __future__ import annotations

import numpy as np

from tholos_conformance.cases._registry import A, add, each_dtype


def _real_imag(out):
    from tholos import ops

    return [ops.real(out), ops.imag(out)]


def _spatial(rank: int, size: int = 6) -> tuple[int, ...]:
    return (size, size - 1, size - 2)[:rank]


def _conv() -> None:
    for rank in (1, 2, 3):
        size = {1: 9, 2: 7, 3: 5}[rank]
        sp = _spatial(rank, size)
        kern = (3, 2, 3)[:rank]
        configs = [
            ("valid", 1, 1, "channels_last"),
            ("same", 1, 1, "channels_last"),
            ("same", 2, 1, "channels_last"),
            ("valid", 2, 1, "channels_first"),
            ("same", 1, 2, "channels_last"),
        ]
        if rank == 3:
            configs = configs[:3]
        for padding, stride, dilation, fmt in configs:
            cid = f"{rank}d-{padding}-s{stride}-d{dilation}-{fmt}"
            shape = (2, *sp, 3) if fmt == "channels_last" else (2, 3, *sp)

            def conv_case(
                g,
                d,
                shape=shape,
                padding=padding,
                stride=stride,
                dilation=dilation,
                fmt=fmt,
                kern=kern,
            ):
                return A(
                    g.arr(shape, d, "small"),
                    g.arr((*kern, 3, 4), d, "small"),
                    strides=stride,
                    padding=padding,
                    data_format=fmt,
                    dilation_rate=dilation,
                )

            each_dtype("nn.conv", conv_case, id=cid, grad=rank < 3)

            def dw_case(
                g,
                d,
                shape=shape,
                padding=padding,
                stride=stride,
                dilation=dilation,
                fmt=fmt,
                kern=kern,
            ):
                return A(
                    g.arr(shape, d, "small"),
                    g.arr((*kern, 3, 2), d, "small"),
                    strides=stride,
                    padding=padding,
                    data_format=fmt,
                    dilation_rate=dilation,
                )

            if rank < 3:
                each_dtype("nn.depthwise_conv", dw_case, id=cid)

                def sep_case(
                    g,
                    d,
                    shape=shape,
                    padding=padding,
                    stride=stride,
                    dilation=dilation,
                    fmt=fmt,
                    kern=kern,
                    rank=rank,
                ):
                    return A(
                        g.arr(shape, d, "small"),
                        g.arr((*kern, 3, 2), d, "small"),
                        g.arr((*(1,) * rank, 6, 4), d, "small"),
                        strides=stride,
                        padding=padding,
                        data_format=fmt,
                        dilation_rate=dilation,
                    )

                each_dtype("nn.separable_conv", sep_case, id=cid, grad=stride == 1)
    each_dtype(
        "nn.conv",
        lambda g, d: A(
            g.arr((1, 6, 6, 3), d, "small"), g.arr((3, 3, 3, 4), d, "small"), padding="same"
        ),
        dtypes=("float16", "bfloat16"),
        grad=False,
        id="2d-same",
    )
    # Grouped convolution: 4 input channels, kernel with 2 input channels per group.
    each_dtype(
        "nn.conv",
        lambda g, d: A(
            g.arr((1, 5, 5, 4), d, "small"), g.arr((3, 3, 2, 6), d, "small"), padding="same"
        ),
        id="2d-groups",
        grad=False,
    )
    # Transposed convolutions: the cases where a backend's "same" may sit one pixel off.
    for rank in (1, 2):
        sp = (5, 4)[:rank] if rank == 2 else (5,)
        for padding in ("valid", "same"):
            for stride in (1, 2, 3):
                for ksize in (3, 4):
                    cid = f"{rank}d-{padding}-s{stride}-k{ksize}"

                    def ct_case(
                        g, d, sp=sp, padding=padding, stride=stride, ksize=ksize, rank=rank
                    ):
                        return A(
                            g.arr((2, *sp, 3), d, "small"),
                            g.arr((*(ksize,) * rank, 2, 3), d, "small"),
                            strides=stride,
                            padding=padding,
                        )

                    each_dtype(
                        "nn.conv_transpose", ct_case, id=cid, grad=stride == 2 and ksize == 3
                    )
        each_dtype(
            "nn.conv_transpose",
            lambda g, d, sp=sp, rank=rank: A(
                g.arr((1, *sp, 2), d, "small"),
                g.arr((*(3,) * rank, 3, 2), d, "small"),
                strides=2,
                padding="same",
                output_padding=1,
            ),
            id=f"{rank}d-same-s2-outpad1",
        )
        each_dtype(
            "nn.conv_transpose",
            lambda g, d, sp=sp, rank=rank: A(
                g.arr((1, 2, *sp), d, "small"),
                g.arr((*(3,) * rank, 3, 2), d, "small"),
                strides=2,
                padding="same",
                data_format="channels_first",
            ),
            id=f"{rank}d-same-s2-cfirst",
        )
        each_dtype(
            "nn.conv_transpose",
            lambda g, d, sp=sp, rank=rank: A(
                g.arr((1, *sp, 2), d, "small"),
                g.arr((*(3,) * rank, 3, 2), d, "small"),
                padding="valid",
                dilation_rate=2,
            ),
            id=f"{rank}d-valid-dilated",
            grad=False,
        )


def _pool() -> None:
    for name in ("max_pool", "average_pool"):
        for rank in (1, 2, 3):
            sp = _spatial(rank, 7 if rank < 3 else 5)
            for padding in ("valid", "same"):
                for pool, stride in ((2, None), (3, 2)):
                    cid = f"{rank}d-{padding}-p{pool}-s{stride}"
                    each_dtype(
                        f"nn.{name}",
                        lambda g, d, sp=sp, pool=pool, stride=stride, padding=padding: A(
                            g.arr((2, *sp, 3), d), pool, strides=stride, padding=padding
                        ),
                        id=cid,
                        grad=rank == 2,
                    )
            each_dtype(
                f"nn.{name}",
                lambda g, d, sp=sp: A(g.arr((1, 2, *sp), d), 2, data_format="channels_first"),
                id=f"{rank}d-cfirst",
                grad=False,
            )
        each_dtype(
            f"nn.{name}",
            lambda g, d: A(g.arr((1, 6, 5, 2), d), (2, 3), strides=(1, 2), padding="same"),
            id="2d-rect",
            dtypes=("float32", "float64", "float16"),
        )


def _losses() -> None:
    def probs(g, shape, d):
        p = np.asarray(g.arr(shape, "float64", "pos"))
        return (p / p.sum(-1, keepdims=True)).astype(d)

    for from_logits in (False, True):
        fid = "logits" if from_logits else "probs"
        each_dtype(
            "nn.categorical_crossentropy",
            lambda g, d, fl=from_logits: A(
                probs(g, (4, 5), d), g.arr((4, 5), d) if fl else probs(g, (4, 5), d), from_logits=fl
            ),
            id=fid,
        )
        each_dtype(
            "nn.sparse_categorical_crossentropy",
            lambda g, d, fl=from_logits: A(
                np.array([0, 3, 4, 1], "int32"),
                g.arr((4, 5), d) if fl else probs(g, (4, 5), d),
                from_logits=fl,
            ),
            id=fid,
            grad_argnums=(1,),
        )
        each_dtype(
            "nn.binary_crossentropy",
            lambda g, d, fl=from_logits: A(
                g.arr((3, 4), d, "prob"),
                g.arr((3, 4), d) if fl else g.arr((3, 4), d, "prob"),
                from_logits=fl,
            ),
            id=fid,
        )
    each_dtype(
        "nn.categorical_crossentropy",
        lambda g, d: A(probs(g, (5, 3), d).T.copy(), g.arr((3, 5), d), from_logits=True, axis=0),
        id="axis0",
    )
    each_dtype(
        "nn.sparse_categorical_crossentropy",
        lambda g, d: A(np.array([[0, 2], [1, 1]], "int32"), g.arr((2, 2, 3), d), from_logits=True),
        id="3d",
        grad_argnums=(1,),
    )
    # Probabilities at 0 and 1: the epsilon clipping must agree.
    add(
        "nn.binary_crossentropy",
        A(np.array([0.0, 1.0, 1.0], "float32"), np.array([0.0, 1.0, 0.0], "float32")),
        id="float32-saturated",
        dtypes=("float32",),
    )
    add(
        "nn.categorical_crossentropy",
        A(np.array([[0.0, 1.0]], "float32"), np.array([[1.0, 0.0]], "float32")),
        id="float32-saturated",
        dtypes=("float32",),
    )
    each_dtype(
        "nn.psnr", lambda g, d: A(g.arr((2, 4, 4), d, "prob"), g.arr((2, 4, 4), d, "prob"), 1.0)
    )
    ctc_target = np.array([[1, 2, 0], [3, 3, 1]], "int32")
    each_dtype(
        "nn.ctc_loss",
        lambda g, d: A(
            ctc_target, g.arr((2, 6, 4), d), np.array([2, 3], "int32"), np.array([6, 5], "int32")
        ),
        grad_argnums=(1,),
    )
    each_dtype(
        "nn.ctc_loss",
        lambda g, d: A(
            ctc_target,
            g.arr((2, 6, 4), d),
            np.array([2, 3], "int32"),
            np.array([6, 6], "int32"),
            mask_index=3,
        ),
        id="mask3",
        grad_argnums=(1,),
    )


def _normalization() -> None:
    each_dtype("nn.moments", lambda g, d: A(g.arr((3, 4, 5), d), (0, 2)), id="axes02")
    each_dtype("nn.moments", lambda g, d: A(g.arr((3, 4), d), [1], keepdims=True), id="keep")
    each_dtype(
        "nn.moments",
        lambda g, d: A(g.arr((3, 4), d), [0]),
        dtypes=("float16",),
        grad=False,
        id="axes0",
    )
    each_dtype(
        "nn.batch_normalization",
        lambda g, d: A(
            g.arr((2, 3, 4), d),
            g.arr((4,), d),
            g.arr((4,), d, "pos"),
            -1,
            offset=g.arr((4,), d),
            scale=g.arr((4,), d),
            epsilon=1e-3,
        ),
        id="last",
    )
    each_dtype(
        "nn.batch_normalization",
        lambda g, d: A(g.arr((2, 3, 4), d), g.arr((3,), d), g.arr((3,), d, "pos"), 1),
        id="axis1-plain",
    )
    each_dtype("nn.normalize", lambda g, d: A(g.arr((3, 4), d)), id="l2")
    each_dtype("nn.normalize", lambda g, d: A(g.arr((3, 4), d), axis=0, order=1), id="l1-axis0")
    each_dtype(
        "nn.layer_normalization",
        lambda g, d: A(
            g.arr((2, 3, 4), d), gamma=g.arr((4,), d), beta=g.arr((4,), d), epsilon=1e-5
        ),
        id="affine",
    )
    each_dtype(
        "nn.layer_normalization", lambda g, d: A(g.arr((2, 3, 4), d), axis=(1, 2)), id="axes12"
    )
    each_dtype(
        "nn.layer_normalization",
        lambda g, d: A(g.arr((2, 5), d), gamma=g.arr((5,), d), rms_scaling=True),
        id="rms-scaling",
    )
    each_dtype(
        "nn.rms_normalization", lambda g, d: A(g.arr((2, 3, 4), d), g.arr((4,), d)), id="scale"
    )
    each_dtype(
        "nn.rms_normalization",
        lambda g, d: A(g.arr((2, 3, 4), d), axis=1, epsilon=1e-4),
        id="axis1",
    )


def _attention() -> None:
    def qkv(g, d, b=(2,), t=3, s=4, n=2, k=2, h=4):
        return (
            g.arr((*b, t, n, h), d, "small"),
            g.arr((*b, s, k, h), d, "small"),
            g.arr((*b, s, k, h), d, "small"),
        )

    each_dtype("nn.dot_product_attention", lambda g, d: A(*qkv(g, d)), id="plain")
    each_dtype("nn.dot_product_attention", lambda g, d: A(*qkv(g, d, b=())), id="unbatched")
    each_dtype("nn.dot_product_attention", lambda g, d: A(*qkv(g, d, n=4, k=2)), id="gqa")
    each_dtype(
        "nn.dot_product_attention", lambda g, d: A(*qkv(g, d, s=3), is_causal=True), id="causal"
    )
    each_dtype(
        "nn.dot_product_attention",
        lambda g, d: A(*qkv(g, d), bias=g.arr((2, 2, 3, 4), d, "small"), scale=0.3),
        id="bias-scale",
    )
    mask = np.array(
        [[True, False, True, True], [True, True, False, False], [False, True, True, True]]
    )
    each_dtype("nn.dot_product_attention", lambda g, d: A(*qkv(g, d), mask=mask), id="mask")
    each_dtype(
        "nn.dot_product_attention",
        lambda g, d: A(*qkv(g, d), attn_logits_soft_cap=2.0),
        id="soft-cap",
    )
    each_dtype(
        "nn.dot_product_attention",
        lambda g, d: A(*qkv(g, d)),
        dtypes=("float16", "bfloat16"),
        grad=False,
        id="plain",
    )


def _encodings() -> None:
    labels = np.array([[0, 2, 1], [3, 1, 1]], "int32")
    add("nn.one_hot", A(labels, 4), id="int32", dtypes=("int32",))
    add("nn.one_hot", A(labels, 4, axis=0), id="axis0", dtypes=("int32",))
    add("nn.one_hot", A(labels, 4, dtype="int32"), id="dtype-int32", dtypes=("int32",))
    add("nn.one_hot", A(np.array([0, -1, 5], "int32"), 3), id="out-of-range", dtypes=("int32",))
    add("nn.multi_hot", A(labels, 5), id="2d", dtypes=("int32",))
    add("nn.multi_hot", A(np.array([0, 2, 2], "int32"), 4), id="1d", dtypes=("int32",))
    add("nn.multi_hot", A(labels, 4, dtype="int32"), id="dtype-int32", dtypes=("int32",))
    each_dtype(
        "nn.polar", lambda g, d: A(g.arr((2, 3), d, "pos"), g.arr((2, 3), d)), grad_post=_real_imag
    )
    x = np.log(
        np.array(
            [
                [[0.1, 0.9, 0.0], [0.2, 0.7, 0.1], [0.8, 0.1, 0.1], [0.1, 0.2, 0.7]],
                [[0.6, 0.3, 0.1], [0.1, 0.1, 0.8], [0.1, 0.1, 0.8], [0.3, 0.6, 0.1]],
            ]
        )
        + 1e-9
    ).astype("float32")
    add("nn.ctc_decode", A(x, np.array([4, 3], "int32")), id="greedy", dtypes=("float32",))
    add(
        "nn.ctc_decode",
        A(x, np.array([4, 4], "int32"), merge_repeated=False, mask_index=2),
        id="greedy-no-merge",
        dtypes=("float32",),
    )
    # beam_search: the reference backend does not implement it (UnsupportedOpError), so
    # there is nothing to compare against yet.


_conv()
_pool()
_losses()
_normalization()
_attention()
_encodings()
