"""Values and dtypes against the NumPy reference for a broad sample of ops."""

import numpy as np
import pytest

import tholos
from tholos import ops

RNG = np.random.default_rng(0)
X = RNG.normal(size=(3, 4)).astype("float32")
Y = RNG.normal(size=(3, 4)).astype("float32")
M = RNG.normal(size=(4, 4)).astype("float64")
SPD = (M @ M.T + 4 * np.eye(4)).astype("float64")
I8 = np.array([[1, -2, 3], [4, 5, -6]], dtype="int8")
U8 = np.array([250, 3, 7], dtype="uint8")
IMG = RNG.uniform(size=(2, 6, 6, 3)).astype("float32")
K = RNG.normal(size=(3, 3, 3, 4)).astype("float32")
LOGITS = RNG.normal(size=(1, 5, 4)).astype("float32")
SIGNAL = RNG.normal(size=(2, 64)).astype("float32")

CASES = {
    "add_weak_int": lambda: ops.add(I8, 1),
    "add_int_float": lambda: ops.add(np.array([1, 2], "int32"), 1.5),
    "add_u8_i8": lambda: ops.add(U8, np.array([1, 2, 3], "int8")),
    "multiply_bool": lambda: ops.multiply(np.array([True, False]), np.array([True, True])),
    "divide_int": lambda: ops.divide(np.array([1, 2], "int32"), 2),
    "floor_divide": lambda: ops.floor_divide(np.array([-7, 7], "int32"), 2),
    "mod_float": lambda: ops.mod(X, 0.7),
    "power_int": lambda: ops.power(np.array([2, 3], "uint8"), 3),
    "sign_u8": lambda: ops.sign(U8),
    "abs_i8": lambda: ops.absolute(I8),
    "exp_int": lambda: ops.exp(np.array([0, 1, 2], "int32")),
    "log1p": lambda: ops.log1p(np.abs(X)),
    "round_half_even": lambda: ops.round(np.array([0.5, 1.5, 2.5, -0.5], "float32")),
    "sum_axis": lambda: ops.sum(X, axis=1, keepdims=True),
    "sum_bool": lambda: ops.sum(np.array([True, True, False])),
    "mean_int": lambda: ops.mean(np.array([1, 2], "int32")),
    "var": lambda: ops.var(X, axis=0),
    "max_nan": lambda: ops.max(np.array([1.0, np.nan, 3.0], "float32")),
    "argmax": lambda: ops.argmax(X, axis=1),
    "cumprod": lambda: ops.cumprod(X, axis=1),
    "quantile": lambda: ops.quantile(X, [0.25, 0.5], axis=1),
    "median": lambda: ops.median(X),
    "matmul_vec": lambda: ops.matmul(X, Y[0]),
    "matmul_int8": lambda: ops.matmul(I8, I8.T),
    "einsum": lambda: ops.einsum("ij,kj->ik", X, Y),
    "tensordot": lambda: ops.tensordot(X, Y, axes=([1], [1])),
    "sort_nan": lambda: ops.sort(np.array([3.0, np.nan, 1.0, 2.0], "float32")),
    "argsort_stable": lambda: ops.argsort(np.array([3, 1, 2, 1], "int32")),
    "take_neg": lambda: ops.take(X, np.array([-1, 0]), axis=1),
    "take_along_axis": lambda: ops.take_along_axis(X, np.argsort(X, axis=1), axis=1),
    "get_item_fancy": lambda: ops.get_item(X, (np.array([0, 2]), slice(None, None, 2))),
    "get_item_mask": lambda: ops.get_item(X, X > 0),
    "where": lambda: ops.where(X > 0, X, 0),
    "pad_reflect": lambda: ops.pad(X, ((1, 2), (2, 1)), mode="reflect"),
    "tile": lambda: ops.tile(np.array([1, 2], "uint16"), 3),
    "repeat": lambda: ops.repeat(X, 2, axis=0),
    "diag": lambda: ops.diag(np.array([1, 2, 3], "int32"), k=1),
    "tril": lambda: ops.tril(M, k=-1),
    "linspace": lambda: ops.linspace(0.0, 1.0, 7),
    "arange": lambda: ops.arange(1, 10, 3),
    "eye": lambda: ops.eye(3, 4, k=1),
    "histogram": lambda: ops.histogram(np.array([1, 2, 2, 4], "float32"), bins=3),
    "bincount_weights": lambda: ops.bincount(
        np.array([1, 1, 3]), weights=np.array([0.5, 1.0, 2.0])
    ),
    "searchsorted": lambda: ops.searchsorted(
        np.array([1, 2, 2, 3]), np.array([2, 4]), side="right"
    ),
    "unravel": lambda: ops.unravel_index(np.array([5, 1]), (2, 3)),
    "view": lambda: ops.view(np.array([1.0], "float32"), "int32"),
    "saturate_cast": lambda: ops.saturate_cast(np.array([1e10, -1e10, np.nan]), "int32"),
    "scatter": lambda: ops.scatter(np.array([[0], [2], [0]]), np.array([1.0, 2.0, 3.0]), (4,)),
    "slice_update": lambda: ops.slice_update(np.zeros((3, 4)), (1, 1), np.ones((2, 2))),
    "softmax": lambda: ops.softmax(X, axis=-1),
    "gelu_exact": lambda: ops.gelu(X, approximate=False),
    "log_softmax": lambda: ops.log_softmax(X),
    "sparsemax": lambda: ops.sparsemax(X),
    "conv_same_s2": lambda: ops.conv(IMG, K[:, :, :3], strides=2, padding="same"),
    "conv_dilated_strided": lambda: ops.conv(
        IMG, K[:, :, :3], strides=2, dilation_rate=2, padding="same"
    ),
    "conv_cfirst": lambda: ops.conv(
        np.transpose(IMG, (0, 3, 1, 2)), K[:, :, :3], data_format="channels_first"
    ),
    "depthwise": lambda: ops.depthwise_conv(IMG, K[:, :, :, :2], padding="same"),
    "conv_transpose": lambda: ops.conv_transpose(IMG, K[:, :, :, :3], strides=2, padding="same"),
    "conv_transpose_op": lambda: ops.conv_transpose(
        IMG, K[:, :, :, :3], strides=2, output_padding=1
    ),
    "max_pool": lambda: ops.max_pool(IMG, 3, strides=2, padding="same"),
    "avg_pool_same": lambda: ops.average_pool(IMG, 2, strides=1, padding="same"),
    "avg_pool_f64": lambda: ops.average_pool(IMG.astype("float64"), 2, padding="same"),
    "one_hot": lambda: ops.one_hot(np.array([0, 2, -1]), 3),
    "sce": lambda: ops.sparse_categorical_crossentropy(
        np.array([0, 2, 1]), X[:, :3], from_logits=True
    ),
    "bce": lambda: ops.binary_crossentropy(np.array([[0.0, 1.0]]), np.array([[0.2, 0.7]])),
    "layer_norm": lambda: ops.layer_normalization(X, axis=-1),
    "attention": lambda: ops.dot_product_attention(
        X.reshape(1, 3, 2, 2), Y.reshape(1, 3, 2, 2), X.reshape(1, 3, 2, 2), is_causal=True
    ),
    "ctc_loss": lambda: ops.ctc_loss(np.array([[1, 2]]), LOGITS, np.array([2]), np.array([5])),
    "solve": lambda: ops.solve(SPD, M[:, 0]),
    "cholesky": lambda: ops.cholesky(SPD),
    "inv": lambda: ops.inv(SPD),
    "det": lambda: ops.det(M),
    "norm_fro": lambda: ops.norm(M),
    "norm_nuc": lambda: ops.norm(M, ord="nuc"),
    "lstsq": lambda: ops.lstsq(M[:, :3], M[:, 3]),
    "lu_factor": lambda: ops.lu_factor(M),
    "svd_values": lambda: ops.svd(M, compute_uv=False),
    "top_k": lambda: ops.top_k(np.array([1, 3, 3, 2], "int32"), 2),
    "segment_max": lambda: ops.segment_max(X, np.array([0, 0, 2]), num_segments=3),
    "logsumexp": lambda: ops.logsumexp(X, axis=1),
    "rfft": lambda: ops.rfft(X),
    "stft": lambda: ops.stft(SIGNAL, 16, 8, 16),
    "erfinv": lambda: ops.erfinv(np.array([-0.999, 0.0, 0.5], "float32")),
    "resize_bilinear_aa": lambda: ops.image.resize(IMG, (3, 4), antialias=True),
    "resize_nearest": lambda: ops.image.resize(IMG, (9, 9), interpolation="nearest"),
    "affine": lambda: ops.image.affine_transform(
        IMG, np.array([1, 0.1, 0.5, 0.1, 1, -0.5, 0, 0], "float32"), fill_mode="reflect"
    ),
    "rgb_to_hsv": lambda: ops.image.rgb_to_hsv(IMG),
    "extract_patches": lambda: ops.image.extract_patches(IMG, 2),
    "scan": lambda: ops.scan(lambda c, x: (c + x, c * x), 0.0, np.arange(4.0, dtype="float32")),
    "while_loop": lambda: ops.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, s * 2), (0, 1)),
    "associative_scan": lambda: ops.associative_scan(
        lambda a, b: a + b, np.arange(5, dtype="int32"), reverse=True
    ),
}


def _to_numpy(tree):
    if isinstance(tree, (list, tuple)):
        return [_to_numpy(t) for t in tree]
    return np.asarray(ops.convert_to_numpy(tree))


def _run(name, backend):
    with tholos.config.use_backend(backend):
        out = CASES[name]()
        return _to_numpy(out)


def _compare(got, want, name):
    if isinstance(want, list):
        assert len(got) == len(want), name
        for g, w in zip(got, want):
            _compare(g, w, name)
        return
    assert got.shape == want.shape, f"{name}: shape {got.shape} != {want.shape}"
    assert str(got.dtype) == str(want.dtype), f"{name}: dtype {got.dtype} != {want.dtype}"
    if want.dtype.kind in "fc":
        tol = 2e-3 if want.dtype == np.float16 else 1e-4 if want.dtype.itemsize <= 8 else 1e-9
        tol = 1e-4 if want.dtype in (np.float32, np.complex64) else tol
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol, err_msg=name)
    else:
        np.testing.assert_array_equal(got, want, err_msg=name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_numpy_reference(name, tf_backend):
    got = _run(name, "tensorflow")
    want = _run(name, "numpy")
    _compare(got, want, name)


def test_results_are_tf_tensors_and_python_floats_follow_floatx(tf_backend):
    import tensorflow as tf

    out = ops.add([1.0, 2.0], 1)
    assert isinstance(out, tf.Tensor) and ops.dtype(out) == "float32"
    assert ops.dtype(ops.convert_to_tensor(3)) == "int32"
    assert ops.dtype(ops.convert_to_tensor(np.float64(1.0))) == "float64"


def test_bad_input_raises_tholos_errors(tf_backend):
    from tholos.errors import OpInputError

    with pytest.raises(OpInputError):
        ops.reshape(np.zeros(6), (4, 2))
    with pytest.raises(OpInputError):
        ops.take(np.zeros(3), np.array([5]))
    with pytest.raises(OpInputError):
        ops.matmul(np.zeros((2, 3)), np.zeros((2, 3)))
    with pytest.raises(OpInputError):
        ops.convert_to_tensor("text")


def test_ops_work_inside_tf_function(tf_backend):
    import tensorflow as tf

    @tf.function(jit_compile=True)
    def f(x):
        y = ops.softmax(ops.matmul(x, ops.transpose(x)))
        y = ops.cond(ops.sum(y) > 0, lambda: y * 2.0, lambda: y)
        total = ops.fori_loop(0, 3, lambda i, v: v + ops.cast(i, "float32"), ops.zeros(()))
        return ops.sum(y) + total

    want = 2.0 * 3 + 3.0
    assert abs(float(f(tf.constant(X))) - want) < 1e-4
