"""Dtype policies: the dtype a layer computes in and the dtype it stores its variables in.

``"float32"`` computes and stores in float32; ``"mixed_float16"`` / ``"mixed_bfloat16"``
compute in the half type and store variables in float32.

>>> p = DTypePolicy("mixed_float16")
>>> p.compute_dtype, p.variable_dtype
('float16', 'float32')
"""

from __future__ import annotations

from typing import Any

from tholos.backend.dtypes import FLOAT_TYPES, floatx, standardize_dtype
from tholos.errors import ConfigError, DtypeError
from tholos.saving.serialization import register_builtin

_MIXED = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}


@register_builtin("tholos.dtype_policies")
class DTypePolicy:
    """A dtype policy for layers.

    Args:
        name: ``"float32"``, ``"float64"``, ``"float16"``, ``"bfloat16"``, any other dtype name,
            ``"mixed_float16"`` or ``"mixed_bfloat16"``. ``None``: ``floatx()``.
    """

    def __init__(self, name: str | None = None) -> None:
        if name is None:
            name = floatx()
        if not isinstance(name, str):
            raise ConfigError(
                "DTypePolicy: the name must be a string.",
                expected="'float32', 'mixed_float16', 'mixed_bfloat16', ...",
                received=repr(name),
            )
        if name in _MIXED:
            compute, variable = _MIXED[name], "float32"
        else:
            try:
                compute = standardize_dtype(name)
            except DtypeError as err:
                raise ConfigError(
                    "DTypePolicy: unknown policy name.",
                    expected="a dtype name, 'mixed_float16' or 'mixed_bfloat16'",
                    received=repr(name),
                ) from err
            variable = compute
        self._name = name
        self._compute_dtype = compute
        self._variable_dtype = variable

    @property
    def name(self) -> str:
        return self._name

    @property
    def compute_dtype(self) -> str:
        return self._compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self._variable_dtype

    @property
    def is_mixed(self) -> bool:
        return self._compute_dtype != self._variable_dtype

    def convert_input(self, x: Any, autocast: bool, dtype: str) -> Any:
        """Cast ``x`` to ``dtype`` when it is a float tensor of another float dtype."""
        from tholos import ops

        if autocast and standardize_dtype(x.dtype) in FLOAT_TYPES and x.dtype != dtype:
            return ops.cast(x, dtype)
        return x

    def get_config(self) -> dict[str, Any]:
        return {"name": self._name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> DTypePolicy:
        return cls(**config)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DTypePolicy) and other._name == self._name

    def __hash__(self) -> int:
        return hash(self._name)

    def __repr__(self) -> str:
        return f'<DTypePolicy "{self._name}">'


# Keras 3 names kept for compatibility.
FloatDTypePolicy = DTypePolicy

_global_policy: DTypePolicy | None = None


def dtype_policy() -> DTypePolicy:
    """The global policy (``DTypePolicy(floatx())`` unless set)."""
    if _global_policy is None:
        return DTypePolicy(floatx())
    return _global_policy


def set_dtype_policy(policy: Any) -> None:
    """Set the global policy new layers use (a name or a :class:`DTypePolicy`; ``None`` resets).

    >>> set_dtype_policy("mixed_bfloat16"); dtype_policy().compute_dtype
    'bfloat16'
    >>> set_dtype_policy(None); dtype_policy().name
    'float32'
    """
    global _global_policy
    _global_policy = None if policy is None else get(policy)


def get(identifier: Any) -> DTypePolicy:
    """A :class:`DTypePolicy` from a name, a config dict, or a policy (returned as is)."""
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, str):
        return DTypePolicy(identifier)
    if isinstance(identifier, dict):
        from tholos.saving.serialization import deserialize_object

        obj = deserialize_object(identifier, module="tholos.dtype_policies")
        if isinstance(obj, DTypePolicy):
            return obj
    # a dtype object (np.float32, torch.float16...)
    try:
        return DTypePolicy(standardize_dtype(identifier))
    except DtypeError as err:
        raise ConfigError(
            "Cannot interpret this as a dtype policy.",
            expected="a DTypePolicy, a policy name or a dtype",
            received=repr(identifier),
        ) from err


def serialize(policy: DTypePolicy) -> dict[str, Any]:
    from tholos.saving.serialization import serialize_object

    return serialize_object(policy)


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> DTypePolicy:
    from tholos.saving.serialization import deserialize_object

    return deserialize_object(config, custom_objects, module="tholos.dtype_policies")


def is_float_policy(policy: DTypePolicy) -> bool:
    return policy.compute_dtype in FLOAT_TYPES
