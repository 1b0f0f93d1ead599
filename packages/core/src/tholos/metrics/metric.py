"""The :class:`Metric` base class: state held in non-trainable variables.

A metric accumulates state with ``update_state(...)`` and reports it with ``result()``;
``reset_state()`` zeroes it. Compiled steps use the stateless forms, which take and return the
variable values explicitly (``stateless_update_state``, ``stateless_result``,
``stateless_reset_state``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tholos import ops
from tholos.backend import StatelessScope, Variable, name_scope
from tholos.errors import OpInputError
from tholos.losses._utils import auto_name, dtype_arg, resolve_dtype
from tholos.saving.serialization import register_builtin


def get_initializer(initializer: Any) -> Callable[[tuple, str], Any]:
    """A callable ``(shape, dtype) -> value`` for ``"zeros"``, ``"ones"``, a number or a
    callable."""
    if callable(initializer):
        return initializer
    if initializer is None or initializer == "zeros":
        return lambda shape, dtype: ops.zeros(shape, dtype=dtype)
    if initializer == "ones":
        return lambda shape, dtype: ops.ones(shape, dtype=dtype)
    if isinstance(initializer, (int, float)):
        return lambda shape, dtype: ops.full(
            shape, ops.convert_to_tensor(initializer, dtype=dtype), dtype=dtype
        )
    try:
        from tholos import initializers

        return initializers.get(initializer)
    except ImportError as err:
        raise OpInputError(
            "Unknown variable initializer.",
            expected="'zeros', 'ones', a number or a callable(shape, dtype)",
            received=repr(initializer),
        ) from err


class Metric:
    """Base class of stateful metrics.

    Subclasses create their state in ``__init__`` with :meth:`add_variable`, and implement
    ``update_state`` and ``result``.

    Args:
        dtype: the dtype of the metric's computations and state (default ``floatx()``; a dtype
            policy gives its compute dtype).
        name: the metric's name (default: the snake_case class name).

    >>> import numpy as np
    >>> class Count(Metric):
    ...     def __init__(self, name="count", dtype=None):
    ...         super().__init__(name=name, dtype=dtype)
    ...         self.n = self.add_variable(shape=(), initializer="zeros", name="n")
    ...     def update_state(self, values):
    ...         self.n.assign_add(ops.cast(ops.size(values), self.dtype))
    ...     def result(self):
    ...         return self.n.value
    >>> m = Count()
    >>> m.update_state(np.zeros(3)); m.update_state(np.zeros(2))
    >>> float(m.result())
    5.0
    """

    def __init__(self, dtype: Any = None, name: str | None = None) -> None:
        object.__setattr__(self, "_variables", [])
        object.__setattr__(self, "_metrics", [])
        self.name = name or auto_name(self.__class__.__name__)
        self._dtype_arg = dtype_arg(dtype)
        self._dtype = resolve_dtype(dtype)

    # -- tracking ------------------------------------------------------------------------------
    def __setattr__(self, key: str, value: Any) -> None:
        tracked = self.__dict__.get("_metrics")
        if (
            tracked is not None
            and isinstance(value, Metric)
            and value is not self
            and all(m is not value for m in tracked)
        ):
            tracked.append(value)
        object.__setattr__(self, key, value)

    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def variables(self) -> list[Variable]:
        """This metric's state variables, then those of metrics it holds."""
        result = list(self._variables)
        seen = {id(v) for v in result}
        for metric in self._metrics:
            for v in metric.variables:
                if id(v) not in seen:
                    seen.add(id(v))
                    result.append(v)
        return result

    def add_variable(
        self,
        shape: Any,
        initializer: Any,
        dtype: Any = None,
        aggregation: str = "sum",
        name: str | None = None,
    ) -> Variable:
        """Create a non-trainable state variable (zeroed by :meth:`reset_state`)."""
        if "_variables" not in self.__dict__:
            raise RuntimeError(
                f"{type(self).__name__}: call super().__init__() before add_variable()."
            )
        init = get_initializer(initializer)
        with name_scope(self.name.replace("/", ">")):
            variable = Variable(
                init,
                shape=tuple(shape),
                dtype=dtype or self.dtype,
                trainable=False,
                aggregation=aggregation,
                name=name,
            )
        self._variables.append(variable)
        return variable

    def add_weight(
        self, shape: Any = (), initializer: Any = None, dtype: Any = None, name: str | None = None
    ) -> Variable:
        """Alias of :meth:`add_variable` (Keras 2 spelling)."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    # -- stateful API ----------------------------------------------------------------------------
    def update_state(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement update_state().")

    def result(self) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement result().")

    def reset_state(self) -> None:
        """Set every state variable to zeros."""
        for v in self.variables:
            v.assign(ops.zeros(v.shape, dtype=v.dtype))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Update the state with this batch and return the result."""
        self.update_state(*args, **kwargs)
        return self.result()

    # -- stateless API ---------------------------------------------------------------------------
    def _check_values(self, metric_variables: Any) -> list[Any]:
        metric_variables = list(metric_variables)
        if len(metric_variables) != len(self.variables):
            raise OpInputError(
                f"{self.name}: wrong number of metric variable values.",
                expected=f"{len(self.variables)} values, in the order of metric.variables",
                received=f"{len(metric_variables)} values",
            )
        return metric_variables

    def stateless_update_state(self, metric_variables: Any, *args: Any, **kwargs: Any) -> list:
        """``update_state`` on explicit values; returns the new values (same order)."""
        values = self._check_values(metric_variables)
        with StatelessScope(state_mapping=list(zip(self.variables, values))) as scope:
            self.update_state(*args, **kwargs)
        return _collect(scope, self.variables, values)

    def stateless_result(self, metric_variables: Any) -> Any:
        """``result()`` computed from explicit variable values."""
        values = self._check_values(metric_variables)
        with StatelessScope(state_mapping=list(zip(self.variables, values))):
            return self.result()

    def stateless_reset_state(self) -> list:
        """The values the variables would have after ``reset_state()``."""
        with StatelessScope() as scope:
            self.reset_state()
        return _collect(scope, self.variables, [v.value for v in self.variables])

    # -- config ----------------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self._config_dtype()}

    def _config_dtype(self) -> Any:
        if self._dtype_arg is not None and hasattr(self._dtype_arg, "get_config"):
            from tholos.saving.serialization import serialize_object

            return serialize_object(self._dtype_arg)
        return self.dtype

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Metric:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}>"


def _collect(scope: StatelessScope, variables: list, fallback: list) -> list:
    out = []
    for v, old in zip(variables, fallback):
        new = scope.get_current_value(v)
        out.append(old if new is None else new)
    return out


register_builtin("tholos.metrics")(Metric)
