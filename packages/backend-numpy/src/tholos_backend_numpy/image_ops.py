"""The image op family of the NumPy backend (see ``tholos.backend.contract.image_ops``).

Resizing is separable: one interpolation-weight matrix per spatial axis, applied with
``tensordot`` (differentiable, BLAS). Sampling ops (``affine_transform``,
``map_coordinates``) gather the 2**N neighbours of each coordinate with fancy indexing.
"""

from __future__ import annotations

import math

import autograd.numpy as anp
import numpy as np
from autograd.tracer import getval

from tholos.backend.common import conv_args, image_args
from tholos.backend.dtypes import FLOAT_TYPES, floatx
from tholos_backend_numpy._convert import cast, dtype_name, to_array
from tholos_backend_numpy._windows import (
    im2col,
    normalize_padding,
    normalize_tuple,
    plan,
    select,
)


def _float(x):
    x = to_array(x)
    if dtype_name(x) not in FLOAT_TYPES:
        x = cast(x, floatx())
    return x


def _images(images, data_format, op):
    """Images as a batched channels-last array, plus how to undo that."""
    x = to_array(images)
    image_args.check_rank(x.shape, op)
    data_format = conv_args.data_format(data_format, op)
    batched = x.ndim == 4
    if not batched:
        x = anp.expand_dims(x, 0)
    if data_format == "channels_first":
        x = anp.transpose(x, (0, 2, 3, 1))

    def restore(y):
        if data_format == "channels_first":
            y = anp.transpose(y, (0, 3, 1, 2))
        return y if batched else y[0]

    return x, restore


# ----------------------------------------------------------------------------- resize


def _kernel(name):
    if name == "bilinear":
        return 1.0, lambda t: np.maximum(0.0, 1.0 - np.abs(t))
    if name == "bicubic":
        a = -0.5

        def cubic(t):
            t = np.abs(t)
            near = ((a + 2) * t - (a + 3)) * t * t + 1
            far = ((a * t - 5 * a) * t + 8 * a) * t - 4 * a
            return np.where(t <= 1, near, np.where(t < 2, far, 0.0))

        return 2.0, cubic
    radius = 3.0 if name == "lanczos3" else 5.0

    def lanczos(t):
        return np.where(np.abs(t) < radius, np.sinc(t) * np.sinc(t / radius), 0.0)

    return radius, lanczos


def _resize_weights(in_size, out_size, method, antialias):
    """``(out_size, in_size)`` float64 interpolation matrix, half-pixel centres."""
    scale = in_size / out_size
    centres = (np.arange(out_size) + 0.5) * scale
    if method == "nearest":
        index = np.minimum(np.floor(centres).astype(np.int64), in_size - 1)
        weights = np.zeros((out_size, in_size))
        weights[np.arange(out_size), index] = 1.0
        return weights
    radius, kernel = _kernel(method)
    stretch = max(scale, 1.0) if antialias else 1.0
    offsets = (np.arange(in_size)[None, :] + 0.5 - centres[:, None]) / stretch
    weights = kernel(offsets) * (np.abs(offsets) < radius)
    total = weights.sum(axis=1, keepdims=True)
    return np.where(total != 0, weights / np.where(total == 0, 1, total), 0.0)


_aspect_box = image_args.aspect_box


def resize(
    images,
    size,
    interpolation="bilinear",
    antialias=False,
    crop_to_aspect_ratio=False,
    pad_to_aspect_ratio=False,
    fill_mode="constant",
    fill_value=0.0,
    data_format=None,
):
    op = "resize"
    target_h, target_w = image_args.resize_args(
        size, interpolation, crop_to_aspect_ratio, pad_to_aspect_ratio, fill_mode, op
    )
    x, restore = _images(images, data_format, op)
    if interpolation != "nearest":
        x = _float(x)
    height, width = x.shape[1], x.shape[2]
    if crop_to_aspect_ratio:
        top, left, h, w = _aspect_box(height, width, target_h, target_w, "crop")
        x = x[:, top : top + h, left : left + w, :]
    elif pad_to_aspect_ratio:
        top, left, h, w = _aspect_box(height, width, target_h, target_w, "pad")
        x = anp.pad(
            x,
            [(0, 0), (top, h - height - top), (left, w - width - left), (0, 0)],
            "constant",
            constant_values=fill_value,
        )
    dtype = getval(x).dtype
    wh = _resize_weights(x.shape[1], target_h, interpolation, antialias)
    ww = _resize_weights(x.shape[2], target_w, interpolation, antialias)
    if interpolation == "nearest":
        rows = np.argmax(wh, axis=1)
        cols = np.argmax(ww, axis=1)
        return restore(x[:, rows][:, :, cols])
    y = anp.tensordot(x, wh.astype(dtype), axes=([1], [1]))  # (B, W, C, H')
    y = anp.tensordot(y, ww.astype(dtype), axes=([1], [1]))  # (B, C, H', W')
    return restore(anp.transpose(y, (0, 2, 3, 1)))


# ----------------------------------------------------------------------------- sampling


def _fix_index(index, size, mode):
    """Map integer tap indices into ``[0, size)`` per fill mode; also return validity."""
    if mode == "constant":
        return np.clip(index, 0, size - 1), (index >= 0) & (index < size)
    valid = np.ones(index.shape, bool)
    if mode == "nearest":
        return np.clip(index, 0, size - 1), valid
    if mode == "wrap":
        return np.mod(index, size), valid
    if mode == "reflect":  # half-sample symmetric: d c b a | a b c d | d c b a
        period = 2 * size
        m = np.mod(index, period)
        return np.where(m < size, m, period - 1 - m), valid
    # mirror, whole-sample symmetric: d c b | a b c d | c b a
    if size == 1:
        return np.zeros_like(index), valid
    period = 2 * size - 2
    m = np.mod(index, period)
    return np.where(m < size, m, period - m), valid


def _sample(values, coords, order, fill_mode, fill_value, op, exact_axes=()):
    """Interpolate ``values`` (any rank N) at ``coords`` (list of N arrays of one shape).

    Axes in ``exact_axes`` hold integral, in-range coordinates (read directly).
    """
    image_args.sample_args(order, fill_mode, op)
    dtype = getval(values).dtype
    taps = []
    for axis, c in enumerate(coords):
        if axis in exact_axes:
            taps.append([(c.astype(np.int64), None)])
        elif order == 0:
            taps.append([(np.rint(c).astype(np.int64), None)])
        else:
            low = np.floor(c)
            frac = (c - low).astype(dtype)
            low = low.astype(np.int64)
            taps.append([(low, 1 - frac), (low + 1, frac)])
    result = 0
    for combo in np.ndindex(*(len(t) for t in taps)):
        index, weight, valid = [], None, None
        for axis, choice in enumerate(combo):
            raw, w = taps[axis][choice]
            if axis in exact_axes:
                fixed, ok = raw, np.ones(raw.shape, bool)
            else:
                fixed, ok = _fix_index(raw, values.shape[axis], fill_mode)
            index.append(fixed)
            valid = ok if valid is None else valid & ok
            if w is not None:
                weight = w if weight is None else weight * w
        gathered = values[tuple(index)]
        if fill_mode == "constant":
            gathered = select(valid, gathered, np.asarray(fill_value, dtype))
        result = result + (gathered if weight is None else gathered * weight)
    return result


def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    op = "map_coordinates"
    x = to_array(inputs)
    if order == 1:
        x = _float(x)
    coords = [np.asarray(getval(to_array(c)), dtype=np.float64) for c in coordinates]
    image_args.check_coordinates(x.ndim, [c.shape for c in coords], op)
    return _sample(x, coords, order, fill_mode, fill_value, op)


def affine_transform(
    images,
    transform,
    interpolation="bilinear",
    fill_mode="constant",
    fill_value=0,
    data_format=None,
):
    op = "affine_transform"
    order = image_args.affine_order(interpolation, op)
    x, restore = _images(images, data_format, op)
    x = _float(x)
    t = np.asarray(getval(to_array(transform)), dtype=np.float64)
    if t.ndim == 1:
        t = t[None]
    image_args.check_transform(t.shape, x.shape[0], op)
    t = np.broadcast_to(t, (x.shape[0], 8))
    batch, height, width, channels = x.shape
    ys, xs = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    a0, a1, a2, b0, b1, b2, c0, c1 = (t[:, i, None, None] for i in range(8))
    k = c0 * xs + c1 * ys + 1
    src_x = (a0 * xs + a1 * ys + a2) / k
    src_y = (b0 * xs + b1 * ys + b2) / k
    shape = (batch, height, width, channels)
    coords = [
        np.broadcast_to(np.arange(batch)[:, None, None, None], shape).astype(np.float64),
        np.broadcast_to(src_y[..., None], shape),
        np.broadcast_to(src_x[..., None], shape),
        np.broadcast_to(np.arange(channels), shape).astype(np.float64),
    ]
    y = _sample(x, coords, order, fill_mode, fill_value, op, exact_axes=(0, 3))
    return restore(y)


# ----------------------------------------------------------------------------- pad / crop


_sides = image_args.sides


def pad_images(
    images,
    top_padding=None,
    left_padding=None,
    bottom_padding=None,
    right_padding=None,
    target_height=None,
    target_width=None,
    data_format=None,
):
    x, restore = _images(images, data_format, "pad_images")
    op = "pad_images"
    top, bottom = _sides(top_padding, bottom_padding, target_height, x.shape[1], "height", op)
    left, right = _sides(left_padding, right_padding, target_width, x.shape[2], "width", op)
    return restore(anp.pad(x, [(0, 0), (top, bottom), (left, right), (0, 0)], "constant"))


def crop_images(
    images,
    top_cropping=None,
    left_cropping=None,
    bottom_cropping=None,
    right_cropping=None,
    target_height=None,
    target_width=None,
    data_format=None,
):
    op = "crop_images"
    x, restore = _images(images, data_format, op)
    top, bottom = _sides(top_cropping, bottom_cropping, target_height, x.shape[1], "height", op)
    left, right = _sides(left_cropping, right_cropping, target_width, x.shape[2], "width", op)
    image_args.check_crop(top, bottom, left, right, x.shape[1], x.shape[2], op)
    return restore(x[:, top : x.shape[1] - bottom, left : x.shape[2] - right, :])


# ----------------------------------------------------------------------------- colour


def _channels(x, n, op):
    image_args.check_channels(x.shape, n, op)


def rgb_to_grayscale(images, data_format=None):
    op = "rgb_to_grayscale"
    x, restore = _images(images, data_format, op)
    _channels(x, 3, op)
    original = dtype_name(x)
    xf = _float(x)
    weights = np.array([0.2989, 0.5870, 0.1140], getval(xf).dtype)
    gray = anp.tensordot(xf, weights, axes=([3], [0]))[..., None]
    return restore(cast(gray, original) if original != dtype_name(gray) else gray)


def _require_float(x, op):
    image_args.require_float(dtype_name(x), op)


def rgb_to_hsv(images, data_format=None):
    op = "rgb_to_hsv"
    x, restore = _images(images, data_format, op)
    _channels(x, 3, op)
    _require_float(x, op)
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    raw = getval(x)
    top = np.max(raw, axis=-1)
    rmax = raw[..., 0] == top
    gmax = (raw[..., 1] == top) & ~rmax
    value = select(rmax, r, select(gmax, g, b))
    bottom = np.argmin(raw, axis=-1)
    minimum = select(bottom == 0, r, select(bottom == 1, g, b))
    delta = value - minimum
    positive = getval(value) > 0
    saturation = select(positive, delta / select(positive, value, 1), 0)
    moving = getval(delta) > 0
    safe_delta = select(moving, delta, 1)
    hue = select(
        rmax,
        (g - b) / safe_delta,
        select(gmax, 2 + (b - r) / safe_delta, 4 + (r - g) / safe_delta),
    )
    hue = select(moving, hue / 6, 0)
    hue = hue - np.floor(getval(hue))  # into [0, 1)
    return restore(anp.stack([hue, saturation, value], axis=-1))


def hsv_to_rgb(images, data_format=None):
    op = "hsv_to_rgb"
    x, restore = _images(images, data_format, op)
    _channels(x, 3, op)
    _require_float(x, op)
    h, s, v = x[..., 0], x[..., 1], x[..., 2]

    def channel(n):
        k = anp.mod(n + h * 6, 6)
        return v - v * s * anp.clip(select(k < 4 - k, k, 4 - k), 0, 1)

    return restore(anp.stack([channel(5), channel(3), channel(1)], axis=-1))


# ----------------------------------------------------------------------------- patches


def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    op = "extract_patches"
    x, restore = _images(images, data_format, op)
    size = normalize_tuple(size, 2, "size", op)
    strides = size if strides is None else normalize_tuple(strides, 2, "strides", op)
    dilation = normalize_tuple(dilation_rate, 2, "dilation_rate", op)
    padding = normalize_padding(padding, op)
    pads, geom = plan(x.shape[1:3], size, strides, dilation, padding, op)
    if any(b or a for b, a in pads):
        x = anp.pad(x, [(0, 0), *pads, (0, 0)], "constant")
    cols = im2col(x, geom)  # (B, oh, ow, ph, pw, C)
    patches = anp.reshape(cols, (x.shape[0], *geom.out, math.prod(size) * x.shape[-1]))
    return restore(patches)


__all__ = [
    "affine_transform",
    "crop_images",
    "extract_patches",
    "hsv_to_rgb",
    "map_coordinates",
    "pad_images",
    "resize",
    "rgb_to_grayscale",
    "rgb_to_hsv",
]
