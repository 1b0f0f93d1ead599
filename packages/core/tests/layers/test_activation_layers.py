"""ReLU, LeakyReLU, PReLU, ELU, Softmax layers: values, masks, weights, configs, errors."""

import numpy as np
import pytest

from tholos.layers.activations.elu import ELU
from tholos.layers.activations.leaky_relu import LeakyReLU
from tholos.layers.activations.prelu import PReLU
from tholos.layers.activations.relu import ReLU
from tholos.layers.activations.softmax import Softmax

X = np.array([-3.0, -1.0, 0.0, 0.5, 1.0, 2.0, 7.0])


def ref_relu(x, max_value=None, negative_slope=0.0, threshold=0.0):
    out = np.where(x > threshold, x, 0.0)
    if max_value is not None:
        out = np.minimum(out, max_value)
    return np.where(x > threshold, out, negative_slope * (x - threshold))


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"max_value": 6.0},
        {"negative_slope": 0.1},
        {"threshold": 1.0},
        {"max_value": 1.5, "negative_slope": 0.2, "threshold": 0.5},
        {"max_value": 0.0},
    ],
)
def test_relu_matches_reference(kwargs):
    y = np.asarray(ReLU(dtype="float64", **kwargs)(X))
    np.testing.assert_allclose(y, ref_relu(X, **kwargs), rtol=1e-12)


def test_relu_hand_values():
    y = np.asarray(ReLU(max_value=6.0, negative_slope=0.5, threshold=1.0, dtype="float64")(X))
    np.testing.assert_allclose(y, [-2.0, -1.0, -0.5, -0.25, 0.0, 2.0, 6.0])


@pytest.mark.parametrize(
    "kwargs",
    [{"max_value": -1.0}, {"negative_slope": -0.1}, {"threshold": -1.0}, {"negative_slope": None}],
)
def test_relu_rejects_negative_arguments(kwargs):
    with pytest.raises(ValueError, match="ReLU"):
        ReLU(**kwargs)


def test_leaky_relu():
    np.testing.assert_allclose(
        np.asarray(LeakyReLU(dtype="float64")(X)), np.where(X > 0, X, 0.3 * X)
    )
    np.testing.assert_allclose(
        np.asarray(LeakyReLU(0.01, dtype="float64")(X)), np.where(X > 0, X, 0.01 * X)
    )
    with pytest.warns(UserWarning, match="alpha"):
        layer = LeakyReLU(alpha=0.2)
    assert layer.negative_slope == 0.2
    with pytest.raises(ValueError):
        LeakyReLU(-1.0)


def test_elu():
    y = np.asarray(ELU(alpha=0.5, dtype="float64")(X))
    np.testing.assert_allclose(y, np.where(X > 0, X, 0.5 * (np.exp(X) - 1)), rtol=1e-12)


def test_prelu_weights_and_values():
    x = np.random.default_rng(0).normal(size=(2, 3, 4))
    layer = PReLU(dtype="float64")
    y = np.asarray(layer(x))
    assert [w.name for w in layer.weights] == ["alpha"]
    assert tuple(layer.alpha.shape) == (3, 4)
    np.testing.assert_allclose(y, np.maximum(x, 0))  # alpha starts at zero
    alpha = np.random.default_rng(1).uniform(size=(3, 4))
    layer.set_weights([alpha])
    np.testing.assert_allclose(np.asarray(layer(x)), np.where(x > 0, x, alpha * x))


def test_prelu_shared_axes():
    x = np.random.default_rng(0).normal(size=(2, 5, 6, 3))
    layer = PReLU(shared_axes=[1, 2], alpha_initializer="ones", dtype="float64")
    np.testing.assert_allclose(np.asarray(layer(x)), x)
    assert tuple(layer.alpha.shape) == (1, 1, 3)
    assert layer.count_params() == 3
    assert PReLU(shared_axes=1).get_config()["shared_axes"] == [1]


def test_softmax_values_and_axes():
    x = np.random.default_rng(2).normal(size=(2, 3, 4))
    y = np.asarray(Softmax(dtype="float64")(x))
    e = np.exp(x - x.max(-1, keepdims=True))
    np.testing.assert_allclose(y, e / e.sum(-1, keepdims=True), rtol=1e-12)
    y = np.asarray(Softmax(axis=1, dtype="float64")(x))
    e = np.exp(x - x.max(1, keepdims=True))
    np.testing.assert_allclose(y, e / e.sum(1, keepdims=True), rtol=1e-12)
    y = np.asarray(Softmax(axis=(1, 2), dtype="float64")(x))
    e = np.exp(x)
    np.testing.assert_allclose(y, e / e.sum((1, 2), keepdims=True), rtol=1e-12)


def test_softmax_mask_zeroes_masked_positions():
    x = np.array([[1.0, 2.0, 3.0, 50.0]])
    mask = np.array([[True, True, True, False]])
    y = np.asarray(Softmax(dtype="float64")(x, mask=mask))
    e = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(y[0, :3], e / e.sum(), rtol=1e-12)
    assert y[0, 3] == 0.0
    # a float mask counts as kept above 0.5; a broadcastable mask is accepted
    y2 = np.asarray(Softmax(dtype="float64")(x, mask=np.array([[1.0, 1.0, 1.0, 0.0]])))
    np.testing.assert_allclose(y2, y)
    scores = np.zeros((1, 2, 3))
    y3 = np.asarray(Softmax(dtype="float64")(scores, mask=np.array([[[True, False, True]]])))
    np.testing.assert_allclose(y3, [[[0.5, 0.0, 0.5], [0.5, 0.0, 0.5]]])


@pytest.mark.parametrize(
    "layer",
    [
        ReLU(max_value=6.0, negative_slope=0.1, threshold=0.5),
        LeakyReLU(0.2),
        ELU(0.7),
        PReLU(alpha_initializer="ones", shared_axes=[1]),
        Softmax(axis=(1, 2)),
        Softmax(),
    ],
)
def test_config_round_trip(layer):
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config


def test_config_keys():
    assert ReLU().get_config()["max_value"] is None
    assert LeakyReLU().get_config()["negative_slope"] == 0.3
    assert Softmax().get_config()["axis"] == -1


def test_float32_by_default():
    y = ReLU()(np.array([1, -1], "int32"))
    assert str(np.asarray(y).dtype) in ("int32", "float32")
    assert str(np.asarray(ReLU()(np.array([1.0, -1.0]))).dtype) == "float32"
