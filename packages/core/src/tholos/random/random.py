"""The public random functions: resolve the seed, then sample.

With the portable generator (the default, ``tholos.config.random_generator() == "portable"``)
the samples are computed in core from Threefry bits (:mod:`tholos.random.portable`), the same
on every backend; with ``"native"`` the backend's own stateless op is called.
"""

from __future__ import annotations

from typing import Any

from tholos.backend import _state
from tholos.backend._symbolic import KerasTensor, compute_output_spec
from tholos.backend.common.axes import shape_tuple
from tholos.backend.dtypes import floatx, standardize_dtype
from tholos.errors import OpInputError
from tholos.random import portable as _portable
from tholos.random.seed_generator import draw_seed


def _native() -> bool:
    from tholos import config

    return config.random_generator() == "native"


def _backend_random():
    """The sampler family to call: the backend's (native) or the portable one."""
    return _state.current().random if _native() else _portable


def _shape(shape: Any, fn: str) -> tuple[int, ...]:
    return shape_tuple(shape, fn, prefix="random")


def _float_dtype(dtype: Any, fn: str) -> str:
    name = standardize_dtype(dtype or floatx())
    if not name.startswith(("float", "bfloat")):
        raise OpInputError(
            f"random.{fn} produces floats.",
            expected="a float dtype",
            received=repr(dtype),
            hint="Use random.randint for integers." if fn == "uniform" else None,
        )
    return name


def _int_dtype(dtype: Any) -> str:
    name = standardize_dtype(dtype)
    if not name.startswith(("int", "uint")):
        raise OpInputError(
            "random.randint: needs an integer dtype.",
            expected="an int or uint dtype",
            received=f"dtype={dtype!r}",
            hint="Use random.uniform for floats.",
        )
    return name


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from a normal distribution.

    >>> from tholos import random
    >>> tuple(random.normal((2, 3), seed=1).shape)
    (2, 3)
    """
    return _backend_random().normal(
        _shape(shape, "normal"),
        mean=mean,
        stddev=stddev,
        dtype=_float_dtype(dtype, "normal"),
        seed=draw_seed(seed),
    )


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Samples from a uniform distribution on ``[minval, maxval)``.

    >>> from tholos import random, ops
    >>> x = random.uniform((1000,), minval=2.0, maxval=3.0, seed=0)
    >>> bool(ops.all(x >= 2.0)) and bool(ops.all(x < 3.0))
    True
    """
    return _backend_random().uniform(
        _shape(shape, "uniform"),
        minval=minval,
        maxval=maxval,
        dtype=_float_dtype(dtype, "uniform"),
        seed=draw_seed(seed),
    )


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from a normal distribution, re-drawing values beyond two standard deviations.

    >>> from tholos import random, ops
    >>> x = random.truncated_normal((1000,), seed=3)
    >>> bool(ops.all(ops.abs(x) <= 2.0))
    True
    """
    return _backend_random().truncated_normal(
        _shape(shape, "truncated_normal"),
        mean=mean,
        stddev=stddev,
        dtype=_float_dtype(dtype, "truncated_normal"),
        seed=draw_seed(seed),
    )


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Random integers in ``[minval, maxval)``.

    >>> from tholos import random, ops
    >>> x = random.randint((100,), 0, 3, seed=0)
    >>> sorted(set(ops.convert_to_numpy(x).tolist()))
    [0, 1, 2]
    """
    return _backend_random().randint(
        _shape(shape, "randint"),
        minval=minval,
        maxval=maxval,
        dtype=_int_dtype(dtype),
        seed=draw_seed(seed),
    )


def categorical(logits, num_samples, dtype="int32", seed=None):
    """Draws ``num_samples`` class indices per row of ``logits`` (unnormalised log-probs).

    >>> from tholos import random, ops
    >>> s = random.categorical([[-1e9, 0.0]], 5, seed=0)
    >>> ops.convert_to_numpy(s).tolist()
    [[1, 1, 1, 1, 1]]
    """
    if isinstance(logits, KerasTensor):
        return KerasTensor((logits.shape[0], num_samples), dtype=dtype)
    return _backend_random().categorical(
        logits, num_samples, dtype=standardize_dtype(dtype), seed=draw_seed(seed)
    )


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zeroes each element with probability ``rate``; scales the rest by ``1 / (1 - rate)``.

    >>> from tholos import random, ops
    >>> y = ops.convert_to_numpy(random.dropout(ops.ones((1000,)), 0.5, seed=0))
    >>> sorted(set(y.tolist()))
    [0.0, 2.0]
    """
    if isinstance(inputs, KerasTensor):
        return KerasTensor(inputs.shape, dtype=inputs.dtype)
    if not 0.0 <= float(rate) < 1.0:
        raise OpInputError(
            "random.dropout: rate must be in [0, 1).",
            expected="0 <= rate < 1",
            received=repr(rate),
        )
    return _backend_random().dropout(inputs, rate, noise_shape=noise_shape, seed=draw_seed(seed))


def shuffle(x, axis=0, seed=None):
    """Shuffles ``x`` along ``axis``.

    >>> from tholos import random, ops
    >>> sorted(ops.convert_to_numpy(random.shuffle(ops.arange(5), seed=0)).tolist())
    [0, 1, 2, 3, 4]
    """
    if isinstance(x, KerasTensor):
        return compute_output_spec(lambda v: v, x)
    return _backend_random().shuffle(x, axis=axis, seed=draw_seed(seed))


def gamma(shape, alpha, dtype=None, seed=None):
    """Samples from a Gamma(``alpha``, 1) distribution.

    >>> from tholos import random
    >>> tuple(random.gamma((3,), alpha=2.0, seed=0).shape)
    (3,)
    """
    return _backend_random().gamma(
        _shape(shape, "gamma"), alpha, dtype=_float_dtype(dtype, "gamma"), seed=draw_seed(seed)
    )


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Samples from a Beta(``alpha``, ``beta``) distribution.

    >>> from tholos import random, ops
    >>> x = random.beta((100,), 2.0, 3.0, seed=0)
    >>> bool(ops.all((x > 0) & (x < 1)))
    True
    """
    return _backend_random().beta(
        _shape(shape, "beta"),
        alpha,
        beta,
        dtype=_float_dtype(dtype, "beta"),
        seed=draw_seed(seed),
    )


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Samples from a Binomial(``counts``, ``probabilities``) distribution (as floats).

    >>> from tholos import random, ops
    >>> x = random.binomial((50,), counts=4, probabilities=0.5, seed=0)
    >>> bool(ops.all((x >= 0) & (x <= 4)))
    True
    """
    return _backend_random().binomial(
        _shape(shape, "binomial"),
        counts,
        probabilities,
        dtype=_float_dtype(dtype, "binomial"),
        seed=draw_seed(seed),
    )
