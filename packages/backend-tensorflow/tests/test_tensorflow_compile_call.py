"""The TensorFlow trainer's ``compile_call`` hook (the compiled path behind ``model(x)``),
its XLA default and the tracing of compiled steps across ``fit`` calls."""

import numpy as np
import pytest

import tholos
from tholos import layers, ops
from tholos.errors import CallNotCompilableError


def _eager_call_fn(model):
    """The model's ordinary eager call (``Layer.__call__``, not ``Model.__call__``, so that no
    compiled path of core is involved)."""

    def call_fn(inputs, training):
        return layers.Layer.__call__(model, inputs, training=training)

    return call_fn


def _model(seed=3):
    tholos.utils.set_random_seed(seed)
    return tholos.Sequential(
        [
            layers.Input((6,)),
            layers.Dense(5),
            layers.BatchNormalization(momentum=0.5),
            layers.Dropout(0.5, seed=11),
            layers.Dense(2),
        ]
    )


def _values(model):
    return [np.array(v.numpy()) for v in model.variables]


def _restore(model, values):
    for v, value in zip(model.variables, values):
        v.assign(value)


@pytest.mark.parametrize("training", [True, False, None])
def test_compiled_call_matches_the_eager_call(tf_backend, training):
    model = _model()
    call_fn = _eager_call_fn(model)
    run = tf_backend.trainer.compile_call(call_fn, model=model)
    xs = [np.random.default_rng(i).normal(size=(4, 6)).astype("float32") for i in range(3)]
    start = _values(model)

    eager_out = [ops.convert_to_numpy(call_fn(ops.convert_to_tensor(x), training)) for x in xs]
    eager_vars = _values(model)
    _restore(model, start)
    compiled_out = [ops.convert_to_numpy(run(ops.convert_to_tensor(x), training)) for x in xs]
    compiled_vars = _values(model)

    for a, b in zip(eager_out, compiled_out):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
    for v, a, b in zip(model.variables, eager_vars, compiled_vars):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6, err_msg=v.path)
    paths = [v.path for v in model.variables]
    state = next(i for i, p in enumerate(paths) if p.endswith("seed_generator_state"))
    moving = next(i for i, p in enumerate(paths) if p.endswith("moving_mean"))
    changed = training is True
    # training=True advances the dropout seed and moves the statistics; inference does not
    assert (not np.array_equal(compiled_vars[state], start[state])) == changed
    assert (not np.array_equal(compiled_vars[moving], start[moving])) == changed
    assert run.tracing_count(training) == 1  # three calls of one signature: one trace


def test_numpy_inputs_and_one_trace_per_signature(tf_backend):
    model = _model()
    run = tf_backend.trainer.compile_call(_eager_call_fn(model), model=model)
    x = np.linspace(-1.0, 1.0, 60, dtype="float32").reshape(10, 6)
    expected = ops.convert_to_numpy(model(x, training=False))
    np.testing.assert_allclose(ops.convert_to_numpy(run(x, False)), expected, rtol=1e-5)
    run(x, False)
    assert run.tracing_count(False) == 1
    np.testing.assert_allclose(ops.convert_to_numpy(run(x[:3], False)), expected[:3], rtol=1e-5)
    assert run.tracing_count(False) == 2  # a second batch size: one generalised trace
    np.testing.assert_allclose(ops.convert_to_numpy(run(x[:7], False)), expected[:7], rtol=1e-5)
    assert run.tracing_count(False) == 2  # ... that serves every later batch size
    assert run.tracing_count(True) == 0


def test_inside_a_graph_the_call_is_inlined(tf_backend):
    import tensorflow as tf

    model = _model()
    run = tf_backend.trainer.compile_call(_eager_call_fn(model), model=model)
    x = np.ones((2, 6), "float32")
    outer = tf.function(lambda t: run(t, False), autograph=False)
    np.testing.assert_allclose(
        outer(tf.constant(x)).numpy(), ops.convert_to_numpy(run(x, False)), rtol=1e-6
    )
    assert run.tracing_count(False) == 1  # the eager call's trace only; none nested in `outer`


class _Branching(layers.Layer):
    def call(self, x):
        if ops.sum(x) > 0:  # Python control flow on a tensor value
            return x * 2.0
        return x


class _LazyWeight(layers.Layer):
    def build(self, input_shape):
        self.built = True

    def call(self, x, training=None):
        if training and not hasattr(self, "late"):  # a variable made by a training call
            self.late = self.add_weight(shape=(), initializer="ones", name="late")
        return x * self.late if training else x


@pytest.mark.parametrize("culprit", [_Branching, _LazyWeight])
def test_untraceable_calls_raise_and_leave_variables_unchanged(tf_backend, culprit):
    model = _model()
    model.add(culprit())
    run = tf_backend.trainer.compile_call(_eager_call_fn(model), model=model)
    before = _values(model)
    names = [v.path for v in model.variables]
    with pytest.raises(CallNotCompilableError):
        run(np.ones((4, 6), "float32"), True)
    assert [v.path for v in model.variables] == names
    for a, b in zip(before, _values(model)):
        np.testing.assert_array_equal(a, b)
    # the eager call still works (core falls back to it)
    out = _eager_call_fn(model)(ops.convert_to_tensor(np.ones((4, 6), "float32")), False)
    assert ops.convert_to_numpy(out).shape == (4, 2)


def test_compile_call_is_exposed_as_an_optional_hook(tf_backend):
    assert callable(tf_backend.trainer.compile_call)
    assert callable(tf_backend.trainer.compile_steps)


# -- XLA default and step tracing -------------------------------------------------------------


def _identity_step(data):
    return ops.add(data, 1.0)


def test_xla_is_off_by_default_on_the_cpu_and_on_when_asked(tf_backend):
    trainer = tf_backend.trainer
    x = np.ones((2, 3), "float32")
    run = trainer.compile_step(_identity_step, kind="predict", jit_compile=True, model=None)
    np.testing.assert_allclose(run(x).numpy(), x + 1.0)
    assert run.compiled.mode == (
        "xla" if tf_backend.devices.get_device().startswith("gpu") else "graph"
    )

    model = tholos.Sequential([layers.Input((3,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", jit_compile=True)  # asked for explicitly
    run = trainer.compile_step(_identity_step, kind="predict", jit_compile=True, model=model)
    run(x)
    assert run.compiled.mode == "xla"

    trainer.set_xla(True)
    try:
        run = trainer.compile_step(_identity_step, kind="predict", jit_compile=True, model=None)
        run(x)
        assert run.compiled.mode == "xla"
    finally:
        trainer.set_xla("auto")


def test_fit_traces_the_train_step_once_per_signature_across_calls(tf_backend):
    traced = []

    class Counting(tholos.Sequential):
        def train_step(self, data):
            traced.append("train")  # Python runs only while tracing
            return super().train_step(data)

        def predict_step(self, data):
            traced.append("predict")
            return super().predict_step(data)

    rng = np.random.default_rng(0)
    x = rng.normal(size=(70, 4)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model = Counting([layers.Input((4,)), layers.Dense(3, activation="relu"), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    for _ in range(3):
        model.fit(x, y, batch_size=32, epochs=2, verbose=0)  # batches of 32, 32 and 6
    assert traced.count("train") == 2  # the full batch and the last, partial one
    for _ in range(3):
        model.predict(x[:1], verbose=0)
    assert traced.count("predict") == 1
    assert int(model.optimizer.iterations.numpy()) == 18
