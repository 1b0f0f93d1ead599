"""Gradients, compiled training, custom training loops, devices, tracking."""

import numpy as np
import pytest

import tholos
from tholos import ops


def _data(n=64):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(n, 5)).astype("float32")
    y = (x @ rng.normal(size=(5, 1)) + 0.1).astype("float32")
    return x, y


def _model():
    model = tholos.Sequential(
        [tholos.Input((5,)), tholos.layers.Dense(8, activation="relu"), tholos.layers.Dense(1)]
    )
    return model


def test_compute_gradients_matches_reference(tf_backend):
    w0 = np.array([[0.5, -1.0], [2.0, 0.25]], "float64")
    x = np.array([[1.0, 2.0], [3.0, -1.0]], "float64")
    results = {}
    for name in ("numpy", "tensorflow"):
        with tholos.config.use_backend(name) as loaded:
            w = tholos.Variable(w0, name="w")
            unused = tholos.Variable(np.ones(3), name="unused")

            def loss_fn(w=w):
                y = ops.tanh(ops.matmul(x, w))
                return ops.sum(ops.square(y)), y

            loss, aux, grads = loaded.trainer.compute_gradients(loss_fn, [w, unused])
            results[name] = (
                float(ops.convert_to_numpy(loss)),
                ops.convert_to_numpy(aux),
                [ops.convert_to_numpy(g) for g in grads],
            )
    (l_tf, a_tf, g_tf), (l_np, a_np, g_np) = results["tensorflow"], results["numpy"]
    assert abs(l_tf - l_np) < 1e-12
    np.testing.assert_allclose(a_tf, a_np, rtol=1e-12)
    np.testing.assert_allclose(g_tf[0], g_np[0], rtol=1e-12)
    np.testing.assert_array_equal(g_tf[1], np.zeros(3))
    assert g_tf[1].dtype == np.float64


def test_compute_gradients_applies_assignments(tf_backend):
    w = tholos.Variable(np.array([1.0, 2.0], "float32"))
    counter = tholos.Variable(np.array(0.0, "float32"), trainable=False)

    def loss_fn():
        counter.assign_add(1.0)
        return ops.sum(w * w), None

    _, _, grads = tf_backend.trainer.compute_gradients(loss_fn, [w])
    np.testing.assert_allclose(ops.convert_to_numpy(grads[0]), [2.0, 4.0])
    assert float(counter.numpy()) == 1.0


def _fit(jit, epochs=3):
    x, y = _data()
    model = _model()
    weights = [np.ones(w.shape, "float32") * 0.1 * (i + 1) for i, w in enumerate(model.weights)]
    model.set_weights(weights)
    model.compile(optimizer="adam", loss="mse", jit_compile=jit)
    history = model.fit(x, y, batch_size=16, epochs=epochs, verbose=0, shuffle=False)
    return model, history.history["loss"]


def test_compiled_fit_matches_eager_fit(tf_backend):
    model_c, loss_c = _fit(True)
    compiled = model_c.train_function
    model_e, loss_e = _fit(False)
    assert loss_c[-1] < loss_c[0]
    np.testing.assert_allclose(loss_c, loss_e, rtol=1e-5)
    for a, b in zip(model_c.get_weights(), model_e.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
    assert compiled is not None


def test_compiled_step_is_traced_once_per_signature(tf_backend):
    calls = []

    def step(data):
        calls.append(1)  # Python side effect: runs only while tracing
        x, y = data
        return {"loss": ops.mean(ops.square(ops.subtract(x, y)))}

    compiled = tf_backend.trainer.compile_step(step, kind="test", jit_compile=True, model=None)
    x, y = _data(32)
    for _ in range(3):
        compiled((x, y))
    assert len(calls) == 1
    assert compiled.compiled.mode in ("xla", "graph")
    compiled((x[:7], y[:7]))  # a new signature (the last, smaller batch) traces once more
    assert len(calls) == 2


def test_compile_steps_runs_several_batches_in_one_call(tf_backend):
    v = tholos.Variable(np.array(0.0, "float32"), trainable=False)

    def step(batch):
        v.assign_add(ops.sum(batch))
        return {"total": v.value}

    run = tf_backend.trainer.compile_steps(step, kind="train", jit_compile=True, model=None)
    batches = [np.ones(3, "float32"), np.ones(3, "float32") * 2]
    logs = run(batches)
    assert float(ops.convert_to_numpy(logs["total"])) == 9.0
    assert float(v.numpy()) == 9.0


def test_custom_training_loop_with_gradient_tape(tf_backend):
    import tensorflow as tf

    x, y = _data(32)
    model = _model()
    model(x[:1])
    optimizer = tholos.optimizers.SGD(learning_rate=0.05)
    loss_fn = tholos.losses.MeanSquaredError()
    losses = []
    for _ in range(5):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        assert all(g is not None for g in grads)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        losses.append(float(loss))
    assert losses[-1] < losses[0]


def test_custom_train_step_under_fit(tf_backend):
    import tensorflow as tf

    class Custom(tholos.Model):
        def __init__(self):
            super().__init__()
            self.dense = tholos.layers.Dense(1)
            self.seen = tholos.Variable(np.array(0.0, "float32"), trainable=False)

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                loss = ops.mean(ops.square(self(x, training=True) - y))
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
            self.seen.assign_add(1.0)
            return {"loss": loss}

    x, y = _data(32)
    model = Custom()
    model.compile(optimizer="sgd", jit_compile=True)
    model(x[:1])
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
    assert float(model.seen.numpy()) == 8.0  # the override ran for every batch
    assert np.isfinite(history.history["loss"]).all()
    assert any(not np.array_equal(a, b) for a, b in zip(model.get_weights(), before))


def test_devices(tf_backend):
    devices = tf_backend.devices
    names = devices.list_devices()
    assert "cpu:0" in names and devices.list_devices("cpu") == ["cpu:0"]
    with devices.device_scope("cpu:0"):
        assert devices.get_device() == "cpu:0"
        t = ops.ones((2,))
        assert "CPU" in t.device
    from tholos.errors import OpInputError

    with pytest.raises(OpInputError):
        with devices.device_scope("tpu:7"):
            pass


def test_variables_are_tf_variables_and_checkpointable(tf_backend, tmp_path):
    import tensorflow as tf

    from tholos_backend_tensorflow.tracking import as_module

    model = _model()
    model(np.zeros((1, 5), "float32"))
    assert all(isinstance(v.tf_variable, tf.Variable) for v in model.weights)
    module = as_module(model)
    assert len(module.trainable_variables) == len(model.trainable_weights)
    path = tf.train.Checkpoint(model=module).write(str(tmp_path / "ckpt"))
    before = [w.copy() for w in model.get_weights()]
    model.set_weights([w * 0 for w in before])
    tf.train.Checkpoint(model=module).read(path).assert_consumed()
    for a, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(a, b)
    v = tholos.Variable(np.array([1.0, 2.0], "float32"), name="v")
    tf.train.Checkpoint(v=v).write(str(tmp_path / "v"))


def test_plugin_import_then_use_never_takes_whole_gpu(tf_backend):
    import tensorflow as tf

    for gpu in tf.config.list_physical_devices("GPU"):
        assert tf.config.experimental.get_memory_growth(gpu)
