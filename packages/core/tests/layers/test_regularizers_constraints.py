"""Regularizers and constraints: values, configs, get()."""

import numpy as np
import pytest

from tholos import constraints, ops, regularizers
from tholos.errors import ConfigError


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


W = np.array([[1.0, -2.0], [3.0, 0.5]])


def test_regularizer_values():
    assert float(_np(regularizers.L1(0.1)(W))) == pytest.approx(0.1 * 6.5)
    assert float(_np(regularizers.L2(0.1)(W))) == pytest.approx(0.1 * 14.25)
    assert float(_np(regularizers.L1L2(0.1, 0.2)(W))) == pytest.approx(0.65 + 2.85)
    assert float(_np(regularizers.L1L2()(W))) == 0.0


def test_orthogonal_regularizer():
    orth = np.eye(3)
    assert float(_np(regularizers.OrthogonalRegularizer(1.0)(orth))) == pytest.approx(0.0)
    same = np.ones((2, 3))
    assert float(_np(regularizers.OrthogonalRegularizer(1.0)(same))) == pytest.approx(1.0)
    cols = np.array([[1.0, 1.0], [0.0, 1.0]])
    expected = abs(1 / np.sqrt(2))
    got = float(_np(regularizers.OrthogonalRegularizer(1.0, mode="columns")(cols)))
    assert got == pytest.approx(expected)
    with pytest.raises(ConfigError, match="2D"):
        regularizers.OrthogonalRegularizer()(np.ones((2, 2, 2)))


def test_regularizer_get_and_config():
    assert isinstance(regularizers.get("l2"), regularizers.L2)
    assert regularizers.get("l1_l2").get_config() == {"l1": 0.0, "l2": 0.0}
    reg = regularizers.L1L2(l1=0.3, l2=0.1)
    assert regularizers.deserialize(regularizers.serialize(reg)).get_config() == reg.get_config()
    with pytest.raises(ConfigError, match="Unknown regularizer"):
        regularizers.get("l3")
    with pytest.raises(ConfigError, match="l1"):
        regularizers.L1(-1.0)


def test_constraint_values():
    w = np.array([[3.0, 0.1], [4.0, 0.1]])
    norms = np.sqrt((w**2).sum(axis=0, keepdims=True))
    np.testing.assert_allclose(
        _np(constraints.MaxNorm(2.0)(w)), w * np.minimum(norms, 2.0) / (norms + 1e-7), rtol=1e-6
    )
    np.testing.assert_allclose(_np(constraints.UnitNorm()(w)), w / (norms + 1e-7), rtol=1e-6)
    mm = _np(constraints.MinMaxNorm(1.0, 2.0, rate=0.5)(w))
    desired = 0.5 * np.clip(norms, 1.0, 2.0) + 0.5 * norms
    np.testing.assert_allclose(mm, w * desired / (norms + 1e-7), rtol=1e-6)
    np.testing.assert_array_equal(
        _np(constraints.NonNeg()(np.array([-1.0, 0.0, 2.0]))), [0.0, 0.0, 2.0]
    )


def test_constraint_get_and_config():
    assert isinstance(constraints.get("non_neg"), constraints.NonNeg)
    c = constraints.MaxNorm(3.0, axis=1)
    assert constraints.get(constraints.serialize(c)).get_config() == {"max_value": 3.0, "axis": 1}
    with pytest.raises(ConfigError, match="Unknown constraint"):
        constraints.get("positive")
