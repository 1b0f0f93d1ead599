"""compile/fit/evaluate/predict on the NumPy backend, checked against hand computations."""

import re

import numpy as np
import pytest

from tholos import callbacks, layers, optimizers
from tholos.errors import ConfigError, OpInputError
from tholos.models import Model, Sequential
from tholos.trainers import NotCompiledError
from tholos.trainers.data_adapters import DataError
from tholos.utils.py_dataset import PyDataset


def linear_model(units=1, inputs=2):
    return Sequential(
        [
            layers.Input((inputs,)),
            layers.Dense(units, kernel_initializer="zeros", bias_initializer="zeros"),
        ]
    )


def wrap_step(model, name, record):
    """Record the x of every batch a step sees (without Layer attribute tracking)."""
    original = getattr(model, name)

    def step(data):
        record.append(np.asarray(data[0]).copy())
        return original(data)

    object.__setattr__(model, name, step)


X4 = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5], [-2.0, 1.0]], dtype="float32")
Y4 = np.array([[1.0], [2.0], [0.0], [-1.0]], dtype="float32")


def test_sgd_three_steps_match_hand_computed_weights():
    model = linear_model()
    model.compile(optimizer=optimizers.SGD(learning_rate=0.1), loss="mse")
    model.fit(X4, Y4, batch_size=4, epochs=3, shuffle=False, verbose=0)
    w = np.zeros((2, 1))
    b = np.zeros(1)
    x, y = X4.astype("float64"), Y4.astype("float64")
    for _ in range(3):
        residual = x @ w + b - y
        w -= 0.1 * 2.0 / 4 * x.T @ residual
        b -= 0.1 * 2.0 / 4 * residual.sum(axis=0)
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(kernel, w, rtol=1e-5)
    np.testing.assert_allclose(bias, b, rtol=1e-5)


def test_steps_per_execution_gives_the_same_weights():
    results = []
    for spe in (1, 3):
        model = linear_model()
        model.compile(
            optimizer=optimizers.SGD(learning_rate=0.05), loss="mse", steps_per_execution=spe
        )
        model.fit(
            np.tile(X4, (2, 1)),
            np.tile(Y4, (2, 1)),
            batch_size=2,
            epochs=2,
            shuffle=False,
            verbose=0,
        )
        results.append(model.get_weights())
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def make_blobs(n=150, seed=0):
    rng = np.random.default_rng(seed)
    centers = np.array([[3, 0, 0, 0], [0, 3, 0, 0], [0, 0, 3, 0]], dtype="float32")
    y = rng.integers(0, 3, size=n)
    x = centers[y] + rng.normal(size=(n, 4)).astype("float32")
    return x.astype("float32"), y


def test_mlp_fit_lowers_the_loss_and_resolves_accuracy():
    x, y = make_blobs()
    model = Sequential(
        [
            layers.Input((4,)),
            layers.Dense(16, activation="relu"),
            layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=optimizers.Adam(learning_rate=0.02),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(x, y, batch_size=32, epochs=15, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.5 * losses[0]
    assert history.history["accuracy"][-1] > 0.9
    (metric,) = model._compile_metrics.metrics
    assert type(metric).__name__ == "SparseCategoricalAccuracy" and metric.name == "accuracy"
    assert model.metrics_names == ["loss", "compile_metrics"]


@pytest.mark.parametrize(
    ("loss", "y", "expected"),
    [
        ("binary_crossentropy", np.array([[0.0], [1.0]]), "BinaryAccuracy"),
        ("mse", np.array([[0.0], [1.0]]), "BinaryAccuracy"),
        ("categorical_crossentropy", np.eye(3)[[0, 2]], "CategoricalAccuracy"),
        ("sparse_categorical_crossentropy", np.array([0, 2]), "SparseCategoricalAccuracy"),
    ],
)
def test_accuracy_string_resolution(loss, y, expected):
    units = 1 if y.shape[-1:] == (1,) else 3
    model = Sequential(
        [
            layers.Input((2,)),
            layers.Dense(units, activation="sigmoid" if units == 1 else "softmax"),
        ]
    )
    model.compile(optimizer="sgd", loss=loss, metrics=["acc"])
    model.fit(np.ones((2, 2), "float32"), y, verbose=0)
    (metric,) = model._compile_metrics.metrics
    assert type(metric).__name__ == expected and metric.name == "acc"


def test_validation_split_takes_the_last_fraction_before_shuffling():
    x = np.arange(10, dtype="float32").reshape(10, 1)
    y = np.zeros((10, 1), "float32")
    model = linear_model(inputs=1)
    model.compile(optimizer="sgd", loss="mse")
    train_seen, val_seen = [], []
    wrap_step(model, "train_step", train_seen)
    wrap_step(model, "test_step", val_seen)
    history = model.fit(x, y, batch_size=3, epochs=2, validation_split=0.2, shuffle=True, verbose=0)
    assert sorted(np.concatenate(val_seen[:1]).ravel().tolist()) == [8.0, 9.0]
    assert sorted(np.concatenate(train_seen).ravel().tolist()) == sorted(list(range(8)) * 2)
    assert sorted(history.history) == ["loss", "val_loss"]


def test_class_weight_and_sample_weight_scale_the_loss():
    x = np.ones((4, 2), "float32")
    y = np.array([[0.0], [1.0], [1.0], [0.0]], "float32")
    model = linear_model()
    model.compile(optimizer=optimizers.SGD(learning_rate=0.0), loss="mse")
    # predictions are 0, so per-sample losses are y**2 = [0, 1, 1, 0]
    plain = model.fit(x, y, batch_size=4, verbose=0).history["loss"][0]
    weighted = model.fit(x, y, batch_size=4, verbose=0, class_weight={0: 1.0, 1: 3.0}).history[
        "loss"
    ][0]
    assert plain == pytest.approx(0.5) and weighted == pytest.approx(1.5)
    y2 = np.array([[1.0], [2.0], [3.0], [4.0]], "float32")
    model.compile(optimizer=optimizers.SGD(learning_rate=0.0), loss="mse", weighted_metrics=["mse"])
    logs = model.fit(
        x, y2, batch_size=2, sample_weight=np.array([1.0, 0.0, 0.0, 1.0]), verbose=0
    ).history
    assert logs["loss"][0] == pytest.approx((1 + 16) / 4)
    assert logs["mse"][0] == pytest.approx((1 + 16) / 2)


def test_history_contents_and_evaluate_predict():
    x = np.linspace(-1, 1, 20, dtype="float32").reshape(10, 2)
    y = x.sum(axis=1, keepdims=True)
    model = linear_model()
    model.compile(optimizer=optimizers.SGD(learning_rate=0.1), loss="mse", metrics=["mae"])
    history = model.fit(x, y, batch_size=4, epochs=3, validation_data=(x, y), verbose=0)
    assert model.history is history
    assert history.epoch == [0, 1, 2]
    assert sorted(history.history) == ["loss", "mae", "val_loss", "val_mae"]
    assert all(len(v) == 3 for v in history.history.values())
    assert all(isinstance(v, float) for v in history.history["loss"])
    assert history.params == {"verbose": 0, "epochs": 3, "steps": 3}
    loss, mae = model.evaluate(x, y, batch_size=3, verbose=0)
    assert loss == pytest.approx(history.history["val_loss"][-1], rel=1e-5)
    as_dict = model.evaluate(x, y, verbose=0, return_dict=True)
    assert as_dict == pytest.approx({"loss": loss, "mae": mae}, rel=1e-5)
    kernel, bias = model.get_weights()
    pred = model.predict(x, batch_size=3, verbose=0)
    assert isinstance(pred, np.ndarray) and pred.shape == (10, 1)
    np.testing.assert_allclose(pred, x @ kernel + bias, rtol=1e-5)
    np.testing.assert_allclose(model.predict_on_batch(x[:2]), pred[:2], rtol=1e-6)
    model.compile(optimizer="sgd", loss="mse")
    assert isinstance(model.evaluate(x, y, verbose=0), float)


def test_train_and_test_on_batch():
    model = linear_model()
    model.compile(optimizer=optimizers.SGD(learning_rate=0.1), loss="mse", metrics=["mae"])
    loss, mae = model.test_on_batch(X4, Y4)
    assert loss == pytest.approx(float(np.mean(Y4**2)))
    assert mae == pytest.approx(float(np.mean(np.abs(Y4))))
    logs = model.train_on_batch(X4, Y4, return_dict=True)
    assert logs["loss"] == pytest.approx(float(np.mean(Y4**2)))
    kernel, _ = model.get_weights()
    np.testing.assert_allclose(kernel, 0.1 * 2.0 / 4 * X4.T @ Y4, rtol=1e-5)


def test_verbose_2_output_format(capsys):
    x = np.ones((8, 2), "float32")
    y = np.ones((8, 1), "float32")
    model = linear_model()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    model.fit(x, y, batch_size=4, epochs=2, validation_data=(x, y), verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    pattern = (
        r"2/2 - \d+s - \d+(us|ms|s)/step - loss: \d\.\d{4} - mae: \d\.\d{4}"
        r" - val_loss: \d\.\d{4} - val_mae: \d\.\d{4}"
    )
    assert re.fullmatch(pattern, lines[1]), lines[1]
    model.predict(np.ones((9, 2), "float32"), batch_size=3, verbose=2)
    (line,) = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"3/3 - \d+s - \d+(us|ms|s)/step", line), line
    model.fit(x, y, epochs=1, verbose=0)
    assert capsys.readouterr().out == ""


def test_generator_pydataset_and_steps_per_epoch():
    def forever():
        while True:
            yield X4, Y4

    model = linear_model()
    model.compile(optimizer=optimizers.SGD(learning_rate=0.01), loss="mse")
    history = model.fit(forever(), steps_per_epoch=3, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2

    class Data(PyDataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            return X4[2 * i : 2 * i + 2], Y4[2 * i : 2 * i + 2]

    history = model.fit(Data(workers=2), epochs=2, validation_data=Data(), verbose=0)
    assert sorted(history.history) == ["loss", "val_loss"]


def test_errors_are_clear():
    model = linear_model()
    with pytest.raises(NotCompiledError, match="compile"):
        model.fit(X4, Y4)
    with pytest.raises(ConfigError, match="adamx"):
        model.compile(optimizer="adamx", loss="mse")
    with pytest.raises(ConfigError, match="msee"):
        model.compile(optimizer="sgd", loss="msee")
    model.compile(optimizer="sgd", loss="mse", metrics=["acuracy"])
    with pytest.raises(ConfigError, match="acuracy"):
        model.fit(X4, Y4, verbose=0)
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(DataError, match="cardinality"):
        model.fit(X4, Y4[:3], verbose=0)
    with pytest.raises(DataError, match="empty"):
        model.fit(np.zeros((0, 2), "float32"), np.zeros((0, 1), "float32"), verbose=0)
    with pytest.raises(DataError, match="validation_split"):
        model.fit(iter([(X4, Y4)]), validation_split=0.5, verbose=0)
    classifier = linear_model(units=3)
    classifier.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    with pytest.raises(OpInputError, match="categorical_crossentropy"):
        classifier.fit(X4, np.eye(3)[[0, 1, 2, 0]], verbose=0)
    classifier.compile(optimizer="sgd", loss="categorical_crossentropy")
    with pytest.raises(OpInputError, match="sparse_categorical_crossentropy"):
        classifier.fit(X4, np.array([0, 1, 2, 0]), verbose=0)


def test_nan_loss_terminates_cleanly(capsys):
    x = X4.copy()
    x[0, 0] = np.nan
    batches = []
    model = linear_model()
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(
        np.tile(x, (3, 1)),
        np.tile(Y4, (3, 1)),
        batch_size=4,
        epochs=5,
        shuffle=False,
        verbose=0,
        callbacks=[
            callbacks.TerminateOnNaN(),
            callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: batches.append(b)),
        ],
    )
    assert batches == [0]
    assert len(history.epoch) == 1 and np.isnan(history.history["loss"][0])
    assert "Invalid loss" in capsys.readouterr().out


def test_early_stopping_and_reduce_lr_in_fit():
    model = linear_model()
    model.compile(optimizer=optimizers.SGD(learning_rate=0.0), loss="mse")
    history = model.fit(
        X4,
        Y4,
        epochs=10,
        verbose=0,
        callbacks=[callbacks.EarlyStopping(monitor="loss", patience=2)],
    )
    assert history.epoch == [0, 1, 2]
    model.compile(optimizer=optimizers.SGD(learning_rate=1e-12), loss="mse")
    history = model.fit(
        X4,
        Y4,
        epochs=4,
        verbose=0,
        callbacks=[callbacks.ReduceLROnPlateau(monitor="loss", patience=1, factor=0.5)],
    )
    assert history.history["learning_rate"] == pytest.approx([1e-12, 5e-13, 2.5e-13, 1.25e-13])
    lr = model.optimizer.learning_rate
    assert float(np.asarray(lr.numpy() if hasattr(lr, "numpy") else lr)) == pytest.approx(0.625e-13)


def test_csv_logger_and_tensorboard_during_fit(tmp_path):
    from tholos.callbacks import _tfevents

    model = linear_model()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(
        X4,
        Y4,
        epochs=2,
        verbose=0,
        validation_data=(X4, Y4),
        callbacks=[
            callbacks.CSVLogger(str(tmp_path / "log.csv")),
            callbacks.TensorBoard(str(tmp_path / "tb"), histogram_freq=1),
        ],
    )
    lines = (tmp_path / "log.csv").read_text().splitlines()
    assert lines[0] == "epoch,loss,val_loss" and len(lines) == 3
    (name,) = list((tmp_path / "tb" / "train").iterdir())
    tags = {v["tag"] for e in _tfevents.read_events(str(name)) for v in e["values"]}
    assert "epoch_loss" in tags and any(t.endswith("/histogram") for t in tags)


def test_backup_and_restore_resumes_after_interruption(tmp_path):
    class Interrupt(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise RuntimeError("interrupted")

    backup = callbacks.BackupAndRestore(str(tmp_path / "backup"))
    model = linear_model()
    model.compile(optimizer=optimizers.SGD(learning_rate=0.1), loss="mse")
    with pytest.raises(RuntimeError, match="interrupted"):
        model.fit(X4, Y4, epochs=4, verbose=0, shuffle=False, callbacks=[backup, Interrupt()])
    resumed = linear_model()
    resumed.compile(optimizer=optimizers.SGD(learning_rate=0.1), loss="mse")
    history = resumed.fit(X4, Y4, epochs=4, verbose=0, shuffle=False, callbacks=[backup])
    assert history.epoch == [2, 3]
    reference = linear_model()
    reference.compile(optimizer=optimizers.SGD(learning_rate=0.1), loss="mse")
    reference.fit(X4, Y4, epochs=4, verbose=0, shuffle=False)
    for a, b in zip(resumed.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_custom_train_step_and_metrics_property():
    from tholos import metrics

    class Custom(Sequential):
        def train_step(self, data):
            logs = super().train_step(data)
            self.counter.update_state(1.0)
            return {**logs, "custom": self.counter.result()}

    model = Custom([layers.Input((2,)), layers.Dense(1)])
    model.counter = metrics.Sum(name="custom")
    model.compile(optimizer="sgd", loss="mse")
    assert model.counter in model.metrics
    history = model.fit(X4, Y4, batch_size=2, epochs=2, verbose=0)
    # metrics are reset at each epoch: 2 batches per epoch
    assert history.history["custom"] == [2.0, 2.0]


def test_multi_output_losses_and_weights():
    inputs = layers.Input((2,))
    a = layers.Dense(1, kernel_initializer="zeros", name="a")(inputs)
    b = layers.Dense(1, kernel_initializer="zeros", name="b")(inputs)
    model = Model(inputs, {"a": a, "b": b})
    model.compile(
        optimizer=optimizers.SGD(learning_rate=0.0),
        loss={"a": "mse", "b": "mae"},
        loss_weights={"a": 2.0, "b": 0.5},
    )
    y = {"a": Y4, "b": Y4}
    logs = model.fit(X4, y, batch_size=4, verbose=0).history
    mse, mae = float(np.mean(Y4**2)), float(np.mean(np.abs(Y4)))
    assert logs["a_loss"][0] == pytest.approx(mse) and logs["b_loss"][0] == pytest.approx(mae)
    assert logs["loss"][0] == pytest.approx(2.0 * mse + 0.5 * mae)
