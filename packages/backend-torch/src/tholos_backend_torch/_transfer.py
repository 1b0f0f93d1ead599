"""Batches to the device: the optional ``trainer.to_device`` hook of the torch backend.

Core's epoch iterator calls :func:`to_device` once per batch (``fit``, ``evaluate``,
``predict``, ``*_on_batch``), so the step itself never converts or moves data. NumPy leaves
become CPU tensors without a copy (``torch.from_numpy``); tensors already on the target device
are left alone. When the target is a CUDA device, host tensors are pinned first (unless the
``DataLoader`` already pinned them, ``pin_memory=True``) and copied with
``non_blocking=True``, so the copy overlaps with the work already queued on the GPU.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from tholos import tree
from tholos_backend_torch import _convert
from tholos_backend_torch import devices as _devices

_CPU = torch.device("cpu")


def _is_pinned(t: torch.Tensor) -> bool:
    return t.is_pinned()


def _pin(t: torch.Tensor) -> torch.Tensor:
    return t.pin_memory()


def _transfer(t: torch.Tensor, device: torch.device, non_blocking: bool) -> torch.Tensor:
    return t.to(device, non_blocking=non_blocking)


def _move(leaf: Any, device: torch.device) -> Any:
    if isinstance(leaf, torch.Tensor):
        t = leaf
    elif isinstance(leaf, (np.ndarray, np.generic)) and leaf.dtype.kind in "biufc":
        t = _convert.to_tensor(leaf, None, _CPU)  # a view of the NumPy buffer
    else:
        return leaf
    if t.device == device:
        return t
    if device.type == "cuda" and t.device.type == "cpu":
        if not _is_pinned(t):
            t = _pin(t)
        return _transfer(t, device, True)
    return _transfer(t, device, False)


def to_device(batch: Any) -> Any:
    """``batch`` with every array leaf a torch tensor on the current device (see above)."""
    device = _devices.CURRENT
    return tree.map_structure(lambda leaf: _move(leaf, device), batch)


__all__ = ["to_device"]
