"""Symbolic tensors and shape/dtype inference.

A :class:`KerasTensor` stands for a tensor that does not exist yet: it has a shape (``None``
for unknown dimensions) and a dtype. Functional models are built by calling layers and ops on
them. :func:`compute_output_spec` infers what a function returns for symbolic inputs by running
it on placeholder arrays of the active backend, twice when a dimension is unknown (with two
different sizes: the output dimensions that differ are unknown too). The run happens inside a
:class:`StatelessScope`, so variable updates and random-seed draws it makes are discarded.
A backend may provide a cheaper ``compute_output_spec`` of its own (JAX: ``jax.eval_shape``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tholos import tree
from tholos.backend.dtypes import standardize_dtype
from tholos.errors import OpInputError

_TRIAL_SIZES = (83, 89)  # two primes unlikely to be confused with real dimensions


class KerasTensor:
    """A symbolic tensor: a shape and a dtype, no value.

    >>> x = KerasTensor((None, 3))
    >>> (x + 1).shape, (x @ KerasTensor((3, 5))).shape
    ((None, 3), (None, 5))
    """

    def __init__(
        self,
        shape: Any,
        dtype: Any = "float32",
        sparse: bool = False,
        ragged: bool = False,
        record_history: bool = True,
        name: str | None = None,
    ) -> None:
        try:
            self.shape = tuple(None if d is None else int(d) for d in shape)
        except (TypeError, ValueError) as err:
            raise OpInputError(
                "KerasTensor: invalid shape.",
                expected="a tuple of ints or None",
                received=repr(shape),
            ) from err
        self.dtype = standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        self.name = name
        self.record_history = record_history
        self._keras_history = None

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        name = f", name={self.name}" if self.name else ""
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, sparse={self.sparse}{name}>"

    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        raise OpInputError(
            "A symbolic KerasTensor has no value.",
            expected="a concrete tensor",
            received=repr(self),
            hint="Symbolic tensors only describe a model's graph. Call the model on data to "
            "get values, or use tholos.ops inside a layer's call().",
        )

    def __bool__(self) -> bool:
        raise OpInputError(
            "A symbolic KerasTensor cannot be used as a Python bool.",
            expected="a concrete tensor",
            received=repr(self),
            hint="Use tholos.ops.cond or tholos.ops.where for data-dependent branches.",
        )

    def __iter__(self):
        if self.shape and self.shape[0] is not None:
            return (self[i] for i in range(self.shape[0]))
        raise OpInputError(
            "Cannot iterate over a KerasTensor of unknown leading dimension.",
            expected="a known first dimension",
            received=repr(self),
        )

    def __len__(self) -> int:
        if not self.shape or self.shape[0] is None:
            raise OpInputError(
                "len() of a KerasTensor needs a known first dimension.",
                expected="a known first dimension",
                received=repr(self),
            )
        return self.shape[0]

    def __getitem__(self, key: Any) -> Any:
        return _ops().get_item(self, key)

    def __neg__(self):
        return _ops().negative(self)

    def __abs__(self):
        return _ops().absolute(self)

    def __invert__(self):
        return _ops().logical_not(self)

    def reshape(self, *shape: Any) -> Any:
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        return _ops().reshape(self, shape)

    @property
    def T(self) -> Any:  # noqa: N802 - numpy's name
        return _ops().transpose(self)


def _ops():
    from tholos import ops

    return ops


def _binary(op_name: str, reflected: bool) -> Any:
    def method(self: KerasTensor, other: Any) -> Any:
        fn = getattr(_ops(), op_name)
        return fn(other, self) if reflected else fn(self, other)

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
    setattr(KerasTensor, f"__{_dunder}__", _binary(_op, False))
    setattr(KerasTensor, f"__r{_dunder}__", _binary(_op, True))
for _dunder, _op in {
    "lt": "less",
    "le": "less_equal",
    "gt": "greater",
    "ge": "greater_equal",
}.items():
    setattr(KerasTensor, f"__{_dunder}__", _binary(_op, False))


def is_keras_tensor(x: Any) -> bool:
    """True for a symbolic :class:`KerasTensor`."""
    return isinstance(x, KerasTensor)


def any_symbolic(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """Whether a KerasTensor appears anywhere in ``args``/``kwargs`` (lists, tuples, dicts)."""
    # one isinstance per plain argument: this runs on every eager op and layer call
    for value in args:
        if isinstance(value, _SYMBOLIC_OR_NESTED) and (
            isinstance(value, KerasTensor) or _nested_symbolic(value)
        ):
            return True
    if kwargs:
        for value in kwargs.values():
            if isinstance(value, _SYMBOLIC_OR_NESTED) and (
                isinstance(value, KerasTensor) or _nested_symbolic(value)
            ):
                return True
    return False


_SYMBOLIC_OR_NESTED = (KerasTensor, list, tuple, dict)


def _nested_symbolic(value: Any) -> bool:
    if isinstance(value, dict):
        value = value.values()
    for v in value:
        if isinstance(v, KerasTensor):
            return True
        if isinstance(v, (list, tuple, dict)) and _nested_symbolic(v):
            return True
    return False


def _placeholders(structure: Any, size: int, backend: Any) -> Any:
    def make(x: Any) -> Any:
        if isinstance(x, KerasTensor):
            shape = tuple(size if d is None else d for d in x.shape)
            return backend.numpy.zeros(shape, dtype=x.dtype)
        return x

    return tree.map_structure(make, structure)


def compute_output_spec(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """What ``fn(*args, **kwargs)`` returns, as KerasTensors, for symbolic ``args``.

    >>> from tholos import ops
    >>> compute_output_spec(ops.concatenate, [KerasTensor((None, 2)), KerasTensor((None, 3))],
    ...                     axis=1)
    <KerasTensor shape=(None, 5), dtype=float32, sparse=False>
    """
    from tholos.backend._state import current
    from tholos.backend._stateless import StatelessScope

    backend = current()
    custom = getattr(backend.impl, "compute_output_spec", None)
    if custom is not None:
        return custom(fn, *args, **kwargs)
    inputs = (args, kwargs)
    has_unknown = any(isinstance(x, KerasTensor) and None in x.shape for x in tree.flatten(inputs))
    sizes = _TRIAL_SIZES if has_unknown else _TRIAL_SIZES[:1]
    runs = []
    for size in sizes:
        call_args, call_kwargs = _placeholders(inputs, size, backend)
        with StatelessScope():
            runs.append(fn(*call_args, **call_kwargs))

    def to_spec(*outputs: Any) -> Any:
        first = outputs[0]
        if first is None:
            return None
        if not backend.core.is_tensor(first) and not hasattr(first, "shape"):
            return first
        shapes = [tuple(backend.core.shape(o)) for o in outputs]
        shape = tuple(dims[0] if all(d == dims[0] for d in dims) else None for dims in zip(*shapes))
        return KerasTensor(shape, dtype=backend.core.dtype(first))

    if len(runs) == 1:
        return tree.map_structure(to_spec, runs[0])
    return tree.map_structure(to_spec, *runs)
