"""Regression tests for former gaps of the NumPy reference backend (conformance gaps file).

Gradients through ``tholos.ops`` with autograd are compared with float64 central differences;
forward values with NumPy. ``ctc_decode(strategy="beam_search")`` is checked against an
exhaustive sum over all alignments of short sequences.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from autograd import grad

from tholos import ops

rng = np.random.default_rng(7)


def numeric_grad(fn, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += eps
        xm[i] -= eps
        g[i] = (fn(xp) - fn(xm)) / (2 * eps)
    return g


def check_grad(f, x, rtol=1e-5, atol=1e-7):
    """autograd's gradient of ``sum(w * f(x))`` against central differences (float64)."""
    x = np.asarray(x, dtype="float64")
    w = rng.normal(size=np.shape(np.asarray(f(x))))

    def loss(v):
        return ops.sum(ops.multiply(f(v), w))

    got = grad(loss)(x)
    want = numeric_grad(lambda v: float(np.asarray(loss(v))), x)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


X = rng.normal(size=(3, 4))


# ---------------------------------------------------------------------------- nn.glu


@pytest.mark.parametrize("axis", [-1, 0])
def test_glu_gradient(axis):
    x = rng.normal(size=(4, 6))
    check_grad(lambda v: ops.glu(v, axis=axis), x)


def test_glu_values():
    x = np.arange(8.0).reshape(2, 4) / 4
    a, b = x[:, :2], x[:, 2:]
    np.testing.assert_allclose(np.asarray(ops.glu(x)), a / (1 + np.exp(-b)), rtol=1e-15)


# ---------------------------------------------------------------------------- numpy.einsum


@pytest.mark.parametrize(
    ("subscripts", "shapes"),
    [
        ("ii->i", [(3, 3)]),
        ("ii", [(3, 3)]),
        ("ii->", [(3, 3)]),
        ("...ii->...i", [(2, 3, 3)]),
        ("aiij,ij->a", [(2, 3, 3, 4), (3, 4)]),
        ("iji->j", [(3, 2, 3)]),
    ],
)
def test_einsum_repeated_subscript(subscripts, shapes):
    xs = [rng.normal(size=s) for s in shapes]
    np.testing.assert_allclose(
        np.asarray(ops.einsum(subscripts, *xs)), np.einsum(subscripts, *xs), rtol=1e-14
    )
    check_grad(lambda v: ops.einsum(subscripts, v, *xs[1:]), xs[0])


def test_einsum_repeated_subscript_int_dtype():
    x = np.arange(9, dtype="int32").reshape(3, 3)
    out = ops.einsum("ii->i", x)
    assert ops.dtype(out) == "int32"
    np.testing.assert_array_equal(np.asarray(out), [0, 4, 8])


# ---------------------------------------------------------------------------- numpy.roll


@pytest.mark.parametrize(
    ("shift", "axis"),
    [
        (1, None),
        ((1, 2), None),
        (2, 1),
        ((1, -2), (0, 2)),
        (5, (0, 1, 2)),
        ((1, 1), (1, 1)),
        (-7, 2),
        (0, 0),
    ],
)
def test_roll_values_and_gradient(shift, axis):
    x = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(np.asarray(ops.roll(x, shift, axis)), np.roll(x, shift, axis))
    check_grad(lambda v: ops.roll(v, shift, axis), rng.normal(size=(2, 3, 4)))


def test_roll_empty_and_scalar():
    assert ops.roll(np.zeros((0, 3)), 2, 0).shape == (0, 3)
    np.testing.assert_array_equal(np.asarray(ops.roll(np.array(5.0), 1)), 5.0)


# ---------------------------------------------------------------------------- where / select


COND = np.array([[True, False, True], [False, True, True]])


def test_where_broadcast_branch_gradient():
    check_grad(lambda v: ops.where(COND, v, np.ones((2, 3))), rng.normal(size=(3,)))
    check_grad(lambda v: ops.where(COND, np.ones((2, 3)), v), rng.normal(size=(3,)))
    check_grad(lambda v: ops.where(COND, v, 2.0), rng.normal(size=(1, 3)))
    # hand-computed: x picked where COND is True, weights [[0, 1, 2], [3, 4, 5]]
    weights = np.arange(6.0).reshape(2, 3)
    g = grad(lambda v: ops.sum(ops.where(COND, v, 2.0) * weights))(np.ones(3))
    np.testing.assert_array_equal(g, [0.0, 4.0, 7.0])


def test_select_broadcast_branch_gradient():
    check_grad(lambda v: ops.select([COND], [v], 2.0), rng.normal(size=(3,)))


# ---------------------------------------------------------------------------- associative_scan


def test_associative_scan_reverse_gradient():
    x = rng.normal(size=(2, 5))
    out = ops.associative_scan(lambda a, b: a + b, x, reverse=True, axis=1)
    np.testing.assert_allclose(np.asarray(out), np.cumsum(x[:, ::-1], axis=1)[:, ::-1])
    check_grad(lambda v: ops.associative_scan(lambda a, b: a * b, v, reverse=True, axis=1), x)


# ---------------------------------------------------------------------------- linalg.norm


X3 = rng.normal(size=(2, 3, 4))


@pytest.mark.parametrize(
    ("x", "kwargs"),
    [
        (X, {"ord": 1, "axis": (0, 1)}),
        (X, {"ord": np.inf, "axis": (0, 1)}),
        (X, {"ord": -1}),
        (X, {"ord": -np.inf}),
        (X, {"ord": 2}),
        (X, {"ord": -2}),
        (X, {"ord": "nuc"}),
        (X, {"axis": 1, "keepdims": True}),
        (X, {"keepdims": True}),
        (X3, {"ord": 1, "axis": (2, 0), "keepdims": True}),
        (X3, {"ord": "fro", "axis": (-1, -2), "keepdims": True}),
        (X3, {"keepdims": True}),
        (X3, {"ord": 3, "axis": 1, "keepdims": True}),
        (X3, {"ord": 2, "axis": (0, 2)}),
    ],
)
def test_norm_values_and_gradient(x, kwargs):
    want = np.linalg.norm(x, **kwargs)
    got = np.asarray(ops.norm(x, **kwargs))
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-13)
    check_grad(lambda v: ops.norm(v, **kwargs), x, atol=1e-6)


def test_norm_matrix_one_hand_computed():
    a = np.array([[1.0, -2.0], [3.0, 4.0]])
    assert float(np.asarray(ops.norm(a, ord=1))) == 6.0  # column sums 4, 6
    assert float(np.asarray(ops.norm(a, ord=np.inf))) == 7.0  # row sums 3, 7
    g = grad(lambda v: ops.norm(v, ord=1))(a)
    np.testing.assert_array_equal(g, [[0.0, -1.0], [0.0, 1.0]])


# ---------------------------------------------------------------------------- rfft / irfft


@pytest.mark.parametrize(("length", "n"), [(7, None), (7, 10), (8, None), (7, 5), (1, None)])
def test_rfft_odd_lengths(length, n):
    x = rng.normal(size=(2, length))
    re, im = ops.rfft(x, n)
    want = np.fft.rfft(x, n=n)
    np.testing.assert_allclose(np.asarray(re), want.real, atol=1e-12)
    np.testing.assert_allclose(np.asarray(im), want.imag, atol=1e-12)
    check_grad(lambda v: ops.rfft(v, n)[0], x)
    check_grad(lambda v: ops.rfft(v, n)[1], x)


@pytest.mark.parametrize(("bins", "n"), [(4, None), (4, 7), (4, 6), (4, 3), (4, 12), (3, 5)])
def test_irfft_odd_lengths(bins, n):
    a, b = rng.normal(size=(2, bins)), rng.normal(size=(2, bins))
    out = np.asarray(ops.irfft((a, b), n))
    np.testing.assert_allclose(out, np.fft.irfft(a + 1j * b, n=n), atol=1e-12)
    check_grad(lambda v: ops.irfft((v, b), n), a)
    check_grad(lambda v: ops.irfft((a, v), n), b)


def test_stft_istft_odd_fft_length_gradient():
    x = rng.normal(size=(1, 30))
    check_grad(lambda v: ops.stft(v, 9, 4, 11)[0], x)
    re, im = ops.stft(x, 8, 4, 9)
    check_grad(lambda v: ops.istft((v, im), 8, 4, 9), np.asarray(re))


def test_rfft_float32_dtype():
    re, im = ops.rfft(np.ones(5, "float32"))
    assert ops.dtype(re) == ops.dtype(im) == "float32"


# ---------------------------------------------------------------------------- quantile wrt q


def test_quantile_gradient_wrt_q():
    x = np.array([[3.0, 1.0, 4.0, 1.0, 5.0], [9.0, 2.0, 6.0, 5.0, 3.0]])
    # q = 0.3, n = 5: position 1.2, d/dq = (x_(2) - x_(1)) * (n - 1) per row = 8 + 8
    g = grad(lambda q: ops.sum(ops.quantile(x, q, axis=1)))(0.3)
    assert float(g) == pytest.approx(16.0)
    check_grad(lambda q: ops.quantile(x, q, axis=1, keepdims=True), np.array([0.1, 0.45, 0.9]))


def test_quantile_value_unchanged_with_traced_q():
    x = rng.normal(size=(3, 7))
    seen = {}

    def f(q):
        out = ops.quantile(x, q, axis=1)
        seen["out"] = out
        return ops.sum(out)

    grad(f)(0.3)
    np.testing.assert_allclose(np.asarray(seen["out"]._value), np.quantile(x, 0.3, axis=1))


# ---------------------------------------------------------------------------- ctc beam search


def _ctc_brute_force(logits, length, blank, merge=True):
    """Every label sequence's probability, summed over all alignments (best first)."""
    z = logits[:length]
    logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
    probs: dict[tuple[int, ...], float] = {}
    for path in itertools.product(range(z.shape[-1]), repeat=length):
        labels, prev = [], None
        for c in path:
            if c != blank and not (merge and c == prev):
                labels.append(c)
            prev = c
        p = float(np.exp(sum(logp[t, c] for t, c in enumerate(path))))
        probs[tuple(labels)] = probs.get(tuple(labels), 0.0) + p
    return sorted(probs.items(), key=lambda kv: -kv[1])


@pytest.mark.parametrize("merge", [True, False])
@pytest.mark.parametrize("blank", [0, 2])
def test_ctc_beam_search_is_exact_with_a_wide_beam(merge, blank):
    x = rng.normal(size=(3, 5, 3)) * 2
    lengths = np.array([5, 3, 1])
    decoded, scores = ops.ctc_decode(
        x,
        lengths,
        strategy="beam_search",
        beam_width=300,
        top_paths=3,
        merge_repeated=merge,
        mask_index=blank,
    )
    decoded, scores = np.asarray(decoded), np.asarray(scores)
    assert decoded.shape == (3, 3, 5) and decoded.dtype == np.int32
    assert scores.shape == (3, 3)
    for b in range(3):
        ref = _ctc_brute_force(x[b], lengths[b], blank, merge)
        table = dict(ref)
        for k in range(min(3, len(ref))):
            path = tuple(int(v) for v in decoded[k, b] if v >= 0)
            assert np.all(decoded[k, b, len(path) :] == -1)
            np.testing.assert_allclose(np.exp(scores[b, k]), ref[k][1], rtol=1e-10)
            np.testing.assert_allclose(table[path], ref[k][1], rtol=1e-10)


def test_ctc_beam_search_prefers_summed_alignments_over_greedy():
    # Greedy picks blank at each step ("", p = 0.6**2 = 0.36); the label 1 totals
    # 0.4*0.4 + 0.4*0.6 + 0.6*0.4 = 0.64 over its three alignments.
    probs = np.array([[[0.6, 0.4], [0.6, 0.4]]])
    greedy, _ = ops.ctc_decode(np.log(probs), [2])
    np.testing.assert_array_equal(np.asarray(greedy), [[[-1, -1]]])
    decoded, scores = ops.ctc_decode(np.log(probs), [2], strategy="beam_search", top_paths=2)
    np.testing.assert_array_equal(np.asarray(decoded), [[[1, -1]], [[-1, -1]]])
    np.testing.assert_allclose(np.exp(np.asarray(scores)), [[0.64, 0.36]], rtol=1e-6)


def test_ctc_beam_search_dtype_and_bad_arguments():
    x = rng.normal(size=(2, 6, 4)).astype("float32")
    decoded, scores = ops.ctc_decode(x, [6, 4], strategy="beam_search", beam_width=3)
    assert ops.dtype(decoded) == "int32" and ops.dtype(scores) == "float32"
    assert tuple(decoded.shape) == (1, 2, 6) and tuple(scores.shape) == (2, 1)
    with pytest.raises(ValueError):
        ops.ctc_decode(x, [6, 4], strategy="beam_search", beam_width=2, top_paths=3)
    with pytest.raises(ValueError):
        ops.ctc_decode(x, [6, 4], strategy="nope")
