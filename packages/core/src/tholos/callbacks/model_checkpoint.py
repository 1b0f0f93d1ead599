"""``ModelCheckpoint``: save the model or its weights during training."""

from __future__ import annotations

import os

from tholos.callbacks._monitor import improved, monitored_value, resolve_mode
from tholos.callbacks.callback import Callback
from tholos.errors import ConfigError
from tholos.utils.progbar import print_msg


def format_filepath(filepath: str, epoch: int, batch: int | None, logs: dict | None) -> str:
    """Fill ``{epoch}``, ``{batch}`` and log names (e.g. ``{val_loss:.2f}``) into the path.

    ``epoch`` is given 0-based and written 1-based, as users count epochs.

    >>> format_filepath("{epoch:02d}-{val_loss:.2f}.weights.h5", 2, None, {"val_loss": 0.1234})
    '03-0.12.weights.h5'
    """
    values = dict(logs or {})
    values["epoch"] = epoch + 1
    if batch is not None:
        values["batch"] = batch + 1
    try:
        return os.fspath(filepath).format(**values)
    except KeyError as err:
        raise ConfigError(
            f"ModelCheckpoint: the file path template uses {{{err.args[0]}}}, which is not "
            "known at this point.",
            expected=f"fields among {sorted(values)}",
            received=os.fspath(filepath),
        ) from err


class ModelCheckpoint(Callback):
    """Save the model (``.keras``) or its weights (``.weights.h5``) at some frequency.

    Args:
        filepath: path template, e.g. ``"model_at_epoch_{epoch}.keras"`` or
            ``"{epoch:02d}-{val_loss:.2f}.weights.h5"``.
        monitor: the quantity judged by ``save_best_only``.
        verbose: 1 prints a line for each save.
        save_best_only: only save when ``monitor`` improves on the best seen so far.
        save_weights_only: call ``model.save_weights`` instead of ``model.save``.
        mode: ``"min"``, ``"max"`` or ``"auto"``.
        save_freq: ``"epoch"`` or an integer number of batches between saves.
        initial_value_threshold: the initial "best" value for ``save_best_only``.
    """

    def __init__(
        self,
        filepath: str,
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq: str | int = "epoch",
        initial_value_threshold: float | None = None,
    ) -> None:
        super().__init__()
        self.filepath = os.fspath(filepath)
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.mode = resolve_mode(mode, monitor, "ModelCheckpoint")
        self.save_freq = save_freq
        self.best = initial_value_threshold
        self._batches_seen = 0
        self._current_epoch = 0
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0):
            raise ConfigError(
                "ModelCheckpoint: unrecognized save_freq.",
                expected="'epoch' or a positive integer",
                received=repr(save_freq),
            )
        if save_weights_only and not self.filepath.endswith(".weights.h5"):
            raise ConfigError(
                "ModelCheckpoint: with save_weights_only=True the file path must end in "
                "'.weights.h5'.",
                expected="e.g. 'ckpt-{epoch}.weights.h5'",
                received=self.filepath,
            )
        if not save_weights_only and not self.filepath.endswith(".keras"):
            raise ConfigError(
                "ModelCheckpoint: the file path must end in '.keras' (or use "
                "save_weights_only=True with '.weights.h5').",
                expected="e.g. 'model_at_epoch_{epoch}.keras'",
                received=self.filepath,
            )

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._current_epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self.save_freq == "epoch":
            return
        self._batches_seen += 1
        if self._batches_seen % self.save_freq == 0:
            self._save(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    def _save(self, epoch: int, batch: int | None, logs: dict | None) -> None:
        path = format_filepath(self.filepath, epoch, batch, logs)
        if self.save_best_only:
            current = monitored_value(logs, self.monitor, "ModelCheckpoint")
            if current is None:
                return
            if not improved(current, self.best, self.mode, 0.0):
                if self.verbose > 0:
                    print_msg(
                        f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {self.best:.5f}"
                    )
                return
            if self.verbose > 0:
                previous = "inf" if self.best is None else f"{self.best:.5f}"
                print_msg(
                    f"\nEpoch {epoch + 1}: {self.monitor} improved from {previous} to "
                    f"{current:.5f}, saving model to {path}"
                )
            self.best = current
        elif self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: saving model to {path}")
        if not _is_chief():  # distributed runs: only process 0 writes files
            return
        directory = os.path.dirname(path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        method = "save_weights" if self.save_weights_only else "save"
        save = getattr(self.model, method, None)
        if save is None:
            raise NotImplementedError(
                f"ModelCheckpoint needs Model.{method}(), which tholos' saving feature "
                f"(the '.keras' / '.weights.h5' formats) provides; it is not available in "
                "this installation yet."
            )
        save(path, overwrite=True)


def _is_chief() -> bool:
    from tholos.distribution import is_chief

    return is_chief()


__all__ = ["ModelCheckpoint", "format_filepath"]
