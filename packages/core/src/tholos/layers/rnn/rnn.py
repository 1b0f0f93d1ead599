"""``RNN``: runs a recurrent cell over the time axis of a ``(batch, time, ...)`` sequence."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tholos import ops
from tholos.backend.dtypes import standardize_dtype
from tholos.errors import ConfigError, OpInputError
from tholos.layers.layer import Layer
from tholos.layers.rnn._utils import (
    accepts_arg,
    deserialize_object,
    flatten,
    is_nested,
    map_structure,
    pack_as,
    serialize_object,
)
from tholos.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from tholos.layers.rnn.stacked_rnn_cells import StackedRNNCells
from tholos.saving.serialization import register_builtin

# Which loop runs a non-unrolled RNN: "auto" (a Python loop on the eager NumPy backend,
# ``ops.scan`` elsewhere), "scan" or "python". Tests switch it to check both paths agree.
LOOP_IMPLEMENTATION = "auto"


def _active_backend() -> str:
    try:
        from tholos import backend

        return backend.backend()
    except Exception:  # pragma: no cover - no backend machinery yet
        return "numpy"


def _expand_to(mask_t: Any, ndim: int) -> Any:
    """A ``(batch,)`` boolean mask reshaped to broadcast against a rank-``ndim`` tensor."""
    for _ in range(ndim - 1):
        mask_t = ops.expand_dims(mask_t, -1)
    return mask_t


def run_rnn(
    step: Callable[[Any, list], tuple[Any, list]],
    inputs: Any,
    initial_states: list,
    *,
    go_backwards: bool = False,
    mask: Any = None,
    unroll: bool = False,
    zero_output_for_mask: bool = False,
    return_all_outputs: bool = True,
    initial_output: Any = None,
) -> tuple[Any, Any, list]:
    """Iterate ``step(x_t, states) -> (output_t, new_states)`` over axis 1 of ``inputs``.

    ``initial_states`` is a flat list of tensors. Where ``mask[:, t]`` is False the states
    are carried over unchanged and the step's output is replaced by the previous output
    (by zeros in the returned sequence when ``zero_output_for_mask``). With ``go_backwards``
    the sequence is read from the end and outputs come back in that reversed order.
    ``initial_output`` (zeros shaped like one output) is required with a mask on the
    ``ops.scan`` path. Returns ``(last_output, outputs, final_states)``; ``outputs`` is
    ``(batch, time, ...)`` or ``None`` when ``return_all_outputs`` is False on the Python
    loop path.
    """
    ndim = len(inputs.shape)
    steps = inputs.shape[1]
    xs = ops.transpose(inputs, (1, 0, *range(2, ndim)))
    ms = None
    if mask is not None:
        ms = ops.transpose(ops.cast(mask, "bool"), (1, 0))
    if go_backwards:
        xs = ops.flip(xs, axis=0)
        ms = None if ms is None else ops.flip(ms, axis=0)

    def masked_step(x_t: Any, m_t: Any, states: list, prev_output: Any) -> tuple:
        output, new_states = step(x_t, states)
        if m_t is None:
            return output, new_states, output, output
        if prev_output is None:
            prev_output = ops.zeros_like(output)
        new_states = [
            ops.where(_expand_to(m_t, len(n.shape)), n, s) for n, s in zip(new_states, states)
        ]
        m_out = _expand_to(m_t, len(output.shape))
        carried = ops.where(m_out, output, prev_output)
        recorded = carried
        if zero_output_for_mask:
            recorded = ops.where(m_out, output, ops.zeros_like(output))
        return carried, new_states, carried, recorded

    implementation = LOOP_IMPLEMENTATION
    if implementation == "auto":
        implementation = "python" if _active_backend() == "numpy" else "scan"
    if unroll or (steps is not None and implementation == "python") or not hasattr(ops, "scan"):
        if steps is None:
            raise OpInputError(
                "RNN: the time dimension must be known to run this loop.",
                expected="a static sequence length",
                received=f"input shape {tuple(inputs.shape)}",
            )
        states = list(initial_states)
        prev = initial_output
        recorded_outputs = []
        last = None
        for t in range(steps):
            m_t = None if ms is None else ms[t]
            prev, states, _, recorded = masked_step(xs[t], m_t, states, prev)
            last = recorded
            if return_all_outputs:
                recorded_outputs.append(recorded)
        outputs = ops.stack(recorded_outputs, axis=1) if return_all_outputs else None
        return last, outputs, states

    def body(carry: Any, x: Any) -> tuple:
        states, prev = carry
        x_t, m_t = (x, None) if ms is None else x
        prev_new, new_states, _, recorded = masked_step(
            x_t, m_t, list(states), prev if ms is not None else None
        )
        if ms is None:
            return (list(new_states), prev), recorded
        return (list(new_states), prev_new), recorded

    if ms is not None and initial_output is None:
        raise OpInputError(
            "RNN: a masked scan needs the shape of one output.",
            expected="initial_output (zeros shaped like one step's output)",
            received="None",
        )
    carry0 = (list(initial_states), initial_output if ms is not None else ops.zeros((1,)))
    (final_states, _), ys = ops.scan(body, carry0, xs if ms is None else (xs, ms))
    outputs = ops.transpose(ys, (1, 0, *range(2, len(ys.shape))))
    last = ys[-1]
    return last, outputs, list(final_states)


@register_builtin("tholos.layers")
class RNN(Layer):
    """Runs ``cell`` over the time axis of a ``(batch, timesteps, ...)`` input.

    ``cell`` is a cell (``SimpleRNNCell``, ``LSTMCell``, ``GRUCell`` or any object with
    ``call(inputs, states)`` and ``state_size``) or a list of cells, stacked with
    :class:`StackedRNNCells`. Masked timesteps (``mask[:, t]`` False) leave the states
    unchanged and repeat the previous output (zeros in the returned sequence with
    ``zero_output_for_mask=True``). With ``stateful=True`` the final states of one batch are
    the initial states of the next (the batch size must be static); ``reset_state()`` zeroes
    them.

    >>> import numpy as np
    >>> from tholos.layers.rnn.simple_rnn import SimpleRNNCell
    >>> layer = RNN(SimpleRNNCell(4), return_sequences=True)
    >>> ops.convert_to_numpy(layer(np.ones((2, 5, 3), "float32"))).shape
    (2, 5, 4)
    """

    def __init__(
        self,
        cell: Any,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        zero_output_for_mask: bool = False,
        **kwargs: Any,
    ) -> None:
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not callable(getattr(cell, "call", None)):
            raise ConfigError(
                "RNN: argument `cell` should have a `call` method.",
                expected="an RNN cell (e.g. LSTMCell) with call(inputs, states)",
                received=f"cell={cell!r}",
            )
        state_size = getattr(cell, "state_size", None)
        if state_size is None:
            raise ConfigError(
                "RNN: the cell must have a `state_size` attribute.",
                expected="an int or a list of ints, one per state tensor",
                received=f"cell={cell!r} without state_size",
            )
        if not isinstance(state_size, (list, tuple, int)):
            raise ConfigError(
                "RNN: the cell's `state_size` is invalid.",
                expected="an int or a list/tuple of ints (one per state tensor)",
                received=f"state_size={state_size!r}",
            )
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.supports_masking = True
        self._set_untracked("states", None)
        if isinstance(state_size, int):
            self.state_size = [state_size]
            self.single_state = True
        else:
            self.state_size = list(state_size)
            self.single_state = False

    def _set_untracked(self, name: str, value: Any) -> None:
        # Stateful carry variables are not weights (they are not trained nor saved).
        object.__setattr__(self, name, value)

    # ------------------------------------------------------------------ shapes and masks
    def compute_output_shape(self, sequences_shape: Any, initial_state_shape: Any = None) -> Any:
        batch, steps = sequences_shape[0], sequences_shape[1]
        states_shape = []
        for size in self.state_size:
            if isinstance(size, (list, tuple)):
                states_shape.append([(batch, s) for s in size])
            else:
                states_shape.append((batch, size))
        output_size = self._output_size()
        if self.return_sequences:
            output_shape = (batch, steps, output_size)
        else:
            output_shape = (batch, output_size)
        if self.return_state:
            return (output_shape, *states_shape)
        return output_shape

    def _output_size(self) -> int:
        size = getattr(self.cell, "output_size", None)
        if size is None:
            size = flatten(self.state_size)[0]
        if not isinstance(size, int):
            raise ConfigError(
                "RNN: the cell's `output_size` must be an integer.",
                expected="an int",
                received=f"output_size={size!r}",
            )
        return size

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if is_nested(mask):
            mask = flatten(mask)[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None for _ in self.state_size]
        return output_mask

    # ------------------------------------------------------------------ building and states
    def build(self, sequences_shape: Any, initial_state_shape: Any = None) -> None:
        sequences_shape = tuple(sequences_shape)
        if len(sequences_shape) < 3:
            raise OpInputError(
                f"{type(self).__name__}: the input must be a sequence.",
                expected="shape (batch, timesteps, features...) (rank >= 3)",
                received=f"shape {sequences_shape}",
            )
        step_shape = (sequences_shape[0], *sequences_shape[2:])
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build(step_shape)
            self.cell.built = True
        if self.stateful:
            if self.states is not None:
                self.reset_state()
            else:
                if sequences_shape[0] is None:
                    raise OpInputError(
                        f"{type(self).__name__}: `stateful=True` needs a static batch size.",
                        expected="a known batch dimension",
                        received=f"sequences shape {sequences_shape}",
                        hint="Pass `batch_size` to `Input()` (or `batch_input_shape`).",
                    )
                self._create_state_variables(sequences_shape[0])
        self.built = True

    def _create_state_variables(self, batch_size: int) -> None:
        from tholos import Variable

        def make(value: Any) -> Any:
            return Variable(value, trainable=False, dtype=self.variable_dtype, name="rnn_state")

        self._set_untracked("states", map_structure(make, self.get_initial_state(batch_size)))

    def get_initial_state(self, batch_size: Any) -> list:
        """Zero states for ``batch_size`` sequences (the cell's own ``get_initial_state``)."""
        fn = getattr(self.cell, "get_initial_state", None)
        if fn is None:
            return [ops.zeros((batch_size, d), dtype=self._cell_dtype()) for d in self.state_size]
        state = fn(batch_size=batch_size)
        if not is_nested(state):
            state = [state]
        return list(state)

    def _cell_dtype(self) -> str:
        return getattr(self.cell, "compute_dtype", None) or self.compute_dtype

    def reset_state(self) -> None:
        """Zero the carried states of a stateful layer."""
        if self.states is not None:
            for var in flatten(self.states):
                var.assign(ops.zeros(tuple(var.shape), dtype=var.dtype))

    def reset_states(self) -> None:
        """Alias of :meth:`reset_state`."""
        self.reset_state()

    # ------------------------------------------------------------------ the loop
    def _cell_call(self, training: Any) -> Callable[[Any, Any], tuple]:
        cell = self.cell
        fn = cell.call
        kwargs = {"training": training} if accepts_arg(fn, "training") else {}

        def call(x: Any, states: Any) -> tuple:
            return fn(x, states, **kwargs)

        return call

    def _prime_dropout_masks(self, cell: Any, step_input: Any, states: Any, training: Any) -> None:
        """Draw every dropout mask before the loop, so the loop body itself is stateless."""
        if isinstance(cell, DropoutRNNCell):
            first = states[0] if is_nested(states) else states
            cell.get_dropout_mask(step_input)
            cell.get_recurrent_dropout_mask(first)
        if isinstance(cell, StackedRNNCells):
            for sub, sub_states in zip(cell.cells, states):
                self._prime_dropout_masks(sub, step_input, sub_states, training)
                sub_states = list(sub_states) if is_nested(sub_states) else [sub_states]
                kwargs = {"training": training} if accepts_arg(sub.call, "training") else {}
                step_input, _ = sub.call(step_input, sub_states, **kwargs)

    def _reset_dropout_masks(self, cell: Any) -> None:
        if isinstance(cell, DropoutRNNCell):
            cell.reset_dropout_mask()
            cell.reset_recurrent_dropout_mask()
        if isinstance(cell, StackedRNNCells):
            for sub in cell.cells:
                self._reset_dropout_masks(sub)

    def inner_loop(self, sequences: Any, initial_state: list, mask: Any, training: Any = False):
        """``(last_output, outputs, states)`` of the cell run over ``sequences``."""
        cell_call = self._cell_call(training)
        structure = initial_state

        def step(x_t: Any, flat_states: list) -> tuple:
            output, new_states = cell_call(x_t, pack_as(structure, flat_states))
            if not is_nested(new_states):
                new_states = [new_states]
            return output, flatten(new_states)

        initial_output = None
        if mask is not None:
            batch = ops.shape(sequences)[0]
            initial_output = ops.zeros((batch, self._output_size()), dtype=self._cell_dtype())
        last, outputs, flat_states = run_rnn(
            step,
            sequences,
            flatten(initial_state),
            go_backwards=self.go_backwards,
            mask=mask,
            unroll=self.unroll,
            zero_output_for_mask=self.zero_output_for_mask,
            return_all_outputs=self.return_sequences,
            initial_output=initial_output,
        )
        return last, outputs, pack_as(structure, flat_states)

    def call(
        self, sequences: Any, initial_state: Any = None, mask: Any = None, training: Any = False
    ) -> Any:
        name = type(self).__name__
        shape = tuple(sequences.shape)
        if len(shape) < 3:
            raise OpInputError(
                f"{name}: the input must be a sequence.",
                expected="shape (batch, timesteps, features...) (rank >= 3)",
                received=f"shape {shape}",
            )
        if shape[1] == 0:
            raise OpInputError(
                f"{name}: the input sequence has no timesteps.",
                expected="at least one timestep",
                received=f"input shape {shape}",
            )
        if self.unroll and shape[1] is None:
            raise OpInputError(
                f"{name}: cannot unroll an RNN over an undefined time dimension.",
                expected="a static number of timesteps",
                received=f"input shape {shape}",
                hint="Give `Input()` a `shape` (or `batch_shape`) whose time dimension is set.",
            )
        if initial_state is None:
            if self.stateful:
                initial_state = self.states
            else:
                initial_state = self.get_initial_state(batch_size=ops.shape(sequences)[0])
        if not is_nested(initial_state):
            initial_state = [initial_state]
        initial_state = list(initial_state)
        expected_count = len(flatten(self.state_size))
        if len(flatten(initial_state)) != expected_count:
            raise OpInputError(
                f"{name}: wrong number of initial states.",
                expected=f"{expected_count} state tensor(s) (cell state_size={self.state_size})",
                received=f"{len(flatten(initial_state))} tensor(s)",
            )
        dtype = self._cell_dtype()
        initial_state = map_structure(
            lambda s: ops.convert_to_tensor(getattr(s, "value", s), dtype=dtype), initial_state
        )
        if is_nested(mask):
            mask = flatten(mask)[0]
        if mask is not None:
            if len(mask.shape) == 3 and mask.shape[-1] == 1:
                mask = ops.squeeze(mask, -1)
            if len(mask.shape) != 2:
                raise OpInputError(
                    f"{name}: the mask must have shape (batch, timesteps).",
                    expected=f"(batch, timesteps) matching the input shape {shape}",
                    received=f"mask shape {tuple(mask.shape)}",
                )
            if standardize_dtype(mask.dtype) != "bool":
                mask = ops.cast(mask, "bool")

        if training:
            self._prime_dropout_masks(self.cell, sequences[:, 0], initial_state, training)
        try:
            last, outputs, states = self.inner_loop(sequences, initial_state, mask, training)
        finally:
            self._reset_dropout_masks(self.cell)
        last = ops.cast(last, self.compute_dtype)
        if outputs is not None:
            outputs = ops.cast(outputs, self.compute_dtype)
        states = map_structure(lambda s: ops.cast(s, self.compute_dtype), states)

        if self.stateful:
            for var, value in zip(flatten(self.states), flatten(states)):
                var.assign(value)
        output = outputs if self.return_sequences else last
        if self.return_state:
            return (output, *states)
        return output

    # ------------------------------------------------------------------ config
    def get_config(self) -> dict:
        config = {
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
            "cell": serialize_object(self.cell),
        }
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config: dict, custom_objects: Any = None) -> RNN:
        config = dict(config)
        cell = deserialize_object(config.pop("cell"), custom_objects=custom_objects)
        return cls(cell, **config)
