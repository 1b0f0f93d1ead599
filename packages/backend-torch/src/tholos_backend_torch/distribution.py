"""Distribution hooks of the torch backend: data parallelism over ``torch.distributed``.

One process per device, started by ``torchrun`` (or any launcher that sets ``RANK``,
``WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT``), joined by
:func:`tholos.distribution.initialize` (``gloo`` on CPU, ``NCCL`` on CUDA, each rank on
``cuda:LOCAL_RANK``). Under ``DataParallel`` it does what ``DistributedDataParallel`` does:

* the first step broadcasts every model and optimizer variable from rank 0;
* each rank takes its contiguous slice of every global batch (``numpy.array_split`` sizes);
* inside ``train_step`` the gradients are all-reduced in buckets of at most 25 MB, each
  rank's weighted by its share of the batch (``n_r / N``), so every rank applies the gradient
  of the whole global batch, i.e. the single-device update;
* after each step the metric variables are all-reduced (sum, or as their ``aggregation``
  says) to compute the logs, so ``fit``/``evaluate`` report global metrics on every rank;
  ``predict`` gathers every rank's outputs.

BatchNormalization statistics stay per rank (no SyncBatchNorm). ``ModelParallel`` is not
supported (torch has no sharding compiler here): it raises ``UnsupportedOpError``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import Any

import torch
import torch.distributed as tdist

from tholos import tree
from tholos.errors import ConfigError, UnsupportedOpError
from tholos_backend_torch import devices as _devices

_BUCKET_BYTES = 25 * 1024 * 1024
_SHARE: list[tuple[int, int]] = []  # (local, global) sample counts of the running step


# -- processes ---------------------------------------------------------------------------------
def _ready() -> bool:
    return tdist.is_available() and tdist.is_initialized()


def process_id() -> int:
    return tdist.get_rank() if _ready() else 0


def num_processes() -> int:
    return tdist.get_world_size() if _ready() else 1


def initialize(job_addresses, num_processes, process_id) -> None:
    """``torch.distributed.init_process_group``: from the arguments when given, else from
    torchrun's environment (``env://``)."""
    if _ready():
        return
    use_cuda = torch.cuda.is_available()
    kwargs: dict[str, Any] = {"backend": "nccl" if use_cuda else "gloo"}
    if job_addresses:
        address = job_addresses.split(",")[0].strip()
        kwargs["init_method"] = f"tcp://{address}"
        if num_processes is None or process_id is None:
            raise ConfigError(
                "initialize: with job_addresses, num_processes and process_id are needed.",
                expected="initialize('host:port', num_processes=N, process_id=r)",
                received=f"num_processes={num_processes}, process_id={process_id}",
            )
        kwargs["world_size"] = int(num_processes)
        kwargs["rank"] = int(process_id)
    else:
        missing = [
            k for k in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT") if k not in os.environ
        ]
        if missing:
            raise ConfigError(
                "initialize: not started by torchrun and no job_addresses given.",
                expected="torchrun --nproc-per-node=N script.py, or "
                "initialize('host:port', num_processes=N, process_id=r)",
                received=f"missing environment variables {missing}",
            )
        kwargs["init_method"] = "env://"
        if num_processes is not None:
            kwargs["world_size"] = int(num_processes)
        if process_id is not None:
            kwargs["rank"] = int(process_id)
    if use_cuda:
        local = int(os.environ.get("LOCAL_RANK", kwargs.get("rank", 0)))
        local %= max(torch.cuda.device_count(), 1)
        torch.cuda.set_device(local)
        _devices.DEFAULT = _devices.CURRENT = torch.device("cuda", local)
    tdist.init_process_group(**kwargs)


def _kind() -> str:
    return _devices.CURRENT.type.replace("cuda", "gpu")


def list_devices(device_type: str | None = None) -> list[str]:
    """Once initialized: one device per process (``"gpu:r"``/``"cpu:r"``); else the local
    devices."""
    if not _ready():
        return _devices.list_devices(device_type)
    kind = _kind()
    if device_type is not None and str(device_type).lower().replace("cuda", "gpu") != kind:
        return []
    return [f"{kind}:{r}" for r in range(tdist.get_world_size())]


def validate(distribution: Any) -> None:
    from tholos.distribution import DataParallel

    if not isinstance(distribution, DataParallel):
        raise UnsupportedOpError(
            f"The torch backend does not support {type(distribution).__name__}.",
            expected="tholos.distribution.DataParallel",
            received=repr(distribution),
            hint="shard weights (ModelParallel) with the jax backend",
        )
    replicas = distribution.num_replicas
    if replicas not in (1, num_processes()):
        raise ConfigError(
            "DataParallel on torch runs one process per device.",
            expected=f"{num_processes()} device(s): the number of processes",
            received=f"{replicas} devices",
            hint="start one process per device with torchrun --nproc-per-node=N and call "
            "tholos.distribution.initialize() first",
        )


@contextlib.contextmanager
def scope(distribution: Any) -> Iterator[None]:
    del distribution
    yield


# -- tensors -----------------------------------------------------------------------------------
def _bounds(n: int, world: int, rank: int) -> tuple[int, int]:
    base, extra = divmod(n, world)
    start = rank * base + min(rank, extra)
    return start, start + base + (1 if rank < extra else 0)


def distribute_tensor(value: Any, layout: Any) -> Any:
    """Replicated axes: the value as is (each process holds a copy); a first axis split
    over the batch axis: this process' slice."""
    axes = tuple(layout.axes)
    if any(a is not None for a in axes[1:]):
        raise UnsupportedOpError(
            "The torch backend can only split the first (batch) dimension.",
            expected="a layout like ('batch', None, ...)",
            received=repr(axes),
        )
    if axes and axes[0] is not None and num_processes() > 1:
        start, stop = _bounds(int(value.shape[0]), num_processes(), process_id())
        return value[start:stop]
    return value


def distribute_variable(value: Any, layout: Any) -> Any:
    return distribute_tensor(value, layout)


def _leading(x: Any) -> int | None:
    for leaf in tree.flatten(x):
        shape = getattr(leaf, "shape", None)
        if shape is not None and len(shape) > 0:
            return int(shape[0])
    return None


def _shard(batch: Any, world: int, rank: int) -> tuple[Any, int, int, bool]:
    """(this rank's slice, its size, the global size, whether the batch was replicated)."""
    n = _leading(batch)
    if n is None or n < world:  # too small to split: every rank computes the whole batch
        return batch, n or 0, (n or 0) * world, True
    start, stop = _bounds(n, world, rank)

    def cut(leaf):
        shape = getattr(leaf, "shape", None)
        if shape is not None and len(shape) > 0 and int(shape[0]) == n:
            return leaf[start:stop]
        return leaf

    return tree.map_structure(cut, batch), stop - start, n, False


# -- gradients ---------------------------------------------------------------------------------
def _buckets(tensors: list[torch.Tensor]) -> Iterator[list[int]]:
    groups: dict[tuple, list[int]] = {}
    for i, t in enumerate(tensors):
        groups.setdefault((t.dtype, t.device), []).append(i)
    for indices in groups.values():
        bucket, size = [], 0
        for i in indices:
            nbytes = tensors[i].numel() * tensors[i].element_size()
            if bucket and size + nbytes > _BUCKET_BYTES:
                yield bucket
                bucket, size = [], 0
            bucket.append(i)
            size += nbytes
        if bucket:
            yield bucket


def all_reduce_gradients(grads: list[Any], x: Any) -> list[Any]:
    """``sum_r (n_r / N) grads_r`` over ranks, in buckets (see the module docstring)."""
    if not _ready() or tdist.get_world_size() == 1:
        return grads
    if _SHARE:
        local, total = _SHARE[-1]
    else:  # called outside the runner: weigh by the x seen here
        local = _leading(x) or 0
        count = torch.tensor([float(local)], device=_devices.CURRENT)
        tdist.all_reduce(count)
        total = int(count.item())
    weight = local / total if total else 0.0
    out = list(grads)
    for bucket in _buckets(out):
        flat = torch.cat([out[i].reshape(-1) for i in bucket]) * weight
        tdist.all_reduce(flat)
        offset = 0
        for i in bucket:
            n = out[i].numel()
            out[i] = flat[offset : offset + n].view_as(out[i])
            offset += n
    return out


# -- the distributed step ----------------------------------------------------------------------
def _broadcast_state(model: Any) -> None:
    variables = list(getattr(model, "variables", []) or [])
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None:
        variables += list(getattr(optimizer, "variables", []) or [])
    with torch.no_grad():
        for v in variables:
            value = v._value
            data = value.data if isinstance(value, torch.nn.Parameter) else value
            if isinstance(data, torch.Tensor):
                tdist.broadcast(data, src=0)


def _reduced_logs(model: Any, logs: Any) -> Any:
    """The step's logs, with every metric value recomputed from all ranks' metric states."""
    from tholos.backend import StatelessScope

    variables = list(getattr(model, "metrics_variables", []) or [])
    if not variables or not isinstance(logs, dict):
        return logs
    values = [torch.as_tensor(v.value) for v in variables]
    flat = torch.cat([t.reshape(-1).to(torch.float64) for t in values])
    first = flat.clone()
    tdist.all_reduce(flat)
    tdist.broadcast(first, src=0)
    world = tdist.get_world_size()
    mapping, offset = [], 0
    for v, t in zip(variables, values):
        n = t.numel()
        how = str(getattr(v, "aggregation", "sum") or "sum").lower()
        if how == "mean":
            chunk = flat[offset : offset + n] / world
        elif how == "only_first_replica":
            chunk = first[offset : offset + n]
        else:
            chunk = flat[offset : offset + n]
        mapping.append((v, chunk.view(t.shape).to(t.dtype)))
        offset += n
    with StatelessScope(mapping):
        results = model.get_metrics_result()
    merged = dict(logs)
    for key, value in results.items():
        if key in merged:
            merged[key] = value
    return merged


def _gather(outputs: Any, sizes: list[int]) -> Any:
    """Every rank's slice of a predict output, concatenated in rank order."""
    if not isinstance(outputs, torch.Tensor):
        return tree.map_structure(lambda o: _gather(o, sizes), outputs)
    widest = max(sizes)
    padded = outputs
    if outputs.shape[0] < widest:
        pad = outputs.new_zeros((widest - outputs.shape[0], *outputs.shape[1:]))
        padded = torch.cat([outputs, pad])
    parts = [torch.empty_like(padded) for _ in sizes]
    tdist.all_gather(parts, padded.contiguous())
    return torch.cat([p[:s] for p, s in zip(parts, sizes)])


class DistributedRunner:
    """``run(batches)`` as one rank of a data-parallel group."""

    def __init__(self, run: Callable[[list], Any], kind: str, model: Any, distribution: Any):
        self.run = run
        self.kind = kind
        self.model = model
        self.distribution = distribution
        self._synced = False

    def __call__(self, batches: list) -> Any:
        from tholos.distribution._runtime import distributed_step

        if not _ready() or tdist.get_world_size() == 1:
            return self.run(batches)
        world, rank = tdist.get_world_size(), tdist.get_rank()
        if not self._synced:
            _broadcast_state(self.model)
            self._synced = True
        outs = []
        for batch in batches:
            local, n_local, n_total, replicated = _shard(batch, world, rank)
            _SHARE.append((n_local, n_total))
            try:
                with distributed_step(self.distribution):
                    out = self.run([local])
            finally:
                _SHARE.pop()
            if self.kind == "predict":
                out = out[0]
                if replicated:
                    outs.append(out)  # every rank computed the whole batch
                else:
                    sizes = [
                        _bounds(n_total, world, r)[1] - _bounds(n_total, world, r)[0]
                        for r in range(world)
                    ]
                    outs.append(_gather(out, sizes))
            else:
                outs.append(out)
        if self.kind == "predict":
            return outs
        return _reduced_logs(self.model, outs[-1])


def distribute_step(step_fn, run, *, kind, model, jit_compile, distribution):
    del step_fn, jit_compile
    return DistributedRunner(run, kind, model, distribution)


__all__ = [
    "all_reduce_gradients",
    "distribute_step",
    "distribute_tensor",
    "distribute_variable",
    "initialize",
    "list_devices",
    "num_processes",
    "process_id",
    "scope",
    "validate",
]
