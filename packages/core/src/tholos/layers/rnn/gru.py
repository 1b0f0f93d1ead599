"""``GRUCell`` and ``GRU``: gated recurrent unit, gates in Keras 3's order z, r, h.

With ``x W`` and ``h_{t-1} U`` split into three blocks of ``units`` columns::

    z = recurrent_activation(x W_z + b_z + h U_z + b'_z)
    r = recurrent_activation(x W_r + b_r + h U_r + b'_r)
    reset_after=True:   h~ = activation(x W_h + b_h + r * (h U_h + b'_h))
    reset_after=False:  h~ = activation(x W_h + b_h + (r * h) U_h)
    h_t = z * h_{t-1} + (1 - z) * h~

With ``reset_after=True`` (the default) the bias has two rows: input bias ``b`` and
recurrent bias ``b'``; otherwise it is one row ``b`` of ``3 * units``.
"""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.layers.layer import Layer
from tholos.layers.rnn._cell_backed import CellBackedRNN, check_use_cudnn, layer_kwargs
from tholos.layers.rnn._cell_common import cell_config, init_cell_args, use_mask
from tholos.layers.rnn._utils import is_nested
from tholos.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from tholos.saving.serialization import register_builtin


@register_builtin("tholos.layers")
class GRUCell(Layer, DropoutRNNCell):
    """One GRU step. The single state is ``h``, which is also the output.

    Weights: ``kernel`` ``(input_dim, 3 * units)``, ``recurrent_kernel`` ``(units, 3 * units)``,
    ``bias`` ``(2, 3 * units)`` when ``reset_after`` else ``(3 * units,)``.

    >>> import numpy as np
    >>> cell = GRUCell(2)
    >>> cell.build((1, 3))
    >>> tuple(cell.bias.shape)
    (2, 6)
    """

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        reset_after: bool = True,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.implementation = kwargs.pop("implementation", 2)
        super().__init__(**kwargs)
        init_cell_args(
            self,
            "GRUCell",
            units=units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
        )
        self.reset_after = bool(reset_after)
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape: Any) -> None:
        units = self.units
        self.kernel = self.add_weight(
            shape=(input_shape[-1], 3 * units),
            name="kernel",
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(units, 3 * units),
            name="recurrent_kernel",
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        if self.use_bias:
            shape = (2, 3 * units) if self.reset_after else (3 * units,)
            self.bias = self.add_weight(
                shape=shape,
                name="bias",
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        self.built = True

    def call(self, inputs: Any, states: Any, training: Any = False) -> tuple:
        nested = is_nested(states)
        h_prev = states[0] if nested else states
        units = self.units
        dp_mask = self.get_dropout_mask(inputs)
        rec_mask = self.get_recurrent_dropout_mask(h_prev)
        if use_mask(training, self.dropout) and dp_mask is not None:
            inputs = ops.multiply(inputs, dp_mask)
        h_in = h_prev
        if use_mask(training, self.recurrent_dropout) and rec_mask is not None:
            h_in = ops.multiply(h_prev, rec_mask)

        input_bias = recurrent_bias = None
        if self.bias is not None:
            if self.reset_after:
                input_bias, recurrent_bias = self.bias[0], self.bias[1]
            else:
                input_bias = self.bias

        x = ops.matmul(inputs, self.kernel)
        if input_bias is not None:
            x = ops.add(x, input_bias)
        x_z, x_r, x_h = ops.split(x, 3, axis=-1)

        if self.reset_after:
            inner = ops.matmul(h_in, self.recurrent_kernel)
            if recurrent_bias is not None:
                inner = ops.add(inner, recurrent_bias)
            rec_z, rec_r, rec_h = ops.split(inner, 3, axis=-1)
        else:
            inner = ops.matmul(h_in, self.recurrent_kernel[:, : 2 * units])
            rec_z, rec_r = ops.split(inner, 2, axis=-1)

        z = self.recurrent_activation(ops.add(x_z, rec_z))
        r = self.recurrent_activation(ops.add(x_r, rec_r))
        if self.reset_after:
            rec_h = ops.multiply(r, rec_h)
        else:
            rec_h = ops.matmul(ops.multiply(r, h_in), self.recurrent_kernel[:, 2 * units :])
        candidate = self.activation(ops.add(x_h, rec_h))
        h = ops.add(ops.multiply(z, h_prev), ops.multiply(ops.subtract(1.0, z), candidate))
        return h, ([h] if nested else h)

    def get_initial_state(self, batch_size: Any = None) -> list:
        return [ops.zeros((batch_size, self.state_size), dtype=self.compute_dtype)]

    def get_config(self) -> dict:
        config = cell_config(self)
        config["reset_after"] = self.reset_after
        return {**super().get_config(), **config}


@register_builtin("tholos.layers")
class GRU(CellBackedRNN):
    """Gated recurrent unit over ``(batch, timesteps, features)``: see :class:`GRUCell`.

    ``3 * units * (features + units + 2)`` parameters with ``reset_after=True`` (the two-row
    bias), ``3 * units * (features + units + 1)`` otherwise.

    >>> import numpy as np
    >>> layer = GRU(4)
    >>> ops.convert_to_numpy(layer(np.ones((2, 5, 3), "float32"))).shape
    (2, 4)
    """

    _extra_config_keys = ("reset_after",)

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        reset_after: bool = True,
        use_cudnn: Any = "auto",
        **kwargs: Any,
    ) -> None:
        cell = GRUCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            reset_after=reset_after,
            seed=seed,
            implementation=kwargs.pop("implementation", 2),
            name="gru_cell",
            **layer_kwargs(kwargs),
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
            activity_regularizer=activity_regularizer,
            **kwargs,
        )
        self.use_cudnn = check_use_cudnn(use_cudnn, "GRU")
