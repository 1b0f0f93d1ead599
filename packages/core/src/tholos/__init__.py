"""tholos: Keras 3's API over interchangeable backends (NumPy, JAX, PyTorch, TensorFlow).

>>> import tholos
>>> from tholos import ops
>>> float(ops.sum(ops.ones((2, 3))))
6.0
"""

from tholos import (
    activations,
    backend,
    callbacks,
    config,
    constraints,
    datasets,
    distribution,
    dtype_policies,
    errors,
    initializers,
    layers,
    losses,
    metrics,
    models,
    ops,
    optimizers,
    random,
    regularizers,
    saving,
    trainers,
    tree,
    utils,
)
from tholos.backend import KerasTensor, StatelessScope, Variable, device, name_scope
from tholos.backend.dtypes import result_type
from tholos.dtype_policies import DTypePolicy
from tholos.layers import Input, InputSpec, Layer
from tholos.losses import Loss
from tholos.metrics import Metric
from tholos.models import Model, Sequential
from tholos.ops.operation import Operation
from tholos.optimizers import Optimizer

__version__ = "0.1.0"

__all__ = [
    "DTypePolicy",
    "Input",
    "InputSpec",
    "KerasTensor",
    "Layer",
    "Loss",
    "Metric",
    "Model",
    "Operation",
    "Optimizer",
    "Sequential",
    "StatelessScope",
    "Variable",
    "__version__",
    "activations",
    "backend",
    "callbacks",
    "config",
    "constraints",
    "datasets",
    "device",
    "distribution",
    "dtype_policies",
    "errors",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "models",
    "name_scope",
    "ops",
    "optimizers",
    "random",
    "regularizers",
    "result_type",
    "saving",
    "trainers",
    "tree",
    "utils",
]
