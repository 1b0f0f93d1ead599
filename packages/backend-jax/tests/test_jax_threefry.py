"""The JAX backend's fused Threefry (``_threefry.py``): Random123's known answers,
``jax.random``'s own bits, exactly the op-composed reference bits of core, eagerly and inside
``jax.jit``. The checks shared by every backend are in :mod:`tholos.random._testing`."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from tholos import random
from tholos.random import _testing as T
from tholos.random import threefry
from tholos_backend_jax import _threefry


def test_hooks_are_on_the_backend_namespace():
    T.check_hooks_installed(_threefry)


@pytest.mark.parametrize("ctr,key,expected", T.KNOWN_ANSWERS, ids=T.KNOWN_ANSWER_IDS)
def test_known_answers(ctr, key, expected):
    y0, _ = T.check_known_answer(_threefry.threefry2x32, ctr, key, expected)
    assert y0.dtype == jnp.uint32


@pytest.mark.parametrize("seed", T.SEEDS, ids=T.seed_id)
@pytest.mark.parametrize("shape", T.SHAPES, ids=str)
def test_equals_reference_and_jax_random(seed, shape):
    for got in T.check_equals_reference(_threefry, seed, shape):
        assert got.dtype == jnp.uint32
    key = jax.random.wrap_key_data(T.u32(seed), impl="threefry2x32")
    if jax.config.jax_threefry_partitionable:
        ref0, ref1 = T.reference_words(seed, shape)
        np.testing.assert_array_equal(
            np.asarray(jax.random.bits(key, shape, jnp.uint32)), ref0 ^ ref1
        )


def test_inside_jit_with_a_traced_seed():
    shape = (4, 33)

    @jax.jit
    def step(seed):
        y0, y1 = threefry.block(seed, shape)
        return threefry.random_bits(seed, shape), y0, y1, random.uniform(shape, seed=seed)

    T.check_step(step, shape)


def test_samplers_same_with_and_without_hooks():
    T.check_samplers_same_with_and_without_hooks()
