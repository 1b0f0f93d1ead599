"""Activation functions (``tholos.activations``), written with ``tholos.ops``.

Each takes a tensor and returns a tensor of the same shape and dtype.

>>> import numpy as np
>>> np.asarray(relu(np.array([-2.0, 0.5, 8.0]), max_value=6.0))
array([0. , 0.5, 6. ])
>>> np.asarray(relu(np.array([-2.0, 3.0]), negative_slope=0.5))
array([-1.,  3.])
"""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.saving.serialization import register_builtin, register_builtin_alias

_MODULE = "tholos.activations"
_register = register_builtin(_MODULE)


@_register
def relu(
    x: Any, negative_slope: float = 0.0, max_value: float | None = None, threshold: float = 0.0
) -> Any:
    """Rectified linear unit, optionally leaky, capped and thresholded.

    ``max_value`` for ``x >= max_value``; ``x`` for ``threshold < x < max_value``;
    ``negative_slope * (x - threshold)`` otherwise.
    """
    x = ops.convert_to_tensor(x)
    if threshold == 0.0 and max_value is None and negative_slope == 0.0:
        return ops.relu(x)
    if threshold != 0.0:
        y = ops.where(ops.greater(x, threshold), x, ops.zeros_like(x))
    elif max_value == 6.0:
        y = ops.relu6(x)
        max_value = None
    else:
        y = ops.relu(x)
    if max_value is not None:
        y = ops.minimum(y, max_value)
    if negative_slope != 0.0:
        y = ops.add(y, ops.multiply(negative_slope, ops.minimum(ops.subtract(x, threshold), 0.0)))
    return y


@_register
def leaky_relu(x: Any, negative_slope: float = 0.2) -> Any:
    """``x`` for ``x >= 0``, ``negative_slope * x`` otherwise."""
    return ops.leaky_relu(x, negative_slope=negative_slope)


@_register
def relu6(x: Any) -> Any:
    """``min(max(x, 0), 6)``."""
    return ops.relu6(x)


@_register
def elu(x: Any, alpha: float = 1.0) -> Any:
    """``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise."""
    return ops.elu(x, alpha=alpha)


@_register
def selu(x: Any) -> Any:
    """Scaled ELU (``scale * elu(x, alpha)`` with the self-normalizing constants)."""
    return ops.selu(x)


@_register
def celu(x: Any, alpha: float = 1.0) -> Any:
    """``max(x, 0) + min(0, alpha * (exp(x / alpha) - 1))``."""
    return ops.celu(x, alpha=alpha)


@_register
def gelu(x: Any, approximate: bool = False) -> Any:
    """Gaussian error linear unit (exact by default, tanh approximation when asked)."""
    return ops.gelu(x, approximate=approximate)


@_register
def glu(x: Any, axis: int = -1) -> Any:
    """Gated linear unit: splits ``axis`` in halves ``a, b`` and returns ``a * sigmoid(b)``."""
    return ops.glu(x, axis=axis)


@_register
def sigmoid(x: Any) -> Any:
    """``1 / (1 + exp(-x))``."""
    return ops.sigmoid(x)


@_register
def sparse_sigmoid(x: Any) -> Any:
    """Piecewise-linear sigmoid: 0 below -1, 1 above 1, ``(x + 1) / 2`` between."""
    return ops.sparse_sigmoid(x)


@_register
def hard_sigmoid(x: Any) -> Any:
    """``relu6(x + 3) / 6``."""
    return ops.hard_sigmoid(x)


@_register
def hard_silu(x: Any) -> Any:
    """``x * hard_sigmoid(x)``."""
    return ops.hard_silu(x)


hard_swish = hard_silu


@_register
def silu(x: Any) -> Any:
    """``x * sigmoid(x)`` (also called swish)."""
    return ops.silu(x)


swish = silu


@_register
def softplus(x: Any) -> Any:
    """``log(exp(x) + 1)``."""
    return ops.softplus(x)


@_register
def softsign(x: Any) -> Any:
    """``x / (abs(x) + 1)``."""
    return ops.softsign(x)


@_register
def soft_shrink(x: Any, threshold: float = 0.5) -> Any:
    """``x - threshold`` above ``threshold``, ``x + threshold`` below ``-threshold``, else 0."""
    return ops.soft_shrink(x, threshold=threshold)


@_register
def hard_shrink(x: Any, threshold: float = 0.5) -> Any:
    """``x`` where ``|x| > threshold``, else 0."""
    return ops.hard_shrink(x, threshold=threshold)


@_register
def tanh_shrink(x: Any) -> Any:
    """``x - tanh(x)``."""
    return ops.tanh_shrink(x)


@_register
def hard_tanh(x: Any) -> Any:
    """``x`` clipped to ``[-1, 1]``."""
    return ops.hard_tanh(x)


@_register
def sparse_plus(x: Any) -> Any:
    """0 below -1, ``x`` above 1, ``(x + 1)**2 / 4`` between."""
    return ops.sparse_plus(x)


@_register
def squareplus(x: Any, b: float = 4) -> Any:
    """``(x + sqrt(x**2 + b)) / 2``."""
    return ops.squareplus(x, b=b)


@_register
def threshold(x: Any, threshold: float, default_value: float) -> Any:
    """``x`` where ``x > threshold``, else ``default_value``."""
    return ops.threshold(x, threshold, default_value)


@_register
def tanh(x: Any) -> Any:
    """Hyperbolic tangent."""
    return ops.tanh(x)


@_register
def exponential(x: Any) -> Any:
    """``exp(x)``."""
    return ops.exp(x)


@_register
def linear(x: Any) -> Any:
    """The identity."""
    return x


@_register
def mish(x: Any) -> Any:
    """``x * tanh(softplus(x))``."""
    return ops.multiply(x, ops.tanh(ops.softplus(x)))


@_register
def log_sigmoid(x: Any) -> Any:
    """``log(sigmoid(x))``, computed stably."""
    return ops.log_sigmoid(x)


@_register
def softmax(x: Any, axis: int = -1) -> Any:
    """``exp(x) / sum(exp(x), axis)``, computed stably."""
    return ops.softmax(x, axis=axis)


@_register
def log_softmax(x: Any, axis: int = -1) -> Any:
    """``log(softmax(x, axis))``, computed stably."""
    return ops.log_softmax(x, axis=axis)


@_register
def sparsemax(x: Any, axis: int = -1) -> Any:
    """Euclidean projection of ``x`` onto the probability simplex along ``axis``."""
    return ops.sparsemax(x, axis=axis)


register_builtin_alias(_MODULE, "swish", silu)
register_builtin_alias(_MODULE, "hard_swish", hard_silu)

ALL_ACTIVATIONS = {
    fn.__name__: fn
    for fn in (
        celu,
        elu,
        exponential,
        gelu,
        glu,
        hard_shrink,
        hard_sigmoid,
        hard_silu,
        hard_tanh,
        leaky_relu,
        linear,
        log_sigmoid,
        log_softmax,
        mish,
        relu,
        relu6,
        selu,
        sigmoid,
        silu,
        soft_shrink,
        softmax,
        softplus,
        softsign,
        sparse_plus,
        sparse_sigmoid,
        sparsemax,
        squareplus,
        tanh,
        tanh_shrink,
        threshold,
    )
}
ALL_ACTIVATIONS["swish"] = silu
ALL_ACTIVATIONS["hard_swish"] = hard_silu
