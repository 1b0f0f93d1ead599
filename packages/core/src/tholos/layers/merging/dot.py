"""Dot.

>>> import numpy as np
>>> from tholos.layers import Dot
>>> a = np.array([[1.0, 2.0]], "float32"); b = np.array([[3.0, 4.0]], "float32")
>>> np.asarray(Dot(axes=1)([a, b]))
array([[11.]], dtype=float32)
"""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.errors import ConfigError, OpInputError
from tholos.layers._deps import Layer
from tholos.layers.merging.base_merge import _shape_list


def _l2_normalize(x: Any, axis: int) -> Any:
    square_sum = ops.sum(ops.square(x), axis=axis, keepdims=True)
    return ops.multiply(x, ops.rsqrt(ops.maximum(square_sum, 1e-12)))


def batch_dot(x: Any, y: Any, axes: tuple[int, int]) -> Any:
    """Per-example contraction of ``x`` axis ``axes[0]`` with ``y`` axis ``axes[1]``.

    Result shape: ``(batch, *x_rest, *y_rest)``, or ``(batch, 1)`` when both rests are empty.
    """
    xs, ys = tuple(x.shape), tuple(y.shape)
    x = ops.moveaxis(x, axes[0], -1)
    y = ops.moveaxis(y, axes[1], 1)
    x_rest = tuple(d for i, d in enumerate(xs) if i not in (0, axes[0]))
    y_rest = tuple(d for i, d in enumerate(ys) if i not in (0, axes[1]))
    k = xs[axes[0]]
    nx = 1
    for d in x_rest:
        nx *= d
    ny = 1
    for d in y_rest:
        ny *= d
    out = ops.matmul(ops.reshape(x, (-1, nx, k)), ops.reshape(y, (-1, k, ny)))
    rest = x_rest + y_rest
    return ops.reshape(out, (-1, *(rest if rest else (1,))))


class Dot(Layer):
    """Dot product of two inputs along ``axes`` (per example); ``normalize=True`` L2-normalizes
    both first, giving cosine similarity."""

    def __init__(self, axes: Any, normalize: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(axes, int):
            pass
        elif (
            isinstance(axes, (list, tuple))
            and len(axes) == 2
            and all(isinstance(a, int) for a in axes)
        ):
            axes = tuple(axes)
        else:
            raise ConfigError(
                "Dot: invalid `axes`.",
                expected="an int or a pair of ints",
                received=f"axes={axes!r}",
            )
        self.axes = axes
        self.normalize = bool(normalize)
        self.supports_masking = True

    def _resolve(self, shapes: list[tuple]) -> tuple[int, int]:
        pair = (self.axes, self.axes) if isinstance(self.axes, int) else self.axes
        return tuple(a % len(s) for a, s in zip(pair, shapes))

    def _check(self, input_shape: Any) -> tuple[list[tuple], tuple[int, int]]:
        shapes = _shape_list(input_shape, self)
        if len(shapes) != 2:
            raise OpInputError(
                f"Dot '{self.name}': takes exactly 2 inputs.",
                expected="a list of 2 tensors",
                received=f"{len(shapes)} inputs",
            )
        axes = self._resolve(shapes)
        if 0 in axes:
            raise OpInputError(
                f"Dot '{self.name}': cannot contract the batch axis.",
                expected="axes other than 0",
                received=f"axes={self.axes}",
            )
        a, b = shapes[0][axes[0]], shapes[1][axes[1]]
        if a is not None and b is not None and a != b:
            raise OpInputError(
                f"Dot '{self.name}': the contracted axes differ in size.",
                expected=f"shape1[{axes[0]}] == shape2[{axes[1]}]",
                received=f"input shapes {shapes} ({a} != {b})",
            )
        return shapes, axes

    def build(self, input_shape: Any) -> None:
        self._check(input_shape)
        self.built = True

    def call(self, inputs: Any) -> Any:
        x, y = inputs
        axes = self._resolve([tuple(x.shape), tuple(y.shape)])
        if self.normalize:
            x = _l2_normalize(x, axes[0])
            y = _l2_normalize(y, axes[1])
        return batch_dot(x, y, axes)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shapes, axes = self._check(input_shape)
        s1 = [d for i, d in enumerate(shapes[0]) if i != axes[0]]
        s2 = [d for i, d in enumerate(shapes[1]) if i not in (0, axes[1])]
        out = s1 + s2
        if len(out) == 1:
            out.append(1)
        return tuple(out)

    def compute_mask(self, inputs: Any, mask: Any = None) -> None:
        return None

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"axes": self.axes, "normalize": self.normalize})
        return config
