"""tholos: Keras 3's API over interchangeable backends (NumPy, JAX, PyTorch, TensorFlow).

>>> import tholos
>>> from tholos import ops
>>> float(ops.sum(ops.ones((2, 3))))
6.0
"""

from tholos import backend, config, errors, ops, random, tree
from tholos.backend import KerasTensor, StatelessScope, Variable, name_scope
from tholos.backend.dtypes import result_type

__version__ = "0.1.0"

__all__ = [
    "KerasTensor",
    "StatelessScope",
    "Variable",
    "__version__",
    "backend",
    "config",
    "errors",
    "name_scope",
    "ops",
    "random",
    "result_type",
    "tree",
]
