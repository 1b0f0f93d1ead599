"""Boston housing prices: 506 samples of 13 attributes, targets in k$.

Its attribute "B" encodes a racial assumption; prefer ``california_housing`` except to
discuss such problems.
"""

from __future__ import annotations

import numpy as np

from tholos.datasets._download import fetch
from tholos.datasets._npz import load_npz


def check_test_split(test_split: float, name: str) -> None:
    if not 0 <= test_split < 1:
        raise ValueError(f"{name}: test_split must be in [0, 1); received {test_split!r}.")


def split(x: np.ndarray, y: np.ndarray, test_split: float, seed: int, name: str):
    """Shuffle with ``RandomState(seed)`` and cut off the last ``test_split`` fraction."""
    check_test_split(test_split, name)
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    cut = int(len(x) * (1 - test_split))
    return (x[:cut].copy(), y[:cut].copy()), (x[cut:].copy(), y[cut:].copy())


def load_data(path: str = "boston_housing.npz", test_split: float = 0.2, seed: int = 113):
    """Load the Boston housing data, shuffled and split.

    Args:
        path: file name in the cache (or an absolute path).
        test_split: fraction kept for the test set, in ``[0, 1)``.
        seed: seed of the shuffle before the split.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``x`` of shape ``(n, 13)``, ``y`` of ``(n,)``.

    Example (needs the network the first time)::

        (x_train, y_train), _ = tholos.datasets.boston_housing.load_data()
    """
    check_test_split(test_split, "boston_housing.load_data")
    arrays = load_npz(fetch("boston_housing.npz", path))
    return split(arrays["x"], arrays["y"], test_split, seed, "boston_housing.load_data")
