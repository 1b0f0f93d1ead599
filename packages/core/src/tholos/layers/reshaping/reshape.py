"""``Reshape``: give the non-batch axes a new shape."""

from __future__ import annotations

import math
from typing import Any

from tholos import ops
from tholos.errors import OpInputError
from tholos.layers.layer import Layer
from tholos.saving.serialization import register_builtin


@register_builtin("tholos.layers")
class Reshape(Layer):
    """Reshape inputs to ``(batch,) + target_shape``; one entry of ``target_shape`` may be
    ``-1`` (inferred).

    >>> import numpy as np
    >>> Reshape((2, -1))(np.zeros((5, 6))).shape
    (5, 2, 3)
    """

    def __init__(self, target_shape: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        target_shape = tuple(int(d) for d in target_shape)
        if sum(1 for d in target_shape if d == -1) > 1 or any(
            d < -1 or d == 0 for d in target_shape
        ):
            raise OpInputError(
                f"Reshape '{self.name}': invalid target_shape.",
                expected="positive sizes, with at most one -1",
                received=str(target_shape),
            )
        self.target_shape = target_shape
        self.built = True

    def _resolve(self, input_shape: tuple) -> tuple:
        rest = input_shape[1:]
        if -1 not in self.target_shape:
            if all(d is not None for d in rest) and math.prod(rest) != math.prod(self.target_shape):
                raise self._size_error(input_shape)
            return self.target_shape
        if any(d is None for d in rest):
            return tuple(None if d == -1 else d for d in self.target_shape)
        known = math.prod(d for d in self.target_shape if d != -1)
        total = math.prod(rest)
        if known == 0 or total % known:
            raise self._size_error(input_shape)
        return tuple(total // known if d == -1 else d for d in self.target_shape)

    def _size_error(self, input_shape: tuple) -> OpInputError:
        return OpInputError(
            f"Reshape '{self.name}': the total size cannot change.",
            expected=f"inputs whose non-batch size fits target_shape={self.target_shape}",
            received=f"input shape {input_shape}",
        )

    def call(self, inputs: Any) -> Any:
        shape = tuple(inputs.shape)
        return ops.reshape(inputs, (shape[0],) + self._resolve(shape))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        return (input_shape[0],) + self._resolve(input_shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["target_shape"] = self.target_shape
        return config
