"""``tholos.ops``: Keras 3's op namespace, dispatched to the active backend.

Every function here is generated from the backend contract (:mod:`tholos.backend.contract`):
its docstring is the specification every backend implements. The families are also available
as submodules: ``tholos.ops.numpy``, ``.nn``, ``.linalg``, ``.math``, ``.image``, ``.core``.

>>> from tholos import ops
>>> import numpy as np
>>> np.asarray(ops.matmul([[1.0, 2.0]], [[3.0], [4.0]]))
array([[11.]], dtype=float32)
"""

from tholos.ops import core, image, linalg, math, nn, numpy  # noqa: F401
from tholos.ops._dispatch import all_public_ops as _all_public_ops

globals().update(_all_public_ops())
__all__ = sorted(_all_public_ops())
