"""``LearningRateScheduler``: set the learning rate from a function of the epoch."""

from __future__ import annotations

from collections.abc import Callable

from tholos.callbacks._monitor import get_learning_rate, set_learning_rate
from tholos.callbacks.callback import Callback
from tholos.errors import ConfigError
from tholos.utils.progbar import print_msg


class LearningRateScheduler(Callback):
    """At the start of each epoch, set ``lr = schedule(epoch, lr)`` (or ``schedule(epoch)``).

    >>> halve_after_two = lambda epoch, lr: lr if epoch < 2 else lr * 0.5
    >>> callback = LearningRateScheduler(halve_after_two)

    Adds ``"learning_rate"`` to each epoch's logs.
    """

    def __init__(self, schedule: Callable, verbose: int = 0) -> None:
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        current = get_learning_rate(self.model)
        try:
            new_lr = self.schedule(epoch, current)
        except TypeError:  # a one-argument schedule
            new_lr = self.schedule(epoch)
        try:
            new_lr = float(new_lr)
        except (TypeError, ValueError) as err:
            raise ConfigError(
                "The learning rate schedule must return a number.",
                expected="a float",
                received=repr(new_lr),
            ) from err
        set_learning_rate(self.model, new_lr)
        if self.verbose > 0:
            print_msg(
                f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {new_lr}."
            )

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is not None:
            logs["learning_rate"] = get_learning_rate(self.model)


__all__ = ["LearningRateScheduler"]
