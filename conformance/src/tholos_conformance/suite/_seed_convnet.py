"""The seed guide's convnet and its short training run, shared by the training suite
(dropout off) and the portable-randomness suite (dropout on).

The network is the guide's (Conv2D x2, MaxPooling2D, Conv2D x2, GlobalAveragePooling2D,
Dropout, Dense softmax) with fewer filters and 16x16 images so it runs in seconds; the task is
32 noisy copies of 5 class templates, fed as 4 batches of 8 for :data:`STEPS` Adam steps.
"""

from __future__ import annotations

import numpy as np

from tholos_conformance.compare import compare_arrays
from tholos_conformance.runtime import to_numpy

STEPS = 20


def task_data() -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)``: float32 images ``(32, 16, 16, 1)`` and int32 labels in ``[0, 5)``, always
    the same (a learnable task: noisy class templates)."""
    rng = np.random.default_rng(0)
    templates = rng.uniform(0, 1, (5, 16, 16, 1))
    y = rng.integers(0, 5, (32,)).astype("int32")
    x = (templates[y] + rng.normal(0, 0.3, (32, 16, 16, 1))).astype("float32")
    return x, y


def convnet(dtype: str, dropout: float = 0.0, dropout_seed: int | None = None):
    """The convnet with every layer in ``dtype``."""
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
            layers.Dropout(dropout, seed=dropout_seed, dtype=dtype),
            layers.Dense(5, activation="softmax", dtype=dtype),
        ]
    )


def train(model, x, y, weights, adam_epsilon: float | None = None):
    """Set ``weights`` (cast to the model's dtypes), compile with Adam (lr 1e-2; its default
    epsilon unless ``adam_epsilon``) and run :data:`STEPS` ``train_on_batch`` steps.

    Returns the per-step losses and the final weights, as float64 NumPy arrays.
    """
    import tholos

    model.set_weights([w.astype(np.asarray(v).dtype) for w, v in zip(weights, model.get_weights())])
    adam = {} if adam_epsilon is None else {"epsilon": adam_epsilon}
    model.compile(
        optimizer=tholos.optimizers.Adam(learning_rate=1e-2, **adam),
        loss="sparse_categorical_crossentropy",
    )
    losses = []
    for step in range(STEPS):
        batch = slice((step % 4) * 8, (step % 4) * 8 + 8)
        loss = model.train_on_batch(x[batch], y[batch])
        losses.append(float(np.asarray(to_numpy(loss)).reshape(-1)[0]))
    return np.array(losses), [np.asarray(w, dtype=np.float64) for w in model.get_weights()]


def assert_losses_match(losses, ref_losses, tol, what: str = "losses") -> None:
    """Per-step losses within ``tol`` = (rtol, atol) of the reference's."""
    stats = compare_arrays(losses, ref_losses, *tol)
    assert stats["ok"], (
        f"{what} differ from the reference: worst abs error {stats['worst_abs']:.3g} at step "
        f"{stats['worst_abs_index'][0]}\n  backend:   {np.array2string(losses, precision=6)}\n"
        f"  reference: {np.array2string(ref_losses, precision=6)}"
    )


def assert_weights_match(weights, ref_weights, tol) -> None:
    """Every final weight within ``tol`` = (rtol, atol) of the reference's."""
    for i, (w, r) in enumerate(zip(weights, ref_weights)):
        stats = compare_arrays(w, r, *tol)
        assert stats["ok"], (
            f"final weight {i} (shape {r.shape}) differs: worst abs error "
            f"{stats['worst_abs']:.3g} at {list(stats['worst_abs_index'])}"
        )
