"""Learning rate schedules against their formulas, evaluated at several steps."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tholos import ops
from tholos.errors import OpInputError
from tholos.optimizers import schedules

STEPS = [0, 1, 5, 10, 17, 25, 40, 100]


def at(schedule, step):
    return float(np.asarray(ops.convert_to_numpy(schedule(step))))


def check(schedule, formula, rtol=1e-6):
    for step in STEPS:
        assert at(schedule, step) == pytest.approx(formula(step), rel=rtol, abs=1e-9), step
    # integer tensors work as steps too (the optimizer passes its iteration counter)
    step = ops.convert_to_tensor(7, dtype="int64")
    assert at(schedule, step) == pytest.approx(formula(7), rel=rtol, abs=1e-9)


def test_exponential_decay():
    check(schedules.ExponentialDecay(0.1, 10, 0.9), lambda s: 0.1 * 0.9 ** (s / 10))
    check(
        schedules.ExponentialDecay(0.1, 10, 0.9, staircase=True), lambda s: 0.1 * 0.9 ** (s // 10)
    )


def test_piecewise_constant_decay():
    sched = schedules.PiecewiseConstantDecay([10, 25], [1.0, 0.5, 0.1])
    check(sched, lambda s: 1.0 if s <= 10 else (0.5 if s <= 25 else 0.1))
    with pytest.raises(OpInputError):
        schedules.PiecewiseConstantDecay([10, 20], [1.0, 0.5])


def test_polynomial_decay():
    def poly(s, init=0.1, steps=30, end=0.01, power=2.0, cycle=False):
        if cycle:
            steps = steps * max(1, math.ceil(s / steps))
        else:
            s = min(s, steps)
        return (init - end) * (1 - s / steps) ** power + end

    check(schedules.PolynomialDecay(0.1, 30, 0.01, power=2.0), poly)
    check(
        schedules.PolynomialDecay(0.1, 30, 0.01, power=2.0, cycle=True),
        lambda s: poly(s, cycle=True),
    )
    check(schedules.PolynomialDecay(0.1, 30), lambda s: poly(s, end=0.0001, power=1.0))


def test_inverse_time_decay():
    check(schedules.InverseTimeDecay(0.1, 10, 0.5), lambda s: 0.1 / (1 + 0.5 * s / 10))
    check(
        schedules.InverseTimeDecay(0.1, 10, 0.5, staircase=True),
        lambda s: 0.1 / (1 + 0.5 * (s // 10)),
    )


def test_cosine_decay_and_warmup():
    def cos(s, init=0.1, steps=40, alpha=0.1):
        s = min(s, steps)
        return init * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * s / steps)) + alpha)

    check(schedules.CosineDecay(0.1, 40, alpha=0.1), cos)

    def warm(s, init=0.0, target=0.2, warmup=10, steps=40):
        s = min(s, steps + warmup)
        if s < warmup:
            return init + (target - init) * s / warmup
        return cos(s - warmup, init=target, steps=steps, alpha=0.0)

    check(schedules.CosineDecay(0.0, 40, warmup_target=0.2, warmup_steps=10), warm)


def test_cosine_decay_restarts():
    def sgdr(s, init=0.1, first=10, t_mul=2.0, m_mul=0.5, alpha=0.05):
        period, start, i = first, 0, 0
        while s >= start + period:
            start += period
            period *= t_mul
            i += 1
        frac = (s - start) / period
        return init * ((1 - alpha) * 0.5 * m_mul**i * (1 + math.cos(math.pi * frac)) + alpha)

    check(schedules.CosineDecayRestarts(0.1, 10, t_mul=2.0, m_mul=0.5, alpha=0.05), sgdr, rtol=1e-5)
    check(
        schedules.CosineDecayRestarts(0.1, 10, t_mul=1.0, m_mul=0.8),
        lambda s: sgdr(s, t_mul=1.0, m_mul=0.8, alpha=0.0),
        rtol=1e-5,
    )


@pytest.mark.parametrize(
    "sched",
    [
        schedules.ExponentialDecay(0.1, 10, 0.9, staircase=True, name="e"),
        schedules.PiecewiseConstantDecay([10, 25], [1.0, 0.5, 0.1]),
        schedules.PolynomialDecay(0.1, 30, 0.01, power=2.0, cycle=True),
        schedules.InverseTimeDecay(0.1, 10, 0.5),
        schedules.CosineDecay(0.0, 40, alpha=0.1, warmup_target=0.2, warmup_steps=10),
        schedules.CosineDecayRestarts(0.1, 10, t_mul=3.0, m_mul=0.5, alpha=0.05),
    ],
)
def test_config_round_trip(sched):
    cfg = sched.get_config()
    clone = type(sched).from_config(cfg)
    assert clone.get_config() == cfg
    restored = schedules.deserialize(schedules.serialize(sched))
    assert type(restored) is type(sched) and restored.get_config() == cfg
    assert at(restored, 13) == at(sched, 13)


def test_result_dtype_and_validation():
    out = schedules.ExponentialDecay(0.1, 10, 0.9)(3)
    assert str(out.dtype) == "float32"
    out = schedules.ExponentialDecay(np.float64(0.1), 10, 0.9)(3)
    assert str(out.dtype) == "float64"
    with pytest.raises(OpInputError):
        schedules.CosineDecay(0.1, 0)
