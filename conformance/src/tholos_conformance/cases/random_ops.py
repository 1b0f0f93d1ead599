"""Random ops: checked through their samples (shape, dtype, support, moments, seeding), never
value by value against the reference (every backend has its own generator)."""

from __future__ import annotations

import math

import numpy as np

from tholos_conformance.cases._registry import RandomCase, random_case

N = 20000
N_SLOW = 1500  # rejection samplers (gamma, beta, binomial) are slow on the reference


def _r():
    import tholos.random

    return tholos.random


def _trunc_normal_var() -> float:
    phi2 = math.exp(-2.0) / math.sqrt(2 * math.pi)
    mass = math.erf(2 / math.sqrt(2))
    return 1 - 4 * phi2 / mass


def _permutation_of(original: np.ndarray):
    def check(values: np.ndarray) -> None:
        assert sorted(values.ravel().tolist()) == sorted(original.ravel().tolist()), (
            "shuffle must return a permutation of its input"
        )
        assert not np.array_equal(values, original), "shuffle returned its input unchanged"

    return check


def _dropout_values(rate: float, value: float):
    kept = value / (1 - rate)

    def check(values: np.ndarray) -> None:
        ok = np.isclose(values, 0.0) | np.isclose(values, kept, rtol=1e-6)
        assert ok.all(), f"dropout values must be 0 or x / (1 - rate) = {kept}"

    return check


def _cases() -> None:
    for dtype in ("float32", "float64", "float16", "bfloat16"):
        random_case(
            RandomCase(
                "random.normal",
                f"{dtype}",
                lambda s, d=dtype: _r().normal((N,), mean=1.0, stddev=2.0, dtype=d, seed=s),
                (N,),
                dtype,
                mean=1.0,
                var=4.0,
                dtypes=(dtype,),
            )
        )
        random_case(
            RandomCase(
                "random.uniform",
                f"{dtype}",
                lambda s, d=dtype: _r().uniform((N,), minval=-1.0, maxval=3.0, dtype=d, seed=s),
                (N,),
                dtype,
                mean=1.0,
                var=16 / 12,
                support=(-1.0, 3.0),
                dtypes=(dtype,),
            )
        )
    random_case(
        RandomCase(
            "random.normal",
            "2d-default",
            lambda s: _r().normal((100, 200), seed=s),
            (100, 200),
            "float32",
            mean=0.0,
            var=1.0,
        )
    )
    random_case(
        RandomCase(
            "random.normal", "empty", lambda s: _r().normal((0, 3), seed=s), (0, 3), "float32"
        )
    )
    random_case(
        RandomCase(
            "random.truncated_normal",
            "float32",
            lambda s: _r().truncated_normal((N,), seed=s),
            (N,),
            "float32",
            mean=0.0,
            var=_trunc_normal_var(),
            support=(-2.0, 2.0),
        )
    )
    random_case(
        RandomCase(
            "random.truncated_normal",
            "float64-scaled",
            lambda s: _r().truncated_normal((N,), mean=3.0, stddev=0.5, dtype="float64", seed=s),
            (N,),
            "float64",
            mean=3.0,
            var=0.25 * _trunc_normal_var(),
            support=(2.0, 4.0),
        )
    )
    for dtype in ("int32", "int64", "uint8"):
        random_case(
            RandomCase(
                "random.randint",
                dtype,
                lambda s, d=dtype: _r().randint((N,), 0, 10, dtype=d, seed=s),
                (N,),
                dtype,
                mean=4.5,
                var=99 / 12,
                support=(0, 9),
                dtypes=(dtype,),
            )
        )
    random_case(
        RandomCase(
            "random.randint",
            "negative",
            lambda s: _r().randint((N,), -5, 3, seed=s),
            (N,),
            "int32",
            mean=-1.5,
            var=63 / 12,
            support=(-5, 2),
        )
    )
    logits = np.log(np.array([[0.2, 0.5, 0.3], [0.7, 0.1, 0.2]], "float32"))

    def categorical_check(values: np.ndarray) -> None:
        probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
        for row in range(2):
            freq = np.bincount(values[row], minlength=3) / values.shape[1]
            se = np.sqrt(probs[row] * (1 - probs[row]) / values.shape[1])
            assert np.all(np.abs(freq - probs[row]) <= 6 * se), (
                f"categorical row {row}: frequencies {freq} vs probabilities {probs[row]}"
            )

    random_case(
        RandomCase(
            "random.categorical",
            "int32",
            lambda s: _r().categorical(logits, N_SLOW, seed=s),
            (2, N_SLOW),
            "int32",
            support=(0, 2),
            check=categorical_check,
        )
    )
    random_case(
        RandomCase(
            "random.categorical",
            "int64",
            lambda s: _r().categorical(logits, 100, dtype="int64", seed=s),
            (2, 100),
            "int64",
            support=(0, 2),
        )
    )
    x = np.full((N,), 2.0, "float32")
    random_case(
        RandomCase(
            "random.dropout",
            "rate0.3",
            lambda s: _r().dropout(x, 0.3, seed=s),
            (N,),
            "float32",
            mean=2.0,
            var=4 * 0.3 / 0.7,
            check=_dropout_values(0.3, 2.0),
        )
    )
    x2 = np.full((50, 40), 1.0, "float32")

    def noise_shape_check(values: np.ndarray) -> None:
        assert np.all((values == values[:1]) | False), "noise_shape (1, 40): rows share a mask"

    random_case(
        RandomCase(
            "random.dropout",
            "noise-shape",
            lambda s: _r().dropout(x2, 0.5, noise_shape=(1, 40), seed=s),
            (50, 40),
            "float32",
            check=noise_shape_check,
        )
    )
    random_case(
        RandomCase(
            "random.dropout",
            "rate0",
            lambda s: _r().dropout(x, 0.0, seed=s),
            (N,),
            "float32",
            mean=2.0,
            var=0.0,
        )
    )
    original = np.arange(60, dtype="float32").reshape(20, 3)
    random_case(
        RandomCase(
            "random.shuffle",
            "axis0",
            lambda s: _r().shuffle(original, seed=s),
            (20, 3),
            "float32",
            check=_permutation_of(original),
        )
    )
    random_case(
        RandomCase(
            "random.shuffle",
            "axis1",
            lambda s: _r().shuffle(original.T.copy(), axis=1, seed=s),
            (3, 20),
            "float32",
            check=_permutation_of(original.T.copy()),
        )
    )
    for alpha in (0.5, 3.0):
        random_case(
            RandomCase(
                "random.gamma",
                f"alpha{alpha}",
                lambda s, a=alpha: _r().gamma((N_SLOW,), a, seed=s),
                (N_SLOW,),
                "float32",
                mean=alpha,
                var=alpha,
                support=(0.0, np.inf),
            )
        )
    a, b = 2.0, 5.0
    random_case(
        RandomCase(
            "random.beta",
            "2-5",
            lambda s: _r().beta((N_SLOW,), a, b, seed=s),
            (N_SLOW,),
            "float32",
            mean=a / (a + b),
            var=a * b / ((a + b) ** 2 * (a + b + 1)),
            support=(0.0, 1.0),
        )
    )
    random_case(
        RandomCase(
            "random.beta",
            "float64",
            lambda s: _r().beta((N_SLOW,), 0.5, 0.5, dtype="float64", seed=s),
            (N_SLOW,),
            "float64",
            mean=0.5,
            var=0.125,
            support=(0.0, 1.0),
        )
    )
    random_case(
        RandomCase(
            "random.binomial",
            "10-0.3",
            lambda s: _r().binomial((N_SLOW,), 10, 0.3, seed=s),
            (N_SLOW,),
            "float32",
            mean=3.0,
            var=2.1,
            support=(0, 10),
        )
    )
    random_case(
        RandomCase(
            "random.binomial",
            "float64",
            lambda s: _r().binomial((N_SLOW,), 4, 0.5, dtype="float64", seed=s),
            (N_SLOW,),
            "float64",
            mean=2.0,
            var=1.0,
            support=(0, 4),
        )
    )


_cases()
