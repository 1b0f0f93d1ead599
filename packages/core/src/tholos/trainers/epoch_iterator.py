"""Walks a data adapter epoch by epoch, grouping batches for ``steps_per_execution``.

``for begin, end, batches in iterator.enumerate_epoch()`` yields the index of the first and
last step of each execution and the list of batches (``steps_per_execution`` of them, fewer at
the end of an epoch). Without ``steps_per_epoch`` an epoch is one pass over the data; with it,
exactly that many steps, continuing where the previous epoch stopped (re-iterable data is
restarted transparently; a generator that runs dry ends training with a warning).

Batches come from the adapter's ``get_numpy_iterator()``, unless its optional
``get_backend_iterator(backend_name)`` returns an iterator of the active backend's own tensors
(``tf.data`` on TensorFlow): those reach ``to_backend`` and the step without a NumPy copy.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

from tholos import tree
from tholos.trainers.data_adapters import DataError, get_data_adapter


def is_numeric_array(x: Any) -> bool:
    """Whether ``x`` has a NumPy-style numeric ``dtype`` (not object, string or void): the
    batch leaves ``to_backend`` and the backends' ``to_device`` hooks convert."""
    kind = getattr(getattr(x, "dtype", None), "kind", None)
    return kind is not None and kind not in "OUSV"


def to_backend(batch: Any) -> Any:
    """Leaves to the active backend's native arrays (NumPy arrays stay as they are on NumPy),
    on its current device: the one place a batch is converted and moved (a backend may take
    over with the optional hook ``trainer.to_device(batch)``, e.g. to pin host memory)."""
    from tholos.backend._state import current

    backend = current()
    to_device = getattr(backend.trainer, "to_device", None)
    if to_device is not None:
        return to_device(batch)
    if backend.name == "numpy":
        return batch
    from tholos import ops

    return tree.map_structure(
        lambda a: ops.convert_to_tensor(a) if is_numeric_array(a) else a, batch
    )


class EpochIterator:
    """See the module docstring."""

    def __init__(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        batch_size: int | None = None,
        steps_per_epoch: int | None = None,
        shuffle: bool | str = False,
        class_weight: Any = None,
        steps_per_execution: int = 1,
    ) -> None:
        if steps_per_epoch is not None and steps_per_epoch <= 0:
            raise DataError(
                "steps_per_epoch must be a positive integer.",
                expected="steps_per_epoch >= 1 or None",
                received=repr(steps_per_epoch),
            )
        self.steps_per_epoch = steps_per_epoch
        self.steps_per_execution = max(int(steps_per_execution or 1), 1)
        self.data_adapter = get_data_adapter(
            x,
            y,
            sample_weight=sample_weight,
            batch_size=batch_size,
            steps_per_epoch=steps_per_epoch,
            shuffle=shuffle,
            class_weight=class_weight,
        )
        self._iterator: Iterator[Any] | None = None
        self._seen_epoch_lengths: list[int] = []
        self._first_batch: Any = None
        self._pending_first = False
        self.out_of_data = False

    @property
    def num_batches(self) -> int | None:
        """Steps per epoch: ``steps_per_epoch``, the adapter's count, or the length measured
        during the first epoch (``None`` until then when unknown)."""
        if self.steps_per_epoch is not None:
            return self.steps_per_epoch
        known = self.data_adapter.num_batches
        if known is not None:
            return known
        return self._seen_epoch_lengths[0] if self._seen_epoch_lengths else None

    def _new_iterator(self) -> Iterator[Any]:
        """A fresh iterator over the adapter's batches: backend-native when it offers one."""
        native = getattr(self.data_adapter, "get_backend_iterator", None)
        if native is not None:
            from tholos.backend._state import current

            batches = native(current().name)
            if batches is not None:
                return iter(batches)
        return self.data_adapter.get_numpy_iterator()

    def peek(self) -> Any:
        """The first batch (NumPy leaves, or backend-native ones, see the module docstring),
        without consuming it: models build from it."""
        if self._first_batch is None:
            self._iterator = self._new_iterator()
            try:
                self._first_batch = next(self._iterator)
            except StopIteration:
                raise DataError(
                    "The dataset is empty: it produced no batch.",
                    expected="at least one batch",
                    received="an empty dataset, generator or PyDataset",
                ) from None
            self._pending_first = True
        return self._first_batch

    def _next_batch(self) -> Any:
        if self._pending_first:
            self._pending_first = False
            return self._first_batch
        if self._iterator is None:
            self._iterator = self._new_iterator()
        return next(self._iterator)

    def _draw(self, step: int) -> Any:
        """The next batch, or ``None`` when this epoch is over."""
        if self.steps_per_epoch is None:
            try:
                return self._next_batch()
            except StopIteration:
                self._iterator = None
                return None
        if step >= self.steps_per_epoch:
            return None
        try:
            return self._next_batch()
        except StopIteration:
            if not self.data_adapter.reiterable:
                self._iterator = None
                return self._out_of_data(step)
            self._iterator = self._new_iterator()
            try:
                return next(self._iterator)
            except StopIteration:
                return self._out_of_data(step)

    def _out_of_data(self, step: int) -> None:
        self.out_of_data = True
        warnings.warn(
            "Your input ran out of data; interrupting training. Make sure that your dataset "
            "or generator can generate at least `steps_per_epoch * epochs` batches "
            f"(ran out after {step} steps of this epoch).",
            stacklevel=3,
        )
        return None

    def enumerate_epoch(self) -> Iterator[tuple[int, int, list[Any]]]:
        """Yield ``(first_step, last_step, batches)`` for one epoch."""
        self.data_adapter.on_epoch_begin()
        step = 0
        exhausted = self.out_of_data
        while not exhausted:
            batches = []
            for _ in range(self.steps_per_execution):
                batch = self._draw(step + len(batches))
                if batch is None:
                    exhausted = True
                    break
                batches.append(to_backend(batch))
            if not batches:
                break
            yield step, step + len(batches) - 1, batches
            step += len(batches)
        if self.steps_per_epoch is None and step == 0 and not self._seen_epoch_lengths:
            raise DataError(
                "The dataset is empty: it produced no batch.",
                expected="at least one batch",
                received="an empty dataset, generator or PyDataset",
            )
        if self.steps_per_epoch is None and step == 0 and not self.data_adapter.reiterable:
            self.out_of_data = True
            warnings.warn(
                "Your input ran out of data; interrupting training. Make sure that your "
                "generator can generate at least `epochs` passes, or set `steps_per_epoch`.",
                stacklevel=2,
            )
        if step:
            self._seen_epoch_lengths.append(step)
        self.data_adapter.on_epoch_end()


__all__ = ["EpochIterator", "to_backend"]
