"""The torch backend object that ``plugin.load()`` returns. Importing this imports torch.

Each family namespace holds this package's native functions; the few ops listed in a
module's ``_BRIDGED`` tuple are computed by the NumPy reference backend through
``_reference.bridge`` (see :data:`BRIDGED`). Every op is wrapped once so that torch's own
``RuntimeError`` on bad input (shape mismatches in kernels) surfaces as tholos'
``OpInputError`` / ``DtypeError`` naming the op.
"""

from __future__ import annotations

import contextlib
import functools
import types

import torch

from tholos.backend.contract import FAMILIES, ops_of
from tholos.errors import DtypeError, OpInputError, TholosError
from tholos_backend_torch import (
    _reference,
    core_ops,
    devices,
    distribution,
    image_ops,
    linalg_ops,
    math_ops,
    nn_ops,
    numpy_ops,
    random_ops,
    trainer,
)
from tholos_backend_torch._layer_module import TorchModuleMixin
from tholos_backend_torch.variables import Variable

_MODULES = {
    "core": core_ops,
    "numpy": numpy_ops,
    "nn": nn_ops,
    "linalg": linalg_ops,
    "math": math_ops,
    "image": image_ops,
    "random": random_ops,
}


def _guard(name, fn):
    @functools.wraps(fn)
    def op(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except TholosError:
            raise
        except NotImplementedError as err:
            raise DtypeError(
                f"ops.{name}: torch has no kernel for these inputs: {str(err).splitlines()[0]}",
                expected=f"inputs of dtypes torch implements ops.{name} for",
                received=", ".join(f"{type(a).__name__}{getattr(a, 'dtype', '')}" for a in args),
                hint="Cast to float32/int64 first.",
            ) from err
        except RuntimeError as err:
            raise OpInputError(
                f"ops.{name}: {str(err).splitlines()[0] if str(err) else type(err).__name__}",
                expected=f"arguments valid for ops.{name} (see its docstring)",
                received=", ".join(
                    f"{type(a).__name__}{tuple(a.shape) if hasattr(a, 'shape') else ''}"
                    for a in args
                ),
                hint="Check shapes, axes and dtypes of the arguments.",
            ) from err

    return op


_OPTIONAL_HOOKS = {"random": ("threefry_block", "threefry_bits")}
"""Optional hooks (not contract ops, not guarded) a family namespace carries when defined:
the portable generator's fused Threefry (see tholos.backend.contract.random_ops)."""


def _family(family: str) -> tuple[types.SimpleNamespace, list[str]]:
    module = _MODULES[family]
    bridged_names = set(getattr(module, "_BRIDGED", ()))
    table = {}
    bridged = []
    for name in ops_of(FAMILIES[family], family):
        fn = getattr(module, name, None) if name not in bridged_names else None
        if fn is None:
            fn = _reference.bridge(family, name)
            bridged.append(f"{family}.{name}")
        table[name] = _guard(name, fn)
    for name in _OPTIONAL_HOOKS.get(family, ()):
        if getattr(module, name, None) is not None:
            table[name] = getattr(module, name)
    return types.SimpleNamespace(**table), bridged


_NAMESPACES = {}
BRIDGED: list[str] = []
"""``family.op`` names computed by the reference backend (host NumPy, see _reference.py)."""
for _fam in _MODULES:
    _NAMESPACES[_fam], _b = _family(_fam)
    BRIDGED.extend(_b)


@contextlib.contextmanager
def precision_scope():
    """Full-precision matmul/convolution for the block (TF32 off on CUDA)."""
    matmul = torch.backends.cuda.matmul.allow_tf32
    cudnn = torch.backends.cudnn.allow_tf32
    precision = torch.get_float32_matmul_precision()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32 = matmul
        torch.backends.cudnn.allow_tf32 = cudnn
        torch.set_float32_matmul_precision(precision)


BACKEND = types.SimpleNamespace(
    name="torch",
    core=_NAMESPACES["core"],
    numpy=_NAMESPACES["numpy"],
    nn=_NAMESPACES["nn"],
    linalg=_NAMESPACES["linalg"],
    math=_NAMESPACES["math"],
    image=_NAMESPACES["image"],
    random=_NAMESPACES["random"],
    Variable=Variable,
    devices=devices,
    trainer=trainer,
    layer_mixin=TorchModuleMixin,
    unsupported={},
    precision_scope=precision_scope,
    bridged=tuple(BRIDGED),
    distribution=distribution,
)


def load():
    return BACKEND
