"""The functions Model.save / save_weights / load_weights are bound to, and checkpoints."""

from __future__ import annotations

import numpy as np
import pytest
from saving_helpers import predict, small_sequential

from tholos import models, saving
from tholos.errors import SavingError
from tholos.saving.saving_api import model_load_weights, model_save, model_save_weights

X = np.array([[1.0, 2.0, 3.0]], dtype="float32")


def test_method_bodies(tmp_path):
    model = small_sequential(seed=7)
    model_save(model, tmp_path / "m.keras")
    np.testing.assert_array_equal(
        predict(saving.load_model(tmp_path / "m.keras"), X), predict(model, X)
    )
    model_save_weights(model, tmp_path / "m.weights.h5")
    other = small_sequential(seed=8)
    model_load_weights(other, tmp_path / "m.weights.h5")
    np.testing.assert_array_equal(predict(other, X), predict(model, X))
    with pytest.raises(SavingError, match="save_weights"):
        model_save(model, tmp_path / "m.weights.h5")


@pytest.mark.skipif(not hasattr(models.Model, "save"), reason="Model.save not bound yet")
def test_model_checkpoint_writes_loadable_files(tmp_path):
    from tholos.callbacks import ModelCheckpoint

    model = small_sequential(seed=9)
    model.compile(optimizer="adam", loss="mse")
    path = str(tmp_path / "ckpt.keras")
    model.fit(
        np.ones((4, 3), "float32"),
        np.zeros((4, 2), "float32"),
        epochs=2,
        verbose=0,
        callbacks=[ModelCheckpoint(path)],
    )
    restored = saving.load_model(path)
    np.testing.assert_array_equal(predict(restored, X), predict(model, X))
