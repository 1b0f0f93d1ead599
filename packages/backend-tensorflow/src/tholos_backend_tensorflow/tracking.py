"""TensorFlow tracking for tholos models: checkpoints and SavedModels.

On this backend every tholos layer and model already is a ``tf.Module`` (the backend's
``layer_mixin``, :mod:`._layer_module`), so ``tf.train.Checkpoint(model=model)`` and
``tf.saved_model.save(model, path)`` take the model itself. :func:`as_module` remains for a
flat view: a ``tf.Module`` holding the model's ``tf.Variable`` s keyed by path (a checkpoint
written through it names variables by path instead of by the layer structure).

>>> module = as_module(model)                                        # doctest: +SKIP
>>> tf.train.Checkpoint(model=module).write("/tmp/ckpt")             # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf


class TholosModule(tf.Module):
    """A ``tf.Module`` view of a tholos layer/model: its variables, keyed by path."""

    def __init__(self, layer: Any, name: str | None = None):
        super().__init__(name=name or _safe(getattr(layer, "name", "tholos_model")))
        self._tholos_layer = layer
        by_path = {}
        for v in getattr(layer, "variables", []):
            key = _safe(v.path)
            while key in by_path:
                key += "_"
            by_path[key] = v.tf_variable
        self.tholos_variables = by_path

    @property
    def layer(self) -> Any:
        return self._tholos_layer


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c == "_" else "_" for c in str(name)) or "v"


def as_module(layer: Any, name: str | None = None) -> TholosModule:
    """A ``tf.Module`` that ``tf.train.Checkpoint`` and ``tf.saved_model`` can hold.

    The module shares the model's ``tf.Variable``s: restoring a checkpoint into it restores
    the model's weights.
    """
    return TholosModule(layer, name)


__all__ = ["TholosModule", "as_module"]
