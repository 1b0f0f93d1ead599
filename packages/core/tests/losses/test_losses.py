"""Loss values against NumPy re-computations of the published formulas."""

from __future__ import annotations

import numpy as np
import pytest

from tholos import losses, ops
from tholos.errors import ConfigError, OpInputError

EPS = 1e-7
RNG = np.random.default_rng(0)


def f64(x):
    return np.asarray(x, dtype="float64")


def val(x):
    return np.asarray(ops.convert_to_numpy(x))


# ----------------------------------------------------------------- numpy references (per sample)
def np_mse(t, p):
    return np.mean((t - p) ** 2, axis=-1)


def np_mae(t, p):
    return np.mean(np.abs(t - p), axis=-1)


def np_mape(t, p):
    return 100 * np.mean(np.abs((t - p) / np.maximum(np.abs(t), EPS)), axis=-1)


def np_msle(t, p):
    a = np.log(np.maximum(p, EPS) + 1)
    b = np.log(np.maximum(t, EPS) + 1)
    return np.mean((a - b) ** 2, axis=-1)


def np_huber(t, p, delta=1.0):
    e = np.abs(p - t)
    return np.mean(np.where(e <= delta, 0.5 * e**2, delta * e - 0.5 * delta**2), axis=-1)


def np_logcosh(t, p):
    return np.mean(np.log(np.cosh(p - t)), axis=-1)


def np_pm1(t):
    return 2 * t - 1 if np.all((t == 0) | (t == 1)) else t


def np_hinge(t, p):
    return np.mean(np.maximum(1 - np_pm1(t) * p, 0), axis=-1)


def np_sq_hinge(t, p):
    return np.mean(np.maximum(1 - np_pm1(t) * p, 0) ** 2, axis=-1)


def np_cat_hinge(t, p):
    pos = np.sum(t * p, axis=-1)
    neg = np.max((1 - t) * p, axis=-1)
    return np.maximum(neg - pos + 1, 0)


def np_kld(t, p):
    t = np.clip(t, EPS, 1)
    p = np.clip(p, EPS, 1)
    return np.sum(t * np.log(t / p), axis=-1)


def np_poisson(t, p):
    return np.mean(p - t * np.log(p + EPS), axis=-1)


def np_cosine(t, p):
    tn = t / np.sqrt(np.maximum(np.sum(t**2, -1, keepdims=True), EPS))
    pn = p / np.sqrt(np.maximum(np.sum(p**2, -1, keepdims=True), EPS))
    return -np.sum(tn * pn, axis=-1)


def np_bce_elem(t, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p))


def np_bce(t, p, from_logits=False, ls=0.0):
    t = t * (1 - ls) + 0.5 * ls
    if from_logits:
        return np.mean(np.maximum(p, 0) - p * t + np.log1p(np.exp(-np.abs(p))), axis=-1)
    return np.mean(np_bce_elem(t, p), axis=-1)


def np_softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def np_cce(t, p, from_logits=False, ls=0.0):
    t = t * (1 - ls) + ls / p.shape[-1]
    if from_logits:
        return -np.sum(t * np.log(np_softmax(p)), axis=-1)
    p = p / p.sum(-1, keepdims=True)
    return -np.sum(t * np.log(np.clip(p, EPS, 1 - EPS)), axis=-1)


def np_bfce(t, p, gamma=2.0, alpha=0.25, balance=False):
    bce = np_bce_elem(t, p)
    pt = t * p + (1 - t) * (1 - p)
    out = (1 - pt) ** gamma * bce
    if balance:
        out = (t * alpha + (1 - t) * (1 - alpha)) * out
    return np.mean(out, axis=-1)


def np_cfce(t, p, gamma=2.0, alpha=0.25):
    q = np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS)
    return np.sum(alpha * (1 - q) ** gamma * -t * np.log(q), axis=-1)


# ------------------------------------------------------------------------------------ fixtures
Y_REG_T = f64(RNG.uniform(0.5, 2.0, (4, 3)))
Y_REG_P = f64(RNG.uniform(0.1, 2.5, (4, 3)))
Y_BIN_T = f64(RNG.integers(0, 2, (4, 3)))
Y_PROB = f64(RNG.uniform(0.05, 0.95, (4, 3)))
Y_ONEHOT = f64(np.eye(3)[[0, 2, 1, 2]])
LOGITS = f64(RNG.normal(size=(4, 3)))
SW = f64([0.5, 1.0, 0.0, 2.0])

CASES = [
    (losses.MeanSquaredError, {}, Y_REG_T, Y_REG_P, np_mse),
    (losses.MeanAbsoluteError, {}, Y_REG_T, Y_REG_P, np_mae),
    (losses.MeanAbsolutePercentageError, {}, Y_REG_T, Y_REG_P, np_mape),
    (losses.MeanSquaredLogarithmicError, {}, Y_REG_T, Y_REG_P, np_msle),
    (losses.Huber, {}, Y_REG_T, Y_REG_P, np_huber),
    (losses.Huber, {"delta": 0.3}, Y_REG_T, Y_REG_P, lambda t, p: np_huber(t, p, 0.3)),
    (losses.LogCosh, {}, Y_REG_T, Y_REG_P, np_logcosh),
    (losses.Hinge, {}, Y_BIN_T, LOGITS, np_hinge),
    (losses.Hinge, {}, 2 * Y_BIN_T - 1, LOGITS, np_hinge),
    (losses.SquaredHinge, {}, Y_BIN_T, LOGITS, np_sq_hinge),
    (losses.CategoricalHinge, {}, Y_ONEHOT, LOGITS, np_cat_hinge),
    (losses.KLDivergence, {}, Y_ONEHOT, np_softmax(LOGITS), np_kld),
    (losses.Poisson, {}, Y_REG_T, Y_REG_P, np_poisson),
    (losses.CosineSimilarity, {}, Y_REG_T, LOGITS, np_cosine),
    (losses.BinaryCrossentropy, {}, Y_BIN_T, Y_PROB, np_bce),
    (
        losses.BinaryCrossentropy,
        {"from_logits": True},
        Y_BIN_T,
        LOGITS,
        lambda t, p: np_bce(t, p, from_logits=True),
    ),
    (
        losses.BinaryCrossentropy,
        {"label_smoothing": 0.2},
        Y_BIN_T,
        Y_PROB,
        lambda t, p: np_bce(t, p, ls=0.2),
    ),
    (losses.CategoricalCrossentropy, {}, Y_ONEHOT, np_softmax(LOGITS), np_cce),
    (
        losses.CategoricalCrossentropy,
        {"from_logits": True},
        Y_ONEHOT,
        LOGITS,
        lambda t, p: np_cce(t, p, from_logits=True),
    ),
    (
        losses.CategoricalCrossentropy,
        {"label_smoothing": 0.1, "from_logits": True},
        Y_ONEHOT,
        LOGITS,
        lambda t, p: np_cce(t, p, from_logits=True, ls=0.1),
    ),
    (losses.BinaryFocalCrossentropy, {}, Y_BIN_T, Y_PROB, np_bfce),
    (
        losses.BinaryFocalCrossentropy,
        {"apply_class_balancing": True, "gamma": 1.5},
        Y_BIN_T,
        Y_PROB,
        lambda t, p: np_bfce(t, p, gamma=1.5, balance=True),
    ),
    (
        losses.BinaryFocalCrossentropy,
        {"from_logits": True},
        Y_BIN_T,
        LOGITS,
        lambda t, p: np_bfce(t, 1 / (1 + np.exp(-p))),
    ),
    (losses.CategoricalFocalCrossentropy, {}, Y_ONEHOT, np_softmax(LOGITS), np_cfce),
    (
        losses.CategoricalFocalCrossentropy,
        {"from_logits": True, "alpha": 0.5},
        Y_ONEHOT,
        LOGITS,
        lambda t, p: np_cfce(t, np_softmax(p), alpha=0.5),
    ),
]


@pytest.mark.parametrize(("cls", "kwargs", "y_true", "y_pred", "ref"), CASES)
def test_loss_values_and_reductions(cls, kwargs, y_true, y_pred, ref):
    per_sample = ref(y_true, y_pred)
    for reduction, expected in [
        ("sum_over_batch_size", per_sample.mean()),
        ("mean", per_sample.mean()),
        ("sum", per_sample.sum()),
        (None, per_sample),
        ("none", per_sample),
    ]:
        loss = cls(reduction=reduction, dtype="float64", **kwargs)
        np.testing.assert_allclose(val(loss(y_true, y_pred)), expected, rtol=1e-6, atol=1e-9)
    # sample weights
    weighted = per_sample * SW
    loss = cls(dtype="float64", **kwargs)
    np.testing.assert_allclose(
        val(loss(y_true, y_pred, sample_weight=SW)), weighted.mean(), rtol=1e-6, atol=1e-9
    )
    loss = cls(dtype="float64", reduction="mean_with_sample_weight", **kwargs)
    np.testing.assert_allclose(
        val(loss(y_true, y_pred, sample_weight=SW)), weighted.sum() / SW.sum(), rtol=1e-6, atol=1e-9
    )
    # default dtype is float32
    out = cls(**kwargs)(y_true, y_pred)
    assert str(out.dtype) == "float32"
    np.testing.assert_allclose(val(out), per_sample.mean(), rtol=1e-4, atol=1e-5)


def test_function_forms_and_aliases():
    t, p = Y_REG_T, Y_REG_P
    np.testing.assert_allclose(val(losses.mean_squared_error(t, p)), np_mse(t, p))
    for alias in (losses.mse, losses.MSE):
        np.testing.assert_allclose(val(alias(t, p)), np_mse(t, p))
    np.testing.assert_allclose(val(losses.mae(t, p)), np_mae(t, p))
    np.testing.assert_allclose(val(losses.mape(t, p)), np_mape(t, p))
    np.testing.assert_allclose(val(losses.msle(t, p)), np_msle(t, p))
    np.testing.assert_allclose(val(losses.kld(Y_ONEHOT, Y_PROB)), np_kld(Y_ONEHOT, Y_PROB))
    np.testing.assert_allclose(val(losses.logcosh(t, p)), np_logcosh(t, p))
    np.testing.assert_allclose(val(losses.huber(t, p, delta=2.0)), np_huber(t, p, 2.0))
    np.testing.assert_allclose(
        val(losses.binary_crossentropy(Y_BIN_T, LOGITS, from_logits=True)),
        np_bce(Y_BIN_T, LOGITS, from_logits=True),
    )


def test_sample_weight_per_timestep_and_mask():
    t = f64(RNG.normal(size=(2, 3, 4)))
    p = f64(RNG.normal(size=(2, 3, 4)))
    per = np_mse(t, p)  # (2, 3)
    sw = f64([[1, 0, 2], [0.5, 1, 1]])
    loss = losses.MeanSquaredError(dtype="float64")
    np.testing.assert_allclose(val(loss(t, p, sample_weight=sw)), (per * sw).mean())
    # per-sample weights broadcast over time steps
    sw1 = f64([2.0, 0.0])
    np.testing.assert_allclose(val(loss(t, p, sample_weight=sw1)), (per * sw1[:, None]).mean())


class _Masked(np.ndarray):
    pass


def test_keras_mask_on_y_pred_averages_over_unmasked():
    t = f64(RNG.normal(size=(2, 3, 1)))
    p = f64(RNG.normal(size=(2, 3, 1))).view(_Masked)
    mask = np.array([[True, True, False], [True, False, False]])
    p._keras_mask = mask
    per = np_mse(t, np.asarray(p))
    expected = per[mask].sum() / mask.sum()
    out = losses.MeanSquaredError(dtype="float64")(t, p)
    np.testing.assert_allclose(val(out), expected, rtol=1e-6)
    out = losses.MeanSquaredError(dtype="float64", reduction="sum")(t, p)
    np.testing.assert_allclose(val(out), per[mask].sum(), rtol=1e-6)


def test_sparse_categorical_crossentropy_and_ignore_class():
    labels = np.array([0, 2, 1, 2])
    probs = np_softmax(LOGITS)
    ref = -np.log(np.clip(probs[np.arange(4), labels], EPS, 1 - EPS))
    loss = losses.SparseCategoricalCrossentropy(dtype="float64")
    np.testing.assert_allclose(val(loss(labels, probs)), ref.mean(), rtol=1e-6)
    np.testing.assert_allclose(val(loss(labels[:, None], probs)), ref.mean(), rtol=1e-6)
    logit_ref = -np.log(np_softmax(LOGITS)[np.arange(4), labels])
    loss = losses.SparseCategoricalCrossentropy(from_logits=True, dtype="float64")
    np.testing.assert_allclose(val(loss(labels, LOGITS)), logit_ref.mean(), rtol=1e-6)
    # ignore_class: the entries are zeroed and masked out of the mean
    loss = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=2, dtype="float64")
    keep = labels != 2
    np.testing.assert_allclose(val(loss(labels, LOGITS)), logit_ref[keep].mean(), rtol=1e-5)
    fn = losses.sparse_categorical_crossentropy(labels, LOGITS, from_logits=True, ignore_class=2)
    np.testing.assert_allclose(val(fn), np.where(keep, logit_ref, 0.0), rtol=1e-6)


def test_dice_and_tversky():
    t, p = Y_BIN_T, Y_PROB
    inter = (t * p).sum()
    dice = 1 - 2 * inter / (t.sum() + p.sum() + EPS)
    np.testing.assert_allclose(val(losses.Dice(dtype="float64")(t, p)), dice, rtol=1e-6)
    dice_rows = 1 - 2 * (t * p).sum(1) / (t.sum(1) + p.sum(1) + EPS)
    np.testing.assert_allclose(
        val(losses.Dice(axis=1, dtype="float64")(t, p)), dice_rows.mean(), rtol=1e-6
    )
    a, b = 0.3, 0.7
    tv = 1 - inter / (inter + a * ((1 - p) * t).sum() + b * (p * (1 - t)).sum() + EPS)
    np.testing.assert_allclose(
        val(losses.Tversky(alpha=a, beta=b, dtype="float64")(t, p)), tv, rtol=1e-6
    )


def _np_ctc(labels, logits):
    """Reference CTC negative log likelihood (blank = 0, labels > 0) by the forward algorithm."""
    out = []
    for lab, lg in zip(labels, logits):
        lp = np.log(np_softmax(lg))
        lab = [int(x) for x in lab if x != 0]
        ext = [0]
        for c in lab:
            ext += [c, 0]
        s_len, t_len = len(ext), lp.shape[0]
        alpha = np.full((t_len, s_len), -np.inf)
        alpha[0, 0] = lp[0, 0]
        if s_len > 1:
            alpha[0, 1] = lp[0, ext[1]]
        for t in range(1, t_len):
            for s in range(s_len):
                terms = [alpha[t - 1, s]]
                if s >= 1:
                    terms.append(alpha[t - 1, s - 1])
                if s >= 2 and ext[s] != 0 and ext[s] != ext[s - 2]:
                    terms.append(alpha[t - 1, s - 2])
                alpha[t, s] = np.logaddexp.reduce(terms) + lp[t, ext[s]]
        out.append(-np.logaddexp(alpha[-1, -1], alpha[-1, -2] if s_len > 1 else -np.inf))
    return np.array(out)


def test_ctc():
    labels = np.array([[1, 2, 2], [3, 1, 2]])
    logits = f64(RNG.normal(size=(2, 7, 4)))
    try:
        out = losses.CTC(reduction=None, dtype="float64")(labels, logits)
    except NotImplementedError as err:  # backend without ctc_loss
        pytest.skip(str(err))
    np.testing.assert_allclose(val(out), _np_ctc(labels, logits), rtol=1e-5)


@pytest.mark.parametrize(
    "loss",
    [
        losses.MeanSquaredError(reduction="sum"),
        losses.Huber(delta=0.5, name="h"),
        losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
        losses.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=0.4, gamma=3.0),
        losses.CategoricalCrossentropy(axis=1),
        losses.CategoricalFocalCrossentropy(alpha=0.1),
        losses.SparseCategoricalCrossentropy(ignore_class=-1),
        losses.CosineSimilarity(axis=0),
        losses.Tversky(alpha=0.2, beta=0.8, axis=1),
        losses.Dice(axis=(1, 2)),
        losses.CTC(),
        losses.LossFunctionWrapper(losses.mean_absolute_error, name="wrapped"),
    ],
)
def test_config_round_trip(loss):
    config = loss.get_config()
    clone = type(loss).from_config(config)
    assert clone.get_config() == config
    restored = losses.deserialize(losses.serialize(loss))
    assert type(restored) is type(loss)
    assert restored.get_config() == config


def test_default_names_and_config_keys():
    assert losses.MeanSquaredError().get_config() == {
        "name": "mean_squared_error",
        "reduction": "sum_over_batch_size",
    }
    cfg = losses.BinaryCrossentropy().get_config()
    assert cfg["from_logits"] is False and cfg["label_smoothing"] == 0.0 and cfg["axis"] == -1
    assert losses.Huber().name == "huber_loss"
    assert losses.LogCosh().name == "log_cosh"
    assert losses.KLDivergence().name == "kl_divergence"


def test_get():
    assert losses.get(None) is None
    assert losses.get("mse") is losses.mean_squared_error
    assert losses.get("mean_squared_error") is losses.mean_squared_error
    assert isinstance(losses.get("MeanSquaredError"), losses.MeanSquaredError)
    assert isinstance(losses.get("CategoricalCrossentropy"), losses.CategoricalCrossentropy)
    assert losses.get("kld") is losses.kl_divergence
    assert isinstance(losses.get(losses.Huber), losses.Huber)
    obj = losses.Huber()
    assert losses.get(obj) is obj
    assert isinstance(losses.get({"class_name": "Huber", "config": {"delta": 2.0}}), losses.Huber)
    with pytest.raises(ConfigError) as info:
        losses.get("mean_squared_eror")
    assert "mean_squared_error" in str(info.value)
    assert isinstance(info.value, ValueError)
    with pytest.raises(ConfigError):
        losses.get(42)


def test_bad_reduction():
    with pytest.raises(OpInputError, match="reduction"):
        losses.MeanSquaredError(reduction="average")


def test_loss_gradient_matches_finite_differences():
    from tholos.backend import backend

    if backend() != "numpy":
        pytest.skip("finite differences on the NumPy backend only")
    import autograd

    t, p = Y_BIN_T, LOGITS
    loss = losses.BinaryFocalCrossentropy(from_logits=True, dtype="float64")
    grad = autograd.grad(lambda x: loss(t, x))(p)
    num = np.zeros_like(p)
    h = 1e-6
    for idx in np.ndindex(p.shape):
        d = np.zeros_like(p)
        d[idx] = h
        num[idx] = (val(loss(t, p + d)) - val(loss(t, p - d))) / (2 * h)
    np.testing.assert_allclose(np.asarray(grad), num, rtol=1e-5, atol=1e-8)


def test_dtype_policy_round_trip():
    from tholos import dtype_policies

    loss = losses.MeanSquaredError(dtype="mixed_float16")
    assert loss.dtype == "float16"
    assert str(loss([1.0, 2.0], [1.0, 3.0]).dtype) == "float16"
    restored = losses.deserialize(losses.serialize(loss))
    assert restored.dtype == "float16"
    assert restored.get_config() == loss.get_config()
    loss = losses.Huber(dtype=dtype_policies.get("mixed_float16"))
    assert loss.dtype == "float16"
