"""Introduction to tholos for engineers: the "Introduction to Keras for engineers" walkthrough.

Runs on any installed backend (``--backend numpy|jax|torch|tensorflow``):

1. a Sequential convnet for 28x28 digits and its summary; compile; fit with a 15% validation
   split, ``ModelCheckpoint("model_at_epoch_{epoch}.keras")`` and
   ``EarlyStopping(monitor="val_loss", patience=2)``; evaluate; save, reload; predict;
2. custom ``Dense`` and ``Dropout`` layers written with ``tholos.ops``, ``tholos.random`` and a
   ``SeedGenerator``, and a subclassed model that uses them;
3. training from other data sources: a ``tf.data`` pipeline and a PyTorch ``DataLoader`` (when
   TensorFlow / PyTorch are installed), a ``PyDataset``, and a pandas ``DataFrame`` (when pandas
   is installed).

Data: MNIST through ``tholos.datasets`` (downloaded once to ``~/.tholos/datasets``). Without a
network it says so in one line and uses scikit-learn's 1,797 real handwritten digits (8x8),
resized to 20x20 and centred on a 28x28 canvas the way MNIST's digits are
(``pip install -r examples/requirements.txt``).

    python examples/intro_to_tholos.py --epochs 1 --samples 1000
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile

import numpy as np


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default=None, help="tholos backend (default: configured)")
    parser.add_argument("--epochs", type=int, default=10, help="epochs of the first model")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument(
        "--samples", type=int, default=None, help="use at most this many training images"
    )
    parser.add_argument("--workdir", default=None, help="where model files go (default: temp)")
    return parser.parse_args(argv)


# -- data -------------------------------------------------------------------------------------
def _bilinear_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) weights of a bilinear resize with half-pixel centres (edges clamped)."""
    centres = (np.arange(n_out) + 0.5) * n_in / n_out - 0.5
    centres = np.clip(centres, 0, n_in - 1)
    lo = np.floor(centres).astype(int)
    hi = np.minimum(lo + 1, n_in - 1)
    frac = centres - lo
    weights = np.zeros((n_out, n_in))
    weights[np.arange(n_out), lo] += 1 - frac
    weights[np.arange(n_out), hi] += frac
    return weights


def sklearn_digits() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """scikit-learn's handwritten digits as MNIST-like uint8 28x28 images (1,500 / 297 split)."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = digits.images / 16.0  # 8x8, values 0..16
    resize = _bilinear_matrix(8, 20)
    big = np.einsum("ij,njk,lk->nil", resize, images, resize)  # 20x20, like MNIST's digit box
    canvas = np.zeros((len(big), 28, 28))
    canvas[:, 4:24, 4:24] = big  # centred in 28x28 with a 4-pixel margin, as in MNIST
    x = np.round(np.clip(canvas, 0, 1) * 255).astype("uint8")
    y = digits.target.astype("uint8")
    order = np.random.default_rng(0).permutation(len(x))
    x, y = x[order], y[order]
    return (x[:1500], y[:1500]), (x[1500:], y[1500:])


def synthetic_digits(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Last resort: ten fixed random stroke patterns, shifted by up to two pixels, noised."""
    rng = np.random.default_rng(1234)  # the class templates are fixed
    templates = np.zeros((10, 32, 32))
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
    images = np.stack([templates[y, r : r + 28, c : c + 28] for y, (r, c) in zip(labels, shifts)])
    images = np.clip(images + rng.normal(0.0, 0.2, images.shape), 0.0, 1.0)
    return (images * 255).astype("uint8"), labels.astype("uint8")


def load_data(samples: int | None):
    """MNIST, else scikit-learn's digits, else (last resort) a synthetic digit-like task."""
    try:
        from tholos import datasets

        (x_train, y_train), (x_test, y_test) = datasets.mnist.load_data()
        source = "MNIST"
    except Exception as err:
        reason = (str(err).splitlines() or [type(err).__name__])[0]
        if importlib.util.find_spec("sklearn") is not None:
            print(f"MNIST unavailable ({reason}); using scikit-learn's digits resized to 28x28.")
            (x_train, y_train), (x_test, y_test) = sklearn_digits()
            source = "scikit-learn digits"
        else:
            print(
                f"MNIST unavailable ({reason}) and scikit-learn is not installed "
                "(pip install -r examples/requirements.txt); using SYNTHETIC digit-like data."
            )
            x_train, y_train = synthetic_digits(samples or 3000, seed=0)
            x_test, y_test = synthetic_digits(max((samples or 3000) // 5, 100), seed=1)
            source = "synthetic"
    if samples:
        x_train, y_train = x_train[:samples], y_train[:samples]
        n_test = min(len(x_test), max(samples // 5, 100))
        x_test, y_test = x_test[:n_test], y_test[:n_test]
    # Scale images to the [0, 1] range; make sure images have shape (28, 28, 1)
    x_train = (x_train / 255.0).reshape(-1, 28, 28, 1).astype("float32")
    x_test = (x_test / 255.0).reshape(-1, 28, 28, 1).astype("float32")
    print(f"Data: {source}; x_train shape: {x_train.shape}, x_test shape: {x_test.shape}")
    return (x_train, y_train), (x_test, y_test)


def section(title: str) -> None:
    print(f"\n== {title} " + "=" * max(3, 76 - len(title)))


# -- the walkthrough ----------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.backend:
        os.environ["THOLOS_BACKEND"] = args.backend
    import tholos as keras
    from tholos import layers, ops, random

    print(f"Backend: {keras.backend.backend()}")
    (x_train, y_train), (x_test, y_test) = load_data(args.samples)
    workdir = args.workdir or tempfile.mkdtemp(prefix="tholos-intro-")
    batch_size = args.batch_size

    section("A first example: a digit-classifying convnet")
    num_classes = 10
    input_shape = (28, 28, 1)
    model = keras.Sequential(
        [
            keras.layers.Input(shape=input_shape),
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
        batch_size=batch_size,
        epochs=args.epochs,
        validation_split=0.15,
        callbacks=callbacks,
    )
    score = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
    print("Test:", ", ".join(f"{k}: {float(v):.4f}" for k, v in score.items()))
    checkpoints = sorted(f for f in os.listdir(workdir) if f.startswith("model_at_epoch_"))
    print("Checkpoints:", ", ".join(checkpoints))

    final_path = os.path.join(workdir, "final_model.keras")
    model.save(final_path)
    reloaded = keras.saving.load_model(final_path)
    before = model.predict(x_test, verbose=0)
    predictions = reloaded.predict(x_test)
    same = bool(np.allclose(before, predictions, atol=1e-5))
    print(
        f"Reloaded {os.path.basename(final_path)}: predictions identical to the trained model: "
        f"{same}"
    )
    print("predictions shape:", predictions.shape)

    section("Writing cross-framework custom components")

    class MyDense(keras.layers.Layer):
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
                shape=(self.units,),
                initializer=keras.initializers.Zeros(),
                name="bias",
                trainable=True,
            )

        def call(self, inputs):
            # Use tholos.ops to write backend-agnostic layers, metrics, etc.
            x = ops.matmul(inputs, self.w) + self.b
            return self.activation(x)

    class MyDropout(keras.layers.Layer):
        def __init__(self, rate, name=None, seed=None):
            super().__init__(name=name)
            self.rate = rate
            # A SeedGenerator holds the RNG state; its seed variable is tracked in
            # layer.variables (and saved with the model).
            self.seed_generator = random.SeedGenerator(seed)

        def call(self, inputs, training=False):
            # tholos.random for random ops; only drop units while training.
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
            x = self.conv_base(x)
            x = self.dp(x, training=training)
            return self.dense(x)

    def new_model(net=None):
        net = net if net is not None else MyModel(num_classes=10)
        net.compile(
            loss=keras.losses.SparseCategoricalCrossentropy(),
            optimizer=keras.optimizers.Adam(learning_rate=1e-3),
            metrics=[keras.metrics.SparseCategoricalAccuracy(name="acc")],
        )
        return net

    print("Subclassed MyModel (MyDense + MyDropout), trained from NumPy arrays:")
    model = new_model()
    model.fit(x_train, y_train, batch_size=batch_size, epochs=1, validation_split=0.15)

    section("Training models on arbitrary data sources")
    if importlib.util.find_spec("tensorflow") is not None:
        import tensorflow as tf

        train_dataset = (
            tf.data.Dataset.from_tensor_slices((x_train, y_train))
            .batch(batch_size)
            .prefetch(tf.data.AUTOTUNE)
        )
        test_dataset = (
            tf.data.Dataset.from_tensor_slices((x_test, y_test))
            .batch(batch_size)
            .prefetch(tf.data.AUTOTUNE)
        )
        print("From a tf.data pipeline:")
        new_model().fit(train_dataset, epochs=1, validation_data=test_dataset)
    else:
        print("tf.data: skipped (TensorFlow is not installed).")

    if importlib.util.find_spec("torch") is not None:
        import torch

        class TorchDigits(torch.utils.data.Dataset):
            def __init__(self, x, y):
                self.x, self.y = x, y

            def __len__(self):
                return len(self.x)

            def __getitem__(self, idx):
                return self.x[idx], self.y[idx]

        train_loader = torch.utils.data.DataLoader(
            TorchDigits(x_train, y_train), batch_size=batch_size, shuffle=True
        )
        val_loader = torch.utils.data.DataLoader(
            TorchDigits(x_test, y_test), batch_size=batch_size, shuffle=False
        )
        print("From a PyTorch DataLoader:")
        new_model().fit(train_loader, epochs=1, validation_data=val_loader)
    else:
        print("PyTorch DataLoader: skipped (PyTorch is not installed).")

    class DigitsDataset(keras.utils.PyDataset):
        def __init__(self, x, y, batch_size, **kwargs):
            super().__init__(**kwargs)
            self.x, self.y, self.batch_size = x, y, batch_size

        def __len__(self):
            return -(-len(self.x) // self.batch_size)

        def __getitem__(self, index):
            batch = slice(index * self.batch_size, (index + 1) * self.batch_size)
            return self.x[batch], self.y[batch]

    print("From a PyDataset:")
    new_model().fit(
        DigitsDataset(x_train, y_train, batch_size),
        epochs=1,
        validation_data=DigitsDataset(x_test, y_test, batch_size),
    )

    if importlib.util.find_spec("pandas") is not None:
        import pandas as pd

        pixels = [f"px{i}" for i in range(28 * 28)]
        train_df = pd.DataFrame(x_train.reshape(len(x_train), -1), columns=pixels)
        train_df["label"] = y_train
        mlp = keras.Sequential(
            [
                keras.layers.Input(shape=(28 * 28,)),
                MyDense(64, activation="relu"),
                MyDropout(0.2),
                MyDense(10, activation="softmax"),
            ]
        )
        print("From a pandas DataFrame (a small MLP of MyDense/MyDropout on the 784 pixels):")
        new_model(mlp).fit(train_df[pixels], train_df["label"], batch_size=batch_size, epochs=1)
    else:
        print("pandas DataFrame: skipped (pandas is not installed).")

    print(f"\nDone. Model files are in {workdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
