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


# -- independent references for the cases where Keras 3 itself is wrong ----------------------


def sparsemax_reference(x, axis=-1):
    """Sparsemax (Martins & Astudillo 2016): the Euclidean projection onto the simplex."""
    z = np.moveaxis(np.asarray(x, "float64"), axis, -1)
    s = -np.sort(-z, axis=-1)
    cums = np.cumsum(s, axis=-1)
    k = np.arange(1, z.shape[-1] + 1)
    support = 1 + k * s > cums
    kz = support.sum(axis=-1, keepdims=True)
    tau = (np.take_along_axis(cums, kz - 1, axis=-1) - 1) / kz
    return np.moveaxis(np.maximum(z - tau, 0.0), -1, axis)


def average_pool_same_reference(x, pool, strides, channels_first=False):
    """'same' average pooling as documented (TensorFlow's rule: output ceil(n / stride), the
    padding split with the extra element after, padded positions left out of the average)."""
    x = np.asarray(x, "float64")
    if channels_first:
        x = np.moveaxis(x, 1, -1)
    spatial = x.shape[1:-1]
    windows = []
    for n, k, st in zip(spatial, pool, strides):
        out = -(-n // st)
        before = max((out - 1) * st + k - n, 0) // 2
        windows.append([(max(i * st - before, 0), min(i * st - before + k, n)) for i in range(out)])
    y = np.zeros((x.shape[0], *[len(w) for w in windows], x.shape[-1]))
    for idx in np.ndindex(*[len(w) for w in windows]):
        sl = tuple(slice(*windows[d][i]) for d, i in enumerate(idx))
        y[(slice(None), *idx)] = x[(slice(None), *sl)].mean(axis=tuple(range(1, x.ndim - 1)))
    return np.moveaxis(y, -1, 1) if channels_first else y


def _avgpool_ref(case, inputs):
    pool = case["config"]["pool_size"]
    strides = case["config"]["strides"] or pool
    channels_first = case["config"]["data_format"] == "channels_first"
    return average_pool_same_reference(inputs[0], pool, strides, channels_first=channels_first)


# Cases where Keras 3 (on the backend the fixtures were made with) is known to be wrong. tholos
# keeps the documented behaviour, checked against an independent NumPy reference instead:
# name -> (reason, reference(case, inputs)).
KNOWN_KERAS_BUGS = {
    "activation_sparsemax": (
        "Keras 3 sparsemax uses the sum of the cumulative sums over the support as threshold, "
        "so outputs do not sum to 1 (keras-team/keras#23425, fixed by #23469)",
        lambda case, inputs: sparsemax_reference(inputs[0]),
    ),
    "avgpool2d_same_s2": (
        "Keras 3's torch backend averages 'same' pooling windows wrongly at the borders when "
        "the padding is asymmetric / strided (keras-team/keras#19721, #23233)",
        _avgpool_ref,
    ),
    "avgpool2d_channels_first": (
        "Keras 3's torch backend 'same' average pooling at the borders (keras-team/keras#19721)",
        _avgpool_ref,
    ),
}


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
    inputs = case_arrays("layers", name, "in", case["n_inputs"])
    extra = {k: arrays("layers")[f"{name}__arg_{k}"] for k in case["call_arrays"]}
    weights = case_arrays("layers", name, "w", case["n_weights"])
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
    expected = case_arrays("layers", name, "out", case["n_outputs"])
    if name in KNOWN_KERAS_BUGS:
        reason, reference = KNOWN_KERAS_BUGS[name]
        correct = reference(case, inputs).astype(expected[0].dtype)
        # Keras 3 really is off here (if a regenerated fixture agrees, drop the entry) ...
        assert np.abs(correct - expected[0]).max() > 1e-3, f"Keras 3 now agrees: {reason}"
        # ... and tholos gives the documented values.
        expected = [correct]
    compare_outputs(call(layer, case, inputs, extra, training=False), expected, "output")
    if case["n_train_outputs"]:
        expected = case_arrays("layers", name, "train_out", case["n_train_outputs"])
        compare_outputs(
            call(layer, case, inputs, extra, training=True), expected, "training output"
        )
        after = case_arrays("layers", name, "train_w", case["n_weights"])
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


@pytest.mark.parametrize(
    "name", ["avgpool1d_same_s1", "avgpool2d_same_s1", "avgpool2d_same_p2_odd", "avgpool3d_same"]
)
def test_average_pool_reference_agrees_with_keras3_where_keras3_is_right(name):
    """The NumPy reference used for the known-bug cases reproduces Keras 3 elsewhere."""
    case = BY_NAME[name]
    inputs = case_arrays("layers", name, "in", 1)
    expected = case_arrays("layers", name, "out", 1)[0]
    assert_close(_avgpool_ref(case, inputs), expected, TOL, name)


def test_sparsemax_reference_is_a_projection_onto_the_simplex():
    x = case_arrays("layers", "activation_sparsemax", "in", 1)[0]
    y = sparsemax_reference(x)
    np.testing.assert_allclose(y.sum(-1), 1.0, atol=1e-12)
    assert (y >= 0).all()
    # a support of size one: the arg-max gets 1 (Keras 3 is right in this case too)
    np.testing.assert_allclose(sparsemax_reference([[0.0, 5.0, 1.0]]), [[0.0, 1.0, 0.0]])
