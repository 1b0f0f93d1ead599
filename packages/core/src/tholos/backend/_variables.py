"""``tholos.Variable``: state that layers, optimizers and metrics own.

``tholos.Variable(...)`` creates an instance of the *active backend's* subclass, which stores
the value natively (a NumPy array, a JAX array, a ``torch.nn.Parameter``, a ``tf.Variable``).
Shared behaviour lives here; a backend subclass implements three hooks:

- ``_convert_to_tensor(value, dtype)``: a native array of ``dtype`` from any input;
- ``_initialize(value)``: store the first value;
- ``_direct_assign(value)``: replace the stored value (already converted, same shape).

Variables compare and hash by identity, so they can key dicts and be found in lists.
"""

from __future__ import annotations

from typing import Any

from tholos.backend import _stateless
from tholos.backend.dtypes import FLOAT_TYPES, standardize_dtype
from tholos.errors import OpInputError

_AGGREGATIONS = ("none", "mean", "sum", "only_first_replica")


def _ops():
    from tholos import ops

    return ops


class Variable:
    """A named, shaped, typed mutable value.

    Args:
        initializer: an initial value (array, list, scalar) or a callable
            ``initializer(shape, dtype)`` (then ``shape`` is required).
        shape: the shape, required with a callable initializer.
        dtype: the dtype (default: the value's, or ``floatx()`` for a callable).
        trainable: whether optimizers update it.
        autocast: whether layers with a mixed precision policy read it in their compute dtype.
        aggregation: how replicas combine it (``"none"``, ``"mean"``, ``"sum"``, ...).
        name: the name; the path adds the enclosing :func:`tholos.backend.name_scope`.

    >>> import tholos
    >>> v = tholos.Variable([1.0, 2.0], name="w")
    >>> v.assign_add([0.5, 0.5]).tolist() if hasattr(v.value, "tolist") else None
    [1.5, 2.5]
    >>> v.shape, v.dtype, v.path
    ((2,), 'float32', 'w')
    """

    # ``ndarray <op> variable`` defers to our reflected operators (which read ``value``, a
    # traced value inside a StatelessScope) instead of NumPy reading us through __array__.
    __array_priority__ = 100

    def __new__(cls, *args: Any, **kwargs: Any) -> Variable:
        if cls is Variable:
            from tholos.backend._state import current

            cls = current().Variable
        return object.__new__(cls)

    def __init__(
        self,
        initializer: Any,
        shape: tuple[int, ...] | None = None,
        dtype: Any = None,
        trainable: bool = True,
        autocast: bool = True,
        aggregation: str = "none",
        synchronization: str = "auto",
        name: str | None = None,
    ) -> None:
        if name is None:
            name = "variable"
        if not isinstance(name, str) or "/" in name:
            raise OpInputError(
                "Variable name must be a string without '/'.",
                expected="a name such as 'kernel'",
                received=repr(name),
                hint="Use tholos.backend.name_scope(...) to build paths.",
            )
        if aggregation not in _AGGREGATIONS:
            raise OpInputError(
                "Unknown Variable aggregation.",
                expected=f"one of {_AGGREGATIONS}",
                received=repr(aggregation),
            )
        self._name = name
        scope_path = _stateless.current_path()
        self._path = f"{scope_path}/{name}" if scope_path else name
        self._trainable = bool(trainable)
        self._autocast = bool(autocast)
        self._aggregation = aggregation
        self._synchronization = synchronization
        if callable(initializer):
            if shape is None:
                raise OpInputError(
                    f"Variable {name!r}: a callable initializer needs a shape.",
                    expected="shape=(...)",
                    received="shape=None",
                )
            self._dtype = standardize_dtype(dtype)
            value = initializer(tuple(shape), self._dtype)
        else:
            value = initializer
            self._dtype = None if dtype is None else standardize_dtype(dtype)
        value = self._convert_to_tensor(value, self._dtype)
        from tholos.backend._state import current

        self._dtype = standardize_dtype(current().core.dtype(value))
        self._shape = tuple(int(d) for d in current().core.shape(value))
        if shape is not None and tuple(shape) != self._shape:
            raise OpInputError(
                f"Variable {name!r}: the initial value has the wrong shape.",
                expected=str(tuple(shape)),
                received=str(self._shape),
            )
        self._initialize(value)

    # -- backend hooks -------------------------------------------------------------------------
    def _convert_to_tensor(self, value: Any, dtype: Any = None) -> Any:
        raise NotImplementedError

    def _initialize(self, value: Any) -> None:
        raise NotImplementedError

    def _direct_assign(self, value: Any) -> None:
        raise NotImplementedError

    # -- value -----------------------------------------------------------------------------------
    @property
    def value(self) -> Any:
        """The current value: inside stateless scopes, the innermost scope's value
        for this variable (scopes that do not map it are looked through)."""
        value = self._value
        if _stateless._stateless_stack:
            for scope in reversed(_stateless._stateless_stack):
                scoped = scope.get_current_value(self)
                if scoped is not None:
                    value = scoped
                    break
        if _stateless._autocast_stack and self._autocast:
            target = _stateless._autocast_stack[-1]
            if target is not None and target != self._dtype and self._dtype in FLOAT_TYPES:
                return _ops().cast(value, target)
        return value

    def assign(self, value: Any) -> Any:
        """Set the value (recorded, not applied, inside a :class:`StatelessScope`)."""
        value = self._convert_to_tensor(value, self._dtype)
        from tholos.backend._state import current

        shape = tuple(current().core.shape(value))
        if shape != self._shape:
            raise OpInputError(
                f"Variable {self._path!r}: cannot assign a value of another shape.",
                expected=str(self._shape),
                received=str(shape),
            )
        if _stateless._stateless_stack:
            _stateless._stateless_stack[-1].add_update(self, value)
        else:
            self._direct_assign(value)
        return value

    def assign_add(self, value: Any) -> Any:
        return self.assign(_ops().add(self.value, value))

    def assign_sub(self, value: Any) -> Any:
        return self.assign(_ops().subtract(self.value, value))

    def numpy(self) -> Any:
        """The value as a NumPy array."""
        return _ops().convert_to_numpy(self.value)

    # -- metadata --------------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name

    @property
    def path(self) -> str:
        return self._path

    @property
    def dtype(self) -> str:
        target = _stateless.autocast_dtype()
        if target is not None and self._autocast and self._dtype in FLOAT_TYPES:
            return target
        return self._dtype

    @property
    def shape(self) -> tuple[int, ...]:
        return self._shape

    @property
    def ndim(self) -> int:
        return len(self._shape)

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)

    @property
    def autocast(self) -> bool:
        return self._autocast

    @property
    def aggregation(self) -> str:
        return self._aggregation

    @property
    def synchronization(self) -> str:
        return self._synchronization

    def __repr__(self) -> str:
        return (
            f"<Variable path={self._path}, shape={self._shape}, dtype={self._dtype}, "
            f"value={self.numpy()!r}>"
        )

    # -- array protocol and arithmetic ------------------------------------------------------------
    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        import numpy as np

        return np.asarray(self.numpy(), dtype=dtype)

    def __len__(self) -> int:
        return self._shape[0]

    def __bool__(self) -> bool:
        return bool(self.numpy())

    def __float__(self) -> float:
        return float(self.numpy())

    def __int__(self) -> int:
        return int(self.numpy())

    def __getitem__(self, key: Any) -> Any:
        return self.value[key]

    def __neg__(self):
        return _ops().negative(self.value)

    def __pos__(self):
        return self.value

    def __abs__(self):
        return _ops().absolute(self.value)

    def __invert__(self):
        return _ops().logical_not(self.value)


def _binary(op_name: str, reflected: bool) -> Any:
    def method(self: Variable, other: Any) -> Any:
        fn = getattr(_ops(), op_name)
        return fn(other, self.value) if reflected else fn(self.value, other)

    return method


for _dunder, _op in {
    "add": "add",
    "sub": "subtract",
    "mul": "multiply",
    "truediv": "true_divide",
    "floordiv": "floor_divide",
    "mod": "mod",
    "pow": "power",
    "matmul": "matmul",
    "and": "logical_and",
    "or": "logical_or",
    "xor": "logical_xor",
}.items():
    setattr(Variable, f"__{_dunder}__", _binary(_op, False))
    setattr(Variable, f"__r{_dunder}__", _binary(_op, True))
for _dunder, _op in {
    "lt": "less",
    "le": "less_equal",
    "gt": "greater",
    "ge": "greater_equal",
}.items():
    setattr(Variable, f"__{_dunder}__", _binary(_op, False))
