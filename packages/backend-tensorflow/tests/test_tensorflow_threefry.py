"""The TensorFlow backend's fused Threefry (``_threefry.py``): Random123's known answers,
jax.random's values, exactly the op-composed reference bits, eagerly and inside
``tf.function`` (with and without XLA), with static shapes in the graph. The checks shared by
every backend are in :mod:`tholos.random._testing`."""

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from tholos import random  # noqa: E402
from tholos.random import _testing as T  # noqa: E402
from tholos.random import threefry  # noqa: E402


@pytest.fixture
def fused(tf_backend):
    from tholos_backend_tensorflow import _threefry

    return _threefry


def test_hooks_are_on_the_backend_namespace(fused):
    T.check_hooks_installed(fused)


@pytest.mark.parametrize("ctr,key,expected", T.KNOWN_ANSWERS, ids=T.KNOWN_ANSWER_IDS)
def test_known_answers(fused, ctr, key, expected):
    y0, _ = T.check_known_answer(fused.threefry2x32, ctr, key, expected)
    assert y0.dtype == tf.uint32


def test_matches_jax_random_values(fused):
    np.testing.assert_array_equal(
        fused.threefry_bits(T.u32([0, 42]), (2, 3)).numpy(), T.JAX_BITS_KEY42
    )


@pytest.mark.parametrize("seed", T.SEEDS, ids=T.seed_id)
@pytest.mark.parametrize("shape", T.SHAPES, ids=str)
def test_equals_the_op_composed_reference(fused, seed, shape):
    for got in T.check_equals_reference(fused, seed, shape):
        assert got.dtype == tf.uint32


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

    T.check_step(step, shape)
    assert static and all(s == (shape, shape) for s in static)


def test_samplers_same_with_and_without_hooks(fused):
    T.check_samplers_same_with_and_without_hooks()
