"""Cost of portable randomness: the seed convnet's fit step with dropout drawn by tholos'
portable Threefry generator vs each framework's native generator.

A benchmark, not a test. For each installed backend it times ``train_on_batch`` on the guide's
digit convnet (Conv2D 64, 64, MaxPooling, Conv2D 128, 128, GlobalAveragePooling, Dropout 0.5,
Dense 10 softmax) under ``tholos.config.use_random_generator("native")`` and ``("portable")``
and prints a markdown table. The target (issue 12): portable costs at most 5% more per step.

    python benchmarks/bench_dropout_rng.py                     # every backend that loads
    python benchmarks/bench_dropout_rng.py --backends jax --batch-size 128 --steps 50
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np


def convnet(image: int, pool: str = "max"):
    import tholos
    from tholos import layers

    pooling = {
        "max": layers.MaxPooling2D,
        "avg": layers.AveragePooling2D,
        "none": lambda pool_size: layers.Identity(),
    }[pool]

    return tholos.Sequential(
        [
            layers.Input(shape=(image, image, 1)),
            layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            pooling(pool_size=(2, 2)),
            layers.Conv2D(128, kernel_size=(3, 3), activation="relu"),
            layers.Conv2D(128, kernel_size=(3, 3), activation="relu"),
            layers.GlobalAveragePooling2D(),
            layers.Dropout(0.5, seed=1),
            layers.Dense(10, activation="softmax"),
        ]
    )


def _sync(value) -> None:
    from tholos import ops

    ops.convert_to_numpy(value)  # waits for asynchronous backends


def time_fit_steps(generator: str, args, weights) -> list[float]:
    import tholos

    with tholos.config.use_random_generator(generator):
        model = convnet(args.image_size, args.pool)
        model.set_weights(weights)
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        rng = np.random.default_rng(0)
        x = rng.uniform(0, 1, (args.batch_size, args.image_size, args.image_size, 1))
        x = x.astype("float32")
        y = rng.integers(0, 10, (args.batch_size,)).astype("int32")
        for _ in range(args.warmup):
            _sync(model.train_on_batch(x, y))
        times = []
        for _ in range(args.steps):
            start = time.perf_counter()
            _sync(model.train_on_batch(x, y))
            times.append(time.perf_counter() - start)
    return times


def time_dropout(generator: str, args) -> float:
    """The dropout op alone on the convnet's (batch, 128) features, eager."""
    import tholos
    from tholos import ops, random

    with tholos.config.use_random_generator(generator):
        feats = ops.ones((args.batch_size, 128))
        gen = random.SeedGenerator(3)
        for _ in range(3):
            _sync(random.dropout(feats, 0.5, seed=gen))
        start = time.perf_counter()
        for _ in range(args.steps):
            _sync(random.dropout(feats, 0.5, seed=gen))
    return (time.perf_counter() - start) / args.steps


def bench_backend(name: str, args) -> dict[str, float] | str:
    import tholos

    try:
        ctx = tholos.config.use_backend(name)
        ctx.__enter__()
    except Exception as err:
        return f"not loadable: {type(err).__name__}"
    try:
        tholos.utils.set_random_seed(0)
        weights = [np.asarray(w) for w in convnet(args.image_size, args.pool).get_weights()]
        out: dict[str, float] = {}
        # Alternate the two generators so that drift (caches, clocks) hits both alike.
        runs: dict[str, list[float]] = {"native": [], "portable": []}
        for _ in range(args.repeats):
            for gen in ("native", "portable"):
                runs[gen] += time_fit_steps(gen, args, weights)
        for gen, times in runs.items():
            out[f"{gen}_step"] = statistics.median(times)
            out[f"{gen}_dropout"] = time_dropout(gen, args)
        return out
    except Exception as err:
        return f"failed: {type(err).__name__}: {str(err).splitlines()[0][:80]}"
    finally:
        ctx.__exit__(None, None, None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--backends",
        nargs="*",
        default=None,
        help="backend names (default: every installed one that loads)",
    )
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--image-size", type=int, default=28)
    parser.add_argument("--steps", type=int, default=10, help="timed steps per repeat")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument(
        "--pool",
        choices=("max", "avg", "none"),
        default="max",
        help="avg/none replace MaxPooling2D (by AveragePooling2D / nothing) for "
        "backends whose pooling gradient is not ready yet",
    )
    args = parser.parse_args()

    import tholos

    names = args.backends or [
        b["name"] if isinstance(b, dict) else getattr(b, "name", str(b))
        for b in tholos.backend.list_backends()
    ]
    rows = [
        "| backend | native step (ms) | portable step (ms) | portable / native | "
        "dropout op native (ms) | dropout op portable (ms) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in names:
        result = bench_backend(name, args)
        if isinstance(result, str):
            rows.append(f"| {name} | {result} | | | | |")
            continue
        ratio = result["portable_step"] / result["native_step"]
        rows.append(
            f"| {name} | {1e3 * result['native_step']:.2f} | {1e3 * result['portable_step']:.2f} "
            f"| {ratio:.3f} | {1e3 * result['native_dropout']:.3f} | "
            f"{1e3 * result['portable_dropout']:.3f} |"
        )
    print(
        f"Seed convnet fit step, batch {args.batch_size}, {args.image_size}x{args.image_size}, "
        f"median of {args.steps * args.repeats} steps (target: ratio <= 1.05)\n"
    )
    print("\n".join(rows))


if __name__ == "__main__":
    main()
