"""``LambdaCallback``: a callback built from plain functions."""

from __future__ import annotations

from collections.abc import Callable

from tholos.callbacks.callback import Callback

_EVENTS = (
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_begin",
    "on_train_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_begin",
    "on_test_end",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_predict_begin",
    "on_predict_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
)


class LambdaCallback(Callback):
    """Call the given functions on the matching events.

    ``on_epoch_*(epoch, logs)``, ``on_*_batch_*(batch, logs)``, ``on_*_begin/end(logs)``.
    ``on_batch_begin``/``on_batch_end`` are accepted as the training-batch hooks.

    >>> seen = []
    >>> cb = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))
    >>> cb.on_epoch_end(3, {})
    >>> seen
    [3]
    """

    def __init__(self, **hooks: Callable) -> None:
        super().__init__()
        aliases = {"on_batch_begin": "on_train_batch_begin", "on_batch_end": "on_train_batch_end"}
        for name, fn in hooks.items():
            name = aliases.get(name, name)
            if name not in _EVENTS:
                raise TypeError(f"LambdaCallback got an unknown event {name!r}.")
            if fn is not None:
                setattr(self, name, fn)


__all__ = ["LambdaCallback"]
