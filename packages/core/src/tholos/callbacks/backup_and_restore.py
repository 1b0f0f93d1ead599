"""``BackupAndRestore``: resume an interrupted ``fit`` where it stopped.

The backup is a NumPy ``.npz`` archive (arrays only, loaded with ``allow_pickle=False``): the
model's weights, the optimizer's variables, and the epoch/step counters. It does not need the
saving feature's file formats, and restoring never executes code from the file.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from tholos.callbacks.callback import Callback
from tholos.errors import ConfigError


def _optimizer_variables(model: Any) -> list[Any]:
    optimizer = getattr(model, "optimizer", None)
    return list(getattr(optimizer, "variables", None) or [])


class BackupAndRestore(Callback):
    """Back up the training state regularly; on the next ``fit``, restore it and resume.

    Args:
        backup_dir: directory for the backup (created if needed).
        save_freq: ``"epoch"`` (after each epoch), an integer number of batches, or ``False``.
        double_checkpoint: keep the previous backup too (falls back to it if the latest is
            unreadable).
        delete_checkpoint: delete the backup when training finishes normally.
    """

    _FILE = "backup.npz"
    _PREVIOUS = "backup.previous.npz"

    def __init__(
        self,
        backup_dir: str,
        save_freq: str | int | bool = "epoch",
        double_checkpoint: bool = False,
        delete_checkpoint: bool = True,
    ) -> None:
        super().__init__()
        if not backup_dir:
            raise ConfigError(
                "BackupAndRestore needs a backup_dir.",
                expected="a directory path",
                received=repr(backup_dir),
            )
        if save_freq not in ("epoch", False) and not (isinstance(save_freq, int) and save_freq > 0):
            raise ConfigError(
                "BackupAndRestore: invalid save_freq.",
                expected="'epoch', False or a positive integer",
                received=repr(save_freq),
            )
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._current_epoch = 0
        self._batches_seen = 0
        self._path = os.path.join(self.backup_dir, self._FILE)
        self._previous = os.path.join(self.backup_dir, self._PREVIOUS)

    # -- state <-> file ---------------------------------------------------------------------
    def _write(self, epoch: int, completed_epoch: bool) -> None:
        if not _is_chief():  # distributed runs: every process restores, only process 0 writes
            return
        os.makedirs(self.backup_dir, exist_ok=True)
        arrays = {f"weight_{i}": np.asarray(w) for i, w in enumerate(self.model.get_weights())}
        for i, var in enumerate(_optimizer_variables(self.model)):
            arrays[f"optimizer_{i}"] = np.asarray(var.numpy())
        # The epoch to resume at: the next one after a completed epoch.
        arrays["resume_epoch"] = np.asarray(epoch + 1 if completed_epoch else epoch)
        tmp = os.path.join(self.backup_dir, "backup.tmp.npz")
        with open(tmp, "wb") as handle:
            np.savez(handle, **arrays)
        if self.double_checkpoint and os.path.exists(self._path):
            os.replace(self._path, self._previous)
        os.replace(tmp, self._path)

    def _read(self, path: str) -> bool:
        try:
            with np.load(path, allow_pickle=False) as archive:
                data = {k: archive[k] for k in archive.files}
        except (OSError, ValueError):
            return False
        weights = [data[f"weight_{i}"] for i in range(sum(k.startswith("weight_") for k in data))]
        self.model.set_weights(weights)
        opt_vars = _optimizer_variables(self.model)
        saved = sum(k.startswith("optimizer_") for k in data)
        if opt_vars and saved == len(opt_vars):
            for i, var in enumerate(opt_vars):
                var.assign(data[f"optimizer_{i}"])
        self.model._initial_epoch = int(data["resume_epoch"])
        return True

    # -- events ------------------------------------------------------------------------------
    def on_train_begin(self, logs: dict | None = None) -> None:
        if self.model is None:
            return
        for path in (self._path, self._previous):
            if os.path.exists(path) and self._read(path):
                return

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._current_epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if isinstance(self.save_freq, int) and not isinstance(self.save_freq, bool):
            self._batches_seen += 1
            if self._batches_seen % self.save_freq == 0:
                self._write(self._current_epoch, completed_epoch=False)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.save_freq == "epoch":
            self._write(epoch, completed_epoch=True)

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.delete_checkpoint and _is_chief():
            for path in (self._path, self._previous):
                if os.path.exists(path):
                    os.remove(path)


def _is_chief() -> bool:
    from tholos.distribution import is_chief

    return is_chief()


__all__ = ["BackupAndRestore"]
