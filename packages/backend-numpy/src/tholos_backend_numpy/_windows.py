"""Sliding windows for convolution, pooling and patches, as two adjoint autograd primitives.

``im2col`` gathers every window of a padded, channels-last array into a contiguous array
``(batch, *out, *kernel, channels)`` (a strided view plus one copy); ``col2im`` adds such
windows back into an array of the padded input's shape (one vectorised add per kernel tap,
never a loop over pixels). Both are linear and each is the other's adjoint, so each one's
VJP is the other: convolutions written as ``matmul(im2col(x), kernel)`` differentiate to any
order through autograd, with BLAS doing the heavy lifting in both directions.

``Geometry`` fixes the padded spatial shape, kernel size, strides, dilation and output shape.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import autograd.numpy as anp
import numpy as np
from autograd.extend import defvjp, primitive
from autograd.tracer import getval
from numpy.lib.stride_tricks import sliding_window_view

from tholos.backend.common import conv_args


class Geometry(NamedTuple):
    padded: tuple[int, ...]  # spatial shape of the (already padded) input
    kernel: tuple[int, ...]
    strides: tuple[int, ...]
    dilation: tuple[int, ...]
    out: tuple[int, ...]


effective = conv_args.effective
normalize_tuple = conv_args.normalize_tuple
normalize_padding = conv_args.normalize_padding


def plan(spatial, kernel, strides, dilation, padding, op):
    """Padding per spatial dim and the window geometry, with TF/Keras ``same`` semantics
    (:func:`tholos.backend.common.conv_args.same_padding`)."""
    pads, out = conv_args.same_padding(spatial, kernel, strides, dilation, padding, op)
    padded = tuple(size + b + a for size, (b, a) in zip(spatial, pads))
    return pads, Geometry(padded, tuple(kernel), tuple(strides), tuple(dilation), tuple(out))


@primitive
def im2col(xp, geom: Geometry):
    """``(batch, *padded, C)`` -> ``(batch, *out, *kernel, C)``, a contiguous copy."""
    nd = len(geom.kernel)
    if any(o == 0 for o in geom.out) or math.prod(xp.shape) == 0:
        return np.zeros((xp.shape[0], *geom.out, *geom.kernel, xp.shape[-1]), xp.dtype)
    view = sliding_window_view(
        xp, effective(geom.kernel, geom.dilation), axis=tuple(range(1, nd + 1))
    )
    index = (
        slice(None),
        *tuple(slice(0, (o - 1) * s + 1, s) for o, s in zip(geom.out, geom.strides)),
        slice(None),
        *tuple(slice(None, None, d) for d in geom.dilation),
    )
    view = view[index]  # (batch, *out, C, *kernel)
    perm = (0, *range(1, nd + 1), *range(nd + 2, 2 * nd + 2), nd + 1)
    return np.ascontiguousarray(view.transpose(perm))


@primitive
def col2im(cols, geom: Geometry):
    """Adjoint of :func:`im2col`: add every window back at its place."""
    nd = len(geom.kernel)
    result = np.zeros((cols.shape[0], *geom.padded, cols.shape[-1]), cols.dtype)
    if any(o == 0 for o in geom.out):
        return result
    lead = (slice(None),) * (1 + nd)
    for tap in np.ndindex(*geom.kernel):
        target = (
            slice(None),
            *tuple(
                slice(t * d, t * d + (o - 1) * s + 1, s)
                for t, d, o, s in zip(tap, geom.dilation, geom.out, geom.strides)
            ),
            slice(None),
        )
        result[target] += cols[lead + tap + (slice(None),)]
    return result


defvjp(im2col, lambda ans, xp, geom: lambda g: col2im(g, geom))
defvjp(col2im, lambda ans, cols, geom: lambda g: im2col(g, geom))


@primitive
def window_max(cols):
    """Max over axis -2 (the flattened window); the VJP routes to the first maximum."""
    return np.max(cols, axis=-2)


def _window_max_vjp(ans, cols):
    raw = getval(cols)
    first = np.argmax(raw, axis=-2)
    mask = np.arange(raw.shape[-2])[:, None] == first[..., None, :]
    return lambda g: select(mask, anp.expand_dims(g, -2), 0)


defvjp(window_max, _window_max_vjp)


# --- a dtype- and broadcast-correct `where` (autograd's upcasts float32 gradients) ---


def unbroadcast(g, shape):
    """Sum ``g`` down to ``shape`` (the inverse of broadcasting)."""
    shape = tuple(shape)
    if tuple(anp.shape(g)) == shape:
        return g
    extra = anp.ndim(g) - len(shape)
    if extra:
        g = anp.sum(g, axis=tuple(range(extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and anp.shape(g)[i] != 1)
    if axes:
        g = anp.sum(g, axis=axes, keepdims=True)
    return g


@primitive
def select(condition, x, y):
    """``numpy.where`` whose gradients keep the dtype and shape of ``x`` and ``y``."""
    return np.where(condition, x, y)


def _select_vjp(branch):
    def make(ans, condition, x, y):
        shape = anp.shape(x if branch == 1 else y)

        def vjp(g):
            zero = np.zeros((), getval(g).dtype)
            kept = select(condition, g, zero) if branch == 1 else select(condition, zero, g)
            return unbroadcast(kept, shape)

        return vjp

    return make


defvjp(select, None, _select_vjp(1), _select_vjp(2))
