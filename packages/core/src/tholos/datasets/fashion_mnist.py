"""Fashion-MNIST: 70,000 28x28 grayscale images of 10 clothing categories (a drop-in for MNIST).

Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker,
8 Bag, 9 Ankle boot.
"""

from __future__ import annotations

import os

import numpy as np

from tholos.datasets._download import fetch
from tholos.datasets._idx import read_idx

_FILES = (
    "train-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
)


def load_data() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load Fashion-MNIST, downloading its four files once into ``datasets/fashion-mnist``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``uint8`` images ``(60000, 28, 28)`` and
        ``(10000, 28, 28)``, ``uint8`` labels 0-9 ``(60000,)`` and ``(10000,)``.

    Example (needs the network the first time)::

        (x_train, y_train), _ = tholos.datasets.fashion_mnist.load_data()
    """
    subdir = os.path.join("datasets", "fashion-mnist")
    y_train, x_train, y_test, x_test = (
        read_idx(fetch(name, cache_subdir=subdir)) for name in _FILES
    )
    return (x_train, y_train), (x_test, y_test)
