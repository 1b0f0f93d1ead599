"""Small helpers shared by losses, metrics and optimizers (naming, masks, dtypes)."""

from __future__ import annotations

import re
from typing import Any

_name_counts: dict[str, int] = {}


def to_snake_case(name: str) -> str:
    """``"TopKCategoricalAccuracy"`` -> ``"top_k_categorical_accuracy"``."""
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def auto_name(class_name: str) -> str:
    """A session-unique snake_case name for an instance of ``class_name``."""
    try:  # share the layers' counters when the naming utility exists
        from tholos.utils.naming import auto_name as shared_auto_name
    except ImportError:
        shared_auto_name = None
    if shared_auto_name is not None:
        return shared_auto_name(class_name)
    base = to_snake_case(class_name)
    count = _name_counts.get(base, 0)
    _name_counts[base] = count + 1
    return base if count == 0 else f"{base}_{count}"


def get_mask(x: Any) -> Any:
    """The Keras mask attached to ``x`` (``None`` when there is none)."""
    from tholos.layers._masks import get_keras_mask

    return get_keras_mask(x)


def set_mask(x: Any, mask: Any) -> Any:
    """Attach ``mask`` to ``x`` (an attribute, or the side table for arrays that refuse
    attributes); returns ``x``."""
    from tholos.layers._masks import set_keras_mask

    set_keras_mask(x, mask)
    return x


def dtype_arg(dtype: Any) -> Any:
    """Normalize a ``dtype=`` argument: ``None``, a dtype name, or a dtype policy (config
    dicts and non-float-dtype policy names become policy objects)."""
    from tholos.backend.dtypes import ALLOWED_DTYPES

    if dtype is None or (isinstance(dtype, str) and dtype in ALLOWED_DTYPES):
        return dtype
    if hasattr(dtype, "compute_dtype"):
        return dtype
    from tholos import dtype_policies

    policy = dtype_policies.get(dtype)
    return policy.name if policy.name in ALLOWED_DTYPES else policy


def resolve_dtype(dtype: Any) -> str:
    """The compute dtype named by ``dtype`` (a dtype, a policy, its name or config; ``None``:
    floatx)."""
    from tholos.backend.dtypes import floatx, standardize_dtype

    dtype = dtype_arg(dtype)
    if dtype is None:
        return floatx()
    if hasattr(dtype, "compute_dtype"):
        return standardize_dtype(dtype.compute_dtype)
    return standardize_dtype(dtype)


def dtype_of(x: Any) -> str:
    from tholos.backend.dtypes import standardize_dtype

    return standardize_dtype(x.dtype)


def epsilon() -> float:
    from tholos import config

    return config.epsilon()
