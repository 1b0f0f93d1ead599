"""Recurrent layers against NumPy references written from the published equations."""

from __future__ import annotations

import numpy as np
import pytest

from tholos import KerasTensor, ops
from tholos.errors import ConfigError, OpInputError
from tholos.layers.core.einsum_dense import EinsumDense
from tholos.layers.rnn import (
    GRU,
    LSTM,
    RNN,
    Bidirectional,
    GRUCell,
    LSTMCell,
    SimpleRNN,
    SimpleRNNCell,
    StackedRNNCells,
    TimeDistributed,
)
from tholos.layers.rnn import rnn as rnn_module

RNG = np.random.default_rng(0)
B, T, F, U = 2, 5, 3, 4


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def randomize(layer, scale=0.5):
    """Give every weight random float64 values; returns them in weight order."""
    values = [RNG.normal(scale=scale, size=tuple(w.shape)) for w in layer.weights]
    layer.set_weights(values)
    return values


# ----------------------------------------------------------------------------- references
def simple_step(k, r, b):
    def step(x, states):
        (h,) = states
        h = np.tanh(x @ k + h @ r + b)
        return h, [h]

    return step


def lstm_step(k, r, b):
    u = r.shape[0]

    def step(x, states):
        h, c = states
        z = x @ k + h @ r + b
        i, f = sigmoid(z[:, :u]), sigmoid(z[:, u : 2 * u])
        g, o = np.tanh(z[:, 2 * u : 3 * u]), sigmoid(z[:, 3 * u :])
        c = f * c + i * g
        h = o * np.tanh(c)
        return h, [h, c]

    return step


def gru_step(k, r, b, reset_after=True):
    u = r.shape[0]

    def step(x, states):
        (h,) = states
        if reset_after:
            xz = x @ k + b[0]
            hz = h @ r + b[1]
            z = sigmoid(xz[:, :u] + hz[:, :u])
            rg = sigmoid(xz[:, u : 2 * u] + hz[:, u : 2 * u])
            cand = np.tanh(xz[:, 2 * u :] + rg * hz[:, 2 * u :])
        else:
            xz = x @ k + b
            z = sigmoid(xz[:, :u] + h @ r[:, :u])
            rg = sigmoid(xz[:, u : 2 * u] + h @ r[:, u : 2 * u])
            cand = np.tanh(xz[:, 2 * u :] + (rg * h) @ r[:, 2 * u :])
        h = z * h + (1 - z) * cand
        return h, [h]

    return step


def run_reference(step, x, states, mask=None, go_backwards=False, zero_output=False):
    """Generic loop: masked steps keep states and repeat the previous output."""
    steps = list(range(x.shape[1]))
    if go_backwards:
        steps = steps[::-1]
    prev = None
    outs = []
    for t in steps:
        out, new = step(x[:, t], states)
        if mask is not None:
            m = mask[:, t][:, None]
            if prev is None:
                prev = np.zeros_like(out)
            new = [np.where(m, n, s) for n, s in zip(new, states)]
            out = np.where(m, out, prev)
            outs.append(np.where(m, out, 0.0) if zero_output else out)
        else:
            outs.append(out)
        prev = out
        states = new
    return np.stack(outs, axis=1), states


def zeros(n=U):
    return np.zeros((B, n))


# ----------------------------------------------------------------------------- cells + layers
@pytest.fixture
def x():
    return RNG.normal(size=(B, T, F))


def test_simple_rnn_values_and_weights(x):
    layer = SimpleRNN(U, return_sequences=True, dtype="float64")
    layer.build((None, T, F))
    assert [w.name for w in layer.weights] == ["kernel", "recurrent_kernel", "bias"]
    assert [tuple(w.shape) for w in layer.weights] == [(F, U), (U, U), (U,)]
    assert layer.count_params() == U * (F + U + 1)
    K, R, b = randomize(layer)
    want, _ = run_reference(simple_step(K, R, b), x, [zeros()])
    np.testing.assert_allclose(_np(layer(x)), want, rtol=1e-10, atol=1e-12)


def test_lstm_values_weights_and_count(x):
    layer = LSTM(U, return_sequences=True, return_state=True, dtype="float64")
    layer.build((None, T, F))
    assert layer.count_params() == 128
    assert [tuple(w.shape) for w in layer.weights] == [(F, 4 * U), (U, 4 * U), (4 * U,)]
    assert layer.weights[0].path.endswith("lstm_cell/kernel")
    bias0 = _np(layer.cell.bias)
    np.testing.assert_array_equal(bias0, np.r_[np.zeros(U), np.ones(U), np.zeros(2 * U)])
    K, R, b = randomize(layer)
    seq, h, c = layer(x)
    want, (wh, wc) = run_reference(lstm_step(K, R, b), x, [zeros(), zeros()])
    np.testing.assert_allclose(_np(seq), want, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(_np(h), wh, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(_np(c), wc, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(_np(h), _np(seq)[:, -1], rtol=1e-12)


def test_lstm_unit_forget_bias_off():
    layer = LSTM(U, unit_forget_bias=False, bias_initializer="ones")
    layer.build((None, T, F))
    np.testing.assert_array_equal(_np(layer.cell.bias), np.ones(4 * U))


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_values(x, reset_after):
    layer = GRU(U, return_sequences=True, reset_after=reset_after, dtype="float64")
    layer.build((None, T, F))
    bias_shape = (2, 3 * U) if reset_after else (3 * U,)
    assert [tuple(w.shape) for w in layer.weights] == [(F, 3 * U), (U, 3 * U), bias_shape]
    assert layer.count_params() == 3 * U * (F + U + (2 if reset_after else 1))
    K, R, b = randomize(layer)
    want, _ = run_reference(gru_step(K, R, b, reset_after), x, [zeros()])
    np.testing.assert_allclose(_np(layer(x)), want, rtol=1e-10, atol=1e-12)


def test_gru_without_bias(x):
    layer = GRU(U, use_bias=False, dtype="float64")
    layer.build((None, T, F))
    K, R = randomize(layer)
    want, _ = run_reference(gru_step(K, R, np.zeros((2, 3 * U))), x, [zeros()])
    np.testing.assert_allclose(_np(layer(x)), want[:, -1], rtol=1e-10, atol=1e-12)


def test_cell_called_directly():
    cell = LSTMCell(U, dtype="float64")
    cell.build((None, F))
    K, R, b = randomize(cell)
    xt = RNG.normal(size=(B, F))
    h0, c0 = RNG.normal(size=(B, U)), RNG.normal(size=(B, U))
    out, (h, c) = cell.call(xt, [h0, c0])
    want, (wh, wc) = lstm_step(K, R, b)(xt, [h0, c0])
    np.testing.assert_allclose(_np(out), want, rtol=1e-12)
    np.testing.assert_allclose(_np(h), wh, rtol=1e-12)
    np.testing.assert_allclose(_np(c), wc, rtol=1e-12)
    assert cell.state_size == [U, U] and cell.output_size == U


def test_go_backwards(x):
    layer = SimpleRNN(U, return_sequences=True, go_backwards=True, dtype="float64")
    layer.build((None, T, F))
    K, R, b = randomize(layer)
    want, _ = run_reference(simple_step(K, R, b), x, [zeros()], go_backwards=True)
    np.testing.assert_allclose(_np(layer(x)), want, rtol=1e-10, atol=1e-12)


def test_initial_state(x):
    layer = LSTM(U, dtype="float64")
    layer.build((None, T, F))
    K, R, b = randomize(layer)
    h0, c0 = RNG.normal(size=(B, U)), RNG.normal(size=(B, U))
    want, _ = run_reference(lstm_step(K, R, b), x, [h0, c0])
    np.testing.assert_allclose(_np(layer(x, initial_state=[h0, c0])), want[:, -1], rtol=1e-10)


@pytest.mark.parametrize("zero_output", [False, True])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_masking_carries_state_and_output(x, zero_output, go_backwards):
    mask = np.array([[1, 1, 0, 1, 0], [0, 1, 1, 1, 1]], dtype=bool)
    layer = LSTM(
        U,
        return_sequences=True,
        return_state=True,
        go_backwards=go_backwards,
        zero_output_for_mask=zero_output,
        dtype="float64",
    )
    layer.build((None, T, F))
    K, R, b = randomize(layer)
    seq, h, c = layer(x, mask=mask)
    assert _np(h).shape == (B, U)
    want, (wh, wc) = run_reference(
        lstm_step(K, R, b), x, [zeros(), zeros()], mask, go_backwards, zero_output
    )
    np.testing.assert_allclose(_np(seq), want, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(_np(h), wh, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(_np(c), wc, rtol=1e-10, atol=1e-12)
    if not go_backwards:
        # masked step t=2 of row 0 repeats the output of step 1
        np.testing.assert_allclose(_np(seq)[0, 2], 0.0 if zero_output else _np(seq)[0, 1])
        # the state after the trailing masked step equals the state after step 3
        np.testing.assert_allclose(_np(h)[0], want[0, 3] if not zero_output else wh[0])


def test_masked_steps_equal_truncated_sequence(x):
    layer = GRU(U, dtype="float64")
    layer.build((None, T, F))
    randomize(layer)
    mask = np.array([[1, 1, 1, 0, 0]] * B, dtype=bool)
    np.testing.assert_allclose(_np(layer(x, mask=mask)), _np(layer(x[:, :3])), rtol=1e-12)


def test_mask_from_embedding_is_used():
    from tholos.layers.core.embedding import Embedding

    ids = np.array([[3, 1, 0, 0], [2, 2, 2, 1]])
    emb = Embedding(5, F, mask_zero=True, dtype="float64")
    rnn = SimpleRNN(U, dtype="float64")
    out = rnn(emb(ids))
    np.testing.assert_allclose(_np(out)[0], _np(rnn(emb(ids[:1, :2])))[0], rtol=1e-12)


def test_scan_and_python_loops_agree(x, monkeypatch):
    mask = np.array([[1, 0, 1, 1, 0], [1, 1, 1, 0, 1]], dtype=bool)
    layer = LSTM(U, return_sequences=True, return_state=True, dtype="float64")
    layer.build((None, T, F))
    randomize(layer)
    results = {}
    for impl in ("python", "scan"):
        monkeypatch.setattr(rnn_module, "LOOP_IMPLEMENTATION", impl)
        results[impl] = [_np(v) for v in layer(x, mask=mask)]
        results[impl + "_nomask"] = [_np(v) for v in layer(x)]
    for a, b in zip(results["python"], results["scan"]):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    for a, b in zip(results["python_nomask"], results["scan_nomask"]):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_unroll_matches(x):
    a = SimpleRNN(U, return_sequences=True, dtype="float64")
    b = SimpleRNN(U, return_sequences=True, unroll=True, dtype="float64")
    a.build((None, T, F))
    b.build((None, T, F))
    b.set_weights(randomize(a))
    np.testing.assert_allclose(_np(a(x)), _np(b(x)), rtol=1e-12)


def test_stateful_carries_over_and_resets(x):
    layer = LSTM(U, stateful=True, dtype="float64")
    layer.build((B, T, F))
    assert len(layer.weights) == 3  # the carried states are not weights
    K, R, b = randomize(layer)
    layer(x[:, :2])
    second = layer(x[:, 2:])
    want, _ = run_reference(lstm_step(K, R, b), x, [zeros(), zeros()])
    np.testing.assert_allclose(_np(second), want[:, -1], rtol=1e-10)
    np.testing.assert_allclose(_np(layer.states[0]), want[:, -1], rtol=1e-10)
    layer.reset_state()
    np.testing.assert_array_equal(_np(layer.states[1]), np.zeros((B, U)))
    np.testing.assert_allclose(_np(layer(x[:, :2])), want[:, 1], rtol=1e-10)


def test_stateful_needs_static_batch():
    with pytest.raises(OpInputError, match="static batch"):
        SimpleRNN(U, stateful=True).build((None, T, F))


def test_stacked_cells_equal_composition(x):
    cells = [SimpleRNNCell(U, dtype="float64"), LSTMCell(3, dtype="float64")]
    layer = RNN(cells, return_sequences=True, return_state=True, dtype="float64")
    layer.build((None, T, F))
    assert isinstance(layer.cell, StackedRNNCells)
    assert len(layer.weights) == 6
    K1, R1, b1, K2, R2, b2 = randomize(layer)
    s1 = simple_step(K1, R1, b1)
    s2 = lstm_step(K2, R2, b2)

    def step(xt, states):
        h1, h2, c2 = states
        o1, (n1,) = s1(xt, [h1])
        o2, (n2, m2) = s2(o1, [h2, c2])
        return o2, [n1, n2, m2]

    want, (wh1, _, wc2) = run_reference(step, x, [zeros(), zeros(3), zeros(3)])
    out, states1, states2 = layer(x)
    np.testing.assert_allclose(_np(out), want, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(_np(states1[0]), wh1, rtol=1e-10)
    np.testing.assert_allclose(_np(states2[1]), wc2, rtol=1e-10)


def test_generic_rnn_with_plain_cell(x):
    class MinimalCell:
        state_size = 2
        output_size = 2

        def call(self, inputs, states):
            new = ops.add(states[0], ops.sum(inputs, axis=-1, keepdims=True))
            return new, [new]

    out = RNN(MinimalCell())(x)
    want = np.repeat(x.sum(axis=(1, 2))[:, None], 2, axis=1)
    np.testing.assert_allclose(_np(out), want, rtol=1e-6)


def test_dropout_only_in_training(x):
    layer = LSTM(U, dropout=0.5, recurrent_dropout=0.5, seed=1, dtype="float64")
    ref = LSTM(U, dtype="float64")
    layer.build((None, T, F))
    ref.build((None, T, F))
    ref.set_weights(randomize(layer))
    np.testing.assert_allclose(_np(layer(x)), _np(ref(x)), rtol=1e-12)
    trained = _np(layer(x, training=True))
    assert not np.allclose(trained, _np(ref(x)))
    assert layer.cell._dropout_mask is None  # reset after the call


def test_input_dropout_mask_is_shared_over_time():
    cell = SimpleRNNCell(U, dropout=0.5, seed=3, dtype="float64")
    layer = RNN(cell, return_sequences=True, dtype="float64")
    layer.build((None, T, F))
    layer.set_weights([np.eye(F, U), np.zeros((U, U)), np.zeros(U)])
    x = np.full((B, T, F), 0.1)
    out = _np(layer(x, training=True))
    # with no recurrence each step is tanh(masked x): identical across time
    np.testing.assert_allclose(out, np.repeat(out[:, :1], T, axis=1))
    assert set(np.round(out[..., :F].ravel(), 6)) <= {0.0, round(np.tanh(0.2), 6)}


# ----------------------------------------------------------------------------- wrappers
@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
def test_bidirectional_merge_modes(x, merge_mode):
    layer = Bidirectional(LSTM(U, return_sequences=True, dtype="float64"), merge_mode=merge_mode)
    layer.build((None, T, F))
    assert layer.forward_layer.name.startswith("forward_")
    assert layer.backward_layer.go_backwards is True
    assert layer.count_params() == 2 * 128
    K, R, b, Kb, Rb, bb = randomize(layer)
    fwd, _ = run_reference(lstm_step(K, R, b), x, [zeros(), zeros()])
    bwd, _ = run_reference(lstm_step(Kb, Rb, bb), x, [zeros(), zeros()], go_backwards=True)
    bwd = bwd[:, ::-1]
    out = layer(x)
    expected = {
        "concat": np.concatenate([fwd, bwd], -1),
        "sum": fwd + bwd,
        "mul": fwd * bwd,
        "ave": (fwd + bwd) / 2,
    }
    if merge_mode is None:
        np.testing.assert_allclose(_np(out[0]), fwd, rtol=1e-10)
        np.testing.assert_allclose(_np(out[1]), bwd, rtol=1e-10)
    else:
        np.testing.assert_allclose(_np(out), expected[merge_mode], rtol=1e-10)


def test_bidirectional_return_state_and_initial_state(x):
    layer = Bidirectional(GRU(U, return_state=True, dtype="float64"))
    layer.build((None, T, F))
    K, R, b, Kb, Rb, bb = randomize(layer)
    init = [RNG.normal(size=(B, U)), RNG.normal(size=(B, U))]
    out, h_f, h_b = layer(x, initial_state=init)
    fwd, (wf,) = run_reference(gru_step(K, R, b), x, [init[0]])
    bwd, (wb,) = run_reference(gru_step(Kb, Rb, bb), x, [init[1]], go_backwards=True)
    np.testing.assert_allclose(_np(out), np.concatenate([fwd[:, -1], bwd[:, -1]], -1), rtol=1e-10)
    np.testing.assert_allclose(_np(h_f), wf, rtol=1e-10)
    np.testing.assert_allclose(_np(h_b), wb, rtol=1e-10)
    shapes = layer.compute_output_shape((None, T, F))
    assert shapes == ((None, 2 * U), (None, U), (None, U))


def test_bidirectional_errors_and_config():
    with pytest.raises(ConfigError, match="merge mode"):
        Bidirectional(LSTM(2), merge_mode="max")
    with pytest.raises(ConfigError, match="Layer instance"):
        Bidirectional("lstm")
    with pytest.raises(ConfigError, match="opposite direction"):
        Bidirectional(LSTM(2), backward_layer=LSTM(2))
    with pytest.raises(ConfigError, match="return_sequences"):
        Bidirectional(LSTM(2), backward_layer=LSTM(2, go_backwards=True, return_sequences=True))
    layer = Bidirectional(SimpleRNN(3), merge_mode="sum")
    clone = Bidirectional.from_config(layer.get_config())
    assert clone.merge_mode == "sum"
    assert clone.forward_layer.units == 3 and clone.backward_layer.go_backwards


def test_time_distributed(x):
    inner = EinsumDense("ab,bc->ac", output_shape=2, bias_axes="c", dtype="float64")
    layer = TimeDistributed(inner)
    layer.build((None, T, F))
    assert len(layer.weights) == 2
    K, b = randomize(layer)
    np.testing.assert_allclose(_np(layer(x)), x @ K + b, rtol=1e-12)
    assert layer.compute_output_shape((None, T, F)) == (None, T, 2)
    with pytest.raises(OpInputError, match="at least 3"):
        layer(np.ones((2, 3)))
    with pytest.raises(ConfigError, match="Layer instance"):
        TimeDistributed(lambda v: v)


# ----------------------------------------------------------------------------- shapes, configs
def test_symbolic_shapes():
    seq = KerasTensor((None, T, F))
    assert LSTM(U, return_sequences=True)(seq).shape == (None, T, U)
    out, h, c = LSTM(U, return_state=True)(seq)
    assert out.shape == (None, U) and h.shape == (None, U) and c.shape == (None, U)
    assert Bidirectional(GRU(U))(seq).shape == (None, 2 * U)
    assert SimpleRNN(U).compute_output_shape((7, T, F)) == (7, U)


@pytest.mark.parametrize(
    "layer",
    [
        SimpleRNN(3, activation="relu", dropout=0.1, go_backwards=True),
        LSTM(3, unit_forget_bias=False, return_state=True, recurrent_activation="tanh"),
        GRU(3, reset_after=False, stateful=True, seed=4),
    ],
)
def test_layer_config_round_trip(layer):
    config = layer.get_config()
    assert "cell" not in config
    clone = type(layer).from_config(config)
    assert clone.get_config() == config


def test_generic_rnn_config_round_trip(x):
    layer = RNN([GRUCell(3), SimpleRNNCell(2)], return_sequences=True, name="stack")
    clone = RNN.from_config(layer.get_config())
    assert isinstance(clone.cell, StackedRNNCells)
    assert [c.units for c in clone.cell.cells] == [3, 2]
    assert _np(clone(x)).shape == (B, T, 2)


def test_constructor_errors():
    with pytest.raises(ConfigError, match="units"):
        LSTM(0)
    with pytest.raises(ConfigError, match="dropout"):
        GRU(2, dropout=1.5)
    with pytest.raises(ConfigError, match="use_cudnn"):
        LSTM(2, use_cudnn="yes")
    with pytest.raises(ConfigError, match="call"):
        RNN(object())


def test_call_errors(x):
    with pytest.raises(OpInputError, match="sequence"):
        LSTM(2)(np.ones((2, 3)))
    with pytest.raises(OpInputError, match="no timesteps"):
        GRU(2)(np.ones((2, 0, 3)))
    layer = LSTM(2)
    with pytest.raises(OpInputError, match="initial states"):
        layer(x, initial_state=[np.zeros((B, 2))])


# ----------------------------------------------------------------------------- gradients
def _gradient_check(layer, x, **call_kwargs):
    """Backend gradients of sum(w * layer(x)) against central finite differences."""
    from tholos.backend._state import current

    out_w = RNG.normal(size=_np(layer(x, **call_kwargs)).shape)

    def loss_fn():
        out = layer(x, **call_kwargs)
        return ops.sum(ops.multiply(out, out_w)), None

    _, _, grads = current().trainer.compute_gradients(loss_fn, layer.trainable_weights)
    eps = 1e-6
    for var, grad in zip(layer.trainable_weights, grads):
        base = _np(var).copy()
        flat = base.reshape(-1)
        for i in RNG.choice(flat.size, size=min(4, flat.size), replace=False):
            plus, minus = flat.copy(), flat.copy()
            plus[i] += eps
            minus[i] -= eps
            var.assign(plus.reshape(base.shape))
            up = float(_np(loss_fn()[0]))
            var.assign(minus.reshape(base.shape))
            down = float(_np(loss_fn()[0]))
            var.assign(base)
            np.testing.assert_allclose(
                _np(grad).reshape(-1)[i], (up - down) / (2 * eps), rtol=1e-5, atol=1e-8
            )


@pytest.mark.parametrize("layer_cls", [SimpleRNN, LSTM, GRU])
def test_gradients_match_finite_differences(x, layer_cls):
    layer = layer_cls(3, return_sequences=True, dtype="float64")
    layer.build((None, T, F))
    randomize(layer)
    mask = np.array([[1, 1, 0, 1, 1], [1, 1, 1, 1, 0]], dtype=bool)
    _gradient_check(layer, x, mask=mask)


def test_bidirectional_gradients(x):
    layer = Bidirectional(GRU(2, dtype="float64"), merge_mode="mul")
    layer.build((None, T, F))
    randomize(layer)
    _gradient_check(layer, x)


def test_stacked_dropout_training_and_loop_paths_agree(x, monkeypatch):
    def make():
        cells = [
            GRUCell(3, dropout=0.3, recurrent_dropout=0.3, seed=5, dtype="float64"),
            LSTMCell(2, dropout=0.2, recurrent_dropout=0.4, seed=6, dtype="float64"),
        ]
        layer = RNN(cells, return_sequences=True, dtype="float64")
        layer.build((None, T, F))
        return layer

    a, b = make(), make()
    b.set_weights(randomize(a))
    monkeypatch.setattr(rnn_module, "LOOP_IMPLEMENTATION", "python")
    out_a = _np(a(x, training=True))
    monkeypatch.setattr(rnn_module, "LOOP_IMPLEMENTATION", "scan")
    out_b = _np(b(x, training=True))
    np.testing.assert_allclose(out_a, out_b, rtol=1e-12)
    assert not np.allclose(out_a, _np(a(x)))
    assert all(c._dropout_mask is None for c in a.cell.cells)
