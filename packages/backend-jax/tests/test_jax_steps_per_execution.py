"""steps_per_execution on JAX: a group of batches runs in one compiled call, with the same
result as one step per call."""

import importlib.util

import numpy as np
import pytest

pytestmark = pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="needs jax")


def _train(steps_per_execution):
    import tholos
    from tholos import layers

    tholos.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = (x @ np.array([1.0, -2.0, 0.5], "float32"))[:, None]
    model = tholos.Sequential(
        [layers.Input((3,)), layers.Dense(4, activation="tanh"), layers.Dense(1)]
    )
    model.compile(
        optimizer=tholos.optimizers.Adam(0.05),
        loss="mse",
        steps_per_execution=steps_per_execution,
        jit_compile=True,
    )
    history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    return model, history.history["loss"]


def test_grouped_steps_match_single_steps_and_compile_once_per_group_size():
    single, single_loss = _train(1)
    grouped, grouped_loss = _train(3)
    for a, b in zip(single.get_weights(), grouped.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(single_loss, grouped_loss, rtol=1e-5)
    compiled = grouped.train_function.__self__
    # 10 batches per epoch in groups of 3: full groups and one group of 1, over two epochs
    assert compiled.traces <= 2
