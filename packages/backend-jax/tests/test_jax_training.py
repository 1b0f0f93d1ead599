"""Training on JAX: the compiled step equals the eager one and the NumPy reference, traces
once per batch shape, and Keras-style custom loops over stateless calls work."""

import numpy as np
import pytest

import tholos
from tholos import layers, ops
from tholos.config import use_backend

jax = pytest.importorskip("jax")
from tholos_backend_jax import trainer as jax_trainer  # noqa: E402

R = np.random.RandomState(0)
X = R.rand(100, 6).astype("float32")
Y = (X.sum(1, keepdims=True) > 3).astype("float32")


def _model(weights=None):
    model = tholos.Sequential(
        [
            layers.Input((6,)),
            layers.Dense(8, activation="relu"),
            layers.BatchNormalization(),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    if weights is not None:
        model.set_weights(weights)
    return model


def _fit(model, jit, epochs=2, optimizer="adam", **kwargs):
    model.compile(
        optimizer=optimizer,
        loss="binary_crossentropy",
        metrics=["accuracy"],
        jit_compile=jit,
        **kwargs,
    )
    return model.fit(X, Y, batch_size=32, epochs=epochs, shuffle=False, verbose=0)


def _steps(model):
    return model.train_function.__closure__ and [
        c.cell_contents
        for c in model.train_function.__closure__
        if isinstance(c.cell_contents, jax_trainer.CompiledStep)
    ]


def test_compiled_fit_equals_eager_fit_and_traces_once_per_shape():
    weights = [np.asarray(w) for w in _model().get_weights()]
    compiled, eager = _model(weights), _model(weights)
    # SGD: Adam's m / sqrt(v) amplifies float32 rounding differences between XLA's fused
    # kernels and op-by-op execution (in float64 both agree to 1e-15).
    h1 = _fit(compiled, True, epochs=3, optimizer="sgd")
    h2 = _fit(eager, False, epochs=3, optimizer="sgd")
    for a, b in zip(compiled.get_weights(), eager.get_weights()):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h1.history["loss"], h2.history["loss"], rtol=1e-5)
    assert h1.history["accuracy"] == h2.history["accuracy"]
    steps = _steps(compiled)
    assert steps, "fit did not use the compiled step"
    # 100 samples / 32: three full batches and one of 4 -> two traces, none per epoch.
    assert steps[0].traces == 2
    assert isinstance(compiled.trainable_variables[0].value, jax.Array)


def test_fit_matches_the_numpy_reference():
    weights = [np.asarray(w) for w in _model().get_weights()]
    model = _model(weights)
    _fit(model, True, epochs=2, optimizer="sgd")
    with use_backend("numpy"):
        ref = _model(weights)
        _fit(ref, False, epochs=2, optimizer="sgd")
        ref_weights = [np.asarray(w) for w in ref.get_weights()]
    for a, b in zip(model.get_weights(), ref_weights):
        np.testing.assert_allclose(np.asarray(a), b, rtol=1e-4, atol=1e-5)


def test_evaluate_predict_and_steps_per_execution():
    model = _model()
    _fit(model, True, epochs=1)
    loss, acc = model.evaluate(X, Y, batch_size=50, verbose=0)
    preds = np.asarray(model.predict(X, batch_size=50, verbose=0))
    eager = np.asarray(model(X, training=False))
    np.testing.assert_allclose(preds, eager, rtol=1e-5, atol=1e-6)
    assert 0.0 <= acc <= 1.0 and np.isfinite(loss)
    step = jax_trainer.compile_step(model.train_step, kind="train", jit_compile=True, model=model)
    batches = [(X[i : i + 20], Y[i : i + 20]) for i in range(0, 80, 20)]
    before = model.optimizer.iterations.numpy()
    logs = step.run_batches(batches)
    assert int(model.optimizer.iterations.numpy()) == int(before) + 4
    assert "loss" in logs and step.traces == 1


def test_custom_train_step_under_fit():
    class Custom(tholos.Sequential):
        def train_step(self, data):
            x, y = data
            tv = [v.value for v in self.trainable_variables]
            ntv = [v.value for v in self.non_trainable_variables]

            def loss_of(tv, ntv):
                y_pred, ntv = self.stateless_call(tv, ntv, x, training=True)
                return ops.mean(ops.square(y_pred - y)), ntv

            (loss, ntv), grads = jax.value_and_grad(loss_of, has_aux=True)(tv, ntv)
            self.optimizer.apply(grads, self.trainable_variables)
            for v, value in zip(self.non_trainable_variables, ntv):
                v.assign(value)
            return {"loss": loss}

    model = Custom(
        [layers.Input((6,)), layers.Dense(4), layers.BatchNormalization(), layers.Dense(1)]
    )
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(X, Y, batch_size=25, epochs=3, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < losses[0]
    moving_mean = next(v for v in model.non_trainable_variables if "mean" in v.path)
    assert np.any(np.asarray(moving_mean.value) != 0)


def test_custom_loop_with_stateless_apis():
    model = _model()
    optimizer = tholos.optimizers.Adam(1e-2)
    optimizer.build(model.trainable_variables)
    loss_fn = tholos.losses.BinaryCrossentropy()
    metric = tholos.metrics.BinaryAccuracy()

    def compute_loss(tv, ntv, x, y):
        y_pred, ntv = model.stateless_call(tv, ntv, x, training=True)
        return loss_fn(y, y_pred), (y_pred, ntv)

    @jax.jit
    def train_step(state, x, y):
        tv, ntv, ov, mv = state
        (loss, (y_pred, ntv)), grads = jax.value_and_grad(compute_loss, has_aux=True)(tv, ntv, x, y)
        tv, ov = optimizer.stateless_apply(ov, grads, tv)
        mv = metric.stateless_update_state(mv, y, y_pred)
        return loss, (tv, ntv, ov, mv)

    state = (
        [v.value for v in model.trainable_variables],
        [v.value for v in model.non_trainable_variables],
        [v.value for v in optimizer.variables],
        [v.value for v in metric.variables],
    )
    losses = []
    for _ in range(20):
        loss, state = train_step(state, X, Y)
        losses.append(float(loss))
    assert losses[-1] < losses[0]
    accuracy = float(metric.stateless_result(state[3]))
    assert 0.0 <= accuracy <= 1.0
    for v, value in zip(model.trainable_variables, state[0]):
        v.assign(value)
    assert (
        float(model.evaluate(X, Y, verbose=0, return_dict=True)["loss"]) < losses[0] + 1e-3
        if model.compiled
        else True
    )


def test_functional_model_uses_eval_shape():
    from tholos.backend import KerasTensor, compute_output_spec

    spec = compute_output_spec(
        lambda a, b: ops.concatenate([a, b], axis=1),
        KerasTensor((None, 2)),
        KerasTensor((None, 3), dtype="int32"),
    )
    assert spec.shape == (None, 5) and spec.dtype == "float32"
    inputs = tholos.Input((6,))
    outputs = layers.Dense(2)(layers.Dense(4, activation="relu")(inputs))
    model = tholos.Model(inputs, outputs)
    assert tuple(outputs.shape) == (None, 2)
    assert np.asarray(model(X)).shape == (100, 2)
