"""NumPy Variables: the value is an ``ndarray`` replaced on assignment (never mutated in place,
so values captured earlier, e.g. by autograd, stay valid)."""

from __future__ import annotations

import numpy as np

from tholos.backend._variables import Variable as _BaseVariable
from tholos_backend_numpy._convert import is_traced, to_array


class Variable(_BaseVariable):
    def _convert_to_tensor(self, value, dtype=None):
        if isinstance(value, _BaseVariable):
            value = value.value
        if is_traced(value):
            return to_array(value, dtype)
        return (
            np.array(to_array(value, dtype), copy=True)
            if isinstance(value, np.ndarray)
            else to_array(value, dtype)
        )

    def _initialize(self, value):
        self._value = value

    def _direct_assign(self, value):
        self._value = value
