"""``PyDataset``: a Python-side dataset of batches, optionally loaded in parallel.

Subclass it and implement ``__len__`` (the number of batches, or the ``num_batches`` property)
and ``__getitem__(index)`` returning one batch: ``x``, ``(x, y)`` or ``(x, y, sample_weight)``.
``on_epoch_end`` is called after every epoch (reshuffle there).

With ``workers > 1`` batches are produced ahead of time by a pool of threads (default) or of
processes (``use_multiprocessing=True``; the dataset must then be importable by the worker
processes, i.e. defined in a module rather than in ``__main__`` under the ``spawn`` start
method), keeping at most ``max_queue_size`` batches waiting. Batches are always handed to the
model in index order.

>>> import numpy as np
>>> class Squares(PyDataset):
...     def __len__(self):
...         return 3
...     def __getitem__(self, index):
...         x = np.arange(2.0) + 2 * index
...         return x, x ** 2
>>> [batch[1].tolist() for batch in Squares().iterate_once()]
[[0.0, 1.0], [4.0, 9.0], [16.0, 25.0]]
"""

from __future__ import annotations

import collections
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

_PROCESS_DATASETS: dict[int, Any] = {}


def _get_in_worker(key: int, index: int) -> Any:
    return _PROCESS_DATASETS[key][index]


class PyDataset:
    """Base class for datasets of batches (see the module docstring).

    Args:
        workers: how many workers load batches concurrently (1: in the calling thread).
        use_multiprocessing: use processes instead of threads when ``workers > 1``.
        max_queue_size: batches prepared ahead of the one being consumed.
    """

    def __init__(
        self, workers: int = 1, use_multiprocessing: bool = False, max_queue_size: int = 10
    ) -> None:
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    # Subclasses that skip ``super().__init__()`` still work: these read with defaults.
    @property
    def workers(self) -> int:
        return getattr(self, "_workers", 1)

    @workers.setter
    def workers(self, value: int) -> None:
        self._workers = value

    @property
    def use_multiprocessing(self) -> bool:
        return getattr(self, "_use_multiprocessing", False)

    @use_multiprocessing.setter
    def use_multiprocessing(self, value: bool) -> None:
        self._use_multiprocessing = value

    @property
    def max_queue_size(self) -> int:
        return getattr(self, "_max_queue_size", 10)

    @max_queue_size.setter
    def max_queue_size(self, value: int) -> None:
        self._max_queue_size = value

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__(index).")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must implement __len__().")

    @property
    def num_batches(self) -> int | None:
        """Batches per epoch (``len(self)``; ``None`` for an endless dataset)."""
        try:
            return len(self)
        except NotImplementedError:
            return None

    def on_epoch_end(self) -> None:
        """Called at the end of every epoch. Override to reshuffle."""

    def on_epoch_begin(self) -> None:
        """Called at the start of every epoch."""

    # -- iteration ---------------------------------------------------------------------------
    def iterate_once(self) -> Iterator[Any]:
        """Yield the batches of one epoch in order (in parallel when ``workers > 1``)."""
        total = self.num_batches
        indices: Iterator[int] = iter(range(total)) if total is not None else _count()
        if self.workers <= 1:
            for index in indices:
                yield self[index]
            return
        yield from self._iterate_parallel(indices)

    def _executor(self) -> tuple[Executor, int | None]:
        if not self.use_multiprocessing:
            return ThreadPoolExecutor(max_workers=self.workers), None
        key = id(self)
        _PROCESS_DATASETS[key] = self
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=context), key

    def _iterate_parallel(self, indices: Iterator[int]) -> Iterator[Any]:
        executor, key = self._executor()
        pending: collections.deque[Future] = collections.deque()
        ahead = max(self.max_queue_size, self.workers)

        def submit(index: int) -> Future:
            if key is None:
                return executor.submit(self.__getitem__, index)
            return executor.submit(_get_in_worker, key, index)

        try:
            for index in indices:
                pending.append(submit(index))
                if len(pending) >= ahead:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except IndexError:  # an endless dataset that ended after all
            return
        finally:
            for future in pending:
                future.cancel()
            executor.shutdown(wait=True, cancel_futures=True)
            if key is not None:
                _PROCESS_DATASETS.pop(key, None)


def _count() -> Iterator[int]:
    index = 0
    while True:
        yield index
        index += 1


__all__ = ["PyDataset"]
