"""Attention layers against hand-written NumPy/einsum references."""

from __future__ import annotations

import numpy as np
import pytest

from tholos import KerasTensor, ops
from tholos.errors import ConfigError, OpInputError
from tholos.layers.attention import AdditiveAttention, Attention, MultiHeadAttention
from tholos.layers.attention.multi_head_attention import attention_equations, projection_equation

RNG = np.random.default_rng(2)
B, T, S, D = 2, 4, 5, 6
H, KD = 3, 2


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def randomize(layer):
    values = [RNG.normal(scale=0.5, size=tuple(w.shape)) for w in layer.weights]
    layer.set_weights(values)
    return values


def mha_reference(q, v, k, weights, key_dim, mask=None):
    wq, bq, wk, bk, wv, bv, wo, bo = weights
    Q = np.einsum("btd,dhk->bthk", q, wq) + bq
    K = np.einsum("bsd,dhk->bshk", k, wk) + bk
    V = np.einsum("bsd,dhk->bshk", v, wv) + bv
    scores = np.einsum("bthk,bshk->bhts", Q, K) / np.sqrt(key_dim)
    if mask is not None:
        m = np.broadcast_to(mask[:, None], scores.shape)
        scores = np.where(m, scores, -1e9)
    probs = softmax(scores)
    if mask is not None:
        probs = probs * m
    out = np.einsum("bhts,bshk->bthk", probs, V)
    return np.einsum("bthk,hkd->btd", out, wo) + bo, probs


@pytest.fixture
def qkv():
    return RNG.normal(size=(B, T, D)), RNG.normal(size=(B, S, 7)), RNG.normal(size=(B, S, 8))


def test_equations():
    assert projection_equation(2, 1, 2) == ("abc,cde->abde", "de", 4)
    assert projection_equation(2, 2, 1) == ("abcd,cde->abe", "e", 3)
    assert attention_equations(4, (1,)) == ("aecd,abcd->acbe", "acbe,aecd->abcd", 4)
    dot, _, rank = attention_equations(5, (1, 2))
    assert dot == "afgde,abcde->adbcfg" and rank == 6


def test_mha_weights_names_and_shapes(qkv):
    q, v, k = qkv
    layer = MultiHeadAttention(num_heads=H, key_dim=KD, value_dim=3)
    layer(q, v, k)
    shapes = [(w.path.split("/")[-2] + "/" + w.name, tuple(w.shape)) for w in layer.weights]
    assert shapes == [
        ("query/kernel", (D, H, KD)),
        ("query/bias", (H, KD)),
        ("key/kernel", (8, H, KD)),
        ("key/bias", (H, KD)),
        ("value/kernel", (7, H, 3)),
        ("value/bias", (H, 3)),
        ("attention_output/kernel", (H, 3, D)),
        ("attention_output/bias", (D,)),
    ]
    no_bias = MultiHeadAttention(num_heads=H, key_dim=KD, use_bias=False)
    no_bias(q, v, k)
    assert len(no_bias.weights) == 4


def test_mha_values_against_einsum_reference(qkv):
    q, v, k = qkv
    layer = MultiHeadAttention(num_heads=H, key_dim=KD, dtype="float64")
    layer.build(q.shape, v.shape, k.shape)
    weights = randomize(layer)
    out, scores = layer(q, v, k, return_attention_scores=True)
    want, probs = mha_reference(q, v, k, weights, KD)
    np.testing.assert_allclose(_np(out), want, rtol=1e-10)
    np.testing.assert_allclose(_np(scores), probs, rtol=1e-10)
    # key defaults to value
    self_attn = MultiHeadAttention(num_heads=H, key_dim=KD, dtype="float64")
    self_attn.build(q.shape, v.shape)
    weights = randomize(self_attn)
    want2, _ = mha_reference(q, v, v, weights, KD)
    np.testing.assert_allclose(_np(self_attn(q, v)), want2, rtol=1e-10)


def test_mha_attention_mask_and_input_masks(qkv):
    q, v, k = qkv
    layer = MultiHeadAttention(num_heads=H, key_dim=KD, dtype="float64")
    layer.build(q.shape, v.shape, k.shape)
    weights = randomize(layer)
    attention_mask = RNG.random((B, T, S)) > 0.3
    attention_mask[:, :, 0] = True
    out, scores = layer(q, v, k, attention_mask=attention_mask, return_attention_scores=True)
    want, probs = mha_reference(q, v, k, weights, KD, attention_mask)
    np.testing.assert_allclose(_np(out), want, rtol=1e-10)
    np.testing.assert_allclose(_np(scores), probs, rtol=1e-10, atol=1e-300)
    assert np.all(_np(scores)[~np.broadcast_to(attention_mask[:, None], probs.shape)] == 0)

    value_mask = np.array([[1, 1, 1, 0, 0], [1, 0, 1, 1, 1]], dtype=bool)
    query_mask = np.array([[1, 1, 1, 1], [1, 1, 0, 1]], dtype=bool)
    out = layer(q, v, k, query_mask=query_mask, value_mask=value_mask)
    combined = query_mask[:, :, None] & value_mask[:, None, :]
    want, _ = mha_reference(q, v, k, weights, KD, combined)
    np.testing.assert_allclose(_np(out), want, rtol=1e-10)


def test_mha_causal_mask():
    x = RNG.normal(size=(B, T, D))
    layer = MultiHeadAttention(num_heads=H, key_dim=KD, dtype="float64")
    layer.build(x.shape, x.shape)
    weights = randomize(layer)
    out, scores = layer(x, x, use_causal_mask=True, return_attention_scores=True)
    causal = np.tril(np.ones((T, T), bool))[None].repeat(B, 0)
    want, probs = mha_reference(x, x, x, weights, KD, causal)
    np.testing.assert_allclose(_np(out), want, rtol=1e-10)
    np.testing.assert_allclose(_np(scores), probs, rtol=1e-10, atol=1e-300)
    assert np.all(_np(scores)[..., ~np.tril(np.ones((T, T), bool))] == 0)
    np.testing.assert_allclose(_np(scores).sum(-1), 1.0)
    # the first position attends only to itself: changing later inputs does not change it
    x2 = x.copy()
    x2[:, 1:] += 1.0
    np.testing.assert_allclose(_np(layer(x2, x2, use_causal_mask=True))[:, 0], _np(out)[:, 0])


def test_mha_output_shape_and_value_dim():
    q = RNG.normal(size=(B, T, D))
    layer = MultiHeadAttention(num_heads=2, key_dim=4, value_dim=5, output_shape=(3, 2))
    out = layer(q, q)
    assert _np(out).shape == (B, T, 3, 2)
    assert tuple(layer.output_dense.kernel.shape) == (2, 5, 3, 2)
    assert layer.compute_output_shape((None, T, D), (None, S, D)) == (None, T, 3, 2)
    assert MultiHeadAttention(2, 4, output_shape=9)(q, q).shape[-1] == 9


def test_mha_attention_axes_equal_flattened_sequence():
    x = RNG.normal(size=(B, 2, 3, D))
    layer = MultiHeadAttention(num_heads=H, key_dim=KD, attention_axes=(1, 2), dtype="float64")
    out, scores = layer(x, x, return_attention_scores=True)
    assert _np(scores).shape == (B, H, 2, 3, 2, 3)
    flat = MultiHeadAttention(num_heads=H, key_dim=KD, dtype="float64")
    xf = x.reshape(B, 6, D)
    flat.build(xf.shape, xf.shape)
    flat.set_weights(layer.get_weights())
    np.testing.assert_allclose(_np(out).reshape(B, 6, D), _np(flat(xf, xf)), rtol=1e-10)


def test_mha_single_axis_on_rank4():
    x = RNG.normal(size=(B, 2, 3, D))
    layer = MultiHeadAttention(num_heads=H, key_dim=KD, attention_axes=2)
    out, scores = layer(x, x, return_attention_scores=True)
    assert _np(out).shape == x.shape
    assert _np(scores).shape == (B, 2, H, 3, 3)


def test_mha_dropout_only_in_training(qkv):
    q, v, k = qkv
    layer = MultiHeadAttention(num_heads=H, key_dim=KD, dropout=0.5, seed=1, dtype="float64")
    a = _np(layer(q, v, k))
    np.testing.assert_allclose(_np(layer(q, v, k)), a)
    assert not np.allclose(_np(layer(q, v, k, training=True)), a)


def test_mha_symbolic():
    q, v = KerasTensor((None, T, D)), KerasTensor((None, S, 7))
    assert MultiHeadAttention(num_heads=H, key_dim=KD)(q, v).shape == (None, T, D)
    out, scores = MultiHeadAttention(num_heads=H, key_dim=KD)(q, v, return_attention_scores=True)
    assert out.shape == (None, T, D) and scores.shape == (None, H, T, S)
    x4 = KerasTensor((None, 2, 3, D))
    layer = MultiHeadAttention(num_heads=H, key_dim=KD, attention_axes=(1, 2))
    _, scores = layer(x4, x4, return_attention_scores=True)
    assert scores.shape == (None, H, 2, 3, 2, 3)


def test_mha_errors_and_config():
    with pytest.raises(OpInputError, match="except the last one"):
        MultiHeadAttention(2, 3)(np.ones((1, 4, 5)), np.ones((1, 3, 5)), np.ones((1, 2, 5)))
    with pytest.raises(ConfigError, match="attention_axes"):
        MultiHeadAttention(2, 3, attention_axes="1")
    with pytest.raises(ConfigError, match="num_heads"):
        MultiHeadAttention(0, 3)
    layer = MultiHeadAttention(4, 8, value_dim=2, dropout=0.1, output_shape=(5,), seed=3)
    config = layer.get_config()
    assert config["num_heads"] == 4 and config["key_dim"] == 8 and config["value_dim"] == 2
    clone = MultiHeadAttention.from_config(config)
    assert clone.get_config() == config


# ----------------------------------------------------------------------------- Attention
def test_dot_attention_values():
    q, v, k = RNG.normal(size=(B, T, D)), RNG.normal(size=(B, S, D)), RNG.normal(size=(B, S, D))
    layer = Attention(dtype="float64")
    out, w = layer([q, v, k], return_attention_scores=True)
    probs = softmax(q @ k.transpose(0, 2, 1))
    np.testing.assert_allclose(_np(w), probs, rtol=1e-10)
    np.testing.assert_allclose(_np(out), probs @ v, rtol=1e-10)
    # key defaults to value
    np.testing.assert_allclose(_np(layer([q, v])), softmax(q @ v.transpose(0, 2, 1)) @ v)


def test_dot_attention_scale_and_concat():
    q, v = RNG.normal(size=(B, T, D)), RNG.normal(size=(B, S, D))
    layer = Attention(use_scale=True, dtype="float64")
    layer.build([q.shape, v.shape])
    assert [w.name for w in layer.weights] == ["scale"]
    layer.set_weights([np.array(0.7)])
    np.testing.assert_allclose(
        _np(layer([q, v])), softmax(0.7 * q @ v.transpose(0, 2, 1)) @ v, rtol=1e-10
    )
    concat = Attention(use_scale=True, score_mode="concat", dtype="float64")
    concat.build([q.shape, v.shape])
    assert [w.name for w in concat.weights] == ["scale", "concat_score_weight"]
    concat.set_weights([np.array(0.5), np.array(2.0)])
    scores = 2.0 * np.tanh(0.5 * (q[:, :, None] + v[:, None])).sum(-1)
    np.testing.assert_allclose(_np(concat([q, v])), softmax(scores) @ v, rtol=1e-10)


def test_attention_masks_and_causal():
    q, v = RNG.normal(size=(B, T, D)), RNG.normal(size=(B, T, D))
    layer = Attention(dtype="float64")
    q_mask = np.array([[1, 1, 0, 1], [1, 1, 1, 1]], dtype=bool)
    v_mask = np.array([[1, 0, 1, 1], [1, 1, 1, 0]], dtype=bool)
    out, w = layer([q, v], mask=[q_mask, v_mask], return_attention_scores=True)
    scores = q @ v.transpose(0, 2, 1) - 1e9 * (~v_mask[:, None])
    probs = softmax(scores)
    np.testing.assert_allclose(_np(w), probs, rtol=1e-10, atol=1e-300)
    np.testing.assert_allclose(_np(out), (probs @ v) * q_mask[..., None], rtol=1e-10)
    np.testing.assert_array_equal(_np(layer.compute_mask([q, v], [q_mask, v_mask])), q_mask)
    assert layer.compute_mask([q, v]) is None

    out, w = layer([q, v], use_causal_mask=True, return_attention_scores=True)
    causal = np.tril(np.ones((T, T), bool))
    probs = softmax(np.where(causal, q @ v.transpose(0, 2, 1), -np.inf))
    np.testing.assert_allclose(_np(w), probs, rtol=1e-10, atol=1e-300)


def test_additive_attention_values():
    q, v, k = RNG.normal(size=(B, T, D)), RNG.normal(size=(B, S, D)), RNG.normal(size=(B, S, D))
    layer = AdditiveAttention(dtype="float64")
    layer.build([q.shape, v.shape, k.shape])
    assert [(w.name, tuple(w.shape)) for w in layer.weights] == [("scale", (D,))]
    (scale,) = randomize(layer)
    scores = (scale * np.tanh(q[:, :, None] + k[:, None])).sum(-1)
    np.testing.assert_allclose(_np(layer([q, v, k])), softmax(scores) @ v, rtol=1e-10)
    plain = AdditiveAttention(use_scale=False, dtype="float64")
    scores = np.tanh(q[:, :, None] + k[:, None]).sum(-1)
    np.testing.assert_allclose(_np(plain([q, v, k])), softmax(scores) @ v, rtol=1e-10)
    assert "score_mode" not in layer.get_config()


def test_attention_shapes_config_and_errors():
    assert Attention().compute_output_shape([(None, T, D), (None, S, 3)]) == (None, T, 3)
    out = Attention()([KerasTensor((None, T, D)), KerasTensor((None, S, D))])
    assert out.shape == (None, T, D)
    layer = Attention(use_scale=True, score_mode="concat", dropout=0.2)
    assert Attention.from_config(layer.get_config()).get_config() == layer.get_config()
    with pytest.raises(ConfigError, match="score_mode"):
        Attention(score_mode="add")
    with pytest.raises(OpInputError, match="list of inputs"):
        Attention()(np.ones((1, 2, 3)))
    with pytest.raises(OpInputError, match="length 2 or 3"):
        Attention()([np.ones((1, 2, 3))])
    with pytest.raises(OpInputError, match="mask must be a list"):
        Attention()([np.ones((1, 2, 3))] * 2, mask=np.ones((1, 2), bool))


def test_attention_dropout_training_only():
    q = RNG.normal(size=(B, T, D))
    layer = Attention(dropout=0.5, seed=0, dtype="float64")
    a = _np(layer([q, q]))
    np.testing.assert_allclose(_np(layer([q, q], training=False)), a)
    assert not np.allclose(_np(layer([q, q], training=True)), a)


def test_mha_gradients_match_finite_differences(qkv):
    from tholos.backend._state import current

    q, v, k = qkv
    layer = MultiHeadAttention(num_heads=2, key_dim=2, dtype="float64")
    layer.build(q.shape, v.shape, k.shape)
    randomize(layer)
    mask = RNG.random((B, T, S)) > 0.3
    out_w = RNG.normal(size=(B, T, D))

    def loss_fn():
        out = layer(q, v, k, attention_mask=mask, use_causal_mask=True)
        return ops.sum(ops.multiply(out, out_w)), None

    _, _, grads = current().trainer.compute_gradients(loss_fn, layer.trainable_weights)
    eps = 1e-6
    for var, grad in zip(layer.trainable_weights, grads):
        base = _np(var).copy()
        flat = base.reshape(-1)
        i = int(RNG.integers(flat.size))
        plus, minus = flat.copy(), flat.copy()
        plus[i] += eps
        minus[i] -= eps
        var.assign(plus.reshape(base.shape))
        up = float(_np(loss_fn()[0]))
        var.assign(minus.reshape(base.shape))
        down = float(_np(loss_fn()[0]))
        var.assign(base)
        np.testing.assert_allclose(
            _np(grad).reshape(-1)[i], (up - down) / (2 * eps), rtol=1e-5, atol=1e-8
        )
