"""``ProgbarLogger``: prints the progress bar of ``fit``/``evaluate``/``predict``."""

from __future__ import annotations

from typing import Any

from tholos.callbacks.callback import Callback
from tholos.utils.progbar import Progbar, print_msg, resolve_verbose


class ProgbarLogger(Callback):
    """Prints ``Epoch i/n`` headers (when ``epochs > 1``) and a :class:`Progbar` per epoch.

    ``fit`` adds one automatically unless ``verbose=0``. Verbosity comes from the
    ``verbose`` parameter ``fit`` passes (``"auto"`` resolves as in
    :func:`tholos.utils.progbar.resolve_verbose`).
    """

    def __init__(self) -> None:
        super().__init__()
        self.verbose = 1
        self.epochs = 1
        self.target: int | None = None
        self.seen = 0
        self.progbar: Progbar | None = None
        self._called_in_fit = False

    def set_params(self, params: dict[str, Any]) -> None:
        super().set_params(params)
        self.verbose = resolve_verbose(params.get("verbose", 1))
        self.epochs = params.get("epochs", 1) or 1
        self.target = params.get("steps")

    def _reset(self) -> None:
        self.seen = 0
        self.progbar = None

    def _bar(self) -> Progbar:
        if self.progbar is None:
            self.progbar = Progbar(target=self.target, verbose=self.verbose, unit_name="step")
        return self.progbar

    def _update(self, batch: int, logs: dict | None) -> None:
        self.seen = batch + 1
        # verbose=2 only prints when finalized, but the bar still needs the step times.
        self._bar().update(self.seen, list((logs or {}).items()), finalize=False)

    def _finalize(self, logs: dict | None) -> None:
        bar = self._bar()
        if self.target is None:
            self.target = self.seen
            bar.target = self.seen
        bar.update(self.target, list((logs or {}).items()), finalize=True)

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._called_in_fit = True

    def on_test_begin(self, logs: dict | None = None) -> None:
        if not self._called_in_fit:
            self._reset()
            self._bar()

    def on_predict_begin(self, logs: dict | None = None) -> None:
        self._reset()
        self._bar()

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._reset()
        self._bar()
        if self.verbose and self.epochs > 1:
            print_msg(f"Epoch {epoch + 1}/{self.epochs}")

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._update(batch, logs)

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if not self._called_in_fit:
            self._update(batch, logs)

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._update(batch, None)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._finalize(logs)

    def on_test_end(self, logs: dict | None = None) -> None:
        if not self._called_in_fit:
            self._finalize(logs)

    def on_predict_end(self, logs: dict | None = None) -> None:
        self._finalize(None)

    def on_train_end(self, logs: dict | None = None) -> None:
        self._called_in_fit = False


__all__ = ["ProgbarLogger"]
