"""Distribution hooks of the TensorFlow backend: ``tf.distribute`` carries out DataParallel.

``DataParallel`` over one machine's devices is a ``tf.distribute.MirroredStrategy`` on those
devices; over several machines (``TF_CONFIG`` lists more than one worker, or
:func:`tholos.distribution.initialize` was given several addresses) a
``MultiWorkerMirroredStrategy``. ``dist.scope()`` enters ``strategy.scope()``, so variables
created inside it are mirrored.

The step is one ``tf.function`` calling ``strategy.run``: every replica runs the model's
step on its slice of the global batch (``numpy.array_split`` sizes) with its variable writes
recorded (a :class:`tholos.backend.StatelessScope`), and ``train_step`` all-reduces the
gradients inside the replica (weighted by each replica's share of the batch), so every
replica computes the single-device update. Back in cross-replica context the recorded writes
are applied once: metric variables receive the sum of every replica's increments, every
other variable (weights, optimizer slots, moving statistics, seeds) the first replica's
value. The logs are the metrics computed from the merged state; ``predict`` gathers every
replica's outputs (``strategy.gather``).

``ModelParallel`` is not supported (raises ``UnsupportedOpError``): use the JAX backend.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator
from typing import Any

import tensorflow as tf

from tholos import tree
from tholos.errors import ConfigError, UnsupportedOpError
from tholos_backend_tensorflow import _convert as C

_STATE: dict[str, Any] = {"strategies": {}, "multi_worker": None}


# -- processes ---------------------------------------------------------------------------------
def _tf_config() -> dict:
    try:
        return json.loads(os.environ.get("TF_CONFIG", "") or "{}")
    except ValueError:
        return {}


def _workers() -> int:
    cluster = _tf_config().get("cluster", {})
    return len(cluster.get("worker", [])) + len(cluster.get("chief", []))


def process_id() -> int:
    config = _tf_config()
    task = config.get("task", {})
    if not task:
        return 0
    index = int(task.get("index", 0))
    if task.get("type") == "worker" and config.get("cluster", {}).get("chief"):
        index += 1
    return index


def num_processes() -> int:
    return max(_workers(), 1)


def initialize(job_addresses, num_processes, process_id) -> None:
    """Write ``TF_CONFIG`` from the arguments (when given) and create the
    ``MultiWorkerMirroredStrategy`` (it must exist before other TensorFlow work)."""
    if job_addresses:
        addresses = [a.strip() for a in job_addresses.split(",") if a.strip()]
        if num_processes is not None and int(num_processes) != len(addresses):
            raise ConfigError(
                "initialize: one address per process is needed on TensorFlow.",
                expected=f"{num_processes} comma-separated host:port",
                received=repr(job_addresses),
            )
        os.environ["TF_CONFIG"] = json.dumps(
            {
                "cluster": {"worker": addresses},
                "task": {"type": "worker", "index": int(process_id or 0)},
            }
        )
    if _workers() > 1 and _STATE["multi_worker"] is None:
        _STATE["multi_worker"] = tf.distribute.MultiWorkerMirroredStrategy()


# -- devices -----------------------------------------------------------------------------------
def _local_devices(kind: str | None = None) -> list[str]:
    names = []
    for device_type in ("GPU", "CPU"):
        logical = tf.config.list_logical_devices(device_type)
        names += [f"{device_type.lower()}:{i}" for i in range(len(logical))]
    if kind is not None:
        kind = str(kind).lower().replace("cuda", "gpu")
        names = [n for n in names if n.split(":")[0] == kind]
    return names


def list_devices(device_type: str | None = None) -> list[str]:
    """The local logical devices (GPUs when there are, else CPUs); under several workers,
    one entry per replica of the whole cluster."""
    if device_type is None:
        local = _local_devices("gpu") or _local_devices("cpu")
    else:
        local = _local_devices(device_type)
    if _workers() > 1 and local:
        kind = local[0].split(":")[0]
        return [f"{kind}:{i}" for i in range(len(local) * _workers())]
    return local


def _tf_device(name: Any) -> str:
    text = str(name).lower().strip().lstrip("/")
    if text.startswith("device:"):
        text = text[len("device:") :]
    kind, _, index = text.partition(":")
    kind = "gpu" if kind == "cuda" else kind
    if f"{kind}:{index or 0}" not in _local_devices():
        raise ConfigError(
            f"Unknown device {name!r} for the TensorFlow backend.",
            expected=f"one of {_local_devices()}",
            received=repr(name),
            hint="several CPU devices: tf.config.set_logical_device_configuration(cpu, "
            "[tf.config.LogicalDeviceConfiguration()] * N) before TensorFlow starts",
        )
    return f"/{kind.upper()}:{index or 0}"


def _strategy(distribution: Any) -> tf.distribute.Strategy:
    if _workers() > 1:
        if _STATE["multi_worker"] is None:
            initialize(None, None, None)
        return _STATE["multi_worker"]
    key = distribution.device_mesh
    strategy = _STATE["strategies"].get(key)
    if strategy is None:
        devices = [_tf_device(d) for d in distribution.device_mesh.devices.flat]
        if all(d.startswith("/CPU") for d in devices):
            ops = tf.distribute.ReductionToOneDevice(reduce_to_device=devices[0])
        else:
            ops = None
        strategy = tf.distribute.MirroredStrategy(devices, cross_device_ops=ops)
        _STATE["strategies"][key] = strategy
    return strategy


def get_strategy(distribution: Any = None) -> tf.distribute.Strategy:
    """The ``tf.distribute.Strategy`` that carries out ``distribution`` (default: the active
    one)."""
    if distribution is None:
        from tholos.distribution import distribution as active

        distribution = active()
    return _strategy(distribution)


def validate(distribution: Any) -> None:
    from tholos.distribution import DataParallel

    if not isinstance(distribution, DataParallel):
        raise UnsupportedOpError(
            f"The tensorflow backend does not support {type(distribution).__name__}.",
            expected="tholos.distribution.DataParallel (tf.distribute MirroredStrategy)",
            received=repr(distribution),
            hint="shard weights (ModelParallel) with the jax backend",
        )
    if _workers() <= 1:
        for device in distribution.device_mesh.devices.flat:
            _tf_device(device)


@contextlib.contextmanager
def scope(distribution: Any) -> Iterator[None]:
    with _strategy(distribution).scope():
        yield


# -- tensors -----------------------------------------------------------------------------------
def distribute_tensor(value: Any, layout: Any) -> Any:
    if any(a is not None for a in tuple(layout.axes)):
        raise UnsupportedOpError(
            "The tensorflow backend does not shard tensors by layout.",
            expected="a replicated layout (all axes None)",
            received=repr(layout.axes),
            hint="batches are split by the distributed step itself",
        )
    return value


def distribute_variable(value: Any, layout: Any) -> Any:
    return distribute_tensor(value, layout)


def _leading(x: Any) -> Any:
    for leaf in tree.flatten(x):
        if isinstance(leaf, (tf.Tensor, tf.Variable)) or hasattr(leaf, "shape"):
            if len(leaf.shape) > 0:
                return tf.shape(leaf)[0]
    return None


def all_reduce_gradients(grads: list[Any], x: Any) -> list[Any]:
    """Inside a replica: ``sum_r n_r grads_r / sum_r n_r`` (one all-reduce per dtype)."""
    from tholos.backend import _stateless

    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1 or not grads:
        return grads
    n = _leading(x)
    out = list(grads)
    groups: dict[Any, list[int]] = {}
    for i, g in enumerate(out):
        groups.setdefault(g.dtype, []).append(i)
    for dtype, indices in groups.items():
        count = tf.cast(n if n is not None else 1, dtype)
        flat = tf.concat(
            [tf.reshape(out[i], [-1]) * count for i in indices] + [tf.reshape(count, [1])], 0
        )
        # Other replicas run while this one waits in the all-reduce (MirroredStrategy's
        # replica threads): set this replica's stateless scopes aside meanwhile.
        saved = list(_stateless._stateless_stack)
        del _stateless._stateless_stack[:]
        try:
            total = context.all_reduce(tf.distribute.ReduceOp.SUM, flat)
        finally:
            _stateless._stateless_stack[:] = saved
        total = total[:-1] / total[-1]
        offset = 0
        for i in indices:
            size = tf.size(out[i])
            out[i] = tf.reshape(total[offset : offset + size], tf.shape(out[i]))
            offset += size
    return out


# -- the distributed step ----------------------------------------------------------------------
def _bounds(n: int, parts: int, index: int) -> tuple[int, int]:
    base, extra = divmod(n, parts)
    start = index * base + min(index, extra)
    return start, start + base + (1 if index < extra else 0)


class DistributedRunner:
    """``run(batches)`` through ``strategy.run`` (see the module docstring)."""

    def __init__(self, step_fn: Callable[[Any], Any], kind: str, model: Any, distribution: Any):
        self.step_fn = step_fn
        self.kind = kind
        self.model = model
        self.distribution = distribution
        self.strategy = _strategy(distribution)
        self._order: list[Any] | None = None
        self._function = tf.function(self._distributed)

    def _replica(self, batch: Any) -> Any:
        from tholos.backend import StatelessScope
        from tholos.distribution._runtime import distributed_step

        with distributed_step(self.distribution):
            with StatelessScope() as scope:
                out = self.step_fn(batch)
        if self.kind == "predict":
            return out, ()
        updates = scope.updates
        if self._order is None:
            self._order = list(updates)
        metric_ids = {id(v) for v in self._metric_variables()}
        values = []
        for variable in self._order:
            new = C.convert(updates[variable]) if variable in updates else variable.value
            if id(variable) in metric_ids:
                new = new - tf.cast(variable.value, new.dtype)  # this replica's increment
            values.append(new)
        return out, tuple(values)

    def _metric_variables(self) -> list:
        try:
            return list(self.model.metrics_variables)
        except Exception:
            return []

    def _distributed(self, batch: Any) -> Any:
        self._order = None
        outs, values = self.strategy.run(self._replica, args=(batch,))
        if self.kind == "predict":
            return tree.map_structure(lambda o: self.strategy.gather(o, axis=0), outs)
        metric_ids = {id(v) for v in self._metric_variables()}
        local = self.strategy.experimental_local_results
        for variable, value in zip(self._order, values):
            if id(variable) in metric_ids:
                increment = self.strategy.reduce(tf.distribute.ReduceOp.SUM, value, axis=None)
                variable.assign(tf.cast(variable.value, increment.dtype) + increment)
            else:
                variable.assign(local(value)[0])
        logs = tree.map_structure(lambda o: local(o)[0], outs)
        if isinstance(logs, dict):
            merged = dict(logs)
            for key, value in self.model.get_metrics_result().items():
                if key in merged:
                    merged[key] = value
            logs = merged
        return logs

    def _split(self, batch: Any) -> Any:
        replicas = self.strategy.num_replicas_in_sync
        leaves = [leaf for leaf in tree.flatten(batch) if hasattr(leaf, "shape")]
        n = int(leaves[0].shape[0]) if leaves and len(leaves[0].shape) else 0
        batch = tree.map_structure(
            lambda a: C.convert(a) if hasattr(a, "shape") and not isinstance(a, str) else a,
            batch,
        )

        def piece(context):
            index = context.replica_id_in_sync_group
            if n < replicas:  # too small to split: every replica computes the whole batch
                return batch
            start, stop = _bounds(n, replicas, index)
            return tree.map_structure(
                lambda a: (
                    a[start:stop]
                    if hasattr(a, "shape") and len(a.shape) and int(a.shape[0]) == n
                    else a
                ),
                batch,
            )

        return self.strategy.experimental_distribute_values_from_function(piece)

    def __call__(self, batches: list) -> Any:
        outs = [self._function(self._split(batch)) for batch in batches]
        return outs if self.kind == "predict" else outs[-1]


def distribute_step(step_fn, run, *, kind, model, jit_compile, distribution):
    del run, jit_compile
    if distribution.num_replicas == 1 and _workers() <= 1:
        return run_single(step_fn, kind)
    return DistributedRunner(step_fn, kind, model, distribution)


def run_single(step_fn, kind):
    def run(batches):
        outs = [step_fn(b) for b in batches]
        return outs if kind == "predict" else outs[-1]

    return run


__all__ = [
    "all_reduce_gradients",
    "distribute_step",
    "distribute_tensor",
    "distribute_variable",
    "get_strategy",
    "initialize",
    "list_devices",
    "num_processes",
    "process_id",
    "scope",
    "validate",
]
