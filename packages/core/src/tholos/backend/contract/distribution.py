"""How a backend carries out a :mod:`tholos.distribution` plan (optional).

A backend that supports several devices or processes sets the optional attribute
``distribution`` on the object its plugin's ``load()`` returns: an object (usually a module)
with the functions below. It is not validated and nothing in core requires it: without it a
distribution over a single device runs as usual, and anything larger raises
:class:`tholos.errors.UnsupportedOpError`.

Core calls the hooks at these points:

* :func:`tholos.distribution.list_devices`, ``initialize``, ``process_id``,
  ``num_processes`` call ``list_devices``/``initialize``/``process_id``/``num_processes``;
* ``set_distribution(d)`` and ``d.scope()`` call ``validate(d)`` (raise for a plan the
  backend cannot carry out, e.g. ``ModelParallel`` where weights cannot be sharded);
  ``d.scope()`` also enters ``scope(d)`` (TensorFlow: ``strategy.scope()``, so variables
  created inside are mirrored);
* ``Trainer`` hands the function that runs a group of batches to ``distribute_step``, which
  returns the distributed runner (split each global batch, place the state, run, reduce the
  logs so every process sees global metrics);
* ``Trainer.train_step`` passes the gradients through ``all_reduce_gradients`` when called
  inside a distributed step (core's ``tholos.distribution._runtime.distributed_step``
  context), between ``compute_gradients`` and ``optimizer.apply``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class DistributionHooks(Protocol):
    """The optional ``backend.distribution`` object."""

    def list_devices(self, device_type: str | None = None) -> list[str]:
        """Every device of the run (all processes once initialized), as ``"type:index"``;
        under one-process-per-device engines (torch) one entry per process."""
        ...

    def initialize(
        self, job_addresses: str | None, num_processes: int | None, process_id: int | None
    ) -> None:
        """Join a multi-process run (``jax.distributed.initialize``,
        ``torch.distributed.init_process_group``, ``TF_CONFIG``). Arguments may be ``None``
        (read from the launcher's environment)."""
        ...

    def process_id(self) -> int:
        """This process' rank (0 when not distributed)."""
        ...

    def num_processes(self) -> int:
        """The number of processes (1 when not distributed)."""
        ...

    def validate(self, distribution: Any) -> None:
        """Raise :class:`tholos.errors.UnsupportedOpError` (with the reason) for a plan this
        backend cannot carry out; return ``None`` otherwise."""
        ...

    def scope(self, distribution: Any) -> AbstractContextManager[None]:
        """Entered by ``distribution.scope()``: variables created inside are placed for it."""
        ...

    def distribute_variable(self, value: Any, layout: Any) -> Any:
        """``value`` (a native array) placed as the :class:`TensorLayout` says."""
        ...

    def distribute_tensor(self, value: Any, layout: Any) -> Any:
        """Same as ``distribute_variable``, for any tensor (inside or outside a step)."""
        ...

    def distribute_step(
        self,
        step_fn: Callable[[Any], Any],
        run: Callable[[list], Any],
        *,
        kind: str,
        model: Any,
        jit_compile: bool,
        distribution: Any,
    ) -> Callable[[list], Any]:
        """Return a function with ``run``'s contract (``batches -> logs`` for train/test,
        ``-> list of outputs`` for predict) that runs under ``distribution``: each batch is
        the *global* batch (every process holds the same one); the result is the global
        logs/outputs on every process. ``step_fn`` is the uncompiled step, ``run`` the
        backend's compiled runner (a backend may use either)."""
        ...

    def all_reduce_gradients(self, grads: list[Any], x: Any) -> list[Any]:
        """Inside a replica's step: the gradients of the *global* batch, i.e.
        ``sum_r (n_r / N) * grads_r`` over replicas ``r`` with ``n_r`` samples in their ``x``
        and ``N = sum_r n_r``; identical on every replica."""
        ...


__all__ = ["DistributionHooks"]
