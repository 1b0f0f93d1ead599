"""``CSVLogger``: one CSV row per epoch."""

from __future__ import annotations

import csv
import os
from typing import Any

import numpy as np

from tholos.callbacks.callback import Callback


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return value
    array = np.asarray(value)
    if array.ndim == 0:
        return array.item()
    return f'"[{", ".join(str(v) for v in array.ravel())}]"'


class CSVLogger(Callback):
    """Write ``epoch`` and every log value to ``filename`` at the end of each epoch.

    Columns are ``epoch`` followed by the log keys in sorted order, fixed by the first epoch.
    ``append=True`` continues an existing file (no second header).
    """

    def __init__(self, filename: str, separator: str = ",", append: bool = False) -> None:
        super().__init__()
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = append
        self.keys: list[str] | None = None
        self._file = None
        self._writer = None
        self._append_header = True

    def on_train_begin(self, logs: dict | None = None) -> None:
        from tholos.distribution import is_chief

        if not is_chief():  # distributed runs: only process 0 writes the file
            self._file = None
            return
        if self.append:
            self._append_header = not (
                os.path.exists(self.filename) and os.path.getsize(self.filename) > 0
            )
            mode = "a"
        else:
            self._append_header = True
            mode = "w"
        self._file = open(self.filename, mode, newline="", encoding="utf-8")
        self.keys = None
        self._writer = None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self._file is None:
            return
        logs = dict(logs or {})
        if self.keys is None:
            self.keys = sorted(logs)
        if self._writer is None:
            self._writer = csv.DictWriter(
                self._file, fieldnames=["epoch", *self.keys], delimiter=self.sep
            )
            if self._append_header:
                self._writer.writeheader()
        row = {"epoch": epoch}
        row.update({k: _cell(logs[k]) if k in logs else "NA" for k in self.keys})
        self._writer.writerow(row)
        self._file.flush()

    def on_train_end(self, logs: dict | None = None) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._writer = None


__all__ = ["CSVLogger"]
