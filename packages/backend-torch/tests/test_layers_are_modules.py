"""On the torch backend every tholos layer and model is a ``torch.nn.Module`` (layer_mixin)."""

import copy
import io

import numpy as np
import pytest
import torch

import tholos
from tholos import layers, models, saving
from tholos.layers.layer import Layer
from tholos.models.model import Model


def _mlp(seed=0):
    tholos.utils.set_random_seed(seed)
    return tholos.Sequential(
        [
            tholos.Input((3,)),
            layers.Dense(4, activation="relu"),
            layers.Dropout(0.5),
            layers.BatchNormalization(),
            layers.Dense(2),
        ]
    )


@tholos.saving.register_serializable(package="TorchModuleTests")
class Encoder(tholos.Model):
    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = layers.Dense(units, activation="relu")
        self.head = layers.Dense(1)

    def call(self, x):
        return self.head(self.hidden(x))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_every_layer_and_model_is_a_module_of_its_own_class():
    x = tholos.Input((3,))
    functional = tholos.Model(x, layers.Dense(2)(x))
    for obj, cls in [
        (layers.Dense(2), layers.Dense),
        (layers.Conv2D(2, 3), layers.Conv2D),
        (_mlp(), tholos.Sequential),
        (functional, models.Functional),
        (Encoder(), Encoder),
    ]:
        assert isinstance(obj, torch.nn.Module)
        assert isinstance(obj, cls) and isinstance(obj, Layer)
        t = type(obj)
        assert (t.__name__, t.__qualname__, t.__module__) == (
            cls.__name__,
            cls.__qualname__,
            cls.__module__,
        )
        assert t._tholos_original_class is cls
        assert repr(obj).startswith(f"<{cls.__name__} name=")
        # the eager call is tholos' own (Model's adds the compiled path), not nn.Module's
        assert t.__call__ is (Model.__call__ if isinstance(obj, Model) else Layer.__call__)
    # one combined class per layer class
    assert type(layers.Dense(3)) is type(layers.Dense(5))


def test_parameters_are_the_variables_tensors():
    model = _mlp()
    params = dict(model.named_parameters())
    assert list(params) == ["0.kernel", "0.bias", "2.gamma", "2.beta", "3.kernel", "3.bias"]
    assert params["0.kernel"] is model.layers[0].kernel.value
    assert all(isinstance(p, torch.nn.Parameter) for p in model.parameters())
    assert sum(p.numel() for p in model.parameters()) == sum(
        int(np.prod(v.shape)) for v in model.trainable_weights
    )
    buffers = dict(model.named_buffers())
    # moving statistics are persistent buffers, the seed state a non-persistent one
    assert {"2.moving_mean", "2.moving_variance", "1.seed_generator_state"} <= set(buffers)
    state = model.state_dict()
    assert "2.moving_mean" in state and "1.seed_generator_state" not in state
    assert [name for name, _ in model.named_children()] == ["0", "1", "2", "3", "4"]
    assert model.get_submodule("0") is model.layers[0]
    assert model.get_parameter("3.bias") is model.layers[3].bias.value
    assert model.get_buffer("2.moving_mean") is model.layers[2].moving_mean.value
    with pytest.raises(AttributeError):
        model.get_submodule("7")


def test_subclassed_model_uses_attribute_names():
    model = Encoder()
    model(np.zeros((2, 3), "float32"))
    assert list(dict(model.named_parameters())) == [
        "hidden.kernel",
        "hidden.bias",
        "head.kernel",
        "head.bias",
    ]


def test_state_dict_round_trip_between_two_models():
    a, b = _mlp(0), _mlp(1)
    x = np.random.default_rng(0).random((5, 3)).astype("float32")
    assert not np.allclose(np.asarray(a(x).detach()), np.asarray(b(x).detach()))
    result = b.load_state_dict(a.state_dict())
    assert not result.missing_keys and not result.unexpected_keys
    np.testing.assert_array_equal(np.asarray(a(x).detach()), np.asarray(b(x).detach()))
    # torch.save / torch.load of the state dict
    buffer = io.BytesIO()
    torch.save(a.state_dict(), buffer)
    buffer.seek(0)
    c = _mlp(2)
    c.load_state_dict(torch.load(buffer))
    for va, vc in zip(a.weights, c.weights):
        np.testing.assert_array_equal(va.numpy(), vc.numpy())


def test_to_moves_and_casts_the_variables():
    model = _mlp()
    before = [v.numpy() for v in model.weights]
    assert model.to("cpu") is model
    model.double()
    for v, old in zip(model.weights, before):
        assert v.dtype == "float64" and v.value.dtype == torch.float64
        np.testing.assert_allclose(v.numpy(), old)
    assert all(p is v.value for p, v in zip(model.parameters(), model.trainable_weights))
    out = model(np.ones((2, 3)))
    assert out.dtype == torch.float64
    model.float()
    assert all(v.dtype == "float32" for v in model.weights)
    # a device move replaces buffer tensors: the Variables follow (meta stands in for a GPU)
    model.to("meta")
    assert all(v.value.device.type == "meta" for v in model.weights)
    assert model.layers[2].moving_mean.value is dict(model.named_buffers())["2.moving_mean"]


def test_train_and_eval_leave_tholos_training_alone():
    model = _mlp()
    x = np.ones((64, 3), "float32")
    assert model.training
    model.eval()
    assert not model.training and not any(m.training for m in model.modules())
    assert model.trainable and all(v.trainable for v in model.trainable_weights)
    # dropout follows the call's training argument, as in Keras, not torch's flag
    dropped = np.asarray(model.layers[1](x, training=True))
    assert (dropped == 0).any()
    model.train()
    assert all(m.training for m in model.modules())
    np.testing.assert_array_equal(np.asarray(model.layers[1](x)), x)
    model.eval()
    model.compile(optimizer="sgd", loss="mse")
    before = model.layers[0].kernel.numpy().copy()
    model.fit(x, np.ones((64, 2), "float32"), epochs=1, batch_size=32, verbose=0)
    assert not np.allclose(before, model.layers[0].kernel.numpy())


def test_tholos_layer_inside_native_torch_modules():
    dense = layers.Dense(3)
    net = torch.nn.Sequential(torch.nn.Linear(4, 5), dense, torch.nn.ReLU())
    x = torch.rand(2, 4)
    out = net(x)
    assert out.shape == (2, 3)
    names = [name for name, _ in net.named_parameters()]
    assert names == ["0.weight", "0.bias", "1.kernel", "1.bias"]
    out.sum().backward()
    assert dense.kernel.value.grad is not None
    assert set(net.state_dict()) == {"0.weight", "0.bias", "1.kernel", "1.bias"}


def test_configs_summary_clone_and_keras_files_are_unaffected(tmp_path):
    model = _mlp()
    config = model.get_config()
    assert [layer["class_name"] for layer in config["layers"]][1:] == [
        "Dense",
        "Dropout",
        "BatchNormalization",
        "Dense",
    ]
    assert {layer["module"] for layer in config["layers"]} == {"tholos.layers"}
    lines = []
    model.summary(print_fn=lines.append)
    assert "(Dense)" in "\n".join(lines) and "(BatchNormalization)" in "\n".join(lines)
    clone = models.clone_model(model)
    assert isinstance(clone, tholos.Sequential) and isinstance(clone, torch.nn.Module)
    assert clone.get_config() == config
    x = np.random.default_rng(0).random((4, 3)).astype("float32")
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = saving.load_model(path)
    assert isinstance(loaded, torch.nn.Module) and type(loaded).__name__ == "Sequential"
    np.testing.assert_allclose(
        np.asarray(loaded(x).detach()), np.asarray(model(x).detach()), rtol=1e-6
    )
    # a registered subclassed model keeps its registered name
    enc = Encoder(units=3)
    enc(x)
    assert tholos.saving.serialize_object(enc)["registered_name"] == "TorchModuleTests>Encoder"
    enc.save(tmp_path / "e.keras")
    again = saving.load_model(tmp_path / "e.keras")
    assert isinstance(again, Encoder) and isinstance(again, torch.nn.Module)
    np.testing.assert_allclose(
        np.asarray(again(x).detach()), np.asarray(enc(x).detach()), rtol=1e-6
    )


def test_deepcopy_and_pickle_name_the_original_class():
    import pickle

    dense = layers.Dense(2)
    dense.build((None, 3))
    for copied in (copy.deepcopy(dense), pickle.loads(pickle.dumps(dense))):
        assert type(copied) is type(dense) and isinstance(copied, torch.nn.Module)
        np.testing.assert_array_equal(copied.kernel.numpy(), dense.kernel.numpy())
        assert copied.kernel.value is dict(copied.named_parameters())["kernel"]
    model = _mlp()
    twin = copy.deepcopy(model)
    assert list(twin.state_dict()) == list(model.state_dict())


def test_torch_module_wrapper_registers_the_module():
    from tholos_backend_torch import TorchModuleWrapper

    bn = torch.nn.BatchNorm1d(3)
    model = tholos.Sequential([tholos.Input((3,)), TorchModuleWrapper(bn)])
    assert list(model.state_dict()) == [
        "0.module.weight",
        "0.module.bias",
        "0.module.running_mean",
        "0.module.running_var",
        "0.module.num_batches_tracked",
    ]
    model.double()
    by_name = dict(zip(["w", "b", "mean", "var", "n"], model.weights))
    assert by_name["mean"].value is bn.running_mean and by_name["mean"].dtype == "float64"


def test_user_registered_torch_entries_are_kept():
    dense = layers.Dense(2)
    dense.build((None, 3))
    dense.register_buffer("extra", torch.zeros(2))
    assert set(dense.state_dict()) == {"kernel", "bias", "extra"}
    assert set(dense.state_dict()) == {"kernel", "bias", "extra"}


def test_missing_attributes_still_raise():
    dense = layers.Dense(2)
    dense.build((None, 3))
    dense.state_dict()
    with pytest.raises(AttributeError):
        dense.no_such_attribute  # noqa: B018
    assert "_parameters" not in dir(dense) and "kernel" in dir(dense)
