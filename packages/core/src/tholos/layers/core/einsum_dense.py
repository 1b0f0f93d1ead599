"""``EinsumDense``: a dense layer whose contraction is any single-operand einsum with a kernel."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tholos import activations, constraints, initializers, ops, regularizers
from tholos.errors import ConfigError, OpInputError
from tholos.layers.layer import Layer
from tholos.saving.serialization import register_builtin

_PLAIN = re.compile(r"^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$")
_LEFT = re.compile(r"^\.\.\.([a-zA-Z]+),([a-zA-Z]+)->\.\.\.([a-zA-Z]+)$")
_RIGHT = re.compile(r"^([a-zA-Z]{2,})\.\.\.,([a-zA-Z]+)->([a-zA-Z]{2,})\.\.\.$")


@dataclass(frozen=True)
class EinsumLayout:
    """What an einsum equation implies for one input shape."""

    kernel_shape: tuple
    bias_shape: tuple | None
    output_shape: tuple


def _split_equation(equation: str) -> tuple[str, str, str, str]:
    """``(input_spec, kernel_spec, output_spec, ellipsis)``; ellipsis is "none", "left", "right"."""
    eq = equation.replace(" ", "") if isinstance(equation, str) else equation
    for mode, pattern in (("none", _PLAIN), ("left", _LEFT), ("right", _RIGHT)):
        found = pattern.match(eq) if isinstance(eq, str) else None
        if found:
            return found.group(1), found.group(2), found.group(3), mode
    raise ConfigError(
        "EinsumDense: invalid einsum equation.",
        expected='"ab,bc->ac", "...b,bc->...c" or "ab...,bc->ac..." (letters only, '
        "one input and one kernel)",
        received=f"equation={equation!r}",
    )


def analyze_einsum(
    equation: str, bias_axes: str | None, input_shape: Any, output_shape: Any
) -> EinsumLayout:
    """Kernel, bias and full output shapes for ``equation`` applied to ``input_shape``.

    ``output_shape`` excludes the batch axis (the first input axis) and the axes under the
    ellipsis; ``None`` entries are taken from the input where the letter is shared.

    >>> analyze_einsum("abc,cde->abde", "de", (None, 5, 8), (5, 2, 4))
    EinsumLayout(kernel_shape=(8, 2, 4), bias_shape=(2, 4), output_shape=(None, 5, 2, 4))
    """
    in_spec, w_spec, out_spec, mode = _split_equation(equation)
    input_shape = tuple(input_shape)
    requested = [output_shape] if isinstance(output_shape, int) else list(output_shape)
    rank = len(input_shape)
    elided = rank - len(in_spec)
    if elided < 0 or (mode == "none" and elided != 0):
        raise OpInputError(
            f"EinsumDense: the input rank does not fit equation {equation!r}.",
            expected=f"rank {len(in_spec)}" + (" or more" if mode != "none" else ""),
            received=f"input shape {input_shape}",
        )
    want = len(out_spec) if mode == "left" else len(out_spec) - 1
    if len(requested) != want:
        raise ConfigError(
            "EinsumDense: `output_shape` does not fit the equation's output.",
            expected=f"{want} entries (the output spec {out_spec!r} minus the batch axis"
            + (" and the ellipsis)" if mode != "none" else ")"),
            received=f"output_shape={output_shape!r}",
        )
    if mode == "left":
        full = list(input_shape[:elided]) + requested
    else:
        full = [input_shape[0], *requested]
        if mode == "right":
            full += list(input_shape[rank - elided :])
    in_axis = {c: (elided + i if mode == "left" else i) for i, c in enumerate(in_spec)}
    out_offset = len(full) - len(out_spec) if mode == "left" else 0
    out_axis = {c: out_offset + j for j, c in enumerate(out_spec)}

    for c, axis in out_axis.items():
        if c in in_axis:
            in_dim, out_dim = input_shape[in_axis[c]], full[axis]
            if out_dim is None:
                full[axis] = in_dim
            elif in_dim is not None and in_dim != out_dim:
                raise OpInputError(
                    f"EinsumDense: input and output disagree on shared axis {c!r}.",
                    expected=f"output size {out_dim} (from output_shape)",
                    received=f"input size {in_dim} (input shape {input_shape})",
                )
        elif c not in w_spec:
            raise ConfigError(
                f"EinsumDense: output axis {c!r} appears in neither the input nor the kernel.",
                expected="every output letter in the input or the kernel spec",
                received=f"equation={equation!r}",
            )

    kernel_shape = []
    for c in w_spec:
        if c in in_axis:
            dim = input_shape[in_axis[c]]
        elif c in out_axis:
            dim = full[out_axis[c]]
        else:
            raise ConfigError(
                f"EinsumDense: kernel axis {c!r} appears in neither the input nor the output.",
                expected="every kernel letter in the input or the output spec",
                received=f"equation={equation!r}",
            )
        if dim is None:
            raise OpInputError(
                f"EinsumDense: the size of kernel axis {c!r} is unknown.",
                expected="a known size for every kernel axis",
                received=f"input shape {input_shape}, output_shape={output_shape!r}",
                hint="Give that size in `output_shape` or make the input dimension static.",
            )
        kernel_shape.append(dim)

    bias_shape = None
    if bias_axes:
        for c in bias_axes:
            if c not in out_spec:
                raise ConfigError(
                    f"EinsumDense: bias axis {c!r} is not an axis of the output.",
                    expected=f"letters of the output spec {out_spec!r}",
                    received=f"bias_axes={bias_axes!r}",
                )
        first = min(out_spec.index(c) for c in bias_axes)
        bias_shape = [full[out_axis[c]] if c in bias_axes else 1 for c in out_spec[first:]]
        if mode == "right":
            bias_shape += [1] * elided
        bias_shape = tuple(bias_shape)
    return EinsumLayout(tuple(kernel_shape), bias_shape, tuple(full))


@register_builtin("tholos.layers")
class EinsumDense(Layer):
    """A dense layer computing ``activation(einsum(equation, inputs, kernel) + bias)``.

    ``output_shape`` is the output shape without the batch axis (and without the axes an
    ellipsis stands for); ``None`` entries are inferred. ``bias_axes`` names the output letters
    the bias varies along (``None``: no bias).

    >>> import numpy as np
    >>> layer = EinsumDense("ab,bc->ac", output_shape=4, bias_axes="c")
    >>> ops.convert_to_numpy(layer(np.ones((2, 3), "float32"))).shape
    (2, 4)
    >>> tuple(layer.kernel.shape), tuple(layer.bias.shape)
    ((3, 4), (4,))
    """

    def __init__(
        self,
        equation: str,
        output_shape: Any,
        activation: Any = None,
        bias_axes: str | None = None,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        lora_rank: int | None = None,
        lora_alpha: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        _split_equation(equation)  # fail early on a malformed equation
        self.equation = equation
        if isinstance(output_shape, int):
            self.partial_output_shape = (output_shape,)
        else:
            self.partial_output_shape = tuple(output_shape)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False

    def _layout(self, input_shape: Any) -> EinsumLayout:
        return analyze_einsum(self.equation, self.bias_axes, input_shape, self.partial_output_shape)

    def build(self, input_shape: Any) -> None:
        layout = self._layout(input_shape)
        self.full_output_shape = layout.output_shape
        self._kernel = self.add_weight(
            name="kernel",
            shape=layout.kernel_shape,
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            trainable=True,
        )
        if layout.bias_shape is not None:
            self.bias = self.add_weight(
                name="bias",
                shape=layout.bias_shape,
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                trainable=True,
            )
        else:
            self.bias = None
        self.built = True
        if self.lora_rank:
            self.enable_lora(self.lora_rank, lora_alpha=self.lora_alpha)

    @property
    def kernel(self) -> Any:
        """The effective kernel: the stored one, plus the LoRA update when LoRA is enabled."""
        if self.lora_enabled:
            scale = self.lora_alpha / self.lora_rank
            delta = ops.matmul(self.lora_kernel_a, self.lora_kernel_b)
            return ops.add(self._kernel, ops.multiply(delta, scale))
        return self._kernel

    def enable_lora(
        self,
        rank: int,
        lora_alpha: float | None = None,
        a_initializer: Any = "he_uniform",
        b_initializer: Any = "zeros",
    ) -> None:
        """Freeze the kernel and learn a rank-``rank`` update ``a @ b`` instead (LoRA)."""
        if not self.built:
            raise ConfigError(
                "EinsumDense.enable_lora: the layer is not built yet.",
                expected="a built layer",
                received="built=False",
                hint="Call the layer once (or `build()`) before `enable_lora()`.",
            )
        if self.lora_enabled:
            raise ConfigError(
                "EinsumDense.enable_lora: LoRA is already enabled on this layer.",
                expected="a single call",
                received=f"a second call with rank={rank}",
            )
        shape = tuple(self._kernel.shape)
        self._kernel.trainable = False
        self.lora_kernel_a = self.add_weight(
            name="lora_kernel_a",
            shape=(*shape[:-1], rank),
            initializer=initializers.get(a_initializer),
            regularizer=self.kernel_regularizer,
        )
        self.lora_kernel_b = self.add_weight(
            name="lora_kernel_b",
            shape=(rank, shape[-1]),
            initializer=initializers.get(b_initializer),
            regularizer=self.kernel_regularizer,
        )
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank
        self.lora_enabled = True

    def call(self, inputs: Any, training: Any = None) -> Any:
        x = ops.einsum(self.equation, inputs, self.kernel)
        if self.bias is not None:
            x = ops.add(x, self.bias)
        if self.activation is not None:
            x = self.activation(x)
        return x

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return self._layout(input_shape).output_shape

    def get_config(self) -> dict:
        config = {
            "output_shape": self.partial_output_shape,
            "equation": self.equation,
            "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(
                getattr(self, "activity_regularizer", None)
            ),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }
        if self.lora_rank:
            config["lora_rank"] = self.lora_rank
            config["lora_alpha"] = self.lora_alpha
        return {**super().get_config(), **config}
