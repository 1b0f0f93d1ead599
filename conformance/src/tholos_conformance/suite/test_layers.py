"""Layers forward and backward, in training and inference mode, against the reference.

Each layer is built twice from the same weights: in float32 on the backend under test and in
float64 on the NumPy reference (its weights are the float32 weights, widened). Outputs are
compared at the matmul tier; gradients of ``sum(output * cotangent)`` with respect to every
trainable weight and to the input come from each backend's ``trainer.compute_gradients``.
Layers with randomness in training mode (Dropout...) are compared in inference mode only and
checked for shape and dtype in training mode.
"""

from __future__ import annotations

import numpy as np
import pytest

from tholos_conformance.compare import ConformanceError, compare_arrays
from tholos_conformance.runtime import backend_scope, reference_scope, to_numpy
from tholos_conformance.tolerances import tolerance

# (id, class name, constructor kwargs, input shape or list of shapes, input kind, random in
# training mode)
LAYERS = [
    ("Dense", "Dense", {"units": 4, "activation": "tanh"}, (3, 5), "float", False),
    (
        "EinsumDense",
        "EinsumDense",
        {"equation": "ab,bc->ac", "output_shape": 4, "bias_axes": "c"},
        (3, 5),
        "float",
        False,
    ),
    ("Embedding", "Embedding", {"input_dim": 7, "output_dim": 3}, (2, 4), "int", False),
    (
        "Conv1D-same",
        "Conv1D",
        {"filters": 3, "kernel_size": 3, "padding": "same"},
        (2, 7, 2),
        "float",
        False,
    ),
    (
        "Conv2D-s2-same",
        "Conv2D",
        {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"},
        (2, 7, 6, 3),
        "float",
        False,
    ),
    (
        "Conv2D-dilated",
        "Conv2D",
        {"filters": 2, "kernel_size": 2, "dilation_rate": 2},
        (1, 6, 6, 2),
        "float",
        False,
    ),
    ("Conv3D", "Conv3D", {"filters": 2, "kernel_size": 2}, (1, 4, 4, 3, 2), "float", False),
    (
        "Conv1DTranspose-s2-same",
        "Conv1DTranspose",
        {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
        (2, 5, 3),
        "float",
        False,
    ),
    (
        "Conv2DTranspose-s2-same",
        "Conv2DTranspose",
        {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"},
        (2, 4, 5, 2),
        "float",
        False,
    ),
    (
        "Conv2DTranspose-s2-valid",
        "Conv2DTranspose",
        {"filters": 2, "kernel_size": 4, "strides": 2},
        (1, 3, 3, 2),
        "float",
        False,
    ),
    (
        "DepthwiseConv2D",
        "DepthwiseConv2D",
        {"kernel_size": 3, "depth_multiplier": 2, "padding": "same"},
        (2, 5, 5, 2),
        "float",
        False,
    ),
    (
        "SeparableConv2D",
        "SeparableConv2D",
        {"filters": 3, "kernel_size": 3},
        (2, 6, 6, 2),
        "float",
        False,
    ),
    ("MaxPooling2D", "MaxPooling2D", {"pool_size": 2}, (2, 6, 5, 3), "float", False),
    (
        "AveragePooling2D-same",
        "AveragePooling2D",
        {"pool_size": 3, "strides": 2, "padding": "same"},
        (2, 7, 6, 2),
        "float",
        False,
    ),
    ("GlobalAveragePooling2D", "GlobalAveragePooling2D", {}, (2, 4, 5, 3), "float", False),
    ("GlobalMaxPooling1D", "GlobalMaxPooling1D", {}, (2, 6, 3), "float", False),
    ("BatchNormalization", "BatchNormalization", {}, (4, 3, 5), "float", False),
    ("LayerNormalization", "LayerNormalization", {}, (2, 3, 5), "float", False),
    ("GroupNormalization", "GroupNormalization", {"groups": 2}, (2, 3, 4), "float", False),
    ("UnitNormalization", "UnitNormalization", {}, (3, 5), "float", False),
    ("Dropout", "Dropout", {"rate": 0.5}, (4, 6), "float", True),
    ("Flatten", "Flatten", {}, (2, 3, 4), "float", False),
    ("Reshape", "Reshape", {"target_shape": (4, 3)}, (2, 3, 4), "float", False),
    ("Permute", "Permute", {"dims": (2, 1)}, (2, 3, 4), "float", False),
    (
        "UpSampling2D-bilinear",
        "UpSampling2D",
        {"size": 2, "interpolation": "bilinear"},
        (1, 3, 4, 2),
        "float",
        False,
    ),
    ("ZeroPadding2D", "ZeroPadding2D", {"padding": ((1, 0), (2, 1))}, (1, 3, 3, 2), "float", False),
    ("Cropping2D", "Cropping2D", {"cropping": ((1, 0), (0, 2))}, (1, 4, 5, 2), "float", False),
    ("Activation-gelu", "Activation", {"activation": "gelu"}, (3, 4), "float", False),
    ("Softmax", "Softmax", {}, (3, 4), "float", False),
    ("PReLU", "PReLU", {}, (3, 4), "float", False),
    ("SimpleRNN", "SimpleRNN", {"units": 3}, (2, 4, 3), "float", False),
    ("LSTM", "LSTM", {"units": 3, "return_sequences": True}, (2, 4, 3), "float", False),
    ("GRU", "GRU", {"units": 3}, (2, 4, 3), "float", False),
    (
        "MultiHeadAttention",
        "MultiHeadAttention",
        {"num_heads": 2, "key_dim": 3},
        [(2, 4, 5), (2, 3, 5)],
        "float",
        False,
    ),
    ("Attention", "Attention", {}, [(2, 4, 3), (2, 5, 3)], "float", False),
    ("Add", "Add", {}, [(2, 3), (2, 3)], "float", False),
    ("Concatenate", "Concatenate", {}, [(2, 3), (2, 2)], "float", False),
]
IDS = [entry[0] for entry in LAYERS]


def _layer_class(name: str):
    layers = pytest.importorskip("tholos.layers", reason="needs tholos.layers")
    cls = getattr(layers, name, None)
    if cls is None:
        pytest.skip(f"needs tholos.layers.{name} (not in tholos.layers yet)")
    return cls


def _inputs(shape, kind, seed):
    rng = np.random.default_rng(seed)
    shapes = shape if isinstance(shape, list) else [shape]
    if kind == "int":
        xs = [rng.integers(0, 7, size=s).astype("int32") for s in shapes]
    else:
        xs = [rng.uniform(-1.0, 1.0, size=s).astype("float32") for s in shapes]
    return xs


def _call(layer, xs, training):
    if len(xs) == 1:
        return layer(xs[0], training=training)
    if type(layer).__name__ in ("MultiHeadAttention",):
        return layer(xs[0], xs[1], training=training)
    return layer(xs, training=training)


def _build(cls, kwargs, xs, dtype, weights=None):
    layer = cls(**kwargs, dtype=dtype)
    _call(layer, xs, False)
    if weights is not None:
        layer.set_weights(
            [np.asarray(w, dtype=np.asarray(v).dtype) for w, v in zip(weights, layer.get_weights())]
        )
    return layer


def _widen(xs):
    return [x.astype("float64") if x.dtype.kind == "f" else x for x in xs]


def _forward_and_grads(loaded, layer, xs, training, cot):
    """(output, grads w.r.t. trainable weights + float inputs) through compute_gradients."""
    import tholos
    from tholos import ops

    float_inputs = [i for i, x in enumerate(xs) if x.dtype.kind == "f"]
    input_vars = [tholos.Variable(xs[i], name=f"x{i}") for i in float_inputs]
    weights = list(layer.trainable_variables)

    def loss_fn():
        args = list(xs)
        for i, v in zip(float_inputs, input_vars):
            args[i] = v.value
        out = _call(layer, args, training)
        c = ops.convert_to_tensor(cot, dtype=ops.dtype(out))
        return ops.sum(ops.multiply(out, c)), out

    _, out, grads = loaded.trainer.compute_gradients(loss_fn, weights + input_vars)
    return to_numpy(out), [np.asarray(g) for g in to_numpy(list(grads))]


def _check(name, what, actual, expected, tier, dtype, device, gradient=False):
    rtol, atol = tolerance(tier, dtype, device, gradient=gradient)
    stats = compare_arrays(actual, expected, rtol, atol)
    if not stats["ok"]:
        raise ConformanceError(
            f"layer {name}: {what} differs from the reference: worst abs error "
            f"{stats.get('worst_abs', 0):.3g} at index {list(stats.get('worst_abs_index', ()))}"
            f" ({stats.get('reason', '')}{stats.get('mismatched', 0)} elements out of rtol="
            f"{rtol:g} atol={atol:g})\n  backend:   shape {np.shape(actual)}\n"
            f"  reference: shape {np.shape(expected)}"
        )


@pytest.mark.tholos_area("layers")
@pytest.mark.parametrize("training", [False, True], ids=["inference", "training"])
@pytest.mark.parametrize("entry", LAYERS, ids=IDS)
def test_layer_forward_backward(entry, training, tholos_backend_name, tholos_device):
    name, cls_name, kwargs, shape, kind, random_in_training = entry
    cls = _layer_class(cls_name)
    xs = _inputs(shape, kind, seed=len(name))
    with reference_scope() as ref_backend:
        ref_layer = _build(cls, kwargs, _widen(xs), "float64")
        weights32 = [np.asarray(w).astype("float32") for w in ref_layer.get_weights()]
        ref_layer.set_weights([w.astype("float64") for w in weights32])
        ref_out = to_numpy(_call(ref_layer, _widen(xs), training))
    cot = np.random.default_rng(1).uniform(-1, 1, np.shape(ref_out))
    cot = cot.astype("float32").astype("float64")
    with backend_scope(tholos_backend_name, tholos_device) as loaded:
        layer = _build(cls, kwargs, xs, "float32", weights32)
        out, grads = _forward_and_grads(loaded, layer, xs, training, cot.astype("float32"))
        assert [tuple(w.shape) for w in layer.get_weights()] == [w.shape for w in weights32]
    assert out.dtype == np.float32, f"layer {name}: output dtype {out.dtype}, expected float32"
    assert out.shape == np.shape(ref_out), f"layer {name}: shape {out.shape} vs {ref_out.shape}"
    if training and random_in_training:
        return  # different random streams: shape and dtype only
    _check(name, f"output (training={training})", out, ref_out, "matmul", "float32", tholos_device)
    with reference_scope() as ref_backend:
        ref_layer = _build(
            cls, kwargs, _widen(xs), "float64", [w.astype("float64") for w in weights32]
        )
        _, ref_grads = _forward_and_grads(ref_backend, ref_layer, _widen(xs), training, cot)
    assert len(grads) == len(ref_grads)
    labels = [f"gradient of weight {v.path}" for v in layer.trainable_variables]
    labels += [f"gradient of input {i}" for i in range(len(grads) - len(labels))]
    for label, g, r in zip(labels, grads, ref_grads):
        _check(
            name,
            f"{label} (training={training})",
            g,
            r,
            "matmul",
            "float32",
            tholos_device,
            gradient=True,
        )
