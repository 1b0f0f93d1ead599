"""``MultiHeadAttention``: scaled dot-product attention over several learned projections."""

from __future__ import annotations

import math
import string
from typing import Any

from tholos import constraints, initializers, ops, regularizers
from tholos.backend.dtypes import standardize_dtype
from tholos.errors import ConfigError, OpInputError
from tholos.layers.core.einsum_dense import EinsumDense
from tholos.layers.layer import Layer
from tholos.saving.serialization import register_builtin

_LETTERS = string.ascii_lowercase


def projection_equation(free_dims: int, bound_dims: int, output_dims: int) -> tuple[str, str, int]:
    """Einsum equation of a projection: keep ``free_dims`` leading axes, contract the next
    ``bound_dims`` with the kernel, and append ``output_dims`` new axes.

    Returns ``(equation, bias_axes, output_rank)``.

    >>> projection_equation(2, 1, 2)
    ('abc,cde->abde', 'de', 4)
    """
    free = _LETTERS[:free_dims]
    bound = _LETTERS[free_dims : free_dims + bound_dims]
    new = _LETTERS[free_dims + bound_dims : free_dims + bound_dims + output_dims]
    return f"{free}{bound},{bound}{new}->{free}{new}", new, free_dims + output_dims


def attention_equations(rank: int, attn_axes: tuple[int, ...]) -> tuple[str, str, int]:
    """Einsum equations for scores and for combining values, for projected tensors of ``rank``.

    Query axes are ``(batch..., attended..., heads, key_dim)`` with letters ``a, b, ...``; the
    key/value axes reuse the batch, head and channel letters and get new letters for the
    attended axes. Scores are ``(batch axes and heads, query attended, key attended)``.

    >>> attention_equations(4, (1,))
    ('aecd,abcd->acbe', 'acbe,aecd->abcd', 4)
    """
    target = _LETTERS[:rank]
    batch_dims = [i for i in range(rank) if i not in attn_axes and i != rank - 1]
    source = list(target)
    next_letter = rank
    for i in attn_axes:
        source[i] = _LETTERS[next_letter]
        next_letter += 1
    source = "".join(source)
    scores = (
        "".join(target[i] for i in batch_dims)
        + "".join(target[i] for i in attn_axes)
        + "".join(source[i] for i in attn_axes)
    )
    return f"{source},{target}->{scores}", f"{scores},{source}->{target}", len(scores)


def _large_negative(dtype: str) -> float:
    return -3e4 if standardize_dtype(dtype) == "float16" else -1e9


def _get_mask(x: Any) -> Any:
    try:
        from tholos.layers._masks import get_keras_mask
    except ImportError:  # pragma: no cover
        return getattr(x, "_keras_mask", None)
    return get_keras_mask(x)


@register_builtin("tholos.layers")
class MultiHeadAttention(Layer):
    """Multi-head attention (Vaswani et al., 2017) with Keras 3's weights and arguments.

    ``query`` ``(B, T, dim)``, ``value`` ``(B, S, dim_v)`` and ``key`` (defaults to ``value``)
    are projected by the ``EinsumDense`` sublayers ``query``, ``key`` and ``value`` into
    ``(B, T, num_heads, key_dim)`` etc.; scores ``softmax(q k / sqrt(key_dim))`` (masked by
    ``attention_mask``, ``use_causal_mask`` and the inputs' masks) weight the values, and
    ``attention_output`` maps the heads back to ``output_shape`` (default: the query's last
    dimension). ``attention_axes`` chooses the attended axes of higher-rank inputs.

    >>> import numpy as np
    >>> layer = MultiHeadAttention(num_heads=2, key_dim=3)
    >>> x = np.ones((1, 4, 5), "float32")
    >>> out, scores = layer(x, x, return_attention_scores=True)
    >>> ops.convert_to_numpy(out).shape, ops.convert_to_numpy(scores).shape
    ((1, 4, 5), (1, 2, 4, 4))
    """

    def __init__(
        self,
        num_heads: int,
        key_dim: int,
        value_dim: int | None = None,
        dropout: float = 0.0,
        use_bias: bool = True,
        output_shape: Any = None,
        attention_axes: Any = None,
        flash_attention: bool | None = None,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        for arg, value in (("num_heads", num_heads), ("key_dim", key_dim)):
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ConfigError(
                    f"MultiHeadAttention: `{arg}` must be a positive integer.",
                    expected="an int > 0",
                    received=f"{arg}={value!r}",
                )
        if not 0.0 <= float(dropout) <= 1.0:
            raise ConfigError(
                "MultiHeadAttention: `dropout` must be a fraction in [0, 1].",
                expected="a float in [0, 1]",
                received=f"dropout={dropout!r}",
            )
        self.supports_masking = True
        self._num_heads = num_heads
        self._key_dim = key_dim
        self._value_dim = value_dim if value_dim else key_dim
        self._dropout = float(dropout)
        self._use_bias = use_bias
        if output_shape is not None and isinstance(output_shape, int):
            output_shape = (output_shape,)
        elif output_shape is not None:
            output_shape = tuple(output_shape)
        self._output_shape = output_shape
        self._flash_attention = flash_attention
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes is not None and not isinstance(attention_axes, (list, tuple)):
            raise ConfigError(
                "MultiHeadAttention: `attention_axes` must be an int, list, or tuple.",
                expected="an int, a list/tuple of ints, or None",
                received=f"attention_axes={attention_axes!r}",
            )
        self._attention_axes = tuple(attention_axes) if attention_axes is not None else None
        self.seed = seed
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(key_dim))

    # -------------------------------------------------------------- public read-only views
    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    attention_axes = property(lambda self: self._attention_axes)
    query_dense = property(lambda self: self._query_dense)
    key_dense = property(lambda self: self._key_dense)
    value_dense = property(lambda self: self._value_dense)
    output_dense = property(lambda self: self._output_dense)

    def _sublayer_kwargs(self) -> dict:
        # Each projection gets its own initializer instances (so seeded ones differ).
        def fresh(init: Any) -> Any:
            get_config = getattr(init, "get_config", None)
            if get_config is None:
                return init
            return type(init).from_config(get_config())

        kwargs = {
            "kernel_initializer": fresh(self._kernel_initializer),
            "bias_initializer": fresh(self._bias_initializer),
            "kernel_regularizer": self._kernel_regularizer,
            "bias_regularizer": self._bias_regularizer,
            "kernel_constraint": self._kernel_constraint,
            "bias_constraint": self._bias_constraint,
        }
        policy = getattr(self, "dtype_policy", None)
        if policy is not None:
            kwargs["dtype"] = policy
        return kwargs

    def _projection(self, rank: int, last_dims: list, name: str, bound_dims: int = 1) -> Any:
        equation, bias_axes, out_rank = projection_equation(
            rank - bound_dims, bound_dims, len(last_dims)
        )
        partial = [None] * (out_rank - 1 - len(last_dims)) + list(last_dims)
        return EinsumDense(
            equation,
            output_shape=partial,
            bias_axes=bias_axes if self._use_bias else None,
            name=name,
            **self._sublayer_kwargs(),
        )

    @staticmethod
    def _check_key_value(value_shape: Any, key_shape: Any) -> None:
        if tuple(value_shape)[1:-1] != tuple(key_shape)[1:-1]:
            raise OpInputError(
                "MultiHeadAttention: all dimensions of `value` and `key`, except the last one, "
                "must be equal.",
                expected="value.shape[1:-1] == key.shape[1:-1]",
                received=f"value shape {tuple(value_shape)}, key shape {tuple(key_shape)}",
            )

    def build(self, query_shape: Any, value_shape: Any, key_shape: Any = None) -> None:
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        self._check_key_value(value_shape, key_shape)
        q_rank = len(query_shape)
        self._query_dense = self._projection(q_rank, [self._num_heads, self._key_dim], "query")
        self._query_dense.build(query_shape)
        self._key_dense = self._projection(len(key_shape), [self._num_heads, self._key_dim], "key")
        self._key_dense.build(key_shape)
        self._value_dense = self._projection(
            len(value_shape), [self._num_heads, self._value_dim], "value"
        )
        self._value_dense.build(value_shape)
        self._build_attention(q_rank + 1)
        out_dims = list(self._output_shape) if self._output_shape else [query_shape[-1]]
        self._output_dense = self._projection(q_rank + 1, out_dims, "attention_output", 2)
        proj_shape = list(self._query_dense.compute_output_shape(query_shape))
        proj_shape[-1] = self._value_dim
        self._output_dense.build(tuple(proj_shape))
        self.built = True

    def _build_attention(self, rank: int) -> None:
        if self._attention_axes is None:
            self._attention_axes = tuple(range(1, rank - 2))
        axes = tuple(a % rank if a < 0 else a for a in self._attention_axes)
        if any(a <= 0 or a >= rank - 2 for a in axes):
            raise ConfigError(
                "MultiHeadAttention: `attention_axes` must name axes between the batch axis "
                "and the feature axis.",
                expected=f"axes in [1, {rank - 3}] for inputs of rank {rank - 1}",
                received=f"attention_axes={self._attention_axes}",
            )
        self._attention_axes = axes
        self._dot_product_equation, self._combine_equation, scores_rank = attention_equations(
            rank, axes
        )
        self._norm_axes = tuple(range(scores_rank - len(axes), scores_rank))
        if self._dropout > 0:
            from tholos import random as trandom

            self._seed_generator = trandom.SeedGenerator(self.seed)

    # -------------------------------------------------------------- attention
    def _masked_softmax(self, scores: Any, attention_mask: Any = None) -> Any:
        if attention_mask is not None:
            axis = -len(self._attention_axes) * 2 - 1
            for _ in range(len(scores.shape) - len(attention_mask.shape)):
                attention_mask = ops.expand_dims(attention_mask, axis=axis)
            mask = ops.cast(attention_mask, scores.dtype)
            scores = ops.add(
                scores, ops.multiply(ops.subtract(1.0, mask), _large_negative(scores.dtype))
            )
        if len(self._norm_axes) == 1:
            probs = ops.softmax(scores, axis=self._norm_axes[0])
        else:
            probs = ops.exp(
                ops.subtract(scores, ops.logsumexp(scores, axis=self._norm_axes, keepdims=True))
            )
        if attention_mask is not None:
            probs = ops.multiply(probs, mask)
        return probs

    def _compute_attention(
        self, query: Any, key: Any, value: Any, attention_mask: Any = None, training: Any = None
    ) -> tuple[Any, Any]:
        # sqrt computed in the query's dtype (a Python float would be rounded to float32)
        query = ops.divide(query, ops.sqrt(ops.cast(self._key_dim, query.dtype)))
        scores = ops.einsum(self._dot_product_equation, key, query)
        scores = self._masked_softmax(scores, attention_mask)
        weights = scores
        if training and self._dropout > 0:
            from tholos import random as trandom

            weights = trandom.dropout(scores, rate=self._dropout, seed=self._seed_generator)
        output = ops.einsum(self._combine_equation, weights, value)
        return output, scores

    def _compute_causal_mask(self, query: Any, value: Any = None) -> Any:
        q_len = ops.shape(query)[1]
        v_len = q_len if value is None else ops.shape(value)[1]
        ones = ops.ones((1, q_len, v_len), dtype="int32")
        rows = ops.cumsum(ones, axis=-2)
        cols = ops.cumsum(ones, axis=-1)
        return ops.greater_equal(rows, cols)

    def _compute_attention_mask(
        self,
        query: Any,
        value: Any,
        query_mask: Any = None,
        value_mask: Any = None,
        key_mask: Any = None,
        attention_mask: Any = None,
        use_causal_mask: bool = False,
    ) -> Any:
        auto = None
        if query_mask is not None:
            auto = ops.expand_dims(ops.cast(query_mask, "bool"), -1)  # (B, T, 1)
        for mask in (value_mask, key_mask):
            if mask is not None:
                mask = ops.expand_dims(ops.cast(mask, "bool"), -2)  # (B, 1, S)
                auto = mask if auto is None else ops.logical_and(auto, mask)
        if use_causal_mask:
            causal = self._compute_causal_mask(query, value)
            auto = causal if auto is None else ops.logical_and(auto, causal)
        if attention_mask is not None:
            attention_mask = ops.cast(attention_mask, "bool")
        if auto is not None:
            attention_mask = (
                auto if attention_mask is None else ops.logical_and(attention_mask, auto)
            )
        return attention_mask

    def call(
        self,
        query: Any,
        value: Any,
        key: Any = None,
        query_mask: Any = None,
        value_mask: Any = None,
        key_mask: Any = None,
        attention_mask: Any = None,
        return_attention_scores: bool = False,
        training: Any = None,
        use_causal_mask: bool = False,
    ) -> Any:
        if key is None:
            key = value
        if query_mask is None:
            query_mask = _get_mask(query)
        if value_mask is None:
            value_mask = _get_mask(value)
        if key_mask is None and key is not value:
            key_mask = _get_mask(key)
        attention_mask = self._compute_attention_mask(
            query,
            value,
            query_mask=query_mask,
            value_mask=value_mask,
            key_mask=key_mask,
            attention_mask=attention_mask,
            use_causal_mask=use_causal_mask,
        )
        query = self._query_dense(query)
        key = self._key_dense(key)
        value = self._value_dense(value)
        output, scores = self._compute_attention(query, key, value, attention_mask, training)
        output = self._output_dense(output)
        if return_attention_scores:
            return output, scores
        return output

    def compute_output_shape(
        self, query_shape: Any, value_shape: Any, key_shape: Any = None
    ) -> tuple:
        query_shape = tuple(query_shape)
        key_shape = tuple(value_shape) if key_shape is None else tuple(key_shape)
        self._check_key_value(value_shape, key_shape)
        if self._output_shape:
            return query_shape[:-1] + tuple(self._output_shape)
        return query_shape

    def compute_output_spec(
        self,
        query: Any,
        value: Any,
        key: Any = None,
        query_mask: Any = None,
        value_mask: Any = None,
        key_mask: Any = None,
        attention_mask: Any = None,
        return_attention_scores: bool = False,
        training: Any = None,
        use_causal_mask: bool = False,
    ) -> Any:
        from tholos import KerasTensor

        key_shape = None if key is None else tuple(key.shape)
        out_shape = self.compute_output_shape(tuple(query.shape), tuple(value.shape), key_shape)
        output = KerasTensor(out_shape, dtype=self.compute_dtype)
        if not return_attention_scores:
            return output
        return output, KerasTensor(
            self._scores_shape(tuple(query.shape), key_shape or tuple(value.shape)),
            dtype=self.compute_dtype,
        )

    def _scores_shape(self, query_shape: tuple, key_shape: tuple) -> tuple:
        rank = len(query_shape) + 1
        axes = self._attention_axes
        if axes is None:
            axes = tuple(range(1, rank - 2))
        dot, _, _ = attention_equations(rank, tuple(a % rank for a in axes))
        inputs, scores = dot.split("->")
        source, target = inputs.split(",")
        sizes = dict(zip(target, (*query_shape[:-1], self._num_heads, self._key_dim)))
        sizes.update(zip(source, (*key_shape[:-1], self._num_heads, self._key_dim)))
        for letter, size in zip(target, query_shape[:-1]):
            if sizes[letter] is None:
                sizes[letter] = size
        return tuple(sizes[c] for c in scores)

    def get_config(self) -> dict:
        config = {
            "num_heads": self._num_heads,
            "key_dim": self._key_dim,
            "value_dim": self._value_dim,
            "dropout": self._dropout,
            "use_bias": self._use_bias,
            "output_shape": self._output_shape,
            "attention_axes": self._attention_axes,
            "kernel_initializer": initializers.serialize(self._kernel_initializer),
            "bias_initializer": initializers.serialize(self._bias_initializer),
            "kernel_regularizer": regularizers.serialize(self._kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self._bias_regularizer),
            "activity_regularizer": regularizers.serialize(
                getattr(self, "activity_regularizer", None)
            ),
            "kernel_constraint": constraints.serialize(self._kernel_constraint),
            "bias_constraint": constraints.serialize(self._bias_constraint),
            "seed": self.seed,
        }
        return {**super().get_config(), **config}
