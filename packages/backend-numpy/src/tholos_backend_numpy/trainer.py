"""Trainer hooks of the NumPy backend: gradients through autograd, no compilation.

The loss function is re-run as a function of the variables' *values*: the values are bound to
the variables with :class:`tholos.backend.StatelessScope`, so every op sees autograd's tracing
boxes where the layer reads ``variable.value``, and autograd builds the backward pass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from autograd import make_vjp
from autograd.tracer import getval

from tholos import tree

_BINARY_DUNDERS = (
    "add",
    "sub",
    "mul",
    "truediv",
    "floordiv",
    "mod",
    "pow",
    "matmul",
)


def _let_boxes_see_variables() -> None:
    """Make ``traced_array + variable`` differentiate through the variable.

    Python tries the left operand first, so ``box + variable`` runs autograd's
    ``ArrayBox.__add__``, which hands the Variable to NumPy; NumPy reads it through
    ``__array__`` (its concrete value), silently dropping the gradient path even inside a
    :class:`StatelessScope` that maps the variable to a traced value. We substitute
    ``variable.value`` (the traced value inside the scope) before autograd sees it.
    Idempotent.
    """
    from autograd.numpy.numpy_boxes import ArrayBox

    from tholos.backend import Variable

    if getattr(ArrayBox, "_tholos_variables_patched", False):
        return
    for stem in _BINARY_DUNDERS:
        for name in (f"__{stem}__", f"__r{stem}__"):
            original = getattr(ArrayBox, name, None)
            if original is None:
                continue

            def method(self, other, _original=original):
                if isinstance(other, Variable):
                    other = other.value
                return _original(self, other)

            setattr(ArrayBox, name, method)
    ArrayBox._tholos_variables_patched = True


_let_boxes_see_variables()


def _concrete(x: Any) -> Any:
    """Strip autograd boxes (nested) so callers receive plain ndarrays."""
    if isinstance(x, (list, tuple, dict)):
        return tree.map_structure(_concrete, x)
    while hasattr(x, "_value") and hasattr(x, "_node"):
        x = getval(x)
    return x


def compute_gradients(
    loss_fn: Callable[[], tuple[Any, Any]], variables: Sequence[Any]
) -> tuple[Any, Any, list[Any]]:
    """See :meth:`tholos.backend.contract.TrainerHooks.compute_gradients`."""
    from tholos.backend import StatelessScope

    variables = list(variables)
    record: dict[str, Any] = {}

    def loss_of_values(values):
        bound = [(variables[i], values[i]) for i in range(len(variables))]
        with StatelessScope(bound) as scope:
            loss, aux = loss_fn()
        record["aux"] = aux
        record["updates"] = scope.updates
        return loss

    if variables:
        values = [v.value for v in variables]
        vjp, loss = make_vjp(loss_of_values)(values)
        seed = np.ones_like(np.asarray(_concrete(loss)))
        raw_grads = vjp(seed)
    else:
        loss = loss_of_values([])
        raw_grads = []
    grads = []
    for variable, grad in zip(variables, raw_grads):
        grad = np.asarray(_concrete(grad))
        dtype = np.dtype(variable.dtype)
        if grad.shape != tuple(variable.shape):  # autograd may hand back a 0-d scalar
            grad = np.broadcast_to(grad, tuple(variable.shape))
        grads.append(np.array(grad, dtype=dtype))
    for variable, value in record["updates"].items():
        variable.assign(_concrete(value))
    loss = np.asarray(_concrete(loss))
    return loss, _concrete(record["aux"]), grads


def compile_step(step_fn: Callable[[Any], Any], *, kind: str, jit_compile: bool, model: Any):
    """NumPy has no compiler: the step runs eagerly, unchanged."""
    del kind, jit_compile, model
    return step_fn


def supports_jit() -> bool:
    return False


__all__ = ["compile_step", "compute_gradients", "supports_jit"]
