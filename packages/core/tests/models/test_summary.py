"""Model.summary(): the seed guide's table, byte sizes, wrapping, options."""

import pytest

from tholos import layers, models
from tholos.models.summary import readable_memory_size

SEED_SUMMARY = """\
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ conv2d (Conv2D)                 │ (None, 26, 26, 64)     │           640 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ conv2d_1 (Conv2D)               │ (None, 24, 24, 64)     │        36,928 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ max_pooling2d (MaxPooling2D)    │ (None, 12, 12, 64)     │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ conv2d_2 (Conv2D)               │ (None, 10, 10, 128)    │        73,856 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ conv2d_3 (Conv2D)               │ (None, 8, 8, 128)      │       147,584 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ global_average_pooling2d        │ (None, 128)            │             0 │
│ (GlobalAveragePooling2D)        │                        │               │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dropout (Dropout)               │ (None, 128)            │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 10)             │         1,290 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 260,298 (1016.79 KB)
 Trainable params: 260,298 (1016.79 KB)
 Non-trainable params: 0 (0.00 B)"""


def _lines(model, **kwargs):
    out = []
    model.summary(print_fn=out.append, **kwargs)
    return out


def test_seed_guide_summary_exact():
    from tholos.backend._state import current  # noqa: F401  (backend must be loadable)
    from tholos.layers.convolutional.conv import Conv2D
    from tholos.layers.pooling.global_pooling import GlobalAveragePooling2D
    from tholos.layers.pooling.max_pooling import MaxPooling2D
    from tholos.ops.operation import reset_uids

    reset_uids()
    model = models.Sequential(
        [
            layers.Input(shape=(28, 28, 1)),
            Conv2D(64, kernel_size=(3, 3), activation="relu"),
            Conv2D(64, kernel_size=(3, 3), activation="relu"),
            MaxPooling2D(pool_size=(2, 2)),
            Conv2D(128, kernel_size=(3, 3), activation="relu"),
            Conv2D(128, kernel_size=(3, 3), activation="relu"),
            GlobalAveragePooling2D(),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ]
    )
    assert "\n".join(_lines(model)) == SEED_SUMMARY


def test_readable_memory_size():
    assert readable_memory_size(0) == "0.00 B"
    assert readable_memory_size(1041192) == "1016.79 KB"
    assert readable_memory_size(3 * 1024**2) == "3.00 MB"


def test_functional_summary_connected_to_and_non_trainable():
    a = layers.Input((3,), name="a")
    b = layers.Input((2,), name="b")
    h = layers.Dense(4, name="h")(a)
    joined = layers.Lambda(lambda t: t[0][:, :2] + t[1], name="join")([h, b])
    model = models.Model([a, b], joined, name="two_in")
    model.get_layer("h").trainable = False
    lines = _lines(model)
    text = "\n".join(lines)
    assert lines[0] == 'Model: "two_in"'
    assert "Connected to" in lines[2]
    assert "h[0][0], b[0][0]" in text.replace("│\n│", " ") or "h[0][0]," in text
    assert lines[-3] == " Total params: 16 (64.00 B)"
    assert lines[-2] == " Trainable params: 0 (0.00 B)"
    assert lines[-1] == " Non-trainable params: 16 (64.00 B)"
    assert all(len(line) == len(lines[1]) for line in lines[1:-3])


def test_unbuilt_sequential_and_show_trainable():
    model = models.Sequential([layers.Dense(2, name="d")], name="lazy")
    lines = _lines(model, show_trainable=True)
    assert "0 (unbuilt)" in lines[4] and " ? " in lines[4]
    assert "Trainable" in lines[2] and " Y " in lines[4]
    assert lines[-3] == " Total params: 0 (0.00 B)"


def test_layer_range_and_line_length():
    model = models.Sequential(
        [
            layers.Input((2,)),
            layers.Dense(2, name="first"),
            layers.Dense(2, name="second"),
            layers.Dense(2, name="third"),
        ]
    )
    lines = _lines(model, layer_range=("second", "third"))
    text = "\n".join(lines)
    assert "first" not in text and "second" in text and "third" in text
    wide = _lines(model, line_length=100)
    assert len(wide[1]) == 100
    with pytest.raises(ValueError, match="layer_range"):
        _lines(model, layer_range=("nope", "third"))


def test_expand_nested_and_float64_sizes():
    inner = models.Sequential(
        [layers.Input((3,)), layers.Dense(2, name="inner_dense", dtype="float64")], name="inner"
    )
    x = layers.Input((3,))
    outer = models.Model(x, inner(x), name="outer")
    lines = _lines(outer, expand_nested=True)
    text = "\n".join(lines)
    assert "inner (Sequential)" in text and "  inner_dense (Dense)" in text
    assert lines[-3] == " Total params: 8 (64.00 B)"
