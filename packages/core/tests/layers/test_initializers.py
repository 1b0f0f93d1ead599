"""Initializers: statistics, seeding, shapes/dtypes, get() and configs."""

import math

import numpy as np
import pytest

from tholos import initializers, ops
from tholos.errors import ConfigError, DtypeError
from tholos.random import SeedGenerator


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def test_constant_zeros_ones_identity():
    np.testing.assert_array_equal(_np(initializers.Zeros()((2, 3))), np.zeros((2, 3)))
    np.testing.assert_array_equal(_np(initializers.Ones()((2,), dtype="int32")), [1, 1])
    np.testing.assert_array_equal(_np(initializers.Constant(3.5)((2, 2))), np.full((2, 2), 3.5))
    np.testing.assert_array_equal(_np(initializers.Identity(2.0)((2, 3))), 2 * np.eye(2, 3))
    assert _np(initializers.Zeros()((2,), dtype="float64")).dtype == np.float64
    with pytest.raises(ConfigError, match="2D"):
        initializers.Identity()((2, 2, 2))


@pytest.mark.parametrize(
    "name, std, bound",
    [
        ("glorot_uniform", math.sqrt(2 / (200 + 300)), math.sqrt(6 / 500)),
        ("he_uniform", math.sqrt(2 / 200), math.sqrt(6 / 200)),
        ("lecun_uniform", math.sqrt(1 / 200), math.sqrt(3 / 200)),
        ("glorot_normal", math.sqrt(2 / 500), None),
        ("he_normal", math.sqrt(2 / 200), None),
        ("lecun_normal", math.sqrt(1 / 200), None),
    ],
)
def test_variance_scaling_family_statistics(name, std, bound):
    values = _np(initializers.get(name)((200, 300)))
    assert values.shape == (200, 300) and values.dtype == np.float32
    assert abs(values.mean()) < 4 * std / math.sqrt(values.size)
    assert values.std() == pytest.approx(std, rel=0.03)
    if bound is not None:
        assert np.abs(values).max() <= bound + 1e-6
    else:  # truncated at two (corrected) standard deviations
        assert np.abs(values).max() <= 2 * std / 0.87962566103423978 + 1e-6


def test_conv_kernel_fans():
    assert initializers.compute_fans((3, 3, 16, 32)) == (144.0, 288.0)
    assert initializers.compute_fans((5,)) == (5.0, 5.0)
    assert initializers.compute_fans(()) == (1.0, 1.0)
    values = _np(initializers.HeUniform(seed=0)((3, 3, 16, 32)))
    assert np.abs(values).max() <= math.sqrt(6 / 144)


def test_random_normal_uniform_truncated():
    n = _np(initializers.RandomNormal(mean=1.0, stddev=2.0, seed=1)((100_000,)))
    assert n.mean() == pytest.approx(1.0, abs=0.03) and n.std() == pytest.approx(2.0, rel=0.02)
    u = _np(initializers.RandomUniform(-1.0, 3.0, seed=1)((100_000,)))
    assert u.min() >= -1.0 and u.max() < 3.0 and u.mean() == pytest.approx(1.0, abs=0.03)
    t = _np(initializers.TruncatedNormal(0.0, 1.0, seed=1)((100_000,)))
    assert np.abs(t).max() <= 2.0 + 1e-6


def test_seeding_behaviour():
    a = _np(initializers.GlorotUniform(seed=7)((4, 4)))
    b = _np(initializers.GlorotUniform(seed=7)((4, 4)))
    np.testing.assert_array_equal(a, b)
    init = initializers.GlorotUniform(seed=7)
    np.testing.assert_array_equal(_np(init((4, 4))), _np(init((4, 4))))  # int seed: same values
    gen_init = initializers.RandomNormal(seed=SeedGenerator(3))
    assert not np.array_equal(_np(gen_init((4,))), _np(gen_init((4,))))
    unseeded = [_np(initializers.GlorotUniform()((4, 4))) for _ in range(2)]
    assert not np.array_equal(*unseeded)
    with pytest.raises(ConfigError, match="seed"):
        initializers.RandomNormal(seed="x")


def test_orthogonal():
    q = _np(initializers.Orthogonal(seed=0)((6, 4)))
    np.testing.assert_allclose(q.T @ q, np.eye(4), atol=1e-5)
    wide = _np(initializers.Orthogonal(gain=2.0, seed=0)((3, 5)))
    np.testing.assert_allclose(wide @ wide.T, 4 * np.eye(3), atol=1e-5)
    kernel = _np(initializers.Orthogonal(seed=0)((3, 3, 2, 4)))
    flat = kernel.reshape(-1, 4)
    np.testing.assert_allclose(flat.T @ flat, np.eye(4), atol=1e-5)


def test_random_initializers_reject_int_dtype():
    with pytest.raises(DtypeError):
        initializers.RandomNormal(seed=1)((2,), dtype="int32")


def test_get_and_config_roundtrip():
    for name in ["zeros", "ones", "GlorotUniform", "orthogonal", "variance_scaling"]:
        init = initializers.get(name)
        clone = initializers.deserialize(initializers.serialize(init))
        assert type(clone) is type(init) and clone.get_config() == init.get_config()
    vs = initializers.VarianceScaling(scale=2.0, mode="fan_out", distribution="uniform", seed=3)
    assert initializers.get(initializers.serialize(vs)).get_config() == vs.get_config()
    assert initializers.GlorotUniform(seed=4).get_config() == {"seed": 4}
    with pytest.raises(ConfigError, match="Unknown initializer") as info:
        initializers.get("glorot_uniformm")
    assert "glorot_uniform" in str(info.value)
    with pytest.raises(ConfigError, match="mode"):
        initializers.VarianceScaling(mode="fan")
