"""Shared checks for the backends' fused Threefry tests (test support, not public API).

Each backend's ``test_<backend>_threefry.py`` runs these against its ``_threefry`` module with
that backend active, and keeps its own checks for what only it has (native dtypes, ``jax.jit``,
``tf.function``, ``torch.compile``, autograd). Tensors are built and read back through
``tholos.ops``, so they belong to the active backend.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tholos.random import threefry
from tholos.random.threefry import KNOWN_ANSWERS

KNOWN_ANSWER_IDS = ("zeros", "ones", "pi")
"""Test ids of :data:`~tholos.random.threefry.KNOWN_ANSWERS`, in order."""

SEEDS = ([0, 0], [0, 42], [7, 11], [0xFFFFFFFF, 0xFFFFFFFF], [0x13198A2E, 0x03707344])
SHAPES = ((), (0,), (3, 0), (1,), (7,), (5, 3), (2, 3, 5), (1000,))

JAX_BITS_KEY42 = [[2098992034, 2919706841, 2646866425], [2409546199, 1935504149, 2516274904]]
"""``jax.random.bits(jax.random.PRNGKey(42), (2, 3))`` (threefry, partitionable layout)."""


def seed_id(seed: Sequence[int]) -> str:
    """A short test id for a seed pair."""
    return f"{seed[0]:x}-{seed[1]:x}"


def u32(values: Any) -> Any:
    """``values`` as a ``uint32`` tensor of the active backend."""
    from tholos import ops

    return ops.convert_to_tensor(np.asarray(values, dtype="uint32"))


def to_numpy(x: Any) -> np.ndarray:
    from tholos import ops

    return ops.convert_to_numpy(x)


def reference_words(seed: Sequence[int], shape: tuple[int, ...]) -> list[np.ndarray]:
    """``[y0, y1]`` of the op-composed reference block (fused hooks off), as NumPy arrays."""
    with threefry.use_fused(False):
        return [to_numpy(w) for w in threefry.block(u32(seed), shape)]


def check_hooks_installed(fused: Any) -> None:
    """The active backend's ``random`` namespace carries ``fused``'s hooks, and core finds them."""
    from tholos.backend._state import current

    namespace = current().impl.random
    assert getattr(namespace, threefry.BLOCK_HOOK) is fused.threefry_block
    assert getattr(namespace, threefry.BITS_HOOK) is fused.threefry_bits
    assert threefry.fused_hook(threefry.BITS_HOOK) is fused.threefry_bits


def check_known_answer(
    threefry2x32: Callable[..., tuple[Any, Any]],
    ctr: tuple[int, int],
    key: tuple[int, int],
    expected: tuple[int, int],
    n: int = 2,
) -> tuple[Any, Any]:
    """One known answer through a backend's ``threefry2x32``, on scalars and with the counter's
    first word broadcast over ``n`` elements. Returns the scalar words (for dtype checks)."""
    y0, y1 = threefry2x32(u32(key[0]), u32(key[1]), u32(ctr[0]), u32(ctr[1]))
    assert (int(to_numpy(y0)), int(to_numpy(y1))) == expected
    b0, b1 = threefry2x32(u32(key[0]), u32(key[1]), u32([ctr[0]] * n), u32(ctr[1]))
    np.testing.assert_array_equal(to_numpy(b0), [expected[0]] * n)
    np.testing.assert_array_equal(to_numpy(b1), [expected[1]] * n)
    return y0, y1


def check_equals_reference(
    fused: Any, seed: Sequence[int], shape: tuple[int, ...]
) -> tuple[Any, Any, Any]:
    """A backend's ``fused.threefry_block``/``threefry_bits`` give exactly the reference words
    (uint32, of ``shape``). Returns ``(y0, y1, bits)`` as the backend gave them."""
    ref0, ref1 = reference_words(seed, shape)
    y0, y1 = fused.threefry_block(u32(seed), shape)
    bits = fused.threefry_bits(u32(seed), shape)
    for got, want in ((y0, ref0), (y1, ref1), (bits, ref0 ^ ref1)):
        got = to_numpy(got)
        assert got.dtype == np.uint32 and got.shape == tuple(shape)
        np.testing.assert_array_equal(got, want)
    return y0, y1, bits


def check_step(step: Callable[[Any], tuple[Any, Any, Any, Any]], shape: tuple[int, ...]) -> None:
    """``step(seed) -> (random_bits, y0, y1, uniform)`` (typically compiled) against the
    reference and an eager ``random.uniform`` without hooks, for the first three seeds."""
    from tholos import random

    for seed in SEEDS[:3]:
        bits, y0, y1, uniform = step(u32(seed))
        ref0, ref1 = reference_words(seed, shape)
        np.testing.assert_array_equal(to_numpy(bits), ref0 ^ ref1)
        np.testing.assert_array_equal(to_numpy(y0), ref0)
        np.testing.assert_array_equal(to_numpy(y1), ref1)
        with threefry.use_fused(False):
            expected = to_numpy(random.uniform(shape, seed=u32(seed)))
        np.testing.assert_array_equal(to_numpy(uniform), expected)


def check_samplers_same_with_and_without_hooks() -> None:
    """dropout, float64 uniform and randint draw the same values with the hooks on and off."""
    from tholos import random

    x = np.linspace(-1.0, 1.0, 513, dtype="float32")
    draws = [
        lambda: random.dropout(x, 0.3, seed=5),
        lambda: random.uniform((9,), dtype="float64", seed=2),
        lambda: random.randint((77,), 0, 10, seed=3),
    ]
    for draw in draws:
        fused = to_numpy(draw())
        with threefry.use_fused(False):
            np.testing.assert_array_equal(fused, to_numpy(draw()))


__all__ = [
    "JAX_BITS_KEY42",
    "KNOWN_ANSWERS",
    "KNOWN_ANSWER_IDS",
    "SEEDS",
    "SHAPES",
    "check_equals_reference",
    "check_hooks_installed",
    "check_known_answer",
    "check_samplers_same_with_and_without_hooks",
    "check_step",
    "reference_words",
    "seed_id",
    "to_numpy",
    "u32",
]
