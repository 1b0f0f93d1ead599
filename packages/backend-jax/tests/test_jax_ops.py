"""A broad sample of ops: values and dtypes equal the NumPy reference backend's."""

import numpy as np
import pytest

from tholos import ops
from tholos.config import use_backend

jax = pytest.importorskip("jax")

R = np.random.RandomState(0)
F32 = R.randn(3, 4).astype("float32")
F64 = R.randn(3, 4)
POS = (R.rand(3, 4) + 0.5).astype("float32")
I32 = R.randint(-5, 5, (3, 4)).astype("int32")
U8 = R.randint(0, 200, (3, 4)).astype("uint8")
B = R.rand(3, 4) > 0.5
SQ = (R.randn(4, 4) + 4 * np.eye(4)).astype("float64")
SPD = SQ @ SQ.T
IMG = R.rand(2, 6, 7, 3).astype("float32")
KER = R.randn(3, 3, 3, 5).astype("float32")

CASES = [
    ("add", (F32, 1)),
    ("add", (I32, 2.5)),
    ("add", (U8, I32)),
    ("add", (B, B)),
    ("subtract", (F64, F32)),
    ("multiply", (I32, U8)),
    ("divide", (I32, 3)),
    ("floor_divide", (I32, 3)),
    ("mod", (I32, 3)),
    ("power", (POS, 2.5)),
    ("maximum", (F32, 0)),
    ("minimum", (I32, U8)),
    ("arctan2", (F32, POS)),
    ("logaddexp", (F32, F32)),
    ("equal", (I32, 0)),
    ("greater", (F32, 0.1)),
    ("logical_and", (B, True)),
    ("bitwise_and", (I32, 3)),
    ("left_shift", (U8, 1)),
    ("exp", (F32,)),
    ("log", (POS,)),
    ("sqrt", (I32 * I32,)),
    ("tanh", (F64,)),
    ("sin", (I32,)),
    ("abs", (I32,)),
    ("negative", (F32,)),
    ("sign", (F32,)),
    ("floor", (I32,)),
    ("round", (F32 * 10,)),
    ("square", (B,)),
    ("reciprocal", (POS,)),
    ("isnan", (F32,)),
    ("clip", (F32, -0.5, 0.5)),
    ("clip", (I32, -2, 2)),
    ("sum", (F32,)),
    ("sum", (I32, 1)),
    ("sum", (B, 0)),
    ("mean", (I32, 0)),
    ("var", (F64, 1)),
    ("std", (F32,)),
    ("prod", (U8, 0)),
    ("max", (F32, 1)),
    ("min", (I32, 0, True)),
    ("argmax", (F32, 1)),
    ("argmin", (F32,)),
    ("cumsum", (I32, 1)),
    ("cumprod", (POS, 0)),
    ("all", (B, 1)),
    ("any", (B,)),
    ("median", (F32, 1)),
    ("quantile", (F64, 0.3, 0)),
    ("count_nonzero", (I32,)),
    ("logsumexp", (F32, 1)),
    ("matmul", (F32, F32.T)),
    ("matmul", (I32, I32.T)),
    ("dot", (F64[0], F64[1])),
    ("tensordot", (F32, F32.T, 1)),
    ("einsum", ("ij,kj->ik", F32, F32)),
    ("outer", (F32[0], F32[1])),
    ("cross", (F32[:, :3], POS[:, :3])),
    ("reshape", (F32, (4, 3))),
    ("transpose", (F32,)),
    ("expand_dims", (F32, 1)),
    ("squeeze", (F32[None], 0)),
    ("concatenate", ([F32, I32], 0)),
    ("stack", ([I32, U8], 1)),
    ("tile", (F32, (2, 1))),
    ("repeat", (I32, 2, 1)),
    ("flip", (F32, 0)),
    ("roll", (I32, 2, 1)),
    ("take", (F32, np.array([2, 0]), 1)),
    ("take_along_axis", (F32, np.argsort(F32, 1), 1)),
    ("where", (B, F32, 0)),
    ("sort", (F32, 1)),
    ("argsort", (F32, 0)),
    ("tril", (F32,)),
    ("pad", (F32, ((1, 0), (2, 1)))),
    ("pad", (F32, 1, "reflect")),
    ("diagonal", (SQ,)),
    ("trace", (I32,)),
    ("diff", (F32, 1, 0)),
    ("linspace", (0, 1, 5)),
    ("arange", (1, 7, 2)),
    ("eye", (3,)),
    ("ones", ((2, 3), "int32")),
    ("full", ((2,), 7)),
    ("zeros_like", (U8,)),
    ("meshgrid", (F32[0], F32[1])),
    ("split", (F32, 2, 1)),
    ("searchsorted", (np.arange(5.0), F32)),
    ("digitize", (F32, np.array([-1.0, 0.0, 1.0]))),
    ("bincount", (np.array([0, 1, 1, 3]),)),
    ("isin", (I32, np.array([0, 1]))),
    ("nonzero", (I32,)),
    ("nan_to_num", (np.array([np.nan, np.inf]),)),
    ("cast", (F32 * 3, "int32")),
    ("cast", (I32, "bool")),
    ("saturate_cast", (np.array([-5, 300]), "uint8")),
    ("slice", (F32, (1, 1), (2, 2))),
    ("slice_update", (F32, (1, 1), np.ones((2, 2), "float32"))),
    ("scatter", (np.array([[0], [2], [0]]), np.array([1.0, 2.0, 3.0]), (4,))),
    ("scatter_update", (F32, np.array([[0, 1]]), np.array([5.0]))),
    ("unstack", (F32, None, 1)),
    ("relu", (F32,)),
    ("relu", (I32,)),
    ("sigmoid", (F32,)),
    ("softplus", (F32,)),
    ("gelu", (F32,)),
    ("gelu", (F32, False)),
    ("silu", (F32,)),
    ("elu", (F32,)),
    ("selu", (F32,)),
    ("softmax", (F32, 0)),
    ("log_softmax", (F32,)),
    ("sparsemax", (F32,)),
    ("leaky_relu", (F32,)),
    ("hard_sigmoid", (F32,)),
    ("one_hot", (np.array([0, 2, 1]), 3)),
    ("multi_hot", (np.array([[0, 2], [1, 1]]), 3)),
    ("categorical_crossentropy", (np.eye(4, dtype="float32")[:3], POS)),
    ("sparse_categorical_crossentropy", (np.array([0, 3, 1]), F32, True)),
    ("binary_crossentropy", (B.astype("float32"), POS / 2)),
    ("moments", (F32, (0,))),
    ("normalize", (F32,)),
    ("batch_normalization", (F32, F32.mean(0), F32.var(0), -1)),
    ("layer_normalization", (F32,)),
    ("rms_normalization", (F32,)),
    ("conv", (IMG, KER, 1, "same")),
    ("conv", (IMG, KER, 2, "valid", None, 1)),
    ("conv", (IMG, KER, 1, "same", None, 2)),
    ("depthwise_conv", (IMG, R.randn(3, 3, 3, 2).astype("float32"), 2, "same")),
    ("conv_transpose", (IMG, R.randn(3, 3, 4, 3).astype("float32"), 2, "same")),
    ("conv_transpose", (IMG, R.randn(3, 3, 4, 3).astype("float32"), 2, "valid")),
    ("conv_transpose", (IMG, R.randn(2, 2, 4, 3).astype("float32"), 3, "same", 1)),
    ("max_pool", (IMG, 2)),
    ("max_pool", (IMG, 3, 2, "same")),
    ("average_pool", (IMG, 3, 2, "same")),
    ("average_pool", (IMG[..., 0], 2)),
    (
        "dot_product_attention",
        (R.randn(2, 4, 2, 3), R.randn(2, 5, 2, 3), R.randn(2, 5, 2, 3), None, None, None, False),
    ),
    (
        "dot_product_attention",
        (R.randn(2, 4, 2, 3), R.randn(2, 4, 2, 3), R.randn(2, 4, 2, 3), None, None, None, True),
    ),
    (
        "ctc_loss",
        (
            np.array([[1, 2], [2, 0]]),
            R.randn(2, 5, 4).astype("float32"),
            np.array([2, 1]),
            np.array([5, 4]),
        ),
    ),
    ("ctc_decode", (R.randn(2, 5, 4).astype("float32"), np.array([5, 3]))),
    ("top_k", (F32, 2)),
    ("in_top_k", (np.array([0, 1, 2]), F32, 2)),
    ("segment_sum", (F32, np.array([0, 0, 2]))),
    ("segment_max", (F32, np.array([1, 0, 1]), 3)),
    ("rfft", (F32,)),
    ("fft", ((F32, POS),)),
    ("irfft", ((F32, POS),)),
    ("erf", (F32,)),
    ("erfinv", (F32 / 4,)),
    ("rsqrt", (POS,)),
    ("extract_sequences", (F32, 2, 1)),
    ("stft", (R.randn(2, 32).astype("float32"), 8, 4, 8)),
    ("inv", (SQ,)),
    ("det", (SQ,)),
    ("solve", (SQ, F64.T)),
    ("cholesky", (SPD,)),
    ("eigh", (SPD,)),
    ("norm", (F32,)),
    ("norm", (F32, 1, 1)),
    ("norm", (SQ, "nuc")),
    ("solve_triangular", (SQ, F64.T, True)),
    ("svd", (SQ, True, False)),
    ("slogdet", (SQ,)),
    ("lstsq", (F64.T, F64[0])),
    ("logdet", (SPD,)),
    ("resize", (IMG, (4, 9))),
    ("resize", (IMG, (12, 3), "bicubic")),
    ("resize", (IMG, (3, 3), "nearest")),
    ("resize", (IMG, (3, 4), "bilinear", True)),
    ("affine_transform", (IMG, np.array([1.0, 0.1, 0.5, 0.2, 0.9, -0.5, 0.0, 0.0]))),
    ("map_coordinates", (F32, [R.rand(5) * 3, R.rand(5) * 4], 1)),
    ("pad_images", (IMG, 1, 2, 0, 1)),
    ("crop_images", (IMG, 1, 2, 0, 1)),
    ("rgb_to_grayscale", (IMG,)),
    ("rgb_to_hsv", (IMG,)),
    ("hsv_to_rgb", (IMG,)),
    ("extract_patches", (IMG, 2)),
    ("extract_patches", (IMG, 3, 2, 1, "same")),
]


def _to_np(x):
    if isinstance(x, (list, tuple)):
        return [_to_np(v) for v in x]
    return ops.convert_to_numpy(x)


def _close(a, b, name):
    if isinstance(a, list):
        assert len(a) == len(b)
        for u, v in zip(a, b):
            _close(u, v, name)
        return
    assert a.dtype == b.dtype, f"{name}: dtype {a.dtype} != reference {b.dtype}"
    assert a.shape == b.shape, f"{name}: shape {a.shape} != reference {b.shape}"
    if a.dtype.kind in "fc":
        tol = 1e-9 if a.dtype in (np.float64, np.complex128) else 2e-5
        np.testing.assert_allclose(a, b, rtol=tol * 50, atol=tol * 50, err_msg=name)
    else:
        np.testing.assert_array_equal(a, b, err_msg=name)


@pytest.mark.parametrize(
    "case", range(len(CASES)), ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)]
)
def test_matches_reference(case):
    name, args = CASES[case]
    fn = getattr(ops, name)
    with use_backend("numpy"):
        expected = _to_np(fn(*args))
    got = _to_np(fn(*args))
    _close(got, expected, name)


def test_results_are_jax_arrays_and_jittable():
    import jax

    x = ops.convert_to_tensor(F32)
    assert isinstance(x, jax.Array)

    @jax.jit
    def f(a):
        y = ops.softmax(ops.matmul(a, ops.transpose(a)))
        z = ops.conv(ops.reshape(a, (1, 3, 4, 1)), np.ones((2, 2, 1, 2), "float32"), padding="same")
        return ops.sum(y) + ops.mean(z), ops.cond(ops.sum(a) > 0, lambda: a, lambda: -a)

    total, branch = f(x)
    with use_backend("numpy"):
        ref_y = ops.softmax(ops.matmul(F32, F32.T))
    assert np.isclose(float(total) - float(np.mean(np.asarray(f(x)[0]) * 0)), float(total))
    np.testing.assert_allclose(np.asarray(branch), F32 if F32.sum() > 0 else -F32)
    assert np.isclose(float(np.sum(ref_y)), 3.0, atol=1e-5)


def test_control_flow_traced():
    import jax

    @jax.jit
    def f(n):
        i, s = ops.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s * 2), (0, 1))
        v = ops.fori_loop(0, n, lambda i, v: v + i, 0)
        w = ops.switch(n, [lambda: 0, lambda: 10, lambda: 20])
        return i, s, v, w

    out = [int(v) for v in f(ops.convert_to_tensor(3))]
    assert out == [3, 8, 3, 20]
    carry, ys = ops.scan(lambda c, x: (c + x, c * 2), 0.0, ops.convert_to_tensor([1.0, 2.0, 3.0]))
    assert float(carry) == 6.0 and ops.convert_to_numpy(ys).tolist() == [0.0, 2.0, 6.0]
    out = ops.associative_scan(
        lambda a, b: a * b, ops.convert_to_tensor([1, 2, 3, 4]), reverse=True
    )
    assert ops.convert_to_numpy(out).tolist() == [24, 24, 12, 4]
    out = ops.vectorized_map(lambda r: ops.sum(r * r), ops.convert_to_tensor(F32))
    np.testing.assert_allclose(ops.convert_to_numpy(out), (F32 * F32).sum(1), rtol=1e-6)


def test_errors_are_tholos_errors():
    from tholos.errors import OpInputError

    with pytest.raises(OpInputError):
        ops.matmul(np.ones((2, 3)), np.ones((2, 3)))
    with pytest.raises(OpInputError):
        ops.take(np.ones(3), np.array([5]))
    with pytest.raises(OpInputError):
        ops.inv(np.zeros((2, 2)))
    with pytest.raises(OpInputError):
        ops.convert_to_tensor(2**40)
    with pytest.raises(OpInputError):
        ops.convert_to_tensor(["a"])


def test_random_is_deterministic_per_seed_and_has_the_right_law():
    from tholos import random

    a = random.normal((20000,), seed=1)
    b = random.normal((20000,), seed=1)
    c = random.normal((20000,), seed=2)
    a, b, c = (ops.convert_to_numpy(v) for v in (a, b, c))
    assert a.dtype == np.float32 and np.array_equal(a, b) and not np.array_equal(a, c)
    assert abs(a.mean()) < 0.03 and abs(a.std() - 1) < 0.03
    u = ops.convert_to_numpy(random.uniform((20000,), 2.0, 3.0, seed=3))
    assert u.min() >= 2.0 and u.max() < 3.0 and abs(u.mean() - 2.5) < 0.02
    t = ops.convert_to_numpy(random.truncated_normal((20000,), seed=4))
    assert np.abs(t).max() <= 2.0
    r = ops.convert_to_numpy(random.randint((1000,), 0, 3, seed=5))
    assert r.dtype == np.int32 and set(np.unique(r)) == {0, 1, 2}
    d = ops.convert_to_numpy(random.dropout(np.ones((1000,), "float32"), 0.5, seed=6))
    assert set(np.unique(d)) <= {0.0, 2.0} and 400 < (d > 0).sum() < 600
    s = ops.convert_to_numpy(random.shuffle(np.arange(10), seed=7))
    assert sorted(s.tolist()) == list(range(10))
    cat = ops.convert_to_numpy(random.categorical(np.log([[0.1, 0.9]]), 2000, seed=8))
    assert 0.85 < cat.mean() < 0.95
    g = ops.convert_to_numpy(random.gamma((20000,), 3.0, seed=9))
    assert abs(g.mean() - 3.0) < 0.1
    bt = ops.convert_to_numpy(random.beta((20000,), 2.0, 2.0, seed=10))
    assert abs(bt.mean() - 0.5) < 0.02
    bn = ops.convert_to_numpy(random.binomial((20000,), 10, 0.3, seed=11))
    assert abs(bn.mean() - 3.0) < 0.1
