"""Learning rate schedules: callables ``schedule(step) -> learning rate``.

Every schedule is written with :mod:`tholos.ops` so ``step`` may be a Python number, a tensor
or a traced value; results have the dtype of ``initial_learning_rate`` (``floatx()`` for
Python floats).

>>> import numpy as np
>>> s = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
>>> round(float(s(20)), 6)
0.025
"""

from __future__ import annotations

import math
from typing import Any

from tholos import ops
from tholos.errors import OpInputError
from tholos.losses._utils import dtype_of
from tholos.saving.serialization import register_builtin

_MODULE = "tholos.optimizers.schedules"


def _lr_tensor(value: Any) -> Any:
    t = ops.convert_to_tensor(value)
    if dtype_of(t) not in ("float16", "bfloat16", "float32", "float64"):
        from tholos.backend.dtypes import floatx

        t = ops.cast(t, floatx())
    return t


def _check_positive(name: str, cls: str, value: Any) -> None:
    if value <= 0:
        raise OpInputError(
            f"{cls}: `{name}` must be > 0.", expected=f"{name} > 0", received=repr(value)
        )


@register_builtin(_MODULE)
class LearningRateSchedule:
    """Base class: subclasses implement ``__call__(step)`` and ``get_config()``."""

    def __call__(self, step: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(step).")

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError(f"{type(self).__name__} must implement get_config().")

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LearningRateSchedule:
        return cls(**config)


@register_builtin(_MODULE)
class ExponentialDecay(LearningRateSchedule):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)`` (the exponent is
    floored when ``staircase``)."""

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str = "ExponentialDecay",
    ) -> None:
        _check_positive("decay_steps", type(self).__name__, decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step: Any) -> Any:
        lr = _lr_tensor(self.initial_learning_rate)
        dt = dtype_of(lr)
        p = ops.cast(step, dt) / ops.cast(self.decay_steps, dt)
        if self.staircase:
            p = ops.floor(p)
        return lr * ops.power(ops.cast(self.decay_rate, dt), p)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


@register_builtin(_MODULE)
class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` while
    ``boundaries[i-1] < step <= boundaries[i]``, ``values[-1]`` after the last boundary."""

    def __init__(self, boundaries: list, values: list, name: str = "PiecewiseConstant") -> None:
        if len(boundaries) != len(values) - 1:
            raise OpInputError(
                "PiecewiseConstantDecay: need exactly one more value than boundaries.",
                expected=f"len(values) == len(boundaries) + 1 = {len(boundaries) + 1}",
                received=f"{len(values)} values, {len(boundaries)} boundaries",
            )
        self.boundaries = list(boundaries)
        self.values = list(values)
        self.name = name

    def __call__(self, step: Any) -> Any:
        step = ops.convert_to_tensor(step)
        values = [_lr_tensor(v) for v in self.values]
        result = values[0]
        for boundary, value in zip(self.boundaries, values[1:]):
            # Boundaries are compared in the step's dtype.
            above = ops.greater(step, ops.cast(boundary, dtype_of(step)))
            result = ops.where(above, value, result)
        return result

    def get_config(self) -> dict[str, Any]:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


@register_builtin(_MODULE)
class PolynomialDecay(LearningRateSchedule):
    """``(initial - end) * (1 - step / decay_steps) ** power + end``; the step is capped at
    ``decay_steps``, or with ``cycle`` ``decay_steps`` grows to the next multiple above it."""

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        end_learning_rate: float = 0.0001,
        power: float = 1.0,
        cycle: bool = False,
        name: str = "PolynomialDecay",
    ) -> None:
        _check_positive("decay_steps", type(self).__name__, decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step: Any) -> Any:
        lr = _lr_tensor(self.initial_learning_rate)
        dt = dtype_of(lr)
        end = ops.cast(self.end_learning_rate, dt)
        power = ops.cast(self.power, dt)
        step = ops.cast(step, dt)
        decay_steps = ops.cast(self.decay_steps, dt)
        if self.cycle:
            multiplier = ops.where(
                ops.equal(step, 0), ops.ones_like(step), ops.ceil(step / decay_steps)
            )
            decay_steps = decay_steps * multiplier
        else:
            step = ops.minimum(step, decay_steps)
        p = step / decay_steps
        return (lr - end) * ops.power(1.0 - p, power) + end

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


@register_builtin(_MODULE)
class InverseTimeDecay(LearningRateSchedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)`` (the ratio floored
    when ``staircase``)."""

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str = "InverseTimeDecay",
    ) -> None:
        _check_positive("decay_steps", type(self).__name__, decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step: Any) -> Any:
        lr = _lr_tensor(self.initial_learning_rate)
        dt = dtype_of(lr)
        p = ops.cast(step, dt) / ops.cast(self.decay_steps, dt)
        if self.staircase:
            p = ops.floor(p)
        return lr / (1.0 + ops.cast(self.decay_rate, dt) * p)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


@register_builtin(_MODULE)
class CosineDecay(LearningRateSchedule):
    """Cosine decay from the start rate to ``alpha * start`` over ``decay_steps`` (SGDR
    without restarts), optionally after a linear warmup.

    Without ``warmup_target``: ``lr * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps))
    + alpha)`` with ``s = min(step, decay_steps)``. With it: linear from
    ``initial_learning_rate`` to ``warmup_target`` over ``warmup_steps``, then cosine decay of
    ``warmup_target`` over the next ``decay_steps``.
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        alpha: float = 0.0,
        name: str = "CosineDecay",
        warmup_target: float | None = None,
        warmup_steps: int = 0,
    ) -> None:
        _check_positive("decay_steps", type(self).__name__, decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def _decay(self, step: Any, decay_steps: Any, from_lr: Any) -> Any:
        fraction = step / decay_steps
        cosine = 0.5 * (1.0 + ops.cos(math.pi * fraction))
        return from_lr * ((1.0 - self.alpha) * cosine + self.alpha)

    def __call__(self, step: Any) -> Any:
        lr = _lr_tensor(self.initial_learning_rate)
        dt = dtype_of(lr)
        decay_steps = ops.cast(self.decay_steps, dt)
        step = ops.cast(step, dt)
        if self.warmup_target is None:
            return self._decay(ops.minimum(step, decay_steps), decay_steps, lr)
        target = ops.cast(self.warmup_target, dt)
        warmup_steps = ops.cast(self.warmup_steps, dt)
        step = ops.minimum(step, decay_steps + warmup_steps)
        safe_warmup = ops.maximum(warmup_steps, 1.0)
        warming = (target - lr) * (step / safe_warmup) + lr
        decaying = self._decay(step - warmup_steps, decay_steps, target)
        return ops.where(step < warmup_steps, warming, decaying)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


@register_builtin(_MODULE)
class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR, Loshchilov & Hutter): period ``i`` lasts
    ``first_decay_steps * t_mul ** i`` steps and starts from ``initial * m_mul ** i``."""

    def __init__(
        self,
        initial_learning_rate: float,
        first_decay_steps: int,
        t_mul: float = 2.0,
        m_mul: float = 1.0,
        alpha: float = 0.0,
        name: str = "SGDRDecay",
    ) -> None:
        _check_positive("first_decay_steps", type(self).__name__, first_decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step: Any) -> Any:
        lr = _lr_tensor(self.initial_learning_rate)
        dt = dtype_of(lr)
        fraction = ops.cast(step, dt) / ops.cast(self.first_decay_steps, dt)
        t_mul = float(self._t_mul)
        if t_mul == 1.0:
            restart = ops.floor(fraction)
            fraction = fraction - restart
        else:
            # Number of completed periods: the largest i with (t_mul^i - 1) / (t_mul - 1) <= f.
            restart = ops.floor(ops.log(1.0 - fraction * (1.0 - t_mul)) / math.log(t_mul))
            done = (1.0 - ops.power(t_mul, restart)) / (1.0 - t_mul)
            fraction = (fraction - done) / ops.power(t_mul, restart)
        m_factor = ops.power(ops.cast(self._m_mul, dt), restart)
        cosine = 0.5 * m_factor * (1.0 + ops.cos(math.pi * fraction))
        return lr * ((1.0 - self.alpha) * cosine + self.alpha)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }
