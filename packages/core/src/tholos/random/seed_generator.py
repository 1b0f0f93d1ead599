"""``SeedGenerator``: a stream of seeds whose state is a Variable.

Every random op of a backend is stateless: it takes an explicit seed, a ``uint32`` tensor of
shape ``(2,)``. A ``SeedGenerator`` hands out such seeds; its state advances on each draw, so
inside compiled steps (where the state is threaded through a StatelessScope) it behaves the
same as eagerly, and it is saved with the model like any other variable.
"""

from __future__ import annotations

import random as _pyrandom
from typing import Any

_global_rng = _pyrandom.Random()


def set_random_seed(seed: int) -> None:
    """Make unseeded randomness reproducible: seeds the generator behind ``seed=None``.

    >>> import tholos
    >>> tholos.utils.set_random_seed(7) if hasattr(tholos, "utils") else set_random_seed(7)
    """
    global _global_generator
    _global_rng.seed(int(seed))
    _global_generator = None
    try:  # also seed Python's and NumPy's global generators, as Keras does
        _pyrandom.seed(int(seed))
        import numpy as np

        np.random.seed(int(seed) % (2**32))
    except Exception:
        pass


class SeedGenerator:
    """A seed stream: ``next()`` returns a fresh ``uint32`` seed tensor of shape ``(2,)``.

    Args:
        seed: an int for a reproducible stream; ``None`` draws one from the global generator
            (reproducible after ``tholos.utils.set_random_seed``).
        name: the name of its state variable's scope.

    >>> from tholos import random, ops
    >>> gen = SeedGenerator(42)
    >>> a = random.uniform((2,), seed=gen)
    >>> b = random.uniform((2,), seed=gen)
    >>> bool(ops.all(ops.equal(a, b)))
    False
    >>> c = random.uniform((2,), seed=SeedGenerator(42))
    >>> bool(ops.all(ops.equal(a, c)))
    True
    """

    def __init__(self, seed: int | None = None, name: str | None = None, **kwargs: Any) -> None:
        from tholos.backend._stateless import name_scope
        from tholos.backend._variables import Variable
        from tholos.errors import OpInputError

        if seed is None:
            seed = _global_rng.randint(0, 2**31 - 1)
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise OpInputError(
                "SeedGenerator: seed must be an int or None.",
                expected="an int",
                received=repr(seed),
            )
        self._initial_seed = seed
        self.name = name or "seed_generator"
        with name_scope(self.name):
            self.state = Variable(
                [0, seed % 2**32],
                shape=(2,),
                dtype="uint32",
                trainable=False,
                name="seed_generator_state",
            )

    def next(self, ordered: bool = True) -> Any:
        """The current seed; the state advances by one."""
        from tholos import ops

        seed = self.state.value
        self.state.assign(ops.add(seed, ops.convert_to_tensor([0, 1], dtype="uint32")))
        return seed

    def get_config(self) -> dict[str, Any]:
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> SeedGenerator:
        return cls(**config)


_global_generator: SeedGenerator | None = None


def global_seed_generator() -> SeedGenerator:
    """The generator behind ``seed=None`` (made on first use)."""
    global _global_generator
    if _global_generator is None:
        _global_generator = SeedGenerator(name="global_seed_generator")
    return _global_generator


def draw_seed(seed: Any) -> Any:
    """Resolve a user's ``seed`` argument (int, SeedGenerator, None, or a seed tensor)."""
    from tholos import ops
    from tholos.errors import OpInputError

    if isinstance(seed, SeedGenerator):
        return seed.next()
    if seed is None:
        return global_seed_generator().next()
    if isinstance(seed, int) and not isinstance(seed, bool):
        return ops.convert_to_tensor([0, seed % 2**32], dtype="uint32")
    shape = getattr(seed, "shape", None)
    if shape is not None and tuple(shape) == (2,):
        return ops.cast(seed, "uint32")
    raise OpInputError(
        "Invalid random seed.",
        expected="an int, a tholos.random.SeedGenerator, None, or a uint32 tensor of shape (2,)",
        received=repr(seed),
    )
