"""``model(x)`` through the backend's ``compile_call`` hook gives what the eager call gives:
the same outputs, the same variable updates (seed state, moving statistics), masks, losses,
and falls back to eager calls when the call cannot be compiled.

Run on every installed backend that offers the hook (JAX, TensorFlow); each case compares a
compiled model with a twin that has ``compiled_call = False`` and the same weights.
"""

import importlib.util

import numpy as np
import pytest

import tholos
from tholos import layers, ops
from tholos.backend import StatelessScope
from tholos.config import use_backend

BACKENDS = [name for name in ("jax", "tensorflow") if importlib.util.find_spec(name.split(".")[0])]
pytestmark = pytest.mark.skipif(not BACKENDS, reason="no backend with compile_call installed")

R = np.random.RandomState(0)
X = R.rand(5, 6).astype("float32")


@pytest.fixture(params=BACKENDS)
def backend(request):
    with use_backend(request.param) as loaded:
        yield loaded


def _runner(model):
    return model.__dict__["_call_runner"][1]


def _twins(build):
    compiled, eager = build(), build()
    eager.set_weights(compiled.get_weights())
    eager.compiled_call = False
    return compiled, eager


def _np(x):
    return ops.convert_to_numpy(x)


def _stochastic():
    return tholos.Sequential(
        [
            layers.Input((6,)),
            layers.Dense(8, activation="relu"),
            layers.BatchNormalization(momentum=0.5),
            layers.Dropout(0.5, seed=3),
            layers.Dense(2),
        ]
    )


def test_inference_call_is_compiled_and_matches_eager(backend):
    compiled, eager = _twins(_stochastic)
    np.testing.assert_allclose(_np(compiled(X)), _np(eager(X)), rtol=1e-6, atol=1e-6)
    runner = _runner(compiled)
    assert type(runner).__module__.startswith("tholos_backend_")
    for _ in range(3):
        compiled(X)
    assert runner.traces == 1  # one trace per input signature and training value


def test_training_call_updates_variables_like_eager(backend):
    compiled, eager = _twins(_stochastic)
    seed_state = compiled.layers[2].seed_generator.state
    start = _np(seed_state).copy()
    for _ in range(2):  # the second call sees the advanced seed state and moving stats
        out_c = _np(compiled(X, training=True))
        out_e = _np(eager(X, training=True))
        np.testing.assert_allclose(out_c, out_e, rtol=1e-6, atol=1e-6)
    assert not np.array_equal(_np(seed_state), start)  # the dropout drew from its seed
    for vc, ve in zip(compiled.variables, eager.variables):
        np.testing.assert_allclose(_np(vc), _np(ve), rtol=1e-6, atol=1e-6, err_msg=vc.path)
    bn = compiled.layers[1]
    assert not np.allclose(_np(bn.moving_mean), 0.0)  # the moving statistics moved


def test_new_shape_and_training_value_trace_again(backend):
    model = _stochastic()
    model(X)
    runner = _runner(model)
    model(X[:2])
    model(X, training=True)
    model(X, training=True)
    assert runner.traces == 3


class _Branchy(tholos.Model):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(3)

    def call(self, x):
        if ops.convert_to_numpy(ops.sum(x)) > 0:  # Python control flow on a value
            return self.dense(x)
        return -self.dense(x)


def test_uncompilable_call_falls_back_to_eager(backend):
    model = _Branchy()
    model(X)  # builds
    model.compiled_call = True
    expected = _np(model.dense(X))
    np.testing.assert_allclose(_np(model(X)), expected, rtol=1e-6)
    assert model.compiled_call is False
    np.testing.assert_allclose(_np(model(-X)), -_np(model.dense(-X)), rtol=1e-6)


def test_subclassed_models_are_eager_unless_opted_in(backend):
    model = _Branchy()
    model(X)
    assert model.compiled_call is False  # "auto" resolved: subclassed models call eagerly
    assert "_call_runner" not in model.__dict__


def test_activity_regularizer_losses_survive(backend):
    def build():
        inputs = layers.Input((6,))
        outputs = layers.Dense(2, activity_regularizer="l2")(inputs)
        return tholos.Model(inputs, outputs)

    compiled, eager = _twins(build)
    compiled(X)
    eager(X)
    assert len(compiled.losses) == 1
    np.testing.assert_allclose(_np(compiled.losses[0]), _np(eager.losses[0]), rtol=1e-6)
    assert compiled.compiled_call is False


def test_output_mask_is_attached(backend):
    def build():
        inputs = layers.Input((4,), dtype="int32")
        outputs = layers.Embedding(10, 3, mask_zero=True)(inputs)
        return tholos.Model(inputs, outputs)

    compiled, eager = _twins(build)
    tokens = np.array([[1, 2, 0, 0], [3, 0, 0, 0]], "int32")
    out_c, out_e = compiled(tokens), eager(tokens)
    np.testing.assert_allclose(_np(out_c), _np(out_e))
    from tholos.layers._masks import get_keras_mask

    np.testing.assert_array_equal(_np(get_keras_mask(out_c)), tokens != 0)


def test_structure_changes_retrace(backend):
    model = tholos.Sequential([layers.Input((6,)), layers.Dense(2)])
    before = _np(model(X))
    model.add(layers.Activation(lambda t: t * 0.0 + 7.0))
    np.testing.assert_allclose(_np(model(X)), np.full_like(before, 7.0))

    bn_model = _stochastic()
    bn_model(X, training=True)
    bn = bn_model.layers[1]
    bn.trainable = False  # a frozen BatchNormalization runs in inference mode
    stats = _np(bn.moving_mean)
    bn_model(X, training=True)
    np.testing.assert_allclose(_np(bn.moving_mean), stats)


def test_stateless_scope_values_are_respected(backend):
    model = tholos.Sequential([layers.Input((6,)), layers.Dense(1, use_bias=False)])
    model(X)
    kernel = model.layers[0].kernel
    ones = np.ones((6, 1), "float32")
    with StatelessScope([(kernel, ones)]):
        out = model(X)
    np.testing.assert_allclose(_np(out), X.sum(1, keepdims=True), rtol=1e-6)


def test_changed_weights_are_seen(backend):
    model = tholos.Sequential([layers.Input((6,)), layers.Dense(1, use_bias=False)])
    model(X)
    model.set_weights([np.full((6, 1), 2.0, "float32")])
    np.testing.assert_allclose(_np(model(X)), 2 * X.sum(1, keepdims=True), rtol=1e-6)


def test_calls_inside_training_steps_stay_in_the_step(backend):
    model = _stochastic()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, np.zeros((5, 2), "float32"), batch_size=5, epochs=1, verbose=0)
    model.predict(X, verbose=0)
    assert "_call_runner" not in model.__dict__  # the steps traced model(x) inline


def test_losses_left_by_another_model_do_not_block_compiling(backend):
    inputs = layers.Input((6,))
    other = tholos.Model(inputs, layers.Dense(2, activity_regularizer="l2")(inputs))
    other(X)  # eager (it adds a loss), and keeps its loss until its next call
    assert len(other.losses) == 1
    model = _stochastic()
    model(X)
    model(X)
    assert model.compiled_call is True and _runner(model).traces == 1


def test_building_other_models_keeps_the_compiled_call(backend, tmp_path):
    model = _stochastic()
    model(X)
    runner = _runner(model)
    other = tholos.Sequential([layers.Input((6,)), layers.Dense(5)])
    other(X)
    model.save(tmp_path / "m.keras")  # the saving pass constructs throwaway layers
    model(X)
    assert _runner(model) is runner and runner.traces == 1
