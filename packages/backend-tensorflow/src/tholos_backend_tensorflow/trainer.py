"""Trainer hooks of the TensorFlow backend.

``compute_gradients`` records the loss under a ``tf.GradientTape`` watching the variables'
``tf.Variable``s; assignments made meanwhile (moving statistics, seed states) are ordinary
variable assignments, so nothing has to be replayed. ``compile_step`` wraps a step in a
``tf.function`` (traced once per input signature; XLA when ``jit_compile``), and the
optional ``compile_steps`` runs several steps inside one graph call (``steps_per_execution``:
core's trainer hands it each group of batches). The optional ``to_device`` hook converts
NumPy leaves of a batch and lets TensorFlow tensors (``tf.data`` batches, which the epoch
iterator takes from the dataset without NumPy) through untouched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import tensorflow as tf

from tholos import tree
from tholos_backend_tensorflow import _convert as C

_log = logging.getLogger("tholos.backend.tensorflow")


def _tf_var(v):
    return v._tf_var


def compute_gradients(
    loss_fn: Callable[[], tuple[Any, Any]], variables: Sequence[Any]
) -> tuple[Any, Any, list[Any]]:
    """See :meth:`tholos.backend.contract.TrainerHooks.compute_gradients`."""
    from tholos.backend import _stateless

    variables = list(variables)
    if _stateless._stateless_stack:
        return _gradients_of_values(loss_fn, variables)
    tf_vars = [v._tf_var for v in variables]
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        for tv in tf_vars:
            tape.watch(tv)
        loss, aux = loss_fn()
    loss = C.convert(loss)
    if not tf_vars:
        return loss, aux, []
    raw = tape.gradient(loss, tf_vars, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    return loss, aux, _finish(raw, variables, tf_vars)


def _finish(raw, variables, reference):
    grads = []
    for v, g, ref in zip(variables, raw, reference):
        if g is None:
            g = tf.zeros(v.shape, C.tfd(v._dtype))
        elif isinstance(g, tf.IndexedSlices):
            g = tf.convert_to_tensor(g)
        if g.dtype != ref.dtype:
            g = tf.cast(g, ref.dtype)
        grads.append(g)
    return grads


def _gradients_of_values(loss_fn, variables):
    """Inside a StatelessScope: differentiate with respect to the mapped values."""
    from tholos.backend import StatelessScope

    values = [C.convert(v.value) for v in variables]
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        for value in values:
            tape.watch(value)
        with StatelessScope(list(zip(variables, values))) as scope:
            loss, aux = loss_fn()
    loss = C.convert(loss)
    raw = (
        tape.gradient(loss, values, unconnected_gradients=tf.UnconnectedGradients.ZERO)
        if values
        else []
    )
    for variable, value in scope.updates.items():
        variable.assign(tf.stop_gradient(C.convert(value)))
    return loss, aux, _finish(raw, variables, values)


class _Compiled:
    """A ``tf.function`` of a step with a safe fallback.

    If XLA cannot compile the step (an op without an XLA kernel), it retries as a plain
    graph; if the step cannot be traced at all (Python control flow on tensor values), it
    runs eagerly. Each fallback is logged once.
    """

    def __init__(self, fn: Callable[..., Any], jit_compile: bool, name: str):
        self._fn = fn
        self._name = name
        self._stages = []
        if jit_compile:
            self._stages.append(("xla", tf.function(fn, jit_compile=True)))
        self._stages.append(("graph", tf.function(fn, jit_compile=False)))
        self._stages.append(("eager", fn))
        self._proven = False

    def __call__(self, *args):
        if self._proven:
            return self._stages[0][1](*args)
        while True:
            kind, fn = self._stages[0]
            try:
                out = fn(*args)
            except (
                tf.errors.InvalidArgumentError,
                tf.errors.UnimplementedError,
                NotImplementedError,
                TypeError,
                ValueError,
                tf.errors.OperatorNotAllowedInGraphError,
            ) as err:
                if len(self._stages) == 1:
                    raise
                nxt = self._stages[1][0]
                _log.warning(
                    "tholos/tensorflow: the %s step could not run as %s (%s: %s); using %s.",
                    self._name,
                    kind,
                    type(err).__name__,
                    str(err).split("\n")[0][:200],
                    nxt,
                )
                self._stages.pop(0)
                continue
            self._proven = True
            return out

    @property
    def mode(self) -> str:
        """How the step runs now: ``"xla"``, ``"graph"`` or ``"eager"``."""
        return self._stages[0][0]


def _as_tensors(data):
    """NumPy batches become tensors before the call (tf.function retraces on new Python values)."""
    return tree.map_structure(
        lambda x: (
            x
            if x is None or isinstance(x, (tf.Tensor, str))
            else C.convert(x)
            if hasattr(x, "shape") or isinstance(x, (list,))
            else x
        ),
        data,
    )


def compile_step(step_fn: Callable[[Any], Any], *, kind: str, jit_compile: bool, model: Any):
    """See :meth:`tholos.backend.contract.TrainerHooks.compile_step`."""
    del model
    if not jit_compile:
        return step_fn
    compiled = _Compiled(step_fn, _use_xla(), f"{kind}")

    def run(data):
        return compiled(_as_tensors(data))

    run.compiled = compiled
    return run


def compile_steps(step_fn: Callable[[Any], Any], *, kind: str, jit_compile: bool, model: Any):
    """Several steps in one graph call (optional hook; see core's ``contract/trainer.py``).

    ``run(batches)`` runs ``step_fn`` on each batch in order inside one ``tf.function`` call
    (the loop is unrolled over the number of batches) and returns the last step's result, or
    every step's (a list) for ``kind="predict"``. It is traced once per number of batches
    and batch signature: a whole epoch of full groups is one trace, the last, shorter group
    (or a group holding a smaller last batch) one more.
    """
    del model

    def many(batches):
        results = [step_fn(b) for b in batches]
        return results if kind == "predict" else results[-1]

    if not jit_compile:
        return many
    compiled = _Compiled(many, _use_xla(), f"{kind} (steps_per_execution)")

    def run(batches):
        return compiled([_as_tensors(b) for b in batches])

    run.compiled = compiled
    return run


def _is_numeric_array(x: Any) -> bool:
    kind = getattr(getattr(x, "dtype", None), "kind", None)
    return kind is not None and kind not in "OUSV"


def to_device(batch: Any) -> Any:
    """Optional hook: NumPy leaves become tensors (under the current device scope); TF
    tensors, ``tf.data`` batches included, are kept as they are (no copy, no NumPy)."""

    def convert(leaf):
        if isinstance(leaf, (tf.Tensor, tf.RaggedTensor, tf.SparseTensor)):
            return leaf
        if _is_numeric_array(leaf):
            return C.convert(leaf)
        return leaf

    return tree.map_structure(convert, batch)


_XLA = {"enabled": True}


def set_xla(enabled: bool) -> None:
    """Whether compiled steps use XLA (``tf.function(jit_compile=True)``); default on."""
    _XLA["enabled"] = bool(enabled)


def _use_xla() -> bool:
    return _XLA["enabled"]


def supports_jit() -> bool:
    return True


__all__ = [
    "compile_step",
    "compile_steps",
    "compute_gradients",
    "set_xla",
    "supports_jit",
    "to_device",
]
