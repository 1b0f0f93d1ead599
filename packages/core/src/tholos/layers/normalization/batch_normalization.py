"""BatchNormalization.

>>> import numpy as np
>>> from tholos.layers import BatchNormalization
>>> bn = BatchNormalization()
>>> x = np.array([[1.0], [3.0]], "float32")
>>> np.asarray(bn(x, training=True)).round(2)
array([[-1.],
       [ 1.]], dtype=float32)
>>> np.asarray(bn.moving_mean).round(4)   # 0.99 * 0 + 0.01 * 2
array([0.02], dtype=float32)
"""

from __future__ import annotations

from typing import Any

from tholos import constraints, initializers, ops, regularizers
from tholos.backend.dtypes import standardize_dtype
from tholos.errors import OpInputError
from tholos.layers._deps import InputSpec, Layer

_LOW_PRECISION = ("float16", "bfloat16")


def _stop_gradient(x: Any) -> Any:
    fn = getattr(ops, "stop_gradient", None)
    return x if fn is None else fn(x)


class BatchNormalization(Layer):
    """Normalizes with the batch statistics in training and moving statistics at inference.

    In training (``training=True`` and the layer trainable), the output is
    ``gamma * (x - mean) / sqrt(var + epsilon) + beta`` with the batch's mean and (biased)
    variance over every axis but ``axis``, and the moving statistics are updated as
    ``moving = moving * momentum + batch * (1 - momentum)``. Otherwise the moving statistics
    are used. Weights, in order: ``gamma``, ``beta`` (trainable), ``moving_mean``,
    ``moving_variance`` (non-trainable), each of shape ``(input_shape[axis],)``. A mask
    (of shape ``input_shape[:-1]``) restricts the batch statistics to unmasked positions.
    """

    def __init__(
        self,
        axis: int = -1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        moving_mean_initializer: Any = "zeros",
        moving_variance_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        synchronized: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.axis = int(axis)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.synchronized = bool(synchronized)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.gamma = None
        self.beta = None

    def build(self, input_shape: tuple) -> None:
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim:
            raise OpInputError(
                f"BatchNormalization '{self.name}': `axis` is out of range for the input.",
                expected=f"axis in [{-ndim}, {ndim})",
                received=f"axis={self.axis}, input shape {tuple(input_shape)}",
            )
        axis = self.axis % ndim
        dim = input_shape[axis]
        if dim is None:
            raise OpInputError(
                f"BatchNormalization '{self.name}': the normalized axis must have a known size.",
                expected=f"input_shape[{self.axis}] set",
                received=f"input shape {tuple(input_shape)}",
            )
        shape = (int(dim),)
        if self.scale:
            self.gamma = self.add_weight(
                name="gamma",
                shape=shape,
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                trainable=True,
                autocast=False,
            )
        if self.center:
            self.beta = self.add_weight(
                name="beta",
                shape=shape,
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                trainable=True,
                autocast=False,
            )
        self.moving_mean = self.add_weight(
            name="moving_mean",
            shape=shape,
            initializer=self.moving_mean_initializer,
            trainable=False,
            autocast=False,
        )
        self.moving_variance = self.add_weight(
            name="moving_variance",
            shape=shape,
            initializer=self.moving_variance_initializer,
            trainable=False,
            autocast=False,
        )
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: int(dim)})
        self._axis_pos = axis
        self._reduction_axes = tuple(i for i in range(ndim) if i != axis)
        self.built = True

    def _moments(self, inputs: Any, mask: Any) -> tuple[Any, Any]:
        if mask is None:
            return ops.moments(inputs, axes=self._reduction_axes, synchronized=self.synchronized)
        weights = ops.cast(mask, inputs.dtype)
        while len(weights.shape) < len(inputs.shape):
            weights = ops.expand_dims(weights, -1)
        count = ops.sum(ops.broadcast_to(weights, inputs.shape), axis=self._reduction_axes)
        count = ops.maximum(count, 1e-7)
        mean = ops.divide(ops.sum(ops.multiply(inputs, weights), axis=self._reduction_axes), count)
        centered = ops.subtract(inputs, ops.reshape(mean, self._stat_shape(inputs)))
        variance = ops.divide(
            ops.sum(ops.multiply(ops.square(centered), weights), axis=self._reduction_axes),
            count,
        )
        return mean, variance

    def _stat_shape(self, inputs: Any) -> tuple:
        shape = [1] * len(inputs.shape)
        shape[self._axis_pos] = -1
        return tuple(shape)

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        input_dtype = standardize_dtype(inputs.dtype)
        if input_dtype in _LOW_PRECISION:
            inputs = ops.cast(inputs, "float32")
        if training and self.trainable:
            mean, variance = self._moments(inputs, mask)
            m = self.momentum
            new_mean = ops.add(
                ops.multiply(self.moving_mean, m), ops.multiply(_stop_gradient(mean), 1.0 - m)
            )
            new_var = ops.add(
                ops.multiply(self.moving_variance, m),
                ops.multiply(_stop_gradient(variance), 1.0 - m),
            )
            self.moving_mean.assign(ops.cast(new_mean, self.moving_mean.dtype))
            self.moving_variance.assign(ops.cast(new_var, self.moving_variance.dtype))
        else:
            mean, variance = self.moving_mean, self.moving_variance
        outputs = ops.batch_normalization(
            inputs,
            mean,
            variance,
            axis=self._axis_pos,
            offset=self.beta,
            scale=self.gamma,
            epsilon=self.epsilon,
        )
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
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer": initializers.serialize(
                    self.moving_variance_initializer
                ),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint),
                "synchronized": self.synchronized,
            }
        )
        return config
