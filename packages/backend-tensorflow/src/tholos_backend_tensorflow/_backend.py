"""The TensorFlow backend object that ``plugin.load()`` returns. Importing this imports TF."""

from __future__ import annotations

import contextlib
import types
from collections.abc import Iterator

from tholos_backend_tensorflow import devices

devices.enable_memory_growth()  # before anything touches a GPU

import tensorflow as tf  # noqa: E402

from tholos_backend_tensorflow import (  # noqa: E402
    core_ops,
    image_ops,
    linalg_ops,
    math_ops,
    nn_ops,
    numpy_ops,
    random_ops,
    trainer,
)
from tholos_backend_tensorflow import distribution as _distribution  # noqa: E402
from tholos_backend_tensorflow._layer_module import TFModuleMixin  # noqa: E402
from tholos_backend_tensorflow.variables import Variable  # noqa: E402


@contextlib.contextmanager
def precision_scope() -> Iterator[None]:
    """Full float32 matmul/conv precision (TF32 off) for the block.

    It does not turn on ``tf.config.experimental.enable_op_determinism()``: repeated CPU
    training runs from the same weights already gave identical numbers; determinism would
    change what is tested (XLA refuses MaxPool gradients under it, so compiled steps fall
    back to plain graphs) and it rejects unseeded stateful random ops. The conformance
    training test's rare failures came from its unseeded initial weights (about 1 draw in 30
    lands where float32 and float64 training part by more than its tolerance, on every
    backend), which determinism does not change.
    """
    before = tf.config.experimental.tensor_float_32_execution_enabled()
    tf.config.experimental.enable_tensor_float_32_execution(False)
    try:
        yield
    finally:
        tf.config.experimental.enable_tensor_float_32_execution(before)


UNSUPPORTED: dict[str, str] = {}

BACKEND = types.SimpleNamespace(
    name="tensorflow",
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
    unsupported=UNSUPPORTED,
    precision_scope=precision_scope,
    distribution=_distribution,
    layer_mixin=TFModuleMixin,
)


def load():
    return BACKEND
