"""The two places the training loop consults the distribution (both no-ops without one).

``wrap_step(run, step_fn, kind=..., model=...)`` is applied by ``Trainer`` to the function
that runs a group of batches; under an active distribution the backend's
``distribution.distribute_step`` takes over (splits each global batch across devices or
processes, places the state, reduces the logs). ``sync_gradients(grads, x)`` is called by
``Trainer.train_step`` between ``compute_gradients`` and ``optimizer.apply``; inside a
distributed step it averages the gradients across replicas (weighted by each replica's
share of the batch) through the backend's ``distribution.all_reduce_gradients``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

_ACTIVE: list[Any] = []  # the distributions of the distributed steps now running


@contextlib.contextmanager
def distributed_step(dist: Any) -> Iterator[None]:
    """Backends run a replica's step inside this, so that :func:`sync_gradients` reduces."""
    _ACTIVE.append(dist)
    try:
        yield
    finally:
        _ACTIVE.pop()


def in_distributed_step() -> bool:
    return bool(_ACTIVE)


def wrap_step(
    run: Callable[[list], Any],
    step_fn: Callable[[Any], Any],
    *,
    kind: str,
    model: Any,
    jit_compile: bool,
) -> Callable[[list], Any]:
    """``run`` unchanged without a distribution; else the backend's distributed runner."""
    from tholos.distribution._api import _check_supported, _hooks, distribution

    dist = distribution()
    if dist is None:
        return run
    hooks = _hooks()
    if hooks is None:
        _check_supported(dist)  # raises unless the mesh is a single device
        return run
    return hooks.distribute_step(
        step_fn, run, kind=kind, model=model, jit_compile=jit_compile, distribution=dist
    )


def sync_gradients(grads: list[Any], x: Any) -> list[Any]:
    """Gradients averaged across replicas inside a distributed step; else ``grads``."""
    if not _ACTIVE:
        return grads
    from tholos.distribution._api import _hooks

    hooks = _hooks()
    reduce = getattr(hooks, "all_reduce_gradients", None)
    if reduce is None:
        return grads
    return reduce(grads, x)


__all__ = ["distributed_step", "in_distributed_step", "sync_gradients", "wrap_step"]
