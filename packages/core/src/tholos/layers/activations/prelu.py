"""PReLU.

>>> import numpy as np
>>> from tholos.layers import PReLU
>>> layer = PReLU(alpha_initializer="ones")
>>> np.asarray(layer(np.array([[-2.0, 3.0]], "float32")))
array([[-2.,  3.]], dtype=float32)
>>> layer.alpha.shape
(2,)
"""

from __future__ import annotations

from typing import Any

from tholos import constraints, initializers, ops, regularizers
from tholos.errors import OpInputError
from tholos.layers._deps import InputSpec, Layer


class PReLU(Layer):
    """Leaky ReLU with a learned slope ``alpha`` per input element (shared along
    ``shared_axes``): ``f(x) = x`` for ``x >= 0`` and ``alpha * x`` otherwise."""

    def __init__(
        self,
        alpha_initializer: Any = "Zeros",
        alpha_regularizer: Any = None,
        alpha_constraint: Any = None,
        shared_axes: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif isinstance(shared_axes, (list, tuple)):
            self.shared_axes = list(shared_axes)
        else:
            self.shared_axes = [shared_axes]

    def build(self, input_shape: tuple) -> None:
        ndim = len(input_shape)
        shape = list(input_shape[1:])
        shared = set()
        for ax in self.shared_axes or ():
            if not 1 <= ax < ndim:
                raise OpInputError(
                    f"PReLU '{self.name}': `shared_axes` must name non-batch axes of the input.",
                    expected=f"axes in [1, {ndim})",
                    received=f"shared_axes={self.shared_axes}, input shape {tuple(input_shape)}",
                )
            shape[ax - 1] = 1
            shared.add(ax)
        if any(d is None for d in shape):
            raise OpInputError(
                f"PReLU '{self.name}': every non-shared axis must have a known size.",
                expected="known sizes (or list unknown axes in shared_axes)",
                received=f"input shape {tuple(input_shape)}",
            )
        self.alpha = self.add_weight(
            name="alpha",
            shape=tuple(shape),
            initializer=self.alpha_initializer,
            regularizer=self.alpha_regularizer,
            constraint=self.alpha_constraint,
        )
        axes = {i: input_shape[i] for i in range(1, ndim) if i not in shared}
        self.input_spec = InputSpec(ndim=ndim, axes=axes)
        self.built = True

    def call(self, inputs: Any) -> Any:
        positive = ops.relu(inputs)
        negative = ops.multiply(ops.negative(self.alpha), ops.relu(ops.negative(inputs)))
        return ops.add(positive, negative)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                "alpha_constraint": constraints.serialize(self.alpha_constraint),
                "shared_axes": self.shared_axes,
            }
        )
        return config
