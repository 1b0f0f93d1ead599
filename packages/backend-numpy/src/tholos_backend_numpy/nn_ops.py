"""The nn op family of the NumPy backend (see :class:`tholos.backend.contract.nn_ops.NNOps`).

Written with ``autograd.numpy`` so the trainer can differentiate every op. Convolution and
pooling go through :mod:`tholos_backend_numpy._windows` (strided windows + BLAS matmul, with
adjoint primitives for the backward pass). Internally everything is channels-last.
"""

from __future__ import annotations

import math

import autograd.numpy as anp
import numpy as np
from autograd.extend import defvjp, primitive
from autograd.tracer import getval

from tholos.backend.common import axes as axes_args
from tholos.backend.common import conv_args, nn_args
from tholos.backend.dtypes import (
    COMPLEX_TYPES,
    FLOAT_TYPES,
    floatx,
    result_type,
    standardize_dtype,
)
from tholos.errors import OpInputError
from tholos_backend_numpy._convert import cast, dtype_name, to_array
from tholos_backend_numpy._windows import (
    Geometry,
    col2im,
    im2col,
    normalize_padding,
    normalize_tuple,
    plan,
    select,
    window_max,
)

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


# ----------------------------------------------------------------------------- helpers


def _float(x):
    """``x`` as an array of a float dtype (ints and bools become ``floatx()``)."""
    x = to_array(x)
    if dtype_name(x) not in FLOAT_TYPES and dtype_name(x) not in COMPLEX_TYPES:
        x = cast(x, floatx())
    return x


def _floats(*xs):
    """Convert to arrays of one common float dtype (per tholos' promotion table)."""
    arrays = [x if isinstance(x, (bool, int, float)) else to_array(x) for x in xs]
    dtype = result_type(*arrays)
    if dtype not in FLOAT_TYPES and dtype not in COMPLEX_TYPES:
        dtype = floatx()
    return [
        cast(to_array(a) if not isinstance(a, (bool, int, float)) else np.asarray(a), dtype)
        for a in arrays
    ]


def _const(value, like):
    """A 0-d constant of ``like``'s dtype (0-d arrays are not weak in NumPy promotion)."""
    return np.asarray(value, dtype=getval(like).dtype)


def _config(name: str, default):
    try:
        from tholos import config
    except ImportError:  # pragma: no cover - config not built yet
        return default
    fn = getattr(config, name, None)
    return fn() if fn is not None else default


_data_format = conv_args.data_format


def _to_last(x, data_format):
    if data_format == "channels_first":
        return anp.transpose(x, (0, *range(2, x.ndim), 1))
    return x


def _from_last(x, data_format):
    if data_format == "channels_first":
        return anp.transpose(x, (0, x.ndim - 1, *range(1, x.ndim - 1)))
    return x


_axis = axes_args.normalize_axis


def _stop(x):
    """The raw value of ``x`` (no gradient flows through it)."""
    return getval(x)


# ----------------------------------------------------------------------------- activations


def relu(x):
    x = to_array(x)
    if dtype_name(x) == "bool":
        x = cast(x, floatx())
    return select(x > 0, x, 0)


def relu6(x):
    x = to_array(x)
    if dtype_name(x) == "bool":
        x = cast(x, floatx())
    return select(x > 0, select(x < 6, x, 6), 0)


def sigmoid(x):
    x = _float(x)
    positive = x >= 0
    e = anp.exp(select(positive, -x, x))  # exp(-|x|), never overflows
    return select(positive, 1 / (1 + e), e / (1 + e))


def sparse_sigmoid(x):
    x = _float(x)
    return select(x <= -1, 0, select(x >= 1, 1, 0.5 * (x + 1)))


def softplus(x):
    x = _float(x)
    return anp.logaddexp(_const(0, x), x)


def softsign(x):
    x = _float(x)
    return x / (1 + anp.abs(x))


def soft_shrink(x, threshold=0.5):
    x = _float(x)
    return select(x > threshold, x - threshold, select(x < -threshold, x + threshold, 0))


def sparse_plus(x):
    x = _float(x)
    return select(x <= -1, 0, select(x < 1, 0.25 * anp.square(x + 1), x))


def silu(x):
    x = _float(x)
    return x * sigmoid(x)


def squareplus(x, b=4):
    x = _float(x)
    return 0.5 * (x + anp.sqrt(anp.square(x) + _const(b, x)))


def log_sigmoid(x):
    x = _float(x)
    return -softplus(-x)


def leaky_relu(x, negative_slope=0.2):
    x = _float(x)
    return select(x >= 0, x, negative_slope * x)


def hard_sigmoid(x):
    x = _float(x)
    return relu6(x + 3) / 6


def hard_silu(x):
    x = _float(x)
    return x * hard_sigmoid(x)


def elu(x, alpha=1.0):
    x = _float(x)
    negative = anp.expm1(select(x > 0, 0, x))
    return select(x > 0, x, alpha * negative)


def selu(x):
    x = _float(x)
    return _SELU_SCALE * elu(x, _SELU_ALPHA)


def _erf_raw(x):
    return np.frompyfunc(math.erf, 1, 1)(x).astype(x.dtype)


@primitive
def _erf(x):
    return _erf_raw(x)


defvjp(_erf, lambda ans, x: lambda g: g * (2 / math.sqrt(math.pi)) * anp.exp(-anp.square(x)))


def gelu(x, approximate=True):
    x = _float(x)
    if approximate:
        inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x * anp.square(x))
        return 0.5 * x * (1 + anp.tanh(inner))
    return 0.5 * x * (1 + _erf(x / math.sqrt(2)))


def celu(x, alpha=1.0):
    x = _float(x)
    return select(x > 0, x, alpha * anp.expm1(select(x > 0, 0, x) / alpha))


def glu(x, axis=-1):
    x = _float(x)
    axis = _axis(axis, x.ndim, "glu")
    if x.shape[axis] % 2:
        raise OpInputError(
            "ops.glu: the size of `axis` must be even (it is split in two halves).",
            expected="an even size",
            received=f"shape {x.shape}, axis {axis}",
        )
    half = x.shape[axis] // 2
    lead = (slice(None),) * axis  # basic slicing: differentiable (autograd has no VJP for take)
    first = x[lead + (slice(0, half),)]
    second = x[lead + (slice(half, 2 * half),)]
    return first * sigmoid(second)


def tanh_shrink(x):
    x = _float(x)
    return x - anp.tanh(x)


def hard_tanh(x):
    x = _float(x)
    return select(x < -1, -1, select(x > 1, 1, x))


def hard_shrink(x, threshold=0.5):
    x = _float(x)
    return select(anp.abs(_stop(x)) > threshold, x, 0)


def threshold(x, threshold, default_value):
    x = _float(x)
    return select(x > threshold, x, default_value)


def softmax(x, axis=-1):
    x = _float(x)
    if x.ndim == 0:
        return np.ones_like(getval(x))
    axis = _axis(axis, x.ndim, "softmax")
    shift = np.max(_stop(x), axis=axis, keepdims=True)
    shift = np.where(np.isfinite(shift), shift, 0)
    e = anp.exp(x - shift)
    return e / anp.sum(e, axis=axis, keepdims=True)


def log_softmax(x, axis=-1):
    x = _float(x)
    if x.ndim == 0:
        return np.zeros_like(getval(x))
    axis = _axis(axis, x.ndim, "log_softmax")
    shift = np.max(_stop(x), axis=axis, keepdims=True)
    shift = np.where(np.isfinite(shift), shift, 0)
    shifted = x - shift
    return shifted - anp.log(anp.sum(anp.exp(shifted), axis=axis, keepdims=True))


def sparsemax(x, axis=-1):
    x = _float(x)
    axis = _axis(axis, x.ndim, "sparsemax")
    raw = np.moveaxis(_stop(x), axis, -1)
    ranked = -np.sort(-raw, axis=-1)
    cumulative = np.cumsum(ranked, axis=-1)
    k = np.arange(1, raw.shape[-1] + 1, dtype=raw.dtype)
    support = (1 + k * ranked) > cumulative
    size = np.sum(support, axis=-1, keepdims=True)
    tau_raw = (np.take_along_axis(cumulative, size - 1, axis=-1) - 1) / size
    mask = np.moveaxis(raw > tau_raw, -1, axis)  # the support, in x's layout
    count = np.moveaxis(size, -1, axis).astype(raw.dtype)
    tau = (anp.sum(select(mask, x, 0), axis=axis, keepdims=True) - 1) / count
    return select(mask, x - tau, 0)


# ----------------------------------------------------------------------------- conv / pool


def _conv_inputs(inputs, kernel, op):
    x, k = _floats(inputs, kernel)
    conv_args.check_kernel_rank(x.shape, k.shape, op)
    return x, k


def _conv_last(x, k, strides, padding, dilation, op):
    """Grouped N-d correlation, channels-last: x (B, *S, C), k (*K, C // groups, O)."""
    nd = x.ndim - 2
    kshape = tuple(k.shape[:nd])
    cin, cout = k.shape[-2], k.shape[-1]
    channels = x.shape[-1]
    groups = conv_args.conv_groups(channels, k.shape, op)
    pads, geom = plan(x.shape[1:-1], kshape, strides, dilation, padding, op)
    if any(b or a for b, a in pads):
        x = anp.pad(x, [(0, 0), *pads, (0, 0)], "constant")
    cols = im2col(x, geom)  # (B, *out, *K, C)
    batch, taps = x.shape[0], math.prod(kshape)
    rows = batch * math.prod(geom.out)
    if groups == 1:
        y = anp.matmul(
            anp.reshape(cols, (rows, taps * channels)), anp.reshape(k, (taps * cin, cout))
        )
        return anp.reshape(y, (batch, *geom.out, cout))
    og = cout // groups
    cols = anp.reshape(cols, (rows, taps, groups, cin))
    cols = anp.reshape(anp.transpose(cols, (2, 0, 1, 3)), (groups, rows, taps * cin))
    kk = anp.reshape(k, (taps, cin, groups, og))
    kk = anp.reshape(anp.transpose(kk, (2, 0, 1, 3)), (groups, taps * cin, og))
    y = anp.matmul(cols, kk)  # (G, rows, og)
    return anp.reshape(anp.transpose(y, (1, 0, 2)), (batch, *geom.out, cout))


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    x, k = _conv_inputs(inputs, kernel, "conv")
    data_format = _data_format(data_format, "conv")
    nd = x.ndim - 2
    strides = normalize_tuple(strides, nd, "strides", "conv")
    dilation = normalize_tuple(dilation_rate, nd, "dilation_rate", "conv")
    padding = normalize_padding(padding, "conv")
    y = _conv_last(_to_last(x, data_format), k, strides, padding, dilation, "conv")
    return _from_last(y, data_format)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    x, k = _conv_inputs(inputs, kernel, "depthwise_conv")
    data_format = _data_format(data_format, "depthwise_conv")
    nd = x.ndim - 2
    x = _to_last(x, data_format)
    conv_args.check_depthwise_channels(x.shape[-1], k.shape, "depthwise_conv")
    strides = normalize_tuple(strides, nd, "strides", "depthwise_conv")
    dilation = normalize_tuple(dilation_rate, nd, "dilation_rate", "depthwise_conv")
    padding = normalize_padding(padding, "depthwise_conv")
    grouped = anp.reshape(k, (*k.shape[:nd], 1, k.shape[-2] * k.shape[-1]))
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
    nd = x.ndim - 2
    strides = normalize_tuple(strides, nd, "strides", op)
    dilation = normalize_tuple(dilation_rate, nd, "dilation_rate", op)
    padding = normalize_padding(padding, op)
    output_padding = conv_args.normalize_output_padding(output_padding, strides, op)
    x = _to_last(x, data_format)
    kshape = tuple(k.shape[:nd])
    cout, cin = k.shape[-2], k.shape[-1]
    conv_args.check_transpose_channels(x.shape[-1], k.shape, op)
    spatial = x.shape[1:-1]
    lengths, crops, padded = [], [], []
    # The adjoint of the TF-style convolution mapping `length` -> `size`.
    for length, before, total, extent in conv_args.transpose_plan(
        spatial, kshape, strides, dilation, padding, output_padding
    ):
        lengths.append(length)
        crops.append(before)
        padded.append(max(length + total, extent, before + length))
    geom = Geometry(tuple(padded), kshape, strides, dilation, tuple(spatial))
    batch, taps = x.shape[0], math.prod(kshape)
    rows = batch * math.prod(spatial)
    cols = anp.matmul(
        anp.reshape(x, (rows, cin)), anp.transpose(anp.reshape(k, (taps * cout, cin)))
    )
    y = col2im(anp.reshape(cols, (batch, *spatial, *kshape, cout)), geom)
    index = (slice(None), *tuple(slice(b, b + n) for b, n in zip(crops, lengths)), slice(None))
    return _from_last(y[index], data_format)


def _pool(inputs, pool_size, strides, padding, data_format, op):
    x = to_array(inputs)
    conv_args.check_rank(x.shape, op)
    data_format = _data_format(data_format, op)
    nd = x.ndim - 2
    pool = normalize_tuple(pool_size, nd, "pool_size", op)
    strides = pool if strides is None else normalize_tuple(strides, nd, "strides", op)
    padding = normalize_padding(padding, op)
    x = _to_last(x, data_format)
    pads, geom = plan(x.shape[1:-1], pool, strides, (1,) * nd, padding, op)
    return x, pads, geom, data_format


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    x, pads, geom, data_format = _pool(inputs, pool_size, strides, padding, data_format, "max_pool")
    if dtype_name(x) == "bool":
        x = cast(x, floatx())
    if any(b or a for b, a in pads):
        dtype = getval(x).dtype
        low = -np.inf if dtype.kind in "fc" else np.iinfo(dtype).min
        x = anp.pad(x, [(0, 0), *pads, (0, 0)], "constant", constant_values=low)
    cols = im2col(x, geom)
    batch, channels = x.shape[0], x.shape[-1]
    cols = anp.reshape(cols, (batch, *geom.out, math.prod(geom.kernel), channels))
    return _from_last(window_max(cols), data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    x, pads, geom, data_format = _pool(
        inputs, pool_size, strides, padding, data_format, "average_pool"
    )
    x = _float(x)
    batch, channels = x.shape[0], x.shape[-1]
    taps = math.prod(geom.kernel)
    padded = any(b or a for b, a in pads)
    if padded:
        x = anp.pad(x, [(0, 0), *pads, (0, 0)], "constant")
    cols = anp.reshape(im2col(x, geom), (batch, *geom.out, taps, channels))
    total = anp.sum(cols, axis=-2)
    if not padded:
        return _from_last(total / _const(taps, total), data_format)
    ones = np.zeros((1, *geom.padded, 1), getval(total).dtype)
    inner = tuple(slice(b, n - a) for (b, a), n in zip(pads, geom.padded))
    ones[(slice(None), *inner, slice(None))] = 1
    counts = np.sum(im2col(ones, geom).reshape(1, *geom.out, taps, 1), axis=-2)
    return _from_last(total / counts, data_format)


# ----------------------------------------------------------------------------- encodings


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    if sparse:
        raise OpInputError(
            "ops.one_hot: sparse=True is not supported by the numpy backend.",
            expected="sparse=False",
            received="sparse=True",
            hint="Use a backend with sparse tensors (TensorFlow, JAX) or sparse=False.",
        )
    x = np.asarray(getval(to_array(x)))
    if x.dtype.kind not in "iub":
        if x.dtype.kind == "f" and np.all(np.mod(x, 1) == 0):
            x = x.astype("int64")
        else:
            raise OpInputError(
                "ops.one_hot: `x` must hold integer class indices.",
                expected="an integer tensor",
                received=f"dtype {x.dtype}",
            )
    num_classes = int(num_classes)
    dtype = standardize_dtype(dtype) if dtype is not None else floatx()
    out_ndim = x.ndim + 1
    axis = _axis(axis, out_ndim, "one_hot")
    hot = x[..., None] == np.arange(num_classes)
    return np.moveaxis(hot, -1, axis).astype(dtype)


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
    x = np.asarray(getval(to_array(inputs)))
    hot = one_hot(x, num_classes, axis=axis, dtype="bool", sparse=sparse)
    reduce_axis = 1 if x.ndim > 1 else 0
    dtype = standardize_dtype(dtype) if dtype is not None else floatx()
    return np.any(hot, axis=reduce_axis).astype(dtype)


# ----------------------------------------------------------------------------- losses


def _check_same_shape(a, b, op, names=("target", "output")):
    nn_args.check_same_shape(a.shape, b.shape, op, names)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = _floats(target, output)
    _check_same_shape(target, output, "categorical_crossentropy")
    nn_args.check_class_axis(output.ndim, "categorical_crossentropy")
    axis = _axis(axis, output.ndim, "categorical_crossentropy")
    if from_logits:
        log_prob = log_softmax(output, axis=axis)
    else:
        eps = _config("epsilon", 1e-7)
        output = output / anp.sum(output, axis=axis, keepdims=True)
        log_prob = anp.log(anp.clip(output, eps, 1.0 - eps))
    return -anp.sum(target * log_prob, axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output = _float(output)
    target = np.asarray(getval(to_array(target)))
    squeeze, axis = nn_args.sparse_targets(
        target.shape, output.shape, axis, "sparse_categorical_crossentropy"
    )
    if squeeze:
        target = target[..., 0]
    if from_logits:
        log_prob = log_softmax(output, axis=axis)
    else:
        eps = _config("epsilon", 1e-7)
        output = output / anp.sum(output, axis=axis, keepdims=True)
        log_prob = anp.log(anp.clip(output, eps, 1.0 - eps))
    hot = one_hot(target.astype("int64"), output.shape[axis], axis=axis, dtype="bool")
    return -anp.sum(select(hot, log_prob, 0), axis=axis)


def binary_crossentropy(target, output, from_logits=False):
    target, output = _floats(target, output)
    _check_same_shape(target, output, "binary_crossentropy")
    if from_logits:
        return -target * log_sigmoid(output) - (1 - target) * log_sigmoid(-output)
    eps = _config("epsilon", 1e-7)
    output = anp.clip(output, eps, 1.0 - eps)
    return -(target * anp.log(output) + (1 - target) * anp.log(1 - output))


# ----------------------------------------------------------------------------- normalization


def _upcast_half(x):
    name = dtype_name(x)
    if name in ("float16", "bfloat16"):
        return cast(x, "float32"), name
    return x, name


def moments(x, axes, keepdims=False, synchronized=False):
    x = _float(x)
    x, original = _upcast_half(x)
    axes = _axis(axes if isinstance(axes, (tuple, list)) else (axes,), x.ndim, "moments")
    mean = anp.mean(x, axis=axes, keepdims=True)
    variance = anp.mean(anp.square(x - mean), axis=axes, keepdims=True)
    if not keepdims:
        mean = anp.squeeze(mean, axis=axes)
        variance = anp.squeeze(variance, axis=axes)
    return cast(mean, original), cast(variance, original)


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    args = [x, mean, variance] + [a for a in (offset, scale) if a is not None]
    arrays = _floats(*args)
    x, mean, variance = arrays[:3]
    rest = iter(arrays[3:])
    offset = next(rest) if offset is not None else None
    scale = next(rest) if scale is not None else None
    axis = _axis(axis, x.ndim, "batch_normalization")

    def along(v, name):
        shape = nn_args.along_axis(v.shape, x.shape, axis, name)
        return v if shape is None else anp.reshape(v, shape)

    inv = 1 / anp.sqrt(along(variance, "variance") + _const(epsilon, x))
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
    axis = _axis(axis, x.ndim, "normalize")
    if order == 2:
        norm = anp.sqrt(anp.sum(anp.square(x), axis=axis, keepdims=True))
    elif order == 1:
        norm = anp.sum(anp.abs(x), axis=axis, keepdims=True)
    elif order in (np.inf, "inf"):
        norm = anp.max(anp.abs(x), axis=axis, keepdims=True)
    elif isinstance(order, (int, float)) and order > 0:
        norm = anp.sum(anp.abs(x) ** order, axis=axis, keepdims=True) ** (1.0 / order)
    else:
        raise OpInputError(
            "ops.normalize: unsupported `order`.",
            expected="a positive number or inf",
            received=repr(order),
        )
    return x / select(norm > epsilon, norm, _const(epsilon, x))


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
    axes = _axis(
        axis if isinstance(axis, (tuple, list)) else (axis,), x.ndim, "layer_normalization"
    )
    shape = [x.shape[i] if i in axes else 1 for i in range(x.ndim)]

    def param(p):
        p = cast(to_array(p), dtype_name(x))
        return anp.reshape(p, shape) if p.ndim and p.ndim != x.ndim else p

    if rms_scaling:
        y = x / anp.sqrt(anp.mean(anp.square(x), axis=axes, keepdims=True) + _const(epsilon, x))
    else:
        mean = anp.mean(x, axis=axes, keepdims=True)
        centred = x - mean
        variance = anp.mean(anp.square(centred), axis=axes, keepdims=True)
        y = centred / anp.sqrt(variance + _const(epsilon, x))
    if gamma is not None:
        y = y * param(gamma)
    if beta is not None and not rms_scaling:
        y = y + param(beta)
    return cast(y, original)


def rms_normalization(x, scale=1, axis=-1, epsilon=None):
    x = _float(x)
    if epsilon is None:
        epsilon = _config("epsilon", 1e-7)
    axes = _axis(axis if isinstance(axis, (tuple, list)) else (axis,), x.ndim, "rms_normalization")
    y = x / anp.sqrt(anp.mean(anp.square(x), axis=axes, keepdims=True) + _const(epsilon, x))
    if isinstance(scale, (int, float)):
        return y * scale
    return y * cast(to_array(scale), dtype_name(y))


def psnr(x1, x2, max_val):
    x1, x2 = _floats(x1, x2)
    _check_same_shape(x1, x2, "psnr", ("x1", "x2"))
    mse = anp.mean(anp.square(x1 - x2))
    return 20 * anp.log10(_const(max_val, mse)) - 10 * anp.log10(mse)


def polar(abs_, angle):
    r, theta = _floats(abs_, angle)
    return r * (anp.cos(theta) + 1j * anp.sin(theta))


# ----------------------------------------------------------------------------- CTC


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    output = _float(output)
    target = np.asarray(getval(to_array(target))).astype("int64")
    target_length = np.asarray(getval(to_array(target_length))).astype("int64").reshape(-1)
    output_length = np.asarray(getval(to_array(output_length))).astype("int64").reshape(-1)
    if output.ndim != 3 or target.ndim != 2 or target.shape[0] != output.shape[0]:
        raise OpInputError(
            "ops.ctc_loss: expected target (batch, max_label_length) and output "
            "(batch, max_time, num_classes).",
            expected="target rank 2 and output rank 3 with the same batch size",
            received=f"target shape {tuple(target.shape)}, output shape {tuple(output.shape)}",
        )
    batch, steps, classes = output.shape
    labels = target.shape[1]
    blank = int(mask_index)
    log_prob = log_softmax(output, axis=-1)
    states = 2 * labels + 1
    extended = np.full((batch, states), blank, dtype="int64")
    extended[:, 1::2] = target
    hot = (extended[..., None] == np.arange(classes)).astype(getval(log_prob).dtype)
    emit = anp.einsum("btc,bsc->bts", log_prob, hot)  # (B, T, S)
    skip = np.zeros((batch, states), bool)
    skip[:, 2:] = (extended[:, 2:] != blank) & (extended[:, 2:] != extended[:, :-2])
    neg = _const(-1e30, log_prob)
    start = np.zeros((batch, states), bool)
    start[:, 0] = True
    start[:, 1] = target_length > 0
    alpha = select(start, emit[:, 0, :], neg)
    pad1 = np.full((batch, 1), getval(neg))
    pad2 = np.full((batch, 2), getval(neg))
    for t in range(1, steps):
        prev1 = anp.concatenate([pad1, alpha[:, :-1]], axis=1)
        prev2 = select(skip, anp.concatenate([pad2, alpha[:, :-2]], axis=1), neg)
        total = anp.logaddexp(anp.logaddexp(alpha, prev1), prev2) + emit[:, t, :]
        alpha = select((t < output_length)[:, None], total, alpha)
    ends = np.zeros((batch, states), bool)
    ends[np.arange(batch), 2 * target_length] = True
    ends[np.arange(batch), np.maximum(2 * target_length - 1, 0)] = True
    final = select(ends, alpha, neg)
    top = np.max(getval(final), axis=1, keepdims=True)
    return -(anp.log(anp.sum(anp.exp(final - top), axis=1)) + top[:, 0])


def ctc_decode(
    inputs,
    sequence_lengths,
    strategy="greedy",
    beam_width=100,
    top_paths=1,
    merge_repeated=True,
    mask_index=0,
):
    if strategy not in ("greedy", "beam_search"):
        raise OpInputError(
            "ops.ctc_decode: unknown decoding strategy.",
            expected='"greedy" or "beam_search"',
            received=repr(strategy),
        )
    x = _float(np.asarray(getval(to_array(inputs))))
    lengths = np.asarray(getval(to_array(sequence_lengths))).astype("int64").reshape(-1)
    if x.ndim != 3:
        raise OpInputError(
            "ops.ctc_decode: `inputs` must be (batch, max_time, num_classes).",
            expected="rank 3",
            received=f"shape {tuple(x.shape)}",
        )
    batch, steps, _ = x.shape
    blank = int(mask_index) if mask_index is not None else x.shape[-1] - 1
    if strategy == "beam_search":
        return _ctc_beam_search(x, lengths, int(beam_width), int(top_paths), merge_repeated, blank)
    best = np.argmax(x, axis=-1)
    score = np.max(x, axis=-1)
    valid = np.arange(steps)[None, :] < lengths[:, None]
    best = np.where(valid, best, blank)
    score = np.where(valid, score, 0)
    keep = best != blank
    if merge_repeated:
        repeat = np.zeros_like(keep)
        repeat[:, 1:] = best[:, 1:] == best[:, :-1]
        keep &= ~repeat
    decoded = np.full((batch, steps), -1, dtype="int32")
    for b in range(batch):  # one compaction per sequence
        kept = best[b][keep[b]]
        decoded[b, : kept.size] = kept
    log_probs = -np.sum(score, axis=1, keepdims=True)
    return decoded[None], log_probs.astype(x.dtype)


class _PrefixIds:
    """Content-addressed ids of label prefixes (a trie): equal prefixes get equal ids, so
    beams are compared by id, never label by label. Sequence ``b``'s empty prefix is ``b``."""

    def __init__(self, batch: int):
        self._children: dict[tuple[int, int], int] = {}
        self._next = batch

    def child(self, parents, labels):
        out = np.empty(len(parents), np.int64)
        for i, key in enumerate(zip(parents.tolist(), labels.tolist())):
            node = self._children.get(key)
            if node is None:
                node = self._children[key] = self._next
                self._next += 1
            out[i] = node
        return out


def _ctc_beam_search(x, lengths, beam_width, top_paths, merge_repeated, blank):
    """CTC prefix beam search, vectorised over the batch (a loop over time only).

    Each beam is a distinct label prefix with two log-probabilities: of the alignments
    ending in a blank (``pb``) and ending in a label (``pnb``); its score is their
    log-sum-exp. Per step, a prefix either stays (a blank, or a repeat of its last label
    that merges) or grows by one label; a grown prefix that equals a prefix already in the
    beam adds into it. The best ``beam_width`` prefixes survive. ``x`` holds logits: they
    are normalised with a log-softmax per step, so scores are log-probabilities.
    """
    batch, steps, classes = x.shape
    if beam_width < 1 or not 1 <= top_paths <= beam_width:
        raise OpInputError(
            "ops.ctc_decode: beam search needs 1 <= top_paths <= beam_width.",
            expected="beam_width >= 1 and 1 <= top_paths <= beam_width",
            received=f"beam_width={beam_width}, top_paths={top_paths}",
        )
    if not 0 <= blank < classes:
        raise OpInputError(
            "ops.ctc_decode: mask_index out of range.",
            expected=f"0 <= mask_index < {classes}",
            received=f"mask_index={blank}",
        )
    z = x.astype(np.float64)
    top = np.max(z, axis=-1, keepdims=True)
    logp = z - top - np.log(np.sum(np.exp(z - top), axis=-1, keepdims=True))
    neg = -np.inf
    width = beam_width
    rows = np.arange(batch)[:, None]
    paths = np.full((batch, width, steps), -1, np.int64)
    plen = np.zeros((batch, width), np.int64)
    pb = np.full((batch, width), neg)
    pnb = np.full((batch, width), neg)
    pb[:, 0] = 0.0  # the empty prefix, before any step
    alive = np.zeros((batch, width), bool)
    alive[:, 0] = True
    ids = _PrefixIds(batch)
    node = np.broadcast_to(np.arange(batch)[:, None], (batch, width)).copy()  # prefix ids
    up = np.full((batch, width), -1)  # the id of the prefix without its last label
    last = np.full((batch, width), -1)  # the last label (-1: the empty prefix)
    is_label = np.arange(classes) != blank
    for t in range(steps):
        lp = logp[:, t]  # (B, C)
        total = np.logaddexp(pb, pnb)
        last_lp = np.where(last >= 0, lp[rows, np.maximum(last, 0)], neg)
        # Prefixes that stay: a blank ends them, or (merging) their last label repeats.
        stay_pb = total + lp[:, blank : blank + 1]
        stay_pnb = pnb + last_lp if merge_repeated else np.full_like(pnb, neg)
        # Prefixes that grow by label c; with merging, a repeat needs a blank in between.
        grow = total[:, :, None] + lp[:, None, :]  # (B, W, C)
        if merge_repeated:
            repeat = np.arange(classes)[None, None, :] == last[:, :, None]
            grow = np.where(repeat, pb[:, :, None] + lp[:, None, :], grow)
        grow = np.where(alive[:, :, None] & is_label[None, None, :], grow, neg)
        # A grown prefix equal to a beam already held (its parent plus its last label)
        # adds into that beam's label-ending probability.
        same = (up[:, :, None] == node[:, None, :]) & alive[:, :, None] & alive[:, None, :]
        bi, wi = np.nonzero(same.any(axis=-1))  # beam wi is beam `parent` plus `label`
        parent = np.argmax(same[bi, wi], axis=-1)
        label = last[bi, wi]
        stay_pnb[bi, wi] = np.logaddexp(stay_pnb[bi, wi], grow[bi, parent, label])
        grow[bi, parent, label] = neg
        # Candidates: the W staying beams and the W best new prefixes.
        flat = grow.reshape(batch, width * classes)
        best = np.argsort(-flat, axis=-1, kind="stable")[:, :width]
        cand_pb = np.concatenate([stay_pb, np.full((batch, width), neg)], axis=1)
        cand_pnb = np.concatenate([stay_pnb, flat[rows, best]], axis=1)
        cand_src = np.concatenate(
            [np.broadcast_to(np.arange(width), (batch, width)), best // classes], axis=1
        )
        cand_label = np.concatenate([np.full((batch, width), -1), best % classes], axis=1)
        cand_total = np.logaddexp(cand_pb, cand_pnb)
        cand_alive = np.concatenate([alive, np.ones((batch, width), bool)], axis=1)
        cand_alive &= cand_total > neg
        key = np.where(cand_alive, -cand_total, np.inf)
        keep = np.argsort(key, axis=-1, kind="stable")[:, :width]  # (B, W)
        src = cand_src[rows, keep]
        new_label = cand_label[rows, keep]
        new_paths = paths[rows, src]
        new_plen = plen[rows, src]
        new_node, new_up, new_last = node[rows, src], up[rows, src], last[rows, src]
        gi, gw = np.nonzero(new_label >= 0)
        new_paths[gi, gw, new_plen[gi, gw]] = new_label[gi, gw]
        new_up[gi, gw] = new_node[gi, gw]
        new_node[gi, gw] = ids.child(new_node[gi, gw], new_label[gi, gw])
        new_last[gi, gw] = new_label[gi, gw]
        new_plen = new_plen + (new_label >= 0)
        active = (t < lengths)[:, None]
        paths = np.where(active[:, :, None], new_paths, paths)
        plen = np.where(active, new_plen, plen)
        node = np.where(active, new_node, node)
        up = np.where(active, new_up, up)
        last = np.where(active, new_last, last)
        pb = np.where(active, cand_pb[rows, keep], pb)
        pnb = np.where(active, cand_pnb[rows, keep], pnb)
        alive = np.where(active, cand_alive[rows, keep], alive)
    total = np.where(alive, np.logaddexp(pb, pnb), neg)
    order = np.argsort(-total, axis=-1, kind="stable")[:, :top_paths]  # (B, P)
    decoded = np.where(alive[rows, order][:, :, None], paths[rows, order], -1)
    scores = total[rows, order]
    return np.transpose(decoded, (1, 0, 2)).astype("int32"), scores.astype(x.dtype)


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
            f"ops.{op}: flash attention is not available in the numpy backend.",
            expected="flash_attention=None or False",
            received=repr(flash_attention),
        )
    q, k, v = _floats(query, key, value)
    squeeze = q.ndim == 3
    if squeeze:
        q, k, v = (anp.expand_dims(a, 0) for a in (q, k, v))
    if q.ndim != 4 or k.ndim != 4 or v.ndim != 4:
        raise OpInputError(
            f"ops.{op}: query, key and value must be (batch, length, heads, head_dim).",
            expected="rank 4 (or rank 3 without batch)",
            received=f"{tuple(q.shape)}, {tuple(k.shape)}, {tuple(v.shape)}",
        )
    heads, kv_heads = q.shape[2], k.shape[2]
    if k.shape[:3] != v.shape[:3] or heads % kv_heads or q.shape[-1] != k.shape[-1]:
        raise OpInputError(
            f"ops.{op}: incompatible query/key/value shapes.",
            expected="key and value of equal (batch, length, heads), query heads a multiple "
            "of key heads, "
            "equal head_dim for query and key",
            received=f"{tuple(q.shape)}, {tuple(k.shape)}, {tuple(v.shape)}",
        )
    if kv_heads != heads:
        k = anp.repeat(k, heads // kv_heads, axis=2)
        v = anp.repeat(v, heads // kv_heads, axis=2)
    compute, original = _upcast_half(q)
    k, v = cast(k, dtype_name(compute)), cast(v, dtype_name(compute))
    if scale is None:
        scale = 1.0 / math.sqrt(q.shape[-1])
    logits = anp.einsum("btnh,bsnh->bnts", compute, k) * _const(scale, compute)
    if attn_logits_soft_cap is not None:
        cap = _const(attn_logits_soft_cap, compute)
        logits = cap * anp.tanh(logits / cap)
    if bias is not None:
        logits = logits + cast(to_array(bias), dtype_name(compute))
    allowed = None
    if mask is not None:
        allowed = np.asarray(getval(to_array(mask))).astype(bool)
    if is_causal:
        steps, sources = q.shape[1], k.shape[1]
        causal = np.tril(np.ones((steps, sources), bool))
        allowed = causal if allowed is None else (allowed & causal)
    if allowed is not None:
        big = np.finfo(getval(logits).dtype).min
        logits = select(allowed, logits, _const(big, logits))
    weights = softmax(logits, axis=-1)
    out = anp.einsum("bnts,bsnh->btnh", weights, v)
    out = cast(out, original)
    return out[0] if squeeze else out
