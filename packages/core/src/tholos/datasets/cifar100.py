"""CIFAR-100: 60,000 32x32 colour images in 100 fine classes grouped in 20 coarse classes.

Read from the "binary version" tarball (plain bytes; tholos never unpickles).
"""

from __future__ import annotations

import numpy as np

from tholos.datasets import _cifar
from tholos.datasets._download import fetch


def load_data(
    label_mode: str = "fine",
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load CIFAR-100, downloading ``cifar-100-binary.tar.gz`` once.

    Args:
        label_mode: ``"fine"`` (100 classes) or ``"coarse"`` (20 superclasses).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``uint8`` images ``(50000, 32, 32, 3)`` and
        ``(10000, 32, 32, 3)`` (channels first when so configured) and ``int64`` labels of
        shape ``(50000, 1)`` and ``(10000, 1)`` (the dtype Keras' loader returns).

    Example (needs the network the first time)::

        (x_train, y_train), _ = tholos.datasets.cifar100.load_data(label_mode="coarse")
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(
            f'cifar100.load_data: label_mode must be "fine" or "coarse"; received {label_mode!r}.'
        )
    column = 1 if label_mode == "fine" else 0  # each record: coarse byte, fine byte, pixels
    members = _cifar.read_members(fetch("cifar-100-binary.tar.gz"), ["train.bin", "test.bin"])
    out = []
    for name in ("train.bin", "test.bin"):
        images, labels = _cifar.parse_records(members[name], 2, name)
        out.append((_cifar.to_data_format(images), labels[:, column : column + 1].astype("int64")))
    return out[0], out[1]
