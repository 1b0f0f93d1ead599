"""EinsumDense: shape analysis, values against np.einsum, configs and errors."""

from __future__ import annotations

import numpy as np
import pytest

from tholos import KerasTensor, ops
from tholos.errors import ConfigError, OpInputError
from tholos.layers.core.einsum_dense import EinsumDense, analyze_einsum

RNG = np.random.default_rng(1)


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


@pytest.mark.parametrize(
    "equation, bias_axes, input_shape, output_shape, kernel, bias, full",
    [
        ("ab,bc->ac", "c", (None, 32), 64, (32, 64), (64,), (None, 64)),
        ("abc,cd->abd", "d", (None, 5, 32), (None, 64), (32, 64), (64,), (None, 5, 64)),
        ("abc,cde->abde", "de", (2, 5, 8), (5, 2, 4), (8, 2, 4), (2, 4), (2, 5, 2, 4)),
        ("abc,cde->abde", "e", (2, 5, 8), (None, 2, 4), (8, 2, 4), (4,), (2, 5, 2, 4)),
        ("abc,cde->abde", "d", (2, 5, 8), (None, 2, 4), (8, 2, 4), (2, 1), (2, 5, 2, 4)),
        ("abcd,cde->abe", "e", (None, 7, 2, 4), (None, 16), (2, 4, 16), (16,), (None, 7, 16)),
        ("...b,bc->...c", "c", (None, 3, 4, 32), 64, (32, 64), (64,), (None, 3, 4, 64)),
        ("ab...,bc->ac...", "c", (None, 32, 4, 5), 64, (32, 64), (64, 1, 1), (None, 64, 4, 5)),
        ("ab,bc->ac", None, (None, 3), 2, (3, 2), None, (None, 2)),
    ],
)
def test_analyze(equation, bias_axes, input_shape, output_shape, kernel, bias, full):
    layout = analyze_einsum(equation, bias_axes, input_shape, output_shape)
    assert layout.kernel_shape == kernel
    assert layout.bias_shape == bias
    assert layout.output_shape == full


@pytest.mark.parametrize(
    "equation, bias_axes, input_shape, output_shape",
    [
        ("ab,bc->ac", "c", (3, 4), 5),
        ("abc,cde->abde", "de", (3, 5, 4), (None, 2, 6)),
        ("...b,bc->...c", "c", (2, 3, 4), 5),
        ("ab...,bc->ac...", "c", (2, 4, 3), 5),
        ("abc,cd->abd", "bd", (2, 6, 4), (6, 5)),
    ],
)
def test_values_match_numpy(equation, bias_axes, input_shape, output_shape):
    layer = EinsumDense(equation, output_shape, bias_axes=bias_axes, dtype="float64")
    x = RNG.normal(size=input_shape)
    out = _np(layer(x))
    kernel = _np(layer.kernel)
    want = np.einsum(equation, x, kernel)
    if bias_axes:
        want = want + _np(layer.bias)
    np.testing.assert_allclose(out, want, rtol=1e-12)
    assert out.shape == layer.compute_output_shape(input_shape)


def test_activation_and_weight_names():
    layer = EinsumDense("ab,bc->ac", 3, activation="relu", bias_axes="c", dtype="float64")
    layer.build((None, 2))
    assert [w.name for w in layer.weights] == ["kernel", "bias"]
    layer.set_weights([np.array([[1.0, -1.0, 0.5], [2.0, 1.0, -3.0]]), np.array([0.0, 1.0, 0.0])])
    out = _np(layer(np.array([[1.0, 1.0]])))
    np.testing.assert_allclose(out, [[3.0, 1.0, 0.0]])


def test_symbolic_and_dynamic_batch():
    layer = EinsumDense("abc,cd->abd", (None, 4))
    assert layer(KerasTensor((None, 6, 3))).shape == (None, 6, 4)
    assert _np(layer(np.ones((5, 6, 3), "float32"))).shape == (5, 6, 4)


def test_config_round_trip():
    layer = EinsumDense("abc,cde->abde", (None, 2, 4), bias_axes="de", activation="tanh")
    config = layer.get_config()
    assert config["equation"] == "abc,cde->abde" and config["bias_axes"] == "de"
    clone = EinsumDense.from_config(config)
    assert clone.get_config() == config


def test_lora():
    layer = EinsumDense("ab,bc->ac", 3, dtype="float64")
    layer.build((None, 4))
    base = _np(layer.kernel).copy()
    layer.enable_lora(2)
    assert [w.name for w in layer.trainable_weights] == ["lora_kernel_a", "lora_kernel_b"]
    layer.lora_kernel_b.assign(np.ones((2, 3)))
    a = _np(layer.lora_kernel_a)
    np.testing.assert_allclose(_np(layer(np.eye(4))), base + a @ np.ones((2, 3)), rtol=1e-12)


def test_errors():
    with pytest.raises(ConfigError, match="invalid einsum equation"):
        EinsumDense("ab,bc", 3)
    with pytest.raises(ConfigError, match="bias axis"):
        EinsumDense("ab,bc->ac", 3, bias_axes="b").build((None, 2))
    with pytest.raises(ConfigError, match="neither"):
        EinsumDense("ab,bc->ad", 3).build((None, 2))
    with pytest.raises(OpInputError, match="disagree"):
        EinsumDense("abc,cd->abd", (5, 4)).build((None, 6, 3))
    with pytest.raises(OpInputError, match="rank"):
        EinsumDense("abc,cd->abd", (None, 4)).build((None, 3))
    with pytest.raises(ConfigError, match="output_shape"):
        EinsumDense("abc,cd->abd", 4).build((None, 6, 3))
