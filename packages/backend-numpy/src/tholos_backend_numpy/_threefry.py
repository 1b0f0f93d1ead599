"""Fused Threefry-2x32-20 for the NumPy backend (the optional ``random.threefry_block`` hook).

The same block function as :func:`tholos.random.threefry.threefry2x32`, on plain ``uint32``
ndarrays updated in place (NumPy's ``uint32`` add wraps modulo ``2**32``), so a draw is ~100
NumPy calls on two buffers plus one scratch buffer, with no tholos dispatch. Random bits are
never differentiated: an autograd box around the seed is unwrapped.
"""

from __future__ import annotations

import math

import numpy as np
from autograd.tracer import getval

from tholos.random.threefry import ROTATIONS, ROUNDS, SKEIN_PARITY

_U32 = np.uint32


def _encrypt(k0, k1, x0: np.ndarray, x1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 20 rounds on ``x0 = c0 + k0``, ``x1 = c1 + k1`` (fresh ``uint32`` arrays, updated
    in place); ``k0``, ``k1`` are ``np.uint32`` scalars."""
    schedule = (k0, k1, _U32(k0 ^ k1 ^ _U32(SKEIN_PARITY)))
    tmp = np.empty_like(x1)
    with np.errstate(over="ignore"):
        for block in range(ROUNDS // 4):
            for i in range(4):
                r = ROTATIONS[(4 * block + i) % 8]
                x0 += x1
                np.left_shift(x1, _U32(r), out=tmp)
                x1 >>= _U32(32 - r)
                x1 |= tmp
                x1 ^= x0
            s = block + 1
            x0 += schedule[s % 3]
            x1 += _U32((int(schedule[(s + 1) % 3]) + s) & 0xFFFFFFFF)
    return x0, x1


def threefry2x32(k0, k1, c0, c1) -> tuple[np.ndarray, np.ndarray]:
    """Encrypt counters ``(c0, c1)`` under key ``(k0, k1)``: scalar keys, ``uint32`` counters
    (broadcast together); returns the two ``uint32`` words."""
    k0, k1 = _U32(getval(k0)), _U32(getval(k1))
    c0, c1 = np.broadcast_arrays(np.asarray(getval(c0), _U32), np.asarray(getval(c1), _U32))
    with np.errstate(over="ignore"):
        return _encrypt(k0, k1, np.asarray(c0 + k0), np.asarray(c1 + k1))


def threefry_block(seed, shape) -> tuple[np.ndarray, np.ndarray]:
    """Both ``uint32`` words of Threefry-2x32-20 under key ``seed`` for the counters
    ``(0, i)``, ``i`` the row-major index in ``shape``."""
    shape = tuple(int(d) for d in shape)
    words = np.asarray(getval(seed)).astype(_U32, copy=False).reshape(2)
    k0, k1 = _U32(words[0]), _U32(words[1])
    n = math.prod(shape)
    x1 = np.arange(n, dtype=_U32)
    x1 += k1
    x0, x1 = _encrypt(k0, k1, np.full(n, k0, dtype=_U32), x1)
    return x0.reshape(shape), x1.reshape(shape)


def threefry_bits(seed, shape) -> np.ndarray:
    """``y0 ^ y1`` of :func:`threefry_block`: the portable generator's random bits."""
    y0, y1 = threefry_block(seed, shape)
    y0 ^= y1
    return y0


__all__ = ["threefry2x32", "threefry_bits", "threefry_block"]
