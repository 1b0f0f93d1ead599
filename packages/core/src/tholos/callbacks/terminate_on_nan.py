"""``TerminateOnNaN``: stop training as soon as the loss is NaN or infinite."""

from __future__ import annotations

import math

from tholos.callbacks.callback import Callback
from tholos.utils.progbar import print_msg


class TerminateOnNaN(Callback):
    """Sets ``model.stop_training`` when a batch's ``loss`` is NaN or infinite."""

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        loss = float(loss)
        if math.isnan(loss) or math.isinf(loss):
            print_msg(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


__all__ = ["TerminateOnNaN"]
