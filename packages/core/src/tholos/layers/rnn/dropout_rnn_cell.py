"""``DropoutRNNCell``: the dropout masks a recurrent cell reuses for every step of a sequence."""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos import random as trandom


class DropoutRNNCell:
    """Mixin for cells with ``dropout`` / ``recurrent_dropout`` and a ``seed_generator``.

    A mask is drawn once per sequence (the first time it is asked for) and reused for every
    timestep, as in variational dropout; :class:`RNN` resets both masks after each call.
    Mask entries are 0 or ``1 / (1 - rate)``.
    """

    def get_dropout_mask(self, step_input: Any) -> Any:
        mask = getattr(self, "_dropout_mask", None)
        if mask is None and self.dropout > 0:
            mask = trandom.dropout(
                ops.ones_like(step_input), rate=self.dropout, seed=self.seed_generator
            )
            self._dropout_mask = mask
        return mask

    def get_recurrent_dropout_mask(self, step_input: Any) -> Any:
        mask = getattr(self, "_recurrent_dropout_mask", None)
        if mask is None and self.recurrent_dropout > 0:
            mask = trandom.dropout(
                ops.ones_like(step_input), rate=self.recurrent_dropout, seed=self.seed_generator
            )
            self._recurrent_dropout_mask = mask
        return mask

    def reset_dropout_mask(self) -> None:
        """Forget the input mask; the next step draws a new one."""
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self) -> None:
        """Forget the recurrent mask; the next step draws a new one."""
        self._recurrent_dropout_mask = None
