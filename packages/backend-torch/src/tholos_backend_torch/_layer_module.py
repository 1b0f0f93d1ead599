"""Every tholos layer is a ``torch.nn.Module`` on this backend: the ``layer_mixin``.

Core's ``Layer.__new__`` builds, once per layer class, ``class Dense(Dense, TorchModuleMixin)``
(named like the original) when the active backend sets ``layer_mixin``. The mixin comes after
every tholos class in the MRO, so tholos' ``__call__``, ``__setattr__``, ``__repr__``,
``compile``... win, and the layer's eager call costs nothing more. What the mixin adds:

- ``__new__`` runs ``nn.Module.__init__`` on the fresh instance (tholos ``__init__`` chains
  never reach it), so every layer has torch's per-module state (``training``, hook dicts...).
- torch's registries (``_parameters``, ``_buffers``, ``_modules``) are filled from tholos'
  tracking whenever torch reads them (``parameters()``, ``state_dict()``, ``children()``,
  ``.to()``...): a layer's own weights under their names (``kernel``, ``bias``; Parameters
  for trainable float weights, persistent buffers for the others), its seed-generator and
  metric states as non-persistent buffers, and its sub-layers under the attribute that holds
  them (``self.encoder = ...`` -> ``encoder``) or else their index in ``layer.layers``
  (``0``, ``1``... as in ``nn.Sequential``). The tensors are the Variables' own, so
  ``torch.optim`` steps, ``load_state_dict`` and ``loss.backward()`` act on the model.
- ``_apply`` (``.to()``, ``.cuda()``, ``.double()``...) writes the tensors torch made back into
  the Variables.
- ``forward`` is ``call``; ``train()``/``eval()`` only set torch's ``training`` flag: tholos'
  ``training`` argument (dropout, batch norm) stays what the call passes, as in Keras.

Not supported on these modules: torch forward hooks (tholos' ``__call__`` runs, not
``nn.Module.__call__``), ``load_state_dict(assign=True)`` and attribute access to
parameters by their state-dict key (``layer.kernel`` is whatever tholos stores there).
"""

from __future__ import annotations

from typing import Any

import torch

from tholos_backend_torch._convert import NAMES

_MANAGED = "_tholos_torch_entries"
_TORCH_INSTANCE_STATE = frozenset(vars(torch.nn.Module()))
_HIDDEN = _TORCH_INSTANCE_STATE | {_MANAGED}


def _key(name: Any, taken: set[str]) -> str:
    key = str(name or "var").replace("/", "_").replace(".", "_") or "var"
    if key in taken:
        i = 1
        while f"{key}_{i}" in taken:
            i += 1
        key = f"{key}_{i}"
    taken.add(key)
    return key


def _state_variables(layer: Any) -> list[Any]:
    """Seed-generator and metric variables of ``layer`` itself (not its sub-layers')."""
    out = []
    for gen in layer.__dict__.get("_seed_generators", ()):
        out.append(gen.state)
    for metric in layer.__dict__.get("_metrics", ()):
        out.extend(metric.variables)
    return out


def _ordered_layers(layer: Any) -> list[Any]:
    """Sub-layers in index order: a model's ``layers`` first (so a Sequential's Dense layers
    are ``0``, ``1``... as in ``nn.Sequential``), then any other tracked sub-layer."""
    tracked = list(layer._layers)
    if not isinstance(getattr(type(layer), "layers", None), property):
        return tracked
    try:
        public = list(layer.layers)
    except Exception:  # a model whose layers are not known yet
        return tracked
    ids = {id(sub) for sub in public}
    return public + [sub for sub in tracked if id(sub) not in ids]


class TorchModuleMixin(torch.nn.Module):
    """The torch backend's ``layer_mixin`` (see the module docstring)."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        obj = super().__new__(cls)
        torch.nn.Module.__init__(obj)
        return obj

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self.call(*args, **kwargs)

    # -- torch's registries, filled from tholos' tracking ---------------------------------
    def _tholos_members(self) -> tuple[list, list, list]:
        """``(variables, state_variables, (attribute-or-index, module) pairs)``: what this
        layer registers itself (its sub-layers register theirs)."""
        seen: set[int] = set()
        own = []
        for v in (*self._trainable_variables, *self._non_trainable_variables):
            if id(v) not in seen:
                seen.add(id(v))
                own.append(v)
        state = [v for v in _state_variables(self) if id(v) not in seen]
        attrs = {
            id(value): name
            for name, value in self.__dict__.items()
            if not name.startswith("_") and isinstance(value, torch.nn.Module)
        }
        modules = [
            (attrs.get(id(layer), str(i)), layer)
            for i, layer in enumerate(_ordered_layers(self))
            if isinstance(layer, torch.nn.Module)
        ]
        return own, state, modules

    def _tholos_sync(self) -> None:
        """Refill this module's ``_parameters``/``_buffers``/``_modules`` (entries registered
        with torch's own ``register_*`` calls are kept)."""
        d = self.__dict__
        params, buffers, modules = d["_parameters"], d["_buffers"], d["_modules"]
        transient = d["_non_persistent_buffers_set"]
        previous = d.get(_MANAGED)
        if previous is not None:
            for key, _ in previous[0]:
                params.pop(key, None)
            for key, _ in previous[1]:
                buffers.pop(key, None)
                transient.discard(key)
            for key in previous[2]:
                modules.pop(key, None)
        own, state, children = self._tholos_members()
        taken = set(params) | set(buffers) | set(modules)
        param_entries, buffer_entries, module_keys = [], [], []
        for v in own:
            value = getattr(v, "_value", None)
            if not isinstance(value, torch.Tensor):
                continue
            key = _key(v.name, taken)
            if isinstance(value, torch.nn.Parameter):
                params[key] = value
                param_entries.append((key, v))
            else:
                buffers[key] = value
                buffer_entries.append((key, v))
        for v in state:
            value = getattr(v, "_value", None)
            if not isinstance(value, torch.Tensor):
                continue
            key = _key(v.name, taken)
            buffers[key] = value
            transient.add(key)
            buffer_entries.append((key, v))
        for name, module in children:
            key = _key(name, taken)
            modules[key] = module
            module_keys.append(key)
        object.__setattr__(self, _MANAGED, (param_entries, buffer_entries, module_keys))

    def _tholos_adopt(self) -> None:
        """After ``_apply``: the Variables hold the tensors torch put in the registries."""
        d = self.__dict__
        managed = d.get(_MANAGED)
        if managed is None:
            return
        for store, entries in ((d["_parameters"], managed[0]), (d["_buffers"], managed[1])):
            for key, variable in entries:
                tensor = store.get(key)
                if isinstance(tensor, torch.Tensor):
                    adopt(variable, tensor)

    # -- the nn.Module entry points that read the registries --------------------------------
    def named_modules(self, memo=None, prefix: str = "", remove_duplicate: bool = True):
        self._tholos_sync()
        return torch.nn.Module.named_modules(self, memo, prefix, remove_duplicate)

    def named_children(self):
        self._tholos_sync()
        return torch.nn.Module.named_children(self)

    def _named_members(self, get_members_fn, prefix="", recurse=True, remove_duplicate=True):
        self._tholos_sync()
        return torch.nn.Module._named_members(
            self, get_members_fn, prefix, recurse, remove_duplicate
        )

    def state_dict(self, *args: Any, **kwargs: Any):
        self._tholos_sync()
        return torch.nn.Module.state_dict(self, *args, **kwargs)

    def _load_from_state_dict(self, *args: Any, **kwargs: Any) -> None:
        self._tholos_sync()
        torch.nn.Module._load_from_state_dict(self, *args, **kwargs)

    def _apply(self, fn, recurse: bool = True):
        self._tholos_sync()
        result = torch.nn.Module._apply(self, fn, recurse)
        self._tholos_adopt()
        return result

    # registry look-ups torch does with getattr (answered from the registries here)
    def get_submodule(self, target: str) -> torch.nn.Module:
        module: Any = self
        for item in target.split(".") if target else ():
            if isinstance(module, TorchModuleMixin):
                module._tholos_sync()
            children = module.__dict__.get("_modules", {})
            if item not in children:
                raise AttributeError(f"{type(module).__name__} has no attribute `{item}`")
            module = children[item]
        return module

    def _tholos_member(self, target: str, registry: str) -> torch.Tensor:
        path, _, name = target.rpartition(".")
        module = self.get_submodule(path)
        if isinstance(module, TorchModuleMixin):
            module._tholos_sync()
        found = module.__dict__.get(registry, {}).get(name)
        if found is None:
            raise AttributeError(f"{type(module).__name__} has no {registry[1:-1]} `{name}`")
        return found

    def get_parameter(self, target: str) -> torch.nn.Parameter:
        return self._tholos_member(target, "_parameters")

    def get_buffer(self, target: str) -> torch.Tensor:
        return self._tholos_member(target, "_buffers")

    # -- Python protocol -----------------------------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        # torch's version would answer registry keys with raw tensors; tholos layers keep
        # plain attribute semantics.
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __dir__(self):
        return sorted(n for n in object.__dir__(self) if n not in _HIDDEN)

    def __reduce_ex__(self, protocol: Any) -> Any:
        # pickle/deepcopy name the user-facing class; its __new__ mixes the backend in again
        reduced = object.__reduce_ex__(self, protocol)
        cls = type(self)
        original = cls.__dict__.get("_tholos_original_class")
        if original is None or not isinstance(reduced, tuple) or len(reduced) < 2:
            return reduced
        args = reduced[1]
        if args and args[0] is cls:
            return (_new_layer, (original, *args[1:]), *reduced[2:])
        return reduced


def _new_layer(cls: type, *args: Any) -> Any:
    """Unpickling: a fresh instance of the user-facing ``cls`` (mixed again by its __new__)."""
    return cls.__new__(cls, *args)


def adopt(variable: Any, tensor: torch.Tensor) -> None:
    """Make ``variable`` hold ``tensor`` itself (a module's Parameter or buffer)."""
    object.__setattr__(variable, "_value", tensor)
    name = NAMES.get(tensor.dtype)
    if name is not None:
        object.__setattr__(variable, "_dtype", name)


__all__ = ["TorchModuleMixin", "adopt"]
