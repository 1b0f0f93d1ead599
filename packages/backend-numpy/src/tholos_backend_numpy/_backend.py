"""The NumPy backend object that ``plugin.load()`` returns. Importing this imports NumPy."""

from __future__ import annotations

import types

from tholos_backend_numpy import (
    core_ops,
    devices,
    image_ops,
    linalg_ops,
    math_ops,
    nn_ops,
    numpy_ops,
    random_ops,
    trainer,
)
from tholos_backend_numpy.variables import Variable

BACKEND = types.SimpleNamespace(
    name="numpy",
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
)
