"""LayerNormalization.

>>> import numpy as np
>>> from tholos.layers import LayerNormalization
>>> x = np.array([[1.0, 3.0]], "float32")
>>> np.asarray(LayerNormalization(epsilon=0.0)(x))
array([[-1.,  1.]], dtype=float32)
"""

from __future__ import annotations

from typing import Any

from tholos import constraints, initializers, ops, regularizers
from tholos.backend.dtypes import standardize_dtype
from tholos.layers import _arg_utils as au
from tholos.layers._deps import Layer

_LOW_PRECISION = ("float16", "bfloat16")


def weight_shapes(
    input_shape: tuple, axes: tuple[int, ...], layer: Layer
) -> tuple[tuple[int, ...], tuple[int, ...] | None]:
    """(weight shape, broadcast shape or None when the weight already broadcasts)."""
    ndim = len(input_shape)
    shape = tuple(input_shape[a] for a in axes)
    if any(d is None for d in shape):
        from tholos.errors import OpInputError

        raise OpInputError(
            f"{type(layer).__name__} '{layer.name}': the normalized axes must have known sizes.",
            expected=f"known sizes on axes {axes}",
            received=f"input shape {tuple(input_shape)}",
        )
    if axes == tuple(range(ndim - len(axes), ndim)):
        return shape, None
    bshape = [1] * ndim
    for a in axes:
        bshape[a] = input_shape[a]
    return shape, tuple(bshape)


class LayerNormalization(Layer):
    """Normalizes each example over ``axis``: ``gamma * (x - mean) / sqrt(var + eps) + beta``.

    With ``rms_scaling=True`` the output is ``x * gamma / sqrt(var(x) + eps)``: the inputs
    are not centered and there is no ``beta`` (as in Keras 3, the variance, not the mean of
    squares, is used; :class:`RMSNormalization` uses the mean of squares).
    Weights: ``gamma`` then ``beta``, shaped like the normalized axes.
    """

    def __init__(
        self,
        axis: Any = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        rms_scaling: bool = False,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else int(axis)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.rms_scaling = bool(rms_scaling)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.gamma = None
        self.beta = None

    def build(self, input_shape: tuple) -> None:
        self._axes = au.normalize_axes(self.axis, len(input_shape), "LayerNormalization")
        shape, self._bshape = weight_shapes(input_shape, self._axes, self)
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(
                name="gamma",
                shape=shape,
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                trainable=True,
                autocast=False,
            )
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(
                name="beta",
                shape=shape,
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                trainable=True,
                autocast=False,
            )
        self.built = True

    def _broadcast(self, w: Any) -> Any:
        return w if self._bshape is None else ops.reshape(w, self._bshape)

    def call(self, inputs: Any) -> Any:
        input_dtype = standardize_dtype(inputs.dtype)
        if input_dtype in _LOW_PRECISION:
            inputs = ops.cast(inputs, "float32")
        if self.rms_scaling:
            # Keras 3's rms_scaling divides the *uncentered* inputs by sqrt(var + eps)
            # (kept for identical numbers; RMSNormalization uses the mean of squares).
            var = ops.var(inputs, axis=self._axes, keepdims=True)
            outputs = ops.multiply(inputs, ops.rsqrt(ops.add(var, self.epsilon)))
            outputs = ops.multiply(outputs, ops.cast(self._broadcast(self.gamma), outputs.dtype))
        else:
            mean, var = ops.moments(inputs, axes=self._axes, keepdims=True)
            outputs = ops.multiply(
                ops.subtract(inputs, mean), ops.rsqrt(ops.add(var, self.epsilon))
            )
            if self.gamma is not None:
                outputs = ops.multiply(
                    outputs, ops.cast(self._broadcast(self.gamma), outputs.dtype)
                )
            if self.beta is not None:
                outputs = ops.add(outputs, ops.cast(self._broadcast(self.beta), outputs.dtype))
        if input_dtype in _LOW_PRECISION:
            outputs = ops.cast(outputs, input_dtype)
        return outputs

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "axis": self.axis,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "rms_scaling": self.rms_scaling,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint),
            }
        )
        return config
