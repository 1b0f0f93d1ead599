"""Markers that turn Protocol methods into op specifications.

Every op of the contract is a method of one of the family Protocols, decorated with
:func:`op`. The decorator records facts the rest of tholos reads from the contract itself:

- ``tier``: the conformance tolerance tier of the op (see ``tholos_conformance.tolerances``):
  ``"exact"`` (shapes, indexing, integer results), ``"elementwise"``, ``"reduction"``,
  ``"matmul"`` (matmul, einsum, convolution), ``"transcendental"``, ``"linalg"``, ``"random"``;
- ``differentiable``: whether the conformance suite checks its gradient;
- ``symbolic``: whether it accepts symbolic tensors (ops whose output shape depends on
  input *values*, such as ``nonzero``, set this to ``False``).

Public functions in :mod:`tholos.ops` are generated from these methods: same name, same
signature (without ``self``), same docstring.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

Tensor = Any
"""A backend-native array (``numpy.ndarray``, ``jax.Array``, ``torch.Tensor``, ``tf.Tensor``)."""

TIERS = ("exact", "elementwise", "reduction", "matmul", "transcendental", "linalg", "random")

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class OpSpec:
    name: str
    family: str
    tier: str
    differentiable: bool
    symbolic: bool
    function: Callable[..., Any]


def op(
    *, tier: str = "elementwise", differentiable: bool = True, symbolic: bool = True
) -> Callable[[F], F]:
    """Mark a Protocol method as an op of the contract."""
    if tier not in TIERS:
        raise ValueError(f"tier must be one of {TIERS}, got {tier!r}")

    def mark(fn: F) -> F:
        fn.__tholos_op__ = {"tier": tier, "differentiable": differentiable, "symbolic": symbolic}
        return fn

    return mark


def ops_of(protocol: type, family: str) -> dict[str, OpSpec]:
    """All ops a family Protocol declares, by name, in declaration order."""
    specs = {}
    for name, fn in vars(protocol).items():
        meta = getattr(fn, "__tholos_op__", None)
        if meta is not None:
            specs[name] = OpSpec(name=name, family=family, function=fn, **meta)
    return specs
