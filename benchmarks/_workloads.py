"""The workloads: shapes, hyper-parameters and data, shared by every party (NumPy only).

Every party builds the same network from these numbers and trains it with Adam
(learning rate 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-7, Keras 3's defaults).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

LEARNING_RATE = 1e-3
BETA_1, BETA_2, ADAM_EPSILON = 0.9, 0.999, 1e-7
CLIP_EPSILON = 1e-7  # probabilities are clipped to [eps, 1 - eps] before the log (Keras' rule)


@dataclass(frozen=True)
class Workload:
    name: str
    batch_size: int
    cases: tuple[str, ...]
    description: str
    params: dict = field(default_factory=dict)


WORKLOADS: dict[str, Workload] = {
    "convnet": Workload(
        "convnet",
        128,
        ("fit", "evaluate", "predict", "call1", "predict1"),
        "seed convnet: 28x28x1 -> Conv 64, 64, MaxPool 2, Conv 128, 128, GAP, Dropout 0.5, "
        "Dense 10 softmax (260,298 params); sparse categorical cross-entropy",
        {"image": 28, "classes": 10},
    ),
    "mlp": Workload(
        "mlp",
        256,
        ("fit", "call1"),
        "tabular MLP: 32 features -> Dense 256 relu, Dense 256 relu, Dense 1; MSE",
        {"features": 32, "hidden": 256},
    ),
    "transformer": Workload(
        "transformer",
        64,
        ("fit", "call1"),
        "Transformer encoder block: tokens (64) -> Embedding 1000x64, MultiHeadAttention "
        "(4 heads x 16), Add+LayerNorm, Dense 128 relu, Dense 64, Add+LayerNorm, GAP1D, "
        "Dense 2 softmax; sparse categorical cross-entropy",
        {"vocab": 1000, "seq": 64, "dim": 64, "heads": 4, "key_dim": 16, "ff": 128, "classes": 2},
    ),
    "lstm": Workload(
        "lstm",
        64,
        ("fit", "call1"),
        "LSTM: sequences 32x16 -> LSTM 64 -> Dense 1; MSE",
        {"seq": 32, "features": 16, "units": 64},
    ),
}


def make_data(workload: Workload, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` samples ``(x, y)`` for ``workload`` (NumPy, channels-last, float32/int32)."""
    rng = np.random.default_rng(seed)
    p = workload.params
    if workload.name == "convnet":
        x = rng.uniform(0.0, 1.0, (n, p["image"], p["image"], 1)).astype("float32")
        y = rng.integers(0, p["classes"], (n,)).astype("int32")
    elif workload.name == "mlp":
        x = rng.normal(size=(n, p["features"])).astype("float32")
        y = (x[:, :4].sum(axis=1, keepdims=True) + 0.1 * rng.normal(size=(n, 1))).astype("float32")
    elif workload.name == "transformer":
        x = rng.integers(0, p["vocab"], (n, p["seq"])).astype("int32")
        y = (x[:, 0] % p["classes"]).astype("int32")
    elif workload.name == "lstm":
        x = rng.normal(size=(n, p["seq"], p["features"])).astype("float32")
        y = x[:, :, 0].mean(axis=1, keepdims=True).astype("float32")
    else:  # pragma: no cover - names come from WORKLOADS
        raise KeyError(workload.name)
    return x, y
