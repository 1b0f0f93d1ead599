"""The image op family through ``tholos.ops``."""

from __future__ import annotations

import colorsys

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from tholos import ops
from tholos.errors import OpInputError

RNG = np.random.default_rng(7)


def arr(x):
    return np.asarray(ops.convert_to_numpy(x))


def bilinear_ref(img, out_h, out_w):
    """Half-pixel-centre bilinear resize with edge clamping (TF2 semantics), by loops."""
    h, w = img.shape[:2]
    out = np.zeros((out_h, out_w, img.shape[2]))
    for i in range(out_h):
        for j in range(out_w):
            y = min(max((i + 0.5) * h / out_h - 0.5, 0), h - 1)
            x = min(max((j + 0.5) * w / out_w - 0.5, 0), w - 1)
            y0, x0 = int(np.floor(y)), int(np.floor(x))
            y1, x1 = min(y0 + 1, h - 1), min(x0 + 1, w - 1)
            fy, fx = y - y0, x - x0
            out[i, j] = (
                img[y0, x0] * (1 - fy) * (1 - fx)
                + img[y0, x1] * (1 - fy) * fx
                + img[y1, x0] * fy * (1 - fx)
                + img[y1, x1] * fy * fx
            )
    return out


@pytest.mark.parametrize("size", [(7, 9), (3, 2), (5, 5), (10, 4)])
def test_resize_bilinear_and_nearest(size):
    img = RNG.normal(size=(5, 6, 2))
    out = arr(ops.resize(img, size))
    np.testing.assert_allclose(out, bilinear_ref(img, *size), rtol=1e-12, atol=1e-12)
    batch = arr(ops.resize(np.stack([img, img + 1]), size))
    np.testing.assert_allclose(batch[1], out + 1, atol=1e-12)
    first = arr(ops.resize(np.moveaxis(img, -1, 0), size, data_format="channels_first"))
    np.testing.assert_allclose(first, np.moveaxis(out, -1, 0), atol=1e-12)
    near = arr(ops.resize(img, size, interpolation="nearest"))
    rows = np.minimum(np.floor((np.arange(size[0]) + 0.5) * 5 / size[0]).astype(int), 4)
    cols = np.minimum(np.floor((np.arange(size[1]) + 0.5) * 6 / size[1]).astype(int), 5)
    np.testing.assert_array_equal(near, img[rows][:, cols])


def test_resize_dtypes_antialias_and_aspect():
    ints = np.arange(16, dtype="uint8").reshape(4, 4, 1)
    assert arr(ops.resize(ints, (2, 2), interpolation="nearest")).dtype == np.uint8
    assert arr(ops.resize(ints, (2, 2))).dtype == np.float32
    img = RNG.normal(size=(8, 8, 1))
    # antialiased 2x downscale with a triangle kernel of width 2: weights 1/8, 3/8, 3/8, 1/8
    aa = arr(ops.resize(img, (4, 8), antialias=True))
    w = np.array([1, 3, 3, 1]) / 8
    np.testing.assert_allclose(aa[1, :, 0], np.tensordot(w, img[1:5, :, 0], 1), atol=1e-12)
    cropped = arr(ops.resize(img[:, :6], (4, 4), crop_to_aspect_ratio=True))
    np.testing.assert_allclose(cropped, arr(ops.resize(img[1:7, :6], (4, 4))), atol=1e-12)
    padded = arr(ops.resize(np.ones((2, 4, 1)), (4, 4), pad_to_aspect_ratio=True, fill_value=0.0))
    np.testing.assert_allclose(padded[:, 0, 0], [0, 1, 1, 0])
    for bad in [
        dict(interpolation="cubic"),
        dict(crop_to_aspect_ratio=True, pad_to_aspect_ratio=True),
    ]:
        with pytest.raises(OpInputError, match="resize"):
            ops.resize(img, (2, 2), **bad)
    with pytest.raises(OpInputError, match="resize"):
        ops.resize(np.ones((3, 3)), (2, 2))


def test_resize_gradient():
    img = RNG.normal(size=(1, 4, 5, 1))
    weights = RNG.normal(size=(1, 3, 7, 1))
    g = grad(lambda v: anp.sum(ops.resize(v, (3, 7)) * weights))(img)
    eps = 1e-6
    num = np.zeros_like(img)
    for i in np.ndindex(*img.shape):
        d = np.zeros_like(img)
        d[i] = eps
        num[i] = np.sum(
            (arr(ops.resize(img + d, (3, 7))) - arr(ops.resize(img - d, (3, 7)))) * weights
        ) / (2 * eps)
    np.testing.assert_allclose(g, num, rtol=1e-6, atol=1e-8)


def test_map_coordinates_modes():
    x = np.array([0.0, 10.0, 20.0, 30.0])
    c = [np.array([-1.5, -1.0, 0.25, 3.5, 4.0, 5.0])]
    constant = arr(ops.map_coordinates(x, c, order=1, fill_value=-10.0))
    np.testing.assert_allclose(constant, [-10.0, -10.0, 2.5, 30 * 0.5 - 10 * 0.5, -10.0, -10.0])
    nearest = arr(ops.map_coordinates(x, c, order=1, fill_mode="nearest"))
    np.testing.assert_allclose(nearest, [0, 0, 2.5, 30, 30, 30])
    wrap = arr(ops.map_coordinates(x, c, order=0, fill_mode="wrap"))
    np.testing.assert_allclose(wrap, x[np.mod(np.rint(c[0]).astype(int), 4)])
    reflect = arr(
        ops.map_coordinates(x, [np.array([-1.0, -2.0, 4.0, 5.0])], order=0, fill_mode="reflect")
    )
    np.testing.assert_allclose(reflect, [0, 10, 30, 20])
    mirror = arr(
        ops.map_coordinates(x, [np.array([-1.0, -2.0, 4.0, 5.0])], order=0, fill_mode="mirror")
    )
    np.testing.assert_allclose(mirror, [10, 20, 20, 10])
    grid = RNG.normal(size=(3, 4))
    pts = [np.array([0.5, 1.25]), np.array([2.0, 0.5])]
    expected = [
        0.5 * (grid[0, 2] + grid[1, 2]),
        0.75 * 0.5 * (grid[1, 0] + grid[1, 1]) + 0.25 * 0.5 * (grid[2, 0] + grid[2, 1]),
    ]
    np.testing.assert_allclose(arr(ops.map_coordinates(grid, pts, order=1)), expected)
    with pytest.raises(OpInputError, match="map_coordinates"):
        ops.map_coordinates(grid, [pts[0]], order=1)


def test_affine_transform():
    img = RNG.normal(size=(2, 4, 5, 3))
    identity = [1, 0, 0, 0, 1, 0, 0, 0]
    np.testing.assert_allclose(arr(ops.affine_transform(img, identity)), img, atol=1e-12)
    shift_down = [1, 0, 0, 0, 1, -1, 0, 0]  # output row y reads input row y - 1
    out = arr(ops.affine_transform(img, shift_down, interpolation="nearest"))
    np.testing.assert_allclose(out[:, 1:], img[:, :-1])
    np.testing.assert_allclose(out[:, 0], 0.0)
    half = arr(ops.affine_transform(img, [1, 0, 0.5, 0, 1, 0, 0, 0], fill_mode="nearest"))
    np.testing.assert_allclose(half[:, :, :-1], 0.5 * (img[:, :, :-1] + img[:, :, 1:]), atol=1e-12)
    per_image = np.array([identity, shift_down], float)
    both = arr(ops.affine_transform(img, per_image, interpolation="nearest"))
    np.testing.assert_allclose(both[0], img[0])
    np.testing.assert_allclose(both[1], out[1])
    cf = arr(
        ops.affine_transform(
            np.moveaxis(img, -1, 1), shift_down, "nearest", data_format="channels_first"
        )
    )
    np.testing.assert_allclose(cf, np.moveaxis(out, -1, 1))


def test_pad_and_crop():
    img = RNG.normal(size=(2, 3, 4, 1))
    padded = arr(ops.pad_images(img, 1, 2, target_height=6, target_width=7))
    assert padded.shape == (2, 6, 7, 1)
    np.testing.assert_array_equal(padded[:, 1:4, 2:6], img)
    assert padded.sum() == pytest.approx(img.sum())
    back = arr(ops.crop_images(padded, 1, 2, 2, 1))
    np.testing.assert_array_equal(back, img)
    cf = arr(ops.pad_images(np.moveaxis(img, -1, 1), 1, 2, 2, 1, data_format="channels_first"))
    np.testing.assert_array_equal(cf, np.moveaxis(padded, -1, 1))
    with pytest.raises(OpInputError, match="pad_images"):
        ops.pad_images(img, 1, 1)
    with pytest.raises(OpInputError, match="crop_images"):
        ops.crop_images(img, 2, 0, 2, 0)


def test_colour_conversions():
    rgb = RNG.uniform(size=(2, 3, 4, 3))
    gray = arr(ops.rgb_to_grayscale(rgb))
    np.testing.assert_allclose(gray[..., 0], rgb @ [0.2989, 0.5870, 0.1140])
    assert arr(ops.rgb_to_grayscale(rgb.astype("float32"))).dtype == np.float32
    hsv = arr(ops.rgb_to_hsv(rgb))
    expected = np.apply_along_axis(lambda p: colorsys.rgb_to_hsv(*p), -1, rgb)
    np.testing.assert_allclose(hsv, expected, atol=1e-12)
    np.testing.assert_allclose(arr(ops.hsv_to_rgb(hsv)), rgb, atol=1e-12)
    np.testing.assert_allclose(arr(ops.rgb_to_hsv(np.full((1, 1, 3), 0.5)))[0, 0], [0, 0, 0.5])
    cf = arr(ops.rgb_to_hsv(np.moveaxis(rgb, -1, 1), data_format="channels_first"))
    np.testing.assert_allclose(cf, np.moveaxis(hsv, -1, 1), atol=1e-12)
    with pytest.raises(OpInputError, match="rgb_to_hsv"):
        ops.rgb_to_hsv(np.ones((2, 2, 3), "int32"))
    with pytest.raises(OpInputError, match="rgb_to_grayscale"):
        ops.rgb_to_grayscale(np.ones((2, 2, 4)))


def test_extract_patches():
    img = np.arange(2 * 4 * 5 * 2, dtype=float).reshape(2, 4, 5, 2)
    out = arr(ops.extract_patches(img, (2, 3), strides=(1, 2)))
    assert out.shape == (2, 3, 2, 12)
    np.testing.assert_array_equal(out[1, 2, 1], img[1, 2:4, 2:5].reshape(-1))
    same = arr(ops.extract_patches(img, 3, strides=2, padding="same"))
    assert same.shape == (2, 2, 3, 18)
    cf = arr(
        ops.extract_patches(np.moveaxis(img, -1, 1), (2, 3), (1, 2), data_format="channels_first")
    )
    np.testing.assert_array_equal(cf, np.moveaxis(out, -1, 1))
    single = arr(ops.extract_patches(img[0], 2))
    assert single.shape == (2, 2, 8)
    np.testing.assert_array_equal(single[1, 1], img[0, 2:4, 2:4].reshape(-1))
