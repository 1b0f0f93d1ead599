"""Generate Keras 3 reference fixtures for tholos' cross-checks.

Run it in a separate environment that has Keras 3 (tholos never needs Keras at test time):

    KERAS_BACKEND=torch /path/to/kerasvenv/bin/python tools/keras_reference/make_fixtures.py

It writes, under ``packages/core/tests/fixtures/keras3/``:

* ``manifest.json``: the versions used (Keras, its backend, NumPy), and one entry per case with
  the Keras class name, its ``get_config()`` (JSON), how it was called and which arrays belong
  to it;
* ``layers.npz``: per layer case, the inputs, the weights in Keras's ``get_weights()`` order
  (set from NumPy seeds, not from Keras's initializers) and the outputs (inference and, where
  the layer has a training mode, training outputs and the weights after the training call);
* ``optimizers.npz``: per optimizer case, the data, the initial weights of a tiny MLP and its
  weights after 12 ``fit`` steps with ``shuffle=False``;
* ``schedules.npz``: per learning-rate schedule, the steps and its values there.

Every array is a plain numeric array saved with ``np.savez`` (no pickle, no object arrays).
This script is tholos' own code; it only calls Keras's public API.
"""

from __future__ import annotations

import json
import os
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras
import numpy as np

OUT_DIR = Path(__file__).resolve().parents[2] / "packages/core/tests/fixtures/keras3"


# --------------------------------------------------------------------------------------------
# Deterministic data


def rng_for(name: str, salt: str = "") -> np.random.Generator:
    return np.random.default_rng(zlib.crc32((name + "|" + salt).encode()))


def make_array(rng: np.random.Generator, spec: Any) -> np.ndarray:
    """An input array from a spec: a shape (float32 normal) or a dict with details."""
    if not isinstance(spec, dict):
        spec = {"shape": spec}
    shape = tuple(spec["shape"])
    kind = spec.get("kind", "normal")
    if kind == "normal":
        return rng.normal(size=shape).astype("float32")
    if kind == "int":
        return rng.integers(spec.get("low", 0), spec["high"], size=shape).astype("int32")
    if kind == "bool":
        arr = rng.random(size=shape) < spec.get("p", 0.7)
        return arr
    if kind == "value":
        return np.asarray(spec["value"], dtype=spec.get("dtype", "float32")).reshape(shape)
    raise ValueError(kind)


def weight_values(rng: np.random.Generator, layer: keras.layers.Layer) -> list[np.ndarray]:
    """Seeded values for every weight of ``layer`` (in ``get_weights`` order)."""
    values = []
    for w in layer.weights:
        shape = tuple(w.shape)
        name = w.path.rsplit("/", 1)[-1]
        dtype = keras.backend.standardize_dtype(w.dtype)
        if "int" in dtype:
            values.append(np.asarray(w.numpy()))  # counters (e.g. Normalization count)
        elif "variance" in name:
            values.append(rng.uniform(0.5, 1.5, size=shape).astype(dtype))
        elif name == "gamma" or name == "scale":
            values.append((1.0 + 0.2 * rng.normal(size=shape)).astype(dtype))
        else:
            values.append((0.5 * rng.normal(size=shape)).astype(dtype))
    return values


def to_json(obj: Any) -> Any:
    """Make a Keras config JSON-serializable (tuples become lists, NumPy scalars numbers)."""
    if isinstance(obj, dict):
        return {str(k): to_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_json(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    raise TypeError(f"not JSON-serializable: {type(obj).__name__}: {obj!r}")


def flat_outputs(out: Any) -> list[np.ndarray]:
    if isinstance(out, (list, tuple)):
        res = []
        for o in out:
            res.extend(flat_outputs(o))
        return res
    if isinstance(out, dict):
        raise TypeError("dict outputs are not used by these cases")
    return [np.asarray(keras.ops.convert_to_numpy(out))]


# --------------------------------------------------------------------------------------------
# Layer cases


@dataclass
class LayerCase:
    name: str
    cls: str
    kwargs: dict = field(default_factory=dict)
    inputs: list = field(default_factory=list)  # one spec per input
    call: str = "single"  # single | list | args
    call_arrays: dict = field(default_factory=dict)  # extra array kwargs, e.g. mask
    call_kwargs: dict = field(default_factory=dict)  # extra plain kwargs
    training: bool = False  # also run with training=True (weights after stored too)
    inner: dict | None = None  # for wrappers: {"cls":..., "kwargs":...}
    adapt: Any = None  # spec of data for Normalization.adapt
    note: str = ""


F = "float"
C: list[LayerCase] = []


def add(*args: Any, **kwargs: Any) -> None:
    C.append(LayerCase(*args, **kwargs))


# core
add("dense_tanh", "Dense", {"units": 4, "activation": "tanh"}, [(2, 3, 5)])
add("dense_nobias", "Dense", {"units": 3, "use_bias": False}, [(4, 5)])
add(
    "einsum_dense",
    "EinsumDense",
    {"equation": "abc,cd->abd", "output_shape": (None, 4), "bias_axes": "d"},
    [(2, 3, 5)],
)
add(
    "einsum_dense_heads",
    "EinsumDense",
    {"equation": "abc,cde->abde", "output_shape": (None, 2, 3), "bias_axes": "de"},
    [(2, 3, 4)],
)
add(
    "embedding",
    "Embedding",
    {"input_dim": 10, "output_dim": 4},
    [{"shape": (2, 5), "kind": "int", "high": 10}],
)
for act in [
    "relu",
    "sigmoid",
    "tanh",
    "softmax",
    "softplus",
    "softsign",
    "selu",
    "elu",
    "exponential",
    "hard_sigmoid",
    "gelu",
    "silu",
    "mish",
    "log_softmax",
    "relu6",
    "leaky_relu",
    "hard_silu",
    "celu",
    "glu",
    "log_sigmoid",
    "hard_tanh",
    "hard_shrink",
    "soft_shrink",
    "tanh_shrink",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
    "linear",
]:
    add(f"activation_{act}", "Activation", {"activation": act}, [(3, 6)])
# activation layers
add("relu_layer", "ReLU", {"max_value": 1.5, "negative_slope": 0.1, "threshold": 0.2}, [(3, 6)])
add("leaky_relu_layer", "LeakyReLU", {"negative_slope": 0.2}, [(3, 6)])
add("prelu", "PReLU", {"shared_axes": [1]}, [(2, 3, 4)])
add("elu_layer", "ELU", {"alpha": 0.7}, [(3, 6)])
add("softmax_layer", "Softmax", {"axis": 1}, [(2, 3, 4)])

# convolutions
add(
    "conv1d_same_s2",
    "Conv1D",
    {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"},
    [(2, 8, 2)],
)
add(
    "conv1d_same_d2",
    "Conv1D",
    {"filters": 3, "kernel_size": 3, "dilation_rate": 2, "padding": "same"},
    [(2, 9, 2)],
)
add(
    "conv1d_causal",
    "Conv1D",
    {"filters": 2, "kernel_size": 3, "dilation_rate": 2, "padding": "causal"},
    [(2, 7, 3)],
)
add(
    "conv1d_groups",
    "Conv1D",
    {"filters": 4, "kernel_size": 2, "groups": 2, "activation": "relu"},
    [(2, 6, 4)],
)
add(
    "conv2d_same_s2_even",
    "Conv2D",
    {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"},
    [(2, 8, 8, 2)],
)
add(
    "conv2d_same_s2_odd",
    "Conv2D",
    {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"},
    [(2, 7, 7, 2)],
)
add(
    "conv2d_same_k4_s3",
    "Conv2D",
    {"filters": 2, "kernel_size": (4, 2), "strides": (3, 2), "padding": "same"},
    [(1, 10, 7, 2)],
)
add(
    "conv2d_same_d2",
    "Conv2D",
    {"filters": 3, "kernel_size": 3, "dilation_rate": 2, "padding": "same"},
    [(2, 7, 6, 2)],
)
add(
    "conv2d_same_d_23",
    "Conv2D",
    {"filters": 2, "kernel_size": (2, 3), "dilation_rate": (2, 3), "padding": "same"},
    [(1, 8, 9, 2)],
)
add("conv2d_valid_s2", "Conv2D", {"filters": 3, "kernel_size": 3, "strides": 2}, [(2, 7, 8, 2)])
add(
    "conv2d_channels_first",
    "Conv2D",
    {
        "filters": 3,
        "kernel_size": 3,
        "strides": 2,
        "padding": "same",
        "data_format": "channels_first",
    },
    [(2, 2, 7, 6)],
)
add(
    "conv3d_same_s2",
    "Conv3D",
    {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
    [(1, 5, 6, 4, 2)],
)
add(
    "conv1d_transpose_same_s2",
    "Conv1DTranspose",
    {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
    [(2, 5, 3)],
)
add(
    "conv2d_transpose_same_s2",
    "Conv2DTranspose",
    {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"},
    [(2, 4, 5, 2)],
)
add(
    "conv2d_transpose_same_s2_k4",
    "Conv2DTranspose",
    {"filters": 2, "kernel_size": 4, "strides": 2, "padding": "same"},
    [(1, 4, 3, 2)],
)
add(
    "conv2d_transpose_valid_s2",
    "Conv2DTranspose",
    {"filters": 2, "kernel_size": 3, "strides": 2},
    [(2, 4, 3, 2)],
)
add(
    "conv2d_transpose_outpad",
    "Conv2DTranspose",
    {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same", "output_padding": 1},
    [(1, 3, 4, 2)],
)
add(
    "conv2d_transpose_d2",
    "Conv2DTranspose",
    {"filters": 2, "kernel_size": 3, "dilation_rate": 2, "padding": "same"},
    [(1, 5, 4, 2)],
)
add(
    "conv3d_transpose_same_s2",
    "Conv3DTranspose",
    {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
    [(1, 3, 4, 2, 2)],
)
add(
    "depthwise_conv1d",
    "DepthwiseConv1D",
    {"kernel_size": 3, "strides": 2, "padding": "same", "depth_multiplier": 2},
    [(2, 8, 3)],
)
add(
    "depthwise_conv2d_same_s2",
    "DepthwiseConv2D",
    {"kernel_size": 3, "strides": 2, "padding": "same", "depth_multiplier": 2},
    [(2, 7, 8, 3)],
)
add(
    "depthwise_conv2d_d2",
    "DepthwiseConv2D",
    {"kernel_size": 3, "dilation_rate": 2, "padding": "same"},
    [(1, 7, 6, 2)],
)
add(
    "separable_conv1d",
    "SeparableConv1D",
    {"filters": 4, "kernel_size": 3, "padding": "same", "depth_multiplier": 2},
    [(2, 7, 3)],
)
add(
    "separable_conv2d_same_s2",
    "SeparableConv2D",
    {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same", "depth_multiplier": 2},
    [(2, 7, 6, 3)],
)

# pooling
add(
    "maxpool1d_same_s2",
    "MaxPooling1D",
    {"pool_size": 3, "strides": 2, "padding": "same"},
    [(2, 8, 3)],
)
add("maxpool2d_valid", "MaxPooling2D", {"pool_size": 2}, [(2, 7, 6, 3)])
add(
    "maxpool2d_same_s2",
    "MaxPooling2D",
    {"pool_size": 3, "strides": 2, "padding": "same"},
    [(2, 7, 8, 2)],
)
add("maxpool3d_same", "MaxPooling3D", {"pool_size": 2, "padding": "same"}, [(1, 5, 4, 3, 2)])
add(
    "avgpool1d_same_s1",
    "AveragePooling1D",
    {"pool_size": 3, "strides": 1, "padding": "same"},
    [(2, 7, 3)],
)
add("avgpool2d_valid", "AveragePooling2D", {"pool_size": 2}, [(2, 6, 7, 3)])
add(
    "avgpool2d_same_s2",
    "AveragePooling2D",
    {"pool_size": 3, "strides": 2, "padding": "same"},
    [(2, 7, 8, 2)],
)
add(
    "avgpool2d_same_s1",
    "AveragePooling2D",
    {"pool_size": 3, "strides": 1, "padding": "same"},
    [(1, 5, 5, 2)],
)
add(
    "avgpool2d_same_p2_odd", "AveragePooling2D", {"pool_size": 2, "padding": "same"}, [(1, 5, 7, 2)]
)
add("avgpool3d_same", "AveragePooling3D", {"pool_size": 2, "padding": "same"}, [(1, 5, 4, 3, 2)])
add(
    "avgpool2d_channels_first",
    "AveragePooling2D",
    {"pool_size": 3, "strides": 2, "padding": "same", "data_format": "channels_first"},
    [(1, 2, 7, 6)],
)
for dims, shape in ((1, (2, 5, 3)), (2, (2, 4, 5, 3)), (3, (2, 3, 4, 2, 3))):
    add(f"gap{dims}d", f"GlobalAveragePooling{dims}D", {}, [shape])
    add(f"gmp{dims}d", f"GlobalMaxPooling{dims}D", {"keepdims": True}, [shape])

# normalization
add("batchnorm", "BatchNormalization", {"momentum": 0.9, "epsilon": 1e-3}, [(6, 4)], training=True)
add("batchnorm_conv_axis1", "BatchNormalization", {"axis": 1}, [(4, 3, 5, 2)], training=True)
add(
    "batchnorm_no_scale",
    "BatchNormalization",
    {"center": False, "scale": False},
    [(4, 5, 3)],
    training=True,
)
add("layernorm", "LayerNormalization", {}, [(2, 3, 6)])
add("layernorm_axes", "LayerNormalization", {"axis": [1, 2], "epsilon": 1e-5}, [(2, 3, 4)])
add("groupnorm", "GroupNormalization", {"groups": 2}, [(2, 5, 4)])
add("groupnorm_channels", "GroupNormalization", {"groups": 3, "axis": -1}, [(2, 3, 4, 6)])
add("rmsnorm", "RMSNormalization", {}, [(2, 3, 6)])
add("unitnorm", "UnitNormalization", {"axis": [1, 2]}, [(2, 3, 4)])

# reshaping
add("zeropad2d", "ZeroPadding2D", {"padding": ((1, 2), (0, 1))}, [(1, 3, 2, 2)])
add("cropping2d", "Cropping2D", {"cropping": ((1, 0), (1, 2))}, [(1, 5, 6, 2)])
add("cropping1d", "Cropping1D", {"cropping": (1, 2)}, [(2, 6, 2)])
add("upsampling1d", "UpSampling1D", {"size": 3}, [(2, 3, 2)])
add("upsampling2d_nearest", "UpSampling2D", {"size": (2, 3)}, [(1, 3, 2, 2)])
add(
    "upsampling2d_bilinear",
    "UpSampling2D",
    {"size": 2, "interpolation": "bilinear"},
    [(1, 3, 4, 2)],
)
add(
    "upsampling2d_bilinear_23",
    "UpSampling2D",
    {"size": (2, 3), "interpolation": "bilinear"},
    [(2, 4, 3, 1)],
)
add("upsampling3d", "UpSampling3D", {"size": 2}, [(1, 2, 2, 3, 1)])
add("flatten", "Flatten", {}, [(2, 3, 4)])
add("reshape", "Reshape", {"target_shape": (4, -1)}, [(2, 3, 4)])
add("permute", "Permute", {"dims": (2, 1)}, [(2, 3, 4)])
add("repeat_vector", "RepeatVector", {"n": 3}, [(2, 4)])

# merging
for merge in ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"):
    n = 2 if merge == "Subtract" else 3
    add(f"merge_{merge.lower()}", merge, {}, [(2, 4)] * n, call="list")
add("concatenate", "Concatenate", {"axis": 1}, [(2, 2, 3), (2, 3, 3)], call="list")
add("dot_axes", "Dot", {"axes": (1, 1)}, [(2, 3, 4), (2, 3, 5)], call="list")
add("dot_normalize", "Dot", {"axes": -1, "normalize": True}, [(3, 4), (3, 4)], call="list")

# preprocessing and misc
add("rescaling", "Rescaling", {"scale": 0.5, "offset": -1.0}, [(2, 4)])
add("normalization_adapt", "Normalization", {"axis": -1}, [(3, 4)], adapt=(20, 4))
add(
    "masking",
    "Masking",
    {"mask_value": 0.0},
    [{"shape": (2, 3, 2), "kind": "value", "value": [1, 2, 0, 0, 3, 0, 0, 0, 0, 0, 1, 1]}],
)

# recurrent
add("simple_rnn", "SimpleRNN", {"units": 3, "return_sequences": True}, [(2, 4, 5)])
add(
    "simple_rnn_backwards",
    "SimpleRNN",
    {"units": 3, "go_backwards": True, "return_state": True},
    [(2, 4, 5)],
)
add("lstm", "LSTM", {"units": 3}, [(2, 5, 4)])
add(
    "lstm_seq_state",
    "LSTM",
    {"units": 3, "return_sequences": True, "return_state": True},
    [(2, 5, 4)],
)
add(
    "lstm_masked",
    "LSTM",
    {"units": 3, "return_sequences": True},
    [(2, 5, 4)],
    call_arrays={
        "mask": {
            "shape": (2, 5),
            "kind": "value",
            "dtype": "bool",
            "value": [1, 1, 1, 0, 0, 1, 1, 1, 1, 1],
        }
    },
)
add("gru_reset_after", "GRU", {"units": 3, "return_sequences": True}, [(2, 5, 4)])
add(
    "gru_reset_before", "GRU", {"units": 3, "reset_after": False, "return_state": True}, [(2, 5, 4)]
)
add(
    "gru_masked",
    "GRU",
    {"units": 2},
    [(2, 4, 3)],
    call_arrays={
        "mask": {
            "shape": (2, 4),
            "kind": "value",
            "dtype": "bool",
            "value": [1, 1, 0, 0, 1, 1, 1, 1],
        }
    },
)
add(
    "bidirectional_lstm",
    "Bidirectional",
    {},
    [(2, 4, 3)],
    inner={"cls": "LSTM", "kwargs": {"units": 2, "return_sequences": True}},
)
add(
    "bidirectional_gru_sum",
    "Bidirectional",
    {"merge_mode": "sum"},
    [(2, 4, 3)],
    inner={"cls": "GRU", "kwargs": {"units": 3}},
)
add(
    "time_distributed_dense",
    "TimeDistributed",
    {},
    [(2, 3, 4)],
    inner={"cls": "Dense", "kwargs": {"units": 2}},
)

add(
    "simple_rnn_masked",
    "SimpleRNN",
    {"units": 2},
    [(2, 4, 3)],
    call_arrays={
        "mask": {
            "shape": (2, 4),
            "kind": "value",
            "dtype": "bool",
            "value": [1, 1, 1, 0, 1, 0, 1, 1],
        }
    },
)
add(
    "lstm_go_backwards",
    "LSTM",
    {"units": 2, "go_backwards": True, "return_sequences": True},
    [(2, 4, 3)],
)
add(
    "rnn_lstm_cell",
    "RNN",
    {"return_sequences": True},
    [(2, 4, 3)],
    inner={"cls": "LSTMCell", "kwargs": {"units": 3}, "arg": "cell"},
)
add(
    "rnn_gru_cell_state",
    "RNN",
    {"return_state": True},
    [(2, 4, 3)],
    inner={"cls": "GRUCell", "kwargs": {"units": 2}, "arg": "cell"},
)
add(
    "bidirectional_lstm_state",
    "Bidirectional",
    {},
    [(2, 4, 3)],
    inner={"cls": "LSTM", "kwargs": {"units": 2, "return_state": True}},
)
add(
    "time_distributed_conv2d",
    "TimeDistributed",
    {},
    [(2, 3, 5, 4, 2)],
    inner={"cls": "Conv2D", "kwargs": {"filters": 2, "kernel_size": 3, "padding": "same"}},
)

# more layouts
add(
    "conv2d_transpose_channels_first",
    "Conv2DTranspose",
    {
        "filters": 2,
        "kernel_size": 3,
        "strides": 2,
        "padding": "same",
        "data_format": "channels_first",
    },
    [(1, 2, 3, 4)],
)
add(
    "depthwise_conv2d_channels_first",
    "DepthwiseConv2D",
    {"kernel_size": 3, "strides": 2, "padding": "same", "data_format": "channels_first"},
    [(1, 2, 7, 6)],
)
add(
    "separable_conv2d_channels_first",
    "SeparableConv2D",
    {"filters": 3, "kernel_size": 3, "padding": "same", "data_format": "channels_first"},
    [(1, 2, 5, 6)],
)
add(
    "upsampling2d_bilinear_channels_first",
    "UpSampling2D",
    {"size": 2, "interpolation": "bilinear", "data_format": "channels_first"},
    [(1, 2, 3, 4)],
)
add(
    "maxpool2d_channels_first",
    "MaxPooling2D",
    {"pool_size": 3, "strides": 2, "padding": "same", "data_format": "channels_first"},
    [(1, 2, 7, 6)],
)
add("zeropad1d", "ZeroPadding1D", {"padding": (2, 1)}, [(2, 3, 2)])
add("zeropad3d", "ZeroPadding3D", {"padding": 1}, [(1, 2, 2, 2, 1)])
add("cropping3d", "Cropping3D", {"cropping": ((1, 0), (0, 1), (1, 1))}, [(1, 3, 3, 4, 2)])
add("layernorm_no_center_scale", "LayerNormalization", {"center": False, "scale": False}, [(3, 5)])
add("prelu_default", "PReLU", {}, [(2, 3, 4)])
add(
    "softmax_masked",
    "Softmax",
    {},
    [(2, 5)],
    call_arrays={
        "mask": {
            "shape": (2, 5),
            "kind": "value",
            "dtype": "bool",
            "value": [1, 1, 0, 1, 0, 0, 1, 1, 1, 1],
        }
    },
)

# attention
add(
    "mha_self",
    "MultiHeadAttention",
    {"num_heads": 2, "key_dim": 3},
    [(2, 4, 5), (2, 4, 5)],
    call="args",
)
add(
    "mha_cross_value_dim",
    "MultiHeadAttention",
    {"num_heads": 2, "key_dim": 3, "value_dim": 2, "output_shape": 6},
    [(2, 3, 5), (2, 4, 6), (2, 4, 7)],
    call="args",
)
add(
    "mha_mask",
    "MultiHeadAttention",
    {"num_heads": 3, "key_dim": 2},
    [(2, 3, 4), (2, 5, 4)],
    call="args",
    call_arrays={"attention_mask": {"shape": (2, 3, 5), "kind": "bool", "p": 0.7}},
    call_kwargs={"return_attention_scores": True},
)
add(
    "mha_causal",
    "MultiHeadAttention",
    {"num_heads": 2, "key_dim": 2},
    [(1, 4, 3), (1, 4, 3)],
    call="args",
    call_kwargs={"use_causal_mask": True},
)
add("attention_dot", "Attention", {}, [(2, 3, 4), (2, 5, 4)], call="list")
add(
    "attention_scale_concat",
    "Attention",
    {"use_scale": True, "score_mode": "concat"},
    [(2, 3, 4), (2, 5, 4), (2, 5, 4)],
    call="list",
)
add(
    "attention_causal",
    "Attention",
    {},
    [(2, 4, 3), (2, 4, 3)],
    call="list",
    call_kwargs={"use_causal_mask": True, "return_attention_scores": True},
)
add("additive_attention", "AdditiveAttention", {}, [(2, 3, 4), (2, 5, 4)], call="list")


def run_layer_case(case: LayerCase, arrays: dict, manifest: list) -> None:
    rng = rng_for(case.name)
    inputs = [make_array(rng, spec) for spec in case.inputs]
    extra = {k: make_array(rng, spec) for k, spec in case.call_arrays.items()}
    kwargs = dict(case.kwargs)
    if case.inner is not None:
        inner = getattr(keras.layers, case.inner["cls"])(**case.inner["kwargs"])
        kwargs[case.inner.get("arg", "layer")] = inner
    layer = getattr(keras.layers, case.cls)(**kwargs)
    adapt_data = None
    if case.adapt is not None:
        adapt_data = (rng.normal(size=case.adapt) * 2 + 1).astype("float32")
        layer.adapt(adapt_data)

    def call(training: bool | None) -> Any:
        if case.call == "single":
            args = (inputs[0],)
        elif case.call == "list":
            args = ([*inputs],)
        else:
            args = tuple(inputs)
        kw = dict(case.call_kwargs)
        kw.update(extra)
        if training is not None:
            kw["training"] = training
        return layer(*args, **kw)

    call(False)  # builds
    if case.adapt is None:
        weights = weight_values(rng, layer)
        layer.set_weights(weights)
    weights = [np.asarray(w) for w in layer.get_weights()]
    p = case.name + "__"
    for i, x in enumerate(inputs):
        arrays[f"{p}in{i}"] = x
    for k, v in extra.items():
        arrays[f"{p}arg_{k}"] = v
    for i, w in enumerate(weights):
        arrays[f"{p}w{i}"] = w
    if adapt_data is not None:
        arrays[f"{p}adapt"] = adapt_data
    outs = flat_outputs(call(False))
    for i, o in enumerate(outs):
        arrays[f"{p}out{i}"] = o
    n_train = 0
    if case.training:
        touts = flat_outputs(call(True))
        n_train = len(touts)
        for i, o in enumerate(touts):
            arrays[f"{p}train_out{i}"] = o
        for i, w in enumerate(layer.get_weights()):
            arrays[f"{p}train_w{i}"] = np.asarray(w)
    manifest.append(
        {
            "name": case.name,
            "class_name": case.cls,
            "config": to_json(layer.get_config()),
            "kwargs": to_json(case.kwargs),
            "inner": to_json(case.inner),
            "call": case.call,
            "call_kwargs": to_json(case.call_kwargs),
            "call_arrays": sorted(extra),
            "n_inputs": len(inputs),
            "n_weights": len(weights),
            "weight_paths": [w.path for w in layer.weights],
            "n_outputs": len(outs),
            "n_train_outputs": n_train,
            "adapt": adapt_data is not None,
        }
    )


# --------------------------------------------------------------------------------------------
# Optimizer cases: a tiny MLP trained for 12 steps (48 samples, batch 4, shuffle=False)

OPT_CASES: list[tuple[str, str, dict]] = [
    ("sgd", "SGD", {"learning_rate": 0.1}),
    ("sgd_momentum", "SGD", {"learning_rate": 0.05, "momentum": 0.9}),
    ("sgd_nesterov", "SGD", {"learning_rate": 0.05, "momentum": 0.8, "nesterov": True}),
    ("sgd_weight_decay", "SGD", {"learning_rate": 0.05, "momentum": 0.5, "weight_decay": 0.1}),
    ("adam", "Adam", {"learning_rate": 0.01}),
    ("adam_amsgrad", "Adam", {"learning_rate": 0.01, "amsgrad": True, "beta_2": 0.9}),
    ("adamw", "AdamW", {"learning_rate": 0.01, "weight_decay": 0.05}),
    ("adamax", "Adamax", {"learning_rate": 0.02}),
    ("nadam", "Nadam", {"learning_rate": 0.01}),
    ("rmsprop", "RMSprop", {"learning_rate": 0.01}),
    (
        "rmsprop_centered_momentum",
        "RMSprop",
        {"learning_rate": 0.01, "centered": True, "momentum": 0.5},
    ),
    ("adagrad", "Adagrad", {"learning_rate": 0.05}),
    ("adadelta", "Adadelta", {"learning_rate": 1.0}),
    ("adafactor", "Adafactor", {"learning_rate": 0.05}),
    (
        "ftrl",
        "Ftrl",
        {
            "learning_rate": 0.1,
            "l1_regularization_strength": 0.01,
            "l2_regularization_strength": 0.01,
        },
    ),
    (
        "ftrl_shrinkage",
        "Ftrl",
        {"learning_rate": 0.1, "l2_shrinkage_regularization_strength": 0.05, "beta": 0.5},
    ),
    ("lion", "Lion", {"learning_rate": 0.005}),
    ("lamb", "Lamb", {"learning_rate": 0.02}),
    ("sgd_clipnorm", "SGD", {"learning_rate": 0.1, "clipnorm": 0.05}),
    ("sgd_clipvalue", "SGD", {"learning_rate": 0.1, "clipvalue": 0.02}),
    ("sgd_global_clipnorm", "SGD", {"learning_rate": 0.1, "global_clipnorm": 0.1}),
    ("adam_clipnorm", "Adam", {"learning_rate": 0.01, "clipnorm": 0.1}),
    ("adam_global_clipnorm", "Adam", {"learning_rate": 0.01, "global_clipnorm": 0.2}),
    ("rmsprop_clipvalue", "RMSprop", {"learning_rate": 0.01, "clipvalue": 0.05}),
    ("adam_ema", "Adam", {"learning_rate": 0.01, "use_ema": True, "ema_momentum": 0.9}),
    (
        "sgd_grad_accum",
        "SGD",
        {"learning_rate": 0.1, "momentum": 0.5, "gradient_accumulation_steps": 3},
    ),
    ("adam_grad_accum", "Adam", {"learning_rate": 0.02, "gradient_accumulation_steps": 2}),
    (
        "nadam_grad_accum_ema",
        "Nadam",
        {
            "learning_rate": 0.02,
            "gradient_accumulation_steps": 3,
            "use_ema": True,
            "ema_momentum": 0.8,
        },
    ),
    (
        "sgd_ema_overwrite",
        "SGD",
        {"learning_rate": 0.1, "use_ema": True, "ema_momentum": 0.7, "ema_overwrite_frequency": 5},
    ),
    (
        "adamw_amsgrad_clip",
        "AdamW",
        {"learning_rate": 0.01, "weight_decay": 0.1, "amsgrad": True, "clipnorm": 0.3},
    ),
    ("lion_weight_decay", "Lion", {"learning_rate": 0.005, "beta_1": 0.8, "weight_decay": 0.5}),
    (
        "adafactor_no_relative",
        "Adafactor",
        {"learning_rate": 0.02, "relative_step": False, "clip_threshold": 0.5},
    ),
    (
        "sgd_exp_decay",
        "SGD",
        {
            "learning_rate": {
                "class_name": "ExponentialDecay",
                "config": {"initial_learning_rate": 0.2, "decay_steps": 3, "decay_rate": 0.5},
            }
        },
    ),
    (
        "adam_cosine_warmup",
        "Adam",
        {
            "learning_rate": {
                "class_name": "CosineDecay",
                "config": {
                    "initial_learning_rate": 0.0,
                    "decay_steps": 8,
                    "warmup_target": 0.02,
                    "warmup_steps": 4,
                },
            }
        },
    ),
]


def build_mlp(seed_name: str) -> tuple[keras.Model, list[np.ndarray]]:
    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(4, activation="tanh"), keras.layers.Dense(2)]
    )
    rng = rng_for(seed_name, "init")
    init = [(0.5 * rng.normal(size=tuple(w.shape))).astype("float32") for w in model.weights]
    model.set_weights(init)
    return model, init


def mlp_data(seed_name: str) -> tuple[np.ndarray, np.ndarray]:
    rng = rng_for(seed_name, "data")
    x = rng.normal(size=(48, 3)).astype("float32")
    y = np.stack([np.sin(x[:, 0]) + x[:, 1], x[:, 2] * x[:, 0]], axis=1).astype("float32")
    return x, y


def make_optimizer(cls_name: str, cfg: dict) -> keras.optimizers.Optimizer:
    cfg = dict(cfg)
    lr = cfg.get("learning_rate")
    if isinstance(lr, dict):
        cfg["learning_rate"] = getattr(keras.optimizers.schedules, lr["class_name"])(**lr["config"])
    return getattr(keras.optimizers, cls_name)(**cfg)


def run_optimizer_case(name: str, cls_name: str, cfg: dict, arrays: dict, manifest: list) -> None:
    model, init = build_mlp(name)
    x, y = mlp_data(name)
    opt = make_optimizer(cls_name, cfg)
    model.compile(optimizer=opt, loss="mse")
    model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    # With gradient accumulation, ``iterations`` counts the applied updates only.
    iterations = int(keras.ops.convert_to_numpy(opt.iterations))
    assert iterations == 12 // (cfg.get("gradient_accumulation_steps") or 1), iterations
    p = name + "__"
    arrays[p + "x"] = x
    arrays[p + "y"] = y
    for i, w in enumerate(init):
        arrays[f"{p}init{i}"] = w
    final = model.get_weights()
    for i, w in enumerate(final):
        arrays[f"{p}final{i}"] = np.asarray(w)
    n_ema = 0
    if cfg.get("use_ema"):
        # The EMA copies of the trainable weights (what SwapEMAWeights would swap in).
        ema = [
            np.asarray(keras.ops.convert_to_numpy(v)) for v in opt._model_variables_moving_average
        ]
        for i, w in enumerate(ema):
            arrays[f"{p}ema{i}"] = w
        n_ema = len(ema)
    manifest.append(
        {
            "name": name,
            "class_name": cls_name,
            "args": to_json(cfg),
            "config": to_json(keras.optimizers.serialize(opt)),
            "model": "Input(3) -> Dense(4, tanh) -> Dense(2); loss mse; batch 4; 48 samples",
            "batch_size": 4,
            "steps": 12,
            "iterations": iterations,
            "n_weights": len(init),
            "n_ema": n_ema,
        }
    )


# --------------------------------------------------------------------------------------------
# Learning-rate schedules

SCHEDULE_CASES: list[tuple[str, str, dict]] = [
    (
        "exponential",
        "ExponentialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5},
    ),
    (
        "exponential_staircase",
        "ExponentialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5, "staircase": True},
    ),
    ("piecewise", "PiecewiseConstantDecay", {"boundaries": [5, 20], "values": [0.1, 0.05, 0.01]}),
    (
        "polynomial",
        "PolynomialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 50, "end_learning_rate": 0.01, "power": 2.0},
    ),
    (
        "polynomial_cycle",
        "PolynomialDecay",
        {
            "initial_learning_rate": 0.1,
            "decay_steps": 20,
            "end_learning_rate": 0.01,
            "power": 0.5,
            "cycle": True,
        },
    ),
    (
        "inverse_time",
        "InverseTimeDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5},
    ),
    (
        "inverse_time_staircase",
        "InverseTimeDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5, "staircase": True},
    ),
    ("cosine", "CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 50, "alpha": 0.1}),
    (
        "cosine_warmup",
        "CosineDecay",
        {"initial_learning_rate": 0.0, "decay_steps": 40, "warmup_target": 0.1, "warmup_steps": 10},
    ),
    (
        "cosine_warmup_from",
        "CosineDecay",
        {
            "initial_learning_rate": 0.02,
            "decay_steps": 40,
            "alpha": 0.05,
            "warmup_target": 0.1,
            "warmup_steps": 10,
        },
    ),
    (
        "cosine_restarts",
        "CosineDecayRestarts",
        {"initial_learning_rate": 0.1, "first_decay_steps": 10},
    ),
    (
        "cosine_restarts_mul",
        "CosineDecayRestarts",
        {
            "initial_learning_rate": 0.1,
            "first_decay_steps": 8,
            "t_mul": 1.5,
            "m_mul": 0.7,
            "alpha": 0.1,
        },
    ),
]
SCHEDULE_STEPS = [0, 1, 3, 5, 9, 10, 11, 19, 20, 25, 37, 40, 49, 50, 51, 80, 100, 200]


def run_schedule_case(name: str, cls_name: str, cfg: dict, arrays: dict, manifest: list) -> None:
    sched = getattr(keras.optimizers.schedules, cls_name)(**cfg)
    steps = np.asarray(SCHEDULE_STEPS, dtype="int64")
    values = np.asarray([float(keras.ops.convert_to_numpy(sched(int(s)))) for s in steps])
    arrays[name + "__steps"] = steps
    arrays[name + "__values"] = values
    manifest.append(
        {
            "name": name,
            "class_name": cls_name,
            "args": to_json(cfg),
            "config": to_json(sched.get_config()),
        }
    )


# --------------------------------------------------------------------------------------------


def main() -> None:
    import torch

    torch.manual_seed(0)
    keras.utils.set_random_seed(0)
    only = set(sys.argv[1:])
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {
        "generated_by": "tools/keras_reference/make_fixtures.py",
        "keras_version": keras.__version__,
        "keras_backend": keras.backend.backend(),
        "backend_version": torch.__version__,
        "numpy_version": np.__version__,
        "layers": [],
        "optimizers": [],
        "schedules": [],
    }
    failures = []
    layer_arrays: dict[str, np.ndarray] = {}
    for case in C:
        if only and case.name not in only:
            continue
        try:
            run_layer_case(case, layer_arrays, manifest["layers"])
        except Exception as exc:  # report and go on: a case Keras rejects is left out
            failures.append(f"layer {case.name}: {type(exc).__name__}: {exc}")
    opt_arrays: dict[str, np.ndarray] = {}
    for name, cls_name, cfg in OPT_CASES:
        if only and name not in only:
            continue
        try:
            run_optimizer_case(name, cls_name, cfg, opt_arrays, manifest["optimizers"])
        except Exception as exc:
            failures.append(f"optimizer {name}: {type(exc).__name__}: {exc}")
    sched_arrays: dict[str, np.ndarray] = {}
    for name, cls_name, cfg in SCHEDULE_CASES:
        try:
            run_schedule_case(name, cls_name, cfg, sched_arrays, manifest["schedules"])
        except Exception as exc:
            failures.append(f"schedule {name}: {type(exc).__name__}: {exc}")
    for arrays in (layer_arrays, opt_arrays, sched_arrays):
        for key, value in arrays.items():
            assert value.dtype != object, key
    np.savez_compressed(OUT_DIR / "layers.npz", **layer_arrays)
    np.savez_compressed(OUT_DIR / "optimizers.npz", **opt_arrays)
    np.savez_compressed(OUT_DIR / "schedules.npz", **sched_arrays)
    with open(OUT_DIR / "manifest.json", "w") as fh:
        json.dump(manifest, fh, indent=1, sort_keys=False)
        fh.write("\n")
    print(
        f"keras {keras.__version__} ({keras.backend.backend()} {torch.__version__}): "
        f"{len(manifest['layers'])} layer cases, {len(manifest['optimizers'])} optimizer cases, "
        f"{len(manifest['schedules'])} schedules -> {OUT_DIR}"
    )
    for f in failures:
        print("FAILED", f)
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
