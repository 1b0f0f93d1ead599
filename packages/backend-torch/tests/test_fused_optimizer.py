"""Fused ``torch._foreach`` optimizer updates give the numbers of the generic ops path."""

import numpy as np
import pytest
import torch

import tholos
from tholos import layers, optimizers
from tholos_backend_torch import _fused
from tholos_backend_torch import trainer as torch_trainer

OPTIMIZERS = {
    "adam": lambda: optimizers.Adam(0.01),
    "adam_amsgrad": lambda: optimizers.Adam(0.02, beta_1=0.8, amsgrad=True),
    "adamw": lambda: optimizers.AdamW(0.01, weight_decay=0.05),
    "adam_schedule": lambda: optimizers.Adam(
        optimizers.schedules.ExponentialDecay(0.01, decay_steps=5, decay_rate=0.9)
    ),
    "adam_clipnorm": lambda: optimizers.Adam(0.01, clipnorm=0.5),
    "sgd": lambda: optimizers.SGD(0.05),
    "sgd_momentum": lambda: optimizers.SGD(0.05, momentum=0.9),
    "sgd_nesterov": lambda: optimizers.SGD(0.05, momentum=0.8, nesterov=True),
}


def _model(dtype="float32"):
    tholos.utils.set_random_seed(3)
    return tholos.Sequential(
        [
            tholos.Input((5,)),
            layers.Dense(16, activation="tanh", dtype=dtype),
            layers.BatchNormalization(dtype=dtype),
            layers.Dense(3, dtype=dtype),
        ]
    )


def _assert_close(a, b):
    for x, y in zip(a, b):
        x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
        rel = np.abs(x - y) / np.maximum(np.abs(y), 1e-30)
        assert float(rel.max(initial=0.0)) <= 1e-6


def _apply_steps(make_optimizer, fused, monkeypatch, steps=25, dtype="float32"):
    monkeypatch.setattr(_fused, "FUSED", fused)
    model = _model(dtype)
    opt = make_optimizer()
    rng = np.random.default_rng(0)
    variables = model.trainable_variables
    for _ in range(steps):
        grads = [torch.tensor(rng.standard_normal(v.shape).astype(dtype)) for v in variables]
        opt.apply(grads, variables)
    return [v.numpy() for v in model.weights] + [v.numpy() for v in opt.variables]


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_fused_apply_matches_generic_path(name, monkeypatch):
    calls = []
    real = torch_trainer.fused_update

    def spy(*args):
        handled = real(*args)
        calls.append(handled)
        return handled

    monkeypatch.setattr(torch_trainer, "fused_update", spy)
    fused = _apply_steps(OPTIMIZERS[name], True, monkeypatch)
    assert calls and all(calls)  # the fused path really ran
    generic = _apply_steps(OPTIMIZERS[name], False, monkeypatch)
    assert calls[-1] is False
    _assert_close(fused, generic)


def test_fused_float64_variables(monkeypatch):
    fused = _apply_steps(OPTIMIZERS["adam"], True, monkeypatch, dtype="float64")
    generic = _apply_steps(OPTIMIZERS["adam"], False, monkeypatch, dtype="float64")
    _assert_close(fused, generic)


@pytest.mark.parametrize("name", ["adam", "sgd_momentum"])
def test_fit_with_fused_updates_matches_generic_fit(name, monkeypatch):
    x = np.random.default_rng(1).random((96, 5)).astype("float32")
    y = np.random.default_rng(2).random((96, 3)).astype("float32")
    results = []
    for fused in (True, False):
        monkeypatch.setattr(_fused, "FUSED", fused)
        model = _model()
        model.compile(optimizer=OPTIMIZERS[name](), loss="mse")
        model.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0)
        results.append([v.numpy() for v in model.weights])
    _assert_close(*results)


def test_unsupported_cases_fall_back(monkeypatch):
    handled = []
    real = torch_trainer.fused_update
    monkeypatch.setattr(torch_trainer, "fused_update", lambda *a: handled.append(real(*a)))
    w = tholos.Variable(np.ones(3, "float32"))
    # an optimizer without a fused rule
    optimizers.RMSprop(0.1).apply([torch.ones(3)], [w])
    # a subclass with its own update rule

    class Custom(optimizers.SGD):
        def update_step(self, gradient, variable, learning_rate):
            variable.assign(variable.value - 1.0)

    before = w.numpy().copy()
    Custom(0.1).apply([torch.ones(3)], [w])
    np.testing.assert_allclose(w.numpy(), before - 1.0)
    assert handled == [False, False]
    # gradient accumulation updates inside a StatelessScope: never offered to the hook
    handled.clear()
    opt = optimizers.Adam(0.1, gradient_accumulation_steps=2)
    opt.apply([torch.ones(3)], [w])
    opt.apply([torch.ones(3)], [w])
    assert handled == []


def test_stateless_apply_uses_the_generic_path(monkeypatch):
    calls = []
    monkeypatch.setattr(torch_trainer, "fused_update", lambda *a: calls.append(1) or False)
    w = tholos.Variable(np.ones(3, "float32"))
    opt = optimizers.Adam(0.1)
    opt.build([w])
    new_w, _ = opt.stateless_apply([v.value for v in opt.variables], [torch.ones(3)], [w.value])
    assert calls == []
    np.testing.assert_allclose(w.numpy(), 1.0)  # nothing assigned for real
    assert float(new_w[0][0]) == pytest.approx(0.9, abs=1e-5)
