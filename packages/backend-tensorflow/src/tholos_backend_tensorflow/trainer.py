"""Trainer hooks of the TensorFlow backend.

``compute_gradients`` records the loss under a ``tf.GradientTape`` watching the variables'
``tf.Variable``s; assignments made meanwhile (moving statistics, seed states) are ordinary
variable assignments, so nothing has to be replayed. ``compile_step`` wraps a step in a
``tf.function`` (traced once per input signature), and the optional ``compile_steps`` runs
several steps inside one graph call (``steps_per_execution``: core's trainer hands it each
group of batches). The optional ``compile_call`` compiles a model's forward call behind
``model(x)``. The optional ``to_device`` hook converts NumPy leaves of a batch and lets
TensorFlow tensors (``tf.data`` batches, which the epoch iterator takes from the dataset
without NumPy) through untouched.

Every ``tf.function`` here is made with ``autograph=False``: tholos' layers and ops are
written for eager execution, so the trace is the Python code run once on symbolic tensors.
(AutoGraph would rewrite every function the step reaches, the whole of tholos' call path,
on the first trace: ~25 s for a small MLP on a loaded 2-core machine.) Python control flow
on a tensor value then fails to trace, and the step falls back to eager execution.

XLA (``set_xla``, default ``"auto"``): on the CPU, TensorFlow's own kernels (oneDNN
convolutions) beat XLA's by ~1.5x on a convnet training step, so ``jit_compile="auto"``
compiles to a plain graph there and uses XLA on a GPU; ``compile(jit_compile=True)`` asks for
XLA explicitly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import tensorflow as tf

from tholos import tree
from tholos.errors import CallNotCompilableError
from tholos.trainers.epoch_iterator import is_numeric_array
from tholos_backend_tensorflow import _convert as C
from tholos_backend_tensorflow import devices as _devices
from tholos_backend_tensorflow import variables as _variables

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


_MAX_CONCRETE = 32


def _signature(args: Any) -> Any:
    """A cheap key for a tensor or a flat tuple of tensors (and ``None``s): their dtypes and
    shapes; ``None`` for anything else (the caller then goes through the ``tf.function``)."""
    if isinstance(args, tf.Tensor):
        return (args.dtype, tuple(args.shape))
    if type(args) is tuple:
        key = []
        for leaf in args:
            if isinstance(leaf, tf.Tensor):
                key.append((leaf.dtype, tuple(leaf.shape)))
            elif leaf is None:
                key.append(None)
            else:
                return None
        return tuple(key)
    return None


class _Dispatch:
    """Calls a ``tf.function`` of one argument through its concrete functions, cached by
    :func:`_signature`: skips the ``tf.function``'s per-call argument canonicalisation and
    cache lookup (~0.1 ms, most of the overhead on a one-sample call). The concrete functions
    come from the ``tf.function`` itself (``get_concrete_function``), so tracing, its cache and
    ``reduce_retracing`` are TensorFlow's; other arguments go through the ``tf.function``."""

    __slots__ = ("_cache", "_fn")

    def __init__(self, fn: Any):
        self._fn = fn
        self._cache: dict[Any, Any] = {}

    def __call__(self, arg: Any) -> Any:
        key = _signature(arg)
        if key is None:
            return self._fn(arg)
        concrete = self._cache.get(key)
        if concrete is None:
            if len(self._cache) >= _MAX_CONCRETE:
                self._cache.clear()
            concrete = self._fn.get_concrete_function(arg)
            self._cache[key] = concrete
        return concrete(arg)


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
            self._stages.append(("xla", tf.function(fn, jit_compile=True, autograph=False)))
        self._stages.append(("graph", tf.function(fn, jit_compile=False, autograph=False)))
        self._stages.append(("eager", fn))
        self._proven = False

    def __call__(self, *args):
        if self._proven:
            return self._fast(*args)
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
            fn = self._stages[0][1]
            self._fast = _Dispatch(fn) if kind != "eager" else fn
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
    if not jit_compile:
        return step_fn
    compiled = _Compiled(step_fn, _use_xla(model), f"{kind}")

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

    def many(batches):
        results = [step_fn(b) for b in batches]
        return results if kind == "predict" else results[-1]

    if not jit_compile:
        return many
    compiled = _Compiled(many, _use_xla(model), f"{kind} (steps_per_execution)")

    def run(batches):
        return compiled([_as_tensors(b) for b in batches])

    run.compiled = compiled
    return run


def to_device(batch: Any) -> Any:
    """Optional hook: NumPy leaves become tensors (under the current device scope); TF
    tensors, ``tf.data`` batches included, are kept as they are (no copy, no NumPy)."""

    def convert(leaf):
        if isinstance(leaf, (tf.Tensor, tf.RaggedTensor, tf.SparseTensor)):
            return leaf
        if is_numeric_array(leaf):
            return C.convert(leaf)
        return leaf

    return tree.map_structure(convert, batch)


_XLA: dict[str, bool | str] = {"enabled": "auto"}


def set_xla(enabled: bool | str) -> None:
    """Whether compiled steps use XLA (``tf.function(jit_compile=True)``).

    ``"auto"`` (the default): XLA when the current device is a GPU or the model was compiled
    with ``jit_compile=True`` explicitly, a plain graph otherwise (on the CPU TensorFlow's own
    kernels are faster); ``True``: always; ``False``: never.
    """
    _XLA["enabled"] = enabled if enabled == "auto" else bool(enabled)


def _use_xla(model: Any = None) -> bool:
    setting = _XLA["enabled"]
    if setting != "auto":
        return bool(setting)
    config = getattr(model, "__dict__", {}).get("_compile_config") or {}
    if config.get("jit_compile") is True:
        return True
    return _devices.get_device().startswith("gpu")


def supports_jit() -> bool:
    return True


# -- compile_call: the compiled path behind model(x) ---------------------------------------------

# Errors that mean "this call cannot be traced" (not "this call is wrong"): Python control
# flow on a symbolic tensor, reading a symbolic tensor as NumPy or Python values.
_UNTRACEABLE = (
    tf.errors.OperatorNotAllowedInGraphError,
    NotImplementedError,
    AttributeError,
    TypeError,
)


class _TraceFailedError(Exception):
    """Raised out of a trace of ``call_fn`` (wraps the reason)."""


class _CallRunner:
    """``run(inputs, training)`` of :func:`compile_call`: one ``tf.function`` per ``training``.

    Each function is traced with ``reduce_retracing=True``: the first input signature is
    traced as it is (static shapes), a second, different one generalises the dimensions that
    differ (one trace for every later batch size). Should a generalised trace fail (a layer
    that needs a static dimension), that ``training`` value goes back to one trace per exact
    signature.
    """

    __slots__ = ("_call_fn", "_fns", "_name")

    def __init__(self, call_fn: Callable[[Any, Any], Any], name: str):
        self._call_fn = call_fn
        self._name = name
        self._fns: dict[Any, Any] = {}

    def _function(self, training: Any, generalise: bool):
        call_fn, what = self._call_fn, f"Model '{self._name}'"

        def traced(inputs):
            with _variables.refuse_creation(what):
                try:
                    return call_fn(inputs, training)
                except CallNotCompilableError:
                    raise
                except _UNTRACEABLE as err:
                    raise _TraceFailedError(err) from err

        return _Dispatch(tf.function(traced, autograph=False, reduce_retracing=generalise))

    def __call__(self, inputs: Any, training: Any = None) -> Any:
        if not tf.executing_eagerly():  # inside a graph being traced (a compiled step): inline
            return self._call_fn(inputs, training)
        run = self._fns.get(training)
        if run is None:
            run = self._fns[training] = self._function(training, True)
        if not isinstance(inputs, tf.Tensor):
            inputs = _as_tensors(inputs)
        try:
            return run(inputs)
        except _TraceFailedError as failure:
            reason = failure.args[0]
        if run._fn.experimental_get_tracing_count() > 0:  # a generalised signature failed
            exact = self._fns[training] = self._function(training, False)
            try:
                return exact(inputs)
            except _TraceFailedError as failure:
                reason = failure.args[0]
        message = str(reason).splitlines()[0][:200] if str(reason) else ""
        raise CallNotCompilableError(
            f"Model '{self._name}': its call cannot be traced into a TensorFlow graph "
            f"({type(reason).__name__}: {message}).",
            expected="a call without Python control flow on tensor values",
            received=f"training={training!r}",
            hint="The model is called eagerly.",
        ) from reason

    @property
    def traces(self) -> int:
        """How many graphs were traced, over every ``training`` value."""
        return sum(run._fn.experimental_get_tracing_count() for run in self._fns.values())

    def tracing_count(self, training: Any = None) -> int:
        """How many graphs were traced for ``training`` (0 before the first call)."""
        run = self._fns.get(training)
        return 0 if run is None else run._fn.experimental_get_tracing_count()


def compile_call(call_fn: Callable[[Any, Any], Any], *, model: Any) -> Callable[[Any, Any], Any]:
    """Optional hook: the compiled path behind ``model(x)`` (see core's ``contract/trainer.py``).

    ``run(inputs, training)`` calls ``call_fn(inputs, training)`` inside a ``tf.function``
    (one per ``training`` value, traced once per input signature, generalising the batch
    dimension after a second one). NumPy inputs are converted first. A call that cannot be
    traced (Python control flow on tensor values, a variable created during the call) raises
    :class:`tholos.errors.CallNotCompilableError` at trace time, when nothing has run.
    """
    return _CallRunner(call_fn, getattr(model, "name", type(model).__name__))


__all__ = [
    "compile_call",
    "compile_step",
    "compile_steps",
    "compute_gradients",
    "set_xla",
    "supports_jit",
    "to_device",
]
