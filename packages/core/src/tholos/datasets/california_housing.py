"""California housing prices (1990 census): 20,640 block groups, 8 features, prices in $."""

from __future__ import annotations

from tholos.datasets._download import fetch
from tholos.datasets._npz import load_npz
from tholos.datasets.boston_housing import check_test_split, split


def load_data(
    version: str = "large",
    path: str = "california_housing.npz",
    test_split: float = 0.2,
    seed: int = 113,
):
    """Load the California housing data, shuffled and split.

    Args:
        version: ``"large"`` (all 20,640 samples) or ``"small"`` (the first 600).
        path: file name in the cache (or an absolute path).
        test_split: fraction kept for the test set, in ``[0, 1)``.
        seed: seed of the shuffle before the split.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``x`` of shape ``(n, 8)``, ``y`` of ``(n,)``.

    Example (needs the network the first time)::

        (x_train, y_train), _ = tholos.datasets.california_housing.load_data(version="small")
    """
    if version not in ("small", "large"):
        raise ValueError(
            "california_housing.load_data: version must be 'small' or 'large'; "
            f"received {version!r}."
        )
    check_test_split(test_split, "california_housing.load_data")
    arrays = load_npz(fetch("california_housing.npz", path))
    x, y = arrays["x"], arrays["y"]
    if version == "small":
        x, y = x[:600], y[:600]
    return split(x, y, test_split, seed, "california_housing.load_data")
