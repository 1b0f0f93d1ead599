"""The compiled path behind ``model(x)``: one compiled call instead of a dispatch per op.

Calling a model eagerly dispatches every op of every layer from Python; on one sample that
overhead is most of the time (a jitted forward on JAX is several times faster). When the
active backend offers the optional ``compile_call`` trainer hook (JAX, TensorFlow; see
:mod:`tholos.backend.contract.trainer`), :meth:`tholos.Model.__call__` hands top-level calls
of a built model to it. The hook compiles the model's ordinary eager call once per input
signature and ``training`` value, so the numbers and the effects on variables are those of
the eager call.

Which models: Functional and Sequential models by default (their call is a graph of
layers); a subclassed model opts in with ``model.compiled_call = True``, and any model opts
out with ``model.compiled_call = False``. A call is compiled only when it is a top-level
eager call (not inside another layer, a training-loop step, a ``StatelessScope``, an
autocast scope or a symbolic call) with one positional input that carries no mask, and at
most ``training=`` as keyword. A model whose call cannot be compiled (Python branching on
tensor values, a layer adding a loss in ``call``, a variable created during the call) is
called eagerly from then on.

>>> import numpy as np
>>> import tholos
>>> model = tholos.Sequential([tholos.layers.Input((2,)), tholos.layers.Dense(1)])
>>> tuple(tholos.ops.shape(model(np.ones((3, 2), "float32"))))
(3, 1)
"""

from __future__ import annotations

import functools
from typing import Any

from tholos import tree
from tholos.backend import _stateless
from tholos.backend._symbolic import any_symbolic
from tholos.errors import CallNotCompilableError
from tholos.layers import _masks
from tholos.layers import layer as _layer

NOT_APPLICABLE = object()
"""Returned by :func:`compiled_call` when the call must go the eager way."""

_EAGER = object()  # cached "no compiled runner for this backend"

_in_steps = [0]  # > 0 while a train/test/predict step runs: model calls there stay inline


def inside_step(step: Any) -> Any:
    """``step`` marked as a training-loop step: model calls made while it runs (and while a
    backend traces it) are not compiled separately, they are part of the step's own graph."""

    @functools.wraps(step)  # traces and framework warnings name the step, not this wrapper
    def stepping(data: Any) -> Any:
        _in_steps[0] += 1
        try:
            return step(data)
        finally:
            _in_steps[0] -= 1

    return stepping


def _default_enabled(model: Any) -> bool:
    from tholos.models.functional import Functional
    from tholos.models.sequential import Sequential

    return isinstance(model, (Functional, Sequential))


def _make_call_fn(model: Any):
    """The eager call the backend compiles: returns ``(outputs, output masks)``."""

    def call_fn(inputs: Any, training: bool | None) -> Any:
        outputs = _layer.Layer.__call__(model, inputs, training=training)
        # The top-level call cleared the model's losses on entry: any now were added by it.
        if any(layer._losses for layer in model._flatten_layers()):
            model._clear_losses()
            raise CallNotCompilableError(
                f"Model '{model.name}': a layer adds a loss in call().",
                expected="a call without add_loss / activity regularizers",
                received="losses added during the call",
                hint="The model is called eagerly.",
            )
        masks = None
        if _masks.state["any"]:
            flat = [_masks.get_keras_mask(out) for out in tree.flatten(outputs)]
            if any(mask is not None for mask in flat):
                masks = flat
        return outputs, masks

    return call_fn


def _runner(model: Any) -> Any:
    """The backend's compiled runner for ``model`` (cached per backend and per structure
    generation: a built layer's ``trainable`` flag flipped, ``Sequential.add``... re-traces),
    or ``_EAGER``."""
    from tholos.backend._state import current

    backend = current()
    key = (id(backend), _layer.structure_generation[0])
    cached = model.__dict__.get("_call_runner")
    if cached is not None and cached[0] == key:
        return cached[1]
    hook = getattr(backend.trainer, "compile_call", None)
    runner = _EAGER if hook is None else hook(_make_call_fn(model), model=model)
    object.__setattr__(model, "_call_runner", (key, runner))
    return runner


def compiled_call(model: Any, args: tuple, kwargs: dict) -> Any:
    """``model(*args, **kwargs)`` through the backend's compiled runner, or ``NOT_APPLICABLE``."""
    enabled = model.compiled_call
    if enabled is None:
        enabled = _default_enabled(model)
        object.__setattr__(model, "compiled_call", enabled)
    if not enabled or len(args) != 1 or not model.built:
        return NOT_APPLICABLE
    training = None
    if kwargs:
        if len(kwargs) != 1 or "training" not in kwargs:
            return NOT_APPLICABLE
        training = kwargs["training"]
        if training is not None and not isinstance(training, bool):
            return NOT_APPLICABLE
    if (
        _in_steps[0]
        or getattr(_layer._tls, "ctx", None) is not None
        or _stateless._stateless_stack
        or _stateless._autocast_stack
        or any_symbolic(args, kwargs)
    ):
        return NOT_APPLICABLE
    inputs = args[0]
    if _masks.state["any"] and _layer._collect_masks(inputs) is not None:
        return NOT_APPLICABLE
    runner = _runner(model)
    if runner is _EAGER:
        return NOT_APPLICABLE
    try:
        outputs, masks = runner(inputs, training)
    except CallNotCompilableError:
        object.__setattr__(model, "compiled_call", False)
        return NOT_APPLICABLE
    if masks is not None:
        for out, mask in zip(tree.flatten(outputs), masks):
            if mask is not None:
                _masks.set_keras_mask(out, mask)
    return outputs


__all__ = ["NOT_APPLICABLE", "compiled_call", "inside_step"]
