"""ZeroPadding*, Cropping*, UpSampling*: values, formats, configs, errors."""

import numpy as np
import pytest

from tholos.layers.reshaping.cropping import Cropping1D, Cropping2D, Cropping3D
from tholos.layers.reshaping.up_sampling import UpSampling1D, UpSampling2D, UpSampling3D
from tholos.layers.reshaping.zero_padding import ZeroPadding1D, ZeroPadding2D, ZeroPadding3D

RNG = np.random.default_rng(3)


@pytest.mark.parametrize(
    "layer, shape, pad",
    [
        (ZeroPadding1D(), (2, 3, 2), [(0, 0), (1, 1), (0, 0)]),
        (ZeroPadding1D((2, 0)), (2, 3, 2), [(0, 0), (2, 0), (0, 0)]),
        (ZeroPadding2D(), (1, 2, 3, 2), [(0, 0), (1, 1), (1, 1), (0, 0)]),
        (ZeroPadding2D((1, 2)), (1, 2, 3, 2), [(0, 0), (1, 1), (2, 2), (0, 0)]),
        (ZeroPadding2D(((0, 1), (2, 3))), (1, 2, 3, 2), [(0, 0), (0, 1), (2, 3), (0, 0)]),
        (
            ZeroPadding2D(1, data_format="channels_first"),
            (1, 2, 3, 2),
            [(0, 0), (0, 0), (1, 1), (1, 1)],
        ),
        (ZeroPadding3D(), (1, 2, 2, 2, 1), [(0, 0), (1, 1), (1, 1), (1, 1), (0, 0)]),
        (
            ZeroPadding3D(((1, 0), (0, 2), (3, 1))),
            (1, 2, 2, 2, 1),
            [(0, 0), (1, 0), (0, 2), (3, 1), (0, 0)],
        ),
    ],
)
def test_zero_padding_matches_np_pad(layer, shape, pad):
    x = RNG.normal(size=shape).astype("float32")
    y = np.asarray(layer(x))
    np.testing.assert_array_equal(y, np.pad(x, pad))
    assert y.shape == layer.compute_output_shape(shape)


@pytest.mark.parametrize(
    "layer, shape, index",
    [
        (Cropping1D(), (2, 5, 2), (slice(None), slice(1, 4))),
        (Cropping1D((0, 2)), (2, 5, 2), (slice(None), slice(0, 3))),
        (Cropping2D(((1, 0), (2, 1))), (1, 4, 5, 2), (slice(None), slice(1, 4), slice(2, 4))),
        (
            Cropping2D(1, data_format="channels_first"),
            (1, 2, 4, 5),
            (slice(None), slice(None), slice(1, 3), slice(1, 4)),
        ),
        (Cropping3D(), (1, 3, 4, 5, 1), (slice(None), slice(1, 2), slice(1, 3), slice(1, 4))),
    ],
)
def test_cropping_matches_slicing(layer, shape, index):
    x = RNG.normal(size=shape).astype("float32")
    y = np.asarray(layer(x))
    np.testing.assert_array_equal(y, x[index])
    assert y.shape == layer.compute_output_shape(shape)


def test_cropping_too_much_names_the_layer():
    with pytest.raises(ValueError) as err:
        Cropping1D((2, 3), name="crop")(np.zeros((1, 5, 1), "float32"))
    assert "crop" in str(err.value) and "(1, 5, 1)" in str(err.value)


def test_up_sampling_nearest():
    x = np.arange(4, dtype="float32").reshape(1, 2, 2, 1)
    y = np.asarray(UpSampling2D((2, 3))(x))[0, :, :, 0]
    np.testing.assert_array_equal(
        y, [[0, 0, 0, 1, 1, 1], [0, 0, 0, 1, 1, 1], [2, 2, 2, 3, 3, 3], [2, 2, 2, 3, 3, 3]]
    )
    x1 = np.array([[[1.0, 2.0], [3.0, 4.0]]], "float32")
    np.testing.assert_array_equal(np.asarray(UpSampling1D(3)(x1)), np.repeat(x1, 3, axis=1))
    x3 = RNG.normal(size=(1, 2, 3, 2, 2)).astype("float32")
    want = np.repeat(np.repeat(np.repeat(x3, 2, 1), 1, 2), 3, 3)
    np.testing.assert_array_equal(np.asarray(UpSampling3D((2, 1, 3))(x3)), want)


def test_up_sampling_bilinear_keeps_constant_and_interpolates():
    x = np.full((1, 3, 3, 2), 5.0, "float32")
    y = np.asarray(UpSampling2D(interpolation="bilinear")(x))
    assert y.shape == (1, 6, 6, 2)
    np.testing.assert_allclose(y, 5.0)
    # half-pixel centres: output column j samples input column (j + 0.5) / 2 - 0.5
    ramp = np.arange(3, dtype="float64").reshape(1, 1, 3, 1)
    y = np.asarray(UpSampling2D((1, 2), interpolation="bilinear", dtype="float64")(ramp))
    np.testing.assert_allclose(y[0, 0, :, 0], [0.0, 0.25, 0.75, 1.25, 1.75, 2.0])


@pytest.mark.parametrize(
    "make, shape",
    [
        (lambda f: UpSampling2D((2, 3), data_format=f), (1, 2, 3, 2)),
        (lambda f: UpSampling2D(2, data_format=f, interpolation="bilinear"), (1, 3, 3, 2)),
        (lambda f: UpSampling3D(data_format=f), (1, 2, 2, 3, 2)),
        (lambda f: ZeroPadding2D(((1, 2), (0, 1)), data_format=f), (1, 2, 3, 2)),
        (lambda f: Cropping3D(((1, 0), (0, 1), (1, 1)), data_format=f), (1, 3, 3, 4, 2)),
    ],
)
def test_channels_first_equals_transposed_channels_last(make, shape):
    x = RNG.normal(size=shape).astype("float32")
    perm = (0, x.ndim - 1, *range(1, x.ndim - 1))
    last = np.asarray(make("channels_last")(x))
    first = np.asarray(make("channels_first")(np.transpose(x, perm)))
    np.testing.assert_allclose(np.transpose(first, np.argsort(perm)), last, rtol=1e-6)


@pytest.mark.parametrize(
    "layer",
    [
        ZeroPadding1D((1, 2)),
        ZeroPadding2D(((1, 2), (3, 4)), data_format="channels_first"),
        ZeroPadding3D(2),
        Cropping1D(2),
        Cropping2D(((1, 0), (0, 1))),
        Cropping3D(),
        UpSampling1D(3),
        UpSampling2D((2, 3), interpolation="bilinear"),
        UpSampling3D(),
    ],
)
def test_config_round_trip(layer):
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config


def test_config_values_are_normalized():
    assert ZeroPadding2D(2).get_config()["padding"] == ((2, 2), (2, 2))
    assert ZeroPadding1D(2).get_config()["padding"] == (2, 2)
    assert Cropping1D(1).get_config()["cropping"] == (1, 1)
    assert UpSampling2D(3).get_config()["size"] == (3, 3)


@pytest.mark.parametrize(
    "make",
    [
        lambda: ZeroPadding2D((1, 2, 3)),
        lambda: ZeroPadding1D(-1),
        lambda: Cropping2D("a"),
        lambda: UpSampling2D(0),
        lambda: UpSampling2D(interpolation="cubic"),
    ],
)
def test_invalid_arguments(make):
    with pytest.raises(ValueError):
        make()


def test_wrong_rank_error():
    with pytest.raises(ValueError) as err:
        ZeroPadding2D(name="zp")(np.zeros((2, 3, 4), "float32"))
    assert "zp" in str(err.value) and "(2, 3, 4)" in str(err.value)


def test_symbolic_shapes():
    from tholos import KerasTensor

    assert ZeroPadding2D()(KerasTensor((None, 4, None, 3))).shape == (None, 6, None, 3)
    assert Cropping1D()(KerasTensor((None, 5, 3))).shape == (None, 3, 3)
    assert UpSampling2D()(KerasTensor((None, 4, 5, 3))).shape == (None, 8, 10, 3)
