"""The base class of callbacks: hooks the training loop calls at fixed points."""

from __future__ import annotations

from typing import Any


class Callback:
    """Base class for objects that react to training, evaluation and prediction events.

    Override any ``on_*`` method. ``self.model`` is the model being trained and
    ``self.params`` holds ``{"verbose", "epochs", "steps"}``. ``logs`` dicts map metric
    names (``"loss"``, ``"accuracy"``, ``"val_loss"``...) to Python floats; callbacks may add
    entries (e.g. ``"learning_rate"``), which later callbacks and ``History`` then see.

    >>> class Count(Callback):
    ...     def on_epoch_end(self, epoch, logs=None):
    ...         print("finished epoch", epoch)
    >>> Count().on_epoch_end(0)
    finished epoch 0
    """

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}
        self._model: Any = None

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params

    def set_model(self, model: Any) -> None:
        self._model = model

    @property
    def model(self) -> Any:
        return self._model

    # Batch-level hooks; ``on_batch_*`` are the training ones under their older names.
    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Deprecated alias of :meth:`on_train_batch_begin`."""

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Deprecated alias of :meth:`on_train_batch_end`."""

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        """Start of a training epoch (``epoch`` counts from 0)."""

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """End of a training epoch; ``logs`` has training and ``val_`` results."""

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Start of an evaluation batch."""

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """End of an evaluation batch."""

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Start of a prediction batch."""

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """End of a prediction batch; ``logs["outputs"]`` holds the batch's predictions."""

    def on_train_begin(self, logs: dict | None = None) -> None:
        """Start of ``fit``."""

    def on_train_end(self, logs: dict | None = None) -> None:
        """End of ``fit``; ``logs`` are the last epoch's."""

    def on_test_begin(self, logs: dict | None = None) -> None:
        """Start of ``evaluate`` (also the validation run inside ``fit``)."""

    def on_test_end(self, logs: dict | None = None) -> None:
        """End of ``evaluate``."""

    def on_predict_begin(self, logs: dict | None = None) -> None:
        """Start of ``predict``."""

    def on_predict_end(self, logs: dict | None = None) -> None:
        """End of ``predict``."""


__all__ = ["Callback"]
