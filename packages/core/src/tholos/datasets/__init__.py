"""``tholos.datasets``: Keras 3's small datasets, downloaded once and verified.

Each module has a ``load_data()`` with Keras 3's arguments and return values: ``mnist``,
``fashion_mnist``, ``cifar10``, ``cifar100``, ``imdb``, ``reuters``, ``boston_housing``,
``california_housing``. Files are cached in ``$THOLOS_HOME/datasets`` (``~/.tholos/datasets``),
checked against their published hashes, and read without pickle.
``THOLOS_DATASETS_BASE_URL`` redirects every download to a mirror.

>>> from tholos import datasets
>>> sorted(datasets.__all__)[:3]
['boston_housing', 'california_housing', 'cifar10']
"""

from tholos.datasets import (
    boston_housing,
    california_housing,
    cifar10,
    cifar100,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)

__all__ = [
    "boston_housing",
    "california_housing",
    "cifar10",
    "cifar100",
    "fashion_mnist",
    "imdb",
    "mnist",
    "reuters",
]
