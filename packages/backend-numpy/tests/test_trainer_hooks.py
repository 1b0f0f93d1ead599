"""The NumPy backend's trainer hooks: autograd gradients through StatelessScope."""

import numpy as np
import pytest
from autograd.tracer import Box

import tholos
from tholos import ops
from tholos.backend._state import current


@pytest.fixture
def hooks():
    return current().trainer


def test_gradients_values_order_and_zeros_for_unused(hooks):
    w = tholos.Variable(np.array([1.0, -2.0], "float32"))
    unused = tholos.Variable(np.ones((2, 3), "float32"))
    b = tholos.Variable(np.array(0.5, "float64"))

    def loss_fn():
        loss = ops.sum(ops.square(w.value)) * b.value
        return loss, {"pred": w.value * 2.0}

    loss, aux, grads = hooks.compute_gradients(loss_fn, [w, unused, b])
    assert float(loss) == pytest.approx(2.5)
    assert not isinstance(aux["pred"], Box)
    np.testing.assert_allclose(aux["pred"], [2.0, -4.0])
    np.testing.assert_allclose(grads[0], 2 * 0.5 * np.array([1.0, -2.0]))
    np.testing.assert_array_equal(grads[1], np.zeros((2, 3)))
    assert grads[1].dtype == np.float32 and grads[2].dtype == np.float64
    assert float(grads[2]) == pytest.approx(5.0)


def test_gradients_match_finite_differences(hooks):
    rng = np.random.default_rng(0)
    w = tholos.Variable(rng.normal(size=(3, 2)))
    x = rng.normal(size=(4, 3))

    def f():
        return ops.mean(ops.tanh(ops.matmul(x, w.value)) ** 2), None

    _, _, (grad,) = hooks.compute_gradients(f, [w])
    base = w.numpy()
    numeric = np.zeros_like(base)
    eps = 1e-6
    for idx in np.ndindex(*base.shape):
        for sign in (1, -1):
            shifted = base.copy()
            shifted[idx] += sign * eps
            value = np.mean(np.tanh(x @ shifted) ** 2)
            numeric[idx] += sign * value / (2 * eps)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


def test_updates_inside_loss_fn_are_applied_afterwards(hooks):
    w = tholos.Variable(np.array([3.0], "float32"))
    moving = tholos.Variable(np.array([0.0], "float32"), trainable=False)

    def loss_fn():
        value = w.value * 2.0
        moving.assign(moving.value * 0.5 + value * 0.5)  # like BatchNorm's moving mean
        return ops.sum(value), None

    _, _, (grad,) = hooks.compute_gradients(loss_fn, [w])
    np.testing.assert_allclose(grad, [2.0])
    np.testing.assert_allclose(moving.numpy(), [3.0])
    assert not isinstance(moving.value, Box)
    np.testing.assert_allclose(w.numpy(), [3.0])  # the variables themselves are untouched


def test_traced_value_plus_variable_keeps_the_gradient(hooks):
    w = tholos.Variable(np.array([[1.0], [2.0]], "float32"))
    b = tholos.Variable(np.array([0.0], "float32"))
    x = np.array([[1.0, 1.0], [2.0, 0.0]], "float32")

    def loss_fn():
        return ops.sum(ops.matmul(x, w) + b), None  # box + Variable

    _, _, (gw, gb) = hooks.compute_gradients(loss_fn, [w, b])
    np.testing.assert_allclose(gw, [[3.0], [1.0]])
    np.testing.assert_allclose(gb, [2.0])


def test_no_variables_and_compile_step(hooks):
    loss, aux, grads = hooks.compute_gradients(lambda: (ops.sum(ops.ones((2,))), 7), [])
    assert float(loss) == 2.0 and aux == 7 and grads == []

    def step(data):
        return {"x": data}

    assert hooks.compile_step(step, kind="train", jit_compile=True, model=None) is step
    assert hooks.supports_jit() is False
