"""Shared by the padding, cropping and up-sampling layers: per-axis amounts, checked once."""

from __future__ import annotations

from typing import Any

from tholos.errors import ConfigError
from tholos.layers import _arg_utils as au


def normalize_pairs(value: Any, n: int, name: str, layer: str) -> tuple[tuple[int, int], ...]:
    """An int, ``n`` ints (symmetric per axis) or ``n`` pairs -> ``n`` ``(before, after)`` pairs.

    For ``n == 1`` a single pair ``(before, after)`` is also accepted.
    """
    bad = ConfigError(
        f"{layer}: invalid `{name}`.",
        expected=f"a non-negative int, a tuple of {n} ints or a tuple of {n} pairs of ints"
        + (" (or one pair)" if n == 1 else ""),
        received=f"{name}={value!r}",
    )
    if isinstance(value, int) and not isinstance(value, bool):
        pairs = ((value, value),) * n
    else:
        try:
            items = tuple(value)
        except TypeError:
            raise bad from None
        if n == 1 and len(items) == 2 and all(isinstance(v, int) for v in items):
            pairs = (items,)
        elif len(items) != n:
            raise bad
        else:
            out = []
            for item in items:
                if isinstance(item, int) and not isinstance(item, bool):
                    out.append((item, item))
                else:
                    try:
                        pair = au.normalize_tuple(item, 2, name, allow_zero=True, layer=layer)
                    except ConfigError:
                        raise bad from None
                    out.append(pair)
            pairs = tuple(out)
    for pair in pairs:
        for v in pair:
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise bad
    return tuple(tuple(p) for p in pairs)
