"""Ops computed by the NumPy reference backend, bridged into torch (with gradients).

A handful of ops (CTC beam decoding, image resizing and warps) have no torch kernel of their
own yet. :func:`bridge` runs the reference implementation on
host copies of the inputs and returns torch tensors on the inputs' device. When an input
requires grad, the call is a ``torch.autograd.Function`` whose backward is the reference's own
autograd VJP, so these ops train like any other (on the host, and opaque to torch.compile,
which graph-breaks around them).

bfloat16 inputs are widened to float32 for the host computation (NumPy has no bfloat16) and
float32 results are rounded back to bfloat16.

Which ops go through here is listed in :data:`tholos_backend_torch._backend.BRIDGED`.
"""

from __future__ import annotations

import functools
import importlib

import numpy as np
import torch

from tholos_backend_torch import _convert
from tholos_backend_torch import devices as _devices

_FAMILY_MODULES = {
    "core": "core_ops",
    "numpy": "numpy_ops",
    "nn": "nn_ops",
    "linalg": "linalg_ops",
    "math": "math_ops",
    "image": "image_ops",
    "random": "random_ops",
}


def _reference_fn(family: str, op: str):
    module = importlib.import_module(f"tholos_backend_numpy.{_FAMILY_MODULES[family]}")
    return getattr(module, op)


def _map(fn, tree):
    if isinstance(tree, (list, tuple)):
        mapped = [_map(fn, t) for t in tree]
        return type(tree)(mapped) if not hasattr(tree, "_fields") else type(tree)(*mapped)
    if isinstance(tree, dict):
        return {k: _map(fn, v) for k, v in tree.items()}
    return fn(tree)


def _leaves(tree, out):
    if isinstance(tree, (list, tuple)):
        for t in tree:
            _leaves(t, out)
    elif isinstance(tree, dict):
        for t in tree.values():
            _leaves(t, out)
    else:
        out.append(tree)
    return out


class _State:
    __slots__ = ("bf16", "device")

    def __init__(self):
        self.bf16 = False
        self.device = None


def _host(x, state):
    if _convert._is_variable(x):
        x = x.value
    if isinstance(x, torch.Tensor):
        if state.device is None:
            state.device = x.device
        x = x.detach()
        if x.dtype is torch.bfloat16:
            state.bf16 = True
            x = x.to(torch.float32)
        return _convert.to_numpy(x)
    return x


def _back(x, state):
    if isinstance(x, np.ndarray) or isinstance(x, np.generic):
        arr = np.asarray(x)
        if arr.dtype.kind not in "biufc":
            return x
        # np.ascontiguousarray would turn a 0-d array into shape (1,).
        arr = np.ascontiguousarray(arr) if arr.ndim else np.array(arr)
        t = _convert._from_numpy(arr, None, state.device or _devices.CURRENT)
        if state.bf16 and t.dtype is torch.float32:
            t = t.to(torch.bfloat16)
        return t
    return x


class _Bridge(torch.autograd.Function):
    @staticmethod
    def forward(ctx, run, *tensors):
        outs, vjp, meta = run(tensors)
        ctx.vjp = vjp
        ctx.meta = meta
        ctx.inputs = [(t.dtype, t.device, t.shape) for t in tensors]
        return tuple(outs)

    @staticmethod
    def backward(ctx, *grads):
        cotangents = []
        for g, (dtype, shape) in zip(grads, ctx.meta):
            if g is None:
                cotangents.append(np.zeros(shape, dtype))
            else:
                g = g.detach()
                if g.dtype is torch.bfloat16:
                    g = g.to(torch.float32)
                cotangents.append(np.asarray(_convert.to_numpy(g), dtype=dtype))
        raw = ctx.vjp(tuple(cotangents))
        out = [None]
        for g, (dtype, device, shape) in zip(raw, ctx.inputs):
            g = np.asarray(g)
            if g.shape != tuple(shape):
                g = np.broadcast_to(g, tuple(shape))
            g = np.ascontiguousarray(g) if g.ndim else np.array(g)
            t = torch.from_numpy(g).to(device=device, dtype=dtype)
            out.append(t)
        return tuple(out)


def bridge(family: str, op: str):
    """A torch function computing ``family.op`` with the reference backend."""
    ref = _reference_fn(family, op)

    @functools.wraps(ref)
    def run(*args, **kwargs):
        state = _State()
        diff = []
        if torch.is_grad_enabled():
            for leaf in _leaves((args, kwargs), []):
                if _convert._is_variable(leaf):
                    leaf = leaf.value
                if (
                    isinstance(leaf, torch.Tensor)
                    and leaf.requires_grad
                    and leaf.dtype in _convert.INEXACT
                ):
                    diff.append(leaf)
        if not diff:
            host_args = _map(lambda x: _host(x, state), (args, kwargs))
            result = ref(*host_args[0], **host_args[1])
            return _map(lambda x: _back(x, state), result)
        return _differentiable_call(ref, args, kwargs, diff, state)

    run.__tholos_bridged__ = True
    return run


def _differentiable_call(ref, args, kwargs, diff, state):
    from autograd import make_vjp
    from autograd.builtins import list as ag_list
    from autograd.builtins import tuple as ag_tuple

    diff_ids = {id(t): i for i, t in enumerate(diff)}
    structure = {}

    def run(tensors):
        host_diff = [_host(t, state) for t in tensors]

        def fn(values):
            def place(x):
                key = id(x.value) if _convert._is_variable(x) else id(x)
                if key in diff_ids:
                    return values[diff_ids[key]]
                return _host(x, state)

            a, k = _map(place, (args, kwargs))
            result = ref(*a, **k)
            leaves = _leaves(result, [])
            structure["result"] = result
            structure["n"] = len(leaves)
            return ag_tuple(leaves)

        vjp, outs = make_vjp(fn)(ag_list(host_diff))
        outs = [np.asarray(o) for o in outs]
        meta = [(o.dtype, o.shape) for o in outs]
        torch_outs = [_back(o, state) for o in outs]

        def vjp_fn(cotangents):
            return vjp(ag_tuple(cotangents))

        return torch_outs, vjp_fn, meta

    outs = _Bridge.apply(run, *diff)
    # Non-float outputs (indices, counts) come back detached from the graph, as in torch.
    it = iter(outs)
    from autograd.tracer import getval

    return _map(lambda _: next(it), _map(getval, structure["result"]))
