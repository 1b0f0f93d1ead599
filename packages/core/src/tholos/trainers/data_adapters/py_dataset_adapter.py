"""``tholos.utils.PyDataset`` (index-addressable batches, optionally loaded by workers)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tholos.trainers.data_adapters import data_adapter_utils as utils
from tholos.trainers.data_adapters.data_adapter import DataAdapter
from tholos.trainers.data_adapters.generator_data_adapter import convert_batch
from tholos.utils.py_dataset import PyDataset


class PyDatasetAdapter(DataAdapter):
    """Iterates a :class:`~tholos.utils.PyDataset` in index order each epoch."""

    @classmethod
    def can_handle(cls, x: Any, y: Any = None) -> bool:
        return isinstance(x, PyDataset)

    def __init__(
        self,
        x: PyDataset,
        y: Any = None,
        sample_weight: Any = None,
        batch_size: Any = None,
        steps: int | None = None,
        shuffle: Any = False,
        class_weight: Any = None,
    ) -> None:
        if y is not None or sample_weight is not None:
            raise utils.DataError(
                "When x is a PyDataset, y and sample_weight must come from its __getitem__.",
                expected="y=None and sample_weight=None",
                received=f"y={type(y).__name__}, sample_weight={type(sample_weight).__name__}",
            )
        self._dataset = x
        self._class_weight = class_weight

    @property
    def num_batches(self) -> int | None:
        return self._dataset.num_batches

    def on_epoch_begin(self) -> None:
        self._dataset.on_epoch_begin()

    def on_epoch_end(self) -> None:
        self._dataset.on_epoch_end()

    def get_numpy_iterator(self) -> Iterator[Any]:
        for batch in self._dataset.iterate_once():
            yield convert_batch(batch, self._class_weight)


__all__ = ["PyDatasetAdapter"]
