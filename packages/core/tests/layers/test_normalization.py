"""Normalization layers: values, moving statistics, masks, weights, configs, errors."""

import numpy as np
import pytest

from tholos.layers.normalization import (
    BatchNormalization,
    GroupNormalization,
    LayerNormalization,
    RMSNormalization,
    UnitNormalization,
)

RNG = np.random.default_rng(2)


# -- BatchNormalization ------------------------------------------------------------------------


def test_batch_norm_weights_order_names_and_trainability():
    bn = BatchNormalization()
    bn(np.zeros((2, 5, 3), "float32"))
    assert [w.name for w in bn.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert [tuple(w.shape) for w in bn.weights] == [(3,)] * 4
    assert [w.name for w in bn.trainable_weights] == ["gamma", "beta"]
    assert [w.name for w in bn.non_trainable_weights] == ["moving_mean", "moving_variance"]
    assert bn.count_params() == 12


def test_batch_norm_without_center_and_scale():
    bn = BatchNormalization(center=False, scale=False)
    bn(np.zeros((2, 3), "float32"))
    assert [w.name for w in bn.weights] == ["moving_mean", "moving_variance"]


def test_batch_norm_training_step_matches_hand_computation():
    x = RNG.normal(size=(6, 4, 3)) * 3 + 1
    bn = BatchNormalization(momentum=0.9, epsilon=1e-3, dtype="float64")
    bn(x)  # build (inference: moving stats unchanged)
    gamma, beta = RNG.normal(size=3), RNG.normal(size=3)
    mm0, mv0 = RNG.normal(size=3), RNG.uniform(0.5, 2.0, size=3)
    bn.set_weights([gamma, beta, mm0, mv0])
    y = np.asarray(bn(x, training=True))
    mean = x.mean(axis=(0, 1))
    var = x.var(axis=(0, 1))  # biased
    np.testing.assert_allclose(y, gamma * (x - mean) / np.sqrt(var + 1e-3) + beta, rtol=1e-10)
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.9 * mm0 + 0.1 * mean, rtol=1e-12)
    np.testing.assert_allclose(bn.moving_variance.numpy(), 0.9 * mv0 + 0.1 * var, rtol=1e-12)


def test_batch_norm_default_momentum_one_step():
    x = np.array([[1.0, 10.0], [3.0, 30.0]], "float32")
    bn = BatchNormalization()
    bn(x, training=True)
    np.testing.assert_allclose(bn.moving_mean.numpy(), [0.02, 0.2], rtol=1e-6)
    np.testing.assert_allclose(bn.moving_variance.numpy(), [0.99 + 0.01, 0.99 + 1.0], rtol=1e-6)


def test_batch_norm_inference_uses_moving_stats_and_does_not_update():
    bn = BatchNormalization(epsilon=0.0, dtype="float64")
    x = RNG.normal(size=(4, 2))
    bn(x)
    bn.set_weights(
        [np.array([2.0, 1.0]), np.array([0.5, 0.0]), np.array([1.0, -1.0]), np.array([4.0, 9.0])]
    )
    y = np.asarray(bn(x, training=False))
    np.testing.assert_allclose(y, [2.0, 1.0] * (x - [1.0, -1.0]) / [2.0, 3.0] + [0.5, 0.0])
    np.testing.assert_allclose(bn.moving_mean.numpy(), [1.0, -1.0])
    np.testing.assert_allclose(np.asarray(bn(x)), y)  # default: inference


def test_frozen_batch_norm_runs_in_inference_mode():
    bn = BatchNormalization()
    x = RNG.normal(size=(4, 2)).astype("float32") + 5
    bn(x)
    bn.trainable = False
    y = np.asarray(bn(x, training=True))
    np.testing.assert_allclose(y, x / np.sqrt(1 + 1e-3), rtol=1e-6)
    np.testing.assert_allclose(bn.moving_mean.numpy(), [0.0, 0.0])


def test_batch_norm_mask_restricts_batch_statistics():
    x = RNG.normal(size=(2, 4, 3))
    mask = np.array([[True, True, False, True], [True, False, False, True]])
    bn = BatchNormalization(momentum=0.0, dtype="float64")
    bn(x, training=True, mask=mask)
    kept = x[mask]  # (5, 3)
    np.testing.assert_allclose(bn.moving_mean.numpy(), kept.mean(0), rtol=1e-7)
    np.testing.assert_allclose(bn.moving_variance.numpy(), kept.var(0), rtol=1e-7)


def test_batch_norm_channels_first_axis():
    x = RNG.normal(size=(3, 2, 4, 4))
    first = BatchNormalization(axis=1, dtype="float64")
    last = BatchNormalization(axis=-1, dtype="float64")
    xt = np.transpose(x, (0, 2, 3, 1))
    y_first = np.asarray(first(x, training=True))
    y_last = np.asarray(last(xt, training=True))
    np.testing.assert_allclose(np.transpose(y_first, (0, 2, 3, 1)), y_last, rtol=1e-10)
    np.testing.assert_allclose(first.moving_mean.numpy(), last.moving_mean.numpy())
    assert tuple(first.gamma.shape) == (2,)


def test_batch_norm_stateless_call_returns_updated_statistics():
    bn = BatchNormalization(momentum=0.5, dtype="float64")
    x = np.array([[2.0], [4.0]])
    bn(x)
    _, non_trainable = bn.stateless_call(
        [v.value for v in bn.trainable_variables],
        [v.value for v in bn.non_trainable_variables],
        x,
        training=True,
    )
    np.testing.assert_allclose(np.asarray(non_trainable[0]), [1.5])
    np.testing.assert_allclose(np.asarray(non_trainable[1]), [1.0])
    np.testing.assert_allclose(bn.moving_mean.numpy(), [0.0])  # state untouched


def test_batch_norm_gradients_and_update_under_compute_gradients():
    from tholos import ops
    from tholos.backend._state import current

    x = RNG.normal(size=(5, 3))
    probe = RNG.normal(size=(5, 3))
    bn = BatchNormalization(momentum=0.5, dtype="float64")
    bn(x)

    def loss_fn():
        y = bn(x, training=True)
        return ops.sum(ops.multiply(y, probe)), y

    _, _, grads = current().trainer.compute_gradients(loss_fn, bn.trainable_variables)
    xhat = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3)
    np.testing.assert_allclose(np.asarray(grads[0]), (probe * xhat).sum(0), rtol=1e-10)
    np.testing.assert_allclose(np.asarray(grads[1]), probe.sum(0), rtol=1e-10)
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.5 * x.mean(0), rtol=1e-10)
    assert not hasattr(bn.moving_mean.value, "_value")  # a constant, not a traced box


def test_batch_norm_wrong_channel_count():
    bn = BatchNormalization(name="bn")
    bn(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match="bn"):
        bn(np.zeros((2, 4), "float32"))


# -- LayerNormalization ------------------------------------------------------------------------


def test_layer_norm_values_and_weights():
    x = RNG.normal(size=(3, 4, 5))
    ln = LayerNormalization(dtype="float64")
    ln(x)
    gamma, beta = RNG.normal(size=5), RNG.normal(size=5)
    ln.set_weights([gamma, beta])
    mean = x.mean(-1, keepdims=True)
    var = x.var(-1, keepdims=True)
    want = (x - mean) / np.sqrt(var + 1e-3) * gamma + beta
    np.testing.assert_allclose(np.asarray(ln(x)), want, rtol=1e-10)
    assert [w.name for w in ln.weights] == ["gamma", "beta"]


def test_layer_norm_several_axes():
    x = RNG.normal(size=(2, 3, 4, 5))
    ln = LayerNormalization(axis=[1, 3], epsilon=1e-5, dtype="float64")
    y = np.asarray(ln(x))
    assert tuple(ln.gamma.shape) == (3, 5)
    mean = x.mean((1, 3), keepdims=True)
    var = x.var((1, 3), keepdims=True)
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 1e-5), rtol=1e-10)
    assert ln.get_config()["axis"] == [1, 3]


def test_layer_norm_rms_scaling():
    x = RNG.normal(size=(3, 6))
    ln = LayerNormalization(rms_scaling=True, epsilon=1e-6, dtype="float64")
    y = np.asarray(ln(x))
    assert [w.name for w in ln.weights] == ["gamma"]
    # Keras 3 semantics: uncentered inputs over sqrt(variance + eps)
    np.testing.assert_allclose(y, x / np.sqrt(x.var(-1, keepdims=True) + 1e-6), rtol=1e-10)


def test_layer_norm_no_center_no_scale_has_no_weights():
    ln = LayerNormalization(center=False, scale=False)
    ln(np.zeros((2, 3), "float32"))
    assert ln.weights == []


# -- GroupNormalization ------------------------------------------------------------------------


def naive_group_norm(x, groups, eps):
    b, *spatial, c = x.shape
    g = x.reshape(b, *spatial, groups, c // groups)
    axes = tuple(range(1, len(spatial) + 1)) + (len(spatial) + 2,)
    mean = g.mean(axes, keepdims=True)
    var = g.var(axes, keepdims=True)
    return ((g - mean) / np.sqrt(var + eps)).reshape(x.shape)


@pytest.mark.parametrize("groups", [1, 2, 6, -1])
def test_group_norm_matches_numpy(groups):
    x = RNG.normal(size=(2, 3, 4, 6))
    gn = GroupNormalization(groups=groups, dtype="float64")
    gn(x)
    gamma, beta = RNG.normal(size=6), RNG.normal(size=6)
    gn.set_weights([gamma, beta])
    n = 6 if groups == -1 else groups
    want = naive_group_norm(x, n, 1e-3) * gamma + beta
    np.testing.assert_allclose(np.asarray(gn(x)), want, rtol=1e-10, atol=1e-12)


def test_group_norm_channels_first_equals_transposed():
    x = RNG.normal(size=(2, 4, 3, 5))
    first = GroupNormalization(groups=2, axis=1, dtype="float64")
    last = GroupNormalization(groups=2, dtype="float64")
    first(x)
    last(np.moveaxis(x, 1, -1))
    w = [RNG.normal(size=4), RNG.normal(size=4)]
    first.set_weights(w)
    last.set_weights(w)
    np.testing.assert_allclose(
        np.moveaxis(np.asarray(first(x)), 1, -1),
        np.asarray(last(np.moveaxis(x, 1, -1))),
        rtol=1e-10,
    )


@pytest.mark.parametrize("groups, channels", [(4, 6), (8, 4)])
def test_group_norm_bad_group_count(groups, channels):
    with pytest.raises(ValueError, match="group"):
        GroupNormalization(groups=groups)(np.zeros((1, 2, channels), "float32"))


# -- RMSNormalization / UnitNormalization -----------------------------------------------------


def test_rms_normalization():
    x = RNG.normal(size=(2, 3, 4))
    layer = RMSNormalization(dtype="float64")
    layer(x)
    scale = RNG.normal(size=4)
    layer.set_weights([scale])
    assert [w.name for w in layer.weights] == ["scale"]
    want = x / np.sqrt((x**2).mean(-1, keepdims=True) + 1e-6) * scale
    np.testing.assert_allclose(np.asarray(layer(x)), want, rtol=1e-10)


def test_unit_normalization():
    x = np.array([[3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(
        np.asarray(UnitNormalization(dtype="float64")(x)), [[0.6, 0.8], [0.0, 0.0]]
    )
    x = RNG.normal(size=(2, 3, 4))
    y = np.asarray(UnitNormalization(axis=[1, 2], dtype="float64")(x))
    np.testing.assert_allclose(np.sqrt((y**2).sum((1, 2))), [1.0, 1.0])


# -- dtypes, configs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "layer",
    [
        BatchNormalization(axis=1, momentum=0.9, center=False, gamma_initializer="zeros"),
        LayerNormalization(axis=[1, 2], rms_scaling=True),
        GroupNormalization(groups=4, epsilon=1e-5),
        RMSNormalization(axis=-1, epsilon=1e-5),
        UnitNormalization(axis=[1, 2]),
    ],
)
def test_config_round_trip(layer):
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config


def test_batch_norm_config_defaults_are_keras_defaults():
    config = BatchNormalization().get_config()
    assert config["axis"] == -1 and config["momentum"] == 0.99 and config["epsilon"] == 1e-3
    assert config["center"] and config["scale"] and not config["synchronized"]


def test_float16_inputs_are_normalized_in_float32():
    x = (RNG.normal(size=(4, 8)) * 100).astype("float16")
    ln = LayerNormalization(dtype="float16")
    y = ln(x)
    assert str(np.asarray(y).dtype) == "float16"
    ref = (x.astype("float64") - x.astype("float64").mean(-1, keepdims=True)) / np.sqrt(
        x.astype("float64").var(-1, keepdims=True) + 1e-3
    )
    np.testing.assert_allclose(np.asarray(y).astype("float64"), ref, atol=5e-3)
