"""Benchmark (not a test): tholos ``fit`` step on JAX vs a hand-written ``jax.jit`` step.

The seed-style convnet (Conv 32 -> pool -> Conv 64 -> pool -> Dense 10), batch 128, Adam,
on whatever device JAX picks. Prints milliseconds per step for:

- tholos: ``model.fit`` steady-state step time (the compiled step of the JAX backend);
- handwritten: the same network and Adam written directly with ``jax.numpy`` and ``jax.jit``;
- forward: ``model(x)`` on one sample vs a jitted forward, and ``model.predict`` on one sample.

Run: ``THOLOS_BACKEND=jax python packages/backend-jax/benchmarks/bench_fit_step.py``.
"""

from __future__ import annotations

import time

import jax
import jax.numpy as jnp
import numpy as np

import tholos
from tholos import layers

BATCH, STEPS = 128, 30
rng = np.random.RandomState(0)
X = rng.rand(BATCH * STEPS, 28, 28, 1).astype("float32")
Y = rng.randint(0, 10, BATCH * STEPS).astype("int32")


def tholos_model():
    model = tholos.Sequential(
        [
            layers.Input((28, 28, 1)),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(10),
        ]
    )
    model.compile(
        optimizer=tholos.optimizers.Adam(1e-3),
        loss=tholos.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


def time_fit(model):
    model.fit(X[: BATCH * 2], Y[: BATCH * 2], batch_size=BATCH, epochs=1, verbose=0)  # compile
    start = time.perf_counter()
    model.fit(X, Y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False)
    return (time.perf_counter() - start) / STEPS


def handwritten(params):
    def forward(p, x):
        dn = ("NHWC", "HWIO", "NHWC")
        h = jax.lax.conv_general_dilated(x, p[0], (1, 1), "VALID", dimension_numbers=dn) + p[1]
        h = jax.nn.relu(h)
        h = jax.lax.reduce_window(h, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
        h = jax.lax.conv_general_dilated(h, p[2], (1, 1), "VALID", dimension_numbers=dn) + p[3]
        h = jax.nn.relu(h)
        h = jax.lax.reduce_window(h, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
        return h.reshape(h.shape[0], -1) @ p[4] + p[5]

    def loss(p, x, y):
        logp = jax.nn.log_softmax(forward(p, x))
        return -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1))

    @jax.jit
    def step(p, m, v, t, x, y):
        g = jax.grad(loss)(p, x, y)
        t = t + 1
        m = [0.9 * mi + 0.1 * gi for mi, gi in zip(m, g)]
        v = [0.999 * vi + 0.001 * gi * gi for vi, gi in zip(v, g)]
        lr = 1e-3 * jnp.sqrt(1 - 0.999**t) / (1 - 0.9**t)
        p = [pi - lr * mi / (jnp.sqrt(vi) + 1e-7) for pi, mi, vi in zip(p, m, v)]
        return p, m, v, t

    p = [jnp.asarray(w) for w in params]
    m = [jnp.zeros_like(w) for w in p]
    v = [jnp.zeros_like(w) for w in p]
    t = jnp.asarray(0.0)
    xb, yb = jnp.asarray(X[:BATCH]), jnp.asarray(Y[:BATCH])
    p, m, v, t = step(p, m, v, t, xb, yb)
    jax.block_until_ready(p)
    start = time.perf_counter()
    for i in range(STEPS):
        xb, yb = X[i * BATCH : (i + 1) * BATCH], Y[i * BATCH : (i + 1) * BATCH]
        p, m, v, t = step(p, m, v, t, xb, yb)
    jax.block_until_ready(p)
    return (time.perf_counter() - start) / STEPS, jax.jit(forward), p


def main():
    model = tholos_model()
    params = [np.asarray(w) for w in model.get_weights()]
    fit_step = time_fit(model)
    hand_step, fwd, p = handwritten(params)
    one = X[:1]
    model(one)
    fwd(p, one).block_until_ready()
    n = 50
    start = time.perf_counter()
    for _ in range(n):
        jax.block_until_ready(model(one))
    call = (time.perf_counter() - start) / n
    start = time.perf_counter()
    for _ in range(n):
        fwd(p, one).block_until_ready()
    jitted = (time.perf_counter() - start) / n
    model.predict(one, verbose=0)
    start = time.perf_counter()
    for _ in range(10):
        model.predict(one, verbose=0)
    predict = (time.perf_counter() - start) / 10
    print(f"fit step      {fit_step * 1e3:8.2f} ms  ({fit_step / hand_step:.2f}x hand-written)")
    print(f"hand-written  {hand_step * 1e3:8.2f} ms")
    print(f"model(x)      {call * 1e3:8.2f} ms  ({call / jitted:.2f}x jitted forward)")
    print(f"predict(1)    {predict * 1e3:8.2f} ms  ({predict / jitted:.2f}x jitted forward)")
    print(f"jitted fwd    {jitted * 1e3:8.2f} ms")


if __name__ == "__main__":
    main()
