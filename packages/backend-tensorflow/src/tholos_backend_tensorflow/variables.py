"""TensorFlow Variables: a tholos Variable that owns a ``tf.Variable``.

The value lives in a ``tf.Variable`` (resource variable), so assignments inside a
``tf.function`` are graph ops, ``tf.GradientTape`` differentiates reads, and TensorFlow's
tracking sees it: every tholos Variable is itself a trackable object whose ``tf.Variable``
``tf.train.Checkpoint`` and ``tf.saved_model`` save (see :mod:`.tracking` for whole models).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import tensorflow as tf
from tensorflow.python.trackable.autotrackable import AutoTrackable

from tholos.backend._variables import Variable as _BaseVariable
from tholos.errors import CallNotCompilableError
from tholos_backend_tensorflow import _convert as C

_creation = threading.local()


@contextlib.contextmanager
def refuse_creation(what: str) -> Iterator[None]:
    """While active (in this thread), creating a Variable raises ``CallNotCompilableError``.

    The trainer's ``compile_call`` traces a model's call under it: a variable created during
    a call would otherwise be created once, at trace time, outside the call's graph.
    """
    previous = getattr(_creation, "what", None)
    _creation.what = what
    try:
        yield
    finally:
        _creation.what = previous


class Variable(_BaseVariable, AutoTrackable):
    """A tholos Variable stored in a ``tf.Variable`` (available as ``.tf_variable``)."""

    def _convert_to_tensor(self, value, dtype=None):
        if isinstance(value, _BaseVariable):
            value = value.value
        return C.convert(value, dtype)

    def _initialize(self, value):
        refused = getattr(_creation, "what", None)
        if refused is not None:
            raise CallNotCompilableError(
                f"{refused}: a variable ('{self._name}') is created during the call.",
                expected="a call that only reads and assigns existing variables",
                received=f"a new variable of shape {self._shape}",
                hint="Build the layers before calling; the call runs eagerly.",
            )
        name = self._name
        trainable = self._trainable
        static = value if hasattr(value, "numpy") else None
        if static is None:
            folded = tf.get_static_value(value)
            if folded is not None:
                static = folded
        if static is not None:
            # Created outside any tf.function being traced (variables must outlive traces).
            with tf.init_scope():
                self._tf_var = tf.Variable(
                    static, trainable=trainable, name=name, dtype=C.tfd(self._dtype)
                )
        else:  # a value only known inside the graph: allowed on a tf.function's first trace
            self._tf_var = tf.Variable(value, trainable=trainable, name=name)

    def _direct_assign(self, value):
        self._tf_var.assign(value)

    @property
    def _value(self):
        return self._tf_var.value()

    @property
    def _tholos_tf_variable(self):
        return self._tf_var

    # ``tf.GradientTape.gradient(loss, model.trainable_variables)`` (custom training loops as
    # in TensorFlow's guides): TF treats objects with this marker as resource variables and
    # differentiates with respect to their ``handle``.
    _should_act_as_resource_variable = True

    @property
    def handle(self):
        return self._tf_var.handle

    @property
    def tf_variable(self) -> tf.Variable:
        """The underlying ``tf.Variable``."""
        return self._tf_var

    def numpy(self):
        return self._tf_var.numpy()

    # tf.convert_to_tensor(variable) / tf ops on a tholos Variable read its value.
    def _dense_var_to_tensor(self, dtype=None, name=None, as_ref=False):
        value = self.value
        return value if dtype is None else tf.cast(value, dtype)


def _to_tensor(var, dtype=None, name=None, as_ref=False):
    return var._dense_var_to_tensor(dtype=dtype, name=name, as_ref=as_ref)


tf.register_tensor_conversion_function(Variable, _to_tensor)
