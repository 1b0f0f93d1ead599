"""torch Variables: the value is a ``torch.nn.Parameter`` (trainable float variables) or a
plain tensor (everything else, the equivalent of a module buffer).

Assignment copies into that tensor in place under ``no_grad``, so the object identity never
changes: a ``torch.optim`` optimizer, a ``state_dict`` or a module holding the Parameter keeps
seeing the current value. Toggling ``trainable`` flips ``requires_grad``.
"""

from __future__ import annotations

import numpy as np
import torch

from tholos.backend._variables import Variable as _BaseVariable
from tholos_backend_torch import _convert
from tholos_backend_torch import devices as _devices


class Variable(_BaseVariable):
    def _convert_to_tensor(self, value, dtype=None):
        if isinstance(value, _BaseVariable):
            value = value.value
        dt = None if dtype is None else _convert.tdtype(dtype)
        if isinstance(value, torch.Tensor):
            return _convert.cast(value, dt) if dt is not None else value
        if isinstance(value, np.ndarray):
            value = np.array(value, copy=True)  # never alias the caller's buffer
        return _convert.to_tensor(value, dt, _devices.CURRENT)

    def _initialize(self, value):
        value = value.detach()
        if value.device != _devices.CURRENT:
            value = value.to(_devices.CURRENT)
        value = value.clone()
        grad = self._trainable and (value.is_floating_point() or value.is_complex())
        if grad:
            self._value = torch.nn.Parameter(value, requires_grad=True)
        else:
            self._value = value

    def _direct_assign(self, value):
        current = self._value
        if isinstance(value, torch.Tensor) and value is not current:
            with torch.no_grad():
                if current.dtype in _convert.LIMITED or value.dtype in _convert.LIMITED:
                    current.copy_(_convert.cast(value.detach(), current.dtype))
                else:
                    current.copy_(value.detach())

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        current = getattr(self, "_value", None)
        if current is None:
            return
        wants = self._trainable and (current.is_floating_point() or current.is_complex())
        if wants and not isinstance(current, torch.nn.Parameter):
            self._value = torch.nn.Parameter(current.detach(), requires_grad=True)
        elif isinstance(current, torch.nn.Parameter):
            current.requires_grad_(wants)

    # torch interop --------------------------------------------------------------------------
    def __torch_function__(self, func, types, args=(), kwargs=None):
        """Let torch functions accept tholos Variables (``torch.sum(variable)``)."""

        def unwrap(x):
            return x.value if isinstance(x, _BaseVariable) else x

        args = [
            unwrap(a) if not isinstance(a, (list, tuple)) else type(a)(unwrap(b) for b in a)
            for a in args
        ]
        kwargs = {k: unwrap(v) for k, v in (kwargs or {}).items()}
        return func(*args, **kwargs)

    @property
    def device(self) -> torch.device:
        return self._value.device

    def __dlpack__(self, *args, **kwargs):
        return self._value.detach().__dlpack__(*args, **kwargs)

    def __dlpack_device__(self):
        return self._value.__dlpack_device__()
