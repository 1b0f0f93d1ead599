"""Saving across backends: a model saved under one backend and loaded under another gives the
same predictions and the same weights.

The model mixes the layer kinds whose saved layout differs most between frameworks
(convolution kernels, BatchNormalization statistics, an Embedding, an LSTM's fused gates,
a Dense head). It is built and trained one step on one side, saved as a ``.keras`` archive
(and as ``.weights.h5`` into a fresh model), loaded on the other side, and both sides predict
the same batch. Weights must come back bit-identical (they are stored as float32); the
predictions agree within the matmul tier (the two backends compute them independently).
"""

from __future__ import annotations

import numpy as np
import pytest

from tholos_conformance.compare import compare_arrays
from tholos_conformance.runtime import backend_scope, reference_scope, to_numpy
from tholos_conformance.tolerances import tolerance

R = np.random.RandomState(7)
IMAGES = R.rand(4, 8, 8, 2).astype("float32")
TOKENS = R.randint(1, 20, size=(4, 5)).astype("int32")
TARGETS = R.randint(0, 3, size=(4,)).astype("int32")


def _model():
    import tholos
    from tholos import layers

    image = layers.Input((8, 8, 2), name="image")
    tokens = layers.Input((5,), dtype="int32", name="tokens")
    x = layers.Conv2D(3, 3, padding="same", activation="relu")(image)
    x = layers.BatchNormalization()(x)
    x = layers.GlobalAveragePooling2D()(x)
    t = layers.Embedding(20, 4)(tokens)
    t = layers.LSTM(3)(t)
    merged = layers.Concatenate()([x, t])
    outputs = layers.Dense(3, activation="softmax")(merged)
    model = tholos.Model({"image": image, "tokens": tokens}, outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def _inputs():
    return {"image": IMAGES, "tokens": TOKENS}


def _trained_and_saved(path):
    import tholos

    tholos.utils.set_random_seed(3)
    model = _model()
    model.train_on_batch(_inputs(), TARGETS)  # moves weights, BN statistics, Adam slots
    model.save(path)
    model.save_weights(str(path).replace(".keras", ".weights.h5"))
    return [np.asarray(w) for w in model.get_weights()], to_numpy(
        model.predict(_inputs(), verbose=0)
    )


def _loaded(path):
    import tholos

    loaded = tholos.saving.load_model(path)
    fresh = _model()
    fresh.load_weights(str(path).replace(".keras", ".weights.h5"))
    out = {
        "keras": (
            [np.asarray(w) for w in loaded.get_weights()],
            to_numpy(loaded.predict(_inputs(), verbose=0)),
        ),
        "weights.h5": (
            [np.asarray(w) for w in fresh.get_weights()],
            to_numpy(fresh.predict(_inputs(), verbose=0)),
        ),
    }
    return out


def _check(saved, loaded, direction, device):
    weights, predictions = saved
    rtol, atol = tolerance("matmul", "float32", device)
    for fmt, (got_weights, got_predictions) in loaded.items():
        assert len(got_weights) == len(weights), f"{direction} ({fmt}): weight count differs"
        for i, (got, want) in enumerate(zip(got_weights, weights)):
            np.testing.assert_array_equal(
                got, want, err_msg=f"{direction} ({fmt}): weight {i} differs after loading"
            )
        stats = compare_arrays(got_predictions, predictions, rtol, atol)
        assert stats["ok"], (
            f"{direction} ({fmt}): predictions of the loaded model differ from the saving "
            f"side's (worst abs error {stats['worst_abs']:.3g}, {stats['mismatched']} "
            f"mismatched; rtol {rtol}, atol {atol})"
        )


@pytest.mark.tholos_area("saving")
def test_model_saved_on_reference_loads_on_backend(tholos_backend_name, tholos_device, tmp_path):
    path = tmp_path / "reference.keras"
    with reference_scope():
        saved = _trained_and_saved(path)
    with backend_scope(tholos_backend_name, tholos_device):
        loaded = _loaded(path)
    _check(saved, loaded, f"numpy -> {tholos_backend_name}", tholos_device)


@pytest.mark.tholos_area("saving")
def test_model_saved_on_backend_loads_on_reference(tholos_backend_name, tholos_device, tmp_path):
    path = tmp_path / "backend.keras"
    with backend_scope(tholos_backend_name, tholos_device):
        saved = _trained_and_saved(path)
    with reference_scope():
        loaded = _loaded(path)
    _check(saved, loaded, f"{tholos_backend_name} -> numpy", tholos_device)
