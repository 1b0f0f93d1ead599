"""Arrays in memory: NumPy, pandas, Array API / DLPack arrays, nested in lists/tuples/dicts."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from tholos import tree
from tholos.trainers.data_adapters import data_adapter_utils as utils
from tholos.trainers.data_adapters.data_adapter import DataAdapter


def _all_arrays(data: Any) -> bool:
    if data is None:
        return True
    if utils.is_pandas(data):
        return True
    if isinstance(data, (list, tuple)) and data and all(np.isscalar(v) for v in data):
        return True
    leaves = tree.flatten(data)
    return bool(leaves) and all(
        leaf is None or (utils.is_array_like(leaf) and not np.isscalar(leaf)) for leaf in leaves
    )


class ArrayDataAdapter(DataAdapter):
    """Slices in-memory arrays into batches of ``batch_size`` (default 32).

    ``shuffle``: ``True`` reshuffles all samples every epoch, ``"batch"`` shuffles the order of
    batch-sized chunks, ``False`` keeps the order. The last batch may be partial. With
    ``steps`` set, the epoch iterator continues into a fresh pass over the data as needed.

    >>> adapter = ArrayDataAdapter(np.arange(5.0), np.arange(5), batch_size=2)
    >>> [batch[1].tolist() for batch in adapter.get_numpy_iterator()]
    [[0, 1], [2, 3], [4]]
    """

    @classmethod
    def can_handle(cls, x: Any, y: Any = None) -> bool:
        return x is not None and _all_arrays(x) and _all_arrays(y)

    def __init__(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        batch_size: int | None = None,
        steps: int | None = None,
        shuffle: bool | str = False,
        class_weight: Any = None,
    ) -> None:
        x = utils.standardize_structure(x)
        y = utils.standardize_structure(y)
        if sample_weight is not None:
            sample_weight = utils.standardize_structure(sample_weight)
            if y is not None and tree.is_nested(y) and not tree.is_nested(sample_weight):
                sample_weight = tree.map_structure(lambda _: sample_weight, y)
        self._size = utils.check_lengths(x, y, sample_weight)
        if class_weight is not None:
            utils.check_class_weight(y, class_weight)
            weights = utils.class_weight_to_sample_weights(tree.flatten(y)[0], class_weight)
            if sample_weight is not None:
                weights = weights * np.reshape(tree.flatten(sample_weight)[0], weights.shape)
            sample_weight = weights
        self._data = utils.pack_x_y_sample_weight(x, y, sample_weight)
        self._batch_size = int(batch_size or 32)
        if self._batch_size <= 0:
            raise utils.DataError(
                "batch_size must be a positive integer.",
                expected="batch_size >= 1",
                received=repr(batch_size),
            )
        self._steps = steps
        self._shuffle = shuffle
        self._passes = math.ceil(self._size / self._batch_size)

    @property
    def num_batches(self) -> int:
        return self._steps if self._steps is not None else self._passes

    @property
    def batch_size(self) -> int:
        return self._batch_size

    @property
    def has_partial_batch(self) -> bool:
        return self._size % self._batch_size != 0

    @property
    def partial_batch_size(self) -> int | None:
        return self._size % self._batch_size or None

    def _order(self) -> np.ndarray:
        order = np.arange(self._size)
        if self._shuffle == "batch":
            chunks = [
                order[i : i + self._batch_size] for i in range(0, self._size, self._batch_size)
            ]
            np.random.shuffle(chunks)
            return np.concatenate(chunks)
        if self._shuffle:
            np.random.shuffle(order)
        return order

    def get_numpy_iterator(self) -> Iterator[Any]:
        """One pass over the data (the epoch iterator restarts it when ``steps`` needs more)."""
        order = self._order()
        for start in range(0, self._size, self._batch_size):
            index = order[start : start + self._batch_size]
            if not self._shuffle:
                index = slice(start, start + self._batch_size)
            yield tree.map_structure(lambda a, i=index: None if a is None else a[i], self._data)


__all__ = ["ArrayDataAdapter"]
