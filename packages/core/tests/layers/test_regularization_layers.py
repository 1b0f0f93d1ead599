"""SpatialDropout*, GaussianNoise, GaussianDropout, AlphaDropout, ActivityRegularization."""

import numpy as np
import pytest

from tholos.layers.regularization.activity_regularization import ActivityRegularization
from tholos.layers.regularization.noise import AlphaDropout, GaussianDropout, GaussianNoise
from tholos.layers.regularization.spatial_dropout import (
    SpatialDropout1D,
    SpatialDropout2D,
    SpatialDropout3D,
)

ALL = [
    lambda: SpatialDropout1D(0.5, seed=1),
    lambda: SpatialDropout2D(0.5, seed=1),
    lambda: SpatialDropout3D(0.5, seed=1),
    lambda: GaussianNoise(0.5, seed=1),
    lambda: GaussianDropout(0.5, seed=1),
    lambda: AlphaDropout(0.5, seed=1),
]
SHAPES = [(2, 4, 3), (2, 3, 4, 3), (2, 2, 3, 4, 3), (2, 3), (2, 3), (2, 3)]


@pytest.mark.parametrize("make, shape", list(zip(ALL, SHAPES)))
def test_identity_at_inference(make, shape):
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    layer = make()
    np.testing.assert_array_equal(np.asarray(layer(x)), x)
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)


@pytest.mark.parametrize(
    "layer, shape, shared",
    [
        (SpatialDropout1D(0.5, seed=3), (8, 5, 64), (1,)),
        (SpatialDropout2D(0.5, seed=3), (8, 3, 4, 64), (1, 2)),
        (SpatialDropout2D(0.5, data_format="channels_first", seed=3), (8, 64, 3, 4), (2, 3)),
        (SpatialDropout3D(0.5, seed=3), (4, 2, 3, 2, 64), (1, 2, 3)),
    ],
)
def test_spatial_dropout_drops_whole_channels(layer, shape, shared):
    x = np.ones(shape, "float32")
    y = np.asarray(layer(x, training=True))
    assert set(np.unique(y).tolist()) <= {0.0, 2.0}
    first = y[tuple(slice(0, 1) if i in shared else slice(None) for i in range(len(shape)))]
    np.testing.assert_array_equal(y, np.broadcast_to(first, shape))
    assert 0.3 < (first == 0).mean() < 0.7


def test_spatial_dropout_seed_is_reproducible_and_advances():
    x = np.ones((4, 3, 32), "float32")
    a = SpatialDropout1D(0.5, seed=7)
    b = SpatialDropout1D(0.5, seed=7)
    ya, yb = np.asarray(a(x, training=True)), np.asarray(b(x, training=True))
    np.testing.assert_array_equal(ya, yb)
    assert not np.array_equal(np.asarray(a(x, training=True)), ya)


def test_gaussian_noise_statistics():
    x = np.full((200, 100), 3.0, "float32")
    y = np.asarray(GaussianNoise(0.2, seed=0)(x, training=True))
    assert abs((y - 3.0).mean()) < 0.01
    assert abs((y - 3.0).std() - 0.2) < 0.01


def test_gaussian_dropout_statistics():
    x = np.full((200, 100), 2.0, "float32")
    y = np.asarray(GaussianDropout(0.2, seed=0)(x, training=True))
    assert abs(y.mean() - 2.0) < 0.02
    assert abs(y.std() - 2.0 * np.sqrt(0.2 / 0.8)) < 0.02


def test_alpha_dropout_values_and_self_normalization():
    rate = 0.3
    alpha_p = -1.6732632423543772 * 1.0507009873554805
    a = ((1 - rate) * (1 + rate * alpha_p**2)) ** -0.5
    b = -a * alpha_p * rate
    x = np.random.default_rng(0).normal(size=(400, 250))
    y = np.asarray(AlphaDropout(rate, seed=0, dtype="float64")(x, training=True))
    kept = np.isclose(y, a * x + b)
    dropped = np.isclose(y, a * alpha_p + b)
    assert (kept | dropped).all()
    assert abs(dropped.mean() - rate) < 0.01
    assert abs(y.mean()) < 0.02 and abs(y.var() - 1.0) < 0.03


def test_alpha_dropout_noise_shape():
    x = np.ones((3, 50, 4))
    y = np.asarray(AlphaDropout(0.5, noise_shape=(None, 1, 4), seed=0)(x, training=True))
    np.testing.assert_array_equal(y, np.broadcast_to(y[:, :1], y.shape))


def test_rate_zero_is_identity_in_training():
    x = np.ones((2, 3, 4), "float32")
    for layer in (
        SpatialDropout1D(0.0),
        GaussianNoise(0.0),
        GaussianDropout(0.0),
        AlphaDropout(0.0),
    ):
        np.testing.assert_array_equal(np.asarray(layer(x, training=True)), x)


@pytest.mark.parametrize(
    "make",
    [
        lambda: SpatialDropout1D(1.5),
        lambda: SpatialDropout2D(-0.1),
        lambda: GaussianNoise(-1),
        lambda: GaussianDropout(2.0),
        lambda: AlphaDropout("x"),
    ],
)
def test_invalid_rates(make):
    with pytest.raises(ValueError):
        make()


def test_spatial_dropout_wrong_rank():
    with pytest.raises(ValueError) as err:
        SpatialDropout2D(0.5, name="sd")(np.zeros((2, 3, 4), "float32"))
    assert "sd" in str(err.value) and "(2, 3, 4)" in str(err.value)


def test_activity_regularization_adds_loss():
    layer = ActivityRegularization(l1=0.1, l2=0.01)
    x = np.array([[1.0, -2.0], [3.0, 0.0]], "float32")
    y = layer(x)
    np.testing.assert_array_equal(np.asarray(y), x)
    assert len(layer.losses) == 1
    np.testing.assert_allclose(float(np.asarray(layer.losses[0])), 0.1 * 6 + 0.01 * 14, rtol=1e-6)


@pytest.mark.parametrize(
    "layer",
    [
        SpatialDropout1D(0.2, seed=3),
        SpatialDropout2D(0.3, data_format="channels_first"),
        SpatialDropout3D(0.1),
        GaussianNoise(0.1, seed=2),
        GaussianDropout(0.4),
        AlphaDropout(0.2, noise_shape=(None, 1)),
        ActivityRegularization(l1=0.5),
    ],
)
def test_config_round_trip(layer):
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config
    assert "activity_regularizer" not in config
