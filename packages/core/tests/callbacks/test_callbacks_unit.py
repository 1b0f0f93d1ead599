"""Callbacks driven directly with hand-made logs and a stand-in model (no training)."""

import csv
import math
import os

import numpy as np
import pytest

from tholos.callbacks import (
    BackupAndRestore,
    CallbackList,
    CSVLogger,
    EarlyStopping,
    History,
    LambdaCallback,
    LearningRateScheduler,
    ModelCheckpoint,
    ProgbarLogger,
    ReduceLROnPlateau,
    SwapEMAWeights,
    TensorBoard,
    TerminateOnNaN,
)
from tholos.callbacks import _tfevents as tfevents
from tholos.callbacks.model_checkpoint import format_filepath
from tholos.errors import ConfigError


class _Var:
    def __init__(self, value, name="w"):
        self.value = np.asarray(value, dtype="float32")
        self.name = name
        self.path = f"dense/{name}"

    def numpy(self):
        return self.value.copy()

    def assign(self, value):
        self.value = np.asarray(value, dtype="float32")


class _Optimizer:
    def __init__(self, lr=0.1):
        self.learning_rate = lr


class FakeModel:
    """Only what callbacks use: weights, an optimizer and ``stop_training``."""

    def __init__(self):
        self.w = _Var([1.0, 2.0])
        self.stop_training = False
        self.optimizer = _Optimizer()
        self.saved = []

    @property
    def weights(self):
        return [self.w]

    @property
    def trainable_variables(self):
        return [self.w]

    def get_weights(self):
        return [self.w.numpy()]

    def set_weights(self, weights):
        self.w.assign(weights[0])


def run_epochs(callback, model, values, key="val_loss", weights=None):
    """Simulate fit: one epoch per value; stop when the model asks to. Returns epochs run."""
    callback.set_model(model)
    callback.on_train_begin()
    ran = 0
    for epoch, value in enumerate(values):
        if weights is not None:
            model.w.assign(weights[epoch])
        callback.on_epoch_begin(epoch)
        callback.on_epoch_end(epoch, {key: value})
        ran += 1
        if model.stop_training:
            break
    callback.on_train_end()
    return ran


# -- EarlyStopping ---------------------------------------------------------------------------


def test_early_stopping_stops_after_patience_and_restores_best():
    model = FakeModel()
    cb = EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    losses = [1.0, 0.5, 0.6, 0.7, 0.4, 0.3]
    weights = [[float(i), float(i)] for i in range(len(losses))]
    ran = run_epochs(cb, model, losses, weights=weights)
    # Best at epoch 1; epochs 2 and 3 do not improve -> stop at epoch 3 (0-based).
    assert ran == 4
    assert cb.stopped_epoch == 3
    assert cb.best_epoch == 1
    np.testing.assert_array_equal(model.w.value, [1.0, 1.0])


def test_early_stopping_min_delta_and_max_mode():
    model = FakeModel()
    cb = EarlyStopping(monitor="val_accuracy", patience=1, min_delta=0.05)
    assert cb.mode == "max"
    # +0.01 is not an improvement with min_delta=0.05 -> stops at epoch 1.
    assert run_epochs(cb, model, [0.5, 0.51, 0.9], key="val_accuracy") == 2


def test_early_stopping_baseline_and_start_from_epoch():
    model = FakeModel()
    cb = EarlyStopping(patience=2, baseline=0.1)
    # Improving but never beating the baseline: stops after `patience` epochs.
    assert run_epochs(cb, model, [0.9, 0.8, 0.7, 0.6]) == 2
    model = FakeModel()
    cb = EarlyStopping(patience=0, start_from_epoch=3)
    assert run_epochs(cb, model, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]) == 5


def test_early_stopping_missing_monitor_warns():
    model = FakeModel()
    cb = EarlyStopping(monitor="val_nope")
    with pytest.warns(UserWarning, match="val_nope"):
        run_epochs(cb, model, [1.0])


# -- ReduceLROnPlateau / LearningRateScheduler ------------------------------------------------


def test_reduce_lr_on_plateau_reduces_and_respects_min_lr_and_cooldown():
    model = FakeModel()
    cb = ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, min_lr=0.03, cooldown=2)
    cb.set_model(model)
    cb.on_train_begin()
    lrs = []
    for epoch, loss in enumerate([1.0, 1.0, 1.0, 1.0, 1.0, 1.0]):
        logs = {"val_loss": loss}
        cb.on_epoch_end(epoch, logs)
        lrs.append(model.optimizer.learning_rate)
        assert "learning_rate" in logs
    # epoch1: 0.05; epoch2: cooldown; epoch3: 0.03 (clipped to min_lr); then stays there.
    assert lrs == pytest.approx([0.1, 0.05, 0.05, 0.03, 0.03, 0.03])


def test_reduce_lr_rejects_factor_ge_one():
    with pytest.raises(ConfigError):
        ReduceLROnPlateau(factor=1.0)


def test_learning_rate_scheduler_one_and_two_argument_schedules():
    model = FakeModel()
    cb = LearningRateScheduler(lambda epoch, lr: lr * 0.5)
    cb.set_model(model)
    cb.on_epoch_begin(0)
    cb.on_epoch_begin(1)
    assert model.optimizer.learning_rate == pytest.approx(0.025)
    cb = LearningRateScheduler(lambda epoch: 1.0 / (epoch + 1))
    cb.set_model(model)
    cb.on_epoch_begin(3)
    logs = {}
    cb.on_epoch_end(3, logs)
    assert logs["learning_rate"] == pytest.approx(0.25)


# -- CSVLogger --------------------------------------------------------------------------------


def test_csv_logger_content_and_append(tmp_path):
    path = tmp_path / "log.csv"
    model = FakeModel()
    cb = CSVLogger(str(path))
    cb.set_model(model)
    cb.on_train_begin()
    cb.on_epoch_end(0, {"loss": 0.5, "acc": 0.25})
    cb.on_epoch_end(1, {"loss": 0.25, "acc": 0.75})
    cb.on_train_end()
    rows = list(csv.reader(path.read_text().splitlines()))
    assert rows == [["epoch", "acc", "loss"], ["0", "0.25", "0.5"], ["1", "0.75", "0.25"]]
    cb = CSVLogger(str(path), separator=";", append=True)
    cb.set_model(model)
    cb.on_train_begin()
    cb.on_epoch_end(2, {"loss": 0.125, "acc": 1.0})
    cb.on_train_end()
    assert path.read_text().splitlines()[-1] == "2;1.0;0.125"
    assert len(path.read_text().splitlines()) == 4


# -- TerminateOnNaN / LambdaCallback / History ------------------------------------------------


def test_terminate_on_nan(capsys):
    model = FakeModel()
    cb = TerminateOnNaN()
    cb.set_model(model)
    cb.on_train_batch_end(0, {"loss": 1.0})
    assert not model.stop_training
    cb.on_train_batch_end(1, {"loss": math.nan})
    assert model.stop_training
    assert "Batch 1: Invalid loss, terminating training" in capsys.readouterr().out


def test_lambda_callback_and_callback_list_order():
    events = []
    cbs = CallbackList(
        [
            LambdaCallback(on_epoch_begin=lambda e, logs: events.append(("begin", e))),
            LambdaCallback(on_batch_end=lambda b, logs: events.append(("batch", b))),
        ],
        add_history=True,
        model=FakeModel(),
        epochs=1,
        steps=1,
        verbose=0,
    )
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    cbs.on_train_batch_end(0, {"loss": 1.0})
    cbs.on_epoch_end(0, {"loss": 1.0})
    assert events == [("begin", 0), ("batch", 0)]
    assert isinstance(cbs.callbacks[-1], History)
    assert cbs.model.history.history == {"loss": [1.0]}
    with pytest.raises(TypeError):
        LambdaCallback(on_everything=print)


# -- ModelCheckpoint ----------------------------------------------------------------------------


def test_checkpoint_filepath_templates():
    logs = {"val_loss": 0.12345, "loss": 1.5}
    assert format_filepath("model_at_epoch_{epoch}.keras", 0, None, logs) == (
        "model_at_epoch_1.keras"
    )
    assert format_filepath("{epoch:02d}-{val_loss:.2f}.weights.h5", 8, None, logs) == (
        "09-0.12.weights.h5"
    )
    with pytest.raises(ConfigError, match="val_acc"):
        format_filepath("{val_acc}.keras", 0, None, logs)


def test_checkpoint_requires_extension():
    with pytest.raises(ConfigError):
        ModelCheckpoint("ckpt.h5")
    with pytest.raises(ConfigError):
        ModelCheckpoint("ckpt.keras", save_weights_only=True)


def test_checkpoint_save_best_only_calls_save(tmp_path):
    model = FakeModel()
    model.save = lambda path, overwrite=True: model.saved.append(os.path.basename(path))
    cb = ModelCheckpoint(str(tmp_path / "m-{epoch}.keras"), save_best_only=True)
    run_epochs(cb, model, [1.0, 2.0, 0.5, 0.7])
    assert model.saved == ["m-1.keras", "m-3.keras"]


def test_checkpoint_batch_frequency(tmp_path):
    model = FakeModel()
    model.save_weights = lambda path, overwrite=True: model.saved.append(os.path.basename(path))
    cb = ModelCheckpoint(
        str(tmp_path / "w-{epoch}-{batch}.weights.h5"), save_weights_only=True, save_freq=2
    )
    cb.set_model(model)
    cb.on_epoch_begin(0)
    for batch in range(5):
        cb.on_train_batch_end(batch, {"loss": 1.0})
    assert model.saved == ["w-1-2.weights.h5", "w-1-4.weights.h5"]


def test_checkpoint_without_saving_feature_says_so(tmp_path):
    cb = ModelCheckpoint(str(tmp_path / "m.keras"))
    with pytest.raises(NotImplementedError, match=r"Model\.save"):
        run_epochs(cb, FakeModel(), [1.0])


# -- BackupAndRestore ---------------------------------------------------------------------------


def test_backup_and_restore_round_trip(tmp_path):
    model = FakeModel()
    cb = BackupAndRestore(str(tmp_path / "backup"), delete_checkpoint=False)
    cb.set_model(model)
    cb.on_train_begin()
    model.w.assign([5.0, 6.0])
    cb.on_epoch_end(2, {})
    files = os.listdir(tmp_path / "backup")
    assert files == ["backup.npz"]
    restored = FakeModel()
    cb2 = BackupAndRestore(str(tmp_path / "backup"))
    cb2.set_model(restored)
    cb2.on_train_begin()
    np.testing.assert_array_equal(restored.w.value, [5.0, 6.0])
    assert restored._initial_epoch == 3
    cb2.on_train_end()
    assert not os.path.exists(tmp_path / "backup" / "backup.npz")


# -- SwapEMAWeights -----------------------------------------------------------------------------


def test_swap_ema_weights_around_evaluation():
    model = FakeModel()
    ema = _Var([10.0, 20.0], name="ema")
    model.optimizer.use_ema = True
    model.optimizer._model_variables_moving_average = [ema]
    model.optimizer._trainable_variables = [model.w]
    cb = SwapEMAWeights()
    cb.set_model(model)
    cb.on_test_begin()
    np.testing.assert_array_equal(model.w.value, [10.0, 20.0])
    cb.on_test_end()
    np.testing.assert_array_equal(model.w.value, [1.0, 2.0])
    np.testing.assert_array_equal(ema.value, [10.0, 20.0])
    model.optimizer.use_ema = False
    with pytest.raises(ConfigError, match="use_ema"):
        cb.on_predict_begin()


# -- TensorBoard --------------------------------------------------------------------------------


def test_tensorboard_event_files_parse_back_with_valid_crcs(tmp_path):
    model = FakeModel()
    cb = TensorBoard(log_dir=str(tmp_path), histogram_freq=1, update_freq=2)
    cb.set_model(model)
    cb.on_train_begin()
    cb.on_epoch_begin(0)
    for batch in range(4):
        cb.on_train_batch_end(batch, {"loss": 1.0 / (batch + 1)})
    cb.on_epoch_end(0, {"loss": 0.5, "accuracy": 0.75, "val_loss": 0.625})
    cb.on_train_end()
    (train_file,) = os.listdir(tmp_path / "train")
    (val_file,) = os.listdir(tmp_path / "validation")
    assert train_file.startswith("events.out.tfevents.")
    events = tfevents.read_events(str(tmp_path / "train" / train_file))
    assert events[0]["file_version"] == "brain.Event:2"
    scalars = {
        (v["tag"], e["step"]): v["simple_value"]
        for e in events
        for v in e["values"]
        if "simple_value" in v
    }
    assert scalars == {
        ("batch_loss", 2): pytest.approx(0.5),
        ("batch_loss", 4): pytest.approx(0.25),
        ("epoch_loss", 0): 0.5,
        ("epoch_accuracy", 0): 0.75,
    }
    (histo,) = [v["histo"] for e in events for v in e["values"] if "histo" in v]
    assert histo["min"] == 1.0 and histo["max"] == 2.0 and histo["num"] == 2.0
    assert histo["sum"] == 3.0 and histo["sum_squares"] == 5.0
    assert sum(histo["bucket"]) == 2.0 and histo["bucket_limit"][-1] == 2.0
    val_events = tfevents.read_events(str(tmp_path / "validation" / val_file))
    assert [(v["tag"], v["simple_value"]) for e in val_events for v in e["values"]] == [
        ("epoch_loss", 0.625)
    ]


def test_tfevents_crc_known_values_and_corruption_detected(tmp_path):
    assert tfevents.crc32c(b"123456789") == 0xE3069283
    assert tfevents.crc32c(b"") == 0
    assert tfevents.crc32c(bytes(32)) == 0x8A9136AA  # RFC 3720 test vector
    writer = tfevents.EventFileWriter(str(tmp_path))
    writer.add_scalar("x", 1.0, 7)
    writer.close()
    data = bytearray(open(writer.path, "rb").read())
    data[-6] ^= 0xFF
    bad = tmp_path / "bad"
    bad.write_bytes(bytes(data))
    with pytest.raises(tfevents.CorruptEventFileError):
        tfevents.read_events(str(bad))


def test_tfevents_record_framing():
    payload = b"hello"
    framed = tfevents.record(payload)
    assert len(framed) == 8 + 4 + len(payload) + 4
    assert int.from_bytes(framed[:8], "little") == 5
    assert int.from_bytes(framed[-4:], "little") == tfevents.masked_crc32c(payload)


# -- ProgbarLogger ------------------------------------------------------------------------------


def test_progbar_logger_verbose_2_line(capsys):
    cb = ProgbarLogger()
    cb.set_params({"verbose": 2, "epochs": 2, "steps": 3})
    cb.on_train_begin()
    cb.on_epoch_begin(0)
    for batch in range(3):
        cb.on_train_batch_end(batch, {"acc": 0.5, "loss": 1.25})
    cb.on_epoch_end(0, {"acc": 0.5, "loss": 1.25, "val_acc": 0.75, "val_loss": 0.0001})
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Epoch 1/2"
    import re

    assert re.fullmatch(
        r"3/3 - \d+s - \d+(us|ms|s)/step - acc: 0\.5000 - loss: 1\.2500 - val_acc: 0\.7500"
        r" - val_loss: 1\.0000e-04",
        out[1],
    ), out[1]
