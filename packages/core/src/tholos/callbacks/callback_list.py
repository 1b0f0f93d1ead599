"""``CallbackList``: the callbacks of one ``fit``/``evaluate``/``predict`` call, as one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tholos.callbacks.callback import Callback
from tholos.callbacks.history import History
from tholos.callbacks.progbar_logger import ProgbarLogger


class CallbackList(Callback):
    """Forwards each event to every callback, in order.

    Args:
        callbacks: the user's callbacks.
        add_history: append a :class:`History` unless one is given (``fit`` does).
        add_progbar: append a :class:`ProgbarLogger` unless one is given.
        model: set on every callback.
        **params: ``verbose``, ``epochs``, ``steps``, passed to ``set_params``.
    """

    def __init__(
        self,
        callbacks: Iterable[Callback] | None = None,
        add_history: bool = False,
        add_progbar: bool = False,
        model: Any = None,
        **params: Any,
    ) -> None:
        super().__init__()
        self.callbacks: list[Callback] = list(callbacks or [])
        for cb in self.callbacks:
            if not isinstance(cb, Callback) and not _duck_callback(cb):
                from tholos.errors import ConfigError

                raise ConfigError(
                    "callbacks must be instances of tholos.callbacks.Callback.",
                    expected="a list of Callback objects",
                    received=type(cb).__name__,
                )
        if add_progbar and not any(isinstance(cb, ProgbarLogger) for cb in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        self._history: History | None = None
        if add_history:
            existing = [cb for cb in self.callbacks if isinstance(cb, History)]
            self._history = existing[0] if existing else History()
            if not existing:
                self.callbacks.append(self._history)
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def append(self, callback: Callback) -> None:
        self.callbacks.append(callback)

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params
        for cb in self.callbacks:
            cb.set_params(params)

    def set_model(self, model: Any) -> None:
        self._model = model
        if self._history is not None:
            model.history = self._history
        for cb in self.callbacks:
            cb.set_model(model)

    def _call(self, name: str, *args: Any) -> None:
        for cb in self.callbacks:
            getattr(cb, name)(*args)

    def on_batch_begin(self, batch, logs=None):
        self._call("on_train_batch_begin", batch, logs)

    def on_batch_end(self, batch, logs=None):
        self._call("on_train_batch_end", batch, logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._call("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", epoch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._call("on_train_batch_end", batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._call("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._call("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._call("on_predict_batch_end", batch, logs)

    def on_train_begin(self, logs=None):
        self._call("on_train_begin", logs)

    def on_train_end(self, logs=None):
        self._call("on_train_end", logs)

    def on_test_begin(self, logs=None):
        self._call("on_test_begin", logs)

    def on_test_end(self, logs=None):
        self._call("on_test_end", logs)

    def on_predict_begin(self, logs=None):
        self._call("on_predict_begin", logs)

    def on_predict_end(self, logs=None):
        self._call("on_predict_end", logs)


def _duck_callback(obj: Any) -> bool:
    return all(hasattr(obj, n) for n in ("set_model", "set_params", "on_epoch_end"))


__all__ = ["CallbackList"]
