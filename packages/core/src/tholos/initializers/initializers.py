"""Weight initializers: callables ``initializer(shape, dtype=None) -> tensor``.

>>> import numpy as np
>>> np.asarray(Constant(2.0)((2,)))
array([2., 2.], dtype=float32)
>>> w = GlorotUniform(seed=1)((100, 50))
>>> bool(np.abs(np.asarray(w)).max() <= np.sqrt(6 / 150))
True
"""

from __future__ import annotations

import math
import random as _pyrandom
from typing import Any

from tholos import ops
from tholos import random as trandom
from tholos.backend.dtypes import FLOAT_TYPES, floatx, standardize_dtype
from tholos.errors import ConfigError, DtypeError
from tholos.saving.serialization import register_builtin

_MODULE = "tholos.initializers"
_register = register_builtin(_MODULE)


def _shape(shape: Any) -> tuple[int, ...]:
    return tuple(int(d) for d in shape)


def _float_dtype(dtype: Any, who: str) -> str:
    name = standardize_dtype(dtype) if dtype is not None else floatx()
    if name not in FLOAT_TYPES:
        raise DtypeError(
            f"{who} only makes float values.",
            expected=f"one of {FLOAT_TYPES}",
            received=name,
        )
    return name


def compute_fans(shape: Any) -> tuple[float, float]:
    """``(fan_in, fan_out)`` of a weight shape (the last two axes are in/out features; any
    leading axes form the receptive field of a convolution kernel).

    >>> compute_fans((3, 3, 16, 32))
    (144.0, 288.0)
    """
    shape = _shape(shape)
    if not shape:
        return 1.0, 1.0
    if len(shape) == 1:
        return float(shape[0]), float(shape[0])
    if len(shape) == 2:
        return float(shape[0]), float(shape[1])
    field = math.prod(shape[:-2])
    return float(shape[-2] * field), float(shape[-1] * field)


@_register
class Initializer:
    """Base class: subclasses implement ``__call__(shape, dtype=None)``."""

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement __call__.")

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Initializer:
        return cls(**config)

    def clone(self) -> Initializer:
        return type(self).from_config(self.get_config())

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


@_register
class Constant(Initializer):
    """Every element equals ``value`` (a scalar, or an array broadcast to the shape)."""

    def __init__(self, value: Any = 0.0) -> None:
        self.value = value

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        dtype = standardize_dtype(dtype) if dtype is not None else floatx()
        value = ops.cast(ops.convert_to_tensor(self.value), dtype)
        return ops.broadcast_to(value, _shape(shape))

    def get_config(self) -> dict[str, Any]:
        value = self.value
        if hasattr(value, "shape") and not isinstance(value, (int, float)):
            value = ops.convert_to_numpy(value).tolist()
        return {"value": value}


@_register
class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        dtype = standardize_dtype(dtype) if dtype is not None else floatx()
        return ops.zeros(_shape(shape), dtype=dtype)


@_register
class Ones(Initializer):
    """All ones."""

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        dtype = standardize_dtype(dtype) if dtype is not None else floatx()
        return ops.ones(_shape(shape), dtype=dtype)


@_register
class Identity(Initializer):
    """``gain`` times the identity matrix (2D shapes only)."""

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        shape = _shape(shape)
        if len(shape) != 2:
            raise ConfigError(
                "Identity initializer needs a 2D shape.",
                expected="(rows, cols)",
                received=str(shape),
                hint="Use Orthogonal for other ranks.",
            )
        dtype = _float_dtype(dtype, "Identity")
        return ops.multiply(ops.eye(shape[0], shape[1], dtype=dtype), ops.cast(self.gain, dtype))

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain}


IdentityInitializer = Identity


class RandomInitializer(Initializer):
    """Base of seeded initializers.

    ``seed``: an int (the same values on every call), a
    :class:`~tholos.random.SeedGenerator` (new values on every call), or ``None`` (a random
    int seed drawn once, when the initializer is made).
    """

    def __init__(self, seed: Any = None) -> None:
        self._init_seed = seed
        if seed is None:
            seed = _pyrandom.randint(1, 10**9)
        elif isinstance(seed, dict):
            from tholos.saving.serialization import deserialize_object

            seed = deserialize_object(seed)
        elif isinstance(seed, bool) or not isinstance(seed, (int, trandom.SeedGenerator)):
            raise ConfigError(
                f"{type(self).__name__}: invalid seed.",
                expected="an int, a tholos.random.SeedGenerator, or None",
                received=repr(seed),
            )
        self.seed = seed

    def get_config(self) -> dict[str, Any]:
        seed = self._init_seed
        if isinstance(seed, trandom.SeedGenerator):
            from tholos.saving.serialization import serialize_object

            seed = serialize_object(seed)
        return {"seed": seed}


@_register
class RandomNormal(RandomInitializer):
    """Normal distribution with ``mean`` and ``stddev``."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Any = None) -> None:
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        return trandom.normal(
            _shape(shape),
            mean=self.mean,
            stddev=self.stddev,
            dtype=_float_dtype(dtype, "RandomNormal"),
            seed=self.seed,
        )

    def get_config(self) -> dict[str, Any]:
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


@_register
class TruncatedNormal(RandomInitializer):
    """Normal distribution with ``mean`` and ``stddev``, redrawn beyond two stddevs."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Any = None) -> None:
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        return trandom.truncated_normal(
            _shape(shape),
            mean=self.mean,
            stddev=self.stddev,
            dtype=_float_dtype(dtype, "TruncatedNormal"),
            seed=self.seed,
        )

    def get_config(self) -> dict[str, Any]:
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


@_register
class RandomUniform(RandomInitializer):
    """Uniform distribution on ``[minval, maxval)``."""

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: Any = None) -> None:
        self.minval = minval
        self.maxval = maxval
        super().__init__(seed=seed)

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        return trandom.uniform(
            _shape(shape),
            minval=self.minval,
            maxval=self.maxval,
            dtype=_float_dtype(dtype, "RandomUniform"),
            seed=self.seed,
        )

    def get_config(self) -> dict[str, Any]:
        return {"minval": self.minval, "maxval": self.maxval, **super().get_config()}


# stddev of a standard normal truncated to [-2, 2]
_TRUNCATED_STDDEV = 0.87962566103423978

_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


@_register
class VarianceScaling(RandomInitializer):
    """Values with variance ``scale / n``, ``n`` the fan-in, fan-out or their mean.

    ``distribution``: ``"truncated_normal"`` (stddev corrected for the truncation),
    ``"untruncated_normal"`` or ``"uniform"`` (on ``[-limit, limit]``,
    ``limit = sqrt(3 * scale / n)``).
    """

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        seed: Any = None,
    ) -> None:
        if scale <= 0.0:
            raise ConfigError(
                "VarianceScaling: scale must be positive.",
                expected="scale > 0",
                received=repr(scale),
            )
        if mode not in _MODES:
            raise ConfigError(
                "VarianceScaling: invalid mode.", expected=f"one of {_MODES}", received=repr(mode)
            )
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in _DISTRIBUTIONS:
            raise ConfigError(
                "VarianceScaling: invalid distribution.",
                expected=f"one of {_DISTRIBUTIONS}",
                received=repr(distribution),
            )
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        super().__init__(seed=seed)

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        shape = _shape(shape)
        dtype = _float_dtype(dtype, type(self).__name__)
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, n)
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(variance) / _TRUNCATED_STDDEV
            return trandom.truncated_normal(
                shape, mean=0.0, stddev=stddev, dtype=dtype, seed=self.seed
            )
        if self.distribution == "untruncated_normal":
            return trandom.normal(
                shape, mean=0.0, stddev=math.sqrt(variance), dtype=dtype, seed=self.seed
            )
        limit = math.sqrt(3.0 * variance)
        return trandom.uniform(shape, minval=-limit, maxval=limit, dtype=dtype, seed=self.seed)

    def get_config(self) -> dict[str, Any]:
        return {
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            **super().get_config(),
        }


class _FixedVarianceScaling(VarianceScaling):
    _SCALE = 1.0
    _MODE = "fan_in"
    _DIST = "truncated_normal"

    def __init__(self, seed: Any = None) -> None:
        super().__init__(scale=self._SCALE, mode=self._MODE, distribution=self._DIST, seed=seed)

    def get_config(self) -> dict[str, Any]:
        return RandomInitializer.get_config(self)


@_register
class GlorotUniform(_FixedVarianceScaling):
    """Uniform on ``[-limit, limit]``, ``limit = sqrt(6 / (fan_in + fan_out))``."""

    _SCALE, _MODE, _DIST = 1.0, "fan_avg", "uniform"


@_register
class GlorotNormal(_FixedVarianceScaling):
    """Truncated normal with stddev ``sqrt(2 / (fan_in + fan_out))``."""

    _SCALE, _MODE, _DIST = 1.0, "fan_avg", "truncated_normal"


@_register
class HeUniform(_FixedVarianceScaling):
    """Uniform on ``[-limit, limit]``, ``limit = sqrt(6 / fan_in)``."""

    _SCALE, _MODE, _DIST = 2.0, "fan_in", "uniform"


@_register
class HeNormal(_FixedVarianceScaling):
    """Truncated normal with stddev ``sqrt(2 / fan_in)``."""

    _SCALE, _MODE, _DIST = 2.0, "fan_in", "truncated_normal"


@_register
class LecunUniform(_FixedVarianceScaling):
    """Uniform on ``[-limit, limit]``, ``limit = sqrt(3 / fan_in)``."""

    _SCALE, _MODE, _DIST = 1.0, "fan_in", "uniform"


@_register
class LecunNormal(_FixedVarianceScaling):
    """Truncated normal with stddev ``sqrt(1 / fan_in)``."""

    _SCALE, _MODE, _DIST = 1.0, "fan_in", "truncated_normal"


@_register
class Orthogonal(RandomInitializer):
    """A (semi-)orthogonal matrix times ``gain``: the Q factor of a Gaussian matrix's QR
    decomposition, with signs fixed so the result is uniformly distributed. Shapes of rank
    > 2 are treated as ``(prod(shape[:-1]), shape[-1])``."""

    def __init__(self, gain: float = 1.0, seed: Any = None) -> None:
        self.gain = gain
        super().__init__(seed=seed)

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        shape = _shape(shape)
        if len(shape) < 2:
            raise ConfigError(
                "Orthogonal initializer needs a shape of rank >= 2.",
                expected="(rows, cols) or more dimensions",
                received=str(shape),
            )
        dtype = _float_dtype(dtype, "Orthogonal")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        tall = (max(rows, cols), min(rows, cols))
        gaussian = trandom.normal(tall, dtype=dtype, seed=self.seed)
        q, r = ops.qr(gaussian)
        q = ops.multiply(q, ops.sign(ops.diagonal(r)))
        if rows < cols:
            q = ops.transpose(q)
        return ops.multiply(ops.reshape(q, shape), ops.cast(self.gain, dtype))

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain, **super().get_config()}


OrthogonalInitializer = Orthogonal

ALIASES: dict[str, type] = {
    "zeros": Zeros,
    "ones": Ones,
    "constant": Constant,
    "identity": Identity,
    "random_normal": RandomNormal,
    "random_uniform": RandomUniform,
    "truncated_normal": TruncatedNormal,
    "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal,
    "he_uniform": HeUniform,
    "he_normal": HeNormal,
    "lecun_uniform": LecunUniform,
    "lecun_normal": LecunNormal,
    "orthogonal": Orthogonal,
}
