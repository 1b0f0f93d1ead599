"""Merge layers and their function forms: values, broadcasting, masks, configs, errors."""

import numpy as np
import pytest

from tholos.layers.merging import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)

RNG = np.random.default_rng(4)
A = RNG.normal(size=(2, 3, 4))
B = RNG.normal(size=(2, 3, 4))
C = RNG.normal(size=(2, 3, 4))


@pytest.mark.parametrize(
    "cls, fn, want",
    [
        (Add, add, A + B + C),
        (Multiply, multiply, A * B * C),
        (Average, average, (A + B + C) / 3),
        (Maximum, maximum, np.maximum(np.maximum(A, B), C)),
        (Minimum, minimum, np.minimum(np.minimum(A, B), C)),
    ],
)
def test_elementwise_merges(cls, fn, want):
    np.testing.assert_allclose(np.asarray(cls(dtype="float64")([A, B, C])), want, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(fn([A, B, C], dtype="float64")), want, rtol=1e-12)


def test_subtract_takes_exactly_two_inputs():
    np.testing.assert_allclose(np.asarray(Subtract(dtype="float64")([A, B])), A - B)
    np.testing.assert_allclose(np.asarray(subtract([A, B], dtype="float64")), A - B)
    with pytest.raises(ValueError, match="2 inputs"):
        Subtract()([A, B, C])


def test_broadcasting_and_rank_expansion():
    short = RNG.normal(size=(2, 4))
    one = RNG.normal(size=(2, 1, 4))
    y = np.asarray(Add(dtype="float64")([A, short]))
    np.testing.assert_allclose(y, A + short[:, None, :])
    y = np.asarray(Multiply(dtype="float64")([A, one]))
    np.testing.assert_allclose(y, A * one)
    assert Add().compute_output_shape([(None, 3, 4), (None, 4)]) == (None, 3, 4)
    assert Add().compute_output_shape([(None, 3, 1), (None, 1, 5)]) == (None, 3, 5)


def test_incompatible_shapes_are_reported():
    with pytest.raises(ValueError) as err:
        Add(name="adder")([np.zeros((2, 3)), np.zeros((2, 4))])
    assert "adder" in str(err.value) and "(2, 3)" in str(err.value)
    with pytest.raises(ValueError, match="batch"):
        Add().compute_output_shape([(2, 3), (4, 3)])


def test_merge_needs_a_list():
    with pytest.raises(ValueError, match="list"):
        Add()(np.zeros((2, 3)))


def test_concatenate_values_and_shapes():
    x, y = RNG.normal(size=(2, 3, 4)), RNG.normal(size=(2, 5, 4))
    np.testing.assert_allclose(
        np.asarray(Concatenate(axis=1, dtype="float64")([x, y])), np.concatenate([x, y], 1)
    )
    np.testing.assert_allclose(
        np.asarray(concatenate([A, B], dtype="float64")), np.concatenate([A, B], -1)
    )
    assert Concatenate(axis=1).compute_output_shape([(None, 3, 4), (None, 5, 4)]) == (None, 8, 4)
    assert Concatenate().compute_output_shape([(None, 3, None), (None, 3, 2)]) == (None, 3, None)
    with pytest.raises(ValueError, match="match"):
        Concatenate()([np.zeros((2, 3, 4)), np.zeros((2, 4, 4))])


def test_concatenate_mask():
    x, y = np.ones((2, 3, 2), "float32"), np.ones((2, 3, 1), "float32")
    layer = Concatenate(axis=1)
    m1 = np.array([[True, False, True], [True, True, False]])
    mask = np.asarray(layer.compute_mask([x, x], [m1, None]))
    np.testing.assert_array_equal(mask, np.concatenate([m1, np.ones((2, 3), bool)], 1))
    mask = np.asarray(Concatenate().compute_mask([x, y], [m1, m1]))
    np.testing.assert_array_equal(mask, m1)
    assert Concatenate().compute_mask([x, y], [None, None]) is None


def test_elementwise_mask_is_the_and_of_masks():
    m1 = np.array([[True, False, True]])
    m2 = np.array([[True, True, False]])
    x = np.ones((1, 3, 2), "float32")
    np.testing.assert_array_equal(
        np.asarray(Add().compute_mask([x, x], [m1, m2])), [[True, False, False]]
    )
    np.testing.assert_array_equal(np.asarray(Add().compute_mask([x, x], [m1, None])), m1)
    assert Add().compute_mask([x, x], None) is None


def test_dot_hand_computed():
    a = np.array([[1.0, 2.0], [3.0, 4.0]], "float32")
    b = np.array([[5.0, 6.0], [7.0, 8.0]], "float32")
    y = np.asarray(Dot(axes=1)([a, b]))
    np.testing.assert_allclose(y, [[17.0], [53.0]])
    y = np.asarray(dot([a, b], axes=1, normalize=True))
    want = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    np.testing.assert_allclose(y[:, 0], want, rtol=1e-6)


@pytest.mark.parametrize(
    "axes, shapes, einsum",
    [
        ((2, 2), [(2, 3, 4), (2, 5, 4)], "bik,bjk->bij"),
        ((1, 1), [(2, 3, 4), (2, 3, 5)], "bki,bkj->bij"),
        ((2, 1), [(2, 3, 4), (2, 4, 5)], "bik,bkj->bij"),
        (-1, [(2, 3, 4), (2, 5, 4)], "bik,bjk->bij"),
        ((1, 2), [(2, 4), (2, 3, 4)], "bk,bjk->bj"),
    ],
)
def test_dot_matches_einsum(axes, shapes, einsum):
    x, y = RNG.normal(size=shapes[0]), RNG.normal(size=shapes[1])
    layer = Dot(axes=axes, dtype="float64")
    got = np.asarray(layer([x, y]))
    np.testing.assert_allclose(got, np.einsum(einsum, x, y), rtol=1e-10)
    assert got.shape == layer.compute_output_shape(shapes)


def test_dot_errors():
    with pytest.raises(ValueError, match="differ"):
        Dot(axes=1)([np.zeros((2, 3)), np.zeros((2, 4))])
    with pytest.raises(ValueError, match="batch"):
        Dot(axes=0)([np.zeros((2, 3)), np.zeros((2, 3))])
    with pytest.raises(ValueError):
        Dot(axes=(1, 2, 3))


@pytest.mark.parametrize(
    "layer",
    [
        Add(name="a"),
        Subtract(),
        Multiply(),
        Average(),
        Maximum(),
        Minimum(),
        Concatenate(axis=1),
        Dot(axes=(1, 2), normalize=True),
        Dot(axes=-1),
    ],
)
def test_config_round_trip(layer):
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config


def test_symbolic_merges():
    from tholos import KerasTensor

    a, b = KerasTensor((None, 3, 4)), KerasTensor((None, 3, 4))
    assert add([a, b]).shape == (None, 3, 4)
    assert concatenate([a, b], axis=1).shape == (None, 6, 4)
    assert dot([a, b], axes=2).shape == (None, 3, 3)
    assert Dot(axes=1)([KerasTensor((None, 4)), KerasTensor((None, 4))]).shape == (None, 1)
