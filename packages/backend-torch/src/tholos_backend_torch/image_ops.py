"""Image ops of the torch backend.

``pad_images``, ``crop_images``, the colour conversions and ``extract_patches`` are native
torch. ``resize``, ``affine_transform`` and ``map_coordinates`` are computed by the reference
backend through ``_reference.py`` for now (differentiable, on the host, results moved back to
the inputs' device); native kernels (``F.interpolate``, ``F.grid_sample``) are the next step.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from tholos.backend.common import conv_args, image_args
from tholos_backend_torch._convert import FLOATS, NAMES, cast, floatx_t, tensor_of

_BRIDGED = ("resize", "affine_transform", "map_coordinates")


def _images(images, data_format, op):
    """Images as a batched channels-last tensor, plus how to undo that."""
    x = tensor_of(images)
    image_args.check_rank(x.shape, op)
    first = conv_args.data_format(data_format, op) == "channels_first"
    batched = x.ndim == 4
    if not batched:
        x = x[None]
    if first:
        x = x.permute(0, 2, 3, 1)

    def restore(y):
        if first:
            y = y.permute(0, 3, 1, 2)
        return y if batched else y[0]

    return x, restore


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
    b, h, w, c = x.shape
    out = x.new_zeros((b, h + top + bottom, w + left + right, c))
    out[:, top : top + x.shape[1], left : left + x.shape[2], :] = x
    return restore(out)


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


def _channels(x, n, op):
    image_args.check_channels(x.shape, n, op)


def rgb_to_grayscale(images, data_format=None):
    op = "rgb_to_grayscale"
    x, restore = _images(images, data_format, op)
    _channels(x, 3, op)
    original = x.dtype
    xf = x if original in FLOATS else cast(x, floatx_t())
    weights = torch.tensor([0.2989, 0.5870, 0.1140], dtype=xf.dtype, device=xf.device)
    gray = (xf * weights).sum(-1, keepdim=True)
    return restore(cast(gray, original))


def _require_float(x, op):
    image_args.require_float(NAMES[x.dtype], op)


def rgb_to_hsv(images, data_format=None):
    op = "rgb_to_hsv"
    x, restore = _images(images, data_format, op)
    _channels(x, 3, op)
    _require_float(x, op)
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    raw = x.detach()
    top = raw.amax(-1)
    rmax = raw[..., 0] == top
    gmax = (raw[..., 1] == top) & ~rmax
    value = torch.where(rmax, r, torch.where(gmax, g, b))
    minimum = torch.gather(x, -1, torch.argmin(raw, dim=-1, keepdim=True))[..., 0]
    delta = value - minimum
    positive = value.detach() > 0
    one = torch.ones((), dtype=x.dtype, device=x.device)
    zero = torch.zeros((), dtype=x.dtype, device=x.device)
    saturation = torch.where(positive, delta / torch.where(positive, value, one), zero)
    moving = delta.detach() > 0
    safe = torch.where(moving, delta, one)
    hue = torch.where(
        rmax, (g - b) / safe, torch.where(gmax, 2 + (b - r) / safe, 4 + (r - g) / safe)
    )
    hue = torch.where(moving, hue / 6, zero)
    hue = hue - torch.floor(hue.detach())  # into [0, 1)
    return restore(torch.stack([hue, saturation, value], dim=-1))


def hsv_to_rgb(images, data_format=None):
    op = "hsv_to_rgb"
    x, restore = _images(images, data_format, op)
    _channels(x, 3, op)
    _require_float(x, op)
    h, s, v = x[..., 0], x[..., 1], x[..., 2]

    def channel(n):
        k = torch.remainder(n + h * 6, 6)
        return v - v * s * torch.clamp(torch.minimum(k, 4 - k), 0, 1)

    return restore(torch.stack([channel(5), channel(3), channel(1)], dim=-1))


def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    op = "extract_patches"
    x, restore = _images(images, data_format, op)
    size = conv_args.normalize_tuple(size, 2, "size", op)
    strides = size if strides is None else conv_args.normalize_tuple(strides, 2, "strides", op)
    dilation = conv_args.normalize_tuple(dilation_rate, 2, "dilation_rate", op)
    padding = conv_args.normalize_padding(padding, op)
    pads, _ = conv_args.same_padding(x.shape[1:3], size, strides, dilation, padding, op)
    (pt, pb), (pl, pr) = pads
    if pt or pb or pl or pr:
        x = F.pad(x, (0, 0, pl, pr, pt, pb))
    ext_h = (size[0] - 1) * dilation[0] + 1
    ext_w = (size[1] - 1) * dilation[1] + 1
    # (B, H, W, C) -> (B, oh, ow, C, ext_h, ext_w) -> dilated taps -> (B, oh, ow, kh, kw, C)
    win = x.unfold(1, ext_h, strides[0]).unfold(2, ext_w, strides[1])
    win = win[..., :: dilation[0], :: dilation[1]].permute(0, 1, 2, 4, 5, 3)
    b, oh, ow = win.shape[:3]
    return restore(win.reshape(b, oh, ow, math.prod(size) * x.shape[-1]))
