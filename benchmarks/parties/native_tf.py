"""Hand-written TensorFlow: ``tf.Variable`` parameters, raw ``tf.nn`` ops, a hand-written
Adam, and ``tf.function``-compiled steps (channels-last, TensorFlow's CPU layout)."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from benchmarks._workloads import (
    ADAM_EPSILON,
    BETA_1,
    BETA_2,
    CLIP_EPSILON,
    LEARNING_RATE,
    make_data,
)


def _glorot(shape, fan_in, fan_out):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return tf.Variable(tf.random.uniform(shape, -limit, limit, tf.float32))


def _zeros(shape, value=0.0):
    return tf.Variable(tf.fill(shape, value))


def _dense(n_in, n_out):
    return {"w": _glorot((n_in, n_out), n_in, n_out), "b": _zeros((n_out,))}


def _conv(c_in, c_out, k=3):
    return {"w": _glorot((k, k, c_in, c_out), k * k * c_in, k * k * c_out), "b": _zeros((c_out,))}


def init(workload):
    p = workload.params
    if workload.name == "convnet":
        return {
            "c1": _conv(1, 64),
            "c2": _conv(64, 64),
            "c3": _conv(64, 128),
            "c4": _conv(128, 128),
            "fc": _dense(128, p["classes"]),
        }
    if workload.name == "mlp":
        return {
            "d1": _dense(p["features"], p["hidden"]),
            "d2": _dense(p["hidden"], p["hidden"]),
            "d3": _dense(p["hidden"], 1),
        }
    if workload.name == "transformer":
        d, h, kd = p["dim"], p["heads"], p["key_dim"]

        def proj():
            return {"w": _glorot((d, h, kd), d, h * kd), "b": _zeros((h, kd))}

        return {
            "emb": tf.Variable(tf.random.uniform((p["vocab"], d), -0.05, 0.05)),
            "q": proj(),
            "k": proj(),
            "v": proj(),
            "o": {"w": _glorot((h, kd, d), h * kd, d), "b": _zeros((d,))},
            "ln1": {"g": _zeros((d,), 1.0), "b": _zeros((d,))},
            "ln2": {"g": _zeros((d,), 1.0), "b": _zeros((d,))},
            "f1": _dense(d, p["ff"]),
            "f2": _dense(p["ff"], d),
            "out": _dense(d, p["classes"]),
        }
    if workload.name == "lstm":
        f, u = p["features"], p["units"]
        bias = np.zeros((4 * u,), "float32")
        bias[u : 2 * u] = 1.0
        return {
            "w": _glorot((f, 4 * u), f, 4 * u),
            "u": tf.Variable(tf.transpose(tf.linalg.qr(tf.random.normal((4 * u, u)))[0])),
            "b": tf.Variable(bias),
            "out": _dense(u, 1),
        }
    raise KeyError(workload.name)


def _conv_apply(p, x):
    return tf.nn.relu(tf.nn.conv2d(x, p["w"], 1, "VALID") + p["b"])


def _layer_norm(p, x, eps=1e-3):
    mean, var = tf.nn.moments(x, axes=[-1], keepdims=True)
    return (x - mean) * tf.math.rsqrt(var + eps) * p["g"] + p["b"]


def forward(workload, params, x, training):
    p = workload.params
    if workload.name == "convnet":
        h = _conv_apply(params["c2"], _conv_apply(params["c1"], x))
        h = tf.nn.max_pool2d(h, 2, 2, "VALID")
        h = tf.reduce_mean(_conv_apply(params["c4"], _conv_apply(params["c3"], h)), axis=(1, 2))
        if training:
            h = tf.nn.dropout(h, 0.5)
        return tf.nn.softmax(h @ params["fc"]["w"] + params["fc"]["b"])
    if workload.name == "mlp":
        h = tf.nn.relu(x @ params["d1"]["w"] + params["d1"]["b"])
        h = tf.nn.relu(h @ params["d2"]["w"] + params["d2"]["b"])
        return h @ params["d3"]["w"] + params["d3"]["b"]
    if workload.name == "transformer":
        h = tf.gather(params["emb"], x)
        q, k, v = (tf.einsum("bsd,dhk->bshk", h, params[n]["w"]) + params[n]["b"] for n in "qkv")
        scores = tf.einsum("bqhk,bshk->bhqs", q / np.sqrt(p["key_dim"]).astype("float32"), k)
        a = tf.einsum("bhqs,bshk->bqhk", tf.nn.softmax(scores, axis=-1), v)
        a = tf.einsum("bqhk,hkd->bqd", a, params["o"]["w"]) + params["o"]["b"]
        h = _layer_norm(params["ln1"], h + a)
        f = tf.nn.relu(h @ params["f1"]["w"] + params["f1"]["b"])
        h = _layer_norm(params["ln2"], h + f @ params["f2"]["w"] + params["f2"]["b"])
        return tf.nn.softmax(tf.reduce_mean(h, axis=1) @ params["out"]["w"] + params["out"]["b"])
    if workload.name == "lstm":
        u = p["units"]
        xw = tf.einsum("btf,fg->tbg", x, params["w"]) + params["b"]
        h = c = tf.zeros((tf.shape(x)[0], u))
        for t in range(p["seq"]):  # a fixed length: unrolled into the graph
            z = xw[t] + h @ params["u"]
            i, f, g, o = tf.split(z, 4, axis=1)
            c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
            h = tf.sigmoid(o) * tf.tanh(c)
        return h @ params["out"]["w"] + params["out"]["b"]
    raise KeyError(workload.name)


def loss_of(workload, out, y):
    if workload.name in ("mlp", "lstm"):
        return tf.reduce_mean(tf.square(out - y))
    probs = tf.clip_by_value(out, CLIP_EPSILON, 1.0 - CLIP_EPSILON)
    picked = tf.gather(probs, tf.cast(y, tf.int32), axis=1, batch_dims=1)
    return -tf.reduce_mean(tf.math.log(picked))


def build(workload, steps, inner, device, seed):
    tf.random.set_seed(seed)
    where = "/GPU:0" if device == "gpu" else "/CPU:0"
    with tf.device(where):
        params = init(workload)
        variables = tf.nest.flatten(params)
        ms = [tf.Variable(tf.zeros_like(v)) for v in variables]
        vs = [tf.Variable(tf.zeros_like(v)) for v in variables]
        t = tf.Variable(0.0)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_of(workload, forward(workload, params, x, True), y)
        grads = tape.gradient(loss, variables)
        t.assign_add(1.0)
        lr = LEARNING_RATE * tf.sqrt(1 - BETA_2**t) / (1 - BETA_1**t)
        for var, g, m, v in zip(variables, grads, ms, vs):
            if isinstance(g, tf.IndexedSlices):
                g = tf.convert_to_tensor(g)
            m.assign(BETA_1 * m + (1 - BETA_1) * g)
            v.assign(BETA_2 * v + (1 - BETA_2) * g * g)
            var.assign_sub(lr * m / (tf.sqrt(v) + ADAM_EPSILON))
        return loss

    @tf.function
    def eval_step(x, y):
        return loss_of(workload, forward(workload, params, x, False), y)

    @tf.function
    def predict_step(x):
        return forward(workload, params, x, False)

    x, y = make_data(workload, steps * workload.batch_size, seed)
    b = workload.batch_size
    with tf.device(where):
        batches = [
            (tf.constant(x[i * b : (i + 1) * b]), tf.constant(y[i * b : (i + 1) * b]))
            for i in range(steps)
        ]
        x1 = tf.constant(x[:1])

    def fit():
        for xb, yb in batches:
            loss = train_step(xb, yb)
        float(loss)
        return steps

    def evaluate():
        float(sum(eval_step(xb, yb) for xb, yb in batches))
        return steps

    def predict():
        np.concatenate([predict_step(xb).numpy() for xb, _ in batches])
        return steps

    def call1():
        for _ in range(inner):
            predict_step(x1).numpy()
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
    return {
        "tensorflow": tf.__version__,
        "tf_intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
        "tf_inter_op_threads": tf.config.threading.get_inter_op_parallelism_threads(),
    }
