"""Fused Threefry-2x32-20 for the torch backend (the optional ``random.threefry_block`` hook).

The same block function as :func:`tholos.random.threefry.threefry2x32`, written with raw torch
ops (no tholos dispatch) updating two ``int64`` buffers in place: torch has almost no
``uint32`` kernels, so the 32-bit words live in ``int64``. Only the word that is rotated next
must hold its exact 32-bit value; the other may carry higher bits (xor and add agree with
their 32-bit versions on the low 32 bits, and less than ``2**38`` accumulates, far from
overflow), so a round is one add, two shifts, or, xor and one mask. Results are
``torch.uint32`` tensors on the current device, as ``ops.arange(..., dtype="uint32")`` makes
them. Keys stay on the device (no ``.item()``): nothing synchronises, and the functions trace
under ``torch.compile``.
"""

from __future__ import annotations

import math

import torch

from tholos.random.threefry import ROTATIONS, ROUNDS, SKEIN_PARITY
from tholos_backend_torch import devices as _devices

_I64 = torch.int64
_MASK = 0xFFFFFFFF


def _encrypt(k0, k1, x0, x1):
    """The 20 rounds on fresh int64 buffers ``x0 = c0 + k0``, ``x1 = (c1 + k1) & MASK``
    (updated in place). Returns ``x0`` exact modulo ``2**32`` and ``x1`` exact."""
    k2 = (k0 ^ k1) ^ SKEIN_PARITY
    schedule = (k0, k1, k2)
    for block in range(ROUNDS // 4):
        for i in range(4):
            r = ROTATIONS[(4 * block + i) % 8]
            x0.add_(x1)
            high = x1 << r
            x1.bitwise_right_shift_(32 - r).bitwise_or_(high).bitwise_xor_(x0).bitwise_and_(_MASK)
        s = block + 1
        x0.add_(schedule[s % 3])
        x1.add_(schedule[(s + 1) % 3]).add_(s).bitwise_and_(_MASK)
    return x0, x1


def _u32(x: torch.Tensor) -> torch.Tensor:
    return x.bitwise_and_(_MASK).to(torch.uint32)


def threefry2x32(k0, k1, c0, c1) -> tuple[torch.Tensor, torch.Tensor]:
    """Encrypt counters ``(c0, c1)`` under key ``(k0, k1)`` (integer tensors holding
    ``uint32`` values, broadcast together); returns the two ``torch.uint32`` words."""
    k0, k1, c0, c1 = (torch.as_tensor(v).to(_I64) for v in (k0, k1, c0, c1))
    c0, c1 = torch.broadcast_tensors(c0, c1)
    x0 = c0 + k0
    x1 = (c1 + k1).bitwise_and_(_MASK)
    x0, x1 = _encrypt(k0, k1, x0, x1)
    return _u32(x0), _u32(x1)


def _rounds(seed, n):
    device = _devices.CURRENT
    key = torch.as_tensor(seed).to(device=device, dtype=_I64)
    k0, k1 = key[0], key[1]
    # counter (hi, lo) = (0, i): x0 = k0, x1 = i + k1
    x1 = torch.arange(n, dtype=_I64, device=device).add_(k1).bitwise_and_(_MASK)
    return _encrypt(k0, k1, k0.expand(n).clone(), x1)


def threefry_block(seed, shape) -> tuple[torch.Tensor, torch.Tensor]:
    """Both ``uint32`` words of Threefry-2x32-20 under key ``seed`` for the counters
    ``(0, i)``, ``i`` the row-major index in ``shape``."""
    shape = tuple(int(d) for d in shape)
    x0, x1 = _rounds(seed, math.prod(shape))
    return _u32(x0).reshape(shape), _u32(x1).reshape(shape)


def threefry_bits(seed, shape) -> torch.Tensor:
    """``y0 ^ y1`` of :func:`threefry_block`: the portable generator's random bits."""
    shape = tuple(int(d) for d in shape)
    x0, x1 = _rounds(seed, math.prod(shape))
    return _u32(x0.bitwise_xor_(x1)).reshape(shape)


__all__ = ["threefry2x32", "threefry_bits", "threefry_block"]
