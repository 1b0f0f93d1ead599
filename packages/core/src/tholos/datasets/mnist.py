"""MNIST handwritten digits: 60,000 training and 10,000 test images, 28x28 grayscale."""

from __future__ import annotations

import numpy as np

from tholos.datasets._download import fetch
from tholos.datasets._npz import load_npz


def load_data(
    path: str = "mnist.npz",
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load MNIST, downloading it once into ``~/.tholos/datasets``.

    Args:
        path: file name in the cache (or an absolute path).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``uint8`` images of shape ``(60000, 28, 28)``
        and ``(10000, 28, 28)`` with values 0-255, and ``uint8`` labels 0-9 of shape
        ``(60000,)`` and ``(10000,)``.

    Example (needs the network the first time)::

        (x_train, y_train), (x_test, y_test) = tholos.datasets.mnist.load_data()
        assert x_train.shape == (60000, 28, 28)
    """
    arrays = load_npz(fetch("mnist.npz", path))
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
