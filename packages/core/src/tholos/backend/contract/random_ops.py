"""The random op family: stateless sampling from an explicit seed.

Every function takes ``seed``: a uint32 tensor of shape ``(2,)``. The public front end
(:mod:`tholos.random`) turns ints, ``None`` and ``SeedGenerator`` objects into such a tensor
before calling the backend, so backends never see anything else. The same seed gives the same
values on the same backend; different seeds give independent streams. Values are not
required to agree across backends (their moments are).

These are the backend's *native* samplers: ``tholos.random`` calls them only when
``tholos.config.random_generator() == "native"``. By default it uses the portable generator
(Threefry-2x32-20 computed in core with the integer ops, :mod:`tholos.random.portable`), which
needs no random op from the backend but relies on ``uint32`` ``add`` wrapping modulo ``2**32``
and on ``left_shift``/``right_shift`` dropping the bits shifted out (see docs/randomness.md).

``dtype=None`` means ``floatx()`` for float samplers. Results have exactly ``shape``.

Optional hooks (a backend may define them as attributes of ``backend.random``; core works
without them, and they are not part of validation nor of :mod:`tholos.ops`):

``threefry_block(seed, shape) -> (y0, y1)``
    The portable generator's Threefry-2x32-20 block, fused: ``seed`` is the backend's native
    ``uint32`` tensor of shape ``(2,)`` (the key ``(k0, k1)``; a tracer or graph tensor inside
    a compiled step), ``shape`` a tuple of Python ints with fewer than ``2**32`` elements
    (core checks). Returns two native ``uint32`` tensors of ``shape``: element ``i``
    (row-major) of ``(y0, y1)`` is ``threefry2x32((k0, k1), counter=(0, i))``. It must give
    exactly the bits of :func:`tholos.random.threefry.reference_block` (the op-composed
    version every other backend runs), on every device, eagerly and inside the backend's
    compiled steps (``jax.jit``, ``tf.function``, ``torch.compile``). The bits are never
    differentiated. :func:`tholos.random.threefry.block` (uniforms, splits) calls it instead
    of ~130 ``ops`` calls.
``threefry_bits(seed, shape) -> bits``
    ``y0 ^ y1`` of ``threefry_block`` (what :func:`tholos.random.threefry.random_bits`,
    hence ``uniform``/``dropout``/``randint``, draws). Optional even with ``threefry_block``:
    core then xors the two words with ``ops.bitwise_xor``.

The built-in backends define both in their ``_threefry.py`` (NumPy: in-place ``uint32``
ndarrays; JAX: one ``jax.jit`` function per shape; TensorFlow: one ``tf.function`` for every
shape eagerly, inline ops inside a graph; torch: in-place ``int64`` ops). Their tests check
them against the reference and Random123's known-answer vectors.
"""

from __future__ import annotations

from typing import Any, Protocol

from tholos.backend.contract._spec import Tensor, op


class RandomOps(Protocol):
    @op(tier="random", differentiable=False)
    def normal(
        self,
        shape: Any,
        mean: Any = 0.0,
        stddev: Any = 1.0,
        dtype: str | None = None,
        seed: Any = None,
    ) -> Tensor:
        """Samples from a normal distribution with ``mean`` and ``stddev`` (float dtype).

        >>> from tholos import random
        >>> x = random.normal((2, 3), seed=1)
        >>> ops.shape(x), ops.dtype(x)
        ((2, 3), 'float32')
        >>> y = random.normal((2, 3), seed=1)
        >>> bool(np.all(ops.convert_to_numpy(x) == ops.convert_to_numpy(y)))
        True
        """
        ...

    @op(tier="random", differentiable=False)
    def uniform(
        self,
        shape: Any,
        minval: Any = 0.0,
        maxval: Any = 1.0,
        dtype: str | None = None,
        seed: Any = None,
    ) -> Tensor:
        """Samples uniform on ``[minval, maxval)`` (float dtypes only: use :meth:`randint` for
        integers; an int ``dtype`` raises ``OpInputError``).

        >>> from tholos import random
        >>> x = ops.convert_to_numpy(random.uniform((1000,), minval=2.0, maxval=3.0, seed=0))
        >>> bool(x.min() >= 2.0 and x.max() < 3.0), x.dtype
        (True, dtype('float32'))
        """
        ...

    @op(tier="random", differentiable=False)
    def truncated_normal(
        self,
        shape: Any,
        mean: Any = 0.0,
        stddev: Any = 1.0,
        dtype: str | None = None,
        seed: Any = None,
    ) -> Tensor:
        """Normal samples restricted to within two ``stddev`` of ``mean``: samples falling
        outside are drawn again (the result follows the truncated distribution; its standard
        deviation is about ``0.88 * stddev``).

        >>> from tholos import random
        >>> x = ops.convert_to_numpy(random.truncated_normal((1000,), stddev=0.5, seed=3))
        >>> bool(np.abs(x).max() <= 1.0)
        True
        """
        ...

    @op(tier="random", differentiable=False)
    def randint(
        self, shape: Any, minval: Any, maxval: Any, dtype: str = "int32", seed: Any = None
    ) -> Tensor:
        """Integers uniform on ``[minval, maxval)`` with an integer ``dtype``.

        >>> from tholos import random
        >>> x = ops.convert_to_numpy(random.randint((100,), 0, 3, seed=7))
        >>> sorted(set(x.tolist())), x.dtype
        ([0, 1, 2], dtype('int32'))
        """
        ...

    @op(tier="random", differentiable=False)
    def categorical(
        self, logits: Any, num_samples: int, dtype: str = "int32", seed: Any = None
    ) -> Tensor:
        """Class indices drawn from the unnormalised log-probabilities ``logits``.

        ``logits``: ``(batch, classes)``; returns ``(batch, num_samples)`` of ``dtype``.
        Classes with logit ``-inf`` are never drawn.

        >>> from tholos import random
        >>> x = random.categorical(np.array([[-np.inf, 0.0, -np.inf]]), 5, seed=0)
        >>> ops.convert_to_numpy(x)
        array([[1, 1, 1, 1, 1]], dtype=int32)
        """
        ...

    @op(tier="random")
    def dropout(
        self, inputs: Any, rate: float, noise_shape: Any = None, seed: Any = None
    ) -> Tensor:
        """Zero each entry of ``inputs`` with probability ``rate``; scale the kept ones by
        ``1 / (1 - rate)`` (so the expectation is unchanged; ``rate=1`` gives all zeros).

        ``noise_shape`` (default ``inputs.shape``; ``None`` entries take the input's size)
        is the shape of the keep/drop mask, broadcast over ``inputs``. Keeps the dtype of
        ``inputs``; differentiable with respect to ``inputs`` (through the same mask). A rate
        outside ``[0, 1]`` raises ``OpInputError``.

        >>> from tholos import random
        >>> y = ops.convert_to_numpy(random.dropout(np.ones(1000), 0.5, seed=1))
        >>> sorted(set(y.tolist()))
        [0.0, 2.0]
        """
        ...

    @op(tier="random", differentiable=False)
    def shuffle(self, x: Any, axis: int = 0, seed: Any = None) -> Tensor:
        """A random permutation of ``x`` along ``axis`` (whole slices move together).

        >>> from tholos import random
        >>> y = ops.convert_to_numpy(random.shuffle(np.arange(10), seed=2))
        >>> sorted(y.tolist()) == list(range(10))
        True
        """
        ...

    @op(tier="random", differentiable=False)
    def gamma(self, shape: Any, alpha: Any, dtype: str | None = None, seed: Any = None) -> Tensor:
        """Samples from a Gamma distribution with concentration ``alpha`` and scale 1
        (mean ``alpha``, variance ``alpha``).

        >>> from tholos import random
        >>> x = random.gamma((2, 2), alpha=2.0, seed=0)
        >>> ops.shape(x), ops.dtype(x)
        ((2, 2), 'float32')
        """
        ...

    @op(tier="random", differentiable=False)
    def beta(
        self, shape: Any, alpha: Any, beta: Any, dtype: str | None = None, seed: Any = None
    ) -> Tensor:
        """Samples from a Beta(``alpha``, ``beta``) distribution on ``[0, 1]``
        (mean ``alpha / (alpha + beta)``).

        >>> from tholos import random
        >>> x = ops.convert_to_numpy(random.beta((100,), 2.0, 3.0, seed=0))
        >>> bool(x.min() >= 0.0 and x.max() <= 1.0)
        True
        """
        ...

    @op(tier="random", differentiable=False)
    def binomial(
        self,
        shape: Any,
        counts: Any,
        probabilities: Any,
        dtype: str | None = None,
        seed: Any = None,
    ) -> Tensor:
        """Number of successes in ``counts`` trials of probability ``probabilities``, as floats
        of ``dtype`` (``counts`` and ``probabilities`` broadcast against ``shape``).

        >>> from tholos import random
        >>> x = ops.convert_to_numpy(random.binomial((50,), counts=5, probabilities=0.5, seed=0))
        >>> bool(x.min() >= 0 and x.max() <= 5), x.dtype
        (True, dtype('float32'))
        """
        ...
