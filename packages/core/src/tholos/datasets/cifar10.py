"""CIFAR-10: 60,000 32x32 colour images in 10 classes (50,000 training, 10,000 test).

Labels: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse, 8 ship,
9 truck. Read from the "binary version" tarball (plain bytes; tholos never unpickles).
"""

from __future__ import annotations

import numpy as np

from tholos.datasets import _cifar
from tholos.datasets._download import fetch

_TRAIN = [f"data_batch_{i}.bin" for i in range(1, 6)]
_TEST = "test_batch.bin"


def load_data() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load CIFAR-10, downloading ``cifar-10-binary.tar.gz`` once.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``uint8`` images ``(50000, 32, 32, 3)`` and
        ``(10000, 32, 32, 3)`` (``(N, 3, 32, 32)`` when the image data format is
        ``"channels_first"``), ``uint8`` labels 0-9 of shape ``(50000, 1)`` and ``(10000, 1)``.

    Example (needs the network the first time)::

        (x_train, y_train), (x_test, y_test) = tholos.datasets.cifar10.load_data()
        assert y_train.shape == (50000, 1)
    """
    tar_path = fetch("cifar-10-binary.tar.gz")
    members = _cifar.read_members(tar_path, [*_TRAIN, _TEST])
    parts = [_cifar.parse_records(members[name], 1, name) for name in _TRAIN]
    x_train = np.concatenate([p[0] for p in parts])
    y_train = np.concatenate([p[1] for p in parts])
    x_test, y_test = _cifar.parse_records(members[_TEST], 1, _TEST)
    return (_cifar.to_data_format(x_train), y_train), (_cifar.to_data_format(x_test), y_test)
