"""Introduction to tholos for engineers: the seed guide's walkthrough, in Python.

Runs on any installed backend (``--backend numpy|jax|torch|tensorflow``):

1. a Sequential convnet for 28x28 digits, and its summary;
2. compile, fit with a 15% validation split, ModelCheckpoint and EarlyStopping; evaluate;
3. save and reload the model; predict;
4. custom Dense and Dropout layers written with ``tholos.ops`` and ``tholos.random``, a
   subclassed model that uses them, trained from a ``PyDataset``.

Data: MNIST when ``tholos.datasets`` can provide it; otherwise (offline, or not built yet) a
small synthetic ten-class 28x28 task that a convnet can learn, and the script says so.

    python examples/intro_to_tholos.py --epochs 1 --samples 2000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

import numpy as np


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default=None, help="tholos backend (default: configured)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--samples", type=int, default=3000, help="training images to use")
    parser.add_argument("--workdir", default=None, help="where model files go (default: temp)")
    return parser.parse_args(argv)


def synthetic_digits(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Ten fixed random stroke patterns, shifted by up to two pixels and noised."""
    rng = np.random.default_rng(1234)  # the class templates are fixed
    templates = np.zeros((10, 32, 32), dtype="float32")
    for c in range(10):
        for _ in range(4):  # four strokes per class
            r0, c0 = rng.integers(6, 26, size=2)
            dr, dc = rng.integers(-1, 2, size=2)
            for t in range(8):
                rr, cc = np.clip(r0 + dr * t, 2, 29), np.clip(c0 + dc * t, 2, 29)
                templates[c, rr - 1 : rr + 2, cc - 1 : cc + 2] = 1.0
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, size=n)
    shifts = rng.integers(0, 5, size=(n, 2))
    images = np.stack(
        [templates[y, r : r + 28, c : c + 28] for y, (r, c) in zip(labels, shifts)]
    )
    images = np.clip(images + rng.normal(0.0, 0.2, images.shape), 0.0, 1.0)
    return images.astype("float32"), labels.astype("int64")


def load_data(samples: int):
    try:
        from tholos import datasets

        (x_train, y_train), (x_test, y_test) = datasets.mnist.load_data()
        x_train, y_train = x_train[:samples], y_train[:samples]
        x_test, y_test = x_test[: max(samples // 5, 100)], y_test[: max(samples // 5, 100)]
        print(f"Using MNIST ({len(x_train)} training images).")
        x_train, x_test = x_train / 255.0, x_test / 255.0
    except Exception as err:  # noqa: BLE001 - offline or datasets not available
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        print(f"MNIST unavailable ({reason}); using a synthetic 10-class digit-like task.")
        x_train, y_train = synthetic_digits(samples, seed=0)
        x_test, y_test = synthetic_digits(max(samples // 5, 100), seed=1)
    x_train = x_train.reshape(-1, 28, 28, 1).astype("float32")
    x_test = x_test.reshape(-1, 28, 28, 1).astype("float32")
    return (x_train, y_train), (x_test, y_test)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.backend:
        os.environ["THOLOS_BACKEND"] = args.backend
    import tholos as keras
    from tholos import layers, ops, random

    print(f"Backend: {keras.backend.backend()}")
    (x_train, y_train), (x_test, y_test) = load_data(args.samples)
    print("x_train shape:", x_train.shape, " x_test shape:", x_test.shape)
    workdir = args.workdir or tempfile.mkdtemp(prefix="tholos-intro-")

    # -- A first example: a convnet ---------------------------------------------------------
    num_classes = 10
    model = keras.Sequential(
        [
            layers.Input(shape=(28, 28, 1)),
            layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Conv2D(128, kernel_size=(3, 3), activation="relu"),
            layers.Conv2D(128, kernel_size=(3, 3), activation="relu"),
            layers.GlobalAveragePooling2D(),
            layers.Dropout(0.5),
            layers.Dense(num_classes, activation="softmax"),
        ]
    )
    model.summary()
    model.compile(
        optimizer="adam",
        loss="sparse_categorical_crossentropy",
        metrics=[keras.metrics.SparseCategoricalAccuracy(name="acc")],
    )
    callbacks = [
        keras.callbacks.ModelCheckpoint(
            filepath=os.path.join(workdir, "model_at_epoch_{epoch}.keras")
        ),
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=2),
    ]
    model.fit(
        x_train,
        y_train,
        batch_size=args.batch_size,
        epochs=args.epochs,
        validation_split=0.15,
        callbacks=callbacks,
        verbose=2,
    )
    score = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
    print("Test:", {k: round(float(v), 4) for k, v in score.items()})

    final_path = os.path.join(workdir, "final_model.keras")
    model.save(final_path)
    model = keras.saving.load_model(final_path)
    predictions = model.predict(x_test, verbose=2)
    print("predictions shape:", predictions.shape)

    # -- Cross-framework custom components ---------------------------------------------------
    class MyDense(layers.Layer):
        def __init__(self, units, activation=None, name=None):
            super().__init__(name=name)
            self.units = units
            self.activation = keras.activations.get(activation)

        def build(self, input_shape):
            input_dim = input_shape[-1]
            self.w = self.add_weight(
                shape=(input_dim, self.units),
                initializer=keras.initializers.GlorotNormal(),
                name="kernel",
                trainable=True,
            )
            self.b = self.add_weight(
                shape=(self.units,), initializer=keras.initializers.Zeros(), name="bias"
            )

        def call(self, inputs):
            return self.activation(ops.matmul(inputs, self.w) + self.b)

    class MyDropout(layers.Layer):
        def __init__(self, rate, name=None, seed=None):
            super().__init__(name=name)
            self.rate = rate
            self.seed_generator = random.SeedGenerator(seed)

        def call(self, inputs, training=False):
            if training:
                return random.dropout(inputs, self.rate, seed=self.seed_generator)
            return inputs

    class MyModel(keras.Model):
        def __init__(self, num_classes, **kwargs):
            super().__init__(**kwargs)
            self.conv_base = keras.Sequential(
                [
                    layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
                    layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
                    layers.MaxPooling2D(pool_size=(2, 2)),
                    layers.Conv2D(128, kernel_size=(3, 3), activation="relu"),
                    layers.Conv2D(128, kernel_size=(3, 3), activation="relu"),
                    layers.GlobalAveragePooling2D(),
                ]
            )
            self.dp = MyDropout(0.5)
            self.dense = MyDense(num_classes, activation="softmax")

        def call(self, x, training=False):
            return self.dense(self.dp(self.conv_base(x), training=training))

    class DigitSequence(keras.utils.PyDataset):
        def __init__(self, x, y, batch_size, **kwargs):
            super().__init__(**kwargs)
            self.x, self.y, self.batch_size = x, y, batch_size

        def __len__(self):
            return -(-len(self.x) // self.batch_size)

        def __getitem__(self, index):
            s = slice(index * self.batch_size, (index + 1) * self.batch_size)
            return self.x[s], self.y[s]

    model = MyModel(num_classes=10)
    model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(),
        optimizer=keras.optimizers.Adam(learning_rate=1e-3),
        metrics=[keras.metrics.SparseCategoricalAccuracy(name="acc")],
    )
    print("Subclassed model with custom layers, trained from a PyDataset:")
    model.fit(
        DigitSequence(x_train, y_train, args.batch_size),
        epochs=1,
        validation_data=DigitSequence(x_test, y_test, args.batch_size),
        verbose=2,
    )
    print(f"Model files are in {workdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
