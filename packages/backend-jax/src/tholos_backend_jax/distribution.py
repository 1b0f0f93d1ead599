"""Distribution hooks of the JAX backend: ``jax.sharding`` (GSPMD) carries out the plan.

A :class:`tholos.distribution.DeviceMesh` becomes a ``jax.sharding.Mesh`` and each
:class:`TensorLayout` a ``NamedSharding``. Under a distribution, the first step places
every model variable with its layout (``DataParallel``: replicated; ``ModelParallel``: as the
``LayoutMap`` says), and every global batch is split along the batch axis of the mesh. The
compiled step (the backend's ``CompiledStep``, one ``jax.jit`` program) then runs on sharded
inputs: XLA partitions it across the mesh and inserts the collectives, so gradients are
reduced over the batch axis without anything else in the step changing. After each call,
variables whose sharding drifted are put back on their layout.

Multi-process runs (one process per host) start with ``jax.distributed.initialize``; every
process holds the same global batch and contributes the shards of its own devices
(``jax.make_array_from_callback``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from tholos import tree
from tholos.errors import ConfigError

_ALIASES = {"cuda": "gpu", "rocm": "gpu"}


# -- devices -----------------------------------------------------------------------------------
def _platform(device) -> str:
    return _ALIASES.get(device.platform, device.platform)


def _all_devices() -> list:
    found = []
    for backend in ("cpu", "gpu", "tpu"):
        try:
            found.extend(jax.devices(backend))
        except RuntimeError:
            continue
    return found


def _default_devices() -> list:
    return list(jax.devices())


def list_devices(device_type: str | None = None) -> list[str]:
    """Every device of the run (all processes), ``"type:index"``; the default platform's
    devices when ``device_type`` is ``None``."""
    if device_type is None:
        devices = _default_devices()
    else:
        kind = _ALIASES.get(str(device_type).lower(), str(device_type).lower())
        devices = [d for d in _all_devices() if _platform(d) == kind]
    return [_name(d) for d in devices]


def _name(device) -> str:
    same = [d for d in _all_devices() if _platform(d) == _platform(device)]
    return f"{_platform(device)}:{same.index(device)}"


def _device(spec: Any):
    if isinstance(spec, jax.Device):
        return spec
    if isinstance(spec, (int, np.integer)):
        return _default_devices()[int(spec)]
    name = str(spec).lower().strip().lstrip("/")
    if name.startswith("device:"):
        name = name[len("device:") :]
    kind, _, index = name.partition(":")
    kind = _ALIASES.get(kind, kind)
    same = [d for d in _all_devices() if _platform(d) == kind]
    try:
        return same[int(index or 0)]
    except (IndexError, ValueError):
        raise ConfigError(
            f"Unknown device {spec!r} for the JAX backend.",
            expected=f"one of {list_devices(kind) or list_devices()}",
            received=repr(spec),
            hint="for several CPU devices set XLA_FLAGS=--xla_force_host_platform_device_count=N "
            "before JAX starts",
        ) from None


# -- meshes and shardings ----------------------------------------------------------------------
_MESHES: dict[Any, Mesh] = {}


def to_jax_mesh(device_mesh: Any) -> Mesh:
    """The ``jax.sharding.Mesh`` of a tholos ``DeviceMesh`` (cached)."""
    mesh = _MESHES.get(device_mesh)
    if mesh is None:
        devices = np.vectorize(_device, otypes=[object])(device_mesh.devices)
        mesh = Mesh(devices, device_mesh.axis_names)
        _MESHES[device_mesh] = mesh
    return mesh


def to_sharding(layout: Any) -> NamedSharding:
    """The ``NamedSharding`` of a tholos ``TensorLayout``."""
    if layout.device_mesh is None:
        raise ConfigError(
            "The TensorLayout has no device mesh.",
            expected="TensorLayout(axes, device_mesh)",
            received=repr(layout),
        )
    return NamedSharding(to_jax_mesh(layout.device_mesh), PartitionSpec(*layout.axes))


def _put(value: Any, sharding: NamedSharding) -> Any:
    if isinstance(value, jax.Array) and value.sharding == sharding:
        return value
    if jax.process_count() > 1:
        if isinstance(value, jax.Array) and not value.is_fully_addressable:
            return jax.device_put(value, sharding)
        host = np.asarray(value)
        return jax.make_array_from_callback(host.shape, sharding, lambda index: host[index])
    return jax.device_put(value, sharding)


def distribute_tensor(value: Any, layout: Any) -> Any:
    if getattr(value, "shape", None) is not None:
        layout.check_shape(tuple(value.shape))
    return _put(value, to_sharding(layout))


def distribute_variable(value: Any, layout: Any) -> Any:
    return distribute_tensor(value, layout)


# -- processes ---------------------------------------------------------------------------------
def initialize(job_addresses, num_processes, process_id) -> None:
    """``jax.distributed.initialize`` with the first address as the coordinator."""
    coordinator = job_addresses.split(",")[0].strip() if job_addresses else None
    kwargs = {}
    if coordinator:
        kwargs["coordinator_address"] = coordinator
    if num_processes is not None:
        kwargs["num_processes"] = int(num_processes)
    if process_id is not None:
        kwargs["process_id"] = int(process_id)
    jax.distributed.initialize(**kwargs)


def process_id() -> int:
    return jax.process_index()


def num_processes() -> int:
    return jax.process_count()


def validate(distribution: Any) -> None:
    to_jax_mesh(distribution.device_mesh)  # unknown devices raise here


@contextlib.contextmanager
def scope(distribution: Any) -> Iterator[None]:
    del distribution
    yield


def all_reduce_gradients(grads: list[Any], x: Any) -> list[Any]:
    """Nothing to do: the step is one SPMD program over the global batch."""
    del x
    return grads


# -- the distributed step ----------------------------------------------------------------------
def _model_variables(model: Any) -> list:
    try:
        return list(model.variables)
    except Exception:
        return []


def _shard_batch(batch: Any, distribution: Any) -> Any:
    replicas = distribution.num_replicas
    replicated = NamedSharding(to_jax_mesh(distribution.device_mesh), PartitionSpec())

    def place(leaf):
        shape = getattr(leaf, "shape", None)
        if (
            shape is None
            or not hasattr(leaf, "dtype")
            or getattr(leaf.dtype, "kind", "f") in "OUSV"
        ):
            return leaf
        if len(shape) == 0 or shape[0] % replicas:
            # a batch that does not split evenly (the last one): every device computes it
            return _put(leaf, replicated)
        return _put(leaf, to_sharding(distribution.get_data_layout(shape)))

    return tree.map_structure(place, batch)


class DistributedRunner:
    """``run(batches)`` under a distribution (see the module docstring)."""

    def __init__(self, run: Callable[[list], Any], kind: str, model: Any, distribution: Any):
        self.run = run
        self.kind = kind
        self.model = model
        self.distribution = distribution
        self._placements: list[tuple[Any, NamedSharding]] | None = None

    def _place_variables(self) -> None:
        if self._placements is None:
            self._placements = []
            for variable in _model_variables(self.model):
                layout = self.distribution.get_variable_layout(variable)
                self._placements.append((variable, to_sharding(layout)))
        for variable, sharding in self._placements:
            value = variable._value
            if not (isinstance(value, jax.Array) and value.sharding == sharding):
                variable._direct_assign(_put(value, sharding))

    def __call__(self, batches: list) -> Any:
        self._place_variables()
        batches = [_shard_batch(batch, self.distribution) for batch in batches]
        out = self.run(batches)
        self._place_variables()
        if self.kind == "predict" and jax.process_count() > 1:
            from jax.experimental import multihost_utils

            out = [
                tree.map_structure(
                    lambda a: (
                        multihost_utils.process_allgather(a, tiled=True)
                        if isinstance(a, jax.Array) and not a.is_fully_addressable
                        else a
                    ),
                    o,
                )
                for o in out
            ]
        return out


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
    "to_jax_mesh",
    "to_sharding",
    "validate",
]
