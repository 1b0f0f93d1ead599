"""Convolution kernels in torch's layout, cached per tensor and version.

tholos kernels are ``(*kernel_spatial, in, out)``; torch's convolutions want a contiguous
``(out, in, *kernel_spatial)``. Laying a kernel out is a full copy (590 KB for a 3x3x128x128
kernel) that dominates a one-sample convolution, so the copy is kept and reused while the
kernel tensor is unchanged:

- the key is the kernel tensor's identity (held through a weak reference, so the cache never
  keeps a kernel alive and its entry goes when the kernel does) and torch's ``_version``
  counter, which every in-place write (an optimizer step, ``Variable.assign``) increments;
- only the *detached* copy is stored. When autograd needs a gradient for the kernel, a hit
  goes through :class:`_LaidOut`, whose backward is the inverse permutation, i.e. exactly
  what autograd computes for ``permute(...).contiguous()``; a miss (the usual case when
  training, since every step changes the version) runs the plain differentiable copy.

Nothing is cached while ``torch.compile`` traces (it fuses the copy itself), for tensors
without a version counter (inference-mode tensors), or for small kernels, whose copy costs
less than the bookkeeping.
"""

from __future__ import annotations

import weakref

import torch

_MIN_NUMEL = 4096
"""Kernels smaller than this are copied on every call (cheaper than the cache)."""

_CACHE: dict[int, tuple] = {}
"""``id(kernel) -> (weakref(kernel), version, nd, laid-out detached copy, its channels-last
copy or None)``."""


def _forget(ref: weakref.ref, key: int) -> None:
    entry = _CACHE.get(key)
    if entry is not None and entry[0] is ref:
        del _CACHE[key]


class _LaidOut(torch.autograd.Function):
    """``kernel -> cached`` with the gradient of ``permute(perm).contiguous()``."""

    @staticmethod
    def forward(ctx, kernel, cached, inverse):  # `kernel` only carries the graph
        ctx.inverse = inverse
        return cached.view_as(cached)

    @staticmethod
    def backward(ctx, grad):
        return grad.permute(ctx.inverse), None, None


def _compiling() -> bool:
    return torch.compiler.is_compiling()


_SMALL_BATCH = 16
"""Batches up to this size get the kernel in channels-last memory format (see below)."""

_MEMORY_FORMAT = {2: torch.channels_last, 3: torch.channels_last_3d}


def laid_out(k: torch.Tensor, nd: int, batch: int | None = None) -> torch.Tensor:
    """``k`` ``(*K, in, out)`` as torch's ``(out, in, *K)`` (cached, see the module).

    The result is contiguous, except on a cache hit for a small ``batch`` (2D/3D): there it is
    in channels-last memory format, which oneDNN's channels-last convolution reorders much
    faster (measured 1.3-1.5x on a one-sample 3x3 convolution with 64-128 channels, and
    bit-identical results), while at large batches it is no faster.
    """
    perm = (nd + 1, nd, *range(nd))
    if k.numel() < _MIN_NUMEL or _compiling():
        return k.permute(perm).contiguous()
    try:
        version = k._version
    except RuntimeError:  # inference tensors have no version counter
        return k.permute(perm).contiguous()
    key = id(k)
    entry = _CACHE.get(key)
    if entry is not None and entry[0]() is k and entry[1] == version and entry[2] == nd:
        cached = entry[3]
        if batch is not None and batch <= _SMALL_BATCH and nd in _MEMORY_FORMAT:
            small = entry[4]
            if small is None:
                small = cached.contiguous(memory_format=_MEMORY_FORMAT[nd])
                _CACHE[key] = (*entry[:4], small)
            cached = small
        if k.requires_grad and torch.is_grad_enabled():
            return _LaidOut.apply(k, cached, _inverse(perm))
        return cached
    w = k.permute(perm).contiguous()
    ref = weakref.ref(k, lambda r, key=key: _forget(r, key))
    _CACHE[key] = (ref, version, nd, w.detach(), None)
    return w


def _inverse(perm: tuple[int, ...]) -> tuple[int, ...]:
    out = [0] * len(perm)
    for i, p in enumerate(perm):
        out[p] = i
    return tuple(out)


def clear() -> None:
    """Drop every cached kernel (tests; freeing memory)."""
    _CACHE.clear()
