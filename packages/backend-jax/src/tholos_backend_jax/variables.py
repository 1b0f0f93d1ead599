"""JAX Variables: the value is an immutable ``jax.Array``, replaced on assignment."""

from __future__ import annotations

import jax
import numpy as np
from tholos.backend._variables import Variable as _BaseVariable

from tholos_backend_jax._convert import to_array


class TracedInitializerError(RuntimeError):
    """A Variable was initialised with a traced value (inside jax.jit / jax.eval_shape)."""


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
                "jax transformation). Create variables outside jit/grad (e.g. build the model "
                "first)."
            )
        self._value = value

    def _direct_assign(self, value):
        self._value = value

    def __jax_array__(self):
        return self.value
