"""Normalization (feature-wise standardization with statistics set or learned by ``adapt``).

>>> import numpy as np
>>> from tholos.layers import Normalization
>>> layer = Normalization()
>>> layer.adapt(np.array([[1.0], [3.0]]))
>>> np.asarray(layer(np.array([[1.0], [5.0]], "float32")))
array([[-1.],
       [ 3.]], dtype=float32)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from tholos import ops
from tholos.errors import ConfigError, OpInputError
from tholos.layers._deps import Layer


def _epsilon() -> float:
    try:
        from tholos import config

        return float(config.epsilon())
    except (ImportError, AttributeError):
        return 1e-7


class Normalization(Layer):
    """``(x - mean) / max(sqrt(variance), epsilon)`` per index of ``axis`` (``invert=True``
    applies the inverse: ``mean + x * max(sqrt(variance), epsilon)``).

    ``axis``: the axes that keep their own statistics (int, tuple, or ``None`` for one scalar
    mean and variance). Either pass ``mean`` and ``variance`` or call :meth:`adapt` with data
    (a NumPy array, or an iterable of batches). Learned statistics are the non-trainable
    weights ``mean`` and ``variance``.
    """

    def __init__(
        self,
        axis: Any = -1,
        mean: Any = None,
        variance: Any = None,
        invert: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        else:
            axis = tuple(axis)
        self.axis = axis
        if (mean is None) != (variance is None):
            raise ConfigError(
                "Normalization: set both `mean` and `variance`, or neither.",
                expected="mean and variance both given (or both None)",
                received=f"mean={mean!r}, variance={variance!r}",
            )
        self.input_mean = mean
        self.input_variance = variance
        self.invert = bool(invert)
        self.supports_masking = True
        self.mean = None
        self.variance = None
        self._fixed = None  # (mean, denominator) tensors when statistics were given

    # -- build ---------------------------------------------------------------------------------

    def build(self, input_shape: tuple) -> None:
        input_shape = tuple(input_shape)
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise OpInputError(
                f"Normalization '{self.name}': `axis` is out of range for the input.",
                expected=f"axes in [{-ndim}, {ndim})",
                received=f"axis={self.axis}, input shape {input_shape}",
            )
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        if any(input_shape[d] is None for d in self._keep_axis):
            raise OpInputError(
                f"Normalization '{self.name}': the kept axes must have known sizes.",
                expected=f"known sizes on axes {self._keep_axis}",
                received=f"input shape {input_shape}",
            )
        self._stat_shape = tuple(input_shape[d] for d in self._keep_axis)
        self._broadcast_shape = tuple(
            input_shape[d] if d in self._keep_axis else 1 for d in range(ndim)
        )
        self._build_shape = input_shape
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(
                name="mean", shape=self._stat_shape, initializer="zeros", trainable=False
            )
            self.adapt_variance = self.add_weight(
                name="variance", shape=self._stat_shape, initializer="ones", trainable=False
            )
            # Keras 3 keeps a third, scalar int ``count`` (left at 0) so that weight lists and
            # weight files have its three entries: mean, variance, count.
            self.count = self.add_weight(
                name="count", shape=(), dtype="int32", initializer="zeros", trainable=False
            )
        else:
            mean = np.broadcast_to(np.asarray(self.input_mean, "float64"), self._broadcast_shape)
            var = np.broadcast_to(np.asarray(self.input_variance, "float64"), self._broadcast_shape)
            self._fixed = (mean, np.maximum(np.sqrt(var), _epsilon()))
            self.mean, self.variance = mean, var
        self.built = True

    # -- adapt ---------------------------------------------------------------------------------

    def _batches(self, data: Any) -> Iterable[np.ndarray]:
        if isinstance(data, (list, tuple)) or hasattr(data, "shape") or hasattr(data, "__array__"):
            yield np.asarray(data)
            return
        for batch in data:
            if isinstance(batch, (tuple, list)) and hasattr(batch[0], "shape"):
                batch = batch[0]  # (x, y) or (x, y, sample_weight) batches: use x
            yield np.asarray(batch)

    def adapt(self, data: Any, batch_size: Any = None, steps: int | None = None) -> None:
        """Learn ``mean`` and ``variance`` from ``data`` (array or iterable of batches)."""
        if self.input_mean is not None:
            raise OpInputError(
                f"Normalization '{self.name}': cannot adapt a layer given fixed statistics.",
                expected="mean=None and variance=None",
                received="mean and variance set",
            )
        count = 0
        mean = m2 = None
        for i, batch in enumerate(self._batches(data)):
            if steps is not None and i >= steps:
                break
            batch = batch.astype("float64")
            if not self.built:
                self.build((None, *batch.shape[1:]))
            self._check_adapt_shape(batch.shape)
            n = int(np.prod([batch.shape[d] for d in self._reduce_axis], dtype=np.int64))
            if n == 0:
                continue
            b_mean = batch.mean(axis=self._reduce_axis)
            b_m2 = ((batch - b_mean.reshape(self._broadcast_shape)) ** 2).sum(
                axis=self._reduce_axis
            )
            if mean is None:
                count, mean, m2 = n, b_mean, b_m2
            else:  # Chan et al.'s pairwise combination
                total = count + n
                delta = b_mean - mean
                mean = mean + delta * (n / total)
                m2 = m2 + b_m2 + delta**2 * (count * n / total)
                count = total
        if mean is None:
            raise OpInputError(
                f"Normalization '{self.name}': adapt() received no data.",
                expected="at least one non-empty batch",
                received=repr(type(data).__name__),
            )
        self.adapt_mean.assign(mean.reshape(self._stat_shape).astype(self.adapt_mean.dtype))
        self.adapt_variance.assign(
            (m2 / count).reshape(self._stat_shape).astype(self.adapt_variance.dtype)
        )

    def _check_adapt_shape(self, shape: tuple) -> None:
        if len(shape) != len(self._build_shape) or any(
            shape[d] != self._build_shape[d] for d in self._keep_axis
        ):
            raise OpInputError(
                f"Normalization '{self.name}': adapt() data does not match the layer's shape.",
                expected=f"rank {len(self._build_shape)} and sizes "
                f"{self._stat_shape} on axes {self._keep_axis}",
                received=f"batch of shape {tuple(shape)}",
            )

    # -- call ----------------------------------------------------------------------------------

    def call(self, inputs: Any) -> Any:
        dtype = getattr(self, "compute_dtype", None) or "float32"
        inputs = ops.cast(inputs, dtype)
        if self._fixed is not None:
            mean, denom = (ops.cast(v, dtype) for v in self._fixed)
        else:
            mean = ops.cast(ops.reshape(self.adapt_mean, self._broadcast_shape), dtype)
            var = ops.cast(ops.reshape(self.adapt_variance, self._broadcast_shape), dtype)
            denom = ops.maximum(ops.sqrt(var), _epsilon())
        if self.invert:
            return ops.add(mean, ops.multiply(inputs, denom))
        return ops.divide(ops.subtract(inputs, mean), denom)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "axis": self.axis,
                "invert": self.invert,
                "mean": None if self.input_mean is None else np.asarray(self.input_mean).tolist(),
                "variance": None
                if self.input_variance is None
                else np.asarray(self.input_variance).tolist(),
            }
        )
        return config
