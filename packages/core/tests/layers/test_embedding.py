"""Embedding: lookup values, masks, dtypes, configs, LoRA and errors."""

from __future__ import annotations

import numpy as np
import pytest

from tholos import KerasTensor, ops
from tholos.errors import ConfigError
from tholos.layers.core.embedding import Embedding


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def test_lookup_values_and_shape():
    layer = Embedding(6, 3)
    layer.build()
    table = np.arange(18, dtype="float32").reshape(6, 3)
    layer.set_weights([table])
    ids = np.array([[0, 5, 2], [1, 1, 4]])
    out = layer(ids)
    assert _np(out).dtype == np.float32
    np.testing.assert_array_equal(_np(out), table[ids])
    assert [w.name for w in layer.weights] == ["embeddings"]
    assert tuple(layer.embeddings.shape) == (6, 3)


def test_float_and_int64_ids_are_accepted():
    layer = Embedding(4, 2, weights=np.eye(4, 2, dtype="float32"))
    np.testing.assert_array_equal(_np(layer(np.array([1.0, 3.0]))), np.eye(4, 2)[[1, 3]])
    np.testing.assert_array_equal(_np(layer(np.array([2], dtype="int64"))), np.eye(4, 2)[[2]])


def test_scalar_and_empty_inputs():
    layer = Embedding(4, 2)
    assert _np(layer(np.array(3))).shape == (2,)
    assert _np(layer(np.zeros((0, 5), "int32"))).shape == (0, 5, 2)


def test_uniform_initializer_default_range():
    layer = Embedding(50, 20)
    layer.build()
    values = _np(layer.embeddings)
    assert values.std() > 0.01
    assert np.all(np.abs(values) <= 0.05)


def test_mask_zero():
    layer = Embedding(5, 2, mask_zero=True)
    ids = np.array([[3, 0, 1], [0, 0, 2]])
    mask = _np(layer.compute_mask(ids))
    np.testing.assert_array_equal(mask, ids != 0)
    assert Embedding(5, 2).compute_mask(ids) is None
    assert layer.supports_masking


def test_compute_output_shape_and_symbolic():
    layer = Embedding(10, 4)
    assert layer.compute_output_shape((None, 7)) == (None, 7, 4)
    assert layer(KerasTensor((None, 7), dtype="int32")).shape == (None, 7, 4)


def test_dtype_policy_float64():
    layer = Embedding(3, 2, dtype="float64")
    assert _np(layer(np.array([1]))).dtype == np.float64


def test_config_round_trip():
    layer = Embedding(7, 3, mask_zero=True, embeddings_initializer="zeros", name="emb")
    config = layer.get_config()
    assert config["input_dim"] == 7 and config["output_dim"] == 3 and config["mask_zero"]
    clone = Embedding.from_config(config)
    assert clone.get_config() == config


def test_lora():
    layer = Embedding(5, 3, dtype="float64")
    layer.build()
    base = _np(layer.embeddings).copy()
    layer.enable_lora(2)
    assert [w.name for w in layer.trainable_weights] == ["lora_embeddings_a", "lora_embeddings_b"]
    np.testing.assert_allclose(_np(layer.embeddings), base)  # b starts at zero
    a = np.arange(10.0).reshape(5, 2)
    b = np.ones((2, 3))
    layer.lora_embeddings_a.assign(a)
    layer.lora_embeddings_b.assign(b)
    np.testing.assert_allclose(_np(layer(np.array([4]))), (base + a @ b)[[4]])
    with pytest.raises(ConfigError, match="already enabled"):
        layer.enable_lora(2)


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_invalid_dims(bad):
    with pytest.raises(ConfigError, match="input_dim"):
        Embedding(bad, 3)
    with pytest.raises(ConfigError, match="output_dim"):
        Embedding(3, bad)


def test_input_length_is_deprecated():
    with pytest.warns(UserWarning, match="input_length"):
        Embedding(3, 2, input_length=5)
