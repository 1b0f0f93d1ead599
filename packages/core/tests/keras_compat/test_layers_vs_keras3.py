"""Layer outputs agree with Keras 3's for the same weights and inputs.

The reference values come from Keras 3 itself (fixtures/keras3, made by
tools/keras_reference/make_fixtures.py; the Keras version is in its manifest). Each case builds
the tholos layer from Keras's own ``get_config()``, sets the stored weights (Keras's
``get_weights`` order) and compares the outputs, in inference and, where the layer has one,
training mode (and the updated non-trainable weights, e.g. BatchNormalization's moving stats).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from tholos import layers

from ._keras3 import arrays, assert_close, case_arrays, known_keys, manifest, to_tholos

TOL = 1e-5  # float32 outputs: |tholos - keras| <= 1e-5 * max(1, |keras|)

CASES = manifest()["layers"]
BY_NAME = {c["name"]: c for c in CASES}

# Cases where Keras 3 (on the backend the fixtures were made with) is known to be wrong and
# tholos keeps the documented behaviour: name -> reason. Empty when everything agrees.
KNOWN_KERAS_BUGS: dict[str, str] = {}


def tholos_config(case):
    wrapped = {"module": "keras.layers", "class_name": case["class_name"], "config": case["config"]}
    return to_tholos(wrapped, known_keys)["config"]


def build(case):
    cls = getattr(layers, case["class_name"])
    return cls.from_config(tholos_config(case))


def call(layer, case, inputs, extra, training):
    if case["call"] == "single":
        args = (inputs[0],)
    elif case["call"] == "list":
        args = (list(inputs),)
    else:
        args = tuple(inputs)
    kwargs = dict(case["call_kwargs"])
    kwargs.update(extra)
    return layer(*args, training=training, **kwargs)


def flat(out):
    if isinstance(out, (list, tuple)):
        return [a for o in out for a in flat(o)]
    return [np.asarray(out)]


def compare_outputs(got, expected, what):
    got = flat(got)
    assert len(got) == len(expected), f"{what}: {len(got)} outputs, Keras 3 gives {len(expected)}"
    for i, (g, e) in enumerate(zip(got, expected)):
        assert str(g.dtype) == str(e.dtype), f"{what} {i}: dtype {g.dtype} != {e.dtype}"
        assert_close(g, e, TOL, f"{what} {i}")


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_layer_matches_keras3(name):
    case = BY_NAME[name]
    if name in KNOWN_KERAS_BUGS:
        pytest.xfail(KNOWN_KERAS_BUGS[name])
    data = case_arrays
    inputs = data("layers", name, "in", case["n_inputs"])
    extra = {k: arrays("layers")[f"{name}__arg_{k}"] for k in case["call_arrays"]}
    weights = data("layers", name, "w", case["n_weights"])
    layer = build(case)
    if case["adapt"]:
        layer.adapt(arrays("layers")[f"{name}__adapt"])
        call(layer, case, inputs, extra, training=False)
        for i, (g, e) in enumerate(zip(layer.get_weights(), weights, strict=True)):
            assert_close(g, e, TOL, f"weight {i} after adapt")
    else:
        call(layer, case, inputs, extra, training=False)  # builds
        assert len(layer.weights) == case["n_weights"]
        suffixes = [w.path.rsplit("/", 1)[-1] for w in layer.weights]
        expected_suffixes = [p.rsplit("/", 1)[-1] for p in case["weight_paths"]]
        assert suffixes == expected_suffixes, "weight order differs from Keras 3's"
        layer.set_weights(weights)
    expected = data("layers", name, "out", case["n_outputs"])
    compare_outputs(call(layer, case, inputs, extra, training=False), expected, "output")
    if case["n_train_outputs"]:
        expected = data("layers", name, "train_out", case["n_train_outputs"])
        compare_outputs(call(layer, case, inputs, extra, training=True), expected, "training output")
        after = data("layers", name, "train_w", case["n_weights"])
        for i, (g, e) in enumerate(zip(layer.get_weights(), after, strict=True)):
            assert_close(g, e, TOL, f"weight {i} after the training call")


def _plain(value):
    return json.loads(json.dumps(value))


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_config_matches_keras3(name):
    """Every plain (non-object) config value Keras 3 reports, tholos reports the same."""
    case = BY_NAME[name]
    layer = build(case)
    ours = _plain(layer.get_config())
    theirs = tholos_config(case)
    diffs = {}
    for key, value in theirs.items():
        if key in ("name", "build_config") or isinstance(value, dict):
            continue
        if key in ours and ours[key] != value:
            diffs[key] = (ours[key], value)
    assert not diffs, f"config values differ (tholos, Keras 3): {diffs}"
