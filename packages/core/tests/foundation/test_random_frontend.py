import numpy as np
import pytest

from tholos import ops, random
from tholos.errors import OpInputError
from tholos.random import SeedGenerator


def test_int_seed_is_reproducible():
    a = ops.convert_to_numpy(random.normal((4,), seed=3))
    b = ops.convert_to_numpy(random.normal((4,), seed=3))
    c = ops.convert_to_numpy(random.normal((4,), seed=4))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_seed_generator_state_is_a_variable_that_advances():
    gen = SeedGenerator(5)
    state0 = gen.state.numpy().copy()
    assert gen.state.dtype == "uint32" and gen.state.shape == (2,)
    assert not gen.state.trainable
    first = ops.convert_to_numpy(random.uniform((3,), seed=gen))
    second = ops.convert_to_numpy(random.uniform((3,), seed=gen))
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(gen.state.numpy(), state0 + [0, 2])
    again = SeedGenerator(5)
    np.testing.assert_array_equal(ops.convert_to_numpy(random.uniform((3,), seed=again)), first)


def test_set_random_seed_makes_unseeded_calls_reproducible():
    random.set_random_seed(11)
    a = ops.convert_to_numpy(random.uniform((5,)))
    random.set_random_seed(11)
    b = ops.convert_to_numpy(random.uniform((5,)))
    np.testing.assert_array_equal(a, b)


def test_dtypes_and_defaults():
    assert ops.convert_to_numpy(random.normal((2,), seed=0)).dtype == np.float32
    assert ops.convert_to_numpy(random.normal((2,), dtype="float64", seed=0)).dtype == np.float64
    assert ops.convert_to_numpy(random.randint((2,), 0, 5, seed=0)).dtype == np.int32


def test_moments():
    x = ops.convert_to_numpy(random.normal((20000,), mean=2.0, stddev=3.0, seed=1))
    assert abs(x.mean() - 2.0) < 0.1
    assert abs(x.std() - 3.0) < 0.1
    u = ops.convert_to_numpy(random.uniform((20000,), seed=2))
    assert abs(u.mean() - 0.5) < 0.02


def test_bad_seed_and_rate():
    with pytest.raises(OpInputError, match="seed"):
        random.normal((2,), seed="abc")
    with pytest.raises(OpInputError, match="rate"):
        random.dropout(ops.ones((2,)), 1.5, seed=0)
    with pytest.raises(OpInputError, match="float"):
        random.normal((2,), dtype="int32", seed=0)
