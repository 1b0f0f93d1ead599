"""``SimpleRNNCell`` and ``SimpleRNN``: the fully connected recurrence
``h_t = activation(x_t W + h_{t-1} U + b)``."""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.layers.layer import Layer
from tholos.layers.rnn._cell_backed import CellBackedRNN, layer_kwargs
from tholos.layers.rnn._cell_common import cell_config, init_cell_args, use_mask
from tholos.layers.rnn._utils import is_nested
from tholos.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from tholos.saving.serialization import register_builtin


@register_builtin("tholos.layers")
class SimpleRNNCell(Layer, DropoutRNNCell):
    """One step of a fully connected RNN: ``h = activation(x @ kernel + h_prev @ recurrent_kernel
    + bias)``.

    Weights: ``kernel`` ``(input_dim, units)``, ``recurrent_kernel`` ``(units, units)``,
    ``bias`` ``(units,)``. ``call(inputs, states, training=False)`` returns
    ``(output, new_states)``.

    >>> import numpy as np
    >>> cell = SimpleRNNCell(2)
    >>> out, states = cell(np.ones((1, 3), "float32"), [np.zeros((1, 2), "float32")])
    >>> ops.convert_to_numpy(out).shape
    (1, 2)
    """

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
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
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        init_cell_args(
            self,
            "SimpleRNNCell",
            units=units,
            activation=activation,
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
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape: Any) -> None:
        self.kernel = self.add_weight(
            shape=(input_shape[-1], self.units),
            name="kernel",
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.units),
            name="recurrent_kernel",
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self.units,),
                name="bias",
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        self.built = True

    def call(self, sequence: Any, states: Any, training: Any = False) -> tuple:
        nested = is_nested(states)
        prev = states[0] if nested else states
        dp_mask = self.get_dropout_mask(sequence)
        rec_mask = self.get_recurrent_dropout_mask(prev)
        if use_mask(training, self.dropout) and dp_mask is not None:
            sequence = ops.multiply(sequence, dp_mask)
        h = ops.matmul(sequence, self.kernel)
        if self.bias is not None:
            h = ops.add(h, self.bias)
        if use_mask(training, self.recurrent_dropout) and rec_mask is not None:
            prev = ops.multiply(prev, rec_mask)
        output = ops.add(h, ops.matmul(prev, self.recurrent_kernel))
        if self.activation is not None:
            output = self.activation(output)
        return output, ([output] if nested else output)

    def get_initial_state(self, batch_size: Any = None) -> list:
        return [ops.zeros((batch_size, self.state_size), dtype=self.compute_dtype)]

    def get_config(self) -> dict:
        return {**super().get_config(), **cell_config(self)}


@register_builtin("tholos.layers")
class SimpleRNN(CellBackedRNN):
    """A fully connected RNN over ``(batch, timesteps, features)``: see :class:`SimpleRNNCell`.

    Weights (in order): ``kernel``, ``recurrent_kernel``, ``bias``; ``units * (features +
    units + 1)`` parameters.

    >>> import numpy as np
    >>> layer = SimpleRNN(4, return_sequences=True)
    >>> ops.convert_to_numpy(layer(np.ones((2, 5, 3), "float32"))).shape
    (2, 5, 4)
    """

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
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
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        cell = SimpleRNNCell(
            units,
            activation=activation,
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
            name="simple_rnn_cell",
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
