"""``tf.data.Dataset`` objects, recognised without importing TensorFlow ourselves."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tholos.trainers.data_adapters import data_adapter_utils as utils
from tholos.trainers.data_adapters.data_adapter import DataAdapter
from tholos.trainers.data_adapters.generator_data_adapter import convert_batch


class TFDatasetAdapter(DataAdapter):
    """Iterates a batched ``tf.data.Dataset`` each epoch: via ``as_numpy_iterator``, or as
    TensorFlow tensors when TensorFlow is the active backend (:meth:`get_backend_iterator`)."""

    @classmethod
    def can_handle(cls, x: Any, y: Any = None) -> bool:
        return utils.is_tf_dataset(x)

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
                "When x is a tf.data.Dataset, y and sample_weight must be part of it.",
                expected="y=None and sample_weight=None",
                received=f"y={type(y).__name__}",
            )
        self._dataset = x
        self._class_weight = class_weight

    @property
    def num_batches(self) -> int | None:
        try:
            count = int(self._dataset.cardinality())
        except (AttributeError, TypeError, ValueError):
            return None
        return count if count >= 0 else None

    def get_numpy_iterator(self) -> Iterator[Any]:
        for batch in self._dataset.as_numpy_iterator():
            yield convert_batch(batch, self._class_weight)

    def get_backend_iterator(self, backend: str) -> Iterator[Any] | None:
        """On the TensorFlow backend the dataset's own tensors, as it yields them (no NumPy
        copy); ``None`` elsewhere, or with ``class_weight`` (applied on the NumPy path)."""
        if backend != "tensorflow" or self._class_weight is not None:
            return None
        return (tuple(batch) if isinstance(batch, list) else batch for batch in self._dataset)


__all__ = ["TFDatasetAdapter"]
