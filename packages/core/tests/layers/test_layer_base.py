"""The Layer base: building, tracking, weights, training flag, masking, losses, stateless_call."""

import numpy as np
import pytest

import tholos
from tholos import layers, ops
from tholos.backend import StatelessScope
from tholos.errors import OpInputError
from tholos.layers.layer import Layer
from tholos.ops.operation import reset_uids, to_snake_case
from tholos.random import SeedGenerator


class Scale(Layer):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")
        self.count = self.add_weight(shape=(), initializer="zeros", trainable=False, name="count")

    def call(self, x):
        return x * self.w


class TrainingEcho(Layer):
    def call(self, x, training=None):
        return ops.add(x, 1.0 if training else 0.0)


class Outer(Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.inner = TrainingEcho()
        self.blocks = [layers.Dense(2, kernel_initializer="ones"), Scale()]
        self.table = {"b": layers.Dense(3)}
        self.seed = SeedGenerator(1)

    def call(self, x):
        return self.inner(x)


def test_snake_case_names_and_uids():
    assert to_snake_case("Conv2D") == "conv2d"
    assert to_snake_case("MaxPooling2D") == "max_pooling2d"
    assert to_snake_case("GlobalAveragePooling2D") == "global_average_pooling2d"
    assert to_snake_case("ReLU") == "re_lu"
    reset_uids()
    assert [layers.Dense(1).name for _ in range(3)] == ["dense", "dense_1", "dense_2"]
    reset_uids()
    assert layers.Dense(1).name == "dense"


def test_lazy_build_paths_and_values():
    layer = Scale(name="scale")
    assert not layer.built and layer.weights == []
    x = np.array([[1.0, 2.0]], dtype="float32")
    np.testing.assert_array_equal(np.asarray(layer(x)), x)
    assert layer.built
    assert [v.path for v in layer.weights] == ["scale/w", "scale/count"]
    assert layer.count_params() == 3


def test_weights_order_trainable_first():
    class Mixed(Layer):
        def build(self, input_shape):
            self.a = self.add_weight(shape=(1,), trainable=False, name="a")
            self.b = self.add_weight(shape=(2,), name="b")

        def call(self, x):
            return x

    layer = Mixed()
    layer(np.zeros((1, 1), "float32"))
    assert [v.name for v in layer.weights] == ["b", "a"]
    assert [v.name for v in layer.trainable_weights] == ["b"]
    assert [v.name for v in layer.non_trainable_weights] == ["a"]


def test_tracking_attributes_lists_dicts_and_seed_generators():
    outer = Outer()
    assert [type(sub).__name__ for sub in outer._layers] == [
        "TrainingEcho",
        "Dense",
        "Scale",
        "Dense",
    ]
    outer.blocks.append(layers.Dense(5, name="late"))
    assert outer._layers[-1].name == "late"
    # seed generator state is a variable, but not a weight
    assert any(v is outer.seed.state for v in outer.variables)
    assert not any(v is outer.seed.state for v in outer.weights)
    del outer.inner
    assert not any(isinstance(sub, TrainingEcho) for sub in outer._layers)


def test_trainable_freezing_recurses():
    outer = Outer()
    x = np.ones((1, 2), "float32")
    outer.blocks[0](x)
    outer.blocks[1](x)
    assert len(outer.trainable_weights) == 3
    outer.trainable = False
    assert outer.trainable_weights == []
    assert len(outer.non_trainable_weights) == 4
    assert not outer.blocks[0].trainable
    outer.trainable = True
    assert len(outer.trainable_weights) == 3  # Scale's count stays non-trainable


def test_training_flag_propagates_to_sublayers():
    class Wrapper(Layer):
        def __init__(self):
            super().__init__()
            self.echo = TrainingEcho()

        def call(self, x):
            return self.echo(x)

    layer = Wrapper()
    x = np.zeros((1,), "float32")
    assert float(np.asarray(layer(x))[0]) == 0.0
    assert float(np.asarray(layer(x, training=True))[0]) == 1.0

    # explicit value on the inner call wins
    class Forced(Layer):
        def __init__(self):
            super().__init__()
            self.echo = TrainingEcho()

        def call(self, x, training=None):
            return self.echo(x, training=False)

    assert float(np.asarray(Forced()(x, training=True))[0]) == 0.0


def test_get_set_weights_roundtrip_and_errors():
    layer = layers.Dense(3)
    layer(np.ones((2, 4), "float32"))
    kernel = np.arange(12, dtype="float32").reshape(4, 3)
    bias = np.array([1.0, 2.0, 3.0], "float32")
    layer.set_weights([kernel, bias])
    got = layer.get_weights()
    np.testing.assert_array_equal(got[0], kernel)
    np.testing.assert_array_equal(got[1], bias)
    with pytest.raises(OpInputError, match="wrong shape") as info:
        layer.set_weights([kernel.T, bias])
    assert "(4, 3)" in str(info.value) and "(3, 4)" in str(info.value)
    with pytest.raises(OpInputError, match="wrong number"):
        layer.set_weights([kernel])


def test_count_params_unbuilt_raises():
    with pytest.raises(OpInputError, match="not built"):
        layers.Dense(2).count_params()


def test_input_spec_error_names_layer_and_shapes():
    layer = layers.Dense(2, name="my_dense")
    layer(np.ones((1, 3), "float32"))
    with pytest.raises(ValueError) as info:
        layer(np.ones((1, 5), "float32"))
    message = str(info.value)
    assert "my_dense" in message and "(1, 5)" in message and "3" in message
    with pytest.raises(ValueError, match="my_dense"):
        layer(tholos.KerasTensor((None, 7)))
    with pytest.raises(ValueError, match="min_ndim=2"):
        layers.Dense(2)(np.ones((3,), "float32"))


def test_unknown_kwargs_rejected():
    with pytest.raises(OpInputError, match="Unrecognized keyword arguments passed to Dense"):
        layers.Dense(2, foo=1)


def test_add_loss_cleared_each_outer_call_and_regularizers():
    class Penalized(Layer):
        def call(self, x):
            self.add_loss(ops.sum(x))
            return x

    class Holder(Layer):
        def __init__(self):
            super().__init__()
            self.p = Penalized()
            self.d = layers.Dense(1, kernel_initializer="ones", kernel_regularizer="l2")

        def call(self, x):
            return self.d(self.p(x))

    layer = Holder()
    layer(np.ones((1, 2), "float32"))
    layer(np.ones((1, 2), "float32"))
    losses = [float(np.asarray(v)) for v in layer.losses]
    # one add_loss (sum = 2) and the L2 penalty 0.01 * (1 + 1)
    assert losses == pytest.approx([2.0, 0.02])


def test_activity_regularizer():
    layer = layers.Dense(1, kernel_initializer="ones", activity_regularizer="l1")
    layer(np.ones((1, 3), "float32"))
    assert float(np.asarray(layer.losses[0])) == pytest.approx(0.03)


def test_stateless_call_changes_no_state():
    class Counter(Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(), initializer="ones", name="w")
            self.n = self.add_weight(shape=(), initializer="zeros", trainable=False, name="n")

        def call(self, x):
            self.n.assign(self.n + 1.0)
            return x * self.w

    layer = Counter()
    x = np.array([2.0], "float32")
    layer(x)
    assert float(layer.n.numpy()) == 1.0
    out, non_trainable = layer.stateless_call([np.float32(3.0)], [np.float32(10.0)], x)
    assert float(np.asarray(out)[0]) == 6.0
    assert float(np.asarray(non_trainable[0])) == 11.0
    assert float(layer.n.numpy()) == 1.0 and float(layer.w.numpy()) == 1.0
    with pytest.raises(OpInputError, match="wrong number"):
        layer.stateless_call([], [np.float32(0.0)], x)


def test_stateless_call_returns_losses():
    layer = layers.Dense(1, kernel_initializer="ones", kernel_regularizer="l1")
    x = np.ones((1, 2), "float32")
    layer(x)
    kernel = np.full((2, 1), 2.0, "float32")
    _, _, losses = layer.stateless_call(
        [kernel, np.zeros((1,), "float32")], [], x, return_losses=True
    )
    assert float(np.asarray(losses[-1])) == pytest.approx(0.04)


def test_masks_propagate_through_mask_aware_layers():
    seen = {}

    class Reader(Layer):
        def call(self, x, mask=None):
            seen["mask"] = mask
            return x

    x = np.array([[[1.0], [0.0], [2.0]]], "float32")
    masked = layers.Masking()(x)
    out = layers.Activation("relu")(masked)  # supports_masking: passes it on
    Reader()(out)
    np.testing.assert_array_equal(np.asarray(seen["mask"]), [[True, False, True]])


def test_symbolic_mask_propagation():
    x = layers.Input((3, 2))
    y = layers.Masking()(x)
    assert y._keras_mask.shape == (None, 3)


def test_autocast_and_mixed_precision_policy():
    layer = layers.Dense(2, dtype="mixed_float16")
    out = layer(np.ones((1, 3), "float32"))
    assert tholos.backend.standardize_dtype(out.dtype) == "float16"
    assert layer.kernel.dtype == "float32"
    assert layer.compute_dtype == "float16" and layer.variable_dtype == "float32"
    f64 = layers.Dense(2, dtype="float64")
    out = f64(np.ones((1, 3), "float32"))
    assert tholos.backend.standardize_dtype(out.dtype) == "float64"


def test_global_dtype_policy():
    from tholos import dtype_policies

    dtype_policies.set_dtype_policy("mixed_bfloat16")
    try:
        assert layers.Dense(1).compute_dtype == "bfloat16"
    finally:
        dtype_policies.set_dtype_policy(None)
    assert layers.Dense(1).compute_dtype == "float32"


def test_inputs_converted_to_tensors():
    layer = layers.Dense(1, kernel_initializer="ones")
    out = layer([[1.0, 2.0]])
    assert ops.is_tensor(out)
    assert float(np.asarray(out)[0, 0]) == 3.0


def test_compute_output_shape_and_spec():
    layer = layers.Dense(5)
    assert layer.compute_output_shape((None, 3)) == (None, 5)
    spec = layer.compute_output_spec(tholos.KerasTensor((2, 7, 3)))
    assert spec.shape == (2, 7, 5)

    class NoShape(Layer):
        def call(self, x):
            return ops.concatenate([x, x], axis=-1)

    assert NoShape().compute_output_shape((None, 3)) == (None, 6)


def test_auto_get_config_for_plain_args():
    class Custom(Layer):
        def __init__(self, units=3, label="x", **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def call(self, x):
            return x

    config = Custom(units=7, name="c").get_config()
    assert config["units"] == 7 and config["label"] == "x" and config["name"] == "c"
    clone = Custom.from_config(config)
    assert clone.units == 7 and clone.name == "c"


def test_build_config_roundtrip():
    layer = layers.Dense(4)
    layer(np.ones((2, 3), "float32"))
    assert layer.get_build_config() == {"input_shape": (2, 3)}
    fresh = layers.Dense.from_config(layer.get_config())
    fresh.build_from_config(layer.get_build_config())
    assert fresh.built and fresh.kernel.shape == (3, 4)


def test_symbolic_call_records_node():
    x = tholos.KerasTensor((None, 3))
    layer = layers.Dense(2)
    y = layer(x)
    assert y._keras_history.operation is layer
    assert layer._inbound_nodes[0].input_tensors == [x]
    assert layer.built


def test_variables_inside_stateless_scope_read_mapped_values():
    layer = layers.Dense(1, kernel_initializer="ones", use_bias=False)
    x = np.ones((1, 2), "float32")
    layer(x)
    with StatelessScope([(layer.kernel, np.full((2, 1), 5.0, "float32"))]):
        assert float(np.asarray(layer(x))[0, 0]) == 10.0
    assert float(np.asarray(layer(x))[0, 0]) == 2.0
