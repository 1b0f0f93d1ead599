"""The JAX backend's fused Threefry (``_threefry.py``): Random123's known answers,
``jax.random``'s own bits, exactly the op-composed reference bits of core, eagerly and inside
``jax.jit``."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from tholos import ops, random
from tholos.backend._state import current
from tholos.random import threefry
from tholos_backend_jax import _threefry

KAT = [
    ((0x00000000, 0x00000000), (0x00000000, 0x00000000), (0x6B200159, 0x99BA4EFE)),
    ((0xFFFFFFFF, 0xFFFFFFFF), (0xFFFFFFFF, 0xFFFFFFFF), (0x1CB996FC, 0xBB002BE7)),
    ((0x243F6A88, 0x85A308D3), (0x13198A2E, 0x03707344), (0xC4923A9C, 0x483DF7A0)),
]
SEEDS = [[0, 0], [0, 42], [7, 11], [0xFFFFFFFF, 0xFFFFFFFF], [0x13198A2E, 0x03707344]]
SHAPES = [(), (0,), (3, 0), (1,), (7,), (5, 3), (2, 3, 5), (1000,)]


def u32(values):
    return jnp.asarray(np.asarray(values, dtype="uint32"))


def reference(seed, shape):
    with threefry.use_fused(False):
        return [np.asarray(w) for w in threefry.block(u32(seed), shape)]


def test_hooks_are_on_the_backend_namespace():
    assert current().impl.random.threefry_block is _threefry.threefry_block
    assert threefry.fused_hook(threefry.BITS_HOOK) is _threefry.threefry_bits


@pytest.mark.parametrize("ctr,key,expected", KAT, ids=["zeros", "ones", "pi"])
def test_known_answers(ctr, key, expected):
    y0, y1 = _threefry.threefry2x32(u32(key[0]), u32(key[1]), u32(ctr[0]), u32(ctr[1]))
    assert y0.dtype == jnp.uint32 and (int(y0), int(y1)) == expected
    y0, y1 = _threefry.threefry2x32(u32(key[0]), u32(key[1]), u32([ctr[0]] * 2), u32(ctr[1]))
    np.testing.assert_array_equal(np.asarray(y0), [expected[0]] * 2)
    np.testing.assert_array_equal(np.asarray(y1), [expected[1]] * 2)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"{s[0]:x}-{s[1]:x}")
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_equals_reference_and_jax_random(seed, shape):
    ref0, ref1 = reference(seed, shape)
    y0, y1 = _threefry.threefry_block(u32(seed), shape)
    bits = _threefry.threefry_bits(u32(seed), shape)
    for got, want in ((y0, ref0), (y1, ref1), (bits, ref0 ^ ref1)):
        assert got.dtype == jnp.uint32 and got.shape == shape
        np.testing.assert_array_equal(np.asarray(got), want)
    key = jax.random.wrap_key_data(u32(seed), impl="threefry2x32")
    if jax.config.jax_threefry_partitionable:
        np.testing.assert_array_equal(
            np.asarray(jax.random.bits(key, shape, jnp.uint32)), ref0 ^ ref1
        )


def test_inside_jit_with_a_traced_seed():
    shape = (4, 33)

    @jax.jit
    def step(seed):
        y0, y1 = threefry.block(seed, shape)
        return threefry.random_bits(seed, shape), y0, y1, random.uniform(shape, seed=seed)

    for seed in SEEDS[:3]:
        bits, y0, y1, uniform = step(u32(seed))
        ref0, ref1 = reference(seed, shape)
        np.testing.assert_array_equal(np.asarray(bits), ref0 ^ ref1)
        np.testing.assert_array_equal(np.asarray(y0), ref0)
        np.testing.assert_array_equal(np.asarray(y1), ref1)
        with threefry.use_fused(False):
            expected = np.asarray(random.uniform(shape, seed=u32(seed)))
        np.testing.assert_array_equal(np.asarray(uniform), expected)


def test_dropout_and_uniform64_same_with_and_without_hooks():
    x = np.linspace(-1.0, 1.0, 513, dtype="float32")
    fused = (
        ops.convert_to_numpy(random.dropout(x, 0.3, seed=5)),
        ops.convert_to_numpy(random.uniform((9,), dtype="float64", seed=2)),
    )
    with threefry.use_fused(False):
        ref = (
            ops.convert_to_numpy(random.dropout(x, 0.3, seed=5)),
            ops.convert_to_numpy(random.uniform((9,), dtype="float64", seed=2)),
        )
    for got, want in zip(fused, ref):
        np.testing.assert_array_equal(got, want)
