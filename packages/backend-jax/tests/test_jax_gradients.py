"""Gradients through JAX ops and the trainer hook agree with the NumPy reference."""

import numpy as np
import pytest

import tholos
from tholos import ops
from tholos.config import use_backend

jax = pytest.importorskip("jax")

R = np.random.RandomState(1)
X = R.randn(2, 5, 5, 3)
K = R.randn(3, 3, 3, 4)


def _loss_fns():
    return {
        "conv": lambda x, k: ops.sum(ops.square(ops.conv(x, k, 2, "same"))),
        "conv_transpose": lambda x, k: ops.sum(
            ops.sin(ops.conv_transpose(x, ops.transpose(k, (0, 1, 3, 2)), 2, "same"))
        ),
        "pool": lambda x, k: (
            ops.sum(ops.max_pool(x, 2) * 1.5) + ops.sum(ops.average_pool(x, 3, 2, "same"))
        ),
        "softmax_ce": lambda x, k: ops.sum(
            ops.categorical_crossentropy(
                ops.softmax(ops.reshape(x, (10, 15))), ops.softmax(ops.reshape(x, (10, 15)) * 2)
            )
        ),
        "norms": lambda x, k: ops.sum(ops.layer_normalization(x) * ops.tanh(x)) + ops.logsumexp(k),
        "linalg": lambda x, k: ops.sum(
            ops.inv(ops.reshape(k, (36, 3))[:3] + 3 * ops.eye(3, dtype="float64"))
        ),
        "scan": lambda x, k: ops.scan(lambda c, v: (c * 0.5 + ops.sum(v * v), c), 0.0, x)[0],
        "take_scatter": lambda x, k: ops.sum(
            ops.scatter_update(
                ops.take(ops.reshape(x, (-1,)), np.arange(10)),
                np.array([[2]]),
                ops.reshape(k, (-1,))[:1],
            )
            ** 2
        ),
    }


@pytest.mark.parametrize("name", sorted(_loss_fns()))
def test_grad_matches_reference(name):
    fn = _loss_fns()[name]
    variables = [tholos.Variable(X, name="x"), tholos.Variable(K, name="k")]

    def loss_fn():
        return fn(variables[0].value, variables[1].value), None

    loss, _, grads = _hooks().compute_gradients(loss_fn, variables)
    with use_backend("numpy"):
        ref_vars = [tholos.Variable(X, name="x"), tholos.Variable(K, name="k")]

        def ref_loss():
            return fn(ref_vars[0].value, ref_vars[1].value), None

        ref_loss_v, _, ref_grads = _hooks().compute_gradients(ref_loss, ref_vars)
    np.testing.assert_allclose(float(loss), float(ref_loss_v), rtol=1e-9)
    for g, r in zip(grads, ref_grads):
        assert np.asarray(g).dtype == np.float64
        np.testing.assert_allclose(np.asarray(g), np.asarray(r), rtol=1e-7, atol=1e-9)


def _hooks():
    from tholos.backend._state import current

    return current().trainer


def test_compute_gradients_contract():
    from tholos.backend import StatelessScope  # noqa: F401

    w = tholos.Variable(np.array([1.0, 2.0], "float32"), name="w")
    unused = tholos.Variable(np.array([3.0], "float32"), name="unused")
    counter = tholos.Variable(0, dtype="int32", trainable=False, name="counter")

    def loss_fn():
        counter.assign(counter.value + 1)
        y = w.value * w.value
        return ops.sum(y), {"y": y}

    loss, aux, grads = _hooks().compute_gradients(loss_fn, [w, unused])
    assert float(loss) == 5.0 and not isinstance(loss, jax.core.Tracer)
    np.testing.assert_allclose(np.asarray(aux["y"]), [1.0, 4.0])
    np.testing.assert_allclose(np.asarray(grads[0]), [2.0, 4.0])
    np.testing.assert_allclose(np.asarray(grads[1]), [0.0])
    assert grads[0].dtype == np.float32
    assert int(counter.value) == 1  # the update was applied afterwards
    loss, aux, grads = _hooks().compute_gradients(lambda: (ops.convert_to_tensor(2.0), None), [])
    assert float(loss) == 2.0 and grads == []


def test_custom_gradient_and_stop_gradient():
    @ops.custom_gradient
    def clipped(x):
        def grad_fn(upstream):
            return ops.clip(upstream, -1.0, 1.0)

        return x * 3.0, grad_fn

    g = jax.grad(lambda x: ops.sum(clipped(x) * 5.0))(ops.convert_to_tensor([1.0, 2.0]))
    np.testing.assert_allclose(np.asarray(g), [1.0, 1.0])
    g = jax.grad(lambda x: ops.sum(ops.stop_gradient(x) * x))(ops.convert_to_tensor([2.0]))
    np.testing.assert_allclose(np.asarray(g), [2.0])


def test_pooling_and_conv_differentiate_under_jit():
    x = ops.convert_to_tensor(X.astype("float32"))
    k = ops.convert_to_tensor(K.astype("float32"))

    @jax.jit
    def grads(x, k):
        def loss(x, k):
            h = ops.conv(x, k, 1, "same")
            return ops.sum(ops.max_pool(h, 2)) + ops.sum(ops.average_pool(h, 3, 2, "same"))

        return jax.grad(loss, argnums=(0, 1))(x, k)

    gx, gk = grads(x, k)
    with use_backend("numpy"):
        xv, kv = tholos.Variable(X.astype("float32")), tholos.Variable(K.astype("float32"))

        def ref():
            h = ops.conv(xv.value, kv.value, 1, "same")
            return ops.sum(ops.max_pool(h, 2)) + ops.sum(ops.average_pool(h, 3, 2, "same")), None

        _, _, (rx, rk) = _hooks().compute_gradients(ref, [xv, kv])
    np.testing.assert_allclose(np.asarray(gx), np.asarray(rx), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(np.asarray(gk), np.asarray(rk), rtol=1e-4, atol=1e-4)
