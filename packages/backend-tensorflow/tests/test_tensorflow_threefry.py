"""The TensorFlow backend's fused Threefry (``_threefry.py``): Random123's known answers,
jax.random's values, exactly the op-composed reference bits, eagerly and inside
``tf.function`` (with and without XLA), with static shapes in the graph."""

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from tholos import ops, random  # noqa: E402
from tholos.random import threefry  # noqa: E402

KAT = [
    ((0x00000000, 0x00000000), (0x00000000, 0x00000000), (0x6B200159, 0x99BA4EFE)),
    ((0xFFFFFFFF, 0xFFFFFFFF), (0xFFFFFFFF, 0xFFFFFFFF), (0x1CB996FC, 0xBB002BE7)),
    ((0x243F6A88, 0x85A308D3), (0x13198A2E, 0x03707344), (0xC4923A9C, 0x483DF7A0)),
]
SEEDS = [[0, 0], [0, 42], [7, 11], [0xFFFFFFFF, 0xFFFFFFFF], [0x13198A2E, 0x03707344]]
SHAPES = [(), (0,), (3, 0), (1,), (7,), (5, 3), (2, 3, 5), (1000,)]


@pytest.fixture
def fused(tf_backend):
    from tholos_backend_tensorflow import _threefry

    return _threefry


def u32(values):
    return tf.constant(np.asarray(values, dtype="uint32"))


def reference(seed, shape):
    with threefry.use_fused(False):
        return [ops.convert_to_numpy(w) for w in threefry.block(u32(seed), shape)]


def test_hooks_are_on_the_backend_namespace(tf_backend, fused):
    assert tf_backend.impl.random.threefry_block is fused.threefry_block
    assert threefry.fused_hook(threefry.BITS_HOOK) is fused.threefry_bits


@pytest.mark.parametrize("ctr,key,expected", KAT, ids=["zeros", "ones", "pi"])
def test_known_answers(fused, ctr, key, expected):
    y0, y1 = fused.threefry2x32(u32(key[0]), u32(key[1]), u32(ctr[0]), u32(ctr[1]))
    assert y0.dtype == tf.uint32 and (int(y0), int(y1)) == expected
    y0, y1 = fused.threefry2x32(u32(key[0]), u32(key[1]), u32([ctr[0]] * 2), u32(ctr[1]))
    np.testing.assert_array_equal(y0.numpy(), [expected[0]] * 2)
    np.testing.assert_array_equal(y1.numpy(), [expected[1]] * 2)


def test_matches_jax_random_values(fused):
    np.testing.assert_array_equal(
        fused.threefry_bits(u32([0, 42]), (2, 3)).numpy(),
        [[2098992034, 2919706841, 2646866425], [2409546199, 1935504149, 2516274904]],
    )


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"{s[0]:x}-{s[1]:x}")
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_equals_the_op_composed_reference(fused, seed, shape):
    ref0, ref1 = reference(seed, shape)
    y0, y1 = fused.threefry_block(u32(seed), shape)
    bits = fused.threefry_bits(u32(seed), shape)
    for got, want in ((y0, ref0), (y1, ref1), (bits, ref0 ^ ref1)):
        assert got.dtype == tf.uint32 and tuple(got.shape) == shape
        np.testing.assert_array_equal(got.numpy(), want)


@pytest.mark.parametrize("jit_compile", [False, True], ids=["graph", "xla"])
def test_inside_tf_function(fused, jit_compile):
    shape = (4, 33)
    static = []

    @tf.function(jit_compile=jit_compile)
    def step(seed):
        y0, y1 = threefry.block(seed, shape)
        bits = threefry.random_bits(seed, shape)
        static.append((tuple(bits.shape), tuple(y0.shape)))
        return bits, y0, y1, random.uniform(shape, seed=seed)

    for seed in SEEDS[:3]:
        bits, y0, y1, uniform = step(u32(seed))
        ref0, ref1 = reference(seed, shape)
        np.testing.assert_array_equal(bits.numpy(), ref0 ^ ref1)
        np.testing.assert_array_equal(y0.numpy(), ref0)
        np.testing.assert_array_equal(y1.numpy(), ref1)
        with threefry.use_fused(False):
            expected = ops.convert_to_numpy(random.uniform(shape, seed=u32(seed)))
        np.testing.assert_array_equal(uniform.numpy(), expected)
    assert static and all(s == (shape, shape) for s in static)


def test_samplers_same_with_and_without_hooks(fused):
    x = np.linspace(-1.0, 1.0, 513, dtype="float32")
    draws = [
        lambda: random.dropout(x, 0.3, seed=5),
        lambda: random.uniform((9,), dtype="float64", seed=2),
        lambda: random.randint((77,), 0, 10, seed=3),
    ]
    for draw in draws:
        got = ops.convert_to_numpy(draw())
        with threefry.use_fused(False):
            np.testing.assert_array_equal(got, ops.convert_to_numpy(draw()))
