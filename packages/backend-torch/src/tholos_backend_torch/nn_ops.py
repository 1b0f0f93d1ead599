"""The nn op family in torch.

Layout: tholos' default is ``channels_last`` (``(batch, *spatial, channels)``). Convolution
and pooling reorder dimensions with ``permute`` *views* at the op boundary: a contiguous
channels-last tensor viewed as ``(N, C, *spatial)`` is exactly torch's ``channels_last``
memory format, so torch's convolution runs its channels-last (oneDNN / cuDNN NHWC) kernel
with no copy, and its output, viewed back as ``(N, *spatial, C)``, is contiguous again. A model
therefore stays in one memory layout end to end; no data is transposed per layer.
Kernels are ``(*kernel_spatial, in, out)`` (tholos/Keras) and are viewed as torch's
``(out, in, *kernel_spatial)``; torch copies the (small) weight when its kernel needs it.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from tholos.backend.common import conv_args, nn_args
from tholos.errors import OpInputError
from tholos_backend_torch import _convert, _kernel_cache
from tholos_backend_torch._convert import (
    COMPLEX,
    FLOATS,
    INEXACT,
    NAMES,
    TORCH_DTYPES,
    cast,
    floatx_t,
    to_tensor,
)

Tensor = torch.Tensor
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _config(name, default):
    from tholos import config

    fn = getattr(config, name, None)
    return fn() if fn is not None else default


def _f(x):
    """``x`` as a float tensor (ints/bools become floatx)."""
    if not isinstance(x, Tensor):
        x = to_tensor(x)
    if x.dtype not in INEXACT:
        x = cast(x, floatx_t())
    return x


def _floats(*xs):
    parts = [x if type(x) in (bool, int, float) else _convert.tensor_of(x) for x in xs]
    from tholos.backend.dtypes import result_type

    dt = TORCH_DTYPES[
        result_type(*(p if type(p) in (bool, int, float) else NAMES[p.dtype] for p in parts))
    ]
    if dt not in INEXACT:
        dt = floatx_t()
    device = next((p.device for p in parts if isinstance(p, Tensor)), None)
    return [cast(p, dt) if isinstance(p, Tensor) else to_tensor(p, dt, device) for p in parts]


def _axis(axis, ndim, op):
    return _convert.axes_tuple(axis, ndim, op)[0]


# ----------------------------------------------------------------------------- activations


def relu(x):
    x = _convert.tensor_of(x)
    if x.dtype is torch.bool:
        x = cast(x, floatx_t())
    return torch.relu(x)


def relu6(x):
    x = _convert.tensor_of(x)
    if x.dtype is torch.bool:
        x = cast(x, floatx_t())
    if x.dtype in FLOATS:
        return F.relu6(x)
    return torch.clamp(x, 0, 6)


def sigmoid(x):
    return torch.sigmoid(_f(x))


def sparse_sigmoid(x):
    x = _f(x)
    return torch.clamp(0.5 * (x + 1), 0.0, 1.0)


def softplus(x):
    x = _f(x)
    return torch.logaddexp(x, torch.zeros((), dtype=x.dtype, device=x.device))


def softsign(x):
    return F.softsign(_f(x))


def soft_shrink(x, threshold=0.5):
    x = _f(x)
    return torch.where(
        x > threshold,
        x - threshold,
        torch.where(x < -threshold, x + threshold, torch.zeros_like(x)),
    )


def sparse_plus(x):
    x = _f(x)
    return torch.where(
        x <= -1, torch.zeros_like(x), torch.where(x < 1, 0.25 * torch.square(x + 1), x)
    )


def silu(x):
    return F.silu(_f(x))


def squareplus(x, b=4):
    x = _f(x)
    return 0.5 * (x + torch.sqrt(torch.square(x) + b))


def log_sigmoid(x):
    return F.logsigmoid(_f(x))


def leaky_relu(x, negative_slope=0.2):
    return F.leaky_relu(_f(x), negative_slope)


def hard_sigmoid(x):
    x = _f(x)
    if x.dtype is torch.float64:
        # torch's hardsigmoid backward multiplies by a float32 1/6 (2e-8 relative error).
        return torch.clamp(x + 3.0, 0.0, 6.0) / 6.0
    return F.hardsigmoid(x)


def hard_silu(x):
    return F.hardswish(_f(x))


def elu(x, alpha=1.0):
    return F.elu(_f(x), alpha)


def selu(x):
    return F.selu(_f(x))


def gelu(x, approximate=True):
    return F.gelu(_f(x), approximate="tanh" if approximate else "none")


def celu(x, alpha=1.0):
    return F.celu(_f(x), alpha)


def glu(x, axis=-1):
    x = _f(x)
    axis = _axis(axis, x.ndim, "glu")
    if x.shape[axis] % 2:
        raise OpInputError(
            "ops.glu: the size of `axis` must be even (it is split in two halves).",
            expected="an even size",
            received=f"shape {tuple(x.shape)}, axis {axis}",
        )
    return F.glu(x, axis)


def tanh_shrink(x):
    return F.tanhshrink(_f(x))


def hard_tanh(x):
    return F.hardtanh(_f(x))


def hard_shrink(x, threshold=0.5):
    x = _f(x)
    return torch.where(torch.abs(x.detach()) > threshold, x, torch.zeros_like(x))


def threshold(x, threshold, default_value):
    x = _f(x)
    return torch.where(
        x > threshold, x, torch.full((), default_value, dtype=x.dtype, device=x.device)
    )


def softmax(x, axis=-1):
    x = _f(x)
    if x.ndim == 0:
        return torch.ones_like(x)
    if isinstance(axis, (tuple, list)):
        axes = _convert.axes_tuple(axis, x.ndim, "softmax")
        shift = torch.amax(x.detach(), dim=axes, keepdim=True)
        e = torch.exp(x - shift)
        return e / torch.sum(e, dim=axes, keepdim=True)
    return torch.softmax(x, dim=axis)


def log_softmax(x, axis=-1):
    x = _f(x)
    if x.ndim == 0:
        return torch.zeros_like(x)
    if isinstance(axis, (tuple, list)):
        axes = _convert.axes_tuple(axis, x.ndim, "log_softmax")
        return x - torch.logsumexp(x, dim=axes, keepdim=True)
    return torch.log_softmax(x, dim=axis)


def sparsemax(x, axis=-1):
    x = _f(x)
    axis = _axis(axis, x.ndim, "sparsemax")
    raw = x.detach().movedim(axis, -1)
    ranked = torch.sort(raw, dim=-1, descending=True).values
    cumulative = torch.cumsum(ranked, dim=-1)
    k = torch.arange(1, raw.shape[-1] + 1, dtype=raw.dtype, device=raw.device)
    support = (1 + k * ranked) > cumulative
    size = torch.sum(support, dim=-1, keepdim=True)
    tau_raw = (torch.gather(cumulative, -1, size - 1) - 1) / size
    mask = (raw > tau_raw).movedim(-1, axis)
    count = size.movedim(-1, axis).to(x.dtype)
    zero = torch.zeros((), dtype=x.dtype, device=x.device)
    tau = (torch.sum(torch.where(mask, x, zero), dim=axis, keepdim=True) - 1) / count
    return torch.where(mask, x - tau, zero)


# ----------------------------------------------------------------------------- conv / pool


_data_format = conv_args.data_format
_tuple = conv_args.normalize_tuple
_padding = conv_args.normalize_padding


def _plan(spatial, kernel, strides, dilation, padding, op):
    """Per-dim ``(before, after)`` padding with TF/Keras ``same`` semantics."""
    return conv_args.same_padding(spatial, kernel, strides, dilation, padding, op)[0]


_TO_FIRST = {3: (0, 2, 1), 4: (0, 3, 1, 2), 5: (0, 4, 1, 2, 3)}
_TO_LAST = {3: (0, 2, 1), 4: (0, 2, 3, 1), 5: (0, 2, 3, 4, 1)}
_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
_MAXPOOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVGPOOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


def _kernel_to_torch(k, nd, batch=None):
    """``(*K, in, out)`` -> torch's ``(out, in, *K)``, contiguous.

    Measured on CPU (oneDNN): a contiguous weight with a channels-last input runs the NHWC
    kernel and is 2-3x faster (forward + backward) than handing it the strided view. The copy
    is cached per kernel tensor and version (:mod:`._kernel_cache`), so repeated inference
    calls with unchanged weights reuse it; an optimizer step changes the version and the next
    call lays the kernel out again.
    """
    return _kernel_cache.laid_out(k, nd, batch)


def _pad_first(x, pads, value=0.0):
    """Pad the spatial dims of a channels-first tensor ``(N, C, *S)``."""
    flat = []
    for before, after in reversed(pads):
        flat += [before, after]
    return F.pad(x, flat, value=value)


def _symmetric(pads):
    return all(b == a for b, a in pads)


def _conv_first(x, w, strides, pads, dilation, groups, nd):
    if _symmetric(pads):
        padding = tuple(b for b, _ in pads)
    else:
        x = _pad_first(x, pads)
        padding = 0
    return _CONV[nd](x, w, None, strides, padding, dilation, groups)


def _conv_inputs(inputs, kernel, op):
    x, k = _floats(inputs, kernel)
    conv_args.check_kernel_rank(x.shape, k.shape, op)
    if k.device != x.device:
        k = k.to(x.device)
    return x, k


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    x, k = _conv_inputs(inputs, kernel, "conv")
    fmt = _data_format(data_format, "conv")
    nd = x.ndim - 2
    strides = _tuple(strides, nd, "strides", "conv")
    dilation = _tuple(dilation_rate, nd, "dilation_rate", "conv")
    padding = _padding(padding, "conv")
    xf = x.permute(_TO_FIRST[x.ndim]) if fmt == "channels_last" else x
    groups = conv_args.conv_groups(xf.shape[1], k.shape, "conv")
    pads = _plan(xf.shape[2:], k.shape[:nd], strides, dilation, padding, "conv")
    w = _kernel_to_torch(k, nd, xf.shape[0] if fmt == "channels_last" else None)
    y = _conv_first(xf, w, strides, pads, dilation, groups, nd)
    return y.permute(_TO_LAST[y.ndim]) if fmt == "channels_last" else y


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    op = "depthwise_conv"
    x, k = _conv_inputs(inputs, kernel, op)
    fmt = _data_format(data_format, op)
    nd = x.ndim - 2
    xf = x.permute(_TO_FIRST[x.ndim]) if fmt == "channels_last" else x
    channels = xf.shape[1]
    conv_args.check_depthwise_channels(channels, k.shape, op)
    strides = _tuple(strides, nd, "strides", op)
    dilation = _tuple(dilation_rate, nd, "dilation_rate", op)
    padding = _padding(padding, op)
    pads = _plan(xf.shape[2:], k.shape[:nd], strides, dilation, padding, op)
    w = k.reshape(*k.shape[:nd], 1, k.shape[-2] * k.shape[-1])
    y = _conv_first(xf, _kernel_to_torch(w, nd), strides, pads, dilation, channels, nd)
    return y.permute(_TO_LAST[y.ndim]) if fmt == "channels_last" else y


def separable_conv(
    inputs,
    depthwise_kernel,
    pointwise_kernel,
    strides=1,
    padding="valid",
    data_format=None,
    dilation_rate=1,
):
    y = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv(y, pointwise_kernel, 1, "valid", data_format, 1)


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
    fmt = _data_format(data_format, op)
    nd = x.ndim - 2
    strides = _tuple(strides, nd, "strides", op)
    dilation = _tuple(dilation_rate, nd, "dilation_rate", op)
    padding = _padding(padding, op)
    output_padding = conv_args.normalize_output_padding(output_padding, strides, op)
    xf = x.permute(_TO_FIRST[x.ndim]) if fmt == "channels_last" else x
    conv_args.check_transpose_channels(xf.shape[1], k.shape, op)
    # torch's transposed-conv weight is (in, out, *K)
    w = k.permute(nd + 1, nd, *range(nd))
    y = _CONV_T[nd](xf, w, None, strides, 0, 0, 1, dilation)
    index = [slice(None), slice(None)]
    extra = []
    plan = conv_args.transpose_plan(
        xf.shape[2:], k.shape[:nd], strides, dilation, padding, output_padding
    )
    for i, (length, before, _, _) in enumerate(plan):
        full = y.shape[2 + i]
        index.append(slice(before, min(before + length, full)))
        extra.append(max(before + length - full, 0))
    y = y[tuple(index)]
    if any(extra):
        flat = []
        for e in reversed(extra):
            flat += [0, e]
        y = F.pad(y, flat)
    return y.permute(_TO_LAST[y.ndim]) if fmt == "channels_last" else y


def _pool_setup(inputs, pool_size, strides, padding, data_format, op):
    x = _convert.tensor_of(inputs)
    conv_args.check_rank(x.shape, op)
    fmt = _data_format(data_format, op)
    nd = x.ndim - 2
    pool = _tuple(pool_size, nd, "pool_size", op)
    strides = pool if strides is None else _tuple(strides, nd, "strides", op)
    padding = _padding(padding, op)
    xf = x.permute(_TO_FIRST[x.ndim]) if fmt == "channels_last" else x
    pads = _plan(xf.shape[2:], pool, strides, (1,) * nd, padding, op)
    return xf, fmt, nd, pool, strides, pads


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    xf, fmt, nd, pool, strides, pads = _pool_setup(
        inputs, pool_size, strides, padding, data_format, "max_pool"
    )
    dt = xf.dtype
    if dt is torch.bool:
        xf = cast(xf, floatx_t())
    elif dt not in FLOATS:
        xf = xf.to(torch.float64)
    if _symmetric(pads) and all(b <= p // 2 for (b, _), p in zip(pads, pool)):
        y = _MAXPOOL[nd](xf, pool, strides, tuple(b for b, _ in pads))
    else:
        y = _MAXPOOL[nd](_pad_first(xf, pads, -math.inf), pool, strides, 0)
    if dt not in FLOATS and dt is not torch.bool:
        y = y.to(dt)
    return y.permute(_TO_LAST[y.ndim]) if fmt == "channels_last" else y


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    xf, fmt, nd, pool, strides, pads = _pool_setup(
        inputs, pool_size, strides, padding, data_format, "average_pool"
    )
    xf = _f(xf)
    if not any(b or a for b, a in pads):
        y = _AVGPOOL[nd](xf, pool, strides, 0)
    elif _symmetric(pads) and all(b <= p // 2 for (b, _), p in zip(pads, pool)):
        y = _AVGPOOL[nd](xf, pool, strides, tuple(b for b, _ in pads), count_include_pad=False)
    else:
        y = _AVGPOOL[nd](_pad_first(xf, pads), pool, strides, 0)
        ones = torch.ones((1, 1, *xf.shape[2:]), dtype=xf.dtype, device=xf.device)
        counts = _AVGPOOL[nd](_pad_first(ones, pads), pool, strides, 0)
        y = y / counts
    return y.permute(_TO_LAST[y.ndim]) if fmt == "channels_last" else y


# ----------------------------------------------------------------------------- encodings


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    if sparse:
        raise OpInputError(
            "ops.one_hot: sparse=True is not supported by the torch backend.",
            expected="sparse=False",
            received="sparse=True",
            hint="Use sparse=False.",
        )
    x = _convert.tensor_of(x)
    if x.dtype not in _convert.INTS and x.dtype is not torch.bool:
        if x.dtype in FLOATS and bool(torch.all(torch.remainder(x, 1) == 0)):
            x = x.to(torch.int64)
        else:
            raise OpInputError(
                "ops.one_hot: `x` must hold integer class indices.",
                expected="an integer tensor",
                received=f"dtype {NAMES[x.dtype]}",
            )
    num_classes = int(num_classes)
    dt = floatx_t() if dtype is None else _convert.tdtype(dtype)
    axis = _axis(axis, x.ndim + 1, "one_hot")
    hot = _convert.wide(x).unsqueeze(-1) == torch.arange(num_classes, device=x.device)
    return cast(hot.movedim(-1, axis), dt)


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
    x = _convert.tensor_of(inputs)
    hot = one_hot(x, num_classes, axis=axis, dtype="bool", sparse=sparse)
    reduce_axis = 1 if x.ndim > 1 else 0
    dt = floatx_t() if dtype is None else _convert.tdtype(dtype)
    return cast(torch.any(hot, dim=reduce_axis), dt)


# ----------------------------------------------------------------------------- losses


def _same_shape(a, b, op, names=("target", "output")):
    nn_args.check_same_shape(a.shape, b.shape, op, names)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = _floats(target, output)
    _same_shape(target, output, "categorical_crossentropy")
    nn_args.check_class_axis(output.ndim, "categorical_crossentropy")
    axis = _axis(axis, output.ndim, "categorical_crossentropy")
    if from_logits:
        log_prob = torch.log_softmax(output, dim=axis)
    else:
        eps = _config("epsilon", 1e-7)
        output = output / torch.sum(output, dim=axis, keepdim=True)
        log_prob = torch.log(torch.clamp(output, eps, 1.0 - eps))
    return -torch.sum(target * log_prob, dim=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output = _f(output)
    target = _convert.tensor_of(target)
    if target.ndim == output.ndim and target.ndim and target.shape[-1] == 1:
        target = target[..., 0]
    if output.ndim < 1 or target.ndim != output.ndim - 1:
        raise OpInputError(
            "ops.sparse_categorical_crossentropy: `target` must have the shape of `output` "
            "without its class axis.",
            expected=f"target rank {output.ndim - 1}",
            received=f"target shape {tuple(target.shape)}, output shape {tuple(output.shape)}",
        )
    axis = _axis(axis, output.ndim, "sparse_categorical_crossentropy")
    expected = tuple(d for i, d in enumerate(output.shape) if i != axis)
    if tuple(target.shape) != expected:
        raise OpInputError(
            "ops.sparse_categorical_crossentropy: `target` and `output` shapes do not match.",
            expected=f"target shape {expected}",
            received=f"{tuple(target.shape)}",
        )
    if from_logits:
        log_prob = torch.log_softmax(output, dim=axis)
    else:
        eps = _config("epsilon", 1e-7)
        output = output / torch.sum(output, dim=axis, keepdim=True)
        log_prob = torch.log(torch.clamp(output, eps, 1.0 - eps))
    t = target.to(device=output.device, dtype=torch.int64)
    n = output.shape[axis]
    valid = (t >= 0) & (t < n)
    picked = torch.gather(log_prob, axis, torch.where(valid, t, 0).unsqueeze(axis)).squeeze(axis)
    return -torch.where(valid, picked, torch.zeros((), dtype=picked.dtype, device=picked.device))


def binary_crossentropy(target, output, from_logits=False):
    target, output = _floats(target, output)
    _same_shape(target, output, "binary_crossentropy")
    if from_logits:
        return -target * F.logsigmoid(output) - (1 - target) * F.logsigmoid(-output)
    eps = _config("epsilon", 1e-7)
    output = torch.clamp(output, eps, 1.0 - eps)
    return -(target * torch.log(output) + (1 - target) * torch.log(1 - output))


# ----------------------------------------------------------------------------- normalization

_HALF = (torch.float16, torch.bfloat16)


def moments(x, axes, keepdims=False, synchronized=False):
    x = _f(x)
    original = x.dtype
    if original in _HALF:
        x = x.to(torch.float32)
    axes = _convert.axes_tuple(
        axes if isinstance(axes, (tuple, list)) else (axes,), x.ndim, "moments"
    )
    mean = torch.mean(x, dim=axes, keepdim=True)
    variance = torch.mean(torch.square(x - mean), dim=axes, keepdim=True)
    if not keepdims:
        shape = [d for i, d in enumerate(x.shape) if i not in axes]
        mean, variance = mean.reshape(shape), variance.reshape(shape)
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
        shape = nn_args.along_axis(tuple(v.shape), tuple(x.shape), axis, name)
        return v if shape is None else v.reshape(shape)

    inv = torch.rsqrt(along(variance, "variance") + epsilon)
    if scale is not None:
        inv = inv * along(scale, "scale")
    y = (x - along(mean, "mean")) * inv
    if offset is not None:
        y = y + along(offset, "offset")
    return y


def normalize(x, axis=-1, order=2, epsilon=None):
    x = _f(x)
    if epsilon is None:
        epsilon = _config("epsilon", 1e-7)
    axis = _convert.axes_tuple(axis, x.ndim, "normalize")
    if order == 2:
        norm = torch.sqrt(torch.sum(torch.square(x), dim=axis, keepdim=True))
    elif order == 1:
        norm = torch.sum(torch.abs(x), dim=axis, keepdim=True)
    elif order in (math.inf, "inf"):
        norm = torch.amax(torch.abs(x), dim=axis, keepdim=True)
    elif isinstance(order, (int, float)) and order > 0:
        norm = torch.sum(torch.abs(x) ** order, dim=axis, keepdim=True) ** (1.0 / order)
    else:
        raise OpInputError(
            "ops.normalize: unsupported `order`.",
            expected="a positive number or inf",
            received=repr(order),
        )
    return x / torch.where(
        norm > epsilon, norm, torch.full((), epsilon, dtype=x.dtype, device=x.device)
    )


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    rms_scaling = kwargs.pop("rms_scaling", False)
    if kwargs:
        raise OpInputError(
            "ops.layer_normalization: unexpected keyword arguments.",
            expected="gamma, beta, axis, epsilon (rms_scaling)",
            received=repr(sorted(kwargs)),
        )
    x = _f(x)
    original = x.dtype
    if original in _HALF:
        x = x.to(torch.float32)
    if epsilon is None:
        epsilon = _config("epsilon", 1e-7)
    axes = _convert.axes_tuple(
        axis if isinstance(axis, (tuple, list)) else (axis,), x.ndim, "layer_normalization"
    )
    shape = [x.shape[i] if i in axes else 1 for i in range(x.ndim)]

    def param(p):
        p = cast(_convert.tensor_of(p), x.dtype)
        return p.reshape(shape) if p.ndim and p.ndim != x.ndim else p

    trailing = tuple(sorted(axes)) == tuple(range(x.ndim - len(axes), x.ndim))
    if not rms_scaling and trailing:
        norm_shape = x.shape[x.ndim - len(axes) :]

        def flat(p):
            if p is None:
                return None
            p = cast(_convert.tensor_of(p), x.dtype)
            return p.reshape(norm_shape) if p.numel() == math.prod(norm_shape) else None

        w, b = flat(gamma), flat(beta)
        if (gamma is None or w is not None) and (beta is None or b is not None):
            return cast(F.layer_norm(x, norm_shape, w, b, float(epsilon)), original)
    if rms_scaling:
        y = x * torch.rsqrt(torch.mean(torch.square(x), dim=axes, keepdim=True) + epsilon)
    else:
        mean = torch.mean(x, dim=axes, keepdim=True)
        centred = x - mean
        variance = torch.mean(torch.square(centred), dim=axes, keepdim=True)
        y = centred * torch.rsqrt(variance + epsilon)
    if gamma is not None:
        y = y * param(gamma)
    if beta is not None and not rms_scaling:
        y = y + param(beta)
    return cast(y, original)


def rms_normalization(x, scale=1, axis=-1, epsilon=None):
    x = _f(x)
    if epsilon is None:
        epsilon = _config("epsilon", 1e-7)
    axes = _convert.axes_tuple(
        axis if isinstance(axis, (tuple, list)) else (axis,), x.ndim, "rms_normalization"
    )
    y = x / torch.sqrt(torch.mean(torch.square(x), dim=axes, keepdim=True) + epsilon)
    if isinstance(scale, (int, float)):
        return y * scale
    return y * cast(_convert.tensor_of(scale), y.dtype)


def psnr(x1, x2, max_val):
    x1, x2 = _floats(x1, x2)
    _same_shape(x1, x2, "psnr", ("x1", "x2"))
    mse = torch.mean(torch.square(x1 - x2))
    return 20 * torch.log10(torch.tensor(max_val, dtype=mse.dtype, device=mse.device)) - (
        10 * torch.log10(mse)
    )


def polar(abs_, angle):
    r, theta = _floats(abs_, angle)
    if r.dtype in COMPLEX:
        r, theta = r.real, theta.real
    if r.dtype in _HALF:
        return torch.polar(r.float(), theta.float())
    return torch.polar(r, theta)


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
    q, k, v = _floats(query, key, value)
    squeeze = q.ndim == 3
    if squeeze:
        q, k, v = q[None], k[None], v[None]
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
        k = torch.repeat_interleave(k, heads // kv_heads, dim=2)
        v = torch.repeat_interleave(v, heads // kv_heads, dim=2)
    original = q.dtype
    if original in _HALF:
        q, k, v = q.float(), k.float(), v.float()
    if scale is None:
        scale = 1.0 / math.sqrt(q.shape[-1])
    qt, kt, vt = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
    if (
        bias is None
        and mask is None
        and attn_logits_soft_cap is None
        and (not is_causal or flash_attention is not False)
    ):
        out = F.scaled_dot_product_attention(
            qt, kt, vt, is_causal=bool(is_causal), scale=float(scale)
        )
    else:
        logits = torch.matmul(qt, kt.transpose(-1, -2)) * scale
        if attn_logits_soft_cap is not None:
            cap = attn_logits_soft_cap
            logits = cap * torch.tanh(logits / cap)
        if bias is not None:
            logits = logits + cast(_convert.tensor_of(bias), logits.dtype)
        allowed = None
        if mask is not None:
            allowed = _convert.tensor_of(mask).to(device=logits.device) != 0
        if is_causal:
            steps, sources = q.shape[1], k.shape[1]
            causal = torch.tril(
                torch.ones((steps, sources), dtype=torch.bool, device=logits.device)
            )
            allowed = causal if allowed is None else (allowed & causal)
        if allowed is not None:
            big = torch.finfo(logits.dtype).min
            logits = torch.where(
                allowed, logits, torch.full((), big, dtype=logits.dtype, device=logits.device)
            )
        out = torch.matmul(torch.softmax(logits, dim=-1), vt)
    out = cast(out.transpose(1, 2), original)
    return out[0] if squeeze else out


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    output = _f(output)
    target = _convert.tensor_of(target)
    if output.ndim != 3 or target.ndim != 2 or target.shape[0] != output.shape[0]:
        raise OpInputError(
            "ops.ctc_loss: expected target (batch, max_label_length) and output "
            "(batch, max_time, num_classes).",
            expected="target rank 2 and output rank 3 with the same batch size",
            received=f"target shape {tuple(target.shape)}, output shape {tuple(output.shape)}",
        )
    dt = output.dtype
    work = output if dt in (torch.float32, torch.float64) else output.to(torch.float32)
    device = work.device
    t_len = _convert.tensor_of(target_length).to(device=device, dtype=torch.int64).reshape(-1)
    o_len = _convert.tensor_of(output_length).to(device=device, dtype=torch.int64).reshape(-1)
    log_probs = torch.log_softmax(work, dim=-1).transpose(0, 1)  # (T, B, C)
    loss = F.ctc_loss(
        log_probs,
        target.to(device=device, dtype=torch.int64),
        o_len,
        t_len,
        blank=int(mask_index),
        reduction="none",
        zero_infinity=False,
    )
    return cast(loss, dt)


_BRIDGED = ("ctc_decode",)
