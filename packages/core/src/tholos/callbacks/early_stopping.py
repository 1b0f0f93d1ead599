"""``EarlyStopping``: stop training when a monitored quantity stops improving."""

from __future__ import annotations

from typing import Any

from tholos.callbacks._monitor import check_positive, improved, monitored_value, resolve_mode
from tholos.callbacks.callback import Callback
from tholos.utils.progbar import print_msg


class EarlyStopping(Callback):
    """Stop ``fit`` once ``monitor`` has not improved for ``patience`` epochs.

    Args:
        monitor: the logged quantity, e.g. ``"val_loss"``.
        min_delta: a change smaller than this does not count as an improvement.
        patience: epochs without improvement before stopping.
        verbose: 1 prints a message when stopping / restoring.
        mode: ``"min"``, ``"max"`` or ``"auto"`` (from the name).
        baseline: the waiting counter only resets once the value also beats ``baseline``.
        restore_best_weights: at the end of training, put back the weights of the best epoch.
        start_from_epoch: epochs to let pass before watching (warm-up).

    After training, ``stopped_epoch`` is the (0-based) epoch at which training stopped
    (0 when it did not) and ``best_epoch`` the epoch with the best value.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0.0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ) -> None:
        super().__init__()
        check_positive("patience", patience, "EarlyStopping")
        self.monitor = monitor
        self.min_delta = abs(min_delta)
        self.patience = patience
        self.verbose = verbose
        self.mode = resolve_mode(mode, monitor, "EarlyStopping")
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.wait = 0
        self.stopped_epoch = 0
        self.best: float | None = None
        self.best_weights: list[Any] | None = None
        self.best_epoch = 0

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if epoch < self.start_from_epoch:
            return
        current = monitored_value(logs, self.monitor, "Early stopping")
        if current is None:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
        self.wait += 1
        if improved(current, self.best, self.mode, self.min_delta):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # The wait only restarts once the value also beats the baseline: a model that
            # keeps improving without ever reaching the baseline stops after `patience`.
            if self.baseline is None or improved(current, self.baseline, self.mode, self.min_delta):
                self.wait = 0
                return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.stopped_epoch > 0 and self.verbose > 0:
            print_msg(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print_msg(
                    "Restoring model weights from the end of the best epoch: "
                    f"{self.best_epoch + 1}."
                )
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs: dict | None) -> float | None:
        return monitored_value(logs, self.monitor, "Early stopping")


__all__ = ["EarlyStopping"]
