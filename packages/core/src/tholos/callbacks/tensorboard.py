"""``TensorBoard``: write training curves and weight histograms for TensorBoard.

Event files are produced by :mod:`tholos.callbacks._tfevents` (no TensorFlow, no protobuf
dependency): scalars and histograms, the dashboards most used during training.
"""

from __future__ import annotations

import os
import time
import warnings
from typing import Any

import numpy as np

from tholos.callbacks._tfevents import EventFileWriter
from tholos.callbacks.callback import Callback
from tholos.errors import ConfigError


def _is_number(value: Any) -> bool:
    try:
        return np.asarray(value).ndim == 0 and np.isreal(value)
    except Exception:
        return False


class TensorBoard(Callback):
    """Log metrics (and optionally weight histograms) to ``log_dir`` for TensorBoard.

    Training values go to ``log_dir/train``, validation values (``val_`` stripped) to
    ``log_dir/validation``, with tags ``epoch_<metric>`` at each epoch end and
    ``batch_<metric>`` every ``update_freq`` batches when ``update_freq`` is ``"batch"`` or an
    integer. ``histogram_freq=N`` writes a histogram of every weight every N epochs.

    Run ``tensorboard --logdir <log_dir>`` to view. ``write_graph``, ``write_images``,
    ``profile_batch`` and ``embeddings_*`` are accepted for compatibility; graph, image,
    profile and embedding dashboards are not written (a warning says so when requested
    explicitly).
    """

    def __init__(
        self,
        log_dir: str = "logs",
        histogram_freq: int = 0,
        write_graph: bool = True,
        write_images: bool = False,
        write_steps_per_second: bool = False,
        update_freq: str | int = "epoch",
        profile_batch: int = 0,
        embeddings_freq: int = 0,
        embeddings_metadata: Any = None,
    ) -> None:
        super().__init__()
        if update_freq == "batch":
            update_freq = 1
        if update_freq != "epoch" and not (isinstance(update_freq, int) and update_freq > 0):
            raise ConfigError(
                "TensorBoard: invalid update_freq.",
                expected="'epoch', 'batch' or a positive integer",
                received=repr(update_freq),
            )
        if write_images or profile_batch or embeddings_freq:
            warnings.warn(
                "TensorBoard: images, profiling and embeddings are not written by tholos; "
                "only scalars and histograms.",
                stacklevel=2,
            )
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = update_freq
        self._writers: dict[str, EventFileWriter] = {}
        self._train_step = 0
        self._epoch_start = 0.0
        self._epoch_batches = 0

    def _writer(self, name: str) -> EventFileWriter:
        if name not in self._writers:
            from tholos.distribution import is_chief

            if not is_chief():  # distributed runs: only process 0 writes event files
                return _NullWriter()
            self._writers[name] = EventFileWriter(os.path.join(self.log_dir, name))
        return self._writers[name]

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._train_step = 0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._epoch_start = time.time()
        self._epoch_batches = 0

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._train_step += 1
        self._epoch_batches += 1
        if self.update_freq == "epoch" or self._train_step % self.update_freq:
            return
        writer = self._writer("train")
        for name, value in (logs or {}).items():
            if _is_number(value):
                writer.add_scalar(f"batch_{name}", float(value), self._train_step)
        writer.flush()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        train = self._writer("train")
        validation_values = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        for name, value in logs.items():
            if not name.startswith("val_") and _is_number(value):
                train.add_scalar(f"epoch_{name}", float(value), epoch)
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._epoch_start, 1e-12)
            train.add_scalar("epoch_steps_per_second", self._epoch_batches / elapsed, epoch)
        if validation_values:
            validation = self._writer("validation")
            for name, value in validation_values.items():
                if _is_number(value):
                    validation.add_scalar(f"epoch_{name}", float(value), epoch)
            validation.flush()
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        train.flush()

    def _log_weights(self, epoch: int) -> None:
        writer = self._writer("train")
        for variable in getattr(self.model, "weights", []):
            name = getattr(variable, "path", None) or getattr(variable, "name", "weight")
            writer.add_histogram(f"{name.replace(':', '_')}/histogram", variable.numpy(), epoch)

    def on_test_end(self, logs: dict | None = None) -> None:
        for writer in self._writers.values():
            writer.flush()

    def on_train_end(self, logs: dict | None = None) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}


class _NullWriter:
    """Stands in for the event writer on processes other than the chief."""

    def add_scalar(self, *args: Any, **kwargs: Any) -> None:
        pass

    add_histogram = add_scalar
    flush = add_scalar
    close = add_scalar


__all__ = ["TensorBoard"]
