"""GroupNormalization.

>>> import numpy as np
>>> from tholos.layers import GroupNormalization
>>> x = np.array([[1.0, 3.0, 10.0, 30.0]], "float32")
>>> np.asarray(GroupNormalization(groups=2, epsilon=0.0)(x))
array([[-1.,  1., -1.,  1.]], dtype=float32)
"""

from __future__ import annotations

from typing import Any

from tholos import constraints, initializers, ops, regularizers
from tholos.backend.dtypes import standardize_dtype
from tholos.errors import ConfigError, OpInputError
from tholos.layers._deps import InputSpec, Layer

_LOW_PRECISION = ("float16", "bfloat16")


class GroupNormalization(Layer):
    """Splits the ``axis`` channels into ``groups`` and normalizes each group of each example.

    ``groups=-1`` makes one group per channel (instance normalization); ``groups=1`` is layer
    normalization over all non-batch axes. Weights: ``gamma``, ``beta`` of shape
    ``(channels,)``.
    """

    def __init__(
        self,
        groups: int = 32,
        axis: int = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not isinstance(groups, int) or groups == 0 or groups < -1:
            raise ConfigError(
                "GroupNormalization: invalid `groups`.",
                expected="a positive int or -1",
                received=f"groups={groups!r}",
            )
        self.groups = groups
        self.axis = int(axis)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
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
        ndim = len(input_shape)
        axis = self.axis % ndim
        dim = input_shape[axis]
        where = f"GroupNormalization '{self.name}'"
        if dim is None:
            raise OpInputError(
                f"{where}: axis {self.axis} must have a known size.",
                expected="a known channel count",
                received=f"input shape {tuple(input_shape)}",
            )
        groups = dim if self.groups == -1 else self.groups
        if dim < groups:
            raise OpInputError(
                f"{where}: more groups ({groups}) than channels ({dim}).",
                expected=f"groups <= {dim}",
                received=f"input shape {tuple(input_shape)}",
            )
        if dim % groups:
            raise OpInputError(
                f"{where}: the channel count ({dim}) is not a multiple of groups ({groups}).",
                expected=f"input_shape[{self.axis}] divisible by {groups}",
                received=f"input shape {tuple(input_shape)}",
            )
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: dim})
        if self.scale:
            self.gamma = self.add_weight(
                name="gamma",
                shape=(dim,),
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                autocast=False,
            )
        if self.center:
            self.beta = self.add_weight(
                name="beta",
                shape=(dim,),
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                autocast=False,
            )
        self._axis_pos = axis
        self._groups = groups
        # Grouped view: (..., groups, dim // groups, ...); statistics over all but batch+group.
        self._reduce = tuple(i for i in range(1, ndim + 1) if i != axis)
        bshape = [1] * ndim
        bshape[axis] = dim
        self._bshape = None if axis == ndim - 1 else tuple(bshape)
        self.built = True

    def call(self, inputs: Any) -> Any:
        input_dtype = standardize_dtype(inputs.dtype)
        if input_dtype in _LOW_PRECISION:
            inputs = ops.cast(inputs, "float32")
        shape = tuple(inputs.shape)
        a = self._axis_pos
        dim = shape[a]
        grouped_shape = (-1, *shape[1:a], self._groups, dim // self._groups, *shape[a + 1 :])
        grouped = ops.reshape(inputs, grouped_shape)
        mean, var = ops.moments(grouped, axes=self._reduce, keepdims=True)
        normalized = ops.multiply(
            ops.subtract(grouped, mean), ops.rsqrt(ops.add(var, self.epsilon))
        )
        outputs = ops.reshape(normalized, (-1, *shape[1:]))
        if self.gamma is not None:
            gamma = self.gamma if self._bshape is None else ops.reshape(self.gamma, self._bshape)
            outputs = ops.multiply(outputs, ops.cast(gamma, outputs.dtype))
        if self.beta is not None:
            beta = self.beta if self._bshape is None else ops.reshape(self.beta, self._bshape)
            outputs = ops.add(outputs, ops.cast(beta, outputs.dtype))
        if input_dtype in _LOW_PRECISION:
            outputs = ops.cast(outputs, input_dtype)
        return outputs

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "groups": self.groups,
                "axis": self.axis,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint),
            }
        )
        return config
