"""tf.data pipelines and torch DataLoaders train models on every loadable backend (issue 4:
"each works on every trainable backend"). Skipped where the data's framework is missing."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

import tholos
from tholos import layers
from tholos.backend._discovery import REGISTRY


def _loadable_backends() -> list[str]:
    names = []
    for info in tholos.backend.list_backends():
        if info.spec is None or info.name.startswith("tiny"):
            continue
        try:
            REGISTRY.get(info.name)
        except Exception:
            continue
        names.append(info.name)
    return names


BACKENDS = _loadable_backends()


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x.sum(axis=1) > 0).astype("int32")
    return x, y


def _fit(source, backend):
    with tholos.config.use_backend(backend):
        tholos.utils.set_random_seed(0)
        model = tholos.Sequential(
            [layers.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(2)]
        )
        model.compile(
            optimizer=tholos.optimizers.SGD(0.1),
            loss=tholos.losses.SparseCategoricalCrossentropy(from_logits=True),
        )
        history = model.fit(source, epochs=3, verbose=0)
        x, y = _data()
        evaluated = model.evaluate(x, y, verbose=0, batch_size=64)
    return history.history["loss"], evaluated


@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="needs tensorflow")
@pytest.mark.parametrize("backend", BACKENDS)
def test_tf_data_pipeline_trains(backend):
    import tensorflow as tf

    x, y = _data()
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(16).prefetch(2)
    losses, final = _fit(dataset, backend)
    assert len(losses) == 3 and losses[-1] < losses[0]
    assert abs(final - losses[-1]) < 0.2


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="needs torch")
@pytest.mark.parametrize("backend", BACKENDS)
def test_torch_dataloader_trains(backend):
    import torch

    x, y = _data()
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=16
    )
    losses, final = _fit(loader, backend)
    assert len(losses) == 3 and losses[-1] < losses[0]
    assert abs(final - losses[-1]) < 0.2


@pytest.mark.skipif(
    importlib.util.find_spec("torch") is None or importlib.util.find_spec("tensorflow") is None,
    reason="needs torch and tensorflow",
)
def test_same_data_same_result_from_numpy_tf_data_and_dataloader():
    import tensorflow as tf
    import torch

    x, y = _data()
    results = []
    for source in (
        tf.data.Dataset.from_tensor_slices((x, y)).batch(16),
        torch.utils.data.DataLoader(
            torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)),
            batch_size=16,
        ),
    ):
        results.append(_fit(source, "numpy")[0])
    np.testing.assert_allclose(results[0], results[1], rtol=1e-5)
