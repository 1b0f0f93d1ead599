"""Fused optimizer updates: one ``torch._foreach_*`` kernel per arithmetic step for all
variables, instead of a dozen tholos ops per variable.

Core's ``Optimizer._backend_update_step`` calls :func:`fused_update` (the optional
``backend.trainer.fused_update`` hook) outside StatelessScopes. It handles ``Adam`` (also
``AdamW`` and ``amsgrad``) and ``SGD`` (plain, momentum, Nesterov) when the class keeps the
built-in ``update_step``; anything else returns ``False`` and runs the generic per-variable
``update_step``. Each fused step performs the same float operations, in the same order and
precision, as the generic ``update_step`` (the scalar factors are even computed with the same
tholos ops), so both paths give the same numbers.

``THOLOS_TORCH_FUSED=0`` (read at import) or ``FUSED = False`` turns the fused path off.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import torch

FUSED = os.environ.get("THOLOS_TORCH_FUSED", "").strip() not in ("0", "false", "False")

_KIND_CACHE: dict[type, str | None] = {}


def _kind(optimizer: Any) -> str | None:
    cls = type(optimizer)
    kind = _KIND_CACHE.get(cls, "?")
    if kind == "?":
        from tholos.optimizers.adam import Adam
        from tholos.optimizers.sgd import SGD

        update = getattr(cls, "update_step", None)
        kind = None
        if update is Adam.update_step:
            kind = "adam"
        elif update is SGD.update_step:
            kind = "sgd"
        _KIND_CACHE[cls] = kind
    return kind


def _groups(grads: Sequence[Any], variables: Sequence[Any]) -> dict | None:
    """``{(device, dtype): ([index], [value], [grad])}``, or ``None`` if not fusable."""
    from tholos_backend_torch._convert import FLOATS, to_tensor

    groups: dict[tuple, tuple[list, list, list]] = {}
    for i, (g, v) in enumerate(zip(grads, variables)):
        value = getattr(v, "_value", None)
        if not isinstance(value, torch.Tensor) or value.dtype not in FLOATS:
            return None
        if not isinstance(g, torch.Tensor):
            g = to_tensor(g, value.dtype, value.device)
        elif g.dtype is not value.dtype:
            g = g.to(value.dtype)
        if g.shape != value.shape:
            return None
        key = (value.device, value.dtype)
        group = groups.get(key)
        if group is None:
            group = groups[key] = ([], [], [])
        group[0].append(i)
        group[1].append(value)
        group[2].append(g.detach())
    return groups


def _scalar(x: Any, device: torch.device) -> torch.Tensor:
    """A 0-d tensor of the group's device (values from tholos ops may sit elsewhere)."""
    return x if x.device == device else x.to(device)


def _slots(slots: Sequence[Any], indices: list[int], optimizer: Any, variables) -> list | None:
    out = []
    for i in indices:
        slot = slots[optimizer._get_variable_index(variables[i])]
        if slot is None:
            return None
        out.append(slot._value)
    return out


def _adam(optimizer: Any, groups: dict, variables: Sequence[Any], learning_rate: Any) -> bool:
    from tholos import ops

    plans = []
    for (device, dtype), (indices, values, grads) in groups.items():
        m = _slots(optimizer._momentums, indices, optimizer, variables)
        v = _slots(optimizer._velocities, indices, optimizer, variables)
        vhat = (
            _slots(optimizer._velocity_hats, indices, optimizer, variables)
            if optimizer.amsgrad
            else None
        )
        if m is None or v is None or (optimizer.amsgrad and vhat is None):
            return False
        plans.append((device, dtype, values, grads, m, v, vhat, variables[indices[0]].dtype))
    for device, _, values, grads, m, v, vhat, name in plans:
        # the scalars exactly as Adam.update_step computes them
        lr = ops.cast(learning_rate, name)
        t = ops.cast(optimizer._update_count() + 1, name)
        b1_power = ops.power(ops.cast(optimizer.beta_1, name), t)
        b2_power = ops.power(ops.cast(optimizer.beta_2, name), t)
        alpha = _scalar(lr * ops.sqrt(1.0 - b2_power) / (1.0 - b1_power), device)
        with torch.no_grad():
            delta = torch._foreach_sub(grads, m)  # m += (g - m) * (1 - beta_1)
            torch._foreach_mul_(delta, 1.0 - optimizer.beta_1)
            torch._foreach_add_(m, delta)
            delta = torch._foreach_mul(grads, grads)  # v += (g^2 - v) * (1 - beta_2)
            torch._foreach_sub_(delta, v)
            torch._foreach_mul_(delta, 1.0 - optimizer.beta_2)
            torch._foreach_add_(v, delta)
            used = v
            if vhat is not None:
                torch._foreach_maximum_(vhat, v)
                used = vhat
            step = torch._foreach_mul(m, alpha)  # w -= m * alpha / (sqrt(v) + epsilon)
            denom = torch._foreach_sqrt(used)
            torch._foreach_add_(denom, optimizer.epsilon)
            torch._foreach_div_(step, denom)
            torch._foreach_sub_(values, step)
    return True


def _sgd(optimizer: Any, groups: dict, variables: Sequence[Any], learning_rate: Any) -> bool:
    from tholos import ops

    plans = []
    for (device, _), (indices, values, grads) in groups.items():
        m = None
        if optimizer.momentum != 0:
            m = _slots(optimizer.momentums, indices, optimizer, variables)
            if m is None:
                return False
        plans.append((device, values, grads, m, variables[indices[0]].dtype))
    for device, values, grads, m, name in plans:
        lr = _scalar(ops.cast(learning_rate, name), device)
        with torch.no_grad():
            scaled = torch._foreach_mul(grads, lr)  # g * lr
            if m is None:
                torch._foreach_sub_(values, scaled)  # w -= g * lr
                continue
            momentum = _scalar(ops.cast(optimizer.momentum, name), device)
            torch._foreach_mul_(m, momentum)  # m = m * momentum - g * lr
            torch._foreach_sub_(m, scaled)
            if optimizer.nesterov:  # w += m * momentum - g * lr
                step = torch._foreach_mul(m, momentum)
                torch._foreach_sub_(step, scaled)
                torch._foreach_add_(values, step)
            else:  # w += m
                torch._foreach_add_(values, m)
    return True


def fused_update(
    optimizer: Any, grads: Sequence[Any], variables: Sequence[Any], learning_rate: Any
) -> bool:
    """Apply ``optimizer``'s update rule to every variable with ``_foreach`` kernels.

    Returns ``True`` when done, ``False`` (nothing changed) when the optimizer or the
    variables are not supported: the caller then runs the generic ``update_step`` loop.
    """
    if not FUSED or not variables:
        return False
    kind = _kind(optimizer)
    if kind is None:
        return False
    groups = _groups(grads, variables)
    if groups is None:
        return False
    if kind == "adam":
        return _adam(optimizer, groups, variables, learning_rate)
    return _sgd(optimizer, groups, variables, learning_rate)


__all__ = ["FUSED", "fused_update"]
