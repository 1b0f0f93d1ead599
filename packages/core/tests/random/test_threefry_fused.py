"""The optional fused Threefry hooks: core uses them when present, falls back otherwise, and
the NumPy backend's hooks give exactly the op-composed reference bits."""

import numpy as np
import pytest

from tholos import ops, random
from tholos.backend import _state
from tholos.errors import OpInputError
from tholos.random import threefry

SEEDS = [[0, 0], [0, 42], [7, 11], [0xFFFFFFFF, 0xFFFFFFFF], [0x13198A2E, 0x03707344]]
SHAPES = [(), (0,), (3, 0), (1,), (7,), (5, 3), (2, 3, 5)]


def u32(values):
    return ops.convert_to_tensor(np.asarray(values, dtype="uint32"))


def C(x):
    return ops.convert_to_numpy(x)


def test_numpy_backend_has_both_hooks():
    assert threefry.fused_hook(threefry.BLOCK_HOOK) is not None
    assert threefry.fused_hook(threefry.BITS_HOOK) is not None
    with threefry.use_fused(False):
        assert threefry.fused_hook(threefry.BLOCK_HOOK) is None
        assert threefry.fused_hook(threefry.BITS_HOOK) is None
    assert threefry.fused_hook() is not None


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"{s[0]:x}-{s[1]:x}")
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_fused_equals_reference(seed, shape):
    ref0, ref1 = (C(w) for w in threefry.reference_block(u32(seed), shape))
    y0, y1 = (C(w) for w in threefry.block(u32(seed), shape))
    bits = C(threefry.random_bits(u32(seed), shape))
    for got, want in ((y0, ref0), (y1, ref1), (bits, ref0 ^ ref1)):
        assert got.dtype == np.uint32 and got.shape == shape
        np.testing.assert_array_equal(got, want)


def test_fused_known_answers_through_block():
    """Random123's all-zero vector is counter (0, 0): element 0 of block under key (0, 0);
    jax.random's values for PRNGKey(42) (from test_threefry_kat) through the fused bits."""
    y0, y1 = threefry.block(u32([0, 0]), (1,))
    assert (int(C(y0)[0]), int(C(y1)[0])) == (0x6B200159, 0x99BA4EFE)
    np.testing.assert_array_equal(
        C(threefry.random_bits(u32([0, 42]), (2, 3))),
        [[2098992034, 2919706841, 2646866425], [2409546199, 1935504149, 2516274904]],
    )
    np.testing.assert_array_equal(
        C(threefry.split(u32([0, 42]), 2)), [[1832780943, 270669613], [64467757, 2916123636]]
    )


def test_samplers_identical_with_and_without_hooks():
    x = np.linspace(-1.0, 1.0, 257, dtype="float32")
    draws = {
        "uniform": lambda: random.uniform((33, 5), seed=3),
        "uniform64": lambda: random.uniform((9,), dtype="float64", seed=3),
        "randint": lambda: random.randint((101,), -5, 17, seed=4),
        "dropout": lambda: random.dropout(x, 0.3, seed=5),
        "shuffle": lambda: random.shuffle(np.arange(50, dtype="int32"), seed=6),
        "normal": lambda: random.normal((31,), seed=7),
    }
    for name, draw in draws.items():
        fused = C(draw())
        with threefry.use_fused(False):
            reference = C(draw())
        np.testing.assert_array_equal(fused, reference, err_msg=name)


def test_block_hook_alone_is_xored_by_core(monkeypatch):
    """A backend with only threefry_block: random_bits xors its words."""
    namespace = _state.current().impl.random
    calls = []
    block_hook = namespace.threefry_block

    def spy(seed, shape):
        calls.append((ops.dtype(seed), ops.shape(seed), shape))
        return block_hook(seed, shape)

    monkeypatch.delattr(namespace, "threefry_bits")
    monkeypatch.setattr(namespace, "threefry_block", spy)
    bits = C(threefry.random_bits(np.array([0, 42], "int64"), [2, 3]))
    assert calls == [("uint32", (2,), (2, 3))]
    with threefry.use_fused(False):
        np.testing.assert_array_equal(bits, C(threefry.random_bits(u32([0, 42]), (2, 3))))


def test_without_hooks_the_reference_runs(monkeypatch):
    namespace = _state.current().impl.random
    monkeypatch.delattr(namespace, "threefry_bits")
    monkeypatch.delattr(namespace, "threefry_block")
    assert threefry.fused_hook() is None
    np.testing.assert_array_equal(
        C(threefry.random_bits(u32([0, 0]), (4,))), [4070199207, 4202968722, 1427181096, 2012915765]
    )


def test_use_fused_restores_on_error():
    with pytest.raises(RuntimeError), threefry.use_fused(False):
        raise RuntimeError
    assert threefry.fused_hook() is not None


def test_draw_size_checked_before_the_hook():
    with pytest.raises(OpInputError, match="too many values"):
        threefry.random_bits(u32([0, 1]), (2**16, 2**16))
    with pytest.raises(OpInputError, match="too many values"):
        threefry.block(u32([0, 1]), (2**16, 2**16))


@pytest.mark.parametrize("keep", [0.5, 0.7, 1 / 3, 1.0, 1e-9, 0.0, 1 - 2**-24, 0.9999999, 2**-23])
def test_keep_mask_integer_threshold_equals_the_float_test(keep):
    """keep_mask compares the 23 mantissa bits with an integer threshold; that is exactly
    ``float32 uniform < float32(keep)``."""
    from tholos.random import portable

    seed = u32([3, 8])
    bits = C(threefry.random_bits(seed, (4096,)))
    u = (bits >> 9).astype("float32") * np.float32(2.0**-23)
    expected = u < np.float32(keep)
    np.testing.assert_array_equal(C(portable.keep_mask(seed, (4096,), keep)), expected)
    # ... also at the values just around the threshold
    m = np.arange(2**23 - 3, 2**23, dtype="uint32")
    t = np.float32(keep) * np.float64(2**23)
    edge = np.floor(t).astype("int64")
    for mm in list(m) + [max(edge - 1, 0), edge, min(edge + 1, 2**23 - 1)]:
        assert (mm < np.ceil(t)) == (np.float32(mm) * np.float32(2.0**-23) < np.float32(keep))
