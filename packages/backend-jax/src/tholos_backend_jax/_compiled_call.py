"""``compile_call``: ``model(x)`` as one ``jax.jit`` call over the variables' values.

The model's eager call (``call_fn``, given by core) is traced as a pure function of the
values of the variables it reads, bound through a :class:`~tholos.backend.StatelessScope`;
``training`` is a static argument. The compiled function returns the outputs and the new
values of the variables the call assigned (a Dropout's seed state, BatchNormalization's
moving statistics in training mode), which are written back. Nothing is donated: an
inference call leaves every buffer in place, so a call costs one jitted dispatch plus a
list of the variables' current values.

Tracing failures that mean "this call is not a pure function of tensors" (Python control
flow on values, a NumPy conversion of a traced value, a variable created during the call)
become :class:`tholos.errors.CallNotCompilableError`; core then calls the model eagerly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax

from tholos.errors import CallNotCompilableError
from tholos_backend_jax._convert import TracedValueError
from tholos_backend_jax.variables import (
    GrowStateError,
    TracedInitializerError,
    assigned_values,
    run_bound,
)

_NOT_TRACEABLE = (
    jax.errors.ConcretizationTypeError,
    jax.errors.TracerArrayConversionError,
    jax.errors.TracerBoolConversionError,
    jax.errors.TracerIntegerConversionError,
    TracedInitializerError,
    TracedValueError,
)


class CompiledCall:
    """``run(inputs, training)`` of the ``compile_call`` hook (see the module docstring)."""

    def __init__(self, call_fn: Callable[[Any, Any], Any], model: Any) -> None:
        self.call_fn = call_fn
        self.model = model
        self.state: list[Any] | None = None
        self.traces = 0  # for tests: how many times the call was traced
        self._jitted: Any = None

    def _compile(self) -> None:
        state = list(self.state or [])
        known = {id(v) for v in state}
        call_fn = self.call_fn

        def pure(values, inputs, training):
            self.traces += 1
            outputs, scope = run_bound(lambda: call_fn(inputs, training), state, values, known)
            updates = assigned_values(scope, state)
            return outputs, updates

        self._jitted = jax.jit(pure, static_argnums=(2,))

    def __call__(self, inputs: Any, training: Any) -> Any:
        if self._jitted is None:
            self.state = list(self.model.variables)
            self._compile()
        state = self.state
        try:
            outputs, updates = self._jitted([v._value for v in state], inputs, training)
        except GrowStateError as grow:
            state.extend(grow.variables)
            self._compile()
            return self(inputs, training)
        except _NOT_TRACEABLE as err:
            raise CallNotCompilableError(
                f"Model '{self.model.name}': its call cannot be compiled with jax.jit.",
                expected="a call that is a pure function of tensors",
                received=f"{type(err).__name__}: {str(err).splitlines()[0][:200]}",
                hint="The model is called eagerly; set model.compiled_call = False to skip "
                "the attempt.",
            ) from err
        for i, value in updates.items():
            state[i]._direct_assign(value)
        return outputs


def compile_call(call_fn: Callable[[Any, Any], Any], *, model: Any) -> CompiledCall:
    """See ``compile_call`` in :mod:`tholos.backend.contract.trainer`."""
    return CompiledCall(call_fn, model)


__all__ = ["CompiledCall", "compile_call"]
