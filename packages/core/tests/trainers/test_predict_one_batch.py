"""``predict`` on in-memory data that fits in one batch (no callbacks, ``verbose=0``) skips
the epoch iterator: same numbers, same step (an overridden ``predict_step`` still runs),
and everything else (several batches, callbacks, progress output) takes the full loop."""

import numpy as np

import tholos
from tholos import layers

R = np.random.RandomState(0)
X = R.rand(10, 4).astype("float32")


def _model(cls=tholos.Sequential):
    model = cls([layers.Input((4,)), layers.Dense(3, activation="softmax")])
    return model


def _expected(model, x):
    kernel, bias = model.get_weights()
    z = x @ kernel + bias
    e = np.exp(z - z.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def test_one_batch_matches_the_loop():
    model = _model()
    fast = model.predict(X, verbose=0)
    looped = model.predict(X, batch_size=4, verbose=0)  # three batches: the full loop
    np.testing.assert_allclose(fast, _expected(model, X), rtol=1e-5)
    np.testing.assert_allclose(looped, fast, rtol=1e-6)
    assert isinstance(fast, np.ndarray) and fast.shape == (10, 3)


def test_overridden_predict_step_runs():
    class Doubling(tholos.Sequential):
        def predict_step(self, data):
            return super().predict_step(data) * 2.0

    model = _model(Doubling)
    np.testing.assert_allclose(model.predict(X[:1], verbose=0), 2 * _expected(model, X[:1]), 1e-5)


def test_callbacks_still_see_the_batches():
    seen = []

    class Record(tholos.callbacks.Callback):
        def on_predict_batch_end(self, batch, logs=None):
            seen.append(batch)

    model = _model()
    out = model.predict(X[:2], verbose=0, callbacks=[Record()])
    np.testing.assert_allclose(out, _expected(model, X[:2]), rtol=1e-5)
    assert seen == [0]


def test_dict_inputs_and_float64_are_converted():
    inputs = {"a": layers.Input((2,), name="a"), "b": layers.Input((2,), name="b")}
    merged = layers.Concatenate()([inputs["a"], inputs["b"]])
    model = tholos.Model(inputs, layers.Dense(1)(merged))
    data = {"a": X[:3, :2].astype("float64"), "b": X[:3, 2:].astype("float64")}
    out = model.predict(data, verbose=0)
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(out, X[:3] @ kernel + bias, rtol=1e-5)
    assert out.dtype == np.float32


def test_one_batch_skips_the_epoch_iterator(monkeypatch):
    from tholos.trainers import trainer

    model = _model()
    model.predict(X, verbose=0)

    def refuse(*args, **kwargs):
        raise AssertionError("the epoch iterator was used")

    monkeypatch.setattr(trainer, "EpochIterator", refuse)
    np.testing.assert_allclose(model.predict(X, verbose=0), _expected(model, X), rtol=1e-5)
