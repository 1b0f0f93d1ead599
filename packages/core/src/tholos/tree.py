"""Utilities for nested structures (lists, tuples, dicts, namedtuples) of tensors.

Dicts are traversed in sorted-key order; ``None`` is a leaf.

>>> flatten({"b": [1, 2], "a": 3})
[3, 1, 2]
>>> map_structure(lambda v: v * 10, (1, [2, 3]))
(10, [20, 30])
>>> pack_sequence_as({"b": [0, 0], "a": 0}, [7, 8, 9])
{'a': 7, 'b': [8, 9]}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def is_nested(structure: Any) -> bool:
    """True for a list, tuple (incl. namedtuple) or mapping."""
    return isinstance(structure, (list, tuple, Mapping))


def _children(structure: Any) -> list[Any]:
    if isinstance(structure, Mapping):
        return [structure[k] for k in sorted(structure)]
    return list(structure)


def flatten(structure: Any) -> list[Any]:
    """All leaves of ``structure``, depth first."""
    if not is_nested(structure):
        return [structure]
    leaves: list[Any] = []
    for child in _children(structure):
        leaves.extend(flatten(child))
    return leaves


def _rebuild(template: Any, children: list[Any]) -> Any:
    if isinstance(template, Mapping):
        keys = sorted(template)
        rebuilt = {k: children[i] for i, k in enumerate(keys)}
        return rebuilt if type(template) is dict else type(template)(rebuilt)
    if isinstance(template, tuple) and hasattr(template, "_fields"):  # namedtuple
        return type(template)(*children)
    return type(template)(children)


def pack_sequence_as(structure: Any, flat_sequence: list[Any]) -> Any:
    """Inverse of :func:`flatten`: pour ``flat_sequence`` into the shape of ``structure``."""
    flat_sequence = list(flat_sequence)
    expected = len(flatten(structure))
    if len(flat_sequence) != expected:
        raise ValueError(
            f"pack_sequence_as: structure has {expected} leaves but {len(flat_sequence)} values "
            "were given."
        )
    iterator = iter(flat_sequence)

    def build(node: Any) -> Any:
        if not is_nested(node):
            return next(iterator)
        return _rebuild(node, [build(c) for c in _children(node)])

    return build(structure)


def map_structure(func: Callable[..., Any], *structures: Any) -> Any:
    """Apply ``func`` leafwise over one or more structures of the same shape."""
    first = structures[0]
    flats = [flatten(s) for s in structures]
    for s, flat in zip(structures[1:], flats[1:]):
        if len(flat) != len(flats[0]):
            raise ValueError(f"map_structure: structures differ: {first!r} vs {s!r}")
    return pack_sequence_as(first, [func(*leaves) for leaves in zip(*flats)])


def assert_same_structure(a: Any, b: Any) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` nest the same way."""
    if is_nested(a) != is_nested(b):
        raise ValueError(f"Structures differ: {a!r} vs {b!r}")
    if is_nested(a):
        ca, cb = _children(a), _children(b)
        if len(ca) != len(cb) or (isinstance(a, Mapping) and sorted(a) != sorted(b)):
            raise ValueError(f"Structures differ: {a!r} vs {b!r}")
        for x, y in zip(ca, cb):
            assert_same_structure(x, y)


__all__ = ["assert_same_structure", "flatten", "is_nested", "map_structure", "pack_sequence_as"]
