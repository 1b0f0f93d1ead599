"""Optimizer state is saved: training resumes exactly; files move between backends."""

from __future__ import annotations

import numpy as np
import pytest
from saving_helpers import predict, small_sequential

import tholos
from tholos import optimizers, saving

RNG = np.random.default_rng(0)
X = RNG.normal(size=(6, 3)).astype("float32")
Y = RNG.normal(size=(6, 2)).astype("float32")


def _compiled(optimizer):
    model = small_sequential(seed=5)
    model.compile(optimizer=optimizer, loss="mse")
    return model


@pytest.mark.parametrize(
    "make_optimizer",
    [
        lambda: optimizers.Adam(learning_rate=0.01),
        lambda: optimizers.SGD(learning_rate=0.1, momentum=0.9),
    ],
    ids=["adam", "sgd_momentum"],
)
@pytest.mark.parametrize("via", ["keras", "weights"])
def test_resume_is_exact(tmp_path, make_optimizer, via):
    straight = _compiled(make_optimizer())
    for _ in range(6):
        straight.train_on_batch(X, Y)

    first = _compiled(make_optimizer())
    for _ in range(3):
        first.train_on_batch(X, Y)
    if via == "keras":
        path = tmp_path / "ckpt.keras"
        saving.save_model(first, path)
        resumed = saving.load_model(path)
    else:
        path = tmp_path / "ckpt.weights.h5"
        saving.save_weights(first, path)
        resumed = _compiled(make_optimizer())
        resumed.optimizer.build(resumed.trainable_variables)
        saving.load_weights(resumed, path)
    assert int(np.asarray(resumed.optimizer.iterations.numpy())) == 3
    for _ in range(3):
        resumed.train_on_batch(X, Y)

    for a, b in zip(straight.get_weights(), resumed.get_weights()):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(straight.optimizer.variables, resumed.optimizer.variables):
        np.testing.assert_array_equal(np.asarray(a.numpy()), np.asarray(b.numpy()))


def _working_backends() -> list[str]:
    names = []
    for info in tholos.backend.list_backends():
        if info.name == "numpy":
            continue
        try:
            with tholos.config.use_backend(info.name):
                tholos.ops.convert_to_numpy(tholos.ops.ones((1,)))
        except Exception:
            continue
        names.append(info.name)
    return names


OTHER_BACKENDS = _working_backends()


@pytest.mark.skipif(not OTHER_BACKENDS, reason="only the numpy backend works here")
@pytest.mark.parametrize("backend", OTHER_BACKENDS or ["none"])
def test_cross_backend(tmp_path, backend):
    model = small_sequential(seed=6)
    expected = predict(model, X)
    numpy_path = tmp_path / "from_numpy.keras"
    saving.save_model(model, numpy_path)
    with tholos.config.use_backend(backend):
        loaded = saving.load_model(numpy_path)
        np.testing.assert_allclose(
            np.asarray(tholos.ops.convert_to_numpy(loaded(X))), expected, rtol=1e-5, atol=1e-5
        )
        other_path = tmp_path / f"from_{backend}.keras"
        saving.save_model(loaded, other_path)
    back = saving.load_model(other_path)
    np.testing.assert_allclose(predict(back, X), expected, rtol=1e-5, atol=1e-5)
