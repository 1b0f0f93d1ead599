"""A model's output mask reaches the loss on every backend, also where arrays cannot carry a
``_keras_mask`` attribute (NumPy, JAX and TensorFlow arrays keep masks in a side table)."""

import importlib.util

import numpy as np
import pytest

import tholos
from tholos import layers
from tholos.config import use_backend

BACKENDS = ["numpy"] + [
    name for name in ("torch", "jax", "tensorflow") if importlib.util.find_spec(name)
]

TOKENS = np.array([[1, 2, 0], [3, 0, 0]], "int32")  # 0 is padding: 3 valid positions of 6


@pytest.mark.parametrize("backend", BACKENDS)
def test_padded_positions_do_not_count_in_the_loss(backend):
    with use_backend(backend):
        inputs = layers.Input((3,), dtype="int32")
        embedded = layers.Embedding(4, 1, mask_zero=True)(inputs)
        model = tholos.Model(inputs, embedded)
        table = np.array([[9.0], [1.0], [2.0], [3.0]], "float32")  # row 0 would cost 81
        model.set_weights([table])
        model.compile(optimizer="sgd", loss="mse")
        loss = model.evaluate(TOKENS, np.zeros((2, 3, 1), "float32"), verbose=0)
    # squared errors of the valid positions: 1, 4 and 9; the mean over them is 14 / 3
    assert loss == pytest.approx(14.0 / 3.0, rel=1e-6)
