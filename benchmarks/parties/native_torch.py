"""Hand-written PyTorch: ``nn.Module``s in PyTorch's native NCHW layout, ``torch.optim.Adam``
and a plain training loop, as a PyTorch user would write it."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from benchmarks._workloads import (
    ADAM_EPSILON,
    BETA_1,
    BETA_2,
    CLIP_EPSILON,
    LEARNING_RATE,
    make_data,
)


class ConvNet(nn.Module):
    def __init__(self, classes):
        super().__init__()
        self.c1, self.c2 = nn.Conv2d(1, 64, 3), nn.Conv2d(64, 64, 3)
        self.c3, self.c4 = nn.Conv2d(64, 128, 3), nn.Conv2d(128, 128, 3)
        self.drop, self.fc = nn.Dropout(0.5), nn.Linear(128, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c2(F.relu(self.c1(x)))), 2)
        x = F.relu(self.c4(F.relu(self.c3(x))))
        return F.softmax(self.fc(self.drop(x.mean(dim=(2, 3)))), dim=-1)


class MLP(nn.Module):
    def __init__(self, features, hidden):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(features, hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Linear(hidden, 1),
        )

    def forward(self, x):
        return self.net(x)


class Encoder(nn.Module):
    def __init__(self, vocab, seq, dim, heads, key_dim, ff, classes):
        super().__init__()
        assert heads * key_dim == dim
        self.emb = nn.Embedding(vocab, dim)
        self.mha = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.ln1, self.ln2 = nn.LayerNorm(dim, eps=1e-3), nn.LayerNorm(dim, eps=1e-3)
        self.ff1, self.ff2 = nn.Linear(dim, ff), nn.Linear(ff, dim)
        self.out = nn.Linear(dim, classes)

    def forward(self, tokens):
        h = self.emb(tokens)
        a, _ = self.mha(h, h, h, need_weights=False)
        h = self.ln1(h + a)
        h = self.ln2(h + self.ff2(F.relu(self.ff1(h))))
        return F.softmax(self.out(h.mean(dim=1)), dim=-1)


class LSTMNet(nn.Module):
    def __init__(self, features, units):
        super().__init__()
        self.lstm = nn.LSTM(features, units, batch_first=True)
        self.out = nn.Linear(units, 1)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.out(h[-1])


def _sparse_cce(probs, y):
    return F.nll_loss(torch.log(probs.clamp(CLIP_EPSILON, 1.0 - CLIP_EPSILON)), y)


def build(workload, steps, inner, device, seed):
    torch.manual_seed(seed)
    dev = torch.device("cuda" if device == "gpu" else "cpu")
    p = workload.params
    x, y = make_data(workload, steps * workload.batch_size, seed)
    if workload.name == "convnet":
        model, loss_fn = ConvNet(p["classes"]), _sparse_cce
        x = x.transpose(0, 3, 1, 2).copy()  # NHWC -> NCHW, once, outside the timing
        y = y.astype("int64")
    elif workload.name == "mlp":
        model, loss_fn = MLP(p["features"], p["hidden"]), F.mse_loss
    elif workload.name == "transformer":
        keys = ("vocab", "seq", "dim", "heads", "key_dim", "ff", "classes")
        model, loss_fn = Encoder(*(p[k] for k in keys)), _sparse_cce
        x, y = x.astype("int64"), y.astype("int64")
    elif workload.name == "lstm":
        model, loss_fn = LSTMNet(p["features"], p["units"]), F.mse_loss
    else:
        raise KeyError(workload.name)
    model.to(dev)
    opt = torch.optim.Adam(
        model.parameters(), lr=LEARNING_RATE, betas=(BETA_1, BETA_2), eps=ADAM_EPSILON
    )
    xt, yt = torch.from_numpy(x).to(dev), torch.from_numpy(y).to(dev)
    b = workload.batch_size
    batches = [(xt[i * b : (i + 1) * b], yt[i * b : (i + 1) * b]) for i in range(steps)]
    x1 = xt[:1]

    def fit():
        model.train()
        for xb, yb in batches:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
        loss.item()
        return steps

    def evaluate():
        model.eval()
        total = 0.0
        with torch.no_grad():
            for xb, yb in batches:
                total += loss_fn(model(xb), yb)
        float(total)
        return steps

    def predict():
        model.eval()
        with torch.no_grad():
            np.concatenate([model(xb).cpu().numpy() for xb, _ in batches])
        return steps

    def call1():
        model.eval()
        for _ in range(inner):
            model(x1).detach().cpu().numpy()
        return inner

    def predict1():
        model.eval()
        with torch.no_grad():
            for _ in range(inner):
                model(x1).cpu().numpy()
        return inner

    blocks = {
        "fit": fit,
        "evaluate": evaluate,
        "predict": predict,
        "call1": call1,
        "predict1": predict1,
    }
    return {case: blocks[case] for case in workload.cases}


def info() -> dict:
    return {
        "torch": torch.__version__,
        "torch_num_threads": torch.get_num_threads(),
        "torch_num_interop_threads": torch.get_num_interop_threads(),
    }
