"""Pooling layers: values against naive loops, formats, masks, configs, errors."""

import itertools

import numpy as np
import pytest

from tholos.layers.pooling import (
    AveragePooling1D,
    AveragePooling2D,
    AveragePooling3D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAveragePooling3D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    GlobalMaxPooling3D,
    MaxPool2D,
    MaxPooling1D,
    MaxPooling2D,
    MaxPooling3D,
)

RNG = np.random.default_rng(1)


def naive_pool(x, pool, strides, padding, mode):
    """channels_last pooling by loops; "same" windows ignore the padded positions."""
    rank = x.ndim - 2
    sizes = x.shape[1:-1]
    if padding == "same":
        out_len = [-(-n // s) for n, s in zip(sizes, strides)]
        starts = [
            -(max((o - 1) * s + p - n, 0) // 2) for o, s, p, n in zip(out_len, strides, pool, sizes)
        ]
    else:
        out_len = [(n - p) // s + 1 for n, p, s in zip(sizes, pool, strides)]
        starts = [0] * rank
    out = np.zeros((x.shape[0], *out_len, x.shape[-1]))
    for pos in itertools.product(*[range(n) for n in out_len]):
        idx = []
        for p, s, k, st, n in zip(pos, strides, pool, starts, sizes):
            lo = st + p * s
            idx.append(slice(max(lo, 0), min(lo + k, n)))
        window = x[(slice(None), *idx)].reshape(x.shape[0], -1, x.shape[-1])
        out[(slice(None), *pos)] = window.max(1) if mode == "max" else window.mean(1)
    return out


@pytest.mark.parametrize("mode", ["max", "average"])
@pytest.mark.parametrize(
    "kwargs, shape",
    [
        ({}, (2, 6, 5, 3)),
        ({"pool_size": 3, "strides": 2}, (1, 7, 8, 2)),
        ({"pool_size": (2, 3), "padding": "same"}, (1, 5, 7, 2)),
        ({"pool_size": 3, "strides": 1, "padding": "same"}, (1, 4, 4, 1)),
    ],
)
def test_pooling2d_matches_naive_loops(mode, kwargs, shape):
    cls = MaxPooling2D if mode == "max" else AveragePooling2D
    layer = cls(dtype="float64", **kwargs)
    x = RNG.normal(size=shape)
    got = np.asarray(layer(x))
    want = naive_pool(x, layer.pool_size, layer.strides, layer.padding, mode)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert got.shape == layer.compute_output_shape(shape)


@pytest.mark.parametrize("mode", ["max", "average"])
def test_pooling1d_and_3d_match_naive_loops(mode):
    one = (MaxPooling1D if mode == "max" else AveragePooling1D)(3, strides=2, dtype="float64")
    x = RNG.normal(size=(2, 9, 3))
    np.testing.assert_allclose(np.asarray(one(x)), naive_pool(x, (3,), (2,), "valid", mode))
    three = (MaxPooling3D if mode == "max" else AveragePooling3D)(padding="same", dtype="float64")
    x = RNG.normal(size=(1, 3, 4, 5, 2))
    np.testing.assert_allclose(
        np.asarray(three(x)), naive_pool(x, (2, 2, 2), (2, 2, 2), "same", mode)
    )


def test_max_pooling_hand_computed():
    x = np.array([[1, 2, 5, 6], [3, 4, 7, 8], [9, 10, 13, 14], [11, 12, 15, 16]], "float32")
    y = np.asarray(MaxPooling2D()(x.reshape(1, 4, 4, 1)))
    np.testing.assert_array_equal(y[0, :, :, 0], [[4, 8], [12, 16]])
    y = np.asarray(AveragePooling2D()(x.reshape(1, 4, 4, 1)))
    np.testing.assert_array_equal(y[0, :, :, 0], [[2.5, 6.5], [10.5, 14.5]])


@pytest.mark.parametrize(
    "make, shape",
    [
        (lambda f: MaxPooling2D(3, 2, padding="same", data_format=f), (1, 7, 6, 2)),
        (lambda f: AveragePooling1D(2, data_format=f), (2, 5, 3)),
        (lambda f: AveragePooling3D(2, padding="same", data_format=f), (1, 3, 4, 5, 2)),
        (lambda f: GlobalMaxPooling2D(data_format=f), (2, 3, 4, 5)),
        (lambda f: GlobalAveragePooling3D(data_format=f, keepdims=True), (2, 3, 4, 5, 2)),
    ],
)
def test_channels_first_equals_transposed_channels_last(make, shape):
    x = RNG.normal(size=shape).astype("float32")
    perm = (0, x.ndim - 1, *range(1, x.ndim - 1))
    last = np.asarray(make("channels_last")(x))
    first_layer = make("channels_first")
    first = np.asarray(first_layer(np.transpose(x, perm)))
    if first.ndim == x.ndim:
        first = np.transpose(first, np.argsort(perm))
    np.testing.assert_allclose(first, last, rtol=1e-6)


@pytest.mark.parametrize(
    "cls, reduce, shape",
    [
        (GlobalMaxPooling1D, np.max, (2, 5, 3)),
        (GlobalMaxPooling2D, np.max, (2, 4, 5, 3)),
        (GlobalMaxPooling3D, np.max, (2, 2, 4, 5, 3)),
        (GlobalAveragePooling1D, np.mean, (2, 5, 3)),
        (GlobalAveragePooling2D, np.mean, (2, 4, 5, 3)),
        (GlobalAveragePooling3D, np.mean, (2, 2, 4, 5, 3)),
    ],
)
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pooling_values(cls, reduce, shape, keepdims):
    x = RNG.normal(size=shape)
    layer = cls(keepdims=keepdims, dtype="float64")
    axes = tuple(range(1, len(shape) - 1))
    got = np.asarray(layer(x))
    np.testing.assert_allclose(got, reduce(x, axis=axes, keepdims=keepdims), rtol=1e-12)
    assert got.shape == layer.compute_output_shape(shape)


def test_global_average_pooling1d_mask_skips_masked_steps():
    x = np.array([[[1.0], [3.0], [100.0]], [[2.0], [4.0], [6.0]]], "float32")
    mask = np.array([[True, True, False], [True, True, True]])
    y = np.asarray(GlobalAveragePooling1D()(x, mask=mask))
    np.testing.assert_allclose(y, [[2.0], [4.0]])
    y = np.asarray(
        GlobalAveragePooling1D(data_format="channels_first")(np.transpose(x, (0, 2, 1)), mask=mask)
    )
    np.testing.assert_allclose(y, [[2.0], [4.0]])


def test_alias_and_defaults():
    assert MaxPool2D is MaxPooling2D
    layer = MaxPooling2D()
    assert layer.pool_size == (2, 2) and layer.strides == (2, 2)
    assert MaxPooling2D(3).strides == (3, 3)
    assert MaxPooling1D().pool_size == (2,)


@pytest.mark.parametrize(
    "layer",
    [
        MaxPooling2D(3, 2, padding="same"),
        AveragePooling1D(data_format="channels_first"),
        MaxPooling3D(),
        GlobalAveragePooling2D(keepdims=True),
        GlobalMaxPooling1D(data_format="channels_first"),
    ],
)
def test_config_round_trip(layer):
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config


def test_wrong_rank_error_names_layer_and_shapes():
    with pytest.raises(ValueError) as err:
        MaxPooling2D(name="pool")(np.zeros((4, 4, 1), "float32"))
    text = str(err.value)
    assert "pool" in text and "4" in text and "(4, 4, 1)" in text


def test_invalid_arguments():
    with pytest.raises(ValueError):
        MaxPooling2D(padding="causal")
    with pytest.raises(ValueError):
        MaxPooling2D(pool_size=(2, 2, 2))
    with pytest.raises(ValueError):
        GlobalMaxPooling2D(data_format="nchw")


def test_symbolic_shapes():
    from tholos import KerasTensor

    assert MaxPooling2D()(KerasTensor((None, 7, 7, 3))).shape == (None, 3, 3, 3)
    assert GlobalAveragePooling2D()(KerasTensor((None, 7, 7, 3))).shape == (None, 3)
