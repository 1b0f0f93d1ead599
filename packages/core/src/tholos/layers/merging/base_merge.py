"""The base of the element-wise merge layers (Add, Subtract, Multiply, Average, ...)."""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.errors import OpInputError
from tholos.layers._deps import Layer


def _shape_list(input_shape: Any, layer: Layer) -> list[tuple]:
    if (
        not isinstance(input_shape, (list, tuple))
        or not input_shape
        or not all(isinstance(s, (list, tuple)) for s in input_shape)
    ):
        raise OpInputError(
            f"{type(layer).__name__} '{layer.name}': a merge layer takes a list of inputs.",
            expected="a list of at least 1 tensor",
            received=f"input shape {input_shape!r}",
            hint=f"Call it as {type(layer).__name__}()([x1, x2]).",
        )
    return [tuple(s) for s in input_shape]


def broadcast_dim(a: int | None, b: int | None) -> int | bool | None:
    """Broadcast two axis lengths; ``False`` when they cannot broadcast."""
    if a is None or b is None:
        return b if a == 1 else a if b == 1 else None
    if a == 1:
        return b
    if b == 1 or a == b:
        return a
    return False


class Merge(Layer):
    """Combines a list of tensors element-wise; inputs of lower rank get length-1 axes
    inserted after the batch axis, then everything broadcasts."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self._expand = None

    def _merge_function(self, inputs: list) -> Any:
        raise NotImplementedError

    def _check_count(self, shapes: list[tuple]) -> None:
        """Subclasses with a fixed input count override this."""

    def build(self, input_shape: Any) -> None:
        shapes = _shape_list(input_shape, self)
        self._check_count(shapes)
        self.compute_output_shape(shapes)  # raises on incompatible shapes
        ranks = [len(s) for s in shapes]
        top = max(ranks)
        self._expand = [top - r for r in ranks] if len(set(ranks)) > 1 else None
        self.built = True

    def call(self, inputs: Any) -> Any:
        inputs = list(inputs)
        if self._expand is not None:
            expanded = []
            for x, n in zip(inputs, self._expand):
                for _ in range(n):
                    x = ops.expand_dims(x, 1)
                expanded.append(x)
            inputs = expanded
        return self._merge_function(inputs)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shapes = _shape_list(input_shape, self)
        top = max(len(s) for s in shapes)
        batch = {s[0] for s in shapes if s} - {None}
        if len(batch) > 1:
            raise OpInputError(
                f"{type(self).__name__} '{self.name}': inputs have different batch sizes.",
                expected="one batch size",
                received=f"input shapes {shapes}",
            )
        out: list = [None] * (top - 1)
        first = True
        for s in shapes:
            if not s:
                continue
            rest = (1,) * (top - len(s)) + tuple(s[1:])
            if first:
                out, first = list(rest), False
                continue
            for i, d in enumerate(rest):
                merged = broadcast_dim(out[i], d)
                if merged is False:
                    raise OpInputError(
                        f"{type(self).__name__} '{self.name}': inputs have incompatible shapes.",
                        expected="shapes that broadcast after the batch axis",
                        received=f"input shapes {shapes}",
                    )
                out[i] = merged
        return (next(iter(batch)) if batch else None, *out)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None:
            return None
        masks = [m for m in mask if m is not None]
        if not masks:
            return None
        combined = masks[0]
        for m in masks[1:]:
            combined = ops.logical_and(combined, m)
        return combined

    def get_config(self) -> dict:
        return super().get_config()
