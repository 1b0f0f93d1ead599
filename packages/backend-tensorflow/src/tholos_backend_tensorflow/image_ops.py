"""Image ops on TensorFlow.

Resizing is separable: one interpolation-weight matrix per spatial axis (computed from the
static sizes, half-pixel centres), applied with ``tensordot``; this gives the reference's
numbers for every method, antialiasing included. Sampling ops gather the 2**N neighbours of
each coordinate with ``gather_nd``.
"""

from __future__ import annotations

import itertools

import numpy as np
import tensorflow as tf

from tholos.backend.common import conv_args, image_args
from tholos.backend.dtypes import FLOAT_TYPES, floatx
from tholos.errors import OpInputError
from tholos_backend_tensorflow import _convert as C
from tholos_backend_tensorflow._convert import cast, convert, dname, static_shape
from tholos_backend_tensorflow.nn_ops import _normalize_padding, _normalize_tuple


def _float(x):
    if dname(x) not in FLOAT_TYPES:
        x = cast(x, floatx())
    return x


def _images(images, data_format, op):
    """Images as a batched channels-last tensor, plus how to undo that."""
    x = convert(images)
    image_args.check_rank(static_shape(x), op)
    data_format = conv_args.data_format(data_format, op)
    batched = x.shape.rank == 4
    if not batched:
        x = tf.expand_dims(x, 0)
    if data_format == "channels_first":
        x = tf.transpose(x, (0, 2, 3, 1))

    def restore(y):
        if data_format == "channels_first":
            y = tf.transpose(y, (0, 3, 1, 2))
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
        x = tf.pad(
            x,
            [(0, 0), (top, h - height - top), (left, w - width - left), (0, 0)],
            constant_values=tf.constant(fill_value, x.dtype),
        )
    wh = _resize_weights(x.shape[1], target_h, interpolation, antialias)
    ww = _resize_weights(x.shape[2], target_w, interpolation, antialias)
    if interpolation == "nearest":
        rows = tf.constant(np.argmax(wh, axis=1), tf.int32)
        cols = tf.constant(np.argmax(ww, axis=1), tf.int32)
        return restore(tf.gather(tf.gather(x, rows, axis=1), cols, axis=2))
    work = tf.float32 if x.dtype in (tf.float16, tf.bfloat16) else x.dtype
    xw = tf.cast(x, work)
    y = tf.tensordot(xw, tf.constant(wh, work), axes=[[1], [1]])  # (B, W, C, H')
    y = tf.tensordot(y, tf.constant(ww, work), axes=[[1], [1]])  # (B, C, H', W')
    return restore(tf.cast(tf.transpose(y, (0, 2, 3, 1)), x.dtype))


# ----------------------------------------------------------------------------- sampling


def _fix_index(index, size, mode):
    if mode == "constant":
        return tf.clip_by_value(index, 0, size - 1), (index >= 0) & (index < size)
    valid = tf.ones_like(index, dtype=tf.bool)
    if mode == "nearest":
        return tf.clip_by_value(index, 0, size - 1), valid
    if mode == "wrap":
        return tf.math.floormod(index, size), valid
    if mode == "reflect":
        period = 2 * size
        m = tf.math.floormod(index, period)
        return tf.where(m < size, m, period - 1 - m), valid
    if size == 1:
        return tf.zeros_like(index), valid
    period = 2 * size - 2
    m = tf.math.floormod(index, period)
    return tf.where(m < size, m, period - m), valid


def _sample(values, coords, order, fill_mode, fill_value, op, exact_axes=()):
    image_args.sample_args(order, fill_mode, op)
    dtype = values.dtype
    shape = static_shape(values)
    taps = []
    for axis, c in enumerate(coords):
        if axis in exact_axes:
            taps.append([(tf.cast(c, tf.int64), None)])
        elif order == 0:
            taps.append([(tf.cast(tf.round(c), tf.int64), None)])
        else:
            low = tf.floor(c)
            frac = tf.cast(c - low, dtype)
            low = tf.cast(low, tf.int64)
            taps.append([(low, 1 - frac), (low + 1, frac)])
    result = None
    for combo in itertools.product(*(range(len(t)) for t in taps)):
        index, weight, valid = [], None, None
        for axis, choice in enumerate(combo):
            raw, w = taps[axis][choice]
            if axis in exact_axes:
                fixed, ok = raw, None
            else:
                fixed, ok = _fix_index(raw, shape[axis], fill_mode)
            index.append(fixed)
            if ok is not None:
                valid = ok if valid is None else valid & ok
            if w is not None:
                weight = w if weight is None else weight * w
        gathered = tf.gather_nd(values, tf.stack(index, axis=-1))
        if fill_mode == "constant" and valid is not None:
            gathered = tf.where(valid, gathered, tf.constant(fill_value, dtype))
        term = gathered if weight is None else gathered * weight
        result = term if result is None else result + term
    return result


def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    op = "map_coordinates"
    x = convert(inputs)
    if order == 1:
        x = _float(x)
    coords = [cast(convert(c), "float64") for c in coordinates]
    image_args.check_coordinates(x.shape.rank, [static_shape(c) for c in coords], op)
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
    t = cast(convert(transform), "float64")
    if t.shape.rank == 1:
        t = t[None]
    batch, height, width, channels = static_shape(x)
    image_args.check_transform(static_shape(t), batch, op)
    t = tf.broadcast_to(t, (batch, 8))
    ys, xs = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    ys, xs = tf.constant(ys, tf.float64), tf.constant(xs, tf.float64)
    a0, a1, a2, b0, b1, b2, c0, c1 = (t[:, i, None, None] for i in range(8))
    k = c0 * xs + c1 * ys + 1
    src_x = (a0 * xs + a1 * ys + a2) / k
    src_y = (b0 * xs + b1 * ys + b2) / k
    shape = (batch, height, width, channels)
    coords = [
        tf.broadcast_to(tf.constant(np.arange(batch)[:, None, None, None], tf.float64), shape),
        tf.broadcast_to(src_y[..., None], shape),
        tf.broadcast_to(src_x[..., None], shape),
        tf.broadcast_to(tf.constant(np.arange(channels), tf.float64), shape),
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
    op = "pad_images"
    x, restore = _images(images, data_format, op)
    top, bottom = _sides(top_padding, bottom_padding, target_height, x.shape[1], "height", op)
    left, right = _sides(left_padding, right_padding, target_width, x.shape[2], "width", op)
    return restore(tf.pad(x, [(0, 0), (top, bottom), (left, right), (0, 0)]))


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
    h, w = x.shape[1], x.shape[2]
    top, bottom = _sides(top_cropping, bottom_cropping, target_height, h, "height", op)
    left, right = _sides(left_cropping, right_cropping, target_width, w, "width", op)
    image_args.check_crop(top, bottom, left, right, h, w, op)
    return restore(x[:, top : h - bottom, left : w - right, :])


# ----------------------------------------------------------------------------- colour


def _channels(x, n, op):
    image_args.check_channels(static_shape(x), n, op)


def rgb_to_grayscale(images, data_format=None):
    op = "rgb_to_grayscale"
    x, restore = _images(images, data_format, op)
    _channels(x, 3, op)
    original = dname(x)
    xf = _float(x)
    weights = tf.constant([0.2989, 0.5870, 0.1140], xf.dtype)
    gray = tf.reduce_sum(xf * weights, axis=-1, keepdims=True)
    return restore(cast(gray, original))


def _require_float(x, op):
    image_args.require_float(dname(x), op)


def rgb_to_hsv(images, data_format=None):
    op = "rgb_to_hsv"
    x, restore = _images(images, data_format, op)
    _channels(x, 3, op)
    _require_float(x, op)
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    raw = tf.stop_gradient(x)
    top = tf.reduce_max(raw, axis=-1)
    rmax = tf.equal(raw[..., 0], top)
    gmax = tf.equal(raw[..., 1], top) & tf.logical_not(rmax)
    value = tf.where(rmax, r, tf.where(gmax, g, b))
    bottom = tf.argmin(raw, axis=-1)
    minimum = tf.where(tf.equal(bottom, 0), r, tf.where(tf.equal(bottom, 1), g, b))
    delta = value - minimum
    positive = tf.stop_gradient(value) > 0
    saturation = tf.where(
        positive, delta / tf.where(positive, value, tf.ones_like(value)), tf.zeros_like(value)
    )
    moving = tf.stop_gradient(delta) > 0
    safe = tf.where(moving, delta, tf.ones_like(delta))
    hue = tf.where(rmax, (g - b) / safe, tf.where(gmax, 2 + (b - r) / safe, 4 + (r - g) / safe))
    hue = tf.where(moving, hue / 6, tf.zeros_like(hue))
    hue = hue - tf.stop_gradient(tf.floor(hue))
    return restore(tf.stack([hue, saturation, value], axis=-1))


def hsv_to_rgb(images, data_format=None):
    op = "hsv_to_rgb"
    x, restore = _images(images, data_format, op)
    _channels(x, 3, op)
    _require_float(x, op)
    h, s, v = x[..., 0], x[..., 1], x[..., 2]
    six = tf.constant(6, x.dtype)

    def channel(n):
        k = tf.math.floormod(tf.constant(n, x.dtype) + h * six, six)
        m = tf.where(k < 4 - k, k, 4 - k)
        return v - v * s * tf.clip_by_value(m, tf.zeros((), x.dtype), tf.ones((), x.dtype))

    return restore(tf.stack([channel(5), channel(3), channel(1)], axis=-1))


# ----------------------------------------------------------------------------- patches


def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    op = "extract_patches"
    x, restore = _images(images, data_format, op)
    size = _normalize_tuple(size, 2, "size", op)
    strides = size if strides is None else _normalize_tuple(strides, 2, "strides", op)
    dilation = _normalize_tuple(dilation_rate, 2, "dilation_rate", op)
    padding = _normalize_padding(padding, op)
    for n, k, d in zip(static_shape(x)[1:3], size, dilation):
        if padding == "valid" and n < (k - 1) * d + 1:
            raise OpInputError(
                f"ops.{op}: the window is larger than the (unpadded) input.",
                expected="image size >= effective patch size with padding='valid'",
                received=f"shape {static_shape(x)}",
            )
    d = dname(x)
    work = (
        x
        if d
        in (
            "float32",
            "float64",
            "int32",
            "int64",
            "uint8",
            "int8",
            "int16",
            "uint16",
            "float16",
            "bfloat16",
        )
        else cast(x, "int64")
    )
    patches = tf.image.extract_patches(
        work,
        sizes=[1, *size, 1],
        strides=[1, *strides, 1],
        rates=[1, *dilation, 1],
        padding=padding.upper(),
    )
    return restore(cast(patches, d))


__all__ = C.guard_module(globals())
