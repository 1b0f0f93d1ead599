"""tholos and Keras 3: the same code, written once against their common public API.

``kx`` is the ``tholos`` or ``keras`` module; the backend is chosen by the worker's environment
(``THOLOS_BACKEND`` / ``KERAS_BACKEND``).
"""

from __future__ import annotations

from benchmarks._workloads import ADAM_EPSILON, BETA_1, BETA_2, LEARNING_RATE, make_data


def _module(framework: str):
    if framework == "tholos":
        import tholos

        return tholos
    import keras

    return keras


def build_model(kx, workload):
    layers, p = kx.layers, workload.params
    if workload.name == "convnet":
        return kx.Sequential(
            [
                layers.Input(shape=(p["image"], p["image"], 1)),
                layers.Conv2D(64, 3, activation="relu"),
                layers.Conv2D(64, 3, activation="relu"),
                layers.MaxPooling2D(2),
                layers.Conv2D(128, 3, activation="relu"),
                layers.Conv2D(128, 3, activation="relu"),
                layers.GlobalAveragePooling2D(),
                layers.Dropout(0.5),
                layers.Dense(p["classes"], activation="softmax"),
            ]
        )
    if workload.name == "mlp":
        return kx.Sequential(
            [
                layers.Input(shape=(p["features"],)),
                layers.Dense(p["hidden"], activation="relu"),
                layers.Dense(p["hidden"], activation="relu"),
                layers.Dense(1),
            ]
        )
    if workload.name == "transformer":
        tokens = layers.Input(shape=(p["seq"],), dtype="int32")
        h = layers.Embedding(p["vocab"], p["dim"])(tokens)
        a = layers.MultiHeadAttention(num_heads=p["heads"], key_dim=p["key_dim"])(h, h)
        h = layers.LayerNormalization()(layers.Add()([h, a]))
        f = layers.Dense(p["ff"], activation="relu")(h)
        f = layers.Dense(p["dim"])(f)
        h = layers.LayerNormalization()(layers.Add()([h, f]))
        h = layers.GlobalAveragePooling1D()(h)
        out = layers.Dense(p["classes"], activation="softmax")(h)
        return kx.Model(tokens, out)
    if workload.name == "lstm":
        return kx.Sequential(
            [
                layers.Input(shape=(p["seq"], p["features"])),
                layers.LSTM(p["units"]),
                layers.Dense(1),
            ]
        )
    raise KeyError(workload.name)


def build(framework, workload, steps, inner, device, seed):
    kx = _module(framework)
    kx.utils.set_random_seed(seed)
    model = build_model(kx, workload)
    loss = "mse" if workload.name in ("mlp", "lstm") else "sparse_categorical_crossentropy"
    model.compile(
        optimizer=kx.optimizers.Adam(
            learning_rate=LEARNING_RATE, beta_1=BETA_1, beta_2=BETA_2, epsilon=ADAM_EPSILON
        ),
        loss=loss,
    )
    b = workload.batch_size
    x, y = make_data(workload, steps * b, seed)
    x1 = x[:1]
    x1_tensor = kx.ops.convert_to_tensor(x1)
    to_numpy = kx.ops.convert_to_numpy

    def fit():
        model.fit(x, y, batch_size=b, epochs=1, shuffle=False, verbose=0)
        return steps

    def evaluate():
        model.evaluate(x, y, batch_size=b, verbose=0)
        return steps

    def predict():
        model.predict(x, batch_size=b, verbose=0)
        return steps

    def call1():
        for _ in range(inner):
            to_numpy(model(x1_tensor))
        return inner

    def predict1():
        for _ in range(inner):
            model.predict(x1, verbose=0)
        return inner

    blocks = {
        "fit": fit,
        "evaluate": evaluate,
        "predict": predict,
        "call1": call1,
        "predict1": predict1,
    }
    return {case: blocks[case] for case in workload.cases}


def info(framework) -> dict:
    kx = _module(framework)
    if framework == "tholos":
        return {"tholos_backend": kx.backend.backend()}
    return {"keras": kx.__version__, "keras_backend": kx.backend.backend()}
