"""The nn op family on JAX (see :class:`tholos.backend.contract.nn_ops.NNOps`).

Convolutions use ``lax.conv_general_dilated`` (transposed convolution as its adjoint, with
``lhs_dilation``), pooling ``lax.reduce_window`` (with NumPy init values, so that JAX picks
its differentiable max/sum window primitives also under an outer trace); ``same`` padding
follows TF/Keras (total padding ``max((out - 1) * stride + extent - size, 0)``, the smaller
half before). Matrix
products use JAX's default precision, so ``jax_default_matmul_precision`` (or the
``JAX_DEFAULT_MATMUL_PRECISION`` environment variable) decides whether TF32 is used on GPU.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from tholos.backend.common import axes as axes_args
from tholos.backend.common import conv_args, nn_args
from tholos.backend.dtypes import COMPLEX_TYPES, FLOAT_TYPES, floatx
from tholos.errors import OpInputError, UnsupportedOpError
from tholos_backend_jax._convert import canon, cast, concrete, dtype_name, rtype, to_array

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


# ----------------------------------------------------------------------------- helpers


def _float(x):
    x = to_array(x)
    if dtype_name(x) not in FLOAT_TYPES and dtype_name(x) not in COMPLEX_TYPES:
        x = cast(x, floatx())
    return x


def _floats(*xs):
    arrays = [x if type(x) in (bool, int, float) else to_array(x) for x in xs]
    dtype = rtype(*arrays)
    if dtype not in FLOAT_TYPES and dtype not in COMPLEX_TYPES:
        dtype = canon(floatx())
    return [cast(a, dtype) for a in arrays]


def _config(name: str, default):
    try:
        from tholos import config
    except ImportError:  # pragma: no cover
        return default
    fn = getattr(config, name, None)
    return fn() if fn is not None else default


_data_format = conv_args.data_format


def _to_last(x, data_format):
    if data_format == "channels_first":
        return jnp.transpose(x, (0, *range(2, x.ndim), 1))
    return x


def _from_last(x, data_format):
    if data_format == "channels_first":
        return jnp.transpose(x, (0, x.ndim - 1, *range(1, x.ndim - 1)))
    return x


_axis = axes_args.normalize_axis


# ----------------------------------------------------------------------------- activations


def relu(x):
    x = to_array(x)
    if dtype_name(x) == "bool":
        x = cast(x, floatx())
    # jax.nn.relu is a maximum (XLA's CPU backend fuses it into the neighbouring convolution
    # and matmul kernels; a select does not fuse and made inference ~3.5x slower), with a
    # gradient of 0 at 0.
    return jax.nn.relu(x)


def relu6(x):
    x = to_array(x)
    if dtype_name(x) == "bool":
        x = cast(x, floatx())
    return jax.nn.relu6(x)  # min/max (fusible, as relu above), gradient 0 at 0 and 6


def sigmoid(x):
    return jax.nn.sigmoid(_float(x))


def sparse_sigmoid(x):
    x = _float(x)
    return jnp.where(x <= -1, 0.0, jnp.where(x >= 1, 1.0, 0.5 * (x + 1))).astype(x.dtype)


def softplus(x):
    x = _float(x)
    return jnp.logaddexp(jnp.zeros((), x.dtype), x)


def softsign(x):
    x = _float(x)
    return x / (1 + jnp.abs(x))


def soft_shrink(x, threshold=0.5):
    x = _float(x)
    return jnp.where(
        x > threshold, x - threshold, jnp.where(x < -threshold, x + threshold, 0.0)
    ).astype(x.dtype)


def sparse_plus(x):
    x = _float(x)
    return jnp.where(x <= -1, 0.0, jnp.where(x < 1, 0.25 * jnp.square(x + 1), x)).astype(x.dtype)


def silu(x):
    x = _float(x)
    return x * jax.nn.sigmoid(x)


def squareplus(x, b=4):
    x = _float(x)
    return 0.5 * (x + jnp.sqrt(jnp.square(x) + jnp.asarray(b, x.dtype)))


def log_sigmoid(x):
    x = _float(x)
    return -softplus(-x)


def leaky_relu(x, negative_slope=0.2):
    x = _float(x)
    return jnp.where(x >= 0, x, negative_slope * x)


def hard_sigmoid(x):
    x = _float(x)
    return relu6(x + 3) / 6


def hard_silu(x):
    x = _float(x)
    return x * hard_sigmoid(x)


def elu(x, alpha=1.0):
    x = _float(x)
    negative = jnp.expm1(jnp.where(x > 0, jnp.zeros((), x.dtype), x))
    return jnp.where(x > 0, x, alpha * negative)


def selu(x):
    x = _float(x)
    return _SELU_SCALE * elu(x, _SELU_ALPHA)


def gelu(x, approximate=True):
    x = _float(x)
    if approximate:
        inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x * jnp.square(x))
        return 0.5 * x * (1 + jnp.tanh(inner))
    return 0.5 * x * (1 + jax.scipy.special.erf(x / math.sqrt(2)))


def celu(x, alpha=1.0):
    x = _float(x)
    return jnp.where(
        x > 0, x, alpha * jnp.expm1(jnp.where(x > 0, jnp.zeros((), x.dtype), x) / alpha)
    )


def glu(x, axis=-1):
    x = _float(x)
    axis = _axis(axis, x.ndim, "glu")
    if x.shape[axis] % 2:
        raise OpInputError(
            "ops.glu: the size of `axis` must be even (it is split in two halves).",
            expected="an even size",
            received=f"shape {tuple(x.shape)}, axis {axis}",
        )
    first, second = jnp.split(x, 2, axis=axis)
    return first * jax.nn.sigmoid(second)


def tanh_shrink(x):
    x = _float(x)
    return x - jnp.tanh(x)


def hard_tanh(x):
    x = _float(x)
    return jnp.where(x < -1, -1.0, jnp.where(x > 1, 1.0, x)).astype(x.dtype)


def hard_shrink(x, threshold=0.5):
    x = _float(x)
    return jnp.where(jnp.abs(lax.stop_gradient(x)) > threshold, x, jnp.zeros((), x.dtype))


def threshold(x, threshold, default_value):
    x = _float(x)
    return jnp.where(x > threshold, x, jnp.asarray(default_value, x.dtype))


def softmax(x, axis=-1):
    x = _float(x)
    if x.ndim == 0:
        return jnp.ones_like(x)
    axis = _axis(axis, x.ndim, "softmax")
    return jax.nn.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    x = _float(x)
    if x.ndim == 0:
        return jnp.zeros_like(x)
    axis = _axis(axis, x.ndim, "log_softmax")
    return jax.nn.log_softmax(x, axis=axis)


def sparsemax(x, axis=-1):
    x = _float(x)
    axis = _axis(axis, x.ndim, "sparsemax")
    raw = jnp.moveaxis(lax.stop_gradient(x), axis, -1)
    ranked = -jnp.sort(-raw, axis=-1)
    cumulative = jnp.cumsum(ranked, axis=-1)
    k = jnp.arange(1, raw.shape[-1] + 1, dtype=raw.dtype)
    support = (1 + k * ranked) > cumulative
    size = jnp.sum(support, axis=-1, keepdims=True)
    tau_raw = (jnp.take_along_axis(cumulative, size - 1, axis=-1) - 1) / size
    mask = jnp.moveaxis(raw > tau_raw, -1, axis)
    count = jnp.moveaxis(size, -1, axis).astype(raw.dtype)
    tau = (jnp.sum(jnp.where(mask, x, 0.0), axis=axis, keepdims=True) - 1) / count
    return jnp.where(mask, x - tau, jnp.zeros((), x.dtype))


# ----------------------------------------------------------------------------- conv / pool


_normalize_tuple = conv_args.normalize_tuple
_normalize_padding = conv_args.normalize_padding


def _plan(spatial, kernel, strides, dilation, padding, op):
    """Explicit (before, after) padding per spatial dim, TF/Keras ``same`` semantics."""
    return conv_args.same_padding(spatial, kernel, strides, dilation, padding, op)[0]


_SPATIAL = {1: "W", 2: "HW", 3: "DHW"}


def _dims(nd):
    s = _SPATIAL[nd]
    return ("N" + s + "C", s + "IO", "N" + s + "C")


def _conv_inputs(inputs, kernel, op):
    x, k = _floats(inputs, kernel)
    conv_args.check_kernel_rank(x.shape, k.shape, op)
    return x, k


def _conv_last(x, k, strides, padding, dilation, op):
    nd = x.ndim - 2
    groups = conv_args.conv_groups(x.shape[-1], k.shape, op)
    pads = _plan(x.shape[1:-1], k.shape[:nd], strides, dilation, padding, op)
    return lax.conv_general_dilated(
        x,
        k,
        window_strides=strides,
        padding=pads,
        rhs_dilation=dilation,
        dimension_numbers=_dims(nd),
        feature_group_count=groups,
    )


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    x, k = _conv_inputs(inputs, kernel, "conv")
    data_format = _data_format(data_format, "conv")
    nd = x.ndim - 2
    strides = _normalize_tuple(strides, nd, "strides", "conv")
    dilation = _normalize_tuple(dilation_rate, nd, "dilation_rate", "conv")
    padding = _normalize_padding(padding, "conv")
    y = _conv_last(_to_last(x, data_format), k, strides, padding, dilation, "conv")
    return _from_last(y, data_format)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    op = "depthwise_conv"
    x, k = _conv_inputs(inputs, kernel, op)
    data_format = _data_format(data_format, op)
    nd = x.ndim - 2
    x = _to_last(x, data_format)
    conv_args.check_depthwise_channels(x.shape[-1], k.shape, op)
    strides = _normalize_tuple(strides, nd, "strides", op)
    dilation = _normalize_tuple(dilation_rate, nd, "dilation_rate", op)
    padding = _normalize_padding(padding, op)
    grouped = jnp.reshape(k, (*k.shape[:nd], 1, k.shape[-2] * k.shape[-1]))
    return _from_last(_conv_last(x, grouped, strides, padding, dilation, op), data_format)


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
    strides = _normalize_tuple(strides, nd, "strides", op)
    dilation = _normalize_tuple(dilation_rate, nd, "dilation_rate", op)
    padding = _normalize_padding(padding, op)
    output_padding = conv_args.normalize_output_padding(output_padding, strides, op)
    x = _to_last(x, data_format)
    kshape = tuple(k.shape[:nd])
    conv_args.check_transpose_channels(x.shape[-1], k.shape, op)
    plan = conv_args.transpose_plan(
        x.shape[1:-1], kshape, strides, dilation, padding, output_padding
    )
    extents = conv_args.effective(kshape, dilation)
    pads = [
        (keff - 1 - before, length - 1 + before - (full - keff))
        for (length, before, _, full), keff in zip(plan, extents)
    ]
    # The adjoint of the forward convolution: dilate the input, flip the kernel.
    kt = jnp.flip(jnp.swapaxes(k, -1, -2), axis=tuple(range(nd)))
    y = lax.conv_general_dilated(
        x,
        kt,
        window_strides=(1,) * nd,
        padding=pads,
        lhs_dilation=strides,
        rhs_dilation=dilation,
        dimension_numbers=_dims(nd),
    )
    return _from_last(y, data_format)


def _pool(inputs, pool_size, strides, padding, data_format, op):
    x = to_array(inputs)
    conv_args.check_rank(x.shape, op)
    data_format = _data_format(data_format, op)
    nd = x.ndim - 2
    pool = _normalize_tuple(pool_size, nd, "pool_size", op)
    strides = pool if strides is None else _normalize_tuple(strides, nd, "strides", op)
    padding = _normalize_padding(padding, op)
    x = _to_last(x, data_format)
    pads = _plan(x.shape[1:-1], pool, strides, (1,) * nd, padding, op)
    window = (1, *pool, 1)
    wstrides = (1, *strides, 1)
    full_pads = ((0, 0), *pads, (0, 0))
    return x, window, wstrides, full_pads, data_format


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    x, window, wstrides, pads, data_format = _pool(
        inputs, pool_size, strides, padding, data_format, "max_pool"
    )
    if dtype_name(x) == "bool":
        x = cast(x, floatx())
    low = -jnp.inf if jnp.issubdtype(x.dtype, jnp.floating) else jnp.iinfo(x.dtype).min
    y = lax.reduce_window(x, np.array(low, x.dtype), lax.max, window, wstrides, pads)
    return _from_last(y, data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    x, window, wstrides, pads, data_format = _pool(
        inputs, pool_size, strides, padding, data_format, "average_pool"
    )
    x = _float(x)
    total = lax.reduce_window(x, np.zeros((), x.dtype), lax.add, window, wstrides, pads)
    if not any(b or a for b, a in pads):
        return _from_last(total / math.prod(window), data_format)
    ones = jnp.ones((1, *x.shape[1:-1], 1), x.dtype)
    counts = lax.reduce_window(ones, np.zeros((), x.dtype), lax.add, window, wstrides, pads)
    return _from_last(total / counts, data_format)


# ----------------------------------------------------------------------------- encodings


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    if sparse:
        raise OpInputError(
            "ops.one_hot: sparse=True is not supported by the JAX backend.",
            expected="sparse=False",
            received="sparse=True",
            hint="Use sparse=False.",
        )
    x = to_array(x)
    if dtype_name(x) in FLOAT_TYPES:
        value = concrete(x)
        if value is not None and not np.all(np.mod(value, 1) == 0):
            raise OpInputError(
                "ops.one_hot: `x` must hold integer class indices.",
                expected="an integer tensor",
                received=f"dtype {dtype_name(x)}",
            )
        x = x.astype("int32")
    elif dtype_name(x) in COMPLEX_TYPES:
        raise OpInputError(
            "ops.one_hot: `x` must hold integer class indices.",
            expected="an integer tensor",
            received=f"dtype {dtype_name(x)}",
        )
    num_classes = int(num_classes)
    dtype = canon(dtype) if dtype is not None else canon(floatx())
    axis = _axis(axis, x.ndim + 1, "one_hot")
    hot = x[..., None] == jnp.arange(
        num_classes, dtype=x.dtype if dtype_name(x) != "bool" else "int32"
    )
    return jnp.moveaxis(hot, -1, axis).astype(dtype)


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    if num_classes is None:
        num_classes = kwargs.pop("num_tokens", None)
    if num_classes is None:
        raise OpInputError(
            "ops.multi_hot: `num_classes` is required.", expected="an int", received="None"
        )
    if kwargs:
        raise OpInputError(
            "ops.multi_hot: unexpected keyword arguments.",
            expected="num_classes, axis, dtype, sparse (or the legacy num_tokens)",
            received=repr(sorted(kwargs)),
        )
    x = to_array(inputs)
    hot = one_hot(x, num_classes, axis=axis, dtype="bool", sparse=sparse)
    reduce_axis = 1 if x.ndim > 1 else 0
    dtype = canon(dtype) if dtype is not None else canon(floatx())
    return jnp.any(hot, axis=reduce_axis).astype(dtype)


# ----------------------------------------------------------------------------- losses


def _check_same_shape(a, b, op, names=("target", "output")):
    nn_args.check_same_shape(a.shape, b.shape, op, names)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = _floats(target, output)
    _check_same_shape(target, output, "categorical_crossentropy")
    nn_args.check_class_axis(output.ndim, "categorical_crossentropy")
    axis = _axis(axis, output.ndim, "categorical_crossentropy")
    if from_logits:
        log_prob = jax.nn.log_softmax(output, axis=axis)
    else:
        eps = _config("epsilon", 1e-7)
        output = output / jnp.sum(output, axis=axis, keepdims=True)
        log_prob = jnp.log(jnp.clip(output, eps, 1.0 - eps))
    return -jnp.sum(target * log_prob, axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output = _float(output)
    target = to_array(target)
    squeeze, axis = nn_args.sparse_targets(
        target.shape, output.shape, axis, "sparse_categorical_crossentropy"
    )
    if squeeze:
        target = target[..., 0]
    if from_logits:
        log_prob = jax.nn.log_softmax(output, axis=axis)
    else:
        eps = _config("epsilon", 1e-7)
        output = output / jnp.sum(output, axis=axis, keepdims=True)
        log_prob = jnp.log(jnp.clip(output, eps, 1.0 - eps))
    hot = one_hot(
        lax.stop_gradient(target).astype("int32"), output.shape[axis], axis=axis, dtype="bool"
    )
    return -jnp.sum(jnp.where(hot, log_prob, jnp.zeros((), log_prob.dtype)), axis=axis)


def binary_crossentropy(target, output, from_logits=False):
    target, output = _floats(target, output)
    _check_same_shape(target, output, "binary_crossentropy")
    if from_logits:
        return -target * log_sigmoid(output) - (1 - target) * log_sigmoid(-output)
    eps = _config("epsilon", 1e-7)
    output = jnp.clip(output, eps, 1.0 - eps)
    return -(target * jnp.log(output) + (1 - target) * jnp.log(1 - output))


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
    mean = jnp.mean(x, axis=axes, keepdims=True)
    variance = jnp.mean(jnp.square(x - mean), axis=axes, keepdims=True)
    if not keepdims:
        mean = jnp.squeeze(mean, axis=axes)
        variance = jnp.squeeze(variance, axis=axes)
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
        return v if shape is None else jnp.reshape(v, shape)

    inv = lax.rsqrt(along(variance, "variance") + jnp.asarray(epsilon, x.dtype))
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
        norm = jnp.sqrt(jnp.sum(jnp.square(x), axis=axis, keepdims=True))
    elif order == 1:
        norm = jnp.sum(jnp.abs(x), axis=axis, keepdims=True)
    elif order in (np.inf, "inf"):
        norm = jnp.max(jnp.abs(x), axis=axis, keepdims=True)
    elif isinstance(order, (int, float)) and order > 0:
        norm = jnp.sum(jnp.abs(x) ** order, axis=axis, keepdims=True) ** (1.0 / order)
    else:
        raise OpInputError(
            "ops.normalize: unsupported `order`.",
            expected="a positive number or inf",
            received=repr(order),
        )
    return x / jnp.where(norm > epsilon, norm, jnp.asarray(epsilon, x.dtype))


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
        return jnp.reshape(p, shape) if p.ndim and p.ndim != x.ndim else p

    eps = jnp.asarray(epsilon, x.dtype)
    if rms_scaling:
        y = x * lax.rsqrt(jnp.mean(jnp.square(x), axis=axes, keepdims=True) + eps)
    else:
        mean = jnp.mean(x, axis=axes, keepdims=True)
        centred = x - mean
        variance = jnp.mean(jnp.square(centred), axis=axes, keepdims=True)
        y = centred * lax.rsqrt(variance + eps)
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
    y = x * lax.rsqrt(
        jnp.mean(jnp.square(x), axis=axes, keepdims=True) + jnp.asarray(epsilon, x.dtype)
    )
    if isinstance(scale, (int, float)):
        return y * jnp.asarray(scale, y.dtype)
    return y * cast(to_array(scale), dtype_name(y))


def psnr(x1, x2, max_val):
    x1, x2 = _floats(x1, x2)
    _check_same_shape(x1, x2, "psnr", ("x1", "x2"))
    mse = jnp.mean(jnp.square(x1 - x2))
    return 20 * jnp.log10(jnp.asarray(max_val, mse.dtype)) - 10 * jnp.log10(mse)


def polar(abs_, angle):
    r, theta = _floats(abs_, angle)
    return lax.complex(r * jnp.cos(theta), r * jnp.sin(theta))


# ----------------------------------------------------------------------------- CTC


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    output = _float(output)
    target = lax.stop_gradient(to_array(target)).astype("int32")
    target_length = jnp.reshape(to_array(target_length).astype("int32"), (-1,))
    output_length = jnp.reshape(to_array(output_length).astype("int32"), (-1,))
    if output.ndim != 3 or target.ndim != 2 or target.shape[0] != output.shape[0]:
        raise OpInputError(
            "ops.ctc_loss: expected target (batch, max_label_length) and output "
            "(batch, max_time, num_classes).",
            expected="target rank 2 and output rank 3 with the same batch size",
            received=f"target shape {tuple(target.shape)}, output shape {tuple(output.shape)}",
        )
    batch, steps, _ = output.shape
    labels = target.shape[1]
    blank = int(mask_index)
    log_prob = jax.nn.log_softmax(output, axis=-1)
    states = 2 * labels + 1
    extended = jnp.full((batch, states), blank, dtype="int32").at[:, 1::2].set(target)
    emit = jnp.take_along_axis(
        log_prob, jnp.broadcast_to(extended[:, None, :], (batch, steps, states)), axis=2
    )
    skip = jnp.zeros((batch, states), bool)
    skip = skip.at[:, 2:].set((extended[:, 2:] != blank) & (extended[:, 2:] != extended[:, :-2]))
    neg = jnp.asarray(-1e30, log_prob.dtype)
    start = jnp.zeros((batch, states), bool).at[:, 0].set(True).at[:, 1].set(target_length > 0)
    alpha0 = jnp.where(start, emit[:, 0, :], neg)
    pad1 = jnp.full((batch, 1), neg)
    pad2 = jnp.full((batch, 2), neg)

    def step(alpha, inputs):
        t, e = inputs
        prev1 = jnp.concatenate([pad1, alpha[:, :-1]], axis=1)
        prev2 = jnp.where(skip, jnp.concatenate([pad2, alpha[:, :-2]], axis=1), neg)
        total = jnp.logaddexp(jnp.logaddexp(alpha, prev1), prev2) + e
        return jnp.where((t < output_length)[:, None], total, alpha), None

    if steps > 1:
        ts = jnp.arange(1, steps, dtype="int32")
        alpha, _ = lax.scan(step, alpha0, (ts, jnp.moveaxis(emit[:, 1:, :], 1, 0)))
    else:
        alpha = alpha0
    rows = jnp.arange(batch)
    ends = jnp.zeros((batch, states), bool)
    ends = ends.at[rows, 2 * target_length].set(True)
    ends = ends.at[rows, jnp.maximum(2 * target_length - 1, 0)].set(True)
    final = jnp.where(ends, alpha, neg)
    return -jax.nn.logsumexp(final, axis=1)


def ctc_decode(
    inputs,
    sequence_lengths,
    strategy="greedy",
    beam_width=100,
    top_paths=1,
    merge_repeated=True,
    mask_index=0,
):
    if strategy != "greedy":
        raise UnsupportedOpError(
            f"ops.ctc_decode: strategy={strategy!r} is not implemented by the JAX backend.",
            expected='strategy="greedy"',
            received=repr(strategy),
            hint="Use the greedy strategy.",
        )
    x = lax.stop_gradient(_float(inputs))
    lengths = jnp.reshape(to_array(sequence_lengths).astype("int32"), (-1,))
    if x.ndim != 3:
        raise OpInputError(
            "ops.ctc_decode: `inputs` must be (batch, max_time, num_classes).",
            expected="rank 3",
            received=f"shape {tuple(x.shape)}",
        )
    batch, steps, _ = x.shape
    blank = int(mask_index) if mask_index is not None else x.shape[-1] - 1
    best = jnp.argmax(x, axis=-1).astype("int32")
    score = jnp.max(x, axis=-1)
    valid = jnp.arange(steps)[None, :] < lengths[:, None]
    best = jnp.where(valid, best, blank)
    score = jnp.where(valid, score, jnp.zeros((), x.dtype))
    keep = best != blank
    if merge_repeated:
        repeat = jnp.zeros_like(keep).at[:, 1:].set(best[:, 1:] == best[:, :-1])
        keep = keep & ~repeat
    # Compact the kept labels to the front of each row (positions past the end get -1).
    position = jnp.where(keep, jnp.cumsum(keep, axis=1) - 1, steps)
    rows = jnp.broadcast_to(jnp.arange(batch)[:, None], (batch, steps))
    decoded = (
        jnp.full((batch, steps + 1), -1, dtype="int32").at[rows, position].set(best)[:, :steps]
    )
    log_probs = -jnp.sum(score, axis=1, keepdims=True)
    return decoded[None], log_probs


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
            f"ops.{op}: flash attention is not available in the JAX backend of tholos yet.",
            expected="flash_attention=None or False",
            received=repr(flash_attention),
        )
    q, k, v = _floats(query, key, value)
    squeeze = q.ndim == 3
    if squeeze:
        q, k, v = (jnp.expand_dims(a, 0) for a in (q, k, v))
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
            "of key heads, equal head_dim for query and key",
            received=f"{tuple(q.shape)}, {tuple(k.shape)}, {tuple(v.shape)}",
        )
    if kv_heads != heads:
        k = jnp.repeat(k, heads // kv_heads, axis=2)
        v = jnp.repeat(v, heads // kv_heads, axis=2)
    compute, original = _upcast_half(q)
    k, v = cast(k, dtype_name(compute)), cast(v, dtype_name(compute))
    if scale is None:
        scale = 1.0 / math.sqrt(q.shape[-1])
    logits = jnp.einsum("btnh,bsnh->bnts", compute, k) * jnp.asarray(scale, compute.dtype)
    if attn_logits_soft_cap is not None:
        cap = jnp.asarray(attn_logits_soft_cap, compute.dtype)
        logits = cap * jnp.tanh(logits / cap)
    if bias is not None:
        logits = logits + cast(to_array(bias), dtype_name(compute))
    allowed = None
    if mask is not None:
        allowed = to_array(mask).astype(bool)
    if is_causal:
        causal = jnp.tril(jnp.ones((q.shape[1], k.shape[1]), bool))
        allowed = causal if allowed is None else (allowed & causal)
    if allowed is not None:
        logits = jnp.where(allowed, logits, jnp.asarray(jnp.finfo(logits.dtype).min, logits.dtype))
    weights = jax.nn.softmax(logits, axis=-1)
    out = cast(jnp.einsum("bnts,bsnh->btnh", weights, v), original)
    return out[0] if squeeze else out
