"""Portable randomness across backends: the backend under test against the NumPy reference,
both with tholos' portable (Threefry) generator, the default.

- bit-identical: raw bits, ``uniform``, ``randint``, ``dropout`` (mask and values),
  ``shuffle``, and every uniform-based initializer (glorot/he/lecun uniform, random uniform);
- within the ``transcendental`` tier: ``normal``, ``truncated_normal``, ``gamma``, ``beta``
  and the normal-based initializers; ``binomial`` and ``categorical`` are integers, and must
  be equal;
- a model built after ``set_random_seed`` has the same initial weights on every backend;
- 20 Adam steps of the seed convnet with dropout ON give the same losses (the masks are the
  same bits) as the float64 reference, within the training suite's tolerances.

Part of the shipped suite: ``pytest --pyargs tholos_conformance --tholos-backend NAME``.
"""

from __future__ import annotations

import numpy as np
import pytest

from tholos_conformance.compare import compare_arrays
from tholos_conformance.runtime import backend_scope, reference_scope, to_numpy
from tholos_conformance.suite import _seed_convnet as _net
from tholos_conformance.tolerances import tolerance

LOSS_TOL = (1e-5, 1e-5)  # as in the training suite (float32 backend vs float64 reference)
WEIGHT_TOL = (2e-4, 5e-5)


def _u32(values):
    from tholos import ops

    return ops.convert_to_tensor(np.asarray(values, dtype="uint32"))


def _draws():
    """name -> (draw(), comparison): ``exact`` or a tolerance tier."""
    from tholos import random
    from tholos.random import threefry

    x = np.linspace(-1.0, 1.0, 4096, dtype="float32").reshape(64, 64)
    return {
        "bits": (lambda: threefry.random_bits(_u32([3, 99]), (4096,)), "exact"),
        "split": (lambda: threefry.split(_u32([3, 99]), 5), "exact"),
        "uniform": (lambda: random.uniform((64, 64), seed=5), "exact"),
        "uniform_range": (lambda: random.uniform((4096,), -0.25, 0.25, seed=6), "exact"),
        "uniform_float16": (lambda: random.uniform((4096,), dtype="float16", seed=5), "exact"),
        "randint": (lambda: random.randint((4096,), -3, 1000, seed=5), "exact"),
        "randint_int64": (lambda: random.randint((512,), 0, 10, dtype="int64", seed=5), "exact"),
        "dropout": (lambda: random.dropout(x, 0.3, seed=5), "exact"),
        "dropout_noise_shape": (
            lambda: random.dropout(x, 0.5, noise_shape=(1, 64), seed=5),
            "exact",
        ),
        "shuffle": (lambda: random.shuffle(np.arange(1000, dtype="int32"), seed=5), "exact"),
        "shuffle_rows": (lambda: random.shuffle(x, axis=0, seed=9), "exact"),
        "binomial": (lambda: random.binomial((2048,), 50, 0.3, seed=5), "integer-valued"),
        "categorical": (
            lambda: random.categorical(np.log([[0.2, 0.3, 0.5]]).astype("float32"), 256, seed=5),
            "integer-valued",
        ),
        "normal": (lambda: random.normal((4096,), seed=5), "transcendental"),
        "truncated_normal": (lambda: random.truncated_normal((4096,), seed=5), "transcendental"),
        "gamma": (lambda: random.gamma((2048,), 2.5, seed=5), "transcendental"),
        "beta": (lambda: random.beta((2048,), 2.0, 3.0, seed=5), "transcendental"),
    }


NAMES = [
    "bits",
    "split",
    "uniform",
    "uniform_range",
    "uniform_float16",
    "randint",
    "randint_int64",
    "dropout",
    "dropout_noise_shape",
    "shuffle",
    "shuffle_rows",
    "binomial",
    "categorical",
    "normal",
    "truncated_normal",
    "gamma",
    "beta",
]


def _portable():
    import tholos

    return tholos.config.use_random_generator("portable")


def _draw(name, scope):
    with scope, _portable():
        fn, how = _draws()[name]
        out = fn()
        return np.asarray(to_numpy(out)), how


def _assert_same(actual, expected, how, what, device):
    if how in ("exact", "integer-valued"):
        # Same kind of dtype (the dtype suite checks widths: a backend without 64-bit types
        # may return int32 for int64).
        assert actual.dtype.kind == expected.dtype.kind, (
            f"{what}: dtype {actual.dtype} != {expected.dtype}"
        )
        mismatched = int(np.sum(actual != expected))
        assert mismatched == 0, (
            f"{what}: {mismatched} of {actual.size} values differ from the reference "
            f"(portable randomness must be bit-identical here)"
        )
        return
    rtol, atol = tolerance(how, str(actual.dtype), device)
    stats = compare_arrays(actual.astype(np.float64), expected.astype(np.float64), rtol, atol)
    assert stats["ok"], (
        f"{what}: worst abs error {stats['worst_abs']:.3g} at {list(stats['worst_abs_index'])} "
        f"(tier {how}: rtol {rtol}, atol {atol})"
    )


@pytest.mark.tholos_area("random")
@pytest.mark.parametrize("name", NAMES)
def test_portable_draw_matches_reference(name, tholos_backend_name, tholos_device):
    actual, how = _draw(name, backend_scope(tholos_backend_name, tholos_device))
    expected, _ = _draw(name, reference_scope())
    assert actual.shape == expected.shape
    _assert_same(actual, expected, how, name, tholos_device)


@pytest.mark.tholos_area("random")
@pytest.mark.parametrize("shape", [(), (0,), (1,), (7,), (3, 5), (2, 3, 4)], ids=str)
def test_fused_threefry_matches_the_op_composed_one(shape, tholos_backend_name, tholos_device):
    """A backend's optional fused Threefry (``random.threefry_block``/``threefry_bits``) gives
    the bits of core's op-composed version on that same backend (no fused hook: trivially)."""
    from tholos import ops
    from tholos.random import threefry

    with backend_scope(tholos_backend_name, tholos_device):
        for seed in ([0, 0], [42, 7], [0xFFFFFFFF, 0x12345678]):
            fused = to_numpy(threefry.random_bits(_u32(seed), shape))
            with threefry.use_fused(False):
                composed = to_numpy(threefry.random_bits(_u32(seed), shape))
            assert fused.dtype == composed.dtype == np.uint32
            np.testing.assert_array_equal(
                fused, composed, err_msg=f"{tholos_backend_name}: fused vs ops, seed {seed}"
            )
            assert str(ops.dtype(threefry.random_bits(_u32(seed), shape))) == "uint32"


def _model():
    import tholos
    from tholos import initializers, layers

    return tholos.Sequential(
        [
            layers.Input(shape=(8, 8, 3)),
            layers.Conv2D(4, kernel_size=(3, 3), activation="relu"),  # glorot_uniform (seed None)
            layers.Conv2D(4, kernel_size=(3, 3), kernel_initializer="he_uniform"),
            layers.Flatten(),
            layers.Dense(16, kernel_initializer=initializers.HeNormal(seed=3)),
            layers.Dense(8, kernel_initializer=initializers.TruncatedNormal(stddev=0.1)),
            layers.Dense(
                8,
                kernel_initializer="lecun_uniform",
                bias_initializer=initializers.RandomUniform(-0.1, 0.1),
            ),
            layers.Dropout(0.5, seed=11),
            layers.Dense(3, kernel_initializer=initializers.RandomNormal(stddev=0.05)),
        ]
    )


# get_weights() order: (kernel, bias) per layer. The kernels drawn through erfinv (HeNormal,
# TruncatedNormal, RandomNormal) are compared within the transcendental tier; all the others
# (uniform initializers, zero biases) must be bit-identical.
NORMAL_WEIGHTS = {4, 6, 10}


def _initial_weights(scope):
    import tholos

    with scope, _portable():
        tholos.utils.set_random_seed(1234)
        return [np.asarray(w) for w in _model().get_weights()]


@pytest.mark.tholos_area("random")
def test_same_seed_same_initial_weights(tholos_backend_name, tholos_device):
    pytest.importorskip("tholos")
    actual = _initial_weights(backend_scope(tholos_backend_name, tholos_device))
    expected = _initial_weights(reference_scope())
    assert len(actual) == len(expected) == 12
    for i, (a, r) in enumerate(zip(actual, expected)):
        how = "transcendental" if i in NORMAL_WEIGHTS else "exact"
        _assert_same(a, r, how, f"initial weight {i} (shape {r.shape})", tholos_device)


@pytest.mark.tholos_area("training")
def test_convnet_with_dropout_20_steps_matches_reference(tholos_backend_name, tholos_device):
    x, y = _net.task_data()
    with reference_scope(), _portable():
        ref_model = _net.convnet("float64", dropout=0.5, dropout_seed=7)
        initial = [np.asarray(w).astype("float32") for w in ref_model.get_weights()]
        ref_losses, ref_weights = _net.train(ref_model, x.astype("float64"), y, initial)
    with backend_scope(tholos_backend_name, tholos_device), _portable():
        model = _net.convnet("float32", dropout=0.5, dropout_seed=7)
        losses, weights = _net.train(model, x, y, initial)
    # With dropout on, a different mask changes a loss by O(0.1): far above the tolerance.
    _net.assert_losses_match(losses, ref_losses, LOSS_TOL, "losses with dropout")
    _net.assert_weights_match(weights, ref_weights, WEIGHT_TOL)
