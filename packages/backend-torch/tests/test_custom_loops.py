"""Custom training loops as in Keras 3's PyTorch guides: tholos models in plain PyTorch loops
(``loss.backward()``, ``torch.optim``) and ``train_step`` overrides under ``fit``."""

import numpy as np
import torch

import tholos
from tholos import layers, losses, metrics, optimizers


def _data(n=256, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 6)).astype("float32")
    y = (x[:, :2].sum(axis=1) > 0).astype("int64")
    return x, y


def _classifier(seed=0):
    tholos.utils.set_random_seed(seed)
    inputs = tholos.Input((6,))
    h = layers.Dense(16, activation="relu")(inputs)
    h = layers.Dropout(0.1)(h)
    return tholos.Model(inputs, layers.Dense(2)(h))


def test_plain_pytorch_loop_with_torch_optim():
    x, y = _data()
    model = _classifier()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = torch.nn.CrossEntropyLoss()
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=32
    )
    kernel_before = model.layers[1].kernel.numpy().copy()
    epoch_losses = []
    for _ in range(6):
        total = 0.0
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb, training=True), yb)
            loss.backward()
            optimizer.step()
            total += float(loss.detach())
        epoch_losses.append(total / len(loader))
    assert epoch_losses[-1] < 0.6 * epoch_losses[0]
    # torch.optim updated the tholos Variables in place
    assert not np.allclose(kernel_before, model.layers[1].kernel.numpy())
    assert model.layers[1].kernel.value is next(iter(model.parameters()))
    # and the tholos model evaluates with what torch trained
    model.compile(loss=losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["acc"])
    _, acc = model.evaluate(x, y, verbose=0)
    assert acc > 0.85


def test_pytorch_loop_with_tholos_loss_optimizer_and_metric():
    # the Keras guide's loop: gradients from loss.backward(), applied by a tholos optimizer
    x, y = _data()
    model = _classifier(1)
    loss_fn = losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = optimizers.Adam(learning_rate=0.01)
    accuracy = metrics.SparseCategoricalAccuracy()
    first_loss = None
    for _epoch in range(5):
        accuracy.reset_state()
        for start in range(0, len(x), 32):
            xb, yb = torch.tensor(x[start : start + 32]), torch.tensor(y[start : start + 32])
            logits = model(xb, training=True)
            loss = loss_fn(yb, logits)
            model.zero_grad()
            loss.backward()
            trainable = model.trainable_weights
            with torch.no_grad():
                optimizer.apply([v.value.grad for v in trainable], trainable)
            accuracy.update_state(yb, logits)
            first_loss = first_loss if first_loss is not None else float(loss.detach())
    assert float(loss.detach()) < first_loss
    assert float(accuracy.result()) > 0.85
    assert int(optimizer.iterations.numpy()) == 5 * 8


class CustomStepModel(tholos.Model):
    """``train_step`` written the PyTorch way, as in Keras 3's "customizing fit" guide."""

    def train_step(self, data):
        x, y = data
        self.zero_grad()
        y_pred = self(x, training=True)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        loss.backward()
        trainable = list(self.trainable_weights)
        with torch.no_grad():
            self.optimizer.apply([v.value.grad for v in trainable], trainable)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def test_custom_train_step_under_fit():
    x, y = _data()
    tholos.utils.set_random_seed(2)
    inputs = tholos.Input((6,))
    outputs = layers.Dense(2)(layers.Dense(16, activation="relu")(inputs))
    model = CustomStepModel(inputs, outputs)
    assert isinstance(model, torch.nn.Module)
    model.compile(
        optimizer=optimizers.Adam(0.01),
        loss=losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[metrics.SparseCategoricalAccuracy(name="acc")],
    )
    history = model.fit(x, y, epochs=5, batch_size=32, verbose=0)
    assert set(history.history) >= {"loss", "acc"}
    assert history.history["loss"][-1] < 0.6 * history.history["loss"][0]
    assert history.history["acc"][-1] > 0.85
    assert int(model.optimizer.iterations.numpy()) == 5 * 8
    logs = model.evaluate(x, y, return_dict=True, verbose=0)
    assert logs["acc"] > 0.85


def test_custom_train_step_with_compute_gradients_hook():
    # the backend-neutral spelling also works under fit on torch
    class Neutral(tholos.Model):
        def train_step(self, data):
            from tholos.backend._state import current

            x, y = data

            def loss_fn():
                y_pred = self(x, training=True)
                return self.compute_loss(y=y, y_pred=y_pred), y_pred

            variables = self.trainable_variables
            loss, _, grads = current().trainer.compute_gradients(loss_fn, variables)
            self.optimizer.apply(grads, variables)
            return {"loss": loss}

    x, y = _data()
    tholos.utils.set_random_seed(3)
    inputs = tholos.Input((6,))
    model = Neutral(inputs, layers.Dense(2)(inputs))
    model.compile(optimizer="adam", loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(x, y, epochs=3, batch_size=64, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
