"""Weight regularizers: callables ``regularizer(weight) -> scalar penalty``.

>>> import numpy as np
>>> float(L1L2(l1=0.1, l2=0.5)(np.array([1.0, -2.0])))
2.8
"""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.errors import ConfigError
from tholos.saving.serialization import register_builtin

_register = register_builtin("tholos.regularizers")


def _factor(value: Any, name: str, default: float) -> float:
    if value is None:
        return default
    try:
        value = float(value)
    except (TypeError, ValueError) as err:
        raise ConfigError(
            f"Invalid value for the regularizer argument {name}.",
            expected="a non-negative float",
            received=repr(value),
        ) from err
    if value < 0 or value != value:
        raise ConfigError(
            f"Invalid value for the regularizer argument {name}.",
            expected="a non-negative float",
            received=repr(value),
        )
    return value


@_register
class Regularizer:
    """Base class: subclasses implement ``__call__(x)`` returning a scalar."""

    def __call__(self, x: Any) -> Any:
        return ops.convert_to_tensor(0.0)

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Regularizer:
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


@_register
class L1(Regularizer):
    """``l1 * sum(abs(x))``."""

    def __init__(self, l1: float = 0.01) -> None:
        self.l1 = _factor(l1, "l1", 0.01)

    def __call__(self, x: Any) -> Any:
        return ops.multiply(self.l1, ops.sum(ops.absolute(x)))

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1}


@_register
class L2(Regularizer):
    """``l2 * sum(square(x))``."""

    def __init__(self, l2: float = 0.01) -> None:
        self.l2 = _factor(l2, "l2", 0.01)

    def __call__(self, x: Any) -> Any:
        return ops.multiply(self.l2, ops.sum(ops.square(x)))

    def get_config(self) -> dict[str, Any]:
        return {"l2": self.l2}


@_register
class L1L2(Regularizer):
    """``l1 * sum(abs(x)) + l2 * sum(square(x))``."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1 = _factor(l1, "l1", 0.0)
        self.l2 = _factor(l2, "l2", 0.0)

    def __call__(self, x: Any) -> Any:
        total = ops.convert_to_tensor(0.0, dtype=ops.dtype(x) if hasattr(x, "dtype") else None)
        if self.l1:
            total = ops.add(total, ops.multiply(self.l1, ops.sum(ops.absolute(x))))
        if self.l2:
            total = ops.add(total, ops.multiply(self.l2, ops.sum(ops.square(x))))
        return total

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1, "l2": self.l2}


@_register
class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (``mode="rows"``) or columns (``"columns"``) of a 2D weight towards
    orthogonality: ``factor`` times the mean absolute cosine similarity over distinct pairs."""

    def __init__(self, factor: float = 0.01, mode: str = "rows") -> None:
        self.factor = _factor(factor, "factor", 0.01)
        if mode not in ("rows", "columns"):
            raise ConfigError(
                "OrthogonalRegularizer: invalid mode.",
                expected="'rows' or 'columns'",
                received=repr(mode),
            )
        self.mode = mode

    def __call__(self, x: Any) -> Any:
        x = ops.convert_to_tensor(x)
        if len(x.shape) != 2:
            raise ConfigError(
                "OrthogonalRegularizer only applies to 2D weights.",
                expected="a tensor of rank 2",
                received=f"shape {tuple(x.shape)}",
            )
        if self.mode == "columns":
            x = ops.transpose(x)
        norms = ops.sqrt(ops.maximum(ops.sum(ops.square(x), axis=1, keepdims=True), 1e-12))
        unit = ops.divide(x, norms)
        cosines = ops.matmul(unit, ops.transpose(unit))
        n = int(cosines.shape[0])
        if n < 2:
            return ops.multiply(ops.sum(cosines), 0.0)
        off_diagonal = ops.multiply(
            ops.absolute(cosines), ops.subtract(1.0, ops.eye(n, dtype=x.dtype))
        )
        pairs = n * (n - 1) / 2.0
        mean_pair = ops.divide(ops.multiply(0.5, ops.sum(off_diagonal)), pairs)
        return ops.multiply(self.factor, mean_pair)

    def get_config(self) -> dict[str, Any]:
        return {"factor": self.factor, "mode": self.mode}


ALIASES = {"l1": L1, "l2": L2, "l1_l2": L1L2, "orthogonal_regularizer": OrthogonalRegularizer}
