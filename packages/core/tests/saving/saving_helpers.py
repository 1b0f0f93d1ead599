"""Shared helpers for the saving tests (models, and raw archives built by hand)."""

from __future__ import annotations

import io
import json
import zipfile

import h5py
import numpy as np

from tholos import layers, models


def small_sequential(seed: int = 0) -> models.Sequential:
    model = models.Sequential(
        [layers.Input((3,)), layers.Dense(4, activation="relu"), layers.Dense(2)]
    )
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(size=w.shape).astype(w.dtype) for w in model.get_weights()])
    return model


def predict(model, x):
    return np.asarray(model(x))


def dense_config(name: str, units: int, input_dim: int, activation="linear", **extra) -> dict:
    cfg = {
        "name": name,
        "trainable": True,
        "dtype": "float32",
        "units": units,
        "activation": activation,
        "use_bias": True,
    }
    cfg.update(extra)
    return {
        "module": "keras.layers",
        "class_name": "Dense",
        "config": cfg,
        "registered_name": None,
        "build_config": {"input_shape": [None, input_dim]},
    }


def sequential_config(layer_configs: list[dict], input_dim: int = 3) -> dict:
    return {
        "module": "keras",
        "class_name": "Sequential",
        "config": {
            "name": "sequential",
            "trainable": True,
            "dtype": "float32",
            "layers": [
                {
                    "module": "keras.layers",
                    "class_name": "InputLayer",
                    "config": {
                        "batch_shape": [None, input_dim],
                        "dtype": "float32",
                        "name": "input_layer",
                    },
                    "registered_name": None,
                }
            ]
            + layer_configs,
        },
        "registered_name": None,
    }


def weights_h5(arrays: dict[str, np.ndarray], build=None) -> bytes:
    """An HDF5 file with ``arrays`` at their paths (``"layers/dense/vars/0"``); ``build(f)``
    may add anything else."""
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        f.create_group("vars")
        for path, value in arrays.items():
            f[path] = value
        if build is not None:
            build(f)
    return buffer.getvalue()


def dense_weights(name: str = "dense", shape=(3, 2)) -> dict[str, np.ndarray]:
    return {
        f"layers/{name}/vars/0": np.ones(shape, "float32"),
        f"layers/{name}/vars/1": np.zeros(shape[-1:], "float32"),
    }


def write_archive(
    path,
    config,
    weights: bytes | None = None,
    extra: dict | None = None,
    compression=zipfile.ZIP_STORED,
) -> None:
    """A .keras file from raw parts (config may be a dict or raw bytes)."""
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        zf.writestr("metadata.json", json.dumps({"keras_version": "3.4.1"}))
        zf.writestr("config.json", config if isinstance(config, bytes) else json.dumps(config))
        if weights is not None:
            zf.writestr("model.weights.h5", weights)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
