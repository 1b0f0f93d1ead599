"""The NumPy backend's fused Threefry (``_threefry.py``): Random123's known answers, jax.random's
values, and exactly the op-composed reference bits of core."""

import numpy as np
import pytest
from autograd import grad

from tholos import config, ops
from tholos.backend._state import current
from tholos.random import threefry
from tholos_backend_numpy import _threefry

# Random123's kat_vectors for threefry2x32_20: counter, key -> output.
KAT = [
    ((0x00000000, 0x00000000), (0x00000000, 0x00000000), (0x6B200159, 0x99BA4EFE)),
    ((0xFFFFFFFF, 0xFFFFFFFF), (0xFFFFFFFF, 0xFFFFFFFF), (0x1CB996FC, 0xBB002BE7)),
    ((0x243F6A88, 0x85A308D3), (0x13198A2E, 0x03707344), (0xC4923A9C, 0x483DF7A0)),
]
SEEDS = [[0, 0], [0, 42], [7, 11], [0xFFFFFFFF, 0xFFFFFFFF], [0x13198A2E, 0x03707344]]
SHAPES = [(), (0,), (3, 0), (1,), (7,), (5, 3), (2, 3, 5), (1000,)]


@pytest.fixture(autouse=True)
def _numpy_backend():
    with config.use_backend("numpy"):
        yield


def u32(values):
    return np.asarray(values, dtype="uint32")


def test_hooks_are_on_the_backend_namespace():
    assert current().impl.random.threefry_block is _threefry.threefry_block
    assert current().impl.random.threefry_bits is _threefry.threefry_bits


@pytest.mark.parametrize("ctr,key,expected", KAT, ids=["zeros", "ones", "pi"])
def test_known_answers(ctr, key, expected):
    y0, y1 = _threefry.threefry2x32(u32(key[0]), u32(key[1]), u32(ctr[0]), u32(ctr[1]))
    assert y0.dtype == y1.dtype == np.uint32 and y0.shape == ()
    assert (int(y0), int(y1)) == expected
    y0, y1 = _threefry.threefry2x32(u32(key[0]), u32(key[1]), u32([ctr[0]] * 3), u32(ctr[1]))
    np.testing.assert_array_equal(y0, [expected[0]] * 3)
    np.testing.assert_array_equal(y1, [expected[1]] * 3)


def test_matches_jax_random_values():
    np.testing.assert_array_equal(
        _threefry.threefry_bits(u32([0, 42]), (2, 3)),
        [[2098992034, 2919706841, 2646866425], [2409546199, 1935504149, 2516274904]],
    )
    y0, y1 = _threefry.threefry_block(u32([0, 42]), (2,))
    np.testing.assert_array_equal(
        np.stack([y0, y1], 1), [[1832780943, 270669613], [64467757, 2916123636]]
    )


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"{s[0]:x}-{s[1]:x}")
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_equals_the_op_composed_reference(seed, shape):
    with threefry.use_fused(False):
        ref0, ref1 = (ops.convert_to_numpy(w) for w in threefry.block(u32(seed), shape))
    y0, y1 = _threefry.threefry_block(u32(seed), shape)
    bits = _threefry.threefry_bits(u32(seed), shape)
    for got, want in ((y0, ref0), (y1, ref1), (bits, ref0 ^ ref1)):
        assert isinstance(got, np.ndarray) and got.dtype == np.uint32 and got.shape == shape
        np.testing.assert_array_equal(got, want)


def test_seed_inside_autograd_trace():
    """Under autograd (the NumPy trainer) a draw inside the loss is a constant."""
    from tholos import random

    seed = u32([0, 9])
    with threefry.use_fused(False):
        mask = ops.convert_to_numpy(random.dropout(np.ones(64, "float64"), 0.5, seed=seed))

    def loss(w):
        return (random.dropout(w, 0.5, seed=seed) * w).sum()

    w = np.arange(64, dtype="float64")
    np.testing.assert_array_equal(grad(loss)(w), 2 * w * mask)
