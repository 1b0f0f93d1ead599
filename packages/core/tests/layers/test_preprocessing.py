"""Rescaling and Normalization (incl. adapt)."""

import numpy as np
import pytest

from tholos.layers.preprocessing.normalization import Normalization
from tholos.layers.preprocessing.rescaling import Rescaling

RNG = np.random.default_rng(5)


def test_rescaling_uint8_images():
    x = np.array([[0, 127, 255]], "uint8")
    y = np.asarray(Rescaling(1.0 / 255)(x))
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, x / 255.0, rtol=1e-6)
    y = np.asarray(Rescaling(1 / 127.5, offset=-1.0)(x))
    np.testing.assert_allclose(y, x / 127.5 - 1.0, rtol=1e-6, atol=1e-7)


def test_rescaling_per_channel_scale():
    x = np.ones((2, 2, 2, 3), "float32")
    y = np.asarray(Rescaling([1.0, 2.0, 3.0], offset=[0.0, 1.0, 0.0])(x))
    np.testing.assert_allclose(y[0, 0, 0], [1.0, 3.0, 3.0])


def test_rescaling_float64_layer():
    x = np.array([1.0, 2.0])
    y = Rescaling(0.1, dtype="float64")(x)
    assert str(np.asarray(y).dtype) == "float64"
    np.testing.assert_allclose(np.asarray(y), [0.1, 0.2], rtol=1e-15)


def test_normalization_with_given_statistics():
    layer = Normalization(mean=[1.0, 2.0], variance=[4.0, 9.0])
    x = np.array([[3.0, 8.0], [1.0, -1.0]], "float32")
    np.testing.assert_allclose(np.asarray(layer(x)), [[1.0, 2.0], [0.0, -1.0]])
    inverse = Normalization(mean=[1.0, 2.0], variance=[4.0, 9.0], invert=True)
    np.testing.assert_allclose(np.asarray(inverse(np.asarray(layer(x)))), x, rtol=1e-6)
    assert layer.weights == []


def test_normalization_adapt_numpy_array():
    data = RNG.normal(size=(100, 3)) * [1.0, 2.0, 3.0] + [0.0, -1.0, 5.0]
    layer = Normalization()
    layer.adapt(data)
    assert [w.name for w in layer.weights] == ["mean", "variance", "count"]  # as Keras 3
    assert not layer.trainable_weights
    np.testing.assert_allclose(layer.adapt_mean.numpy(), data.mean(0), rtol=1e-5)
    np.testing.assert_allclose(layer.adapt_variance.numpy(), data.var(0), rtol=1e-5)
    y = np.asarray(layer(data.astype("float32")))
    np.testing.assert_allclose(y.mean(0), 0.0, atol=1e-5)
    np.testing.assert_allclose(y.std(0), 1.0, rtol=1e-5)


def test_normalization_adapt_batches_equals_whole_array():
    data = RNG.normal(size=(50, 4, 2)) * 3 + 1
    whole = Normalization(axis=-1)
    whole.adapt(data)
    streamed = Normalization(axis=-1)
    streamed.adapt(iter([data[:7], data[7:30], data[30:]]))
    np.testing.assert_allclose(streamed.adapt_mean.numpy(), whole.adapt_mean.numpy(), rtol=1e-6)
    np.testing.assert_allclose(
        streamed.adapt_variance.numpy(), whole.adapt_variance.numpy(), rtol=1e-6
    )
    np.testing.assert_allclose(whole.adapt_mean.numpy(), data.mean((0, 1)), rtol=1e-6)


def test_normalization_adapt_xy_batches_uses_x():
    data = RNG.normal(size=(20, 2))
    layer = Normalization()
    layer.adapt([(data[:10], np.zeros(10)), (data[10:], np.zeros(10))].__iter__())
    np.testing.assert_allclose(layer.adapt_mean.numpy(), data.mean(0), rtol=1e-6)


def test_normalization_axis_none_and_tuple():
    data = RNG.normal(size=(10, 3, 4)) + 2
    scalar = Normalization(axis=None)
    scalar.adapt(data)
    assert tuple(scalar.adapt_mean.shape) == ()
    np.testing.assert_allclose(float(scalar.adapt_mean.numpy()), data.mean(), rtol=1e-6)
    per = Normalization(axis=(1, 2))
    per.adapt(data)
    assert tuple(per.adapt_mean.shape) == (3, 4)
    np.testing.assert_allclose(per.adapt_variance.numpy(), data.var(0), rtol=1e-5)
    y = np.asarray(per(data.astype("float32")))
    np.testing.assert_allclose(y.mean(0), 0.0, atol=1e-5)


def test_normalization_constant_feature_does_not_divide_by_zero():
    layer = Normalization()
    layer.adapt(np.array([[1.0, 2.0], [1.0, 4.0]]))
    y = np.asarray(layer(np.array([[1.0, 3.0]], "float32")))
    assert np.isfinite(y).all()
    np.testing.assert_allclose(y, [[0.0, 0.0]], atol=1e-6)


def test_normalization_errors():
    with pytest.raises(ValueError, match="both"):
        Normalization(mean=1.0)
    layer = Normalization(axis=-1)
    layer.adapt(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="shape"):
        layer.adapt(np.zeros((4, 5)))
    with pytest.raises(ValueError):
        Normalization(mean=0.0, variance=1.0).adapt(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="axis"):
        Normalization(axis=3)(np.zeros((2, 2), "float32"))


@pytest.mark.parametrize(
    "layer",
    [
        Rescaling(0.5, offset=1.0),
        Rescaling([1.0, 2.0]),
        Normalization(),
        Normalization(axis=(1, 2), mean=np.zeros(3), variance=np.ones(3), invert=True),
        Normalization(axis=None),
    ],
)
def test_config_round_trip(layer):
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config


def test_normalization_config_plain_lists():
    config = Normalization(mean=np.array([1.0, 2.0]), variance=np.array([3.0, 4.0])).get_config()
    assert config["mean"] == [1.0, 2.0] and config["variance"] == [3.0, 4.0]
    assert config["axis"] == (-1,)
