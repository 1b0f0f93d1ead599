"""Hand-written JAX: parameters in dicts, pure functions, a hand-written Adam, and one
``jax.jit``-compiled training step (channels-last, as ``lax.conv`` takes it here)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from benchmarks._workloads import (
    ADAM_EPSILON,
    BETA_1,
    BETA_2,
    CLIP_EPSILON,
    LEARNING_RATE,
    make_data,
)


def _glorot(key, shape, fan_in, fan_out):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return jax.random.uniform(key, shape, jnp.float32, -limit, limit)


def _dense(key, n_in, n_out):
    return {"w": _glorot(key, (n_in, n_out), n_in, n_out), "b": jnp.zeros((n_out,))}


def _conv(key, c_in, c_out, k=3):
    return {
        "w": _glorot(key, (k, k, c_in, c_out), k * k * c_in, k * k * c_out),
        "b": jnp.zeros((c_out,)),
    }


def _conv_apply(p, x):
    y = lax.conv_general_dilated(
        x, p["w"], (1, 1), "VALID", dimension_numbers=("NHWC", "HWIO", "NHWC")
    )
    return jax.nn.relu(y + p["b"])


def _layer_norm(p, x, eps=1e-3):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) * lax.rsqrt(var + eps) * p["g"] + p["b"]


def _dropout(key, x, rate, training):
    if not training:
        return x
    keep = jax.random.bernoulli(key, 1.0 - rate, x.shape)
    return jnp.where(keep, x / (1.0 - rate), 0.0)


def init(workload, key):
    p = workload.params
    k = list(jax.random.split(key, 8))
    if workload.name == "convnet":
        return {
            "c1": _conv(k[0], 1, 64),
            "c2": _conv(k[1], 64, 64),
            "c3": _conv(k[2], 64, 128),
            "c4": _conv(k[3], 128, 128),
            "fc": _dense(k[4], 128, p["classes"]),
        }
    if workload.name == "mlp":
        return {
            "d1": _dense(k[0], p["features"], p["hidden"]),
            "d2": _dense(k[1], p["hidden"], p["hidden"]),
            "d3": _dense(k[2], p["hidden"], 1),
        }
    if workload.name == "transformer":
        d, h, kd = p["dim"], p["heads"], p["key_dim"]

        def proj(kk):
            return {"w": _glorot(kk, (d, h, kd), d, h * kd), "b": jnp.zeros((h, kd))}

        return {
            "emb": jax.random.uniform(k[0], (p["vocab"], d), jnp.float32, -0.05, 0.05),
            "q": proj(k[1]),
            "k": proj(k[2]),
            "v": proj(k[3]),
            "o": {"w": _glorot(k[4], (h, kd, d), h * kd, d), "b": jnp.zeros((d,))},
            "ln1": {"g": jnp.ones((d,)), "b": jnp.zeros((d,))},
            "ln2": {"g": jnp.ones((d,)), "b": jnp.zeros((d,))},
            "f1": _dense(k[5], d, p["ff"]),
            "f2": _dense(k[6], p["ff"], d),
            "out": _dense(k[7], d, p["classes"]),
        }
    if workload.name == "lstm":
        f, u = p["features"], p["units"]
        return {
            "w": _glorot(k[0], (f, 4 * u), f, 4 * u),
            "u": jnp.linalg.qr(jax.random.normal(k[1], (4 * u, u)))[0].T,
            "b": jnp.zeros((4 * u,)).at[u : 2 * u].set(1.0),
            "out": _dense(k[2], u, 1),
        }
    raise KeyError(workload.name)


def forward(workload, params, x, key, training):
    p = workload.params
    if workload.name == "convnet":
        h = _conv_apply(params["c2"], _conv_apply(params["c1"], x))
        h = lax.reduce_window(h, -jnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
        h = _conv_apply(params["c4"], _conv_apply(params["c3"], h)).mean(axis=(1, 2))
        h = _dropout(key, h, 0.5, training)
        return jax.nn.softmax(h @ params["fc"]["w"] + params["fc"]["b"])
    if workload.name == "mlp":
        h = jax.nn.relu(x @ params["d1"]["w"] + params["d1"]["b"])
        h = jax.nn.relu(h @ params["d2"]["w"] + params["d2"]["b"])
        return h @ params["d3"]["w"] + params["d3"]["b"]
    if workload.name == "transformer":
        h = params["emb"][x]
        q, k, v = (jnp.einsum("bsd,dhk->bshk", h, params[n]["w"]) + params[n]["b"] for n in "qkv")
        scores = jnp.einsum("bqhk,bshk->bhqs", q / np.sqrt(p["key_dim"]), k)
        a = jnp.einsum("bhqs,bshk->bqhk", jax.nn.softmax(scores, axis=-1), v)
        a = jnp.einsum("bqhk,hkd->bqd", a, params["o"]["w"]) + params["o"]["b"]
        h = _layer_norm(params["ln1"], h + a)
        f = jax.nn.relu(h @ params["f1"]["w"] + params["f1"]["b"])
        h = _layer_norm(params["ln2"], h + f @ params["f2"]["w"] + params["f2"]["b"])
        return jax.nn.softmax(h.mean(axis=1) @ params["out"]["w"] + params["out"]["b"])
    if workload.name == "lstm":
        u = p["units"]
        xw = jnp.einsum("btf,fg->tbg", x, params["w"]) + params["b"]

        def cell(carry, xt):
            h, c = carry
            z = xt + h @ params["u"]
            i, f, g, o = (z[:, j * u : (j + 1) * u] for j in range(4))
            c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
            h = jax.nn.sigmoid(o) * jnp.tanh(c)
            return (h, c), None

        zeros = jnp.zeros((x.shape[0], u))
        (h, _), _ = lax.scan(cell, (zeros, zeros), xw)
        return h @ params["out"]["w"] + params["out"]["b"]
    raise KeyError(workload.name)


def loss_of(workload, out, y):
    if workload.name in ("mlp", "lstm"):
        return jnp.mean((out - y) ** 2)
    probs = jnp.clip(out, CLIP_EPSILON, 1.0 - CLIP_EPSILON)
    return -jnp.mean(jnp.log(jnp.take_along_axis(probs, y[:, None], axis=1)))


def build(workload, steps, inner, device, seed):
    del device  # JAX places arrays on its default device (JAX_PLATFORMS chooses)
    key = jax.random.PRNGKey(seed)
    params = init(workload, key)
    zeros = jax.tree.map(jnp.zeros_like, params)
    state = {
        "params": params,
        "m": zeros,
        "v": zeros,
        "t": jnp.zeros((), jnp.int32),
        "key": jax.random.PRNGKey(seed + 1),
    }

    def loss_fn(params, x, y, key, training):
        return loss_of(workload, forward(workload, params, x, key, training), y)

    @jax.jit
    def train_step(state, x, y):
        key, sub = jax.random.split(state["key"])
        loss, grads = jax.value_and_grad(loss_fn)(state["params"], x, y, sub, True)
        t = state["t"] + 1
        m = jax.tree.map(lambda m, g: BETA_1 * m + (1 - BETA_1) * g, state["m"], grads)
        v = jax.tree.map(lambda v, g: BETA_2 * v + (1 - BETA_2) * g * g, state["v"], grads)
        tf = t.astype(jnp.float32)
        lr = LEARNING_RATE * jnp.sqrt(1 - BETA_2**tf) / (1 - BETA_1**tf)
        params = jax.tree.map(
            lambda p, m, v: p - lr * m / (jnp.sqrt(v) + ADAM_EPSILON), state["params"], m, v
        )
        return {"params": params, "m": m, "v": v, "t": t, "key": key}, loss

    @jax.jit
    def eval_step(params, x, y):
        return loss_fn(params, x, y, None, False)

    @jax.jit
    def predict_step(params, x):
        return forward(workload, params, x, None, False)

    x, y = make_data(workload, steps * workload.batch_size, seed)
    b = workload.batch_size
    batches = [
        (jnp.asarray(x[i * b : (i + 1) * b]), jnp.asarray(y[i * b : (i + 1) * b]))
        for i in range(steps)
    ]
    x1 = jnp.asarray(x[:1])
    holder = {"state": state}

    def fit():
        s = holder["state"]
        for xb, yb in batches:
            s, loss = train_step(s, xb, yb)
        holder["state"] = s
        float(loss)
        return steps

    def evaluate():
        params = holder["state"]["params"]
        float(sum(eval_step(params, xb, yb) for xb, yb in batches))
        return steps

    def predict():
        params = holder["state"]["params"]
        np.concatenate([np.asarray(predict_step(params, xb)) for xb, _ in batches])
        return steps

    def call1():
        params = holder["state"]["params"]
        for _ in range(inner):
            np.asarray(predict_step(params, x1))
        return inner

    blocks = {
        "fit": fit,
        "evaluate": evaluate,
        "predict": predict,
        "call1": call1,
        "predict1": call1,
    }
    return {case: blocks[case] for case in workload.cases}


def info() -> dict:
    return {"jax": jax.__version__, "jax_devices": [str(d) for d in jax.devices()]}
