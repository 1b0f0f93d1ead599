"""Small helpers shared by the recurrent layers: nested state lists, call inspection, and
(de)serialization of wrapped layers and cells.

>>> flatten([[1, 2], [3], 4])
[1, 2, 3, 4]
>>> pack_as([[0, 0], [0], 0], [1, 2, 3, 4])
[[1, 2], [3], 4]
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any


def is_nested(x: Any) -> bool:
    """Whether ``x`` is a list or tuple (the only containers state structures use)."""
    return isinstance(x, (list, tuple))


def flatten(struct: Any) -> list:
    """The leaves of a nested list/tuple structure, depth first."""
    if not is_nested(struct):
        return [struct]
    out: list = []
    for item in struct:
        out.extend(flatten(item))
    return out


def pack_as(structure: Any, flat: list) -> Any:
    """Rebuild ``structure`` (nested lists/tuples) with the leaves taken in order from ``flat``."""
    leaves = iter(flat)

    def rebuild(s: Any) -> Any:
        if is_nested(s):
            return (
                type(s)(rebuild(item) for item in s)
                if isinstance(s, list)
                else tuple(rebuild(item) for item in s)
            )
        return next(leaves)

    return rebuild(structure)


def map_structure(fn: Callable[[Any], Any], struct: Any) -> Any:
    """``struct`` with ``fn`` applied to every leaf."""
    return pack_as(struct, [fn(leaf) for leaf in flatten(struct)])


def accepts_arg(fn: Callable[..., Any], name: str) -> bool:
    """Whether calling ``fn`` with keyword ``name`` is allowed."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    if name in params:
        return True
    return any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def serialize_object(obj: Any) -> Any:
    """A JSON-friendly description of a layer or cell (the ``tholos.saving`` format)."""
    from tholos.saving import serialize_keras_object

    return serialize_keras_object(obj)


def deserialize_object(config: Any, custom_objects: Any = None) -> Any:
    """The object :func:`serialize_object` described (instances pass through unchanged)."""
    if not isinstance(config, dict):
        return config
    from tholos.saving import deserialize_keras_object

    return deserialize_keras_object(config, custom_objects=custom_objects)
