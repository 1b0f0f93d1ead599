"""Trainer hooks of the torch backend: eager autograd, optional ``torch.compile``, and the
optional hooks ``fused_update`` (``_foreach`` optimizer updates, ``_fused.py``) and
``to_device`` (batches to the device once, pinned on CUDA, ``_transfer.py``).

``compute_gradients`` runs the loss function once with autograd recording (the variables'
values are their ``torch.nn.Parameter`` objects, read directly) and differentiates it with
``torch.autograd.grad``. Assignments made during the forward pass (moving statistics, seed
generator state) are collected by a :class:`tholos.backend.StatelessScope` with no mapping and
applied, detached, after the backward pass, so no tensor the graph saved is modified in place
before backward runs.
"""

from __future__ import annotations

import os
import shutil
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import torch

from tholos import tree
from tholos_backend_torch._fused import fused_update
from tholos_backend_torch._transfer import to_device


def _detach(x):
    if isinstance(x, torch.Tensor):
        return x.detach()
    if isinstance(x, (list, tuple, dict)):
        return tree.map_structure(lambda v: v.detach() if isinstance(v, torch.Tensor) else v, x)
    return x


def compute_gradients(
    loss_fn: Callable[[], tuple[Any, Any]], variables: Sequence[Any]
) -> tuple[Any, Any, list[Any]]:
    """See :meth:`tholos.backend.contract.TrainerHooks.compute_gradients`."""
    from tholos.backend import StatelessScope

    variables = list(variables)
    with torch.enable_grad():
        with StatelessScope() as scope:
            loss, aux = loss_fn()
        targets = []
        positions = []
        for i, v in enumerate(variables):
            value = v._value
            if value.requires_grad:
                targets.append(value)
                positions.append(i)
        raw = [None] * len(targets)
        if targets and isinstance(loss, torch.Tensor) and loss.requires_grad:
            raw = torch.autograd.grad(loss, targets, allow_unused=True)
    grads: list[Any] = [None] * len(variables)
    for i, g in zip(positions, raw):
        grads[i] = g
    for i, v in enumerate(variables):
        g = grads[i]
        value = v._value
        if g is None:
            grads[i] = torch.zeros_like(value, memory_format=torch.preserve_format).detach()
        elif g.dtype is not value.dtype:
            grads[i] = g.to(value.dtype)
    for variable, value in scope.updates.items():
        variable.assign(_detach(value))
    if not isinstance(loss, torch.Tensor):
        from tholos_backend_torch._convert import to_tensor

        loss = to_tensor(loss)
    return loss.detach(), _detach(aux), grads


class _CompiledStep:
    """``torch.compile(step_fn)`` that falls back to eager, once and loudly, if it fails."""

    def __init__(self, step_fn, kind):
        self.step_fn = step_fn
        self.kind = kind
        self.compiled = torch.compile(step_fn)
        self.failed = False

    def __call__(self, data):
        if self.failed:
            return self.step_fn(data)
        try:
            return self.compiled(data)
        except Exception as err:  # dynamo/inductor failure: the step itself is fine eagerly
            self.failed = True
            warnings.warn(
                f"torch.compile could not compile the {self.kind} step "
                f"({type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}); "
                "running it eagerly from now on. Pass jit_compile=False to silence this.",
                stacklevel=2,
            )
            return self.step_fn(data)


def compile_step(step_fn: Callable[[Any], Any], *, kind: str, jit_compile: bool, model: Any):
    """Eager ``step_fn`` unchanged, or wrapped in ``torch.compile`` when ``jit_compile``."""
    del model
    if not jit_compile or not supports_jit():
        return step_fn
    return _CompiledStep(step_fn, kind)


_SUPPORTS: bool | None = None

JIT_BY_DEFAULT = False
"""``jit_compile="auto"`` runs eagerly (as native PyTorch does); ``True`` uses torch.compile."""


def supports_jit() -> bool:
    """Whether ``torch.compile`` can run here: dynamo is supported on this Python and a C++
    compiler (CPU) is available. ``THOLOS_TORCH_COMPILE=0`` turns it off."""
    global _SUPPORTS
    if os.environ.get("THOLOS_TORCH_COMPILE", "").strip() in ("0", "false", "False"):
        return False
    if _SUPPORTS is None:
        try:
            import torch._dynamo

            ok = bool(torch._dynamo.is_dynamo_supported())
        except Exception:
            ok = False
        if ok:
            ok = any(shutil.which(c) for c in ("g++", "c++", "clang++"))
        _SUPPORTS = ok
    return _SUPPORTS


__all__ = ["compile_step", "compute_gradients", "fused_update", "supports_jit", "to_device"]
