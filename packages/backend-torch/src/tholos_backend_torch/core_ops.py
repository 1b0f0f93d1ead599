"""Core ops of the torch backend: conversion, casting, control flow, scatter and slicing.

Control flow runs eagerly in Python (torch is eager; under ``torch.compile`` dynamo traces or
graph-breaks through it). Everything stays differentiable by torch autograd.
"""

from __future__ import annotations

import builtins

import numpy as np
import torch

from tholos import tree
from tholos.errors import OpInputError
from tholos_backend_torch import _convert
from tholos_backend_torch._convert import (
    INTS,
    LIMITED,
    NAMES,
    tdtype,
    to_numpy,
    to_tensor,
)
from tholos_backend_torch._convert import (
    cast as _cast,
)

Tensor = torch.Tensor


# ----------------------------------------------------------------------------- conversion


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    if isinstance(x, Tensor) and not sparse and not ragged:
        if dtype is None:
            return x
        return _cast(x, tdtype(dtype))
    if sparse:
        raise OpInputError(
            "ops.convert_to_tensor: the torch backend has no sparse tensors in tholos.",
            expected="sparse=None or False",
            received=f"sparse={sparse!r}",
            hint="Densify the input first.",
        )
    if ragged:
        raise OpInputError(
            "ops.convert_to_tensor: the torch backend has no ragged tensors.",
            expected="ragged=None or False",
            received=f"ragged={ragged!r}",
        )
    return to_tensor(x, None if dtype is None else tdtype(dtype))


def convert_to_numpy(x):
    return to_numpy(x)


def is_tensor(x):
    return isinstance(x, Tensor)


def shape(x):
    if isinstance(x, Tensor):
        return tuple(x.shape)
    if _convert._is_variable(x):
        return x.shape
    return tuple(to_tensor(x).shape)


def dtype(x):
    if isinstance(x, Tensor):
        return NAMES[x.dtype]
    if _convert._is_variable(x):
        return x.dtype
    return NAMES[to_tensor(x).dtype]


def cast(x, dtype):
    dt = tdtype(dtype)
    if isinstance(x, Tensor):
        return _cast(x, dt)
    if type(x) in (bool, int, float, complex):
        return to_tensor(x, dt)
    return _cast(to_tensor(x), dt)


def saturate_cast(x, dtype):
    x = convert_to_tensor(x)
    target = tdtype(dtype)
    source = x.dtype
    if target is torch.bool or source is torch.bool or source.is_complex:
        return _cast(x, target)
    if target.is_floating_point and source.is_floating_point:
        hi = torch.finfo(target).max
        if torch.finfo(source).max > hi:
            x = torch.clamp(x, -hi, hi)
        return _cast(x, target)
    if target.is_floating_point or target.is_complex:
        return _cast(x, target)
    info = np.iinfo(_convert.NAMES[target])
    lo, hi = int(info.min), int(info.max)
    if source.is_floating_point:
        xd = x.to(torch.float64)
        out = torch.where(torch.isnan(xd), torch.zeros((), dtype=torch.float64), xd)
        out = torch.trunc(torch.clamp(out, float(lo), float(hi)))
        # float64 cannot hold int64/uint64 limits exactly: saturate those by comparison
        res = out.to(torch.int64)
        if target in (torch.int64, torch.uint64):
            res = torch.where(xd >= float(2**63), torch.tensor(2**63 - 1), res)
            res = torch.where(xd <= float(-(2**63)), torch.tensor(-(2**63)), res)
        return _cast(res, target)
    sinfo = np.iinfo(_convert.NAMES[source])
    lo, hi = builtins.max(lo, int(sinfo.min)), builtins.min(hi, int(sinfo.max))
    xw = _convert.wide(x)
    if (lo, hi) != (int(sinfo.min), int(sinfo.max)):
        xw = torch.clamp(xw, lo, hi) if hi < 2**63 else torch.clamp(xw, min=lo)
    return _cast(xw, target)


# ----------------------------------------------------------------------------- control flow


def _scalar_value(x, what):
    if isinstance(x, (bool, int, float)):
        return x
    t = x if isinstance(x, Tensor) else to_tensor(x)
    if t.numel() != 1:
        raise OpInputError(
            f"ops.{what}: the predicate/index must be a scalar.",
            expected="a tensor with one element",
            received=f"shape {tuple(t.shape)}",
        )
    return t.reshape(()).item()


def cond(pred, true_fn, false_fn):
    return true_fn() if builtins.bool(_scalar_value(pred, "cond")) else false_fn()


def switch(index, branches, *operands):
    if not branches:
        raise OpInputError(
            "ops.switch: no branches given.",
            expected="a non-empty list of callables",
            received="[]",
        )
    i = int(_scalar_value(index, "switch"))
    i = builtins.min(builtins.max(i, 0), len(branches) - 1)
    return branches[i](*operands)


def _leaf(v):
    return None if v is None else convert_to_tensor(v)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    is_sequence = isinstance(loop_vars, (list, tuple))
    state = tuple(loop_vars) if is_sequence else (loop_vars,)
    state = tree.map_structure(_leaf, state)
    steps = 0
    while maximum_iterations is None or steps < int(maximum_iterations):
        if not builtins.bool(_scalar_value(cond(*state), "while_loop")):
            break
        new = body(*state)
        new = tuple(new) if isinstance(new, (list, tuple)) else (new,)
        if len(new) != len(state):
            raise OpInputError(
                "ops.while_loop: body returned a different number of loop variables.",
                expected=f"{len(state)} values",
                received=f"{len(new)} values",
            )
        state = tree.map_structure(_leaf, new)
        steps += 1
    return state if is_sequence else state[0]


def fori_loop(lower, upper, body_fun, init_val):
    lo = int(_scalar_value(lower, "fori_loop"))
    hi = int(_scalar_value(upper, "fori_loop"))
    val = init_val
    from tholos_backend_torch import devices

    for i in range(lo, hi):
        val = body_fun(torch.tensor(i, dtype=torch.int32, device=devices.CURRENT), val)
    return val


def _leading_size(xs, what):
    sizes = {int(leaf.shape[0]) for leaf in tree.flatten(xs) if leaf is not None}
    if len(sizes) != 1:
        raise OpInputError(
            f"ops.{what}: all inputs must have the same (non-empty) leading axis.",
            expected="one leading size",
            received=f"leading sizes {sorted(sizes)}",
        )
    return sizes.pop()


def _slice_tree(xs, i):
    return tree.map_structure(lambda a: None if a is None else a[i], xs)


def _stack_tree(ys_list):
    return tree.map_structure(
        lambda *leaves: (
            None if leaves[0] is None else torch.stack([convert_to_tensor(v) for v in leaves])
        ),
        *ys_list,
    )


def _empty_like_tree(ys):
    def empty(y):
        if y is None:
            return None
        y = convert_to_tensor(y)
        return torch.zeros((0, *y.shape), dtype=y.dtype, device=y.device)

    return tree.map_structure(empty, ys)


def _zero_slice_tree(xs):
    return tree.map_structure(
        lambda a: None if a is None else torch.zeros(a.shape[1:], dtype=a.dtype, device=a.device),
        xs,
    )


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    if xs is None:
        if length is None:
            raise OpInputError(
                "ops.scan: give `xs` or `length`.",
                expected="xs with a leading axis, or an int length",
                received="xs=None, length=None",
            )
        n = int(length)
    else:
        xs = tree.map_structure(_leaf, xs)
        n = _leading_size(xs, "scan")
        if length is not None and int(length) != n:
            raise OpInputError(
                "ops.scan: `length` disagrees with the leading axis of `xs`.",
                expected=f"length={n}",
                received=f"length={length}",
            )
    carry = init
    ys = [None] * n
    order = range(n - 1, -1, -1) if reverse else range(n)
    for i in order:
        x = None if xs is None else _slice_tree(xs, i)
        carry, ys[i] = f(carry, x)
    if n == 0:
        x = None if xs is None else _zero_slice_tree(xs)
        _, y = f(init, x)
        return carry, _empty_like_tree(y)
    return carry, _stack_tree(ys)


def associative_scan(f, elems, reverse=False, axis=0):
    elems = tree.map_structure(convert_to_tensor, elems)
    leaves = tree.flatten(elems)
    if not leaves:
        return elems
    nd = leaves[0].ndim
    ax = axis + nd if axis < 0 else axis
    if not 0 <= ax < builtins.max(nd, 1):
        raise OpInputError(
            "ops.associative_scan: axis out of range.",
            expected=f"-{nd} <= axis < {nd}",
            received=f"axis={axis}",
        )
    sizes = {int(leaf.shape[ax]) for leaf in leaves}
    if len(sizes) != 1:
        raise OpInputError(
            "ops.associative_scan: all elements need the same size along `axis`.",
            expected="one size",
            received=f"sizes {sorted(sizes)}",
        )
    n = sizes.pop()
    if reverse:
        leaves = [torch.flip(a, (ax,)) for a in leaves]
    shift = 1
    while shift < n:
        head = [a.narrow(ax, 0, shift) for a in leaves]
        left = tree.pack_sequence_as(elems, [a.narrow(ax, 0, n - shift) for a in leaves])
        right = tree.pack_sequence_as(elems, [a.narrow(ax, shift, n - shift) for a in leaves])
        combined = tree.flatten(f(left, right))
        leaves = [torch.cat([h, convert_to_tensor(c)], dim=ax) for h, c in zip(head, combined)]
        shift *= 2
    if reverse:
        leaves = [torch.flip(a, (ax,)) for a in leaves]
    return tree.pack_sequence_as(elems, leaves)


def map(f, xs):
    xs = tree.map_structure(_leaf, xs)
    n = _leading_size(xs, "map")
    if n == 0:
        return _empty_like_tree(f(_zero_slice_tree(xs)))
    return _stack_tree([f(_slice_tree(xs, i)) for i in range(n)])


def vectorized_map(function, elements):
    # A Python loop, not torch.vmap: tholos functions may call ops (item(), data-dependent
    # shapes) that vmap cannot batch; the loop is always correct.
    return map(function, elements)


# ----------------------------------------------------------------------------- scatter / slice


def _index_array(indices, what):
    idx = indices if isinstance(indices, Tensor) else to_tensor(indices)
    if idx.dtype not in INTS:
        raise OpInputError(
            f"ops.{what}: indices must be integers.",
            expected="an int tensor of shape (..., index_depth)",
            received=f"dtype {NAMES[idx.dtype]}",
        )
    if idx.ndim == 0:
        raise OpInputError(
            f"ops.{what}: indices need at least one axis.",
            expected="an int tensor of shape (..., index_depth)",
            received="a scalar",
        )
    return _convert.wide(idx)


def _check(idx, shape, values_shape, what, name):
    depth = idx.shape[-1]
    if depth > len(shape):
        raise OpInputError(
            f"ops.{what}: indices are deeper than the tensor's rank.",
            expected=f"indices.shape[-1] <= {len(shape)}",
            received=f"indices.shape={tuple(idx.shape)}",
        )
    if idx.numel():
        bounds = torch.tensor(shape[:depth], dtype=idx.dtype, device=idx.device)
        if builtins.bool(((idx < -bounds) | (idx >= bounds)).any()):
            raise OpInputError(
                f"ops.{what}: an index is out of bounds.",
                expected=f"every index row within shape {tuple(shape[:depth])}",
                received=f"indices from {int(idx.min())} to {int(idx.max())}",
            )
    expected = tuple(idx.shape[:-1]) + tuple(shape[depth:])
    if tuple(values_shape) != expected:
        raise OpInputError(
            f"ops.{what}: {name} has the wrong shape.",
            expected=f"indices.shape[:-1] + shape[index_depth:] = {expected}",
            received=f"{name}.shape={tuple(values_shape)}",
        )


def scatter(indices, values, shape):
    shape = tuple(int(d) for d in shape)
    idx = _index_array(indices, "scatter")
    values = convert_to_tensor(values)
    _check(idx, shape, values.shape, "scatter", "values")
    idx = idx.to(values.device)
    dt = values.dtype
    work = _convert.wide(values) if dt not in (torch.bool,) else values.to(torch.int64)
    out = torch.zeros(shape, dtype=work.dtype, device=values.device)
    out = out.index_put(tuple(idx.unbind(-1)), work, accumulate=True)
    return out if out.dtype is dt else _cast(out if dt is not torch.bool else out != 0, dt)


def scatter_update(inputs, indices, updates):
    inputs = convert_to_tensor(inputs)
    idx = _index_array(indices, "scatter_update")
    updates = _cast(convert_to_tensor(updates), inputs.dtype)
    _check(idx, tuple(inputs.shape), updates.shape, "scatter_update", "updates")
    idx = idx.to(inputs.device)
    if inputs.dtype in LIMITED:
        return (
            _convert.wide(inputs)
            .index_put(tuple(idx.unbind(-1)), _convert.wide(updates))
            .to(inputs.dtype)
        )
    return inputs.index_put(tuple(idx.unbind(-1)), updates.to(inputs.device))


def _starts(start_indices, rank, what):
    if isinstance(start_indices, (list, tuple)):
        starts = [int(_scalar_value(s, what)) for s in start_indices]
    else:
        starts = [int(v) for v in to_tensor(start_indices).reshape(-1).tolist()]
    if len(starts) != rank:
        raise OpInputError(
            f"ops.{what}: need one start index per axis.",
            expected=f"{rank} start indices",
            received=f"{len(starts)}",
        )
    return starts


def _region(starts, sizes, full, what):
    for axis, (s, n, d) in enumerate(zip(starts, sizes, full)):
        if s < 0 or n < 0 or s + n > d:
            raise OpInputError(
                f"ops.{what}: the slice does not fit in the tensor.",
                expected=f"0 <= start and start + size <= dim on every axis (tensor shape {full})",
                received=f"axis {axis}: start {s}, size {n}",
            )
    return tuple(builtins.slice(s, s + n) for s, n in zip(starts, sizes))


def slice(inputs, start_indices, shape):
    inputs = convert_to_tensor(inputs)
    full = tuple(inputs.shape)
    starts = _starts(start_indices, len(full), "slice")
    sizes = [int(_scalar_value(n, "slice")) for n in shape]
    if len(sizes) != len(full):
        raise OpInputError(
            "ops.slice: need one size per axis.",
            expected=f"{len(full)} sizes",
            received=f"{len(sizes)}",
        )
    sizes = [d - s if n == -1 else n for n, s, d in zip(sizes, starts, full)]
    return inputs[_region(starts, sizes, full, "slice")]


def slice_update(inputs, start_indices, updates):
    inputs = convert_to_tensor(inputs)
    full = tuple(inputs.shape)
    updates = _cast(convert_to_tensor(updates), inputs.dtype)
    if updates.ndim != len(full):
        raise OpInputError(
            "ops.slice_update: updates must have the rank of inputs.",
            expected=f"rank {len(full)}",
            received=f"updates.shape={tuple(updates.shape)}",
        )
    starts = _starts(start_indices, len(full), "slice_update")
    region = _region(starts, tuple(updates.shape), full, "slice_update")
    out = inputs.clone()
    out[region] = updates.to(out.device)
    return out


# ----------------------------------------------------------------------------- gradients


def stop_gradient(variable):
    if _convert._is_variable(variable):
        variable = variable.value
    return convert_to_tensor(variable).detach()


class _CustomGradient(torch.autograd.Function):
    @staticmethod
    def forward(ctx, f, kwargs, n_args, *args):
        y, grad_fn = f(*args, **kwargs)
        ctx.grad_fn = grad_fn
        ctx.arg_meta = [
            (a.shape, a.dtype, a.device) if isinstance(a, Tensor) else None for a in args
        ]
        return y

    @staticmethod
    def backward(ctx, *upstream):
        with torch.enable_grad():
            grads = ctx.grad_fn(*upstream)
        if not isinstance(grads, (list, tuple)):
            grads = (grads,)
        grads = list(grads)
        if len(grads) != len(ctx.arg_meta):
            raise OpInputError(
                "ops.custom_gradient: grad_fn returned the wrong number of gradients.",
                expected=f"one gradient per positional input ({len(ctx.arg_meta)})",
                received=f"{len(grads)}",
            )
        out = []
        for g, meta in zip(grads, ctx.arg_meta):
            if meta is None or g is None:
                out.append(None)
                continue
            shp, dt, dev = meta
            g = convert_to_tensor(g).to(device=dev)
            if not (dt.is_floating_point or dt.is_complex):
                out.append(None)
                continue
            g = g.to(dt)
            if tuple(g.shape) != tuple(shp):
                g = torch.broadcast_to(g, shp)
            out.append(g)
        return (None, None, None, *out)


def custom_gradient(f):
    def wrapped(*args, **kwargs):
        args = tuple(a.value if _convert._is_variable(a) else a for a in args)
        return _CustomGradient.apply(f, kwargs, len(args), *args)

    wrapped.__name__ = getattr(f, "__name__", "custom_gradient")
    wrapped.__doc__ = getattr(f, "__doc__", None)
    return wrapped


def unstack(x, num=None, axis=0):
    x = convert_to_tensor(x)
    nd = x.ndim
    if not -nd <= axis < nd:
        raise OpInputError(
            "ops.unstack: axis out of range.",
            expected=f"-{nd} <= axis < {nd}",
            received=f"axis={axis}",
        )
    n = x.shape[axis]
    if num is not None and int(num) != n:
        raise OpInputError(
            "ops.unstack: `num` disagrees with the size of the axis.",
            expected=f"num={n}",
            received=f"num={num}",
        )
    return list(torch.unbind(x, dim=axis))
