"""``LSTMCell`` and ``LSTM``: long short-term memory, gates in Keras 3's order i, f, c, o.

With ``z = x W + h_{t-1} U + b`` split into four blocks of ``units`` columns::

    i = recurrent_activation(z_i)      f = recurrent_activation(z_f)
    c = f * c_{t-1} + i * activation(z_c)
    o = recurrent_activation(z_o)      h = o * activation(c)
"""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.layers.layer import Layer
from tholos.layers.rnn._cell_backed import CellBackedRNN, check_use_cudnn, layer_kwargs
from tholos.layers.rnn._cell_common import cell_config, init_cell_args, use_mask
from tholos.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from tholos.saving.serialization import register_builtin


@register_builtin("tholos.layers")
class LSTMCell(Layer, DropoutRNNCell):
    """One LSTM step. States are ``[h, c]``; the output is ``h``.

    Weights: ``kernel`` ``(input_dim, 4 * units)``, ``recurrent_kernel`` ``(units, 4 * units)``,
    ``bias`` ``(4 * units,)``, columns grouped as input, forget, cell, output gates. With
    ``unit_forget_bias=True`` the forget-gate bias starts at 1.

    >>> import numpy as np
    >>> cell = LSTMCell(2)
    >>> h, (h2, c) = cell(np.ones((1, 3), "float32"), [np.zeros((1, 2), "float32")] * 2)
    >>> ops.convert_to_numpy(c).shape
    (1, 2)
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
        unit_forget_bias: bool = True,
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
        self.implementation = kwargs.pop("implementation", 2)
        super().__init__(**kwargs)
        init_cell_args(
            self,
            "LSTMCell",
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
        self.unit_forget_bias = bool(unit_forget_bias)
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def build(self, input_shape: Any) -> None:
        units = self.units
        self.kernel = self.add_weight(
            shape=(input_shape[-1], 4 * units),
            name="kernel",
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(units, 4 * units),
            name="recurrent_kernel",
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        if self.use_bias:
            if self.unit_forget_bias:
                base = self.bias_initializer

                def bias_initializer(shape: Any, dtype: Any = None) -> Any:
                    return ops.concatenate(
                        [
                            base((units,), dtype=dtype),
                            ops.ones((units,), dtype=dtype),
                            base((2 * units,), dtype=dtype),
                        ]
                    )

            else:
                bias_initializer = self.bias_initializer
            self.bias = self.add_weight(
                shape=(4 * units,),
                name="bias",
                initializer=bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        self.built = True

    def call(self, inputs: Any, states: Any, training: Any = False) -> tuple:
        h_prev, c_prev = states[0], states[1]
        dp_mask = self.get_dropout_mask(inputs)
        rec_mask = self.get_recurrent_dropout_mask(h_prev)
        if use_mask(training, self.dropout) and dp_mask is not None:
            inputs = ops.multiply(inputs, dp_mask)
        if use_mask(training, self.recurrent_dropout) and rec_mask is not None:
            h_prev = ops.multiply(h_prev, rec_mask)
        z = ops.add(ops.matmul(inputs, self.kernel), ops.matmul(h_prev, self.recurrent_kernel))
        if self.bias is not None:
            z = ops.add(z, self.bias)
        z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = ops.add(ops.multiply(f, c_prev), ops.multiply(i, self.activation(z_c)))
        o = self.recurrent_activation(z_o)
        h = ops.multiply(o, self.activation(c))
        return h, [h, c]

    def get_initial_state(self, batch_size: Any = None) -> list:
        return [ops.zeros((batch_size, size), dtype=self.compute_dtype) for size in self.state_size]

    def get_config(self) -> dict:
        config = cell_config(self)
        config["unit_forget_bias"] = self.unit_forget_bias
        return {**super().get_config(), **config}


@register_builtin("tholos.layers")
class LSTM(CellBackedRNN):
    """Long short-term memory over ``(batch, timesteps, features)``: see :class:`LSTMCell`.

    ``4 * units * (features + units + 1)`` parameters (``LSTM(4)`` on 3 features: 128).
    ``use_cudnn`` is accepted for compatibility; every backend runs the same generic loop.

    >>> import numpy as np
    >>> layer = LSTM(4, return_state=True)
    >>> out, h, c = layer(np.ones((2, 5, 3), "float32"))
    >>> ops.convert_to_numpy(out).shape, ops.convert_to_numpy(c).shape
    ((2, 4), (2, 4))
    """

    _extra_config_keys = ("unit_forget_bias",)

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        unit_forget_bias: bool = True,
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
        use_cudnn: Any = "auto",
        **kwargs: Any,
    ) -> None:
        cell = LSTMCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            implementation=kwargs.pop("implementation", 2),
            name="lstm_cell",
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
        self.use_cudnn = check_use_cudnn(use_cudnn, "LSTM")
