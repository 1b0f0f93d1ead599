"""The NumPy backend's fused Threefry (``_threefry.py``): Random123's known answers, jax.random's
values, and exactly the op-composed reference bits of core. The checks shared by every backend
are in :mod:`tholos.random._testing`."""

import numpy as np
import pytest
from autograd import grad

from tholos import config, ops
from tholos.random import _testing as T
from tholos.random import threefry
from tholos_backend_numpy import _threefry


@pytest.fixture(autouse=True)
def _numpy_backend():
    with config.use_backend("numpy"):
        yield


def test_hooks_are_on_the_backend_namespace():
    T.check_hooks_installed(_threefry)


@pytest.mark.parametrize("ctr,key,expected", T.KNOWN_ANSWERS, ids=T.KNOWN_ANSWER_IDS)
def test_known_answers(ctr, key, expected):
    y0, y1 = T.check_known_answer(_threefry.threefry2x32, ctr, key, expected, n=3)
    assert y0.dtype == y1.dtype == np.uint32 and y0.shape == ()


def test_matches_jax_random_values():
    np.testing.assert_array_equal(_threefry.threefry_bits(T.u32([0, 42]), (2, 3)), T.JAX_BITS_KEY42)
    y0, y1 = _threefry.threefry_block(T.u32([0, 42]), (2,))
    np.testing.assert_array_equal(
        np.stack([y0, y1], 1), [[1832780943, 270669613], [64467757, 2916123636]]
    )


@pytest.mark.parametrize("seed", T.SEEDS, ids=T.seed_id)
@pytest.mark.parametrize("shape", T.SHAPES, ids=str)
def test_equals_the_op_composed_reference(seed, shape):
    for got in T.check_equals_reference(_threefry, seed, shape):
        assert isinstance(got, np.ndarray) and got.dtype == np.uint32


def test_seed_inside_autograd_trace():
    """Under autograd (the NumPy trainer) a draw inside the loss is a constant."""
    from tholos import random

    seed = T.u32([0, 9])
    with threefry.use_fused(False):
        mask = ops.convert_to_numpy(random.dropout(np.ones(64, "float64"), 0.5, seed=seed))

    def loss(w):
        return (random.dropout(w, 0.5, seed=seed) * w).sum()

    w = np.arange(64, dtype="float64")
    np.testing.assert_array_equal(grad(loss)(w), 2 * w * mask)
