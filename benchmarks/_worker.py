"""One measured party in its own process: ``python -m benchmarks._worker '<json spec>'``.

The spec names the party (``tholos``, ``keras`` or ``native``), the backend, the workload and
sizes. The worker builds the workload, runs the warm-up blocks (not timed into the results),
then answers timing requests read line by line from stdin, one JSON line each on the
original stdout; anything libraries print goes to stderr. The orchestrator
(``benchmarks.__main__``) interleaves the requests between parties.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback

NATIVE_MODULES = {
    "torch": "benchmarks.parties.native_torch",
    "jax": "benchmarks.parties.native_jax",
    "tensorflow": "benchmarks.parties.native_tf",
}


def _open_channel():
    """Keep the real stdout for the protocol; point fd 1 at stderr for everything else."""
    channel = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return channel


def _apply_threads(threads: int | None) -> None:
    if not threads:
        return
    if "torch" in sys.modules:
        import torch

        torch.set_num_threads(threads)


def thread_info() -> dict:
    """Thread counts and the environment variables that set them, as this process sees them."""
    keys = (
        "OMP_NUM_THREADS",
        "MKL_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "XLA_FLAGS",
        "TF_NUM_INTRAOP_THREADS",
        "TF_NUM_INTEROP_THREADS",
        "CUDA_VISIBLE_DEVICES",
        "JAX_PLATFORMS",
    )
    out: dict = {
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "cpu_count": os.cpu_count(),
        "env": {k: os.environ[k] for k in keys if k in os.environ},
    }
    if hasattr(os, "sched_getaffinity"):
        out["affinity_cpus"] = len(os.sched_getaffinity(0))
    if "torch" in sys.modules:
        import torch

        out.update(
            torch=torch.__version__,
            torch_num_threads=torch.get_num_threads(),
            torch_num_interop_threads=torch.get_num_interop_threads(),
            torch_cuda=torch.cuda.is_available(),
        )
    if "jax" in sys.modules:
        import jax

        out.update(jax=jax.__version__, jax_devices=[str(d) for d in jax.devices()])
    if "tensorflow" in sys.modules:
        import tensorflow as tf

        out.update(
            tensorflow=tf.__version__,
            tf_intra_op_threads=tf.config.threading.get_intra_op_parallelism_threads(),
            tf_inter_op_threads=tf.config.threading.get_inter_op_parallelism_threads(),
        )
    return out


def rss_bytes() -> int:
    """This process's current resident set size."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # not Linux: peak RSS is the best the standard library offers
        import resource

        scale = 1 if sys.platform == "darwin" else 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def _build(spec: dict):
    from benchmarks._workloads import WORKLOADS

    workload = WORKLOADS[spec["workload"]]
    sizes = (spec["steps"], spec["inner"], spec["device"], spec["seed"])
    if spec["party"] in ("tholos", "keras"):
        from benchmarks.parties import api

        if spec["party"] == "tholos" and spec["device"] == "cpu":
            import tholos

            tholos.backend.backend()  # load it now (CUDA is hidden from it already)
        blocks = api.build(spec["party"], workload, *sizes)
        return blocks, api.info(spec["party"])
    import importlib

    module = importlib.import_module(NATIVE_MODULES[spec["backend"]])
    return module.build(workload, *sizes), module.info()


def serve(spec: dict, channel) -> None:
    t0 = time.perf_counter()
    blocks, info = _build(spec)
    _apply_threads(spec.get("threads"))
    build_s = time.perf_counter() - t0
    first, failed = {}, {}
    for case, block in list(blocks.items()):
        try:
            for i in range(spec["warmup"]):
                start = time.perf_counter()
                n = block()
                if i == 0:
                    first[case] = (time.perf_counter() - start) / n
        except Exception as err:  # this case does not run here; the others still can
            traceback.print_exc()
            failed[case] = f"{type(err).__name__}: {str(err).strip().splitlines()[0][:200]}"
            del blocks[case]
    info.update(thread_info())
    ready = {"ready": True, "info": info, "build_s": build_s}
    ready.update(first_block_per_unit_s=first, failed=failed)
    channel.write(json.dumps(ready) + "\n")
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("quit"):
            break
        block = blocks[request["case"]]
        start = time.perf_counter()
        n = block()
        elapsed = time.perf_counter() - start
        channel.write(json.dumps({"seconds": elapsed / n, "units": n}) + "\n")


def memory(spec: dict, channel) -> None:
    """``calls`` consecutive ``fit()`` calls (1 epoch, ``steps`` batches each) on a small MLP;
    the RSS after each call."""
    import gc

    from benchmarks._workloads import Workload, make_data
    from benchmarks.parties import api

    kx = api._module(spec["party"])
    kx.utils.set_random_seed(spec["seed"])
    wl = Workload("mlp", 32, ("fit",), "small MLP", {"features": 16, "hidden": 64})
    model = api.build_model(kx, wl)
    model.compile(optimizer="adam", loss="mse")
    x, y = make_data(wl, spec["steps"] * wl.batch_size, spec["seed"])
    rss = []
    start = time.perf_counter()
    for _ in range(spec["calls"]):
        model.fit(x, y, batch_size=wl.batch_size, epochs=1, verbose=0)
        rss.append(rss_bytes())
    seconds = time.perf_counter() - start
    gc.collect()
    info = api.info(spec["party"])
    info.update(thread_info())
    channel.write(
        json.dumps({"rss": rss, "rss_after_gc": rss_bytes(), "seconds": seconds, "info": info})
        + "\n"
    )


def main() -> None:
    spec = json.loads(sys.argv[1])
    channel = _open_channel()
    if spec.get("mode") == "memory":
        memory(spec, channel)
    else:
        serve(spec, channel)


if __name__ == "__main__":
    main()
