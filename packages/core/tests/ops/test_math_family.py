"""Math op family on the NumPy reference backend."""

import math

import autograd
import numpy as np
import pytest

from tholos import ops
from tholos.errors import OpInputError

RNG = np.random.default_rng(7)


def numeric_grad(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


def check_grad(f, x, atol=1e-6):
    np.testing.assert_allclose(autograd.grad(f)(x), numeric_grad(f, x), atol=atol)


# ----------------------------------------------------------------------------- segments


def test_segment_sum():
    x = ops.segment_sum([1.0, 2.0, 3.0, 4.0], [0, 0, 2, 2])
    np.testing.assert_array_equal(x, [3.0, 0.0, 7.0])
    assert ops.dtype(x) == "float32"
    data = np.arange(8, dtype="int32").reshape(4, 2)
    out = ops.segment_sum(data, np.array([1, 0, 1, 5]), num_segments=3)  # id 5 dropped
    np.testing.assert_array_equal(out, [[2, 3], [4, 6], [0, 0]])
    assert ops.dtype(out) == "int32"
    np.testing.assert_array_equal(
        ops.segment_sum(np.ones(3), [0, -1, 1], num_segments=2), [1.0, 1.0]
    )
    assert ops.shape(ops.segment_sum(np.zeros((0, 3)), np.zeros(0, "int32"))) == (0, 3)
    with pytest.raises(OpInputError, match="segment_sum"):
        ops.segment_sum(np.ones(3), [0, 1])
    with pytest.raises(OpInputError, match="segment_sum"):
        ops.segment_sum(np.ones(2), [0.0, 1.0])


def test_segment_sum_gradient():
    ids = np.array([0, 2, 0, 1, 7])
    w = np.array([[1.0, -1.0], [2.0, 0.5], [3.0, 1.0]])
    check_grad(
        lambda d: (ops.segment_sum(d.reshape(5, 2), ids, num_segments=3) * w).sum(),
        RNG.normal(size=10),
    )


def test_segment_max():
    np.testing.assert_array_equal(ops.segment_max([1.0, 5.0, 3.0], [0, 0, 1]), [5.0, 3.0])
    out = ops.segment_max(np.array([1.0, 2.0]), [0, 0], num_segments=3)
    np.testing.assert_array_equal(out, [2.0, -np.inf, -np.inf])
    out = ops.segment_max(np.array([4, 9], "int32"), [1, 1], num_segments=2)
    np.testing.assert_array_equal(out, [np.iinfo("int32").min, 9])
    assert ops.dtype(out) == "int32"
    rows = ops.segment_max(np.array([[1.0, 8.0], [5.0, 2.0]]), [0, 0])
    np.testing.assert_array_equal(rows, [[5.0, 8.0]])


def test_segment_max_gradient():
    ids = np.array([0, 0, 1, 1])
    check_grad(
        lambda d: (ops.segment_max(d, ids) * np.array([2.0, 3.0])).sum(),
        np.array([1.0, 4.0, -2.0, 0.5]),
    )
    # Ties share the gradient equally.
    g = autograd.grad(lambda d: ops.segment_max(d, np.array([0, 0, 0])).sum())(
        np.array([2.0, 2.0, 1.0])
    )
    np.testing.assert_allclose(g, [0.5, 0.5, 0.0])


# ----------------------------------------------------------------------------- top-k


def test_top_k():
    values, indices = ops.top_k([1.0, 4.0, 2.0, 4.0], 3)
    np.testing.assert_array_equal(values, [4.0, 4.0, 2.0])
    np.testing.assert_array_equal(indices, [1, 3, 2])
    assert ops.dtype(values) == "float32" and ops.dtype(indices) == "int32"
    x = RNG.normal(size=(3, 5))
    values, indices = ops.top_k(x, 2)
    np.testing.assert_array_equal(values, -np.sort(-x, axis=-1)[:, :2])
    np.testing.assert_array_equal(np.take_along_axis(x, indices, -1), values)
    values, _ = ops.top_k(np.array([3, 200, 7], "uint8"), 2)
    np.testing.assert_array_equal(values, [200, 7])
    assert ops.shape(ops.top_k(np.zeros((2, 3)), 0)[0]) == (2, 0)
    with pytest.raises(OpInputError, match="top_k"):
        ops.top_k(np.zeros(3), 4)


def test_top_k_gradient():
    w = np.array([1.0, 10.0])
    check_grad(lambda v: (ops.top_k(v, 2)[0] * w).sum(), np.array([0.3, -1.0, 2.0, 0.9]))


def test_in_top_k():
    np.testing.assert_array_equal(
        ops.in_top_k([0, 2], [[0.9, 0.1, 0.0], [0.5, 0.5, 0.2]], 1), [True, False]
    )
    # A tie with the k-th value counts as inside.
    np.testing.assert_array_equal(ops.in_top_k([1], [[0.5, 0.5, 0.1]], 1), [True])
    np.testing.assert_array_equal(
        ops.in_top_k([2, 2], [[0.1, 0.2, 0.3], [0.3, 0.2, 0.1]], 2), [True, False]
    )
    assert ops.dtype(ops.in_top_k([0], [[1.0, 0.0]], 1)) == "bool"


# ----------------------------------------------------------------------------- reductions / frames


def test_logsumexp():
    np.testing.assert_allclose(ops.logsumexp([1000.0, 1000.0]), 1000.0 + np.log(2.0), rtol=1e-7)
    x = RNG.normal(size=(3, 4))
    np.testing.assert_allclose(ops.logsumexp(x, axis=1), np.log(np.exp(x).sum(1)), rtol=1e-12)
    np.testing.assert_allclose(
        ops.logsumexp(x, axis=0, keepdims=True), np.log(np.exp(x).sum(0, keepdims=True)), rtol=1e-12
    )
    np.testing.assert_allclose(ops.logsumexp(x), np.log(np.exp(x).sum()), rtol=1e-12)
    assert float(ops.logsumexp(np.array([-np.inf, -np.inf]))) == -np.inf
    assert float(ops.logsumexp(np.array([np.inf, 1.0]))) == np.inf
    assert ops.dtype(ops.logsumexp([1, 2])) == "float32"
    check_grad(lambda v: ops.logsumexp(v.reshape(2, 2), axis=1) @ np.array([1.0, 2.0]), x[0])


def test_extract_sequences():
    out = ops.extract_sequences(np.array([1, 2, 3, 4, 5]), 2, 2)
    np.testing.assert_array_equal(out, [[1, 2], [3, 4]])
    out = ops.extract_sequences(np.arange(12.0).reshape(2, 6), 3, 1)
    assert ops.shape(out) == (2, 4, 3)
    np.testing.assert_array_equal(out[1, 2], [8.0, 9.0, 10.0])
    with pytest.raises(OpInputError, match="extract_sequences"):
        ops.extract_sequences(np.arange(3), 4, 1)


# ----------------------------------------------------------------------------- FFT


def test_fft_family():
    z = RNG.normal(size=(2, 8)) + 1j * RNG.normal(size=(2, 8))
    real, imag = ops.fft((z.real, z.imag))
    np.testing.assert_allclose(real + 1j * imag, np.fft.fft(z), atol=1e-12)
    m = RNG.normal(size=(3, 4, 5)) + 1j * RNG.normal(size=(3, 4, 5))
    real, imag = ops.fft2((m.real, m.imag))
    np.testing.assert_allclose(real + 1j * imag, np.fft.fft2(m), atol=1e-12)
    real, imag = ops.ifft2((m.real, m.imag))
    np.testing.assert_allclose(real + 1j * imag, np.fft.ifft2(m), atol=1e-12)
    x = RNG.normal(size=(2, 8))
    real, imag = ops.rfft(x)
    assert ops.shape(real) == (2, 5)
    np.testing.assert_allclose(ops.irfft((real, imag)), x, atol=1e-12)
    real, imag = ops.rfft(x, fft_length=12)
    np.testing.assert_allclose(real + 1j * imag, np.fft.rfft(x, n=12), atol=1e-12)
    np.testing.assert_allclose(ops.irfft((real, imag), fft_length=12)[:, :8], x, atol=1e-12)


def test_fft_dtypes_and_errors():
    real, imag = ops.fft((np.ones(4, "float32"), np.zeros(4, "float32")))
    assert ops.dtype(real) == "float32" and ops.dtype(imag) == "float32"
    assert ops.dtype(ops.rfft([1, 2, 3, 4])[0]) == "float32"
    with pytest.raises(OpInputError, match="fft"):
        ops.fft(np.ones(4))
    with pytest.raises(OpInputError, match="fft"):
        ops.fft((np.ones(4), np.ones(3)))
    with pytest.raises(OpInputError, match="fft2"):
        ops.fft2((np.ones(4), np.ones(4)))


def test_fft_gradients():
    check_grad(
        lambda v: ops.rfft(v)[0] @ np.arange(1.0, 4.0) + ops.rfft(v)[1] @ np.ones(3),
        RNG.normal(size=4),
    )
    check_grad(lambda v: (ops.fft((v[:4], v[4:]))[1] * np.arange(4.0)).sum(), RNG.normal(size=8))


def _hann(n):
    return 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)


def test_stft_matches_definition():
    x = RNG.normal(size=40)
    seq, stride, nfft = 6, 3, 8
    real, imag = ops.stft(x, seq, stride, nfft, center=False)
    win = np.pad(_hann(seq), (1, 1))
    frames = np.stack([x[t * stride : t * stride + nfft] for t in range(1 + (40 - nfft) // stride)])
    expected = np.fft.rfft(frames * win, axis=-1)
    np.testing.assert_allclose(real + 1j * imag, expected, atol=1e-12)
    real, imag = ops.stft(x, seq, stride, nfft, center=True)
    padded = np.pad(x, (nfft // 2, nfft // 2), mode="reflect")
    frames = np.stack(
        [padded[t * stride : t * stride + nfft] for t in range(1 + (len(padded) - nfft) // stride)]
    )
    np.testing.assert_allclose(real + 1j * imag, np.fft.rfft(frames * win, axis=-1), atol=1e-12)


def test_stft_windows_and_errors():
    x = np.ones(8)
    real, _ = ops.stft(x, 4, 2, 4, window=None, center=False)
    np.testing.assert_allclose(real, [[4, 0, 0]] * 3)
    custom = np.array([1.0, 2.0, 3.0, 4.0])
    real, _ = ops.stft(x, 4, 2, 4, window=custom, center=False)
    np.testing.assert_allclose(real[:, 0], [10.0] * 3)
    real, _ = ops.stft(x, 4, 4, 4, window="hamming", center=False)
    np.testing.assert_allclose(
        real[:, 0], [np.sum(0.54 - 0.46 * np.cos(2 * np.pi * np.arange(4) / 4))] * 2
    )
    assert ops.dtype(ops.stft(np.ones(16, "float32"), 4, 2, 4)[0]) == "float32"
    with pytest.raises(OpInputError, match="stft"):
        ops.stft(x, 4, 2, 4, window="kaiser")
    with pytest.raises(OpInputError, match="stft"):
        ops.stft(x, 8, 2, 4)
    with pytest.raises(OpInputError, match="stft"):
        ops.stft(x, 4, 2, 4, window=np.ones(3))


@pytest.mark.parametrize(
    "seq,stride,nfft,window,center",
    [
        (16, 4, 32, "hann", True),
        (16, 4, 16, "hamming", False),
        (8, 8, 8, None, True),
        (1, 1, 1, "hann", True),
    ],
)
def test_istft_inverts_stft(seq, stride, nfft, window, center):
    x = RNG.normal(size=(2, 48)) if nfft > 1 else np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    spec = ops.stft(x, seq, stride, nfft, window=window, center=center)
    n = x.shape[-1]
    back = ops.istft(
        spec, seq, stride, nfft, length=n if center else None, window=window, center=center
    )
    covered = back.shape[-1]
    if center:
        assert covered == n
    # Skip the edges a hann/hamming window leaves (nearly) uncovered when center=False.
    lo = 0 if center or window is None else seq // 2
    np.testing.assert_allclose(back[..., lo : covered - lo], x[..., lo : covered - lo], atol=1e-10)


def test_istft_gradient():
    spec = ops.stft(RNG.normal(size=20), 8, 4, 8)
    shape = spec[0].shape

    def f(v):
        half = v.size // 2
        return ops.istft((v[:half].reshape(shape), v[half:].reshape(shape)), 8, 4, 8) @ np.arange(
            20.0
        )

    check_grad(f, np.concatenate([spec[0].ravel(), spec[1].ravel()]), atol=1e-5)


# ----------------------------------------------------------------------------- special functions


def test_rsqrt():
    np.testing.assert_array_equal(ops.rsqrt([1.0, 4.0]), [1.0, 0.5])
    assert ops.dtype(ops.rsqrt([4])) == "float32"
    assert float(ops.rsqrt(np.array(0.0))) == np.inf
    assert np.isnan(float(ops.rsqrt(np.array(-1.0))))
    check_grad(lambda v: ops.rsqrt(v).sum(), np.array([0.5, 2.0]))


def test_erf_accuracy():
    x = np.concatenate([np.linspace(-7, 7, 20001), [0.0, 1e-300, -1e-20, 1.5, -1.5, 27.0]])
    expected = np.array([math.erf(v) for v in x])
    got = ops.erf(x)
    assert ops.dtype(got) == "float64"
    np.testing.assert_allclose(got, expected, rtol=4e-15, atol=0)
    np.testing.assert_array_equal(ops.erf(np.array([np.inf, -np.inf])), [1.0, -1.0])
    assert np.isnan(float(ops.erf(np.array(np.nan))))
    assert ops.dtype(ops.erf([1.0])) == "float32"
    np.testing.assert_allclose(ops.erf(np.array([0.5], "float32")), [math.erf(0.5)], rtol=1e-7)


def test_erf_gradient():
    check_grad(lambda v: ops.erf(v).sum(), np.array([-2.0, -0.3, 0.0, 1.2, 3.0]))


def test_erfinv_accuracy():
    p = np.concatenate(
        [np.linspace(-0.999, 0.999, 4001), 1 - np.logspace(-15, -1, 50), [1e-300, -1e-12]]
    )
    y = ops.erfinv(p)
    np.testing.assert_allclose([math.erf(v) for v in y], p, rtol=0, atol=1e-15)
    tails = p > 0.9
    np.testing.assert_allclose([math.erfc(v) for v in y[tails]], 1 - p[tails], rtol=1e-13)
    np.testing.assert_allclose(ops.erfinv(np.array([0.5])), [0.4769362762044699], rtol=1e-15)
    out = ops.erfinv(np.array([1.0, -1.0, 1.5, -2.0, 0.0, np.nan]))
    np.testing.assert_array_equal(out[:2], [np.inf, -np.inf])
    assert np.all(np.isnan(out[2:4])) and out[4] == 0.0 and np.isnan(out[5])
    assert ops.dtype(ops.erfinv(np.array([0.1], "float32"))) == "float32"


def test_erfinv_gradient():
    check_grad(lambda v: ops.erfinv(v).sum(), np.array([-0.9, -0.2, 0.0, 0.4, 0.95]))


def test_logdet():
    a = RNG.normal(size=(2, 3, 3))
    s = a @ np.swapaxes(a, -1, -2) + 3 * np.eye(3)
    np.testing.assert_allclose(ops.logdet(s), np.log(np.linalg.det(s)), rtol=1e-12)
    np.testing.assert_allclose(ops.logdet(np.array([[2.0, 0.0], [0.0, 3.0]])), np.log(6.0))
    with pytest.raises(OpInputError, match="logdet"):
        ops.logdet(np.ones((2, 3)))
    check_grad(lambda v: ops.logdet(v.reshape(3, 3) @ v.reshape(3, 3).T + np.eye(3)), a[0].ravel())
