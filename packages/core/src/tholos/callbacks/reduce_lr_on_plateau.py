"""``ReduceLROnPlateau``: lower the learning rate when a metric stops improving."""

from __future__ import annotations

from tholos.callbacks._monitor import (
    get_learning_rate,
    improved,
    monitored_value,
    resolve_mode,
    set_learning_rate,
)
from tholos.callbacks.callback import Callback
from tholos.errors import ConfigError
from tholos.utils.progbar import print_msg


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by ``factor`` after ``patience`` epochs without improvement.

    Args:
        monitor: the logged quantity to watch.
        factor: the multiplier (``new_lr = lr * factor``), in ``[0, 1)``.
        patience: epochs without improvement before reducing.
        verbose: 1 prints a message on each reduction.
        mode: ``"min"``, ``"max"`` or ``"auto"``.
        min_delta: threshold for counting a change as an improvement.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: the learning rate never goes below this.

    Adds ``"learning_rate"`` to each epoch's logs.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        verbose: int = 0,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
        **kwargs: object,
    ) -> None:
        super().__init__()
        if factor >= 1.0:
            raise ConfigError(
                "ReduceLROnPlateau does not support a factor >= 1.0.",
                expected="0 <= factor < 1",
                received=repr(factor),
            )
        self.monitor = monitor
        self.factor = factor
        self.patience = patience
        self.verbose = verbose
        self.mode = resolve_mode(mode, monitor, "ReduceLROnPlateau")
        self.min_delta = min_delta
        self.cooldown = cooldown
        self.min_lr = min_lr
        self._reset()

    def _reset(self) -> None:
        self.best: float | None = None
        self.wait = 0
        self.cooldown_counter = 0

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._reset()

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs if logs is not None else {}
        logs["learning_rate"] = get_learning_rate(self.model)
        current = monitored_value(logs, self.monitor, "Learning rate reduction")
        if current is None:
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if improved(current, self.best, self.mode, self.min_delta):
            self.best = current
            self.wait = 0
            return
        if self.in_cooldown():
            return
        self.wait += 1
        if self.wait < self.patience:
            return
        old_lr = get_learning_rate(self.model)
        if old_lr > self.min_lr:
            new_lr = max(old_lr * self.factor, self.min_lr)
            set_learning_rate(self.model, new_lr)
            if self.verbose > 0:
                print_msg(
                    f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}."
                )
            self.cooldown_counter = self.cooldown
            self.wait = 0


__all__ = ["ReduceLROnPlateau"]
