"""Metric values, accumulation over batches, reset, stateless use and configs."""

from __future__ import annotations

import numpy as np
import pytest

from tholos import metrics, ops
from tholos.errors import ConfigError, OpInputError

EPS = 1e-7
RNG = np.random.default_rng(1)


def val(x):
    return np.asarray(ops.convert_to_numpy(x), dtype="float64")


def close(a, b, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(val(a), b, rtol=rtol, atol=atol)


# --------------------------------------------------------------------------- reduction metrics
def test_mean_and_sum_accumulate_weighted():
    m = metrics.Mean()
    m.update_state([1.0, 2.0, 3.0])
    m.update_state([[4.0, 6.0]], sample_weight=[2.0])  # rank 2: per-sample mean 5, weight 2
    close(m.result(), (1 + 2 + 3 + 2 * 5) / (3 + 2))
    m.reset_state()
    close(m.result(), 0.0)
    s = metrics.Sum()
    s.update_state([1.0, 2.0], sample_weight=[3.0, 0.5])
    s.update_state(np.ones((2, 2)))
    close(s.result(), 3 + 1 + 4)


def test_mean_with_per_timestep_weights():
    values = np.array([[1.0, 2.0], [3.0, 4.0]])
    w = np.array([[1.0, 0.0], [1.0, 1.0]])
    m = metrics.Mean()
    m.update_state(values, sample_weight=w)
    close(m.result(), (values * w).sum() / w.sum())


def test_mean_metric_wrapper_and_call():
    m = metrics.MeanMetricWrapper(metrics.mean_squared_error, name="mse_w")
    out = m([[0.0, 1.0]], [[1.0, 1.0]])
    close(out, 0.5)
    m.update_state([[0.0, 0.0]], [[2.0, 2.0]], sample_weight=[3.0])
    close(m.result(), (0.5 + 3 * 4.0) / 4)


# ---------------------------------------------------------------------------- accuracy metrics
def test_accuracy_family():
    m = metrics.Accuracy()
    m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    close(m.result(), 0.75)
    m.update_state([[1]], [[1]], sample_weight=[4.0])
    close(m.result(), (3 + 4) / (4 + 4))

    m = metrics.BinaryAccuracy()
    m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
    close(m.result(), 0.75)
    m = metrics.BinaryAccuracy(threshold=0.7)
    m.update_state([[1], [1], [0], [0]], [[0.98], [0.6], [0], [0.65]])
    close(m.result(), 0.75)

    m = metrics.CategoricalAccuracy()
    m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    close(m.result(), 0.5)
    m.update_state([[0, 0, 1]], [[0.1, 0.2, 0.7]], sample_weight=[2.0])
    close(m.result(), 3 / 4)

    m = metrics.SparseCategoricalAccuracy()
    m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
    close(m.result(), 0.5)
    m.reset_state()
    m.update_state([2, 1], [[0.1, 0.2, 0.7], [0.05, 0.95, 0]], sample_weight=[0.7, 0.3])
    close(m.result(), 1.0)


def test_top_k_accuracy():
    y_pred = np.array([[0.1, 0.9, 0.8], [0.05, 0.95, 0.0], [0.4, 0.3, 0.3]])
    m = metrics.TopKCategoricalAccuracy(k=1)
    m.update_state(np.eye(3)[[2, 1, 0]], y_pred)
    close(m.result(), 2 / 3)
    m = metrics.TopKCategoricalAccuracy(k=2)
    m.update_state(np.eye(3)[[2, 1, 1]], y_pred)
    close(m.result(), 1.0)  # ties count as in the top k
    m = metrics.SparseTopKCategoricalAccuracy(k=1)
    m.update_state([2, 1, 0], y_pred, sample_weight=[1.0, 1.0, 2.0])
    close(m.result(), 3 / 4)
    m = metrics.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True)
    m.update_state([2, 1, 0], [[1, 2, 0], [0, 2, 1], [0, 1, 2]])
    close(m.result(), 2 / 3)


# --------------------------------------------------------------------- confusion-based metrics
def np_counts(y_true, y_pred, thresholds, w=None):
    y_true = np.asarray(y_true, dtype=bool).ravel()
    y_pred = np.asarray(y_pred, dtype="float64").ravel()
    w = np.ones_like(y_pred) if w is None else np.broadcast_to(w, y_pred.shape).ravel()
    out = {k: [] for k in ("tp", "fp", "tn", "fn")}
    for t in thresholds:
        pos = y_pred > t
        out["tp"].append(np.sum(w * (y_true & pos)))
        out["fp"].append(np.sum(w * (~y_true & pos)))
        out["tn"].append(np.sum(w * (~y_true & ~pos)))
        out["fn"].append(np.sum(w * (y_true & ~pos)))
    return {k: np.array(v) for k, v in out.items()}


Y_T = RNG.integers(0, 2, 50)
Y_P = RNG.uniform(0, 1, 50)
W = RNG.uniform(0, 2, 50)


@pytest.mark.parametrize(
    ("cls", "kind"),
    [
        (metrics.TruePositives, "tp"),
        (metrics.FalsePositives, "fp"),
        (metrics.TrueNegatives, "tn"),
        (metrics.FalseNegatives, "fn"),
    ],
)
def test_condition_counts(cls, kind):
    m = cls()
    m.update_state(Y_T[:20], Y_P[:20])
    m.update_state(Y_T[20:], Y_P[20:], sample_weight=W[20:])
    w = np.concatenate([np.ones(20), W[20:]])
    close(m.result(), np_counts(Y_T, Y_P, [0.5], w)[kind][0])
    m2 = cls(thresholds=[0.2, 0.7])
    m2.update_state(Y_T, Y_P)
    close(m2.result(), np_counts(Y_T, Y_P, [0.2, 0.7])[kind])


def test_precision_recall():
    c = np_counts(Y_T, Y_P, [0.5], W)
    p = metrics.Precision()
    r = metrics.Recall()
    for lo, hi in ((0, 25), (25, 50)):
        p.update_state(Y_T[lo:hi], Y_P[lo:hi], sample_weight=W[lo:hi])
        r.update_state(Y_T[lo:hi], Y_P[lo:hi], sample_weight=W[lo:hi])
    close(p.result(), c["tp"][0] / (c["tp"][0] + c["fp"][0]))
    close(r.result(), c["tp"][0] / (c["tp"][0] + c["fn"][0]))
    p.reset_state()
    close(p.result(), 0.0)
    # several thresholds give one value each
    p = metrics.Precision(thresholds=[0.3, 0.6])
    p.update_state(Y_T, Y_P)
    c = np_counts(Y_T, Y_P, [0.3, 0.6])
    close(p.result(), c["tp"] / (c["tp"] + c["fp"]))


def test_precision_recall_top_k_and_class_id():
    y_true = np.array([[0, 0, 1, 1], [1, 0, 0, 1]])
    y_pred = np.array([[0.1, 0.9, 0.8, 0.2], [0.7, 0.1, 0.3, 0.6]])
    p = metrics.Precision(top_k=2)
    p.update_state(y_true, y_pred)
    close(p.result(), (1 + 2) / 4)  # top-2 of row 0: {1, 2} -> 1 hit; row 1: {0, 3} -> 2 hits
    r = metrics.Recall(class_id=2)
    r.update_state(y_true, y_pred)
    close(r.result(), 1.0)  # class 2 positive once (row 0), predicted 0.8 > 0.5
    p = metrics.Precision(class_id=0)
    p.update_state(y_true, y_pred)
    close(p.result(), 1.0)


def np_auc(y_true, y_pred, num_thresholds=200, curve="ROC", summation="interpolation", w=None):
    inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    thresholds = [-EPS, *inner, 1 + EPS]
    c = np_counts(y_true, y_pred, thresholds, w)
    tp, fp, tn, fn = c["tp"], c["fp"], c["tn"], c["fn"]
    div = lambda a, b: np.where(b > 0, a / np.where(b > 0, b, 1), 0.0)  # noqa: E731
    rec = div(tp, tp + fn)
    if curve == "ROC":
        x, y = div(fp, fp + tn), rec
    else:
        x, y = rec, div(tp, tp + fp)
    if summation == "interpolation":
        h = (y[:-1] + y[1:]) / 2
    elif summation == "minoring":
        h = np.minimum(y[:-1], y[1:])
    else:
        h = np.maximum(y[:-1], y[1:])
    return np.sum((x[:-1] - x[1:]) * h)


def test_auc_roc_trapezoid_matches_numpy_and_rank_statistic():
    m = metrics.AUC()
    m.update_state(Y_T[:30], Y_P[:30])
    m.update_state(Y_T[30:], Y_P[30:])
    close(m.result(), np_auc(Y_T, Y_P), rtol=1e-5)
    # with 200 thresholds the trapezoid AUC is close to the exact rank statistic
    pos, neg = Y_P[Y_T == 1], Y_P[Y_T == 0]
    exact = np.mean(pos[:, None] > neg[None, :])
    assert abs(val(m.result()) - exact) < 0.02
    m.reset_state()
    close(m.result(), 0.0)


@pytest.mark.parametrize("summation", ["minoring", "majoring"])
@pytest.mark.parametrize("curve", ["ROC", "PR"])
def test_auc_riemann_variants(curve, summation):
    m = metrics.AUC(num_thresholds=17, curve=curve, summation_method=summation)
    m.update_state(Y_T, Y_P, sample_weight=W)
    close(m.result(), np_auc(Y_T, Y_P, 17, curve, summation, W), rtol=1e-5)


def test_auc_pr_interpolation_formula():
    """Davis & Goadrich interpolation, re-derived here in NumPy."""
    n = 11
    inner = [(i + 1) / (n - 1) for i in range(n - 2)]
    c = np_counts(Y_T, Y_P, [-EPS, *inner, 1 + EPS])
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    p = tp + fp
    total = 0.0
    for i in range(n - 1):
        dtp, dp = tp[i] - tp[i + 1], p[i] - p[i + 1]
        slope = dtp / dp if dp > 0 else 0.0
        intercept = tp[i + 1] - slope * p[i + 1]
        ratio = p[i] / p[i + 1] if p[i] > 0 and p[i + 1] > 0 else 1.0
        pos = tp[i + 1] + fn[i + 1]
        if pos > 0:
            total += slope * (dtp + intercept * np.log(ratio)) / pos
    m = metrics.AUC(num_thresholds=n, curve="PR")
    m.update_state(Y_T, Y_P)
    close(m.result(), total, rtol=1e-5)


def test_auc_multi_label_label_weights_logits_and_thresholds():
    yt = RNG.integers(0, 2, (40, 3))
    yp = RNG.uniform(0, 1, (40, 3))
    per_label = [np_auc(yt[:, j], yp[:, j], 50) for j in range(3)]
    m = metrics.AUC(num_thresholds=50, multi_label=True)
    m.update_state(yt, yp)
    close(m.result(), np.mean(per_label), rtol=1e-5)
    lw = np.array([1.0, 2.0, 0.5])
    m = metrics.AUC(num_thresholds=50, multi_label=True, num_labels=3, label_weights=lw)
    m.update_state(yt, yp)
    close(m.result(), np.sum(per_label * lw) / lw.sum(), rtol=1e-5)
    # not multi-label: pooled
    m = metrics.AUC(num_thresholds=50)
    m.update_state(yt, yp)
    close(m.result(), np_auc(yt, yp, 50), rtol=1e-5)
    # from_logits applies a sigmoid
    logits = RNG.normal(size=40)
    m = metrics.AUC(num_thresholds=50, from_logits=True)
    m.update_state(yt[:, 0], logits)
    close(m.result(), np_auc(yt[:, 0], 1 / (1 + np.exp(-logits)), 50), rtol=1e-5)
    # explicit thresholds
    m = metrics.AUC(thresholds=[0.25, 0.5, 0.75])
    assert m.num_thresholds == 5
    m.update_state(Y_T, Y_P)
    close(m.result(), np_auc(Y_T, Y_P, 5), rtol=1e-5)


def _np_at(y_true, y_pred, constrained, dependent, value, n=200):
    thresholds = [0.0, *[(i + 1) / (n - 1) for i in range(n - 2)], 1.0]
    c = np_counts(y_true, y_pred, thresholds)
    div = lambda a, b: np.where(b > 0, a / np.where(b > 0, b, 1), 0.0)  # noqa: E731
    rates = {
        "recall": div(c["tp"], c["tp"] + c["fn"]),
        "specificity": div(c["tn"], c["tn"] + c["fp"]),
        "precision": div(c["tp"], c["tp"] + c["fp"]),
    }
    ok = rates[constrained] >= value
    return rates[dependent][ok].max() if ok.any() else 0.0


@pytest.mark.parametrize(
    ("cls", "value", "constrained", "dependent"),
    [
        (metrics.SensitivityAtSpecificity, 0.6, "specificity", "recall"),
        (metrics.SpecificityAtSensitivity, 0.6, "recall", "specificity"),
        (metrics.PrecisionAtRecall, 0.7, "recall", "precision"),
        (metrics.RecallAtPrecision, 0.6, "precision", "recall"),
    ],
)
def test_x_at_y_metrics(cls, value, constrained, dependent):
    m = cls(value)
    m.update_state(Y_T[:10], Y_P[:10])
    m.update_state(Y_T[10:], Y_P[10:])
    close(m.result(), _np_at(Y_T, Y_P, constrained, dependent, value))
    config = m.get_config()
    assert cls.from_config(config).get_config() == config
    with pytest.raises(OpInputError):
        cls(1.5)


# --------------------------------------------------------------------------------------- F-beta
def np_fbeta(yt, yp, beta=1.0, average=None, threshold=None, w=None):
    if threshold is None:
        pred = (yp >= yp.max(-1, keepdims=True)) & (np.abs(yp) > 1e-9)
    else:
        pred = yp > threshold
    pred = pred.astype(float)
    w = np.ones(len(yt)) if w is None else w
    axis = None if average == "micro" else 0
    tp = np.sum(pred * yt * w[:, None], axis=axis)
    fp = np.sum(pred * (1 - yt) * w[:, None], axis=axis)
    fn = np.sum((1 - pred) * yt * w[:, None], axis=axis)
    support = np.sum(yt * w[:, None], axis=axis)
    p = tp / (tp + fp + EPS)
    r = tp / (tp + fn + EPS)
    f = (1 + beta**2) * p * r / (beta**2 * p + r + EPS)
    if average == "weighted":
        return np.sum(f * support / (support.sum() + EPS))
    if average is not None:
        return np.mean(f)
    return f


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
@pytest.mark.parametrize("threshold", [None, 0.4])
def test_fbeta_and_f1(average, threshold):
    yt = RNG.integers(0, 2, (30, 4)).astype(float)
    yp = RNG.uniform(0, 1, (30, 4))
    w = RNG.uniform(0, 1, 30)
    m = metrics.FBetaScore(average=average, beta=2.0, threshold=threshold)
    m.update_state(yt[:15], yp[:15], sample_weight=w[:15])
    m.update_state(yt[15:], yp[15:], sample_weight=w[15:])
    close(m.result(), np_fbeta(yt, yp, 2.0, average, threshold, w), rtol=1e-4)
    f1 = metrics.F1Score(average=average, threshold=threshold)
    f1.update_state(yt, yp)
    close(f1.result(), np_fbeta(yt, yp, 1.0, average, threshold), rtol=1e-4)
    assert "beta" not in f1.get_config()


# ------------------------------------------------------------------------------ regression etc.
T = RNG.uniform(0.5, 2, (6, 3))
P = RNG.uniform(0.1, 2.5, (6, 3))
SW = RNG.uniform(0, 1, 6)


@pytest.mark.parametrize(
    ("cls", "ref"),
    [
        (metrics.MeanSquaredError, lambda t, p: np.mean((t - p) ** 2, -1)),
        (metrics.MeanAbsoluteError, lambda t, p: np.mean(np.abs(t - p), -1)),
        (metrics.MeanAbsolutePercentageError, lambda t, p: 100 * np.mean(np.abs((t - p) / t), -1)),
        (
            metrics.MeanSquaredLogarithmicError,
            lambda t, p: np.mean((np.log(p + 1) - np.log(t + 1)) ** 2, -1),
        ),
        (metrics.LogCoshError, lambda t, p: np.mean(np.log(np.cosh(p - t)), -1)),
        (
            metrics.CosineSimilarity,
            lambda t, p: (
                np.sum(t * p, -1) / np.linalg.norm(t, axis=-1) / np.linalg.norm(p, axis=-1)
            ),
        ),
        (metrics.Poisson, lambda t, p: np.mean(p - t * np.log(p + EPS), -1)),
        (metrics.Hinge, lambda t, p: np.mean(np.maximum(1 - t * p, 0), -1)),
        (metrics.SquaredHinge, lambda t, p: np.mean(np.maximum(1 - t * p, 0) ** 2, -1)),
    ],
)
def test_mean_wrapped_metrics(cls, ref):
    m = cls()
    m.update_state(T[:3], P[:3], sample_weight=SW[:3])
    m.update_state(T[3:], P[3:], sample_weight=SW[3:])
    close(m.result(), np.sum(ref(T, P) * SW) / SW.sum(), rtol=1e-4)
    m.reset_state()
    m.update_state(T, P)
    close(m.result(), ref(T, P).mean(), rtol=1e-4)


def test_probabilistic_metrics():
    yt = np.eye(3)[[0, 2, 1, 1]]
    logits = RNG.normal(size=(4, 3))
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    m = metrics.CategoricalCrossentropy(from_logits=True)
    m.update_state(yt, logits)
    close(m.result(), np.mean(-np.sum(yt * np.log(probs), -1)), rtol=1e-5)
    m = metrics.SparseCategoricalCrossentropy()
    m.update_state([0, 2, 1, 1], probs)
    close(m.result(), np.mean(-np.log(probs[np.arange(4), [0, 2, 1, 1]])), rtol=1e-5)
    m = metrics.KLDivergence()
    m.update_state(yt, probs)
    close(m.result(), np.mean(np.sum(yt * np.log(np.clip(yt, EPS, 1) / probs), -1)), rtol=1e-4)
    bt = RNG.integers(0, 2, (4, 3))
    m = metrics.BinaryCrossentropy(label_smoothing=0.2)
    m.update_state(bt, probs)
    ts = bt * 0.8 + 0.1
    close(m.result(), np.mean(-(ts * np.log(probs) + (1 - ts) * np.log(1 - probs))), rtol=1e-5)
    m = metrics.CategoricalHinge()
    m.update_state(yt, logits)
    ref = np.maximum(np.max((1 - yt) * logits, -1) - np.sum(yt * logits, -1) + 1, 0)
    close(m.result(), ref.mean(), rtol=1e-5)


def test_root_mean_squared_error():
    m = metrics.RootMeanSquaredError()
    m.update_state(T[:2], P[:2])
    m.update_state(T[2:], P[2:], sample_weight=np.ones(4) * 2)
    per = np.mean((T - P) ** 2, -1)
    w = np.array([1, 1, 2, 2, 2, 2])
    close(m.result(), np.sqrt(np.sum(per * w) / w.sum()), rtol=1e-5)


def np_r2(yt, yp, agg="uniform_average", w=None):
    w = np.ones(len(yt)) if w is None else w
    w = w[:, None]
    mean = (yt * w).sum(0) / w.sum(0)
    ss_tot = (w * (yt - mean) ** 2).sum(0)
    ss_res = (w * (yt - yp) ** 2).sum(0)
    raw = 1 - ss_res / ss_tot
    if agg == "uniform_average":
        return raw.mean()
    if agg == "variance_weighted_average":
        return np.sum(ss_tot * raw) / ss_tot.sum()
    return raw


@pytest.mark.parametrize("agg", ["uniform_average", "variance_weighted_average", None])
def test_r2_score(agg):
    m = metrics.R2Score(class_aggregation=agg)
    m.update_state(T[:4], P[:4], sample_weight=SW[:4])
    m.update_state(T[4:], P[4:], sample_weight=SW[4:])
    close(m.result(), np_r2(T, P, agg, SW), rtol=1e-4)


def test_r2_adjusted_and_1d():
    yt = RNG.normal(size=20)
    yp = yt + RNG.normal(scale=0.3, size=20)
    m = metrics.R2Score(num_regressors=3)
    m.update_state(yt, yp)
    r2 = np_r2(yt[:, None], yp[:, None])
    close(m.result(), 1 - (1 - r2) * (20 - 1) / (20 - 3 - 1), rtol=1e-4)


# ------------------------------------------------------------------------------------------ IoU
def np_iou(yt, yp, n, ids, w=None):
    cm = np.zeros((n, n))
    w = np.ones(len(yt)) if w is None else w
    for a, b, c in zip(yt, yp, w):
        cm[int(a), int(b)] += c
    tp = np.diag(cm)
    denom = cm.sum(0) + cm.sum(1) - tp
    ids = list(ids)
    valid = np.sum(denom[ids] > 1e-9)
    return np.sum(tp[ids] / (denom[ids] + EPS)) / (valid + EPS)


def test_iou_family():
    yt = RNG.integers(0, 4, 30)
    yp = RNG.integers(0, 4, 30)
    w = RNG.uniform(0, 1, 30)
    m = metrics.MeanIoU(num_classes=4)
    m.update_state(yt[:10], yp[:10], sample_weight=w[:10])
    m.update_state(yt[10:], yp[10:], sample_weight=w[10:])
    close(m.result(), np_iou(yt, yp, 4, range(4), w))
    m = metrics.IoU(num_classes=4, target_class_ids=[0, 2])
    m.update_state(yt.reshape(5, 6), yp.reshape(5, 6))
    close(m.result(), np_iou(yt, yp, 4, [0, 2]))
    m = metrics.MeanIoU(num_classes=4, ignore_class=3)
    m.update_state(yt, yp)
    keep = yt != 3
    close(m.result(), np_iou(yt[keep], yp[keep], 4, range(4)))
    m = metrics.OneHotIoU(num_classes=4, target_class_ids=[1, 3])
    m.update_state(np.eye(4)[yt], RNG.uniform(size=(30, 4)) + 3 * np.eye(4)[yp])
    close(m.result(), np_iou(yt, yp, 4, [1, 3]))
    m = metrics.OneHotMeanIoU(num_classes=4)
    m.update_state(np.eye(4)[yt], np.eye(4)[yp])
    close(m.result(), np_iou(yt, yp, 4, range(4)))
    probs = RNG.uniform(size=30)
    bt = RNG.integers(0, 2, 30)
    m = metrics.BinaryIoU(target_class_ids=[1], threshold=0.3)
    m.update_state(bt, probs)
    close(m.result(), np_iou(bt, (probs > 0.3).astype(int), 2, [1]))
    m.reset_state()
    close(m.result(), 0.0)


# ------------------------------------------------------------------------------ stateless/config
def test_stateless_update_result_reset():
    m = metrics.AUC(num_thresholds=20)
    values = [v.value for v in m.variables]
    values = m.stateless_update_state(values, Y_T[:25], Y_P[:25])
    values = m.stateless_update_state(values, Y_T[25:], Y_P[25:])
    close(m.stateless_result(values), np_auc(Y_T, Y_P, 20), rtol=1e-5)
    close(m.result(), 0.0)  # the stored state did not move
    reset = m.stateless_reset_state()
    assert all(np.all(val(v) == 0) for v in reset)
    with pytest.raises(OpInputError):
        m.stateless_update_state(values[:1], Y_T, Y_P)


def test_metric_with_nested_metric_tracks_variables():
    class Pair(metrics.Metric):
        def __init__(self):
            super().__init__(name="pair")
            self.a = metrics.Mean(name="a")
            self.b = metrics.Sum(name="b")

        def update_state(self, x):
            self.a.update_state(x)
            self.b.update_state(x)

        def result(self):
            return self.a.result() + self.b.result()

    m = Pair()
    assert len(m.variables) == 3
    m.update_state([1.0, 3.0])
    close(m.result(), 2 + 4)
    m.reset_state()
    close(m.result(), 0.0)


@pytest.mark.parametrize(
    "metric",
    [
        metrics.Mean(name="m"),
        metrics.Sum(),
        metrics.Accuracy(),
        metrics.BinaryAccuracy(threshold=0.3),
        metrics.SparseTopKCategoricalAccuracy(k=3),
        metrics.TopKCategoricalAccuracy(k=2),
        metrics.TruePositives(thresholds=[0.1, 0.9]),
        metrics.Precision(thresholds=0.4, class_id=1),
        metrics.Recall(top_k=2),
        metrics.AUC(num_thresholds=50, curve="PR", summation_method="minoring"),
        metrics.AUC(
            thresholds=[0.2, 0.6], multi_label=True, num_labels=2, label_weights=[1.0, 2.0]
        ),
        metrics.PrecisionAtRecall(0.4, num_thresholds=10, class_id=2),
        metrics.F1Score(average="macro", threshold=0.3),
        metrics.FBetaScore(beta=0.5),
        metrics.R2Score(class_aggregation=None, num_regressors=1),
        metrics.MeanIoU(num_classes=3, ignore_class=0),
        metrics.IoU(num_classes=3, target_class_ids=[1]),
        metrics.BinaryIoU(threshold=0.2),
        metrics.OneHotMeanIoU(num_classes=3),
        metrics.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),
        metrics.CosineSimilarity(axis=0),
        metrics.MeanMetricWrapper(metrics.mean_squared_error, name="w"),
    ],
)
def test_config_round_trip(metric):
    config = metric.get_config()
    clone = type(metric).from_config(config)
    assert clone.get_config() == config
    restored = metrics.deserialize(metrics.serialize(metric))
    assert type(restored) is type(metric)
    assert restored.get_config() == config


def test_names_and_get():
    assert metrics.AUC(name="auc").name == "auc"
    assert metrics.MeanSquaredError().name == "mean_squared_error"
    assert metrics.LogCoshError().name == "logcosh"
    assert isinstance(metrics.get("AUC"), metrics.AUC)
    assert isinstance(metrics.get("auc"), metrics.AUC)
    assert isinstance(metrics.get("mse"), metrics.MeanSquaredError)
    assert isinstance(metrics.get("accuracy"), metrics.Accuracy)
    assert isinstance(metrics.get("sparse_categorical_accuracy"), metrics.SparseCategoricalAccuracy)
    assert isinstance(metrics.get(metrics.Precision), metrics.Precision)
    m = metrics.Recall()
    assert metrics.get(m) is m
    assert metrics.get(None) is None
    with pytest.raises(ConfigError) as info:
        metrics.get("acuracy")
    assert "binary_accuracy" in str(info.value)
    with pytest.raises(ValueError):
        metrics.get(3.5)


def test_bad_arguments():
    with pytest.raises(OpInputError):
        metrics.Precision(thresholds=[1.5])
    with pytest.raises(OpInputError):
        metrics.AUC(curve="XYZ")
    with pytest.raises(OpInputError):
        metrics.AUC(num_thresholds=1)
    with pytest.raises(OpInputError):
        metrics.FBetaScore(average="median")
    with pytest.raises(OpInputError):
        metrics.F1Score().update_state(np.ones(3), np.ones(3))


def test_dtype_argument():
    m = metrics.Mean(dtype="float64")
    assert [v.dtype for v in m.variables] == ["float64", "float64"]
    m.update_state([1.0, 2.0])
    assert str(m.result().dtype) == "float64"
    m = metrics.Mean(dtype="mixed_float16")
    assert m.dtype == "float16"
    restored = metrics.deserialize(metrics.serialize(m))
    assert restored.dtype == "float16" and restored.get_config() == m.get_config()
