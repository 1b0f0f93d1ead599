"""Every tholos layer is a ``tf.Module`` on this backend: the ``layer_mixin``.

Core's ``Layer.__new__`` builds, once per layer class, ``class Dense(Dense, TFModuleMixin)``
(named like the original) when the active backend sets ``layer_mixin``. The mixin comes after
every tholos class in the MRO, so tholos' ``__call__``, ``__setattr__``, ``variables``... win
and a layer call costs nothing more. What it adds:

- ``isinstance(layer, tf.Module)`` (hence ``AutoTrackable``): ``tf.train.Checkpoint(model=m)``
  and ``tf.saved_model.save(m, path)`` accept any tholos layer or model.
- TensorFlow's object graph is computed from tholos' own tracking whenever TF asks
  (``_trackable_children``), so it always reflects the layer as it is now: the layer's
  weights under their names (``kernel``, ``bias``; the ``tf.Variable`` each tholos Variable
  owns), its seed generators' states, its metrics' variables, its sub-layers under the
  attribute holding them (``self.encoder = ...`` -> ``encoder``) or else ``layer_<i>`` (their
  index in ``layer.layers``), a compiled model's optimizer under ``optimizer``, and, for
  SavedModels, the ``tf.function`` s stored on the layer or defined on its class.
- ``name_scope`` is ``tf.name_scope(<layer name>)``; ``name`` stays tholos'.

Limits: restoring a checkpoint needs the variables to exist (build the model, and for the
optimizer's slots build it or train one step, before ``restore``); values for variables
created later are not applied then (no deferred restoration). ``tf.Module.submodules``
and ``_flatten`` walk the layer's ``__dict__`` like for any ``tf.Module``.
"""

from __future__ import annotations

import inspect
from typing import Any

import tensorflow as tf
from tensorflow.python.trackable import base as trackable_base

_FUNCTION_TYPES = (
    tf.types.experimental.PolymorphicFunction,
    tf.types.experimental.ConcreteFunction,
)


def _key(name: Any, taken: set[str]) -> str:
    key = str(name or "var").replace("/", "_") or "var"
    if key in taken:
        i = 1
        while f"{key}_{i}" in taken:
            i += 1
        key = f"{key}_{i}"
    taken.add(key)
    return key


def _ordered_layers(layer: Any) -> list[Any]:
    """Sub-layers in index order: a model's ``layers`` first, then other tracked ones."""
    tracked = list(layer.__dict__.get("_layers", ()))
    if not isinstance(getattr(type(layer), "layers", None), property):
        return tracked
    try:
        public = list(layer.layers)
    except Exception:  # a model whose layers are not known yet
        return tracked
    ids = {id(sub) for sub in public}
    return public + [sub for sub in tracked if id(sub) not in ids]


def _tf_variable(variable: Any) -> Any:
    """The ``tf.Variable`` behind a tholos Variable (``None`` for another backend's)."""
    return getattr(variable, "_tholos_tf_variable", None)


class _OptimizerTrackable(tf.__internal__.tracking.AutoTrackable):
    """The object-graph node of a tholos optimizer: its variables, by name."""

    def __init__(self, optimizer: Any):
        self._setattr_tracking = False
        self._tholos_optimizer = optimizer

    def _trackable_children(self, save_type=trackable_base.SaveType.CHECKPOINT, **kwargs):
        taken: set[str] = set()
        out = {}
        for variable in getattr(self._tholos_optimizer, "variables", ()):
            tf_var = _tf_variable(variable)
            if tf_var is not None:
                out[_key(getattr(variable, "path", None) or variable.name, taken)] = tf_var
        return out

    def _lookup_dependency(self, name, cached_dependencies=None):
        found = (cached_dependencies or {}).get(name)
        return found if found is not None else self._trackable_children().get(name)


def _optimizer_node(optimizer: Any) -> _OptimizerTrackable:
    node = optimizer.__dict__.get("_tholos_tf_trackable")
    if node is None:
        node = _OptimizerTrackable(optimizer)
        object.__setattr__(optimizer, "_tholos_tf_trackable", node)
    return node


class TFModuleMixin(tf.Module):
    """The TensorFlow backend's ``layer_mixin`` (see the module docstring)."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        obj = super().__new__(cls)
        # tf.Module.__init__ never runs (tholos __init__ chains do not reach it): set up the
        # trackable state it would, before Layer.__new__ turns attribute tracking on.
        obj._maybe_initialize_trackable()
        return obj

    # tf.Module's ``name`` is a read-only property; tholos layers set and read their own.
    @property
    def name(self) -> str:
        try:
            return self.__dict__["name"]
        except KeyError:
            raise AttributeError("name") from None

    @name.setter
    def name(self, value: str) -> None:
        self.__dict__["name"] = value

    @property
    def name_scope(self) -> Any:
        return tf.name_scope(str(self.__dict__.get("name") or type(self).__name__))

    # -- TensorFlow's object graph, from tholos' tracking -------------------------------------
    def _tholos_children(self) -> dict[str, Any]:
        d = self.__dict__
        taken: set[str] = set()
        children: dict[str, Any] = {}
        seen: set[int] = set()
        own = (*d.get("_trainable_variables", ()), *d.get("_non_trainable_variables", ()))
        for variable in own:
            tf_var = _tf_variable(variable)
            if tf_var is None or id(variable) in seen:
                continue
            seen.add(id(variable))
            children[_key(variable.name, taken)] = tf_var
        for generator in d.get("_seed_generators", ()):
            tf_var = _tf_variable(getattr(generator, "state", None))
            if tf_var is not None:
                children[_key(generator.name or "seed_generator", taken)] = tf_var
        for metric in d.get("_metrics", ()):
            for variable in getattr(metric, "variables", ()):
                tf_var = _tf_variable(variable)
                if tf_var is not None:
                    children[_key(f"{metric.name}_{variable.name}", taken)] = tf_var
        attributes = {
            id(value): name
            for name, value in d.items()
            if not name.startswith("_") and isinstance(value, tf.Module)
        }
        for index, layer in enumerate(_ordered_layers(self)):
            if isinstance(layer, tf.Module) and layer is not self:
                children[_key(attributes.get(id(layer), f"layer_{index}"), taken)] = layer
        optimizer = d.get("optimizer")
        if optimizer is not None and d.get("compiled"):
            children[_key("optimizer", taken)] = _optimizer_node(optimizer)
        return children

    def _tholos_functions(self) -> dict[str, Any]:
        """``tf.function`` s stored on the instance or defined on its class (SavedModel)."""
        found = {
            name: value
            for name, value in self.__dict__.items()
            if isinstance(value, _FUNCTION_TYPES)
        }
        for name in dir(type(self)):
            if name in found or name.startswith("__"):
                continue
            try:
                raw = inspect.getattr_static(type(self), name)
            except AttributeError:
                continue
            if isinstance(raw, tf.types.experimental.PolymorphicFunction):
                found[name] = getattr(self, name)  # bound to this layer
        return found

    def _trackable_children(self, save_type=trackable_base.SaveType.CHECKPOINT, **kwargs):
        children = dict(trackable_base.Trackable._trackable_children(self, save_type, **kwargs))
        children.update(self._tholos_children())
        if save_type == trackable_base.SaveType.SAVEDMODEL:
            functions = self._tholos_functions()
            for fn in functions.values():
                if isinstance(fn, tf.types.experimental.PolymorphicFunction):
                    # trace input_signature functions now (AutoTrackable does the same)
                    fn._list_all_concrete_functions_for_serialization()
            children.update(functions)
        return children

    def _lookup_dependency(self, name, cached_dependencies=None):
        found = (cached_dependencies or {}).get(name)
        if found is None:
            found = self._self_unconditional_dependency_names.get(name)
        if found is None:
            found = self._tholos_children().get(name)
        return found

    # -- Python protocol ----------------------------------------------------------------------
    def __reduce_ex__(self, protocol: Any) -> Any:
        # pickle/deepcopy name the user-facing class; its __new__ mixes the backend in again
        reduced = object.__reduce_ex__(self, protocol)
        original = type(self).__dict__.get("_tholos_original_class")
        if original is None or not isinstance(reduced, tuple) or len(reduced) < 2:
            return reduced
        args = reduced[1]
        if args and args[0] is type(self):
            return (_new_layer, (original, *args[1:]), *reduced[2:])
        return reduced


def _new_layer(cls: type, *args: Any) -> Any:
    """Unpickling: a fresh instance of the user-facing ``cls`` (mixed again by its __new__)."""
    return cls.__new__(cls, *args)


__all__ = ["TFModuleMixin"]
