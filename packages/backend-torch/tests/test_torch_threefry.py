"""The torch backend's fused Threefry (``_threefry.py``, int64 words with lazy masking):
Random123's known answers, jax.random's values, and exactly the op-composed reference bits.
The checks shared by every backend are in :mod:`tholos.random._testing`."""

import numpy as np
import pytest
import torch

from tholos.random import _testing as T
from tholos.random import threefry
from tholos_backend_torch import _threefry


def test_hooks_are_on_the_backend_namespace():
    T.check_hooks_installed(_threefry)


@pytest.mark.parametrize("ctr,key,expected", T.KNOWN_ANSWERS, ids=T.KNOWN_ANSWER_IDS)
def test_known_answers(ctr, key, expected):
    y0, _ = T.check_known_answer(_threefry.threefry2x32, ctr, key, expected)
    assert y0.dtype == torch.uint32


def test_matches_jax_random_values():
    np.testing.assert_array_equal(
        T.to_numpy(_threefry.threefry_bits(T.u32([0, 42]), (2, 3))), T.JAX_BITS_KEY42
    )


@pytest.mark.parametrize("seed", T.SEEDS, ids=T.seed_id)
@pytest.mark.parametrize("shape", T.SHAPES, ids=str)
def test_equals_the_op_composed_reference(seed, shape):
    for got in T.check_equals_reference(_threefry, seed, shape):
        assert got.dtype == torch.uint32


def test_int64_seed_and_samplers_same_with_and_without_hooks():
    np.testing.assert_array_equal(
        T.to_numpy(_threefry.threefry_bits(torch.tensor([7, 11]), (6,))),
        T.to_numpy(_threefry.threefry_bits(T.u32([7, 11]), (6,))),
    )
    T.check_samplers_same_with_and_without_hooks()


def test_traces_under_torch_compile():
    """Dynamo captures the whole draw as one graph (the ``eager`` compiler keeps this fast;
    inductor compiles the same graph)."""
    shape = (5, 3)
    compiled = torch.compile(
        lambda seed: _threefry.threefry_bits(seed, shape), backend="eager", fullgraph=True
    )
    for seed in T.SEEDS[:3]:
        with threefry.use_fused(False):
            expected = T.to_numpy(threefry.random_bits(T.u32(seed), shape))
        np.testing.assert_array_equal(T.to_numpy(compiled(T.u32(seed))), expected)
