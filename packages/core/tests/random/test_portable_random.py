"""The portable samplers (the default generator): exact values, determinism, moments."""

import autograd
import numpy as np
import pytest

from tholos import config, ops, random
from tholos.backend import StatelessScope
from tholos.errors import OpInputError
from tholos.random import SeedGenerator, portable, threefry

C = ops.convert_to_numpy


@pytest.fixture(autouse=True)
def portable_generator():
    with config.use_random_generator("portable"):
        yield


def u32(values):
    return ops.convert_to_tensor(np.asarray(values, dtype="uint32"))


def test_default_is_portable():
    assert config.random_generator() == "portable"


def test_uniform_is_the_mantissa_of_the_bits():
    bits = C(threefry.random_bits(u32([0, 9]), (1000,)))
    u = C(random.uniform((1000,), seed=9))
    np.testing.assert_array_equal(u, (bits >> 9).astype(np.float32) * np.float32(2.0**-23))
    assert u.dtype == np.float32 and u.min() >= 0.0 and u.max() < 1.0


def test_uniform_matches_jax_random_uniform():
    # jax.random.uniform(jax.random.PRNGKey(42), (4,)), float32 bit patterns.
    u = C(random.uniform((4,), seed=42))
    assert u.view(np.uint32).tolist() == [1056585764, 1059981104, 1058915320, 1057988288]


def test_uniform_other_dtypes_layout():
    hi, lo = (C(w) for w in threefry.block(u32([0, 3]), (500,)))
    u64 = C(random.uniform((500,), dtype="float64", seed=3))
    expected = (hi.astype(np.float64) * 2.0**20 + (lo >> 12).astype(np.float64)) * 2.0**-52
    np.testing.assert_array_equal(u64, expected)
    bits = C(threefry.random_bits(u32([0, 3]), (500,)))
    u16 = C(random.uniform((500,), dtype="float16", seed=3))
    np.testing.assert_array_equal(u16, (((bits & 0xFFFF) >> 6) * 2.0**-10).astype(np.float16))
    assert u16.dtype == np.float16 and u16.max() < 1.0


def test_uniform_range_half_open():
    x = C(random.uniform((200_000,), minval=-1.0, maxval=3.0, seed=1))
    assert x.min() >= -1.0 and x.max() < 3.0
    assert abs(x.mean() - 1.0) < 0.02 and abs(x.var() - 16 / 12) < 0.02
    # A range so narrow that rounding would hit maxval still stays below it.
    y = C(random.uniform((10_000,), minval=1.0, maxval=1.0000001, seed=1))
    assert y.max() < np.float32(1.0000001) and y.min() >= 1.0


def test_determinism_and_independence():
    for fn in (
        lambda s: random.normal((64,), seed=s),
        lambda s: random.uniform((64,), seed=s),
        lambda s: random.truncated_normal((64,), seed=s),
        lambda s: random.randint((64,), 0, 1000, seed=s),
        lambda s: random.categorical(np.zeros((2, 10), "float32"), 32, seed=s),
        lambda s: random.dropout(np.ones(64, "float32"), 0.5, seed=s),
        lambda s: random.shuffle(np.arange(64), seed=s),
        lambda s: random.gamma((64,), 2.0, seed=s),
        lambda s: random.beta((64,), 2.0, 3.0, seed=s),
        lambda s: random.binomial((64,), 10, 0.5, seed=s),
    ):
        a, b, c = C(fn(3)), C(fn(3)), C(fn(4))
        np.testing.assert_array_equal(a, b)
        assert not np.array_equal(a, c)


def test_normal_moments_and_formula():
    x = C(random.normal((200_000,), mean=3.0, stddev=2.0, seed=1))
    assert x.dtype == np.float32
    assert abs(x.mean() - 3.0) < 0.02 and abs(x.std() - 2.0) < 0.02
    # sqrt(2) * erfinv(u), u uniform on (-1, 1) drawn from the same bits.
    u = C(random.uniform((100,), minval=-1.0 + 2.0**-24, maxval=1.0, seed=1))
    z = C(random.normal((100,), seed=1))
    np.testing.assert_allclose(z, np.sqrt(2.0) * C(ops.erfinv(u)), rtol=1e-6, atol=1e-6)
    assert ops.dtype(random.normal((2,), dtype="float64", seed=1)) == "float64"
    assert ops.dtype(random.normal((2,), dtype="float16", seed=1)) == "float16"
    assert ops.shape(random.normal((2, 0, 3), seed=1)) == (2, 0, 3)


def test_truncated_normal():
    x = C(random.truncated_normal((200_000,), mean=1.0, stddev=0.5, seed=2))
    assert np.all(np.abs(x - 1.0) <= 1.0)
    assert abs(x.mean() - 1.0) < 0.01
    assert abs(x.std() / 0.5 - 0.8796) < 0.01  # std of N(0, 1) truncated to [-2, 2]


def test_randint_values_and_uniformity():
    bits = C(threefry.random_bits(u32([0, 5]), (1000,)))
    x = C(random.randint((1000,), -3, 7, seed=5))
    np.testing.assert_array_equal(x, (bits % 10).astype(np.int64) - 3)
    assert x.dtype == np.int32
    y = C(random.randint((100_000,), 2, 7, seed=5))
    assert y.min() == 2 and y.max() == 6
    assert np.all(np.abs(np.bincount(y)[2:] / 100_000 - 0.2) < 0.01)
    assert ops.dtype(random.randint((3,), 0, 5, dtype="int64", seed=1)) == "int64"
    assert ops.dtype(random.randint((3,), 0, 5, dtype="uint8", seed=1)) == "uint8"
    full = C(random.randint((4,), 0, 2**32, dtype="int64", seed=0))
    np.testing.assert_array_equal(full, C(threefry.random_bits(u32([0, 0]), (4,))))
    with pytest.raises(OpInputError, match="randint"):
        random.randint((3,), 5, 5, seed=1)
    with pytest.raises(OpInputError, match="randint"):
        random.randint((3,), 0, 5, dtype="float32", seed=1)


def test_randint_tensor_bounds():
    x = C(
        random.randint(
            (2, 1000),
            ops.convert_to_tensor([[0], [10]]),
            ops.convert_to_tensor([[3], [12]]),
            seed=2,
        )
    )
    assert set(x[0].tolist()) == {0, 1, 2} and set(x[1].tolist()) == {10, 11}


def test_categorical():
    logits = np.log(np.array([[0.2, 0.3, 0.5], [1e-30, 1.0, 1e-30]], "float32"))
    logits[1, [0, 2]] = -np.inf
    x = C(random.categorical(logits, 50_000, seed=3))
    assert x.shape == (2, 50_000) and x.dtype == np.int32
    np.testing.assert_allclose(np.bincount(x[0], minlength=3) / 50_000, [0.2, 0.3, 0.5], atol=0.01)
    assert np.all(x[1] == 1)
    assert ops.dtype(random.categorical(logits, 2, dtype="int64", seed=3)) == "int64"
    # float64 and float32 logits draw the same noise (portable on backends without float64).
    np.testing.assert_array_equal(
        C(random.categorical(logits.astype("float64"), 100, seed=3)),
        C(random.categorical(logits, 100, seed=3)),
    )
    with pytest.raises(OpInputError, match="categorical"):
        random.categorical(np.zeros(3), 2, seed=0)


def test_dropout_mask_bits():
    """keep <=> float32 uniform < 1 - rate; kept values times float32(1 / (1 - rate))."""
    x = np.linspace(-2.0, 2.0, 10_000).astype("float32")
    y = C(random.dropout(x, 0.3, seed=7))
    u = C(random.uniform((10_000,), seed=7))
    keep = u < np.float32(0.7)
    np.testing.assert_array_equal(y, np.where(keep, x * np.float32(1 / 0.7), np.float32(0)))
    assert abs(keep.mean() - 0.7) < 0.02
    assert y.dtype == np.float32
    np.testing.assert_array_equal(C(random.dropout(x, 0.0, seed=7)), x)


def test_dropout_scale_noise_shape_and_dtypes():
    y = C(random.dropout(np.full(100_000, 3.0, "float32"), 0.25, seed=1))
    assert set(np.unique(y).tolist()) == {0.0, 4.0}
    assert abs((y == 0).mean() - 0.25) < 0.01
    z = C(random.dropout(np.ones((50, 8), "float32"), 0.5, noise_shape=(None, 1), seed=1))
    assert all(len(set(row.tolist())) == 1 for row in z)
    assert 0 < (z[:, 0] == 0).sum() < 50
    h = random.dropout(np.ones(10, "float16"), 0.5, seed=1)
    assert ops.dtype(h) == "float16"
    with pytest.raises(OpInputError, match="noise_shape"):
        random.dropout(np.ones((4, 4)), 0.5, noise_shape=(4,), seed=1)


def test_dropout_gradient():
    x = np.linspace(1.0, 2.0, 20)
    mask = C(random.dropout(np.ones(20), 0.3, seed=4))
    grad = autograd.grad(lambda v: (random.dropout(v, 0.3, seed=4) * np.arange(20.0)).sum())(x)
    np.testing.assert_allclose(grad, mask * np.arange(20.0))


def test_shuffle_is_a_permutation():
    x = np.arange(20).reshape(10, 2)
    y = C(random.shuffle(x, seed=3))
    assert sorted(y[:, 0].tolist()) == list(range(0, 20, 2))
    np.testing.assert_array_equal(y[:, 1] - y[:, 0], 1)
    np.testing.assert_array_equal(C(random.shuffle(x.T, axis=1, seed=3)), y.T)
    big = C(random.shuffle(np.arange(5000), seed=1))
    assert sorted(big.tolist()) == list(range(5000)) and not np.array_equal(big, np.arange(5000))
    # The permutation sorts (stable) by the 31 high bits of the draw.
    keys = C(threefry.random_bits(u32([0, 3]), (10,))) >> 1
    np.testing.assert_array_equal(y[:, 0] // 2, np.argsort(keys, kind="stable"))
    with pytest.raises(OpInputError, match="axis"):
        random.shuffle(np.arange(3), axis=1, seed=0)


def test_shuffle_is_uniform():
    counts = np.zeros((4, 4))
    for s in range(800):
        p = C(random.shuffle(np.arange(4), seed=s))
        counts[np.arange(4), p] += 1
    np.testing.assert_allclose(counts / 800, 0.25, atol=0.06)
    assert portable.shuffle_rounds(1000) == 1 and portable.shuffle_rounds(10**7) == 3


def test_gamma_moments():
    for alpha in (0.3, 1.0, 3.0, 50.0):
        g = C(random.gamma((100_000,), alpha, seed=1))
        assert g.dtype == np.float32 and g.min() >= 0
        assert abs(g.mean() - alpha) < 0.02 * max(alpha, 1) ** 0.5 * 3
        assert abs(g.var() / alpha - 1) < 0.05
    per = C(random.gamma((2, 50_000), np.array([[0.5], [4.0]]), seed=2))
    np.testing.assert_allclose(per.mean(axis=1), [0.5, 4.0], rtol=0.03)
    assert ops.dtype(random.gamma((3,), 2.0, dtype="float64", seed=0)) == "float64"


def test_beta_moments():
    b = C(random.beta((200_000,), 2.0, 3.0, dtype="float64", seed=3))
    assert b.dtype == np.float64 and b.min() >= 0 and b.max() <= 1
    assert abs(b.mean() - 0.4) < 0.005 and abs(b.var() - 0.04) < 0.002
    s = C(random.beta((100_000,), 0.5, 0.5, seed=3))
    assert abs(s.mean() - 0.5) < 0.01 and abs(s.var() - 0.125) < 0.005


@pytest.mark.parametrize("n,p", [(10, 0.3), (5, 0.9), (100, 0.4), (1000, 0.97), (3000, 0.5)])
def test_binomial_moments(n, p):
    x = C(random.binomial((100_000,), n, p, seed=5))
    assert x.dtype == np.float32 and np.all(x == np.round(x)) and x.min() >= 0 and x.max() <= n
    mean, var = n * p, n * p * (1 - p)
    assert abs(x.mean() - mean) < 4 * np.sqrt(var / 100_000) + 1e-3
    assert abs(x.var() / var - 1) < 0.05


def test_binomial_tensor_parameters_and_edges():
    per = C(random.binomial((3, 50_000), np.array([[5.0], [200.0], [0.0]]), 0.5, seed=1))
    np.testing.assert_allclose(per.mean(axis=1), [2.5, 100.0, 0.0], atol=0.1)
    np.testing.assert_allclose(per[:2].var(axis=1), [1.25, 50.0], rtol=0.05)
    assert np.all(C(random.binomial((100,), 7, 0.0, seed=1)) == 0)
    assert np.all(C(random.binomial((100,), 7, 1.0, seed=1)) == 7)
    probs = C(random.binomial((2, 50_000), 20, np.array([[0.05], [0.8]]), seed=2))
    np.testing.assert_allclose(probs.mean(axis=1), [1.0, 16.0], atol=0.05)


def test_seed_generator_draws_and_compiled_steps():
    gen = SeedGenerator(5)
    first = C(random.uniform((3,), seed=gen))
    np.testing.assert_array_equal(first, C(random.uniform((3,), seed=u32([0, 5]))))
    np.testing.assert_array_equal(gen.state.numpy(), [0, 6])
    # A stateless (compiled-style) step: the state is an input, its update an output.
    state = u32([0, 6])
    with StatelessScope(state_mapping=[(gen.state, state)]) as scope:
        inside = C(random.dropout(np.ones(16, "float32"), 0.5, seed=gen))
    np.testing.assert_array_equal(C(scope.get_current_value(gen.state)), [0, 7])
    np.testing.assert_array_equal(gen.state.numpy(), [0, 6])  # not applied
    eager = C(random.dropout(np.ones(16, "float32"), 0.5, seed=gen))
    np.testing.assert_array_equal(inside, eager)


def test_initializers_use_the_portable_bits():
    from tholos import initializers

    w = C(initializers.RandomUniform(-0.5, 0.5, seed=11)((4, 5)))
    np.testing.assert_array_equal(w, C(random.uniform((4, 5), -0.5, 0.5, seed=11)))
    g = C(initializers.GlorotUniform(seed=2)((30, 40)))
    limit = np.sqrt(6 / 70)
    np.testing.assert_array_equal(g, C(random.uniform((30, 40), -limit, limit, seed=2)))
