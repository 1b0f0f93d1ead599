"""Training: the seed guide's convnet, from the same initial weights, for 20 Adam steps with
dropout off, on the backend under test (float32) and on the reference (float64): the losses of
every step and the final weights must match.

The network is the guide's (Conv2D x2, MaxPooling2D, Conv2D x2, GlobalAveragePooling2D,
Dropout, Dense softmax) with fewer filters and smaller images so it runs in seconds.
"""

from __future__ import annotations

import numpy as np
import pytest

from tholos_conformance.compare import compare_arrays
from tholos_conformance.runtime import backend_scope, reference_scope, to_numpy

STEPS = 20
LOSS_TOL = (1e-5, 1e-5)
WEIGHT_TOL = (2e-3, 2e-3)
"""(rtol, atol x max(1, |reference|)). A wrong gradient or update moves a weight by about
``lr`` = 1e-2 per step, 0.2 over the run. Correct float32 arithmetic still drifts from the
float64 run by up to ~1e-3 on weights whose gradient is near zero, and by how much depends on
summation order (BLAS threads, oneDNN kernels), which varies between processes. The per-step
losses, compared at 1e-5, remain the sharp check."""

ADAM_EPSILON = 1e-3
"""Adam's step is ``lr * m / (sqrt(v) + epsilon)``: with the default epsilon (1e-7) a gradient
that is zero up to rounding still moves its weight by a full ``lr`` in a direction decided by
rounding noise, so float32 and float64 runs part by up to ``2 * lr`` per step on such weights.
A larger epsilon bounds that step by ``lr * |g| / epsilon`` and keeps the comparison about the
backend's arithmetic, not about amplified rounding noise."""


def _convnet(dtype: str):
    import tholos
    from tholos import layers

    return tholos.Sequential(
        [
            layers.Input(shape=(16, 16, 1)),
            layers.Conv2D(4, kernel_size=(3, 3), activation="relu", dtype=dtype),
            layers.Conv2D(4, kernel_size=(3, 3), activation="relu", dtype=dtype),
            layers.MaxPooling2D(pool_size=(2, 2), dtype=dtype),
            layers.Conv2D(8, kernel_size=(3, 3), activation="relu", dtype=dtype),
            layers.Conv2D(8, kernel_size=(3, 3), activation="relu", dtype=dtype),
            layers.GlobalAveragePooling2D(dtype=dtype),
            layers.Dropout(0.0, dtype=dtype),
            layers.Dense(5, activation="softmax", dtype=dtype),
        ]
    )


def _train(model, x, y, weights):
    import tholos

    model.set_weights([w.astype(np.asarray(v).dtype) for w, v in zip(weights, model.get_weights())])
    model.compile(
        optimizer=tholos.optimizers.Adam(learning_rate=1e-2, epsilon=ADAM_EPSILON),
        loss="sparse_categorical_crossentropy",
    )
    losses = []
    for step in range(STEPS):
        batch = slice((step % 4) * 8, (step % 4) * 8 + 8)
        loss = model.train_on_batch(x[batch], y[batch])
        losses.append(float(np.asarray(to_numpy(loss)).reshape(-1)[0]))
    return np.array(losses), [np.asarray(w, dtype=np.float64) for w in model.get_weights()]


@pytest.mark.tholos_area("training")
def test_convnet_adam_20_steps_matches_reference(tholos_backend_name, tholos_device):
    tholos = pytest.importorskip("tholos", reason="needs tholos")
    if not hasattr(tholos, "Sequential") or not hasattr(tholos, "optimizers"):
        pytest.skip("needs tholos.Sequential, tholos.layers and tholos.optimizers")
    rng = np.random.default_rng(0)
    templates = rng.uniform(0, 1, (5, 16, 16, 1))  # a learnable task: noisy class templates
    y = rng.integers(0, 5, (32,)).astype("int32")
    x = (templates[y] + rng.normal(0, 0.3, (32, 16, 16, 1))).astype("float32")
    with reference_scope():
        tholos.utils.set_random_seed(0)  # the same starting weights on every run
        ref_model = _convnet("float64")
        initial = [np.asarray(w).astype("float32") for w in ref_model.get_weights()]
        ref_losses, ref_weights = _train(ref_model, x.astype("float64"), y, initial)
    with backend_scope(tholos_backend_name, tholos_device):
        model = _convnet("float32")
        losses, weights = _train(model, x, y, initial)
    assert ref_losses[-4:].mean() < ref_losses[:4].mean(), (
        "the reference did not learn: the test is broken"
    )
    stats = compare_arrays(losses, ref_losses, *LOSS_TOL)
    assert stats["ok"], (
        f"losses differ from the reference: worst abs error {stats['worst_abs']:.3g} at step "
        f"{stats['worst_abs_index'][0]}\n  backend:   {np.array2string(losses, precision=6)}\n"
        f"  reference: {np.array2string(ref_losses, precision=6)}"
    )
    for i, (w, r) in enumerate(zip(weights, ref_weights)):
        stats = compare_arrays(w, r, *WEIGHT_TOL)
        assert stats["ok"], (
            f"final weight {i} (shape {r.shape}) differs: worst abs error "
            f"{stats['worst_abs']:.3g} at {list(stats['worst_abs_index'])}"
        )
