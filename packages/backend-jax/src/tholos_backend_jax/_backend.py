"""The JAX backend object that ``plugin.load()`` returns. Importing this imports JAX.

float64/int64/complex128 exist when JAX runs with ``jax_enable_x64`` (set
``JAX_ENABLE_X64=1`` or ``jax.config.update("jax_enable_x64", True)`` before using
tholos); without it 64-bit dtypes are narrowed to 32 bits, as JAX does.
"""

from __future__ import annotations

import types

from tholos_backend_jax import (
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
from tholos_backend_jax._symbolic import compute_output_spec
from tholos_backend_jax.variables import Variable

BACKEND = types.SimpleNamespace(
    name="jax",
    core=core_ops,
    numpy=numpy_ops,
    nn=nn_ops,
    linalg=linalg_ops,
    math=math_ops,
    image=image_ops,
    random=random_ops,
    Variable=Variable,
    devices=devices,
    trainer=trainer,
    unsupported={},
    compute_output_spec=compute_output_spec,
    distribution=distribution,
)


def load():
    return BACKEND
