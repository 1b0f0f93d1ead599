"""Trainer hooks of the JAX backend: ``jax.value_and_grad`` and a pure, jit-compiled step.

``compute_gradients`` binds the variables' values with a StatelessScope and differentiates
the loss as a function of them. ``compile_step`` turns a train/test/predict step into a pure
function of the explicit state (every variable the step reads or writes: trainable,
non-trainable, optimizer and metric variables, seed generators), compiled once with
``jax.jit`` with the state buffers donated. Each call runs the compiled function and rebinds the
Variables to the new values (a reference swap per variable, no copy), so the values are
always current for callbacks, saving and eager code. A step that creates variables while
being traced (state built lazily on first use) runs eagerly once instead. A step that
touches a variable it had not touched before is traced once more with the larger state.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from tholos import tree
from tholos.trainers.epoch_iterator import is_numeric_array
from tholos_backend_jax._compiled_call import compile_call
from tholos_backend_jax._convert import to_array
from tholos_backend_jax.variables import (
    GrowStateError,
    TracedInitializerError,
    assigned_values,
    recording_reads,
    run_bound,
)


def _is_float(x) -> bool:
    return jnp.issubdtype(x.dtype, jnp.floating) or jnp.issubdtype(x.dtype, jnp.complexfloating)


def compute_gradients(
    loss_fn: Callable[[], tuple[Any, Any]], variables: Sequence[Any]
) -> tuple[Any, Any, list[Any]]:
    """See :meth:`tholos.backend.contract.TrainerHooks.compute_gradients`."""
    from tholos.backend import StatelessScope

    variables = list(variables)
    values = [v.value for v in variables]
    diff_index = [i for i, x in enumerate(values) if _is_float(x)]
    record: dict[str, Any] = {}

    def loss_of(diff_values):
        bound = list(values)
        for i, x in zip(diff_index, diff_values):
            bound[i] = x
        with StatelessScope(list(zip(variables, bound))) as scope:
            loss, aux = loss_fn()
        updates = scope.updates
        record["updated"] = list(updates)
        loss = jnp.asarray(loss)
        if loss.ndim and loss.size == 1:
            loss = jnp.reshape(loss, ())
        return loss, (aux, [updates[v] for v in record["updated"]])

    diff_values = [values[i] for i in diff_index]
    (loss, (aux, new_values)), raw_grads = jax.value_and_grad(loss_of, has_aux=True)(diff_values)
    grads = [jnp.zeros(x.shape, x.dtype) for x in values]
    for i, g in zip(diff_index, raw_grads):
        grads[i] = g
    for variable, value in zip(record["updated"], new_values):
        variable.assign(jax.lax.stop_gradient(value))
    return loss, aux, grads


class CompiledStep:
    """A step compiled as a pure function of explicit state (see the module docstring)."""

    def __init__(self, step_fn: Callable[[Any], Any], kind: str, model: Any) -> None:
        self.step_fn = step_fn
        self.kind = kind
        self.model = model
        self.state: list[Any] = []  # the Variables the compiled function carries
        self._state_ids: set[int] = set()
        self._jitted_many: dict[int, Any] = {}
        self._started = False
        self.traces = 0  # how many times the step was traced (for tests and benchmarks)

    # -- state ---------------------------------------------------------------------------------
    def _add_state(self, variables) -> bool:
        added = False
        for v in variables:
            if id(v) not in self._state_ids:
                self._state_ids.add(id(v))
                self.state.append(v)
                added = True
        if added:
            self._jitted_many = {}
        return added

    def _known_variables(self):
        model = self.model
        found = []
        for attr in ("variables", "metrics_variables"):
            try:
                found.extend(getattr(model, attr, None) or [])
            except Exception:
                pass
        optimizer = getattr(model, "optimizer", None)
        if optimizer is not None and self.kind == "train":
            try:
                found.extend(optimizer.variables)
            except Exception:
                pass
        return found

    # -- the pure function ----------------------------------------------------------------------
    def _pure(self, n_steps):
        state = list(self.state)
        fn = self.step_fn
        donate = self.kind == "train"

        def pure(values, batches):
            self.traces += 1
            outs, scope = run_bound(
                lambda: [fn(batch) for batch in batches], state, values, self._state_ids
            )
            if not donate:  # only what the step assigned (metric totals, seed state)
                return outs, assigned_values(scope, state)
            new_values = []
            for var, old in zip(state, values):
                value = scope.get_current_value(var)
                new_values.append(old if value is None else value)
            return outs, new_values

        # Training rewrites nearly every buffer: donate them all. Evaluation and prediction
        # leave the weights alone: donate nothing and return only the assigned variables.
        return jax.jit(pure, donate_argnums=(0,) if donate else ())

    def _values(self):
        if self.kind != "train":  # nothing donated: the buffers as they are
            return [var._value for var in self.state]
        values, seen = [], set()
        for var in self.state:
            value = var._value
            if id(value) in seen:  # the same buffer cannot be donated twice
                value = jnp.array(value, copy=True)
            seen.add(id(value))
            values.append(value)
        return values

    def _run(self, batches) -> list:
        key = len(batches)
        jitted = self._jitted_many.get(key)
        if jitted is None:
            jitted = self._jitted_many[key] = self._pure(key)
        try:
            outs, new_values = jitted(self._values(), list(batches))
        except GrowStateError as grow:
            self._add_state(grow.variables)
            return self._run(batches)
        if isinstance(new_values, dict):
            for i, value in new_values.items():
                self.state[i]._direct_assign(value)
        else:
            for var, value in zip(self.state, new_values):
                var._direct_assign(value)
        return outs

    def _eager(self, data: Any) -> Any:
        """Run the step eagerly once (it creates state); record every variable it touches."""
        with recording_reads() as seen:
            out = self.step_fn(data)
        self._add_state(self._known_variables())
        self._add_state(seen.values())
        return out

    def __call__(self, data: Any) -> Any:
        if not self._started:
            self._started = True
            self._add_state(self._known_variables())
        try:
            return self._run([data])[0]
        except TracedInitializerError:
            # The step creates variables (state built lazily on first use): run it eagerly
            # this once; the next call traces again with the new state.
            return self._eager(data)

    def run_batches(self, batches: list) -> Any:
        """Run ``len(batches)`` steps inside one compiled call (``steps_per_execution``).

        Returns the last step's logs (train/test) or the list of outputs (predict).
        """
        batches = list(batches)
        if not batches:
            return [] if self.kind == "predict" else None
        if not self._started:
            self._started = True
            self._add_state(self._known_variables())
        try:
            outs = self._run(batches)
        except TracedInitializerError:
            outs = [self._eager(batches[0])]
            if len(batches) > 1:
                outs.extend(self._run(batches[1:]))
        return outs if self.kind == "predict" else outs[-1]


def compile_step(step_fn: Callable[[Any], Any], *, kind: str, jit_compile: bool, model: Any):
    """See :meth:`tholos.backend.contract.TrainerHooks.compile_step`."""
    if not jit_compile:
        return step_fn
    return CompiledStep(step_fn, kind, model)


def compile_steps(step_fn: Callable[[Any], Any], *, kind: str, jit_compile: bool, model: Any):
    """``steps_per_execution``: a callable running a list of batches in one compiled call
    (:meth:`CompiledStep.run_batches`); eagerly one after another without ``jit_compile``."""
    if jit_compile:
        return CompiledStep(step_fn, kind, model).run_batches

    def run_eagerly(batches: list) -> Any:
        outputs = [step_fn(batch) for batch in batches]
        if kind == "predict":
            return outputs
        return outputs[-1] if outputs else None

    return run_eagerly


def _leaf_to_device(leaf: Any) -> Any:
    if leaf is None or isinstance(leaf, (np.ndarray, jax.Array)):
        return leaf
    return to_array(leaf) if is_numeric_array(leaf) else leaf  # other array types


def to_device(batch: Any) -> Any:
    """The optional ``to_device`` hook: NumPy leaves stay NumPy arrays, because ``jax.jit``
    moves them to the default device itself (honouring ``tholos.device`` scopes, which set
    ``jax.default_device``) for a fraction of what ``jnp.asarray`` costs per leaf; other
    numeric arrays (TensorFlow tensors, Array API arrays with a NumPy-style dtype) become JAX
    arrays, like core's ``to_backend`` would make them."""
    return tree.map_structure(_leaf_to_device, batch)


def supports_jit() -> bool:
    return True


__all__ = [
    "CompiledStep",
    "compile_call",
    "compile_step",
    "compile_steps",
    "compute_gradients",
    "supports_jit",
    "to_device",
]
