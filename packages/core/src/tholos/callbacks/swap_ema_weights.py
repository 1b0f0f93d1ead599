"""``SwapEMAWeights``: evaluate (and optionally checkpoint) with the optimizer's EMA weights."""

from __future__ import annotations

from typing import Any

from tholos.callbacks.callback import Callback
from tholos.errors import ConfigError


class SwapEMAWeights(Callback):
    """Swap the model's trainable weights with their exponential moving averages around
    evaluation and prediction (the optimizer must be created with ``use_ema=True``).

    With ``swap_on_epoch=True`` the EMA weights are also swapped in for the callbacks that
    run after this one at the end of each epoch (e.g. a following ``ModelCheckpoint`` saves
    the EMA weights), then swapped back at the start of the next epoch.

    The optimizer is expected to keep one EMA variable per trainable variable in
    ``optimizer._model_variables_moving_average`` (same order as
    ``optimizer._trainable_variables``), as tholos' optimizers do with ``use_ema=True``.
    """

    def __init__(self, swap_on_epoch: bool = False) -> None:
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._swapped = False
        self._in_fit = False

    def _pairs(self) -> list[tuple[Any, Any]]:
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not getattr(optimizer, "use_ema", False):
            raise ConfigError(
                "SwapEMAWeights needs an optimizer with use_ema=True.",
                expected="e.g. tholos.optimizers.SGD(use_ema=True)",
                received=f"optimizer={optimizer!r}",
            )
        averages = list(getattr(optimizer, "_model_variables_moving_average", None) or [])
        variables = list(getattr(optimizer, "_trainable_variables", None) or [])
        if not variables:
            variables = list(self.model.trainable_variables)
        if len(averages) != len(variables):
            return []  # the optimizer is not built yet: nothing to swap
        return list(zip(variables, averages))

    def _swap(self) -> None:
        for variable, average in self._pairs():
            current = variable.numpy()
            variable.assign(average.numpy())
            average.assign(current)
        self._swapped = not self._swapped

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._in_fit = True

    def on_train_end(self, logs: dict | None = None) -> None:
        if self._swapped:
            self._swap()
        self._in_fit = False

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        if self._swapped:
            self._swap()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.swap_on_epoch and not self._swapped:
            self._swap()

    def on_test_begin(self, logs: dict | None = None) -> None:
        if not self._swapped:
            self._swap()

    def on_test_end(self, logs: dict | None = None) -> None:
        if self._swapped and not (self._in_fit and self.swap_on_epoch):
            self._swap()

    def on_predict_begin(self, logs: dict | None = None) -> None:
        if not self._swapped:
            self._swap()

    def on_predict_end(self, logs: dict | None = None) -> None:
        if self._swapped:
            self._swap()


__all__ = ["SwapEMAWeights"]
