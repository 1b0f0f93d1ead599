"""Batches reach the device once (``trainer.to_device``), pinned first when on CUDA.

CUDA is mocked here: ``devices.CURRENT`` is set to a CUDA device and the pin/copy primitives
of ``_transfer`` are replaced by recorders, so the decisions are tested on any machine.
"""

import numpy as np
import pytest
import torch

import tholos
from tholos import layers
from tholos.trainers.epoch_iterator import to_backend
from tholos_backend_torch import _transfer, devices
from tholos_backend_torch import trainer as torch_trainer


def test_numpy_leaves_become_cpu_tensors_without_a_copy():
    x = np.arange(12, dtype="float32").reshape(3, 4)
    y = np.array([0, 1, 2])
    t = torch.ones(3)
    batch = (x, {"y": y, "t": t, "names": np.array(["a", "b", "c"])}, None)
    out = torch_trainer.to_device(batch)
    assert isinstance(out[0], torch.Tensor) and out[0].device.type == "cpu"
    assert out[0].data_ptr() == x.__array_interface__["data"][0]  # a view, not a copy
    assert out[1]["y"].dtype == torch.int64 and out[1]["t"] is t
    assert out[1]["names"].dtype.kind == "U" and out[2] is None
    # core's epoch iterator goes through the hook
    again = to_backend(batch)
    assert again[1]["t"] is t and isinstance(again[0], torch.Tensor)


@pytest.fixture
def fake_cuda(monkeypatch):
    """Pretend the current device is cuda:0; record pinning and copies."""
    log = {"pinned": [], "copies": []}
    target = torch.device("cuda", 0)
    monkeypatch.setattr(devices, "CURRENT", target)
    monkeypatch.setattr(_transfer, "_is_pinned", lambda t: getattr(t, "_fake_pinned", False))

    def pin(t):
        log["pinned"].append(t)
        pinned = t.clone()
        pinned._fake_pinned = True
        return pinned

    def copy(t, device, non_blocking):
        log["copies"].append((t, device, non_blocking))
        return t

    monkeypatch.setattr(_transfer, "_pin", pin)
    monkeypatch.setattr(_transfer, "_transfer", copy)
    return log, target


def test_cuda_target_pins_then_copies_without_blocking(fake_cuda):
    log, target = fake_cuda
    x = np.ones((4, 2), "float32")
    host = torch.zeros(4)
    out = torch_trainer.to_device((x, host))
    assert len(log["pinned"]) == 2 and len(log["copies"]) == 2
    for tensor, device, non_blocking in log["copies"]:
        assert tensor._fake_pinned and device == target and non_blocking is True
    assert all(getattr(t, "_fake_pinned", False) for t in out)


def test_already_pinned_dataloader_batches_are_not_pinned_again(fake_cuda):
    log, _ = fake_cuda
    t = torch.ones(3)
    t._fake_pinned = True  # what DataLoader(pin_memory=True) yields
    torch_trainer.to_device({"x": t})
    assert log["pinned"] == [] and log["copies"][0][0] is t


def test_tensors_already_on_the_device_are_left_alone(monkeypatch):
    monkeypatch.setattr(devices, "CURRENT", torch.device("meta"))
    calls = []
    monkeypatch.setattr(_transfer, "_transfer", lambda *a: calls.append(a))
    t = torch.empty(3, device="meta")
    assert torch_trainer.to_device([t])[0] is t and calls == []


def test_dataloader_batches_are_pinned_for_cuda(fake_cuda):
    log, target = fake_cuda
    dataset = torch.utils.data.TensorDataset(torch.rand(10, 3), torch.rand(10, 1))
    loader = torch.utils.data.DataLoader(dataset, batch_size=4)
    from tholos.trainers.data_adapters import get_data_adapter

    adapter = get_data_adapter(loader)
    batches = [to_backend(b) for b in adapter.get_numpy_iterator()]
    assert len(batches) == 3 and len(log["pinned"]) == 6
    assert all(non_blocking and device == target for _, device, non_blocking in log["copies"])


class _Recording(tholos.Model):
    def train_step(self, data):
        self.seen.append(data)
        return super().train_step(data)


@pytest.mark.parametrize("source", ["arrays", "dataloader"])
def test_fit_moves_each_batch_once(source, monkeypatch):
    calls = []
    real = torch_trainer.to_device
    monkeypatch.setattr(torch_trainer, "to_device", lambda b: calls.append(1) or real(b))
    x = np.random.default_rng(0).random((40, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    inputs = tholos.Input((3,))
    model = _Recording(inputs, layers.Dense(1)(inputs))
    object.__setattr__(model, "seen", [])
    model.compile(optimizer="sgd", loss="mse")
    data = (x, y)
    if source == "dataloader":
        data = (
            torch.utils.data.DataLoader(
                torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=10
            ),
        )
        model.fit(*data, epochs=2, verbose=0)
    else:
        model.fit(*data, epochs=2, batch_size=10, verbose=0)
    steps = 2 * 4
    assert len(model.seen) == steps
    # one conversion per step (plus one when the model builds from the first batch)
    assert steps <= len(calls) <= steps + 1
    for batch in model.seen:
        assert all(
            isinstance(leaf, torch.Tensor) and leaf.device == devices.CURRENT for leaf in batch
        )
