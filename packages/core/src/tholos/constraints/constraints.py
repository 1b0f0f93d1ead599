"""Weight constraints: callables ``constraint(weight) -> projected weight``, applied by
optimizers after each update.

>>> import numpy as np
>>> np.asarray(NonNeg()(np.array([-1.0, 2.0])))
array([0., 2.])
"""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.saving.serialization import register_builtin

_register = register_builtin("tholos.constraints")
_EPSILON = 1e-7


def _norms(w: Any, axis: Any) -> Any:
    return ops.sqrt(ops.sum(ops.square(w), axis=axis, keepdims=True))


@_register
class Constraint:
    """Base class: subclasses implement ``__call__(w)``."""

    def __call__(self, w: Any) -> Any:
        return w

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Constraint:
        return cls(**config)


@_register
class MaxNorm(Constraint):
    """Rescale slices along ``axis`` whose L2 norm exceeds ``max_value``."""

    def __init__(self, max_value: float = 2.0, axis: Any = 0) -> None:
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w: Any) -> Any:
        w = ops.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        desired = ops.clip(norms, 0.0, self.max_value)
        return ops.multiply(w, ops.divide(desired, ops.add(norms, _EPSILON)))

    def get_config(self) -> dict[str, Any]:
        return {"max_value": self.max_value, "axis": self.axis}


@_register
class MinMaxNorm(Constraint):
    """Move the L2 norm of slices along ``axis`` into ``[min_value, max_value]``, by the
    fraction ``rate`` of the way (1.0: all the way)."""

    def __init__(
        self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis: Any = 0
    ) -> None:
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w: Any) -> Any:
        w = ops.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        clipped = ops.clip(norms, self.min_value, self.max_value)
        desired = ops.add(ops.multiply(self.rate, clipped), ops.multiply(1.0 - self.rate, norms))
        return ops.multiply(w, ops.divide(desired, ops.add(norms, _EPSILON)))

    def get_config(self) -> dict[str, Any]:
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }


@_register
class NonNeg(Constraint):
    """Set negative entries to zero."""

    def __call__(self, w: Any) -> Any:
        w = ops.convert_to_tensor(w)
        return ops.where(ops.less(w, 0), ops.zeros_like(w), w)


@_register
class UnitNorm(Constraint):
    """Scale slices along ``axis`` to unit L2 norm."""

    def __init__(self, axis: Any = 0) -> None:
        self.axis = axis

    def __call__(self, w: Any) -> Any:
        w = ops.convert_to_tensor(w)
        return ops.divide(w, ops.add(_norms(w, self.axis), _EPSILON))

    def get_config(self) -> dict[str, Any]:
        return {"axis": self.axis}


ALIASES = {
    "max_norm": MaxNorm,
    "min_max_norm": MinMaxNorm,
    "non_neg": NonNeg,
    "unit_norm": UnitNorm,
}
