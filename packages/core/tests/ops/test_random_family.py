"""Random op family: the backend's stateless samplers (explicit (2,) uint32 seeds) and the
public front end on top of them."""

import autograd
import numpy as np
import pytest

from tholos import ops, random
from tholos.backend import _state
from tholos.errors import OpInputError

SEED = np.array([12, 34], dtype="uint32")
OTHER = np.array([12, 35], dtype="uint32")


@pytest.fixture
def rnd():
    """The active backend's random family."""
    return _state.current().random


SAMPLERS = {
    "normal": lambda r, seed: r.normal((1000,), seed=seed),
    "uniform": lambda r, seed: r.uniform((1000,), seed=seed),
    "truncated_normal": lambda r, seed: r.truncated_normal((1000,), seed=seed),
    "randint": lambda r, seed: r.randint((1000,), 0, 100, seed=seed),
    "categorical": lambda r, seed: r.categorical(np.zeros((2, 10)), 500, seed=seed),
    "dropout": lambda r, seed: r.dropout(np.ones(1000), 0.5, seed=seed),
    "shuffle": lambda r, seed: r.shuffle(np.arange(1000), seed=seed),
    "gamma": lambda r, seed: r.gamma((1000,), 2.0, seed=seed),
    "beta": lambda r, seed: r.beta((1000,), 2.0, 3.0, seed=seed),
    "binomial": lambda r, seed: r.binomial((1000,), 10, 0.5, seed=seed),
}


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_determinism(rnd, name):
    draw = SAMPLERS[name]
    a, b, c = draw(rnd, SEED), draw(rnd, SEED.copy()), draw(rnd, OTHER)
    np.testing.assert_array_equal(ops.convert_to_numpy(a), ops.convert_to_numpy(b))
    assert not np.array_equal(ops.convert_to_numpy(a), ops.convert_to_numpy(c))


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_seed_is_required(rnd, name):
    with pytest.raises(OpInputError, match="seed"):
        SAMPLERS[name](rnd, None)


def test_seed_validation(rnd):
    with pytest.raises(OpInputError, match="normal"):
        rnd.normal((2,), seed=np.array([1, 2, 3], "uint32"))
    with pytest.raises(OpInputError, match="normal"):
        rnd.normal((2,), seed=np.array([1.0, 2.0]))


def test_normal_moments_and_dtypes(rnd):
    x = ops.convert_to_numpy(rnd.normal((200_000,), mean=3.0, stddev=2.0, seed=SEED))
    assert x.dtype == np.float32
    assert abs(x.mean() - 3.0) < 0.02 and abs(x.std() - 2.0) < 0.02
    assert ops.dtype(rnd.normal((2, 3), dtype="float64", seed=SEED)) == "float64"
    assert ops.shape(rnd.normal((2, 0, 3), seed=SEED)) == (2, 0, 3)
    with pytest.raises(OpInputError, match="normal"):
        rnd.normal((2,), dtype="int32", seed=SEED)


def test_uniform(rnd):
    x = ops.convert_to_numpy(rnd.uniform((200_000,), minval=-1.0, maxval=3.0, seed=SEED))
    assert x.min() >= -1.0 and x.max() < 3.0
    assert abs(x.mean() - 1.0) < 0.02 and abs(x.var() - 16 / 12) < 0.02
    h = ops.convert_to_numpy(
        rnd.uniform((100_000,), minval=0.0, maxval=1.0, dtype="float16", seed=SEED)
    )
    assert h.dtype == np.float16 and h.max() < 1.0
    with pytest.raises(OpInputError, match="randint"):
        rnd.uniform((2,), dtype="int32", seed=SEED)


def test_truncated_normal(rnd):
    x = ops.convert_to_numpy(rnd.truncated_normal((200_000,), mean=1.0, stddev=0.5, seed=SEED))
    assert np.all(np.abs(x - 1.0) <= 1.0 + 1e-6)
    assert abs(x.mean() - 1.0) < 0.01
    # Standard deviation of a standard normal truncated to [-2, 2]: 0.8796.
    assert abs(x.std() / 0.5 - 0.8796) < 0.01


def test_randint(rnd):
    x = ops.convert_to_numpy(rnd.randint((100_000,), 2, 7, seed=SEED))
    assert x.dtype == np.int32 and x.min() == 2 and x.max() == 6
    counts = np.bincount(x)[2:]
    assert np.all(np.abs(counts / 100_000 - 0.2) < 0.01)
    assert ops.dtype(rnd.randint((3,), 0, 5, dtype="int64", seed=SEED)) == "int64"
    with pytest.raises(OpInputError, match="randint"):
        rnd.randint((3,), 0, 5, dtype="float32", seed=SEED)
    with pytest.raises(OpInputError, match="randint"):
        rnd.randint((3,), 5, 5, seed=SEED)


def test_categorical(rnd):
    with np.errstate(divide="ignore"):
        logits = np.log(np.array([[0.2, 0.3, 0.5], [0.0, 1.0, 0.0]]))
    x = ops.convert_to_numpy(rnd.categorical(logits, 50_000, seed=SEED))
    assert x.shape == (2, 50_000) and x.dtype == np.int32
    freq = np.bincount(x[0], minlength=3) / 50_000
    np.testing.assert_allclose(freq, [0.2, 0.3, 0.5], atol=0.01)
    assert np.all(x[1] == 1)  # -inf logits are never drawn
    assert ops.dtype(rnd.categorical(logits, 2, dtype="int64", seed=SEED)) == "int64"
    with pytest.raises(OpInputError, match="categorical"):
        rnd.categorical(np.zeros(3), 2, seed=SEED)


def test_dropout(rnd):
    x = np.full(100_000, 3.0, dtype="float32")
    y = ops.convert_to_numpy(rnd.dropout(x, 0.25, seed=SEED))
    assert y.dtype == np.float32
    assert set(np.unique(y).tolist()) == {0.0, 4.0}  # kept values scaled by 1 / (1 - rate)
    assert abs((y == 0).mean() - 0.25) < 0.01
    np.testing.assert_array_equal(ops.convert_to_numpy(rnd.dropout(x[:10], 0.0, seed=SEED)), x[:10])
    np.testing.assert_array_equal(
        ops.convert_to_numpy(rnd.dropout(x[:10], 1.0, seed=SEED)), np.zeros(10)
    )
    with pytest.raises(OpInputError, match="dropout"):
        rnd.dropout(x, 1.5, seed=SEED)


def test_dropout_noise_shape(rnd):
    y = ops.convert_to_numpy(rnd.dropout(np.ones((50, 8)), 0.5, noise_shape=(None, 1), seed=SEED))
    for row in y:  # one decision per row, broadcast over the columns
        assert len(set(row.tolist())) == 1
    y = ops.convert_to_numpy(rnd.dropout(np.ones((4, 200)), 0.5, noise_shape=(1, 200), seed=SEED))
    assert np.all(y == y[0])


def test_dropout_gradient(rnd):
    x = np.linspace(1.0, 2.0, 20)
    mask = ops.convert_to_numpy(rnd.dropout(np.ones(20), 0.3, seed=SEED))
    grad = autograd.grad(lambda v: (rnd.dropout(v, 0.3, seed=SEED) * np.arange(20.0)).sum())(x)
    np.testing.assert_allclose(grad, mask * np.arange(20.0))


def test_shuffle(rnd):
    x = np.arange(20).reshape(10, 2)
    y = ops.convert_to_numpy(rnd.shuffle(x, seed=SEED))
    assert sorted(y[:, 0].tolist()) == list(range(0, 20, 2))
    np.testing.assert_array_equal(y[:, 1] - y[:, 0], 1)  # rows move whole
    z = ops.convert_to_numpy(rnd.shuffle(x.T, axis=1, seed=SEED))
    np.testing.assert_array_equal(z, y.T)


def test_gamma_beta_binomial_moments(rnd):
    g = ops.convert_to_numpy(rnd.gamma((200_000,), 3.0, seed=SEED))
    assert g.dtype == np.float32 and g.min() > 0
    assert abs(g.mean() - 3.0) < 0.03 and abs(g.var() - 3.0) < 0.06
    b = ops.convert_to_numpy(rnd.beta((200_000,), 2.0, 3.0, dtype="float64", seed=SEED))
    assert b.dtype == np.float64 and b.min() >= 0 and b.max() <= 1
    assert abs(b.mean() - 0.4) < 0.005 and abs(b.var() - 0.04) < 0.002
    n = ops.convert_to_numpy(rnd.binomial((200_000,), 10, 0.3, seed=SEED))
    assert n.dtype == np.float32 and np.all(n == np.round(n)) and n.min() >= 0 and n.max() <= 10
    assert abs(n.mean() - 3.0) < 0.02 and abs(n.var() - 2.1) < 0.03
    per = ops.convert_to_numpy(rnd.binomial((2, 50_000), np.array([[5.0], [20.0]]), 0.5, seed=SEED))
    np.testing.assert_allclose(per.mean(axis=1), [2.5, 10.0], atol=0.05)


def test_front_end_seeded_determinism():
    a = ops.convert_to_numpy(random.normal((3, 4), seed=5))
    b = ops.convert_to_numpy(random.normal((3, 4), seed=5))
    c = ops.convert_to_numpy(random.normal((3, 4), seed=6))
    assert a.shape == (3, 4) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
