"""``History``: the per-epoch logs that ``fit`` returns."""

from __future__ import annotations

from typing import Any

from tholos.callbacks.callback import Callback


class History(Callback):
    """Records every epoch's logs. ``fit`` adds one and returns it.

    ``history.history`` maps each metric name to its list of per-epoch values;
    ``history.epoch`` lists the epoch indices.

    >>> h = History()
    >>> h.on_train_begin()
    >>> h.on_epoch_end(0, {"loss": 0.5})
    >>> h.on_epoch_end(1, {"loss": 0.25})
    >>> h.history, h.epoch
    ({'loss': [0.5, 0.25]}, [0, 1])
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[Any]] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.epoch.append(epoch)
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(value)
        if self.model is not None:
            self.model.history = self


__all__ = ["History"]
