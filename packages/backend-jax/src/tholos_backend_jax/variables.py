"""JAX Variables: the value is an immutable ``jax.Array``, replaced on assignment.

Reading ``value`` looks through every enclosing :class:`~tholos.backend.StatelessScope`,
innermost first (core's rule), which compiled steps rely on: a step runs inside a scope that
maps every variable to a traced value, and ``compute_gradients`` opens an inner scope for the
trainable ones only. Reads can also be recorded (see :func:`recording_reads`), which is how the
trainer finds every variable a step touches.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import jax
import numpy as np

from tholos.backend._variables import Variable as _BaseVariable
from tholos_backend_jax._convert import to_array

_read_recorders: list[dict[int, Any]] = []


class TracedInitializerError(RuntimeError):
    """A Variable was initialised with a traced value (inside jax.jit / jax.eval_shape)."""


class GrowStateError(Exception):
    """A compiled function read variables outside the state it was traced with (raised while
    tracing; the caller adds ``variables`` to the state and traces again)."""

    def __init__(self, variables: list[Any]) -> None:
        super().__init__("the traced function read variables outside its state")
        self.variables = variables


@contextlib.contextmanager
def recording_reads() -> Iterator[dict[int, Any]]:
    """Inside, every Variable read or assigned is added to the yielded ``{id: variable}``."""
    seen: dict[int, Any] = {}
    _read_recorders.append(seen)
    try:
        yield seen
    finally:
        _read_recorders.remove(seen)


def run_bound(fn: Any, state: list[Any], values: list[Any], known: set[int]) -> tuple[Any, Any]:
    """``fn()`` with the Variables ``state`` bound to ``values`` (a ``StatelessScope``), as
    compiled functions trace it. Returns ``(fn's result, the scope)``; raises
    :class:`GrowStateError` if ``fn`` read a variable whose id is not in ``known``."""
    from tholos.backend import StatelessScope

    with recording_reads() as seen:
        with StatelessScope(list(zip(state, values))) as scope:
            result = fn()
    extra = [var for key, var in seen.items() if key not in known]
    if extra:  # abort this trace (nothing ran, nothing was donated) and grow the state
        raise GrowStateError(extra)
    return result, scope


def assigned_values(scope: Any, state: list[Any]) -> dict[int, Any]:
    """``{index in state: new value}`` for the variables assigned inside ``scope``."""
    updates = {}
    for i, var in enumerate(state):
        value = scope.get_update(var)
        if value is not None:
            updates[i] = value
    return updates


class Variable(_BaseVariable):
    def _convert_to_tensor(self, value, dtype=None):
        if isinstance(value, _BaseVariable):
            value = value.value
        if isinstance(value, np.ndarray):
            value = np.array(value, copy=True)  # never alias the caller's buffer
        return to_array(value, dtype)

    def _initialize(self, value):
        if isinstance(value, jax.core.Tracer):
            raise TracedInitializerError(
                f"Variable {self.path!r} was created with a traced initial value (inside a "
                "jax transformation). Create variables outside jit/grad (build the model, "
                "optimizer and metrics first)."
            )
        self._value = value

    def _direct_assign(self, value):
        self._value = value

    @property
    def value(self) -> Any:
        for recorder in _read_recorders:
            recorder[id(self)] = self
        return _BaseVariable.value.fget(self)

    def assign(self, value: Any) -> Any:
        for recorder in _read_recorders:
            recorder[id(self)] = self
        return super().assign(value)

    def __jax_array__(self):
        return self.value
