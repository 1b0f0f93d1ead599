"""The nn op family through ``tholos.ops``, checked against naive references written here."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from autograd import grad

from tholos import ops
from tholos.errors import OpInputError

RNG = np.random.default_rng(1234)


def arr(x):
    return np.asarray(ops.convert_to_numpy(x))


# ----------------------------------------------------------------------------- references


def same_pads(size, k_eff, stride):
    out = -(-size // stride)
    total = max((out - 1) * stride + k_eff - size, 0)
    return total // 2, out


def naive_conv(x, k, strides, padding, dilation, groups=1):
    """Direct-loop N-d grouped cross-correlation, channels last, TF padding."""
    nd = x.ndim - 2
    spatial, kshape = x.shape[1:-1], k.shape[:nd]
    cin, cout = k.shape[-2], k.shape[-1]
    before, out = [], []
    for size, kk, s, d in zip(spatial, kshape, strides, dilation):
        keff = (kk - 1) * d + 1
        if padding == "same":
            b, o = same_pads(size, keff, s)
        else:
            b, o = 0, (size - keff) // s + 1
        before.append(b)
        out.append(o)
    og = cout // groups
    y = np.zeros((x.shape[0], *out, cout))
    for pos in itertools.product(*(range(o) for o in out)):
        for tap in itertools.product(*(range(kk) for kk in kshape)):
            src = [p * s + t * d - b for p, s, t, d, b in zip(pos, strides, tap, dilation, before)]
            if all(0 <= i < n for i, n in zip(src, spatial)):
                for g in range(groups):
                    xs = x[(slice(None), *src, slice(g * cin, (g + 1) * cin))]
                    y[(slice(None), *pos, slice(g * og, (g + 1) * og))] += (
                        xs @ k[(*tap, slice(None), slice(g * og, (g + 1) * og))]
                    )
    return y


def naive_pool(x, pool, strides, padding, kind):
    nd = x.ndim - 2
    spatial = x.shape[1:-1]
    before, out = [], []
    for size, p, s in zip(spatial, pool, strides):
        if padding == "same":
            b, o = same_pads(size, p, s)
        else:
            b, o = 0, (size - p) // s + 1
        before.append(b)
        out.append(o)
    y = np.zeros((x.shape[0], *out, x.shape[-1]))
    for pos in itertools.product(*(range(o) for o in out)):
        window = []
        for tap in itertools.product(*(range(p) for p in pool)):
            src = [q * s + t - b for q, s, t, b in zip(pos, strides, tap, before)]
            if all(0 <= i < n for i, n in zip(src, spatial)):
                window.append(x[(slice(None), *src, slice(None))])
        stacked = np.stack(window)
        y[(slice(None), *pos, slice(None))] = stacked.max(0) if kind == "max" else stacked.mean(0)
    assert nd == len(pool)
    return y


def numeric_grad(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(*x.shape):
        d = np.zeros_like(x)
        d[i] = eps
        g[i] = (f(x + d) - f(x - d)) / (2 * eps)
    return g


# ----------------------------------------------------------------------------- activations

X = np.array([-7.0, -2.0, -1.0, -0.3, 0.0, 0.4, 1.0, 2.5, 8.0])


def sig(x):
    return 1 / (1 + np.exp(-x))


ACTIVATIONS = {
    "relu": lambda x: np.maximum(x, 0),
    "relu6": lambda x: np.clip(x, 0, 6),
    "sigmoid": sig,
    "sparse_sigmoid": lambda x: np.clip((x + 1) / 2, 0, 1),
    "softplus": lambda x: np.log1p(np.exp(x)),
    "softsign": lambda x: x / (1 + np.abs(x)),
    "soft_shrink": lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0)),
    "sparse_plus": lambda x: np.where(x <= -1, 0, np.where(x < 1, (x + 1) ** 2 / 4, x)),
    "silu": lambda x: x * sig(x),
    "squareplus": lambda x: (x + np.sqrt(x**2 + 4)) / 2,
    "log_sigmoid": lambda x: np.log(sig(x)),
    "leaky_relu": lambda x: np.where(x >= 0, x, 0.2 * x),
    "hard_sigmoid": lambda x: np.clip(x + 3, 0, 6) / 6,
    "hard_silu": lambda x: x * np.clip(x + 3, 0, 6) / 6,
    "elu": lambda x: np.where(x > 0, x, np.exp(x) - 1),
    "selu": lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * (np.exp(x) - 1)),
    "gelu": lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3))),
    "celu": lambda x: np.where(x > 0, x, np.exp(x) - 1),
    "tanh_shrink": lambda x: x - np.tanh(x),
    "hard_tanh": lambda x: np.clip(x, -1, 1),
    "hard_shrink": lambda x: np.where(np.abs(x) > 0.5, x, 0),
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_values_and_dtypes(name):
    fn = getattr(ops, name)
    np.testing.assert_allclose(arr(fn(X)), ACTIVATIONS[name](X), rtol=1e-12, atol=1e-14)
    assert arr(fn(X.astype("float32"))).dtype == np.float32
    assert arr(fn(X.astype("float16"))).dtype == np.float16
    assert arr(fn(np.zeros((0, 3)))).shape == (0, 3)
    assert arr(fn(np.float64(0.4))).shape == ()


@pytest.mark.parametrize("name", ["sigmoid", "softplus", "gelu", "elu", "silu", "hard_tanh"])
def test_float_activations_promote_ints_to_floatx(name):
    assert arr(getattr(ops, name)(np.array([1, -2], "int32"))).dtype == np.float32


def test_relu_keeps_int_dtype():
    out = arr(ops.relu(np.array([-2, 3], "int32")))
    assert out.dtype == np.int32 and out.tolist() == [0, 3]


def test_gelu_exact_and_extremes():
    erf = np.vectorize(math.erf)
    np.testing.assert_allclose(
        arr(ops.gelu(X, approximate=False)), 0.5 * X * (1 + erf(X / np.sqrt(2))), rtol=1e-14
    )
    assert arr(ops.sigmoid(np.array([-1000.0, 1000.0]))).tolist() == [0.0, 1.0]
    np.testing.assert_allclose(arr(ops.log_sigmoid(np.array([-1000.0]))), [-1000.0])


def test_parametrised_activations():
    np.testing.assert_allclose(
        arr(ops.leaky_relu(X, negative_slope=0.1)), np.where(X >= 0, X, 0.1 * X)
    )
    np.testing.assert_allclose(arr(ops.elu(X, alpha=2.0)), np.where(X > 0, X, 2 * np.expm1(X)))
    np.testing.assert_allclose(arr(ops.celu(X, alpha=2.0)), np.where(X > 0, X, 2 * np.expm1(X / 2)))
    np.testing.assert_allclose(arr(ops.threshold(X, 0.0, -5.0)), np.where(X > 0, X, -5.0))
    x = RNG.normal(size=(2, 6))
    np.testing.assert_allclose(arr(ops.glu(x)), x[:, :3] * sig(x[:, 3:]), rtol=1e-13)
    np.testing.assert_allclose(arr(ops.glu(x.T, axis=0)), (x[:, :3] * sig(x[:, 3:])).T)
    with pytest.raises(OpInputError, match="glu"):
        ops.glu(np.ones((2, 3)))


def test_softmax_family():
    x = RNG.normal(size=(3, 4)) * 5
    e = np.exp(x - x.max(-1, keepdims=True))
    np.testing.assert_allclose(arr(ops.softmax(x)), e / e.sum(-1, keepdims=True), rtol=1e-13)
    np.testing.assert_allclose(
        arr(ops.log_softmax(x, axis=0)),
        x - np.log(np.exp(x).sum(0, keepdims=True)),
        rtol=1e-12,
    )
    both = arr(ops.softmax(x, axis=(0, 1)))
    np.testing.assert_allclose(both, np.exp(x) / np.exp(x).sum(), rtol=1e-12)
    big = arr(ops.softmax(np.array([1000.0, 1000.0])))
    np.testing.assert_allclose(big, [0.5, 0.5])


def test_sparsemax():
    out = arr(ops.sparsemax(np.array([[0.1, 0.2, 0.3], [1.0, 1.5, 5.0]])))
    np.testing.assert_allclose(
        out, [[0.2333333333333, 0.3333333333333, 0.4333333333333], [0, 0, 1]]
    )
    x = RNG.normal(size=(5, 7))
    out = arr(ops.sparsemax(x))
    np.testing.assert_allclose(out.sum(-1), 1.0)
    assert (out >= 0).all()
    np.testing.assert_allclose(arr(ops.sparsemax(x.T, axis=0)), out.T, atol=1e-15)
    g = grad(lambda v: ops.sparsemax(v)[0] * 1.0)(np.array([0.1, 0.2, 0.3]))
    np.testing.assert_allclose(g, [2 / 3, -1 / 3, -1 / 3])


# ----------------------------------------------------------------------------- convolution

CONV_CASES = [
    # (spatial, kernel, strides, dilation, padding, cin, cout)
    ((9,), (3,), (1,), (1,), "valid", 2, 3),
    ((9,), (4,), (2,), (1,), "same", 2, 3),
    ((10,), (3,), (1,), (2,), "same", 1, 2),
    ((7, 8), (3, 2), (1, 1), (1, 1), "same", 3, 4),
    ((7, 8), (3, 3), (2, 2), (1, 1), "same", 2, 2),
    ((8, 8), (2, 2), (2, 3), (1, 1), "same", 2, 3),
    ((9, 9), (3, 3), (1, 1), (2, 2), "same", 2, 2),
    ((9, 10), (3, 2), (2, 1), (2, 3), "valid", 2, 3),
    ((5, 6, 4), (2, 3, 2), (1, 2, 1), (1, 1, 2), "same", 2, 2),
    ((5, 5, 5), (3, 3, 3), (2, 2, 2), (1, 1, 1), "valid", 1, 2),
]


@pytest.mark.parametrize("spatial,kshape,strides,dilation,padding,cin,cout", CONV_CASES)
def test_conv_matches_naive(spatial, kshape, strides, dilation, padding, cin, cout):
    x = RNG.normal(size=(2, *spatial, cin))
    k = RNG.normal(size=(*kshape, cin, cout))
    expected = naive_conv(x, k, strides, padding, dilation)
    out = arr(ops.conv(x, k, strides, padding, "channels_last", dilation))
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
    xf = np.moveaxis(x, -1, 1)
    first = arr(ops.conv(xf, k, strides, padding, "channels_first", dilation))
    np.testing.assert_allclose(first, np.moveaxis(expected, -1, 1), rtol=1e-12, atol=1e-12)


def test_conv_same_stride2_hand_values():
    x = np.arange(1.0, 7.0).reshape(1, 6, 1)  # size 6, k 3, s 2 -> total pad 1: (0, 1)
    k = np.array([1.0, 10.0, 100.0]).reshape(3, 1, 1)
    out = arr(ops.conv(x, k, strides=2, padding="same"))[0, :, 0]
    np.testing.assert_array_equal(out, [1 + 20 + 300, 3 + 40 + 500, 5 + 60 + 0])
    x = np.arange(1.0, 6.0).reshape(1, 5, 1)  # size 5, k 4 -> total 3: (1, 2)
    k = np.array([1.0, 10.0, 100.0, 1000.0]).reshape(4, 1, 1)
    out = arr(ops.conv(x, k, padding="same"))[0, :, 0]
    np.testing.assert_array_equal(out[0], 0 + 10 + 200 + 3000)


def test_grouped_conv():
    x = RNG.normal(size=(2, 6, 5, 4))
    k = RNG.normal(size=(3, 3, 2, 6))
    expected = naive_conv(x, k, (1, 1), "same", (1, 1), groups=2)
    np.testing.assert_allclose(arr(ops.conv(x, k, padding="same")), expected, atol=1e-12)


@pytest.mark.parametrize(
    "padding,strides,dilation", [("valid", 1, 1), ("same", 2, 1), ("same", 1, 2)]
)
def test_depthwise_and_separable(padding, strides, dilation):
    x = RNG.normal(size=(2, 7, 6, 3))
    k = RNG.normal(size=(3, 2, 3, 2))
    out = arr(ops.depthwise_conv(x, k, strides, padding, None, dilation))
    s, d = (strides,) * 2, (dilation,) * 2
    for c in range(3):
        for m in range(2):
            ref = naive_conv(x[..., c : c + 1], k[:, :, c : c + 1, m : m + 1], s, padding, d)
            np.testing.assert_allclose(out[..., c * 2 + m], ref[..., 0], atol=1e-12)
    first = arr(
        ops.depthwise_conv(np.moveaxis(x, -1, 1), k, strides, padding, "channels_first", dilation)
    )
    np.testing.assert_allclose(first, np.moveaxis(out, -1, 1), atol=1e-12)
    pk = RNG.normal(size=(1, 1, 6, 4))
    sep = arr(ops.separable_conv(x, k, pk, strides, padding, None, dilation))
    np.testing.assert_allclose(sep, out @ pk[0, 0], atol=1e-12)


def _transpose_length(size, k, s, d, padding, output_padding):
    keff = (k - 1) * d + 1
    if output_padding is None:
        return size * s + max(keff - s, 0) if padding == "valid" else size * s
    pad = keff // 2 if padding == "same" else 0
    return (size - 1) * s + keff - 2 * pad + output_padding


TRANSPOSE_CASES = [
    ((4,), (3,), (2,), (1,), "same", None),
    ((4,), (4,), (2,), (1,), "same", None),
    ((5,), (3,), (2,), (1,), "valid", None),
    ((5,), (2,), (3,), (1,), "valid", None),
    ((4,), (3,), (2,), (1,), "same", (1,)),
    ((4,), (3,), (2,), (1,), "valid", (1,)),
    ((3,), (3,), (1,), (2,), "same", None),
    ((3, 4), (3, 3), (2, 2), (1, 1), "same", None),
    ((3, 4), (2, 3), (2, 1), (1, 1), "valid", None),
    ((2, 3, 2), (3, 2, 3), (2, 1, 2), (1, 1, 1), "same", None),
]


@pytest.mark.parametrize("spatial,kshape,strides,dilation,padding,output_padding", TRANSPOSE_CASES)
def test_conv_transpose_is_the_adjoint_of_conv(
    spatial, kshape, strides, dilation, padding, output_padding
):
    cin, cout = 2, 3
    x = RNG.normal(size=(2, *spatial, cin))
    k = RNG.normal(size=(*kshape, cout, cin))
    out = arr(ops.conv_transpose(x, k, strides, padding, output_padding, None, dilation))
    lengths = tuple(
        _transpose_length(n, kk, s, d, padding, None if output_padding is None else op)
        for n, kk, s, d, op in zip(
            spatial, kshape, strides, dilation, output_padding or (None,) * len(spatial)
        )
    )
    assert out.shape == (2, *lengths, cout)
    # <conv(y, k), x> == <y, conv_transpose(x, k)>, conv being the TF-style convolution that
    # maps an output-sized y (with padding's rule) back to x's size.
    y = RNG.normal(size=out.shape)
    fwd = naive_conv(y, k, strides, padding, dilation)
    if padding == "valid":  # valid conv of a longer y may produce extra positions: drop them
        fwd = fwd[(slice(None), *(slice(0, n) for n in spatial), slice(None))]
    assert fwd.shape == x.shape
    np.testing.assert_allclose(np.sum(fwd * x), np.sum(y * out), rtol=1e-11)
    first = arr(
        ops.conv_transpose(
            np.moveaxis(x, -1, 1), k, strides, padding, output_padding, "channels_first", dilation
        )
    )
    np.testing.assert_allclose(first, np.moveaxis(out, -1, 1), atol=1e-12)


def test_conv_transpose_same_stride2_no_shift():
    # Hand-computed: y (len 4) -> x (len 2) conv pads (0, 1); its adjoint puts x0*k at y[0:3].
    x = np.array([1.0, 2.0]).reshape(1, 2, 1)
    k = np.array([1.0, 10.0, 100.0]).reshape(3, 1, 1)
    out = arr(ops.conv_transpose(x, k, strides=2, padding="same"))[0, :, 0]
    np.testing.assert_array_equal(out, [1.0, 10.0, 102.0, 20.0])
    k4 = np.array([1.0, 10.0, 100.0, 1000.0]).reshape(4, 1, 1)  # pads (1, 1)
    out = arr(ops.conv_transpose(x, k4, strides=2, padding="same"))[0, :, 0]
    np.testing.assert_array_equal(out, [10.0, 100.0 + 2.0, 1000.0 + 20.0, 200.0])
    out = arr(ops.conv_transpose(x, k, strides=2, padding="valid"))[0, :, 0]
    np.testing.assert_array_equal(out, [1.0, 10.0, 100.0 + 2.0, 20.0, 200.0])


def test_conv_dtypes():
    x = RNG.normal(size=(1, 5, 5, 2))
    k = RNG.normal(size=(3, 3, 2, 1))
    assert arr(ops.conv(x.astype("float32"), k.astype("float32"))).dtype == np.float32
    assert arr(ops.conv(x.astype("float32"), k)).dtype == np.float64
    assert (
        arr(ops.conv(np.ones((1, 3, 1), "int32"), np.ones((2, 1, 1), "int32"))).dtype == np.float32
    )
    assert arr(ops.max_pool(np.ones((1, 4, 1), "int32"), 2)).dtype == np.int32
    assert arr(ops.average_pool(np.ones((1, 4, 1), "int32"), 2)).dtype == np.float32


def test_conv_bad_inputs_name_the_op():
    with pytest.raises(OpInputError, match="conv"):
        ops.conv(np.ones((1, 5, 5, 2)), np.ones((3, 2, 1)))
    with pytest.raises(OpInputError, match="conv"):
        ops.conv(np.ones((1, 5, 5, 2)), np.ones((3, 3, 3, 1)))
    with pytest.raises(OpInputError, match="padding"):
        ops.conv(np.ones((1, 5, 2)), np.ones((3, 2, 1)), padding="full")
    with pytest.raises(OpInputError, match="conv"):
        ops.conv(np.ones((1, 2, 2)), np.ones((3, 2, 1)))
    with pytest.raises(OpInputError, match="max_pool"):
        ops.max_pool(np.ones((5, 5)), 2)
    with pytest.raises(OpInputError, match="conv_transpose"):
        ops.conv_transpose(np.ones((1, 4, 2)), np.ones((3, 1, 3)), strides=2)
    with pytest.raises(OpInputError, match="output_padding"):
        ops.conv_transpose(np.ones((1, 4, 1)), np.ones((3, 1, 1)), strides=2, output_padding=2)
    with pytest.raises(OpInputError, match="data_format"):
        ops.conv(np.ones((1, 5, 2)), np.ones((3, 2, 1)), data_format="NHWC")


# ----------------------------------------------------------------------------- pooling

POOL_CASES = [
    ((7,), (2,), (2,), "valid"),
    ((7,), (3,), (2,), "same"),
    ((6, 7), (2, 2), (2, 2), "same"),
    ((6, 7), (3, 2), (1, 2), "same"),
    ((6, 7), (3, 3), (2, 1), "valid"),
    ((4, 5, 3), (2, 2, 2), (2, 2, 2), "same"),
]


@pytest.mark.parametrize("spatial,pool,strides,padding", POOL_CASES)
@pytest.mark.parametrize("kind", ["max", "average"])
def test_pool_matches_naive(spatial, pool, strides, padding, kind):
    x = RNG.normal(size=(2, *spatial, 3))
    fn = ops.max_pool if kind == "max" else ops.average_pool
    out = arr(fn(x, pool, strides, padding))
    np.testing.assert_allclose(out, naive_pool(x, pool, strides, padding, kind), rtol=1e-13)
    first = arr(fn(np.moveaxis(x, -1, 1), pool, strides, padding, "channels_first"))
    np.testing.assert_allclose(first, np.moveaxis(out, -1, 1))


def test_average_pool_same_excludes_padding_hand():
    x = np.arange(1.0, 10.0).reshape(1, 3, 3, 1)
    out = arr(ops.average_pool(x, 2, strides=1, padding="same"))[0, :, :, 0]
    # total pad 1 per dim goes after: the last row/column average only real pixels
    np.testing.assert_allclose(out, [[3.0, 4.0, 4.5], [6.0, 7.0, 7.5], [7.5, 8.5, 9.0]])
    assert arr(ops.max_pool(-x, 2, strides=1, padding="same")).max() == -1.0
    assert arr(ops.max_pool(x, 2)).shape == (1, 1, 1, 1)  # strides default to pool_size


# ----------------------------------------------------------------------------- gradients


def _check_grads(fn, *args, argnums=(0,)):
    """Autograd through ``fn`` vs central differences of ``sum(fn(...) * weights)``."""
    weights = RNG.normal(size=arr(fn(*args)).shape)
    for argnum in argnums:

        def numeric_scalar(v, argnum=argnum):
            call = list(args)
            call[argnum] = v
            return float(np.sum(arr(fn(*call)) * weights))

        analytic = grad(lambda v, n=argnum: _weighted(fn, args, n, v, weights))(args[argnum])
        numeric = numeric_grad(numeric_scalar, args[argnum])
        np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-7)


def _weighted(fn, args, argnum, v, weights):
    import autograd.numpy as anp

    call = list(args)
    call[argnum] = v
    return anp.sum(fn(*call) * weights)


def test_conv_gradients():
    x = RNG.normal(size=(2, 5, 6, 2))
    k = RNG.normal(size=(3, 2, 2, 3))
    _check_grads(lambda a, b: ops.conv(a, b, (2, 1), "same", None, 1), x, k, argnums=(0, 1))
    _check_grads(lambda a, b: ops.conv(a, b, 1, "valid", None, (2, 1)), x, k, argnums=(0, 1))
    dk = RNG.normal(size=(2, 2, 2, 2))
    _check_grads(lambda a, b: ops.depthwise_conv(a, b, 2, "same"), x, dk, argnums=(0, 1))


def test_conv_transpose_gradients():
    x = RNG.normal(size=(2, 3, 4, 2))
    k = RNG.normal(size=(3, 3, 3, 2))
    _check_grads(lambda a, b: ops.conv_transpose(a, b, 2, "same"), x, k, argnums=(0, 1))
    _check_grads(lambda a, b: ops.conv_transpose(a, b, (2, 1), "valid"), x, k, argnums=(0, 1))


def test_pool_gradients():
    x = RNG.normal(size=(2, 5, 6, 2))
    _check_grads(lambda a: ops.max_pool(a, 2, 2, "same"), x)
    _check_grads(lambda a: ops.max_pool(a, 3, 1, "valid"), x)
    _check_grads(lambda a: ops.average_pool(a, 3, 2, "same"), x)
    _check_grads(lambda a: ops.average_pool(a, (2, 3), 1, "valid"), x)


def test_max_pool_gradient_goes_to_first_maximum_and_keeps_dtype():
    x = np.zeros((1, 2, 2, 1), "float32")
    g = grad(lambda v: _weighted(lambda a: ops.max_pool(a, 2), (v,), 0, v, 1.0))(x)
    np.testing.assert_array_equal(g[0, :, :, 0], [[1, 0], [0, 0]])
    assert g.dtype == np.float32
    k = np.ones((3, 3, 1, 2), "float32")
    gk = grad(lambda v: _weighted(lambda a: ops.conv(x, a, padding="same"), (v,), 0, v, 1.0))(k)
    assert gk.dtype == np.float32


def test_second_order_gradient_through_conv():
    x = RNG.normal(size=(1, 5, 1))
    k = RNG.normal(size=(3, 1, 1))

    def energy(v):
        import autograd.numpy as anp

        return anp.sum(ops.conv(v, k, padding="same") ** 2)

    hess_diag = grad(lambda v: grad(energy)(v)[0, 2, 0])(x)[0, 2, 0]
    assert np.isclose(hess_diag, 2 * np.sum(k**2))


# ----------------------------------------------------------------------------- encodings


def test_one_hot_and_multi_hot():
    out = arr(ops.one_hot(np.array([[0, 3], [-1, 1]]), 3))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[[1, 0, 0], [0, 0, 0]], [[0, 0, 0], [0, 1, 0]]])
    axis0 = arr(ops.one_hot(np.array([0, 2]), 3, axis=0, dtype="int32"))
    assert axis0.dtype == np.int32
    np.testing.assert_array_equal(axis0, [[1, 0], [0, 0], [0, 1]])
    np.testing.assert_array_equal(arr(ops.multi_hot(np.array([0, 2, 2]), 4)), [1, 0, 1, 0])
    np.testing.assert_array_equal(
        arr(ops.multi_hot(np.array([[1], [3]]), num_tokens=4)), [[0, 1, 0, 0], [0, 0, 0, 1]]
    )
    with pytest.raises(OpInputError, match="one_hot"):
        ops.one_hot(np.array([0.5]), 3)


# ----------------------------------------------------------------------------- losses


def test_categorical_crossentropy():
    target = np.array([[0.0, 1.0, 0.0], [0.5, 0.5, 0.0]])
    probs = np.array([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]])
    expected = -np.sum(target * np.log(probs), -1)
    np.testing.assert_allclose(arr(ops.categorical_crossentropy(target, probs)), expected)
    # unnormalized probabilities are normalized first
    np.testing.assert_allclose(arr(ops.categorical_crossentropy(target, 2 * probs)), expected)
    logits = np.log(probs) + 3.0
    np.testing.assert_allclose(
        arr(ops.categorical_crossentropy(target, logits, from_logits=True)), expected, rtol=1e-12
    )
    np.testing.assert_allclose(
        arr(ops.categorical_crossentropy(target.T, probs.T, axis=0)), expected, rtol=1e-12
    )
    clipped = arr(ops.categorical_crossentropy(np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])))
    np.testing.assert_allclose(clipped, [-np.log(1e-7)], rtol=1e-6)
    with pytest.raises(OpInputError, match="categorical_crossentropy"):
        ops.categorical_crossentropy(np.ones((2, 3)), np.ones((2, 4)))


def test_sparse_categorical_crossentropy():
    probs = np.array([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]])
    expected = -np.log([0.5, 0.8])
    np.testing.assert_allclose(
        arr(ops.sparse_categorical_crossentropy(np.array([1, 2]), probs)), expected
    )
    np.testing.assert_allclose(
        arr(
            ops.sparse_categorical_crossentropy(
                np.array([[1], [2]]), np.log(probs), from_logits=True
            )
        ),
        expected,
        rtol=1e-12,
    )
    out = ops.sparse_categorical_crossentropy(
        np.array([1]), np.array([[0.0, 0.0]], "float32"), True
    )
    assert arr(out).dtype == np.float32


def test_binary_crossentropy():
    t = np.array([1.0, 0.0, 1.0, 0.3])
    p = np.array([0.9, 0.2, 0.5, 0.6])
    expected = -(t * np.log(p) + (1 - t) * np.log(1 - p))
    np.testing.assert_allclose(arr(ops.binary_crossentropy(t, p)), expected, rtol=1e-12)
    logits = np.log(p / (1 - p))
    np.testing.assert_allclose(
        arr(ops.binary_crossentropy(t, logits, from_logits=True)), expected, rtol=1e-12
    )
    big = arr(ops.binary_crossentropy(np.array([0.0]), np.array([800.0]), from_logits=True))
    np.testing.assert_allclose(big, [800.0])


# ----------------------------------------------------------------------------- CTC


def _ctc_brute(logits, target, blank=0):
    """Sum over every alignment (T small) of the path probability."""
    logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    steps, classes = logp.shape
    total = 0.0
    for path in itertools.product(range(classes), repeat=steps):
        collapsed = [c for i, c in enumerate(path) if c != blank and (i == 0 or c != path[i - 1])]
        if collapsed == list(target):
            total += np.exp(sum(logp[t, c] for t, c in enumerate(path)))
    return -np.log(total)


def test_ctc_loss_hand_case():
    logits = np.log(np.array([[[0.6, 0.4], [0.3, 0.7]]]))
    # alignments of "1" in 2 steps: (1,1), (0,1), (1,0)
    p = 0.4 * 0.7 + 0.6 * 0.7 + 0.4 * 0.3
    np.testing.assert_allclose(arr(ops.ctc_loss([[1]], logits, [1], [2])), [-np.log(p)], rtol=1e-12)


def test_ctc_loss_against_brute_force_and_gradient():
    logits = RNG.normal(size=(3, 5, 3))
    target = np.array([[1, 2, 0], [1, 1, 0], [2, 0, 0]])
    target_len = np.array([2, 2, 1])
    out_len = np.array([5, 4, 3])
    out = arr(ops.ctc_loss(target, logits, target_len, out_len))
    expected = [_ctc_brute(logits[b, : out_len[b]], target[b, : target_len[b]]) for b in range(3)]
    np.testing.assert_allclose(out, expected, rtol=1e-10)
    blank_last = arr(
        ops.ctc_loss(np.maximum(target - 1, 0), logits[..., [1, 2, 0]], target_len, out_len, 2)
    )
    np.testing.assert_allclose(blank_last, expected, rtol=1e-10)

    def loss(v):
        import autograd.numpy as anp

        return anp.sum(ops.ctc_loss(target, v, target_len, out_len))

    numeric = numeric_grad(
        lambda v: float(np.sum(arr(ops.ctc_loss(target, v, target_len, out_len)))), logits
    )
    np.testing.assert_allclose(grad(loss)(logits), numeric, rtol=1e-6, atol=1e-8)


def test_ctc_decode_greedy():
    probs = np.array(
        [[[0.1, 0.8, 0.1], [0.1, 0.8, 0.1], [0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]]]
    )
    decoded, scores = ops.ctc_decode(np.log(probs), [5])
    np.testing.assert_array_equal(arr(decoded), [[[1, 1, 2, -1, -1]]])
    np.testing.assert_allclose(arr(scores), [[-np.sum(np.log(probs.max(-1)))]])
    decoded, _ = ops.ctc_decode(np.log(probs), [3], merge_repeated=False)
    np.testing.assert_array_equal(arr(decoded), [[[1, 1, -1, -1, -1]]])


# ----------------------------------------------------------------------------- normalization


def test_moments_and_batch_normalization():
    x = RNG.normal(size=(4, 3, 2))
    mean, var = ops.moments(x, axes=[0, 1])
    np.testing.assert_allclose(arr(mean), x.mean((0, 1)))
    np.testing.assert_allclose(arr(var), x.var((0, 1)))
    mean, var = ops.moments(x, axes=[0], keepdims=True)
    assert arr(mean).shape == (1, 3, 2)
    half_mean, _ = ops.moments(x.astype("float16"), axes=[0])
    assert arr(half_mean).dtype == np.float16
    m, v = RNG.normal(size=3), RNG.uniform(1, 2, size=3)
    off, sc = RNG.normal(size=3), RNG.normal(size=3)
    out = arr(ops.batch_normalization(x, m, v, axis=1, offset=off, scale=sc, epsilon=0.01))
    r = lambda a: a.reshape(1, 3, 1)  # noqa: E731
    np.testing.assert_allclose(out, (x - r(m)) / np.sqrt(r(v) + 0.01) * r(sc) + r(off), rtol=1e-12)


def test_normalize_layer_rms_psnr():
    x = RNG.normal(size=(3, 4))
    np.testing.assert_allclose(arr(ops.normalize(x)), x / np.linalg.norm(x, axis=-1, keepdims=True))
    np.testing.assert_allclose(
        arr(ops.normalize(x, axis=0, order=1)), x / np.abs(x).sum(0, keepdims=True)
    )
    np.testing.assert_array_equal(arr(ops.normalize(np.zeros(3))), np.zeros(3))
    mu, sd = x.mean(-1, keepdims=True), x.std(-1, keepdims=True)
    np.testing.assert_allclose(
        arr(ops.layer_normalization(x, epsilon=0.0)), (x - mu) / sd, rtol=1e-12
    )
    g, b = RNG.normal(size=4), RNG.normal(size=4)
    np.testing.assert_allclose(
        arr(ops.layer_normalization(x, g, b, epsilon=1e-3)),
        (x - mu) / np.sqrt(sd**2 + 1e-3) * g + b,
    )
    rms = np.sqrt((x**2).mean(-1, keepdims=True) + 1e-5)
    np.testing.assert_allclose(arr(ops.rms_normalization(x, g, epsilon=1e-5)), x / rms * g)
    np.testing.assert_allclose(
        arr(ops.psnr(x, x + 0.1, 2.0)), 20 * np.log10(2.0) - 10 * np.log10(0.01)
    )
    with pytest.raises(OpInputError, match="psnr"):
        ops.psnr(np.ones(3), np.ones(4), 1.0)


# ----------------------------------------------------------------------------- attention


def _attention_ref(q, k, v, bias=None, mask=None, scale=None, causal=False):
    heads = q.shape[2]
    k = np.repeat(k, heads // k.shape[2], axis=2)
    v = np.repeat(v, heads // v.shape[2], axis=2)
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    logits = np.einsum("btnh,bsnh->bnts", q, k) * scale
    if bias is not None:
        logits = logits + bias
    allowed = np.ones(logits.shape, bool)
    if mask is not None:
        allowed &= mask
    if causal:
        allowed &= np.tril(np.ones(logits.shape[-2:], bool))
    logits = np.where(allowed, logits, -np.inf)
    w = np.exp(logits - logits.max(-1, keepdims=True))
    w = w / w.sum(-1, keepdims=True)
    return np.einsum("bnts,bsnh->btnh", w, v)


def test_dot_product_attention():
    q = RNG.normal(size=(2, 4, 4, 3))
    k = RNG.normal(size=(2, 5, 2, 3))
    v = RNG.normal(size=(2, 5, 2, 3))
    np.testing.assert_allclose(
        arr(ops.dot_product_attention(q, k, v)), _attention_ref(q, k, v), rtol=1e-12
    )
    bias = RNG.normal(size=(1, 4, 4, 5))
    mask = RNG.uniform(size=(2, 1, 4, 5)) > 0.3
    mask[..., 0] = True
    out = arr(ops.dot_product_attention(q, k, v, bias=bias, mask=mask, scale=0.7, is_causal=True))
    np.testing.assert_allclose(out, _attention_ref(q, k, v, bias, mask, 0.7, True), rtol=1e-12)
    unbatched = arr(ops.dot_product_attention(q[0], k[0], v[0]))
    np.testing.assert_allclose(unbatched, _attention_ref(q, k, v)[0], rtol=1e-12)
    assert (
        arr(ops.dot_product_attention(*(a.astype("float32") for a in (q, k, v)))).dtype
        == np.float32
    )
    with pytest.raises(OpInputError, match="dot_product_attention"):
        ops.dot_product_attention(q, k[:, :, :1, :2], v)
