"""Attach masks to tensors (``_keras_mask``), also to tensors that refuse new attributes.

NumPy arrays and JAX arrays do not accept attributes; their masks live in a side table keyed
by ``id`` that forgets an entry when its tensor is garbage collected.
"""

from __future__ import annotations

import weakref
from typing import Any

_side_table: dict[int, tuple[Any, Any]] = {}
# True once any mask was ever attached: lets Layer.__call__ skip mask lookups entirely.
state = {"any": False}


def set_keras_mask(x: Any, mask: Any) -> None:
    """Attach ``mask`` to ``x`` (``None`` removes it)."""
    if mask is not None:
        state["any"] = True
    try:
        x._keras_mask = mask
        return
    except (AttributeError, TypeError):
        pass
    key = id(x)
    if mask is None:
        _side_table.pop(key, None)
        return
    try:
        ref = weakref.ref(x, lambda _ref, key=key: _side_table.pop(key, None))
    except TypeError:  # neither attributes nor weak references: cannot carry a mask
        return
    _side_table[key] = (ref, mask)


def get_keras_mask(x: Any) -> Any:
    """The mask attached to ``x``, or ``None``."""
    mask = getattr(x, "_keras_mask", None)
    if mask is not None:
        return mask
    entry = _side_table.get(id(x))
    if entry is not None and entry[0]() is x:
        return entry[1]
    return None
