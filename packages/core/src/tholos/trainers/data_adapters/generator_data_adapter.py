"""Python generators and other one-shot iterators of batches."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from collections.abc import Iterator as IteratorABC
from typing import Any

from tholos import tree
from tholos.trainers.data_adapters import data_adapter_utils as utils
from tholos.trainers.data_adapters.data_adapter import DataAdapter


def convert_batch(batch: Any, class_weight: Any = None) -> Any:
    """Leaves to NumPy, a list batch to a tuple, class weights applied."""
    if isinstance(batch, list):
        batch = tuple(batch)
    batch = tree.map_structure(lambda a: None if a is None else utils.standardize_array(a), batch)
    return utils.apply_class_weight(batch, class_weight)


class GeneratorDataAdapter(DataAdapter):
    """Draws batches from a generator (or any iterator). It is consumed, never restarted:
    with several epochs, give ``steps_per_epoch`` and make it yield enough batches (or loop
    forever)."""

    @classmethod
    def can_handle(cls, x: Any, y: Any = None) -> bool:
        return inspect.isgenerator(x) or isinstance(x, IteratorABC)

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
                "When x is a generator, y and sample_weight must be part of what it yields.",
                expected="y=None and sample_weight=None",
                received=f"y={type(y).__name__}, sample_weight={type(sample_weight).__name__}",
                hint="Yield (x, y) or (x, y, sample_weight) tuples.",
            )
        self._generator = x
        self._class_weight = class_weight

    @property
    def reiterable(self) -> bool:
        return False

    def get_numpy_iterator(self) -> Iterator[Any]:
        for batch in self._generator:
            yield convert_batch(batch, self._class_weight)


__all__ = ["GeneratorDataAdapter", "convert_batch"]
