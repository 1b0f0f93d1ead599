"""Convolution layers: weights, values against naive loops, formats, configs, errors."""

import itertools

import numpy as np
import pytest

from tholos.errors import ConfigError
from tholos.layers.convolutional import (
    Conv1D,
    Conv1DTranspose,
    Conv2D,
    Conv2DTranspose,
    Conv3D,
    Conv3DTranspose,
    DepthwiseConv1D,
    DepthwiseConv2D,
    SeparableConv1D,
    SeparableConv2D,
)

RNG = np.random.default_rng(0)


def _same_pads(length, k, s, d):
    dk = (k - 1) * d + 1
    out = -(-length // s)
    total = max((out - 1) * s + dk - length, 0)
    return total // 2, total - total // 2


def naive_conv(x, kernel, strides, padding, dilation, groups=1):
    """channels_last N-D convolution by explicit loops over output positions."""
    rank = x.ndim - 2
    if padding == "same":
        pads = [
            _same_pads(x.shape[1 + i], kernel.shape[i], strides[i], dilation[i])
            for i in range(rank)
        ]
        x = np.pad(x, [(0, 0), *pads, (0, 0)])
    elif padding == "causal":
        left = dilation[0] * (kernel.shape[0] - 1)
        x = np.pad(x, [(0, 0), (left, 0), (0, 0)])
    out_len = [
        (x.shape[1 + i] - ((kernel.shape[i] - 1) * dilation[i] + 1)) // strides[i] + 1
        for i in range(rank)
    ]
    cin_g = kernel.shape[-2]
    cout = kernel.shape[-1]
    cout_g = cout // groups
    out = np.zeros((x.shape[0], *out_len, cout))
    for pos in itertools.product(*[range(n) for n in out_len]):
        idx = tuple(
            slice(p * s, p * s + (k - 1) * d + 1, d)
            for p, s, k, d in zip(pos, strides, kernel.shape[:rank], dilation)
        )
        window = x[(slice(None), *idx)]  # (b, k..., cin)
        for g in range(groups):
            w = window[..., g * cin_g : (g + 1) * cin_g]
            kg = kernel[..., g * cout_g : (g + 1) * cout_g]
            out[(slice(None), *pos, slice(g * cout_g, (g + 1) * cout_g))] = np.tensordot(
                w, kg, axes=(list(range(1, rank + 2)), list(range(rank + 1)))
            )
    return out


def naive_depthwise(x, kernel, strides, padding, dilation):
    cin, mult = kernel.shape[-2:]
    rank = x.ndim - 2
    outs = []
    for c in range(cin):
        k = kernel[..., c : c + 1, :]  # (k..., 1, mult)
        outs.append(naive_conv(x[..., c : c + 1], k, strides, padding, dilation))
    out = np.stack(outs, axis=-2)  # (..., cin, mult)
    return out.reshape(out.shape[: rank + 1] + (cin * mult,))


def naive_conv_transpose(x, kernel, strides, padding, dilation, output_padding=None):
    """Scatter-add definition, channels_last; kernel is (k..., out, in)."""
    rank = x.ndim - 2
    ks = kernel.shape[:rank]
    dks = [(k - 1) * d + 1 for k, d in zip(ks, dilation)]
    full = [(n - 1) * s + dk for n, s, dk in zip(x.shape[1:-1], strides, dks)]
    out = np.zeros((x.shape[0], *full, kernel.shape[-2]))
    for pos in itertools.product(*[range(n) for n in x.shape[1:-1]]):
        for kpos in itertools.product(*[range(k) for k in ks]):
            o = tuple(p * s + kp * d for p, s, kp, d in zip(pos, strides, kpos, dilation))
            out[(slice(None), *o)] += x[(slice(None), *pos)] @ kernel[kpos].T
    slices = []
    for i in range(rank):
        n, s, dk = x.shape[1 + i], strides[i], dks[i]
        op = None if output_padding is None else output_padding[i]
        if padding == "valid":
            start = 0
            length = n * s + max(dk - s, 0) if op is None else (n - 1) * s + dk + op
        else:  # Keras' "same": the crop its JAX backend's explicit padding implies
            pad_len = s + dk - 2 if op is None else dk + dk % 2 - 2 + op
            start = dk - 1 - min(pad_len // 2 + pad_len % 2, dk - 1)
            length = n * s if op is None else (n - 1) * s + dk - 2 * (dk // 2) + op
        slices.append((start, length))
    padded = np.pad(
        out, [(0, 0)] + [(0, max(0, st + ln - f)) for (st, ln), f in zip(slices, full)] + [(0, 0)]
    )
    return padded[(slice(None), *[slice(st, st + ln) for st, ln in slices])]


def _set(layer, *values):
    layer.set_weights([np.asarray(v) for v in values])


# -- weights ---------------------------------------------------------------------------------


def test_seed_model_conv2d_has_640_params_and_keras_weight_names():
    layer = Conv2D(64, 3, activation="relu")
    y = layer(np.zeros((2, 28, 28, 1), "float32"))
    assert tuple(y.shape) == (2, 26, 26, 64)
    assert layer.count_params() == 640
    assert [w.shape for w in layer.weights] == [(3, 3, 1, 64), (64,)]
    assert [w.name for w in layer.weights] == ["kernel", "bias"]


@pytest.mark.parametrize(
    "layer, shape, weights",
    [
        (Conv1D(4, 3, groups=2), (1, 7, 6), [(3, 3, 4), (4,)]),
        (Conv3D(2, (1, 2, 3), use_bias=False), (1, 4, 4, 4, 3), [(1, 2, 3, 3, 2)]),
        (Conv2DTranspose(5, 3), (1, 4, 4, 2), [(3, 3, 5, 2), (5,)]),
        (DepthwiseConv2D(3, depth_multiplier=2), (1, 5, 5, 3), [(3, 3, 3, 2), (6,)]),
        (
            SeparableConv2D(4, 3, depth_multiplier=2),
            (1, 5, 5, 3),
            [(3, 3, 3, 2), (1, 1, 6, 4), (4,)],
        ),
        (SeparableConv1D(4, 3), (1, 5, 3), [(3, 3, 1), (1, 3, 4), (4,)]),
    ],
)
def test_weight_shapes_and_order(layer, shape, weights):
    layer(np.zeros(shape, "float32"))
    assert [tuple(w.shape) for w in layer.weights] == weights


def test_separable_weight_names():
    layer = SeparableConv2D(4, 3)
    layer(np.zeros((1, 5, 5, 3), "float32"))
    assert [w.name for w in layer.weights] == ["depthwise_kernel", "pointwise_kernel", "bias"]


# -- values ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, shape",
    [
        ({"kernel_size": 3}, (2, 7, 7, 3)),
        ({"kernel_size": (2, 3), "strides": 2, "padding": "same"}, (1, 7, 6, 2)),
        ({"kernel_size": 3, "dilation_rate": 2, "padding": "same"}, (1, 8, 8, 2)),
        ({"kernel_size": 3, "strides": (1, 2)}, (1, 6, 9, 2)),
        ({"kernel_size": 2, "groups": 2}, (1, 5, 5, 4)),
    ],
)
def test_conv2d_matches_naive_loops(kwargs, shape):
    x = RNG.normal(size=shape)
    layer = Conv2D(4, dtype="float64", **kwargs)
    layer(x)
    kernel = RNG.normal(size=layer.kernel.shape)
    bias = RNG.normal(size=(4,))
    _set(layer, kernel, bias)
    got = np.asarray(layer(x))
    want = (
        naive_conv(x, kernel, layer.strides, layer.padding, layer.dilation_rate, layer.groups)
        + bias
    )
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)
    assert got.shape == layer.compute_output_shape(shape)


@pytest.mark.parametrize("padding", ["valid", "same", "causal"])
@pytest.mark.parametrize("dilation", [1, 2])
def test_conv1d_paddings_match_naive_loops(padding, dilation):
    x = RNG.normal(size=(2, 9, 3))
    layer = Conv1D(2, 3, padding=padding, dilation_rate=dilation, dtype="float64")
    layer(x)
    kernel = RNG.normal(size=(3, 3, 2))
    _set(layer, kernel, np.zeros(2))
    want = naive_conv(x, kernel, (1,), padding, (dilation,))
    np.testing.assert_allclose(np.asarray(layer(x)), want, rtol=1e-10, atol=1e-10)


def test_conv1d_causal_output_only_sees_the_past():
    layer = Conv1D(
        1, 3, padding="causal", kernel_initializer="ones", use_bias=False, dtype="float64"
    )
    x = np.arange(1.0, 6.0).reshape(1, 5, 1)
    np.testing.assert_allclose(np.asarray(layer(x))[0, :, 0], [1, 3, 6, 9, 12])


def test_conv3d_matches_naive_loops():
    x = RNG.normal(size=(1, 4, 5, 3, 2))
    layer = Conv3D(3, 2, strides=(1, 2, 1), dtype="float64")
    layer(x)
    kernel = RNG.normal(size=layer.kernel.shape)
    _set(layer, kernel, np.ones(3))
    want = naive_conv(x, kernel, (1, 2, 1), "valid", (1, 1, 1)) + 1
    np.testing.assert_allclose(np.asarray(layer(x)), want, rtol=1e-10, atol=1e-10)


def test_activation_is_applied():
    layer = Conv1D(1, 1, activation="relu", kernel_initializer="ones", dtype="float64")
    x = np.array([[[-1.0], [2.0]]])
    np.testing.assert_allclose(np.asarray(layer(x))[0, :, 0], [0.0, 2.0])


@pytest.mark.parametrize(
    "kwargs, shape",
    [
        ({"kernel_size": 3, "strides": 2}, (1, 4, 3, 2)),
        ({"kernel_size": 4, "strides": 2, "padding": "same"}, (1, 3, 3, 2)),
        ({"kernel_size": 3, "strides": 2, "padding": "same"}, (1, 3, 4, 2)),
        ({"kernel_size": 3, "strides": 2, "output_padding": 1}, (1, 3, 3, 2)),
        ({"kernel_size": 2, "dilation_rate": 2}, (1, 3, 3, 1)),
    ],
)
def test_conv2d_transpose_matches_scatter_definition(kwargs, shape):
    x = RNG.normal(size=shape)
    layer = Conv2DTranspose(3, dtype="float64", **kwargs)
    layer(x)
    kernel = RNG.normal(size=layer.kernel.shape)
    bias = RNG.normal(size=(3,))
    _set(layer, kernel, bias)
    got = np.asarray(layer(x))
    want = (
        naive_conv_transpose(
            x, kernel, layer.strides, layer.padding, layer.dilation_rate, layer.output_padding
        )
        + bias
    )
    assert got.shape == layer.compute_output_shape(shape)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)


def test_conv1d_and_3d_transpose_shapes():
    y = Conv1DTranspose(2, 3, strides=2)(np.zeros((1, 5, 1), "float32"))
    assert tuple(y.shape) == (1, 11, 2)
    y = Conv3DTranspose(2, 2, strides=2, padding="same")(np.zeros((1, 2, 3, 4, 1), "float32"))
    assert tuple(y.shape) == (1, 4, 6, 8, 2)


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_depthwise_conv2d_matches_naive_loops(padding):
    x = RNG.normal(size=(2, 6, 5, 3))
    layer = DepthwiseConv2D(3, depth_multiplier=2, padding=padding, dtype="float64")
    layer(x)
    kernel = RNG.normal(size=(3, 3, 3, 2))
    bias = RNG.normal(size=(6,))
    _set(layer, kernel, bias)
    want = naive_depthwise(x, kernel, (1, 1), padding, (1, 1)) + bias
    np.testing.assert_allclose(np.asarray(layer(x)), want, rtol=1e-10, atol=1e-10)


def test_depthwise_conv1d_matches_naive_loops():
    x = RNG.normal(size=(1, 7, 2))
    layer = DepthwiseConv1D(3, strides=2, dtype="float64", use_bias=False)
    layer(x)
    kernel = RNG.normal(size=(3, 2, 1))
    _set(layer, kernel)
    want = naive_depthwise(x, kernel, (2,), "valid", (1,))
    np.testing.assert_allclose(np.asarray(layer(x)), want, rtol=1e-10, atol=1e-10)


def test_separable_conv2d_is_depthwise_then_pointwise():
    x = RNG.normal(size=(1, 6, 6, 2))
    layer = SeparableConv2D(3, 3, depth_multiplier=2, padding="same", dtype="float64")
    layer(x)
    dw = RNG.normal(size=(3, 3, 2, 2))
    pw = RNG.normal(size=(1, 1, 4, 3))
    bias = RNG.normal(size=(3,))
    _set(layer, dw, pw, bias)
    want = naive_depthwise(x, dw, (1, 1), "same", (1, 1)) @ pw[0, 0] + bias
    np.testing.assert_allclose(np.asarray(layer(x)), want, rtol=1e-10, atol=1e-10)


def test_separable_conv1d_causal():
    x = RNG.normal(size=(1, 6, 2))
    layer = SeparableConv1D(2, 3, padding="causal", dtype="float64", use_bias=False)
    layer(x)
    dw = RNG.normal(size=(3, 2, 1))
    pw = RNG.normal(size=(1, 2, 2))
    _set(layer, dw, pw)
    want = naive_depthwise(x, dw, (1,), "causal", (1,)) @ pw[0]
    np.testing.assert_allclose(np.asarray(layer(x)), want, rtol=1e-10, atol=1e-10)


# -- data formats ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, shape",
    [
        (
            lambda f: Conv2D(3, 3, strides=2, padding="same", data_format=f, dtype="float64"),
            (2, 7, 6, 2),
        ),
        (lambda f: Conv1D(3, 2, padding="causal", data_format=f, dtype="float64"), (2, 7, 2)),
        (lambda f: Conv2DTranspose(3, 3, strides=2, data_format=f, dtype="float64"), (1, 3, 4, 2)),
        (
            lambda f: DepthwiseConv2D(2, depth_multiplier=2, data_format=f, dtype="float64"),
            (1, 4, 5, 3),
        ),
        (lambda f: SeparableConv2D(2, 2, data_format=f, dtype="float64"), (1, 4, 5, 3)),
        (lambda f: Conv3D(2, 2, data_format=f, dtype="float64", groups=2), (1, 3, 4, 3, 2)),
    ],
)
def test_channels_first_equals_transposed_channels_last(make, shape):
    x = RNG.normal(size=shape)
    last = make("channels_last")
    first = make("channels_first")
    y_last = np.asarray(last(x))
    perm = (0, x.ndim - 1, *range(1, x.ndim - 1))
    first(np.transpose(x, perm))
    weights = [RNG.normal(size=w.shape) for w in last.weights]
    _set(last, *weights)
    _set(first, *weights)
    y_last = np.asarray(last(x))
    y_first = np.asarray(first(np.transpose(x, perm)))
    np.testing.assert_allclose(
        np.transpose(y_first, np.argsort(perm)), y_last, rtol=1e-10, atol=1e-10
    )
    assert y_first.shape == first.compute_output_shape(np.transpose(x, perm).shape)


# -- config ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "layer",
    [
        Conv1D(4, 3, padding="causal", dilation_rate=2, activation="relu", name="c1"),
        Conv2D(8, (3, 2), strides=2, groups=2, use_bias=False, kernel_regularizer="l2"),
        Conv3D(2, 1, data_format="channels_first"),
        Conv2DTranspose(3, 3, strides=2, output_padding=1),
        Conv1DTranspose(3, 3),
        Conv3DTranspose(3, 3),
        DepthwiseConv2D(3, depth_multiplier=3, padding="same"),
        DepthwiseConv1D(3),
        SeparableConv1D(3, 3, depth_multiplier=2),
        SeparableConv2D(3, 3, pointwise_initializer="zeros"),
    ],
)
def test_config_round_trip(layer):
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config


def test_conv2d_config_keys_are_keras_keys():
    config = Conv2D(4, 3).get_config()
    for key in (
        "filters",
        "kernel_size",
        "strides",
        "padding",
        "data_format",
        "dilation_rate",
        "groups",
        "activation",
        "use_bias",
        "kernel_initializer",
        "bias_initializer",
        "kernel_regularizer",
        "bias_regularizer",
        "activity_regularizer",
        "kernel_constraint",
        "bias_constraint",
    ):
        assert key in config
    assert config["kernel_size"] == (3, 3)
    assert config["strides"] == (1, 1)
    assert config["padding"] == "valid"
    assert config["data_format"] == "channels_last"


# -- errors ----------------------------------------------------------------------------------


def test_wrong_rank_names_layer_expected_and_received():
    layer = Conv2D(4, 3, name="my_conv")
    with pytest.raises(ValueError) as err:
        layer(np.zeros((28, 28, 1), "float32"))
    text = str(err.value)
    assert "my_conv" in text
    assert "4" in text
    assert "(28, 28, 1)" in text


def test_wrong_channel_count_after_build():
    layer = Conv2D(4, 3)
    layer(np.zeros((1, 5, 5, 2), "float32"))
    with pytest.raises(ValueError, match="axis -1"):
        layer(np.zeros((1, 5, 5, 3), "float32"))


@pytest.mark.parametrize(
    "make",
    [
        lambda: Conv2D(0, 3),
        lambda: Conv2D(4, (3, 3, 3)),
        lambda: Conv2D(4, 3, padding="causal"),
        lambda: Conv2D(4, 3, padding="full"),
        lambda: Conv2D(3, 3, groups=2),
        lambda: Conv2D(4, 3, strides=2, dilation_rate=2),
        lambda: Conv2D(4, 3, data_format="NHWC"),
        lambda: Conv2DTranspose(4, 3, strides=2, output_padding=2),
        lambda: DepthwiseConv2D(3, depth_multiplier=0),
    ],
)
def test_invalid_arguments(make):
    with pytest.raises(ConfigError):
        make()


def test_groups_must_divide_input_channels():
    with pytest.raises(ValueError, match="groups"):
        Conv2D(4, 1, groups=2)(np.zeros((1, 3, 3, 3), "float32"))


def test_symbolic_output_shape():
    from tholos import KerasTensor

    y = Conv2D(8, 3, strides=2, padding="same")(KerasTensor((None, 9, 9, 3)))
    assert y.shape == (None, 5, 5, 8)
    y = Conv1D(2, 3, padding="causal")(KerasTensor((None, None, 3)))
    assert y.shape == (None, None, 2)


def _gradients(layer, loss_of_output, x):
    from tholos import ops
    from tholos.backend._state import current

    def loss_fn():
        y = layer(x)
        return loss_of_output(ops, y), y

    _, _, grads = current().trainer.compute_gradients(loss_fn, layer.trainable_variables)
    return [np.asarray(g) for g in grads]


@pytest.mark.parametrize(
    "make, shape",
    [
        (lambda: Conv2D(2, 2, strides=2, padding="same", dtype="float64"), (1, 3, 4, 2)),
        (lambda: Conv1D(2, 3, padding="causal", dilation_rate=2, dtype="float64"), (2, 6, 2)),
        (lambda: Conv2DTranspose(2, 3, strides=2, dtype="float64"), (1, 2, 2, 2)),
        (lambda: DepthwiseConv2D(2, depth_multiplier=2, dtype="float64"), (1, 3, 3, 2)),
        (lambda: SeparableConv1D(2, 2, dtype="float64"), (1, 4, 2)),
    ],
)
def test_weight_gradients_match_finite_differences(make, shape):
    x = RNG.normal(size=shape)
    layer = make()
    probe = RNG.normal(size=layer.compute_output_shape(shape))
    layer(x)
    grads = _gradients(layer, lambda ops, y: ops.sum(ops.multiply(y, probe)), x)
    eps = 1e-6
    for var, grad in zip(layer.trainable_variables, grads):
        base = var.numpy().copy()
        numeric = np.zeros_like(base)
        for idx in np.ndindex(base.shape):
            for sign in (1, -1):
                bumped = base.copy()
                bumped[idx] += sign * eps
                var.assign(bumped)
                numeric[idx] += sign * float(np.sum(np.asarray(layer(x)) * probe))
            var.assign(base)
        np.testing.assert_allclose(grad, numeric / (2 * eps), rtol=1e-6, atol=1e-8)
