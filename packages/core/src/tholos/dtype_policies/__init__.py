"""Layer dtype policies (``tholos.dtype_policies``)."""

from tholos.dtype_policies.dtype_policy import (
    DTypePolicy,
    FloatDTypePolicy,
    deserialize,
    dtype_policy,
    get,
    serialize,
    set_dtype_policy,
)

__all__ = [
    "DTypePolicy",
    "FloatDTypePolicy",
    "deserialize",
    "dtype_policy",
    "get",
    "serialize",
    "set_dtype_policy",
]
