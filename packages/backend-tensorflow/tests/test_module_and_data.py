"""Layers as tf.Modules (checkpoints, SavedModels), steps_per_execution in one graph call,
tf.data batches without NumPy."""

import copy

import numpy as np
import pytest

import tholos
from tholos import layers, models, ops, saving


def _data(n=40):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(n, 5)).astype("float32")
    y = (x @ rng.normal(size=(5, 1)) + 0.1).astype("float32")
    return x, y


def _model(seed=0):
    tholos.utils.set_random_seed(seed)
    return tholos.Sequential(
        [
            layers.Input((5,)),
            layers.Dense(8, activation="relu"),
            layers.BatchNormalization(),
            layers.Dense(1),
        ]
    )


class Encoder(tholos.Model):
    def __init__(self):
        super().__init__()
        self.encoder = layers.Dense(3)
        self.head = layers.Dense(1)

    def call(self, x):
        return self.head(self.encoder(x))


# -- layers are tf.Modules ----------------------------------------------------------------------


def test_every_layer_and_model_is_a_tf_module(tf_backend):
    import tensorflow as tf

    x = layers.Input((5,))
    functional = tholos.Model(x, layers.Dense(2)(x))
    for obj in (layers.Dense(2), _model(), functional, Encoder()):
        assert isinstance(obj, tf.Module) and isinstance(obj, tf.__internal__.tracking.Trackable)
    dense = layers.Dense(2, name="d")
    assert type(dense).__name__ == "Dense" and dense.name == "d"
    assert repr(dense) == "<Dense name=d, built=False>"
    with dense.name_scope:
        pass


def test_checkpoint_round_trip_restores_weights_and_optimizer(tf_backend, tmp_path):
    import tensorflow as tf

    x, y = _data()
    model = _model()
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    path = tf.train.Checkpoint(model=model).write(str(tmp_path / "ckpt"))
    keys = {name for name, _ in tf.train.list_variables(path)}
    assert "model/layer_0/kernel/.ATTRIBUTES/VARIABLE_VALUE" in keys
    assert "model/layer_1/moving_mean/.ATTRIBUTES/VARIABLE_VALUE" in keys
    assert any(k.startswith("model/optimizer/") for k in keys)
    weights = [w.copy() for w in model.get_weights()]
    slots = [np.array(v.numpy()) for v in model.optimizer.variables]
    model.set_weights([w * 0 for w in weights])
    for v in model.optimizer.variables:
        v.assign(np.zeros(v.shape, v.dtype))
    tf.train.Checkpoint(model=model).read(path).assert_consumed()
    for a, b in zip(model.get_weights(), weights):
        np.testing.assert_array_equal(a, b)
    for v, b in zip(model.optimizer.variables, slots):
        np.testing.assert_array_equal(np.array(v.numpy()), b)

    # a fresh, built model of the same architecture restores the weights too
    other = _model(seed=5)
    other(x[:1])
    tf.train.Checkpoint(model=other).read(path).expect_partial()
    np.testing.assert_allclose(other.predict(x, verbose=0), model.predict(x, verbose=0))


def test_checkpoint_names_subclassed_sub_layers_by_attribute(tf_backend, tmp_path):
    import tensorflow as tf

    model = Encoder()
    model(np.ones((2, 5), "float32"))
    path = tf.train.Checkpoint(model=model).write(str(tmp_path / "ckpt"))
    keys = {name for name, _ in tf.train.list_variables(path)}
    assert "model/encoder/kernel/.ATTRIBUTES/VARIABLE_VALUE" in keys
    assert "model/head/bias/.ATTRIBUTES/VARIABLE_VALUE" in keys


def test_saved_model_save_load_and_call(tf_backend, tmp_path):
    import tensorflow as tf

    x, _ = _data(6)
    model = _model()
    expected = model.predict(x, verbose=0)
    model.serve = tf.function(
        lambda inputs: model(inputs, training=False),
        input_signature=[tf.TensorSpec((None, 5), tf.float32)],
    )
    tf.saved_model.save(model, str(tmp_path / "saved"))
    loaded = tf.saved_model.load(str(tmp_path / "saved"))
    np.testing.assert_allclose(loaded.serve(tf.constant(x)).numpy(), expected, rtol=1e-6)
    served = loaded.signatures["serving_default"](tf.constant(x))
    np.testing.assert_allclose(next(iter(served.values())).numpy(), expected, rtol=1e-6)
    np.testing.assert_array_equal(loaded.layer_0.kernel.numpy(), model.layers[0].kernel.numpy())


def test_saved_model_with_a_tf_function_method_and_explicit_signature(tf_backend, tmp_path):
    import tensorflow as tf

    class Scaled(tholos.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2)

        def call(self, x):
            return self.dense(x) * 2.0

        @tf.function(input_signature=[tf.TensorSpec((None, 3), tf.float32)])
        def serve(self, x):
            return self(x, training=False)

    model = Scaled()
    x = np.arange(6, dtype="float32").reshape(2, 3)
    expected = np.asarray(model(x))
    tf.saved_model.save(model, str(tmp_path / "saved"))
    loaded = tf.saved_model.load(str(tmp_path / "saved"))
    np.testing.assert_allclose(loaded.serve(tf.constant(x)).numpy(), expected, rtol=1e-6)


def test_config_summary_clone_and_keras_files_are_unaffected(tf_backend, tmp_path):
    import tensorflow as tf

    model = _model()
    x, _ = _data(4)
    assert type(model).__name__ == "Sequential" and isinstance(model, tholos.Sequential)
    clone = models.clone_model(model)
    assert isinstance(clone, tf.Module) and clone.get_config() == model.get_config()
    lines = []
    model.summary(print_fn=lines.append)
    assert "(Dense)" in "\n".join(lines) and "(BatchNormalization)" in "\n".join(lines)
    model.save(tmp_path / "m.keras")
    loaded = saving.load_model(tmp_path / "m.keras")
    assert isinstance(loaded, tholos.Sequential) and isinstance(loaded, tf.Module)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    copied = copy.deepcopy(layers.Dense(3, name="deep"))
    assert type(copied) is type(layers.Dense(1)) and copied.name == "deep"
    with tholos.config.use_backend("numpy"):
        assert not isinstance(layers.Dense(2), tf.Module)


# -- steps_per_execution ------------------------------------------------------------------------


def _fit(steps_per_execution, epochs=2, data=None, jit_compile=True):
    x, y = _data()
    model = _model()
    model.compile(
        optimizer=tholos.optimizers.SGD(0.05),
        loss="mse",
        steps_per_execution=steps_per_execution,
        jit_compile=jit_compile,
    )
    history = model.fit(
        x if data is None else data,
        y if data is None else None,
        batch_size=8,
        epochs=epochs,
        verbose=0,
        shuffle=False,
    )
    return model, history.history["loss"]


def test_steps_per_execution_matches_one_step_per_call(tf_backend):
    one, loss_one = _fit(1)
    four, loss_four = _fit(4)  # 5 batches an epoch: groups of 4 and 1
    for a, b in zip(one.get_weights(), four.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(loss_one, loss_four, rtol=1e-5)
    run = four.train_function
    assert run.compiled.mode in ("xla", "graph")
    graph_fn = run.compiled._stages[0][1]
    assert graph_fn.experimental_get_tracing_count() == 2  # the group of 4, the last group of 1
    xs, ys = _data()
    np.testing.assert_allclose(
        four.predict(xs, batch_size=8, verbose=0),
        one.predict(xs, batch_size=8, verbose=0),
        rtol=1e-5,
    )
    np.testing.assert_allclose(
        four.evaluate(xs, ys, batch_size=8, verbose=0),
        one.evaluate(xs, ys, batch_size=8, verbose=0),
        rtol=1e-5,
    )


def test_a_group_of_steps_is_one_graph_call_traced_once(tf_backend):
    traced = []

    class Counting(tholos.Sequential):
        def train_step(self, data):
            traced.append(1)  # Python runs only while tracing
            return super().train_step(data)

    x, y = _data()
    model = Counting([layers.Input((5,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", steps_per_execution=5)
    model.fit(x, y, batch_size=8, epochs=3, verbose=0)  # 5 batches: one group an epoch
    graph_fn = model.train_function.compiled._stages[0][1]
    assert graph_fn.experimental_get_tracing_count() == 1
    assert len(traced) == 5  # one trace, the loop over the 5 batches unrolled in it
    assert int(model.optimizer.iterations.numpy()) == 15


def test_eager_steps_per_execution_runs_every_batch(tf_backend):
    eager, _ = _fit(3, epochs=1, jit_compile=False)
    one, _ = _fit(1, epochs=1, jit_compile=False)
    for a, b in zip(eager.get_weights(), one.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


# -- tf.data without NumPy ----------------------------------------------------------------------


def _no_numpy(monkeypatch):
    import tensorflow as tf

    from tholos.trainers.data_adapters import TFDatasetAdapter

    def forbidden(*args, **kwargs):
        raise AssertionError("tf.data batches went through NumPy")

    monkeypatch.setattr(tf.data.Dataset, "as_numpy_iterator", forbidden)
    monkeypatch.setattr(TFDatasetAdapter, "get_numpy_iterator", forbidden)


def test_tf_data_batches_reach_the_step_as_tf_tensors(tf_backend, monkeypatch):
    import tensorflow as tf

    x, y = _data()
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)
    _no_numpy(monkeypatch)
    seen = []

    class Spy(tholos.Sequential):
        def train_step(self, data):
            seen.append(data)
            return super().train_step(data)

    model = Spy([layers.Input((5,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    model.fit(dataset, epochs=1, verbose=0)
    assert len(seen) == 5
    assert all(isinstance(leaf, tf.Tensor) for batch in seen for leaf in batch)
    assert model.evaluate(dataset, verbose=0) > 0
    assert model.predict(dataset.map(lambda a, b: a), verbose=0).shape == (40, 1)


def test_tf_data_training_matches_numpy_arrays(tf_backend, monkeypatch):
    import tensorflow as tf

    x, y = _data()
    from_arrays, loss_arrays = _fit(2)
    _no_numpy(monkeypatch)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)
    from_dataset, loss_dataset = _fit(2, data=dataset)
    np.testing.assert_allclose(loss_dataset, loss_arrays, rtol=1e-5)
    for a, b in zip(from_dataset.get_weights(), from_arrays.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_to_device_keeps_tf_tensors_and_converts_numpy(tf_backend):
    import tensorflow as tf

    t = tf.constant([1.0, 2.0])
    batch = tf_backend.trainer.to_device((t, {"a": np.ones(2, "float64")}, None))
    assert batch[0] is t
    assert isinstance(batch[1]["a"], tf.Tensor) and batch[1]["a"].dtype == tf.float64
    assert batch[2] is None


def test_class_weight_with_tf_data_still_works(tf_backend):
    import tensorflow as tf

    x, y = _data()
    labels = (y[:, 0] > 0).astype("int32")
    dataset = tf.data.Dataset.from_tensor_slices((x, labels)).batch(8)
    model = tholos.Sequential([layers.Input((5,)), layers.Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    history = model.fit(dataset, class_weight={0: 1.0, 1: 2.0}, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert float(ops.convert_to_numpy(ops.sum(model.layers[0].kernel))) != 0.0


@pytest.mark.parametrize("spe", [1, 3])
def test_tf_data_with_steps_per_execution_and_steps_per_epoch(tf_backend, spe):
    import tensorflow as tf

    x, y = _data()
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(8).repeat()
    model = _model()
    model.compile(optimizer="sgd", loss="mse", steps_per_execution=spe)
    history = model.fit(dataset, steps_per_epoch=6, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert int(model.optimizer.iterations.numpy()) == 12
