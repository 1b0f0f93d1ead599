"""Fused Threefry-2x32-20 for the JAX backend (the optional ``random.threefry_block`` hook).

The same block function as :func:`tholos.random.threefry.threefry2x32`, written with
``jax.lax`` ``uint32`` ops inside one ``jax.jit`` function per output shape (the shape is a
static argument), so an eager draw is one compiled call instead of ~130 separately compiled
ops, and a draw inside a traced step inlines into it. The layout is tholos' own (counter
``(0, i)``, ``i`` the row-major index), which is also ``jax.random``'s partitionable threefry
layout; it does not depend on the ``jax_threefry_partitionable`` flag.
"""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
from jax import lax

from tholos.random.threefry import ROTATIONS, ROUNDS, SKEIN_PARITY

_U32 = jnp.uint32


def _encrypt(k0, k1, x0, x1):
    """The 20 rounds on ``x0 = c0 + k0``, ``x1 = c1 + k1`` (``uint32``)."""
    k2 = k0 ^ k1 ^ _U32(SKEIN_PARITY)
    schedule = (k0, k1, k2)
    for block in range(ROUNDS // 4):
        for i in range(4):
            r = ROTATIONS[(4 * block + i) % 8]
            x0 = x0 + x1
            rotated = lax.shift_left(x1, _U32(r)) | lax.shift_right_logical(x1, _U32(32 - r))
            x1 = rotated ^ x0
        s = block + 1
        x0 = x0 + schedule[s % 3]
        x1 = x1 + schedule[(s + 1) % 3] + _U32(s)
    return x0, x1


@jax.jit
def threefry2x32(k0, k1, c0, c1):
    """Encrypt counters ``(c0, c1)`` under key ``(k0, k1)`` (``uint32``, broadcast together);
    returns the two ``uint32`` words."""
    k0, k1, c0, c1 = (jnp.asarray(v).astype(_U32) for v in (k0, k1, c0, c1))
    c0, c1 = jnp.broadcast_arrays(c0, c1)
    return _encrypt(k0, k1, c0 + k0, c1 + k1)


def _rounds(seed, n):
    key = jnp.asarray(seed).astype(_U32)
    k0, k1 = key[0], key[1]
    # counter (hi, lo) = (0, i): x0 = k0, x1 = i + k1
    return _encrypt(k0, k1, jnp.broadcast_to(k0, (n,)), lax.iota(_U32, n) + k1)


@functools.partial(jax.jit, static_argnums=1)
def _block(seed, shape):
    x0, x1 = _rounds(seed, math.prod(shape))
    return x0.reshape(shape), x1.reshape(shape)


@functools.partial(jax.jit, static_argnums=1)
def _bits(seed, shape):
    x0, x1 = _rounds(seed, math.prod(shape))
    return (x0 ^ x1).reshape(shape)


def threefry_block(seed, shape):
    """Both ``uint32`` words of Threefry-2x32-20 under key ``seed`` for the counters
    ``(0, i)``, ``i`` the row-major index in ``shape``."""
    return _block(seed, tuple(int(d) for d in shape))


def threefry_bits(seed, shape):
    """``y0 ^ y1`` of :func:`threefry_block`: the portable generator's random bits."""
    return _bits(seed, tuple(int(d) for d in shape))


__all__ = ["threefry2x32", "threefry_bits", "threefry_block"]
