"""PyTorch ``DataLoader`` objects, recognised without importing PyTorch ourselves."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tholos.trainers.data_adapters import data_adapter_utils as utils
from tholos.trainers.data_adapters.data_adapter import DataAdapter
from tholos.trainers.data_adapters.generator_data_adapter import convert_batch


class TorchDataLoaderAdapter(DataAdapter):
    """Iterates a ``torch.utils.data.DataLoader`` each epoch; tensors become NumPy arrays."""

    @classmethod
    def can_handle(cls, x: Any, y: Any = None) -> bool:
        return utils.is_torch_dataloader(x)

    def __init__(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        batch_size: Any = None,
        steps: int | None = None,
        shuffle: Any = False,
        class_weight: Any = None,
    ) -> None:
        if y is not None or sample_weight is not None:
            raise utils.DataError(
                "When x is a DataLoader, y and sample_weight must come from it.",
                expected="y=None and sample_weight=None",
                received=f"y={type(y).__name__}",
            )
        self._loader = x
        self._class_weight = class_weight

    @property
    def num_batches(self) -> int | None:
        try:
            return len(self._loader)
        except TypeError:  # an IterableDataset without __len__
            return None

    def get_numpy_iterator(self) -> Iterator[Any]:
        for batch in self._loader:
            yield convert_batch(batch, self._class_weight)


__all__ = ["TorchDataLoaderAdapter"]
