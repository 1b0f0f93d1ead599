"""The torch backend's fused Threefry (``_threefry.py``, int64 words with lazy masking):
Random123's known answers, jax.random's values, and exactly the op-composed reference bits."""

import numpy as np
import pytest
import torch

from tholos import ops, random
from tholos.backend._state import current
from tholos.random import threefry
from tholos_backend_torch import _threefry

KAT = [
    ((0x00000000, 0x00000000), (0x00000000, 0x00000000), (0x6B200159, 0x99BA4EFE)),
    ((0xFFFFFFFF, 0xFFFFFFFF), (0xFFFFFFFF, 0xFFFFFFFF), (0x1CB996FC, 0xBB002BE7)),
    ((0x243F6A88, 0x85A308D3), (0x13198A2E, 0x03707344), (0xC4923A9C, 0x483DF7A0)),
]
SEEDS = [[0, 0], [0, 42], [7, 11], [0xFFFFFFFF, 0xFFFFFFFF], [0x13198A2E, 0x03707344]]
SHAPES = [(), (0,), (3, 0), (1,), (7,), (5, 3), (2, 3, 5), (1000,)]


def u32(values):
    return ops.convert_to_tensor(np.asarray(values, dtype="uint32"))


def C(x):
    return ops.convert_to_numpy(x)


def test_hooks_are_on_the_backend_namespace():
    assert current().impl.random.threefry_block is _threefry.threefry_block
    assert threefry.fused_hook(threefry.BITS_HOOK) is _threefry.threefry_bits


@pytest.mark.parametrize("ctr,key,expected", KAT, ids=["zeros", "ones", "pi"])
def test_known_answers(ctr, key, expected):
    y0, y1 = _threefry.threefry2x32(u32(key[0]), u32(key[1]), u32(ctr[0]), u32(ctr[1]))
    assert y0.dtype == torch.uint32 and (int(C(y0)), int(C(y1))) == expected
    y0, y1 = _threefry.threefry2x32(u32(key[0]), u32(key[1]), u32([ctr[0]] * 2), u32(ctr[1]))
    np.testing.assert_array_equal(C(y0), [expected[0]] * 2)
    np.testing.assert_array_equal(C(y1), [expected[1]] * 2)


def test_matches_jax_random_values():
    np.testing.assert_array_equal(
        C(_threefry.threefry_bits(u32([0, 42]), (2, 3))),
        [[2098992034, 2919706841, 2646866425], [2409546199, 1935504149, 2516274904]],
    )


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"{s[0]:x}-{s[1]:x}")
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_equals_the_op_composed_reference(seed, shape):
    with threefry.use_fused(False):
        ref0, ref1 = (C(w) for w in threefry.block(u32(seed), shape))
    y0, y1 = _threefry.threefry_block(u32(seed), shape)
    bits = _threefry.threefry_bits(u32(seed), shape)
    for got, want in ((y0, ref0), (y1, ref1), (bits, ref0 ^ ref1)):
        assert got.dtype == torch.uint32 and tuple(got.shape) == shape
        np.testing.assert_array_equal(C(got), want)


def test_int64_seed_and_samplers_same_with_and_without_hooks():
    np.testing.assert_array_equal(
        C(_threefry.threefry_bits(torch.tensor([7, 11]), (6,))),
        C(_threefry.threefry_bits(u32([7, 11]), (6,))),
    )
    x = np.linspace(-1.0, 1.0, 513, dtype="float32")
    draws = [
        lambda: random.dropout(x, 0.3, seed=5),
        lambda: random.uniform((9,), dtype="float64", seed=2),
        lambda: random.randint((77,), 0, 10, seed=3),
    ]
    for draw in draws:
        fused = C(draw())
        with threefry.use_fused(False):
            np.testing.assert_array_equal(fused, C(draw()))


def test_traces_under_torch_compile():
    """Dynamo captures the whole draw as one graph (the ``eager`` compiler keeps this fast;
    inductor compiles the same graph)."""
    shape = (5, 3)
    compiled = torch.compile(
        lambda seed: _threefry.threefry_bits(seed, shape), backend="eager", fullgraph=True
    )
    for seed in SEEDS[:3]:
        with threefry.use_fused(False):
            expected = C(threefry.random_bits(u32(seed), shape))
        np.testing.assert_array_equal(C(compiled(u32(seed))), expected)
