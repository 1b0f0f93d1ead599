"""The nn op family on TensorFlow.

TensorFlow's convolution and pooling kernels are channels-last (NWC/NHWC/NDHWC) on CPU, so
``channels_first`` inputs are transposed in and out. Activations and losses are written with
the same numerically stable formulas as the reference.
"""

from __future__ import annotations

import math

import numpy as np
import tensorflow as tf

from tholos.backend.common import axes as axes_args
from tholos.backend.common import conv_args, nn_args
from tholos.backend.dtypes import COMPLEX_TYPES, FLOAT_TYPES, floatx, result_type, standardize_dtype
from tholos.errors import OpInputError, UnsupportedOpError
from tholos_backend_tensorflow import _convert as C
from tholos_backend_tensorflow._convert import cast, convert, dname, static_shape

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _float(x):
    x = convert(x)
    d = C.NAMES[x.dtype]
    if d not in FLOAT_TYPES and d not in COMPLEX_TYPES:
        x = cast(x, floatx())
    return x


def _floats(*xs):
    parts = [C.weak(x) for x in xs]
    dtype = result_type(*parts)
    if dtype not in FLOAT_TYPES and dtype not in COMPLEX_TYPES:
        dtype = floatx()
    return [convert(p, dtype) for p in parts]


def _k(value, like):
    return tf.constant(value, like.dtype)


def _config(name, default):
    from tholos import config

    fn = getattr(config, name, None)
    return fn() if fn is not None else default


_data_format = conv_args.data_format


def _to_last(x, data_format):
    if data_format == "channels_first":
        nd = x.shape.rank
        return tf.transpose(x, (0, *range(2, nd), 1))
    return x


def _from_last(x, data_format):
    if data_format == "channels_first":
        nd = x.shape.rank
        return tf.transpose(x, (0, nd - 1, *range(1, nd - 1)))
    return x


_axis = axes_args.normalize_axis


# ----------------------------------------------------------------------------- activations


def relu(x):
    x = convert(x)
    if x.dtype == tf.bool:
        x = cast(x, floatx())
    if x.dtype.is_unsigned:
        return x
    return tf.nn.relu(x)


def relu6(x):
    x = convert(x)
    if x.dtype == tf.bool:
        x = cast(x, floatx())
    if x.dtype.is_floating:
        return tf.nn.relu6(x)
    return tf.clip_by_value(x, tf.zeros((), x.dtype), tf.constant(6, x.dtype))


def sigmoid(x):
    return tf.sigmoid(_float(x))


def sparse_sigmoid(x):
    x = _float(x)
    return tf.where(x <= -1, tf.zeros_like(x), tf.where(x >= 1, tf.ones_like(x), 0.5 * (x + 1)))


def softplus(x):
    x = _float(x)
    return tf.nn.softplus(x)


def softsign(x):
    return tf.nn.softsign(_float(x))


def soft_shrink(x, threshold=0.5):
    x = _float(x)
    t = _k(threshold, x)
    return tf.where(x > t, x - t, tf.where(x < -t, x + t, tf.zeros_like(x)))


def sparse_plus(x):
    x = _float(x)
    return tf.where(x <= -1, tf.zeros_like(x), tf.where(x < 1, 0.25 * tf.square(x + 1), x))


def silu(x):
    x = _float(x)
    return x * tf.sigmoid(x)


def squareplus(x, b=4):
    x = _float(x)
    return 0.5 * (x + tf.sqrt(tf.square(x) + _k(b, x)))


def log_sigmoid(x):
    x = _float(x)
    return tf.math.log_sigmoid(x)


def leaky_relu(x, negative_slope=0.2):
    x = _float(x)
    return tf.where(x >= 0, x, _k(negative_slope, x) * x)


def hard_sigmoid(x):
    x = _float(x)
    return tf.nn.relu6(x + 3) / 6


def hard_silu(x):
    x = _float(x)
    return x * hard_sigmoid(x)


def elu(x, alpha=1.0):
    x = _float(x)
    neg = tf.math.expm1(tf.where(x > 0, tf.zeros_like(x), x))
    return tf.where(x > 0, x, _k(alpha, x) * neg)


def selu(x):
    x = _float(x)
    return _SELU_SCALE * elu(x, _SELU_ALPHA)


def gelu(x, approximate=True):
    x = _float(x)
    if approximate:
        inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x * tf.square(x))
        return 0.5 * x * (1 + tf.tanh(inner))
    return 0.5 * x * (1 + tf.math.erf(x / math.sqrt(2)))


def celu(x, alpha=1.0):
    x = _float(x)
    a = _k(alpha, x)
    return tf.where(x > 0, x, a * tf.math.expm1(tf.where(x > 0, tf.zeros_like(x), x) / a))


def glu(x, axis=-1):
    x = _float(x)
    axis = _axis(axis, x.shape.rank, "glu")
    if x.shape[axis] % 2:
        raise OpInputError(
            "ops.glu: the size of `axis` must be even (it is split in two halves).",
            expected="an even size",
            received=f"shape {static_shape(x)}, axis {axis}",
        )
    first, second = tf.split(x, 2, axis=axis)
    return first * tf.sigmoid(second)


def tanh_shrink(x):
    x = _float(x)
    return x - tf.tanh(x)


def hard_tanh(x):
    x = _float(x)
    return tf.clip_by_value(x, _k(-1, x), _k(1, x))


def hard_shrink(x, threshold=0.5):
    x = _float(x)
    return tf.where(tf.abs(x) > _k(threshold, x), x, tf.zeros_like(x))


def threshold(x, threshold, default_value):
    x = _float(x)
    return tf.where(x > _k(threshold, x), x, tf.fill(tf.shape(x), _k(default_value, x)))


def softmax(x, axis=-1):
    x = _float(x)
    nd = x.shape.rank
    if nd == 0:
        return tf.ones_like(x)
    if isinstance(axis, (tuple, list)):
        axes = list(_axis(tuple(axis), nd, "softmax"))
        shift = tf.stop_gradient(tf.reduce_max(x, axis=axes, keepdims=True))
        shift = tf.where(tf.math.is_finite(shift), shift, tf.zeros_like(shift))
        e = tf.exp(x - shift)
        return e / tf.reduce_sum(e, axis=axes, keepdims=True)
    axis = _axis(axis, nd, "softmax")
    return tf.nn.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    x = _float(x)
    nd = x.shape.rank
    if nd == 0:
        return tf.zeros_like(x)
    if isinstance(axis, (tuple, list)):
        axes = list(_axis(tuple(axis), nd, "log_softmax"))
        shift = tf.stop_gradient(tf.reduce_max(x, axis=axes, keepdims=True))
        shift = tf.where(tf.math.is_finite(shift), shift, tf.zeros_like(shift))
        shifted = x - shift
        return shifted - tf.math.log(tf.reduce_sum(tf.exp(shifted), axis=axes, keepdims=True))
    axis = _axis(axis, nd, "log_softmax")
    return tf.nn.log_softmax(x, axis=axis)


def sparsemax(x, axis=-1):
    x = _float(x)
    nd = x.shape.rank
    axis = _axis(axis, nd, "sparsemax")
    raw = tf.stop_gradient(x)
    moved = tf.experimental.numpy.moveaxis(raw, axis, -1)
    ranked = -tf.sort(-moved, axis=-1)
    cumulative = tf.cumsum(ranked, axis=-1)
    n = moved.shape[-1]
    k = tf.range(1, n + 1, dtype=x.dtype)
    support = (1 + k * ranked) > cumulative
    size = tf.reduce_sum(tf.cast(support, tf.int32), axis=-1, keepdims=True)
    tau_raw = (tf.gather(cumulative, size - 1, batch_dims=nd - 1, axis=-1) - 1) / tf.cast(
        size, x.dtype
    )
    mask = tf.experimental.numpy.moveaxis(moved > tau_raw, -1, axis)
    count = tf.cast(tf.experimental.numpy.moveaxis(size, -1, axis), x.dtype)
    tau = (tf.reduce_sum(tf.where(mask, x, tf.zeros_like(x)), axis=axis, keepdims=True) - 1) / count
    return tf.where(mask, x - tau, tf.zeros_like(x))


# ----------------------------------------------------------------------------- conv / pool


_normalize_tuple = conv_args.normalize_tuple
_normalize_padding = conv_args.normalize_padding


def _conv_inputs(inputs, kernel, op):
    x, k = _floats(inputs, kernel)
    conv_args.check_kernel_rank(static_shape(x), static_shape(k), op)
    return x, k


def _check_valid_size(x, kshape, dilation, padding, op):
    if padding != "valid":
        return
    for size, kk, d in zip(static_shape(x)[1:-1], kshape, dilation):
        keff = (kk - 1) * d + 1
        if size is not None and size < keff:
            raise OpInputError(
                f"ops.{op}: the window is larger than the (unpadded) input.",
                expected=f"spatial size >= effective window {keff} with padding='valid'",
                received=f"input shape {static_shape(x)}",
            )


def _dilate_kernel(k, dilation):
    """Insert zeros between kernel taps (for strides > 1 combined with dilation > 1)."""
    nd = len(dilation)
    for axis, d in enumerate(dilation):
        if d == 1:
            continue
        size = k.shape[axis]
        moved = tf.experimental.numpy.moveaxis(k, axis, 0)
        rest = static_shape(moved)[1:]
        z = tf.zeros([size, d - 1, *rest], k.dtype)
        stacked = tf.concat([tf.expand_dims(moved, 1), z], axis=1)
        stacked = tf.reshape(stacked, [size * d, *rest])[: (size - 1) * d + 1]
        k = tf.experimental.numpy.moveaxis(stacked, 0, axis)
    del nd
    return k


def _tf_conv(x, k, strides, padding, dilation):
    """``tf.nn.convolution``, but 3D through ``conv3d`` with an explicit data format (the
    generic path leaves the attribute unset and TF's eager Conv3D gradient fails on it)."""
    if len(strides) == 3:
        if any(d > 1 for d in dilation):
            k = _dilate_kernel(k, dilation)
        return tf.nn.conv3d(x, k, strides=(1, *strides, 1), padding=padding, data_format="NDHWC")
    return tf.nn.convolution(x, k, strides=strides, padding=padding, dilations=dilation)


def _conv_last(x, k, strides, padding, dilation, op):
    nd = x.shape.rank - 2
    kshape = static_shape(k)[:nd]
    groups = conv_args.conv_groups(x.shape[-1], static_shape(k), op)
    _check_valid_size(x, kshape, dilation, padding, op)
    if any(s > 1 for s in strides) and any(d > 1 for d in dilation):
        k = _dilate_kernel(k, dilation)
        dilation = (1,) * nd
    pad = padding.upper()
    half = x.dtype in (tf.float16, tf.bfloat16)
    if half:
        dtype = x.dtype
        x, k = tf.cast(x, tf.float32), tf.cast(k, tf.float32)
    if groups > 1:
        # TF's CPU kernels lack grouped 3D convolution and every grouped-conv gradient.
        xs = tf.split(x, groups, axis=-1)
        ks = tf.split(k, groups, axis=-1)
        y = tf.concat(
            [_tf_conv(a, b, strides, pad, dilation) for a, b in zip(xs, ks)],
            axis=-1,
        )
    else:
        y = _tf_conv(x, k, strides, pad, dilation)
    return tf.cast(y, dtype) if half else y


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    x, k = _conv_inputs(inputs, kernel, "conv")
    data_format = _data_format(data_format, "conv")
    nd = x.shape.rank - 2
    strides = _normalize_tuple(strides, nd, "strides", "conv")
    dilation = _normalize_tuple(dilation_rate, nd, "dilation_rate", "conv")
    padding = _normalize_padding(padding, "conv")
    y = _conv_last(_to_last(x, data_format), k, strides, padding, dilation, "conv")
    return _from_last(y, data_format)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    x, k = _conv_inputs(inputs, kernel, "depthwise_conv")
    data_format = _data_format(data_format, "depthwise_conv")
    nd = x.shape.rank - 2
    x = _to_last(x, data_format)
    conv_args.check_depthwise_channels(x.shape[-1], static_shape(k), "depthwise_conv")
    strides = _normalize_tuple(strides, nd, "strides", "depthwise_conv")
    dilation = _normalize_tuple(dilation_rate, nd, "dilation_rate", "depthwise_conv")
    padding = _normalize_padding(padding, "depthwise_conv")
    kshape = static_shape(k)
    if nd == 1 and not (strides[0] > 1 and dilation[0] > 1):
        y = depthwise_conv(
            tf.expand_dims(x, 1),
            tf.expand_dims(k, 0),
            (1, strides[0]),
            padding,
            "channels_last",
            (1, dilation[0]),
        )
        return _from_last(tf.squeeze(y, 1), data_format)
    if (
        nd == 2
        and not (any(s > 1 for s in strides) and any(d > 1 for d in dilation))
        and (strides[0] == strides[1])
    ):
        _check_valid_size(x, kshape[:2], dilation, padding, "depthwise_conv")
        half = x.dtype in (tf.float16, tf.bfloat16)
        dtype = x.dtype
        xx, kk = (tf.cast(x, tf.float32), tf.cast(k, tf.float32)) if half else (x, k)
        y = tf.nn.depthwise_conv2d(
            xx, kk, strides=(1, *strides, 1), padding=padding.upper(), dilations=dilation
        )
        return _from_last(tf.cast(y, dtype) if half else y, data_format)
    grouped = tf.reshape(k, (*kshape[:nd], 1, kshape[-2] * kshape[-1]))
    y = _conv_last(x, grouped, strides, padding, dilation, "depthwise_conv")
    return _from_last(y, data_format)


def separable_conv(
    inputs,
    depthwise_kernel,
    pointwise_kernel,
    strides=1,
    padding="valid",
    data_format=None,
    dilation_rate=1,
):
    depthwise = depthwise_conv(
        inputs, depthwise_kernel, strides, padding, data_format, dilation_rate
    )
    return conv(depthwise, pointwise_kernel, 1, "valid", data_format, 1)


def conv_transpose(
    inputs,
    kernel,
    strides=1,
    padding="valid",
    output_padding=None,
    data_format=None,
    dilation_rate=1,
):
    op = "conv_transpose"
    x, k = _conv_inputs(inputs, kernel, op)
    data_format = _data_format(data_format, op)
    nd = x.shape.rank - 2
    strides = _normalize_tuple(strides, nd, "strides", op)
    dilation = _normalize_tuple(dilation_rate, nd, "dilation_rate", op)
    padding = _normalize_padding(padding, op)
    output_padding = conv_args.normalize_output_padding(output_padding, strides, op)
    x = _to_last(x, data_format)
    kshape = static_shape(k)[:nd]
    cout = k.shape[-2]
    conv_args.check_transpose_channels(x.shape[-1], static_shape(k), op)
    if any(d > 1 for d in dilation):
        k = _dilate_kernel(k, dilation)
        kshape = static_shape(k)[:nd]
        dilation = (1,) * nd
    spatial = static_shape(x)[1:-1]
    lengths, crops, padded = [], [], []
    for i, size in enumerate(spatial):
        s, kk = strides[i], kshape[i]
        op_i = None if output_padding is None else output_padding[i]
        length = conv_args.transpose_length(size, kk, s, 1, padding, op_i)
        total = max((size - 1) * s + kk - length, 0) if padding == "same" else 0
        before = total // 2
        extent = (size - 1) * s + kk
        lengths.append(length)
        crops.append(before)
        padded.append(max(length + total, extent, before + length))
    # A VALID transposed convolution onto the padded extent, then the crop: exact for every
    # padding/output_padding combination (TF's own SAME adjoint rejects some output sizes).
    half = x.dtype in (tf.float16, tf.bfloat16)
    dtype = x.dtype
    if half:
        x, k = tf.cast(x, tf.float32), tf.cast(k, tf.float32)
    batch = tf.shape(x)[0]
    out_shape = tf.stack([batch, *padded, cout])
    y = tf.nn.conv_transpose(x, k, out_shape, strides=strides, padding="VALID")
    index = (slice(None), *(slice(b, b + n) for b, n in zip(crops, lengths)), slice(None))
    y = y[index]
    if half:
        y = tf.cast(y, dtype)
    return _from_last(y, data_format)


def _pool(inputs, pool_size, strides, padding, data_format, op):
    x = convert(inputs)
    conv_args.check_rank(static_shape(x), op)
    nd = x.shape.rank
    data_format = _data_format(data_format, op)
    n = nd - 2
    pool = _normalize_tuple(pool_size, n, "pool_size", op)
    strides = pool if strides is None else _normalize_tuple(strides, n, "strides", op)
    padding = _normalize_padding(padding, op)
    x = _to_last(x, data_format)
    _check_valid_size(x, pool, (1,) * n, padding, op)
    return x, pool, strides, padding.upper(), data_format


def _pool_taps(x, pool, strides, padding, reduce_max):
    """Pooling as a max/sum over the window taps (strided slices): for dtypes TF's pooling
    kernels lack (float64 on CPU). Exact; differentiable."""
    n = len(pool)
    spatial = static_shape(x)[1:-1]
    pads, out = [], []
    for size, k, s in zip(spatial, pool, strides):
        if padding == "SAME":
            o = -(-size // s)
            total = max((o - 1) * s + k - size, 0)
            pads.append((total // 2, total - total // 2))
        else:
            o = (size - k) // s + 1
            pads.append((0, 0))
        out.append(o)
    if any(b or a for b, a in pads):
        fill = -np.inf if x.dtype.is_floating else x.dtype.min
        xp = tf.pad(x, [(0, 0), *pads, (0, 0)], constant_values=fill if reduce_max else 0)
    else:
        xp = x
    result = None
    for tap in np.ndindex(*pool):
        index = [slice(None)]
        for t, s, o in zip(tap, strides, out):
            index.append(slice(t, t + (o - 1) * s + 1, s))
        index.append(slice(None))
        piece = xp[tuple(index)]
        if result is None:
            result = piece
        else:
            result = tf.maximum(result, piece) if reduce_max else result + piece
    if reduce_max:
        return result
    ones = np.zeros((1, *[sz + b + a for sz, (b, a) in zip(spatial, pads)], 1))
    inner = tuple(slice(b, b + sz) for sz, (b, a) in zip(spatial, pads))
    ones[(slice(None), *inner, slice(None))] = 1
    counts = 0
    for tap in np.ndindex(*pool):
        index = [slice(None)]
        for t, s, o in zip(tap, strides, out):
            index.append(slice(t, t + (o - 1) * s + 1, s))
        index.append(slice(None))
        counts = counts + ones[tuple(index)]
    del n
    return result / tf.constant(counts, result.dtype)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    x, pool, strides, padding, data_format = _pool(
        inputs, pool_size, strides, padding, data_format, "max_pool"
    )
    if x.dtype == tf.bool:
        x = cast(x, floatx())
    d = dname(x)
    if d in ("float32", "float16", "bfloat16"):
        y = tf.nn.max_pool(x, pool, strides, padding)
    else:
        y = _pool_taps(x, pool, strides, padding, True)
    return _from_last(cast(y, d), data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    x, pool, strides, padding, data_format = _pool(
        inputs, pool_size, strides, padding, data_format, "average_pool"
    )
    x = _float(x)
    d = dname(x)
    if d == "float64":
        y = _pool_taps(x, pool, strides, padding, False)
    else:
        work = cast(x, "float32") if d in ("float16", "bfloat16") else x
        y = tf.nn.avg_pool(work, pool, strides, padding)
    return _from_last(cast(y, d), data_format)


# ----------------------------------------------------------------------------- encodings


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    if sparse:
        raise OpInputError(
            "ops.one_hot: sparse=True is not supported by the TensorFlow backend of tholos yet.",
            expected="sparse=False",
            received="sparse=True",
        )
    x = convert(x)
    if not (x.dtype.is_integer or x.dtype == tf.bool):
        if x.dtype.is_floating:
            if hasattr(x, "numpy") and np.any(np.mod(x.numpy(), 1) != 0):
                raise OpInputError(
                    "ops.one_hot: `x` must hold integer class indices.",
                    expected="an integer tensor",
                    received=f"dtype {dname(x)}",
                )
            x = tf.cast(x, tf.int64)
        else:
            raise OpInputError(
                "ops.one_hot: `x` must hold integer class indices.",
                expected="an integer tensor",
                received=f"dtype {dname(x)}",
            )
    if x.dtype not in (tf.int32, tf.int64, tf.uint8):
        x = tf.cast(x, tf.int64)
    dtype = standardize_dtype(dtype) if dtype is not None else floatx()
    axis = _axis(axis, x.shape.rank + 1, "one_hot")
    work = "float32" if dtype in ("bool", "float16", "bfloat16") else dtype
    out = tf.one_hot(x, int(num_classes), axis=axis, dtype=C.tfd(work))
    return cast(out, dtype)


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    if num_classes is None:
        num_classes = kwargs.pop("num_tokens", None)
    if num_classes is None:
        raise OpInputError(
            "ops.multi_hot: `num_classes` is required.",
            expected="an int",
            received="None",
        )
    if kwargs:
        raise OpInputError(
            "ops.multi_hot: unexpected keyword arguments.",
            expected="num_classes, axis, dtype, sparse (or the legacy num_tokens)",
            received=repr(sorted(kwargs)),
        )
    x = convert(inputs)
    hot = one_hot(x, num_classes, axis=axis, dtype="bool", sparse=sparse)
    reduce_axis = 1 if x.shape.rank > 1 else 0
    dtype = standardize_dtype(dtype) if dtype is not None else floatx()
    return cast(tf.reduce_any(hot, axis=reduce_axis), dtype)


# ----------------------------------------------------------------------------- losses


def _check_same_shape(a, b, op, names=("target", "output")):
    nn_args.check_same_shape(static_shape(a), static_shape(b), op, names)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = _floats(target, output)
    _check_same_shape(target, output, "categorical_crossentropy")
    nn_args.check_class_axis(output.shape.rank, "categorical_crossentropy")
    axis = _axis(axis, output.shape.rank, "categorical_crossentropy")
    if from_logits:
        log_prob = log_softmax(output, axis=axis)
    else:
        eps = _config("epsilon", 1e-7)
        output = output / tf.reduce_sum(output, axis=axis, keepdims=True)
        log_prob = tf.math.log(tf.clip_by_value(output, _k(eps, output), _k(1.0 - eps, output)))
    return -tf.reduce_sum(target * log_prob, axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output = _float(output)
    target = convert(target)
    squeeze, axis = nn_args.sparse_targets(
        static_shape(target), static_shape(output), axis, "sparse_categorical_crossentropy"
    )
    if squeeze:
        target = tf.squeeze(target, -1)
    if from_logits:
        log_prob = log_softmax(output, axis=axis)
    else:
        eps = _config("epsilon", 1e-7)
        output = output / tf.reduce_sum(output, axis=axis, keepdims=True)
        log_prob = tf.math.log(tf.clip_by_value(output, _k(eps, output), _k(1.0 - eps, output)))
    if not target.dtype.is_integer:
        target = tf.cast(target, tf.int64)
    elif target.dtype not in (tf.int32, tf.int64):
        target = tf.cast(target, tf.int64)
    hot = tf.one_hot(target, output.shape[axis], axis=axis, on_value=True, off_value=False)
    return -tf.reduce_sum(tf.where(hot, log_prob, tf.zeros_like(log_prob)), axis=axis)


def binary_crossentropy(target, output, from_logits=False):
    target, output = _floats(target, output)
    _check_same_shape(target, output, "binary_crossentropy")
    if from_logits:
        return -target * tf.math.log_sigmoid(output) - (1 - target) * tf.math.log_sigmoid(-output)
    eps = _config("epsilon", 1e-7)
    output = tf.clip_by_value(output, _k(eps, output), _k(1.0 - eps, output))
    return -(target * tf.math.log(output) + (1 - target) * tf.math.log(1 - output))


# ----------------------------------------------------------------------------- normalization


def _upcast_half(x):
    name = dname(x)
    if name in ("float16", "bfloat16"):
        return cast(x, "float32"), name
    return x, name


def moments(x, axes, keepdims=False, synchronized=False):
    x = _float(x)
    x, original = _upcast_half(x)
    axes = list(
        _axis(axes if isinstance(axes, (tuple, list)) else (axes,), x.shape.rank, "moments")
    )
    mean = tf.reduce_mean(x, axis=axes, keepdims=True)
    variance = tf.reduce_mean(tf.square(x - mean), axis=axes, keepdims=True)
    if not keepdims:
        mean = tf.squeeze(mean, axes)
        variance = tf.squeeze(variance, axes)
    return cast(mean, original), cast(variance, original)


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    args = [x, mean, variance] + [a for a in (offset, scale) if a is not None]
    arrays = _floats(*args)
    x, mean, variance = arrays[:3]
    rest = iter(arrays[3:])
    offset = next(rest) if offset is not None else None
    scale = next(rest) if scale is not None else None
    nd = x.shape.rank
    axis = _axis(axis, nd, "batch_normalization")

    def along(v, name):
        shape = nn_args.along_axis(static_shape(v), static_shape(x), axis, name)
        return tf.reshape(v, shape) if shape is not None and axis != nd - 1 else v

    inv = tf.math.rsqrt(along(variance, "variance") + _k(epsilon, x))
    if scale is not None:
        inv = inv * along(scale, "scale")
    y = (x - along(mean, "mean")) * inv
    if offset is not None:
        y = y + along(offset, "offset")
    return y


def normalize(x, axis=-1, order=2, epsilon=None):
    x = _float(x)
    if epsilon is None:
        epsilon = _config("epsilon", 1e-7)
    axis = _axis(axis, x.shape.rank, "normalize")
    axes = list(axis) if isinstance(axis, tuple) else axis
    if order == 2:
        norm = tf.sqrt(tf.reduce_sum(tf.square(x), axis=axes, keepdims=True))
    elif order == 1:
        norm = tf.reduce_sum(tf.abs(x), axis=axes, keepdims=True)
    elif order in (np.inf, "inf"):
        norm = tf.reduce_max(tf.abs(x), axis=axes, keepdims=True)
    elif isinstance(order, (int, float)) and order > 0:
        norm = tf.pow(
            tf.reduce_sum(tf.pow(tf.abs(x), _k(order, x)), axis=axes, keepdims=True),
            _k(1.0 / order, x),
        )
    else:
        raise OpInputError(
            "ops.normalize: unsupported `order`.",
            expected="a positive number or inf",
            received=repr(order),
        )
    return x / tf.where(norm > _k(epsilon, x), norm, tf.fill(tf.shape(norm), _k(epsilon, x)))


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    rms_scaling = kwargs.pop("rms_scaling", False)
    if kwargs:
        raise OpInputError(
            "ops.layer_normalization: unexpected keyword arguments.",
            expected="gamma, beta, axis, epsilon (rms_scaling)",
            received=repr(sorted(kwargs)),
        )
    x = _float(x)
    x, original = _upcast_half(x)
    if epsilon is None:
        epsilon = _config("epsilon", 1e-7)
    nd = x.shape.rank
    axes = list(
        _axis(axis if isinstance(axis, (tuple, list)) else (axis,), nd, "layer_normalization")
    )
    shape = [static_shape(x)[i] if i in axes else 1 for i in range(nd)]

    def param(p):
        p = convert(p, dname(x))
        return tf.reshape(p, shape) if p.shape.rank and p.shape.rank != nd else p

    if rms_scaling:
        y = x * tf.math.rsqrt(
            tf.reduce_mean(tf.square(x), axis=axes, keepdims=True) + _k(epsilon, x)
        )
    else:
        mean = tf.reduce_mean(x, axis=axes, keepdims=True)
        centred = x - mean
        variance = tf.reduce_mean(tf.square(centred), axis=axes, keepdims=True)
        y = centred * tf.math.rsqrt(variance + _k(epsilon, x))
    if gamma is not None:
        y = y * param(gamma)
    if beta is not None and not rms_scaling:
        y = y + param(beta)
    return cast(y, original)


def rms_normalization(x, scale=1, axis=-1, epsilon=None):
    x = _float(x)
    if epsilon is None:
        epsilon = _config("epsilon", 1e-7)
    nd = x.shape.rank
    axes = list(
        _axis(axis if isinstance(axis, (tuple, list)) else (axis,), nd, "rms_normalization")
    )
    y = x * tf.math.rsqrt(tf.reduce_mean(tf.square(x), axis=axes, keepdims=True) + _k(epsilon, x))
    if isinstance(scale, (int, float)):
        return y * scale
    return y * convert(scale, dname(y))


def psnr(x1, x2, max_val):
    x1, x2 = _floats(x1, x2)
    _check_same_shape(x1, x2, "psnr", ("x1", "x2"))
    mse = tf.reduce_mean(tf.square(x1 - x2))
    ln10 = math.log(10.0)
    return 20 * tf.math.log(_k(max_val, mse)) / ln10 - 10 * tf.math.log(mse) / ln10


def polar(abs_, angle):
    r, theta = _floats(abs_, angle)
    ctype = tf.complex128 if r.dtype == tf.float64 else tf.complex64
    if r.dtype in (tf.float16, tf.bfloat16):
        r, theta = tf.cast(r, tf.float32), tf.cast(theta, tf.float32)
    return (
        tf.complex(r * tf.cos(theta), r * tf.sin(theta))
        if r.dtype in (tf.float32, tf.float64)
        else tf.cast(r, ctype)
    )


# ----------------------------------------------------------------------------- CTC


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    output = _float(output)
    target = tf.cast(convert(target), tf.int32)
    target_length = tf.reshape(tf.cast(convert(target_length), tf.int32), [-1])
    output_length = tf.reshape(tf.cast(convert(output_length), tf.int32), [-1])
    if output.shape.rank != 3 or target.shape.rank != 2:
        raise OpInputError(
            "ops.ctc_loss: expected target (batch, max_label_length) and output "
            "(batch, max_time, num_classes).",
            expected="target rank 2 and output rank 3 with the same batch size",
            received=f"target shape {static_shape(target)}, output shape {static_shape(output)}",
        )
    d = dname(output)
    x = tf.cast(output, tf.float32) if d in ("float16", "bfloat16") else output
    batch, steps, classes = static_shape(x)
    labels = target.shape[1]
    blank = int(mask_index)
    log_prob = tf.nn.log_softmax(x, axis=-1)
    states = 2 * labels + 1
    # Extended labels: blank, l1, blank, l2, ..., blank.
    ext = tf.reshape(
        tf.concat([tf.fill([tf.shape(target)[0], labels, 1], blank), target[..., None]], -1),
        [-1, 2 * labels],
    )
    ext = tf.concat([ext, tf.fill([tf.shape(target)[0], 1], blank)], 1)
    emit = tf.gather(log_prob, ext, axis=2, batch_dims=1)  # (B, T, S)
    skip = tf.concat(
        [
            tf.zeros_like(ext[:, :2], tf.bool),
            tf.not_equal(ext[:, 2:], blank) & tf.not_equal(ext[:, 2:], ext[:, :-2]),
        ],
        1,
    )
    neg = tf.constant(-1e30, x.dtype)
    state_idx = tf.range(states)[None, :]
    start = tf.equal(state_idx, 0) | (tf.equal(state_idx, 1) & (target_length[:, None] > 0))
    alpha = tf.where(start, emit[:, 0, :], neg)
    pad1 = tf.fill([tf.shape(x)[0], 1], neg)
    pad2 = tf.fill([tf.shape(x)[0], 2], neg)

    def lse(a, b):
        m = tf.maximum(a, b)
        return m + tf.math.log(tf.exp(a - m) + tf.exp(b - m))

    for t in range(1, steps):
        prev1 = tf.concat([pad1, alpha[:, :-1]], axis=1)
        prev2 = tf.where(skip, tf.concat([pad2, alpha[:, :-2]], axis=1), neg)
        total = lse(lse(alpha, prev1), prev2) + emit[:, t, :]
        alpha = tf.where((t < output_length)[:, None], total, alpha)
    ends = tf.equal(state_idx, 2 * target_length[:, None]) | tf.equal(
        state_idx, tf.maximum(2 * target_length[:, None] - 1, 0)
    )
    final = tf.where(ends, alpha, neg)
    top = tf.stop_gradient(tf.reduce_max(final, axis=1, keepdims=True))
    loss = -(tf.math.log(tf.reduce_sum(tf.exp(final - top), axis=1)) + top[:, 0])
    del batch, classes
    return cast(loss, d)


def ctc_decode(
    inputs,
    sequence_lengths,
    strategy="greedy",
    beam_width=100,
    top_paths=1,
    merge_repeated=True,
    mask_index=0,
):
    x = _float(inputs)
    lengths = tf.reshape(tf.cast(convert(sequence_lengths), tf.int32), [-1])
    if x.shape.rank != 3:
        raise OpInputError(
            "ops.ctc_decode: `inputs` must be (batch, max_time, num_classes).",
            expected="rank 3",
            received=f"shape {static_shape(x)}",
        )
    if strategy == "beam_search":
        return _ctc_beam(x, lengths, beam_width, top_paths, mask_index)
    if strategy != "greedy":
        raise UnsupportedOpError(
            f"ops.ctc_decode: unknown strategy {strategy!r}.",
            expected='"greedy" or "beam_search"',
            received=repr(strategy),
        )
    steps = tf.shape(x)[1]
    blank = int(mask_index) if mask_index is not None else x.shape[-1] - 1
    best = tf.argmax(x, axis=-1, output_type=tf.int32)
    score = tf.reduce_max(x, axis=-1)
    valid = tf.range(steps)[None, :] < lengths[:, None]
    best = tf.where(valid, best, blank)
    score = tf.where(valid, score, tf.zeros_like(score))
    keep = tf.not_equal(best, blank)
    if merge_repeated:
        repeat = tf.concat([tf.zeros_like(keep[:, :1]), tf.equal(best[:, 1:], best[:, :-1])], 1)
        keep = keep & tf.logical_not(repeat)
    # Compact each row: kept entries first, in order.
    order = tf.argsort(tf.cast(tf.logical_not(keep), tf.int32), axis=1, stable=True)
    compact = tf.gather(best, order, batch_dims=1)
    kept_sorted = tf.gather(keep, order, batch_dims=1)
    decoded = tf.where(kept_sorted, compact, -tf.ones_like(compact))
    log_probs = -tf.reduce_sum(score, axis=1, keepdims=True)
    return decoded[None], log_probs


def _ctc_beam(x, lengths, beam_width, top_paths, mask_index):
    classes = x.shape[-1]
    blank = int(mask_index) if mask_index is not None else classes - 1
    # TF's decoder wants the blank last: rotate the class axis.
    perm = [c for c in range(classes) if c != blank] + [blank]
    logits = tf.gather(tf.nn.log_softmax(x, axis=-1), perm, axis=-1)
    decoded, log_probs = tf.nn.ctc_beam_search_decoder(
        tf.transpose(logits, (1, 0, 2)), lengths, beam_width=beam_width, top_paths=top_paths
    )
    back = tf.constant(perm[:-1], tf.int64)
    steps = tf.shape(x)[1]
    batch = tf.shape(x)[0]
    paths = []
    for sp in decoded:
        dense = tf.sparse.to_dense(
            tf.SparseTensor(sp.indices, tf.gather(back, sp.values), sp.dense_shape),
            default_value=-1,
        )
        pad = steps - tf.shape(dense)[1]
        dense = tf.pad(dense, [[0, batch - tf.shape(dense)[0]], [0, pad]], constant_values=-1)
        paths.append(tf.cast(dense, tf.int32))
    return tf.stack(paths), cast(log_probs, dname(x))


# ----------------------------------------------------------------------------- attention


def dot_product_attention(
    query,
    key,
    value,
    bias=None,
    mask=None,
    scale=None,
    is_causal=False,
    flash_attention=None,
    attn_logits_soft_cap=None,
):
    op = "dot_product_attention"
    if flash_attention:
        raise OpInputError(
            f"ops.{op}: flash attention is not available in the TensorFlow backend.",
            expected="flash_attention=None or False",
            received=repr(flash_attention),
        )
    q, k, v = _floats(query, key, value)
    squeeze = q.shape.rank == 3
    if squeeze:
        q, k, v = (tf.expand_dims(a, 0) for a in (q, k, v))
    if q.shape.rank != 4 or k.shape.rank != 4 or v.shape.rank != 4:
        raise OpInputError(
            f"ops.{op}: query, key and value must be (batch, length, heads, head_dim).",
            expected="rank 4 (or rank 3 without batch)",
            received=f"{static_shape(q)}, {static_shape(k)}, {static_shape(v)}",
        )
    qs, ks, vs = static_shape(q), static_shape(k), static_shape(v)
    heads, kv_heads = qs[2], ks[2]
    if ks[:3] != vs[:3] or heads % kv_heads or qs[-1] != ks[-1]:
        raise OpInputError(
            f"ops.{op}: incompatible query/key/value shapes.",
            expected="key and value of equal (batch, length, heads), query heads a multiple "
            "of key heads, equal head_dim for query and key",
            received=f"{qs}, {ks}, {vs}",
        )
    if kv_heads != heads:
        k = tf.repeat(k, heads // kv_heads, axis=2)
        v = tf.repeat(v, heads // kv_heads, axis=2)
    compute, original = _upcast_half(q)
    k, v = cast(k, dname(compute)), cast(v, dname(compute))
    if scale is None:
        scale = 1.0 / math.sqrt(qs[-1])
    logits = tf.einsum("btnh,bsnh->bnts", compute, k) * _k(scale, compute)
    if attn_logits_soft_cap is not None:
        cap = _k(attn_logits_soft_cap, compute)
        logits = cap * tf.tanh(logits / cap)
    if bias is not None:
        logits = logits + convert(bias, dname(compute))
    allowed = None
    if mask is not None:
        allowed = tf.cast(convert(mask), tf.bool)
    if is_causal:
        steps, sources = qs[1], ks[1]
        causal = tf.constant(np.tril(np.ones((steps, sources), bool)))
        allowed = causal if allowed is None else (allowed & causal)
    if allowed is not None:
        big = logits.dtype.min
        logits = tf.where(allowed, logits, tf.constant(big, logits.dtype))
    weights = tf.nn.softmax(logits, axis=-1)
    out = tf.einsum("bnts,bsnh->btnh", weights, v)
    out = cast(out, original)
    return out[0] if squeeze else out


__all__ = C.guard_module(globals())
