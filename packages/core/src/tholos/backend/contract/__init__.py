"""The backend contract: one Protocol per interface. Their docstrings are the specification.

A backend plugin's ``load()`` returns an object satisfying :class:`Backend`: one attribute per
family, each holding one function per op of that family's Protocol. ``tholos.ops`` and
``tholos.random`` are generated from (or written against) these Protocols, and the conformance
suite checks every op they declare.
"""

from tholos.backend.contract._spec import TIERS, OpSpec, Tensor, op, ops_of
from tholos.backend.contract.backend import FAMILIES, Backend
from tholos.backend.contract.core_ops import CoreOps
from tholos.backend.contract.devices import DeviceOps
from tholos.backend.contract.distribution import DistributionHooks
from tholos.backend.contract.image_ops import ImageOps
from tholos.backend.contract.linalg_ops import LinalgOps
from tholos.backend.contract.math_ops import MathOps
from tholos.backend.contract.nn_ops import NNOps
from tholos.backend.contract.numpy_ops import NumpyOps
from tholos.backend.contract.random_ops import RandomOps
from tholos.backend.contract.trainer import TrainerHooks


def all_op_specs() -> dict[str, OpSpec]:
    """Every op of the contract, keyed ``"family.name"``."""
    specs = {}
    for family, protocol in FAMILIES.items():
        for name, spec in ops_of(protocol, family).items():
            specs[f"{family}.{name}"] = spec
    return specs


__all__ = [
    "FAMILIES",
    "TIERS",
    "Backend",
    "CoreOps",
    "DeviceOps",
    "DistributionHooks",
    "ImageOps",
    "LinalgOps",
    "MathOps",
    "NNOps",
    "NumpyOps",
    "OpSpec",
    "RandomOps",
    "Tensor",
    "TrainerHooks",
    "all_op_specs",
    "op",
    "ops_of",
]
