"""The interface every data adapter implements (built-in ones and plugin-provided ones).

A backend or third-party plugin contributes adapters through the ``tholos_data_adapters``
hook (see :mod:`tholos.backend.hookspec`). ``fit``/``evaluate``/``predict`` ask each adapter
class, plugins first, whether it ``can_handle(x, y)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


class DataAdapter:
    """Turns one kind of user data into an iterator of batches ``(x[, y[, sample_weight]])``.

    Constructor arguments (every adapter accepts them, ignoring those that do not apply):
    ``x, y=None, sample_weight=None, batch_size=None, steps=None, shuffle=False,
    class_weight=None``.
    """

    @classmethod
    def can_handle(cls, x: Any, y: Any = None) -> bool:
        """Whether this adapter understands ``x`` (and ``y``)."""
        raise NotImplementedError

    def get_numpy_iterator(self) -> Iterator[Any]:
        """The batches of one epoch (or an endless stream), leaves as NumPy arrays."""
        raise NotImplementedError

    def get_backend_iterator(self, backend: str) -> Iterator[Any] | None:
        """Optional: the batches of one epoch as tensors of ``backend`` (the active backend's
        name), or ``None`` (the default) to use :meth:`get_numpy_iterator`. An adapter whose
        data already lives in that backend's framework (``tf.data`` on TensorFlow) returns
        them here so that they reach the training step without a round trip through NumPy."""
        del backend
        return None

    @property
    def reiterable(self) -> bool:
        """Whether :meth:`get_numpy_iterator` can be called again for another epoch."""
        return True

    @property
    def num_batches(self) -> int | None:
        """Batches per epoch, or ``None`` when unknown or endless."""
        return None

    @property
    def batch_size(self) -> int | None:
        return None

    @property
    def has_partial_batch(self) -> bool | None:
        return None

    @property
    def partial_batch_size(self) -> int | None:
        return None

    def on_epoch_begin(self) -> None:
        """Called before each epoch."""

    def on_epoch_end(self) -> None:
        """Called after each epoch (PyDataset reshuffles here)."""


__all__ = ["DataAdapter"]
