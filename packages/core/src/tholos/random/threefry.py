"""Threefry-2x32 with 20 rounds, written once against ``tholos.ops`` integer ops.

The block function is the one published by Salmon, Moraes, Dror and Shaw, "Parallel random
numbers: as easy as 1, 2, 3" (SC 2011): a 64-bit counter ``(c0, c1)`` is encrypted under a
64-bit key ``(k0, k1)`` by 20 rounds of add / rotate / xor on two 32-bit words, with the
key schedule ``(k0, k1, k0 ^ k1 ^ 0x1BD11BDA)`` injected after every fourth round. All the
arithmetic is on ``uint32`` tensors through the active backend's ops (``add`` wraps modulo
2**32, shifts drop the bits shifted out), so every backend computes the same bits.

Layout (chosen to agree with ``jax.random``'s threefry generator in its default
"partitionable" mode): a seed is the key ``(k0, k1)``; the ``i``-th element of a bit array
of ``shape`` (row-major) is ``y0 ^ y1`` where ``(y0, y1) = threefry2x32(key, (0, i))``;
the ``i``-th sub-seed of :func:`split` is ``(y0, y1)`` itself. Hence
``random_bits(seed, shape)`` equals ``jax.random.bits(jax.random.wrap_key_data(seed), shape)``
and ``split(seed, n)`` equals ``jax.random.key_data(jax.random.split(...))``.

>>> import numpy as np
>>> from tholos import ops
>>> from tholos.random.threefry import threefry2x32
>>> z = ops.convert_to_tensor(np.zeros((1,), "uint32"))
>>> [hex(int(ops.convert_to_numpy(w)[0])) for w in threefry2x32(z, z, z, z)]
['0x6b200159', '0x99ba4efe']

Fused backends: composed from ops, one eager draw dispatches ~130 small ops. A backend may
expose an optional fused version (see :mod:`tholos.backend.contract.random_ops`): functions
``threefry_block(seed, shape) -> (y0, y1)`` and ``threefry_bits(seed, shape) -> y0 ^ y1``
defined on its ``random`` namespace (the object its ``load()`` returns has them as
``backend.random.threefry_block``...). :func:`block` and :func:`random_bits` call them when
present and fall back to the op-composed :func:`reference_block` otherwise; the bits must be
the same. :func:`use_fused` turns the hooks off for a block (tests, benchmarks).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from typing import Any

from tholos.backend import _state
from tholos.backend._symbolic import KerasTensor
from tholos.errors import OpInputError

ROTATIONS = (13, 15, 26, 6, 17, 29, 16, 24)
"""Rotation amounts of Threefry-2x32, cycled every eight rounds."""

SKEIN_PARITY = 0x1BD11BDA
"""The key-schedule parity constant (from Skein's Threefish)."""

ROUNDS = 20

KNOWN_ANSWERS: tuple[tuple[tuple[int, int], tuple[int, int], tuple[int, int]], ...] = (
    ((0x00000000, 0x00000000), (0x00000000, 0x00000000), (0x6B200159, 0x99BA4EFE)),
    ((0xFFFFFFFF, 0xFFFFFFFF), (0xFFFFFFFF, 0xFFFFFFFF), (0x1CB996FC, 0xBB002BE7)),
    ((0x243F6A88, 0x85A308D3), (0x13198A2E, 0x03707344), (0xC4923A9C, 0x483DF7A0)),
)
"""Published known answers of Threefry-2x32-20 as ``(counter, key, output)`` word pairs
(``(c0, c1)``, ``(k0, k1)``, ``(y0, y1)``), from Random123's ``kat_vectors`` file (the
``threefry2x32 20`` lines: all zeros, all ones, digits of pi)."""

BLOCK_HOOK = "threefry_block"
"""Name of the optional fused hook on a backend's ``random`` namespace:
``(seed, shape) -> (y0, y1)``, the two ``uint32`` words of :func:`reference_block`."""

BITS_HOOK = "threefry_bits"
"""Name of the optional fused hook ``(seed, shape) -> y0 ^ y1`` (:func:`random_bits`); when a
backend has only :data:`BLOCK_HOOK`, the words it returns are xor-ed with ``ops``."""

_fused_enabled = True


def _ops():
    from tholos import ops

    return ops


@contextlib.contextmanager
def use_fused(enabled: bool) -> Iterator[None]:
    """Use (``True``, the default) or ignore the backend's fused Threefry hooks in a block.

    Either way the bits are the same; ``use_fused(False)`` runs the op-composed reference.

    >>> from tholos import ops
    >>> seed = ops.convert_to_tensor([0, 42], dtype="uint32")
    >>> with use_fused(False):
    ...     reference = ops.convert_to_numpy(random_bits(seed, (5,)))
    >>> bool((ops.convert_to_numpy(random_bits(seed, (5,))) == reference).all())
    True
    """
    global _fused_enabled
    previous = _fused_enabled
    _fused_enabled = bool(enabled)
    try:
        yield
    finally:
        _fused_enabled = previous


def fused_hook(name: str = BLOCK_HOOK) -> Any:
    """The active backend's fused hook ``name`` (:data:`BLOCK_HOOK` or :data:`BITS_HOOK`), or
    ``None`` when it has none or :func:`use_fused` turned the hooks off."""
    if not _fused_enabled:
        return None
    namespace = getattr(_state.current().impl, "random", None)
    return getattr(namespace, name, None)


def _fused(name: str, seed: Any) -> Any:
    """The hook to call for ``seed``, or ``None`` (also for a symbolic seed)."""
    hook = fused_hook(name)
    if hook is None:
        return None
    return None if isinstance(seed, KerasTensor) else hook


def _rotl(x: Any, r: int) -> Any:
    ops = _ops()
    return ops.bitwise_or(ops.left_shift(x, r), ops.right_shift(x, 32 - r))


def threefry2x32(k0: Any, k1: Any, c0: Any, c1: Any, rounds: int = ROUNDS) -> tuple[Any, Any]:
    """Encrypt counters ``(c0, c1)`` under key ``(k0, k1)``; all ``uint32``, broadcasting.

    ``rounds`` must be a multiple of 4 (20 is the standard strength; 13 is not supported).
    Returns the two ``uint32`` output words.
    """
    ops = _ops()
    if rounds % 4 or rounds <= 0:
        raise OpInputError(
            "threefry2x32: rounds must be a positive multiple of 4.",
            expected="e.g. 20",
            received=repr(rounds),
        )
    k2 = ops.bitwise_xor(ops.bitwise_xor(k0, k1), SKEIN_PARITY)
    schedule = (k0, k1, k2)
    x0 = ops.add(c0, k0)
    x1 = ops.add(c1, k1)
    for block in range(rounds // 4):
        for i in range(4):
            x0 = ops.add(x0, x1)
            x1 = ops.bitwise_xor(_rotl(x1, ROTATIONS[(4 * block + i) % 8]), x0)
        s = block + 1
        x0 = ops.add(x0, schedule[s % 3])
        x1 = ops.add(ops.add(x1, schedule[(s + 1) % 3]), s)
    return x0, x1


def key_words(seed: Any) -> tuple[Any, Any]:
    """The two key words (0-d ``uint32`` tensors) of a ``(2,)`` seed tensor."""
    ops = _ops()
    seed = ops.cast(seed, "uint32")
    return ops.take(seed, 0), ops.take(seed, 1)


def _count(shape: tuple[int, ...]) -> int:
    n = math.prod(shape)
    if n >= 2**32:
        raise OpInputError(
            "random: too many values in one draw.",
            expected="fewer than 2**32 elements",
            received=f"shape {shape}",
            hint="Draw in several calls with different seeds.",
        )
    return n


def reference_block(seed: Any, shape: tuple[int, ...]) -> tuple[Any, Any]:
    """:func:`block` composed from ``tholos.ops`` (the reference the fused hooks must match)."""
    ops = _ops()
    shape = tuple(int(d) for d in shape)
    n = _count(shape)
    k0, k1 = key_words(seed)
    lo = ops.arange(n, dtype="uint32")
    hi = ops.zeros((n,), dtype="uint32")
    y0, y1 = threefry2x32(k0, k1, hi, lo)
    return ops.reshape(y0, shape), ops.reshape(y1, shape)


def block(seed: Any, shape: tuple[int, ...]) -> tuple[Any, Any]:
    """Both output words for the counters ``(0, i)``, ``i`` the row-major index in ``shape``.

    Uses the backend's fused ``threefry_block`` when it has one, else :func:`reference_block`.
    """
    hook = _fused(BLOCK_HOOK, seed)
    if hook is None:
        return reference_block(seed, shape)
    shape = tuple(int(d) for d in shape)
    _count(shape)
    return hook(_ops().cast(seed, "uint32"), shape)


def random_bits(seed: Any, shape: tuple[int, ...]) -> Any:
    """``uint32`` random bits of ``shape`` (``jax.random.bits`` with a threefry key).

    >>> from tholos import ops
    >>> bits = random_bits(ops.convert_to_tensor([0, 42], dtype="uint32"), (3,))
    >>> ops.dtype(bits), ops.shape(bits)
    ('uint32', (3,))
    """
    ops = _ops()
    hook = _fused(BITS_HOOK, seed)
    if hook is not None:
        shape = tuple(int(d) for d in shape)
        _count(shape)
        return hook(ops.cast(seed, "uint32"), shape)
    y0, y1 = block(seed, shape)
    return ops.bitwise_xor(y0, y1)


def split(seed: Any, num: int = 2) -> Any:
    """``num`` independent seeds derived from ``seed``: a ``uint32`` tensor ``(num, 2)``.

    >>> from tholos import ops
    >>> ops.shape(split(ops.convert_to_tensor([0, 1], dtype="uint32"), 3))
    (3, 2)
    """
    ops = _ops()
    y0, y1 = block(seed, (int(num),))
    return ops.stack([y0, y1], axis=1)


def split_list(seed: Any, num: int) -> list[Any]:
    """:func:`split` as a list of ``(2,)`` seed tensors."""
    ops = _ops()
    keys = split(seed, num)
    return [ops.take(keys, i, axis=0) for i in range(int(num))]


__all__ = [
    "BITS_HOOK",
    "BLOCK_HOOK",
    "KNOWN_ANSWERS",
    "ROTATIONS",
    "SKEIN_PARITY",
    "block",
    "fused_hook",
    "key_words",
    "random_bits",
    "reference_block",
    "split",
    "split_list",
    "threefry2x32",
    "use_fused",
]
