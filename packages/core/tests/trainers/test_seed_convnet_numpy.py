"""Issue 4's number: the seed convnet trains on the NumPy backend (Keras 3's cannot train)."""

import numpy as np
import pytest

import tholos
from tholos import layers


def ten_class_images(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A learnable 28x28 ten-class task: each class is a bright 7x7 block at its own place in a
    4x3 grid (shifted by up to one pixel), on noise."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, size=n)
    images = rng.normal(0.0, 0.3, size=(n, 28, 28, 1)).astype("float32")
    for i, label in enumerate(labels):
        row, col = divmod(int(label), 3)
        r = 1 + row * 7 + rng.integers(-1, 2)
        c = 2 + col * 9 + rng.integers(-1, 2)
        images[i, max(r, 0) : r + 6, max(c, 0) : c + 6, 0] += 1.0
    return images, labels


def seed_convnet() -> tholos.Sequential:
    return tholos.Sequential(
        [
            layers.Input(shape=(28, 28, 1)),
            layers.Conv2D(64, 3, activation="relu"),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(128, 3, activation="relu"),
            layers.Conv2D(128, 3, activation="relu"),
            layers.GlobalAveragePooling2D(),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ]
    )


@pytest.mark.slow
def test_seed_convnet_two_epochs_far_above_chance():
    tholos.utils.set_random_seed(0)
    x, y = ten_class_images(1200, seed=0)
    model = seed_convnet()
    assert model.count_params() == 260_298
    model.compile(
        optimizer=tholos.optimizers.Adam(2e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(x, y, batch_size=64, epochs=2, validation_split=0.15, verbose=0)
    val_acc = history.history["val_accuracy"][-1]
    assert val_acc > 0.5, history.history  # chance is 0.1
    assert history.history["loss"][-1] < history.history["loss"][0]
