"""Fused Threefry-2x32-20 for TensorFlow (the optional ``random.threefry_block`` hook).

The same block function as :func:`tholos.random.threefry.threefry2x32`, written with raw
``uint32`` TF ops (``AddV2`` wraps modulo ``2**32``; ``tf.bitwise`` shifts drop the bits
shifted out). Eagerly, a draw is one call of a ``tf.function`` traced once for every shape
(the shape is a tensor argument), instead of ~130 eager ops. Inside a graph (a
``tf.function`` or XLA step being traced) the ops are added to that graph directly, with the
static shape, so shape inference and fusion see through them.
"""

from __future__ import annotations

import math

import tensorflow as tf

from tholos.random.threefry import ROTATIONS, ROUNDS, SKEIN_PARITY

_U32 = tf.uint32


def _encrypt(k0, k1, x0, x1):
    """The 20 rounds on ``x0 = c0 + k0``, ``x1 = c1 + k1`` (``uint32``)."""
    k2 = tf.bitwise.bitwise_xor(tf.bitwise.bitwise_xor(k0, k1), tf.constant(SKEIN_PARITY, _U32))
    schedule = (k0, k1, k2)
    for block in range(ROUNDS // 4):
        for i in range(4):
            r = ROTATIONS[(4 * block + i) % 8]
            x0 = x0 + x1
            rotated = tf.bitwise.bitwise_or(
                tf.bitwise.left_shift(x1, tf.constant(r, _U32)),
                tf.bitwise.right_shift(x1, tf.constant(32 - r, _U32)),
            )
            x1 = tf.bitwise.bitwise_xor(rotated, x0)
        s = block + 1
        x0 = x0 + schedule[s % 3]
        x1 = x1 + (schedule[(s + 1) % 3] + tf.constant(s, _U32))
    return x0, x1


def _as_u32(x):
    x = tf.convert_to_tensor(x)
    return x if x.dtype == _U32 else tf.cast(x, _U32)


def threefry2x32(k0, k1, c0, c1) -> tuple[tf.Tensor, tf.Tensor]:
    """Encrypt counters ``(c0, c1)`` under key ``(k0, k1)`` (``uint32``, broadcast together);
    returns the two ``uint32`` words."""
    k0, k1, c0, c1 = (_as_u32(v) for v in (k0, k1, c0, c1))
    shape = tf.broadcast_dynamic_shape(tf.shape(c0), tf.shape(c1))
    c0, c1 = tf.broadcast_to(c0, shape), tf.broadcast_to(c1, shape)
    return _encrypt(k0, k1, c0 + k0, c1 + k1)


def _rounds(seed, n):
    key = _as_u32(seed)
    k0, k1 = key[0], key[1]
    # counter (hi, lo) = (0, i): x0 = k0, x1 = i + k1
    x0 = tf.fill([n] if isinstance(n, int) else tf.reshape(n, [1]), k0)
    x1 = tf.cast(tf.range(n, dtype=tf.int64), _U32) + k1
    return _encrypt(k0, k1, x0, x1)


_SIGNATURE = [tf.TensorSpec([2], _U32), tf.TensorSpec([None], tf.int64)]


@tf.function(input_signature=_SIGNATURE, autograph=False)
def _block_fn(seed, shape):
    x0, x1 = _rounds(seed, tf.reduce_prod(shape))
    return tf.reshape(x0, shape), tf.reshape(x1, shape)


@tf.function(input_signature=_SIGNATURE, autograph=False)
def _bits_fn(seed, shape):
    x0, x1 = _rounds(seed, tf.reduce_prod(shape))
    return tf.reshape(tf.bitwise.bitwise_xor(x0, x1), shape)


def _args(seed, shape):
    return _as_u32(seed), tuple(int(d) for d in shape)


def threefry_block(seed, shape) -> tuple[tf.Tensor, tf.Tensor]:
    """Both ``uint32`` words of Threefry-2x32-20 under key ``seed`` for the counters
    ``(0, i)``, ``i`` the row-major index in ``shape``."""
    seed, shape = _args(seed, shape)
    if tf.executing_eagerly():
        return _block_fn(seed, tf.constant(shape, tf.int64, shape=[len(shape)]))
    x0, x1 = _rounds(seed, math.prod(shape))
    return tf.reshape(x0, shape), tf.reshape(x1, shape)


def threefry_bits(seed, shape) -> tf.Tensor:
    """``y0 ^ y1`` of :func:`threefry_block`: the portable generator's random bits."""
    seed, shape = _args(seed, shape)
    if tf.executing_eagerly():
        return _bits_fn(seed, tf.constant(shape, tf.int64, shape=[len(shape)]))
    x0, x1 = _rounds(seed, math.prod(shape))
    return tf.reshape(tf.bitwise.bitwise_xor(x0, x1), shape)


__all__ = ["threefry2x32", "threefry_bits", "threefry_block"]
