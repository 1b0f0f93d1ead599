"""tholos layers and torch modules, both ways.

- :class:`TorchModuleWrapper`: any ``torch.nn.Module`` as a tholos layer. Its parameters
  become tholos Variables holding the *same* ``torch.nn.Parameter`` objects (no copy), so
  tholos optimizers train the module and ``module.parameters()`` sees every update.
- :func:`as_torch_module`: a ``torch.nn.Module`` view of a tholos layer or model, usable in
  native PyTorch code (``parameters()``, ``state_dict()``, ``.to(device)``, ``torch.optim``,
  ``loss.backward()``). Its parameters are the Variables' Parameters themselves.
- :class:`TorchModuleMixin` (in ``_layer_module.py``): the backend's ``layer_mixin``, which
  makes every tholos layer created on this backend an ``nn.Module`` itself; ``as_torch_module``
  then returns the layer unchanged.
"""

from __future__ import annotations

from typing import Any

import torch

from tholos.layers.layer import Layer
from tholos_backend_torch._layer_module import TorchModuleMixin
from tholos_backend_torch._layer_module import adopt as _adopt


def _safe(path: str) -> str:
    return path.replace("/", ".").replace(".", "__")


class TorchModuleWrapper(Layer):
    """Use a ``torch.nn.Module`` as a tholos layer (torch backend only).

    >>> import torch, tholos  # doctest: +SKIP
    >>> layer = TorchModuleWrapper(torch.nn.Linear(4, 2))  # doctest: +SKIP
    >>> tholos.Sequential([tholos.Input((4,)), layer])  # doctest: +SKIP
    """

    def __init__(self, module: torch.nn.Module, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        if not isinstance(module, torch.nn.Module):
            from tholos.errors import OpInputError

            raise OpInputError(
                "TorchModuleWrapper wraps a torch.nn.Module.",
                expected="a torch.nn.Module instance",
                received=type(module).__name__,
            )
        object.__setattr__(self, "module", module)
        self._track_module()

    def _track_module(self) -> None:
        from tholos import Variable
        from tholos.backend import name_scope

        names = []
        with name_scope(self.name):
            for pname, param in self.module.named_parameters():
                v = Variable(
                    param.detach(), trainable=param.requires_grad, name=pname.replace(".", "_")
                )
                _adopt(v, param)
                (
                    self._trainable_variables
                    if param.requires_grad
                    else self._non_trainable_variables
                ).append(v)
                names.append((pname, v))
            for bname, buf in self.module.named_buffers():
                v = Variable(buf, trainable=False, name=bname.replace(".", "_"))
                _adopt(v, buf)
                self._non_trainable_variables.append(v)
                names.append((bname, v))
        object.__setattr__(self, "_module_names", names)
        object.__setattr__(self, "built", True)

    def build(self, input_shape: Any = None) -> None:
        object.__setattr__(self, "built", True)

    def call(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.pop("training", None)
        from tholos.backend import get_stateless_scope, in_stateless_scope

        if in_stateless_scope():
            scope = get_stateless_scope()
            mapped = {}
            for name, v in self._module_names:
                value = scope.get_current_value(v)
                if value is not None and value is not v._value:
                    mapped[name] = value
            if mapped:
                return torch.func.functional_call(self.module, mapped, args, kwargs)
        return self.module(*args, **kwargs)

    # as an nn.Module (layer_mixin): the wrapped module is the one child, under "module"
    def _tholos_members(self) -> tuple[list, list, list]:
        return [], [], [("module", self.module)]

    def _tholos_adopt(self) -> None:
        tensors = dict(self.module.named_parameters())
        tensors.update(self.module.named_buffers())
        for name, variable in self._module_names:
            tensor = tensors.get(name)
            if tensor is not None:
                _adopt(variable, tensor)

    def get_config(self) -> dict[str, Any]:
        from tholos.errors import TholosError

        raise TholosError(
            "TorchModuleWrapper cannot be serialised to a config (it holds a torch module).",
            expected="a layer built from tholos layers",
            received="TorchModuleWrapper",
            hint="Save the weights (save_weights) and rebuild the module in code.",
        )


class _LayerModule(torch.nn.Module):
    """The ``nn.Module`` view :func:`as_torch_module` returns."""

    def __init__(self, layer: Any) -> None:
        super().__init__()
        object.__setattr__(self, "layer", layer)  # not a submodule: no recursion into it
        self._variables = []
        self.sync()

    def sync(self) -> None:
        """Register the layer's current variables (call again after building more)."""
        self._parameters.clear()
        self._buffers.clear()
        self._variables = list(self.layer.variables)
        for v in self._variables:
            key = _safe(v.path)
            while key in self._parameters or key in self._buffers:
                key += "_"
            if isinstance(v._value, torch.nn.Parameter):
                self._parameters[key] = v._value
            else:
                self._buffers[key] = v._value

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self.layer(*args, **kwargs)

    def _apply(self, fn, recurse=True):
        out = super()._apply(fn, recurse)
        by_key = {**self._parameters, **self._buffers}
        keys = list(self._parameters) + list(self._buffers)
        values = [by_key[k] for k in keys]
        # nn.Module may swap in new tensor objects (buffers, dtype changes): write them back.
        for v, tensor in zip(self._variables, values):
            if v._value is not tensor:
                _adopt(v, tensor)
        return out

    def train(self, mode: bool = True):
        super().train(mode)
        return self


def as_torch_module(layer: Any) -> torch.nn.Module:
    """A ``torch.nn.Module`` whose parameters are ``layer``'s Variables.

    Layers created on the torch backend already are modules: they are returned as they are.
    Others (built layers only) get a view: ``module(x)`` calls the layer;
    ``module.parameters()`` are the trainable Variables' Parameters (shared, so ``torch.optim``
    steps update the tholos model); ``module.to(device)`` moves the Variables.
    """
    if isinstance(layer, torch.nn.Module):
        return layer
    return _LayerModule(layer)


__all__ = ["TorchModuleMixin", "TorchModuleWrapper", "as_torch_module"]
