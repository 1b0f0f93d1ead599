"""Activation functions: values against NumPy formulas, get/serialize/deserialize."""

import numpy as np
import pytest

from tholos import activations, ops
from tholos.errors import ConfigError
from tholos.saving import register_serializable

X = np.linspace(-3.0, 3.0, 13)


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


@pytest.mark.parametrize(
    "name, expected",
    [
        ("relu", np.maximum(X, 0)),
        ("relu6", np.clip(X, 0, 6)),
        ("sigmoid", _sigmoid(X)),
        ("tanh", np.tanh(X)),
        ("softplus", np.log1p(np.exp(X))),
        ("softsign", X / (1 + np.abs(X))),
        ("silu", X * _sigmoid(X)),
        ("swish", X * _sigmoid(X)),
        ("elu", np.where(X > 0, X, np.exp(X) - 1)),
        ("exponential", np.exp(X)),
        ("linear", X),
        ("mish", X * np.tanh(np.log1p(np.exp(X)))),
        ("hard_sigmoid", np.clip(X / 6 + 0.5, 0, 1)),
        ("hard_silu", X * np.clip(X / 6 + 0.5, 0, 1)),
        ("leaky_relu", np.where(X > 0, X, 0.2 * X)),
        ("log_sigmoid", np.log(_sigmoid(X))),
        ("tanh_shrink", X - np.tanh(X)),
    ],
)
def test_activation_values(name, expected):
    np.testing.assert_allclose(_np(activations.get(name)(X)), expected, rtol=1e-6, atol=1e-7)


def test_relu_options():
    np.testing.assert_allclose(_np(activations.relu(X, max_value=1.5)), np.clip(X, 0, 1.5))
    np.testing.assert_allclose(_np(activations.relu(X, threshold=1.0)), np.where(X > 1, X, 0))
    np.testing.assert_allclose(
        _np(activations.relu(X, negative_slope=0.1)), np.where(X > 0, X, 0.1 * X)
    )
    both = _np(activations.relu(X, negative_slope=0.5, max_value=2.0, threshold=1.0))
    np.testing.assert_allclose(both, np.where(X >= 2, 2.0, np.where(X > 1, X, 0.5 * (X - 1))))


def test_softmax_and_log_softmax():
    x = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    expected = e / e.sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(_np(activations.softmax(x)), expected, rtol=1e-12)
    np.testing.assert_allclose(_np(activations.log_softmax(x)), np.log(expected), rtol=1e-12)
    np.testing.assert_allclose(_np(activations.softmax(x, axis=0)).sum(axis=0), [1, 1, 1])


def test_gelu_exact_default():
    from math import erf, sqrt

    exact = np.array([0.5 * v * (1 + erf(v / sqrt(2))) for v in X])
    np.testing.assert_allclose(_np(activations.gelu(X)), exact, rtol=1e-6, atol=1e-7)


def test_dtype_preserved():
    x32 = X.astype("float32")
    for name in ["relu", "sigmoid", "softmax", "mish", "elu"]:
        assert _np(activations.get(name)(x32)).dtype == np.float32


def test_get_serialize_deserialize():
    assert activations.get(None) is activations.linear
    assert activations.get("relu") is activations.relu
    assert activations.serialize(activations.relu) == "relu"
    assert activations.deserialize("softmax") is activations.softmax
    fn = lambda x: x  # noqa: E731
    assert activations.get(fn) is fn
    with pytest.raises(ConfigError, match="Unknown activation") as info:
        activations.get("rellu")
    assert "relu" in str(info.value) and "softmax" in str(info.value)

    @register_serializable(package="ActTest")
    def cube(x):
        return x * x * x

    assert activations.serialize(cube) == "ActTest>cube"
    assert activations.get("ActTest>cube") is cube
