"""torch modules inside tholos models and tholos models inside native PyTorch loops."""

import numpy as np
import torch

import tholos
from tholos import layers
from tholos.config import use_backend


def test_torch_module_wrapper_trains_under_fit():
    with use_backend("torch"):
        from tholos_backend_torch import TorchModuleWrapper

        torch.manual_seed(0)
        lin = torch.nn.Linear(3, 1)
        model = tholos.Sequential([tholos.Input((3,)), TorchModuleWrapper(lin)])
        assert model.trainable_variables[0].value is lin.weight
        x = np.random.rand(64, 3).astype("float32")
        y = x @ np.array([[1.0], [-2.0], [0.5]], "float32")
        model.compile(optimizer=tholos.optimizers.SGD(0.5), loss="mse", jit_compile=False)
        before = lin.weight.detach().clone()
        hist = model.fit(x, y, epochs=20, batch_size=16, verbose=0)
        assert hist.history["loss"][-1] < hist.history["loss"][0]
        assert not torch.equal(before, lin.weight.detach())


def test_native_torch_loop_over_tholos_model():
    with use_backend("torch"):
        from tholos_backend_torch import as_torch_module

        model = tholos.Sequential(
            [tholos.Input((3,)), layers.Dense(4, activation="relu"), layers.Dense(1)]
        )
        module = as_torch_module(model)
        params = list(module.parameters())
        assert len(params) == 4 and all(isinstance(p, torch.nn.Parameter) for p in params)
        assert set(module.state_dict()) and params[0] is model.trainable_variables[0].value
        opt = torch.optim.Adam(module.parameters(), lr=0.05)
        x = torch.rand(64, 3)
        y = x.sum(dim=1, keepdim=True)
        first = None
        for _ in range(30):
            opt.zero_grad()
            loss = torch.mean((module(x) - y) ** 2)
            loss.backward()
            opt.step()
            first = first if first is not None else float(loss.detach())
        assert float(loss.detach()) < first
        np.testing.assert_allclose(model.trainable_variables[0].numpy(), params[0].detach().numpy())
        module.to(torch.float64)
        assert model.trainable_variables[0].value.dtype == torch.float64
