"""``tholos.random``: seeded random numbers on the active backend.

``seed`` may be an int (reproducible), a :class:`SeedGenerator` (a reproducible stream; use one
per layer) or ``None`` (the global stream; reproducible after ``tholos.utils.set_random_seed``).
"""

from tholos.random.random import (
    beta,
    binomial,
    categorical,
    dropout,
    gamma,
    normal,
    randint,
    shuffle,
    truncated_normal,
    uniform,
)
from tholos.random.seed_generator import SeedGenerator, draw_seed, set_random_seed

__all__ = [
    "SeedGenerator",
    "beta",
    "binomial",
    "categorical",
    "draw_seed",
    "dropout",
    "gamma",
    "normal",
    "randint",
    "set_random_seed",
    "shuffle",
    "truncated_normal",
    "uniform",
]
