"""The config registry: turn objects into plain configs and back, safely.

Deserialization only ever instantiates classes (or returns functions) that were registered:
tholos' own built-ins (registered with :func:`register_builtin`), classes registered with
:func:`register_serializable`, and objects passed explicitly through ``custom_objects`` or a
:class:`custom_object_scope`. A config never makes tholos import a module.

>>> @register_serializable(package="Demo")
... class Scale:
...     def __init__(self, factor=1.0):
...         self.factor = factor
...     def get_config(self):
...         return {"factor": self.factor}
...     @classmethod
...     def from_config(cls, config):
...         return cls(**config)
>>> cfg = serialize_object(Scale(3.0))
>>> cfg["registered_name"], cfg["config"]
('Demo>Scale', {'factor': 3.0})
>>> deserialize_object(cfg).factor
3.0
"""

from __future__ import annotations

import inspect
import threading
import types
from collections.abc import Callable
from typing import Any

import numpy as np

from tholos.errors import ConfigError

# module name ("tholos.layers") -> {public name -> class or function}
_BUILTINS: dict[str, dict[str, Any]] = {}
# "Package>Name" -> class or function
_CUSTOM_OBJECTS: dict[str, Any] = {}
# id(obj) -> "Package>Name"
_CUSTOM_NAMES: dict[int, str] = {}

_scope_state = threading.local()


def register_builtin(module: str, name: str | None = None) -> Callable[[Any], Any]:
    """Decorator for tholos' own serializable classes and functions.

    ``module`` is the public namespace the object lives in (``"tholos.layers"``); ``name``
    defaults to the object's ``__name__``. Internal to tholos: user code should call
    :func:`register_serializable`.
    """

    def decorator(obj: Any) -> Any:
        key = name or obj.__name__
        _BUILTINS.setdefault(module, {})[key] = obj
        if inspect.isclass(obj) and "_tholos_module" not in obj.__dict__:
            obj._tholos_module = module
        return obj

    return decorator


def register_builtin_alias(module: str, name: str, obj: Any) -> None:
    """Register ``obj`` under an extra name (``"glorot_uniform"`` for ``GlorotUniform``)."""
    _BUILTINS.setdefault(module, {})[name] = obj


def builtin_objects(module: str) -> dict[str, Any]:
    """The built-ins registered under ``module`` (a copy)."""
    return dict(_BUILTINS.get(module, {}))


def register_serializable(package: str = "Custom", name: str | None = None) -> Callable[[Any], Any]:
    """Register a user class or function so configs can refer to it as ``"package>name"``.

    >>> @register_serializable(package="MyLayers")
    ... def my_activation(x):
    ...     return x
    >>> get_registered_name(my_activation)
    'MyLayers>my_activation'
    """
    if not isinstance(package, str) or ">" in package:
        raise ConfigError(
            "register_serializable: invalid package name.",
            expected="a string without '>'",
            received=repr(package),
        )

    def decorator(obj: Any) -> Any:
        obj_name = name if name is not None else getattr(obj, "__name__", None)
        if not obj_name:
            raise ConfigError(
                "register_serializable: cannot infer a name for this object.",
                received=repr(obj),
                hint="Pass name=...",
            )
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise ConfigError(
                f"register_serializable: class {obj.__name__} cannot be serialized.",
                expected="a class with a get_config() method",
                received=obj.__name__,
                hint="Implement get_config() (and from_config() if __init__ does not take the "
                "config's keys as arguments).",
            )
        registered = f"{package}>{obj_name}"
        _CUSTOM_OBJECTS[registered] = obj
        _CUSTOM_NAMES[id(obj)] = registered
        return obj

    return decorator


# Keras spelling.
register_keras_serializable = register_serializable


def get_registered_name(obj: Any) -> str:
    """The name ``obj`` is registered under (its ``__name__`` when not registered)."""
    registered = _CUSTOM_NAMES.get(id(obj))
    if registered is not None:
        return registered
    return getattr(obj, "__name__", type(obj).__name__)


def get_custom_objects() -> dict[str, Any]:
    """The global registry of user objects, ``{"Package>Name": obj}`` (mutable)."""
    return _CUSTOM_OBJECTS


def _scopes() -> list[dict[str, Any]]:
    stack = getattr(_scope_state, "stack", None)
    if stack is None:
        stack = _scope_state.stack = []
    return stack


class custom_object_scope:  # noqa: N801 - Keras' name
    """Context manager making extra objects visible to deserialization.

    >>> def twice(x):
    ...     return 2 * x
    >>> with custom_object_scope({"twice": twice}):
    ...     get_registered_object("twice") is twice
    True
    """

    def __init__(self, *custom_objects: dict[str, Any]) -> None:
        merged: dict[str, Any] = {}
        for objs in custom_objects:
            if objs:
                merged.update(objs)
        self.custom_objects = merged

    def __enter__(self) -> custom_object_scope:
        _scopes().append(self.custom_objects)
        return self

    def __exit__(self, *exc: Any) -> None:
        _scopes().pop()


CustomObjectScope = custom_object_scope


def get_registered_object(
    name: str,
    custom_objects: dict[str, Any] | None = None,
    module_objects: dict[str, Any] | None = None,
) -> Any:
    """Find ``name`` in ``custom_objects``, open scopes, the user registry, then
    ``module_objects``; ``None`` when absent."""
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    for scope in reversed(_scopes()):
        if name in scope:
            return scope[name]
    if name in _CUSTOM_OBJECTS:
        return _CUSTOM_OBJECTS[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


def _lookup(
    class_name: str,
    registered_name: str | None,
    module: str | None,
    custom_objects: dict[str, Any] | None,
) -> Any:
    for candidate in (registered_name, class_name):
        if candidate:
            found = get_registered_object(candidate, custom_objects)
            if found is not None:
                return found
    if module and class_name in _BUILTINS.get(module, {}):
        return _BUILTINS[module][class_name]
    if module and module in _BUILTINS:
        # module known but name missing: do not fall through to another module's object
        return None
    for objs in _BUILTINS.values():
        if class_name in objs:
            return objs[class_name]
    return None


# ---------------------------------------------------------------------------- serialize


def _module_of(obj: Any) -> str:
    cls = obj if inspect.isclass(obj) else type(obj)
    return cls.__dict__.get("_tholos_module") or cls.__module__


def _builtin_name_of_function(fn: Any) -> tuple[str, str] | None:
    for module, objs in _BUILTINS.items():
        for key, value in objs.items():
            if value is fn:
                return module, key
    return None


def serialize_object(obj: Any) -> Any:
    """A JSON-friendly config for ``obj`` (objects with ``get_config``, registered functions,
    primitives, lists, tuples, dicts, NumPy arrays and dtypes)."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return {
            "class_name": "__numpy__",
            "config": {"value": obj.tolist(), "dtype": str(obj.dtype)},
        }
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("latin-1")}}
    if isinstance(obj, tuple) and not hasattr(obj, "_fields"):
        return {"class_name": "__tuple__", "config": {"value": [serialize_object(v) for v in obj]}}
    if isinstance(obj, list):
        return [serialize_object(v) for v in obj]
    if isinstance(obj, dict):
        return {k: serialize_object(v) for k, v in obj.items()}
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)) or (
        callable(obj) and not hasattr(obj, "get_config") and not inspect.isclass(obj)
    ):
        return _serialize_function(obj)
    if inspect.isclass(obj):
        raise ConfigError(
            "serialize_object: got a class, not an instance.",
            expected="an instance with get_config()",
            received=obj.__name__,
        )
    if not hasattr(obj, "get_config"):
        raise ConfigError(
            f"serialize_object: cannot serialize an object of type {type(obj).__name__}.",
            expected="an object with get_config(), a registered function, or plain data",
            received=repr(obj)[:200],
            hint="Implement get_config() and register the class with "
            "tholos.saving.register_serializable().",
        )
    config = obj.get_config()
    cls = type(obj)
    # a layer made under a backend's layer_mixin is registered as its original class
    cls = cls.__dict__.get("_tholos_original_class", cls)
    registered = _CUSTOM_NAMES.get(id(cls))
    result = {
        "module": _module_of(obj),
        "class_name": type(obj).__name__,
        "config": serialize_object(config),
        "registered_name": registered or type(obj).__name__,
    }
    get_build_config = getattr(obj, "get_build_config", None)
    if get_build_config is not None:
        build_config = get_build_config()
        if build_config:
            result["build_config"] = serialize_object(build_config)
    return result


def _serialize_function(fn: Any) -> dict[str, Any]:
    registered = _CUSTOM_NAMES.get(id(fn))
    if registered is not None:
        return {
            "module": getattr(fn, "__module__", None),
            "class_name": "function",
            "config": registered,
            "registered_name": registered,
        }
    builtin = _builtin_name_of_function(fn)
    if builtin is not None:
        module, name = builtin
        return {"module": module, "class_name": "function", "config": name, "registered_name": name}
    name = getattr(fn, "__name__", repr(fn))
    raise ConfigError(
        f"serialize_object: function {name!r} is not registered, so it cannot be serialized.",
        expected="a tholos built-in or a function registered with register_serializable()",
        received=name,
        hint="Decorate it with @tholos.saving.register_serializable() (lambdas cannot be "
        "serialized: use a named, registered function).",
    )


# -------------------------------------------------------------------------- deserialize

_MARKERS = ("__tuple__", "__numpy__", "__bytes__")


def decode_plain(value: Any) -> Any:
    """Undo the tuple / NumPy / bytes markers of :func:`serialize_object` inside a config,
    leaving object configs as dicts."""
    if isinstance(value, list):
        return [decode_plain(v) for v in value]
    if isinstance(value, dict):
        marker = value.get("class_name")
        if marker in _MARKERS and isinstance(value.get("config"), dict):
            inner = value["config"]
            if marker == "__tuple__":
                return tuple(decode_plain(v) for v in inner["value"])
            if marker == "__numpy__":
                return np.asarray(inner["value"], dtype=inner.get("dtype"))
            return inner["value"].encode("latin-1")
        return {k: decode_plain(v) for k, v in value.items()}
    return value


def deserialize_object(
    config: Any,
    custom_objects: dict[str, Any] | None = None,
    safe_mode: bool = True,
    module: str | None = None,
    **kwargs: Any,
) -> Any:
    """Rebuild an object from a :func:`serialize_object` config (or a legacy
    ``{"class_name": ..., "config": ...}`` dict).

    ``module`` hints which built-in namespace a bare ``class_name`` refers to (the
    initializer ``Identity`` versus the layer ``Identity``).
    """
    del safe_mode, kwargs  # nothing unsafe is ever deserialized
    if config is None or isinstance(config, (bool, int, float)):
        return config
    if isinstance(config, (list, tuple)):
        return [deserialize_object(v, custom_objects, module=module) for v in config]
    if isinstance(config, str):
        obj = _lookup(config, None, module, custom_objects)
        if obj is None:
            raise _unknown(config, module)
        return obj
    if not isinstance(config, dict):
        raise ConfigError(
            "deserialize_object: cannot read this config.",
            expected="a dict with 'class_name' and 'config', a string, or plain data",
            received=repr(config)[:200],
        )
    class_name = config.get("class_name")
    if class_name is None:
        return {k: decode_plain(v) for k, v in config.items()}
    if class_name in _MARKERS:
        return decode_plain(config)
    inner = config.get("config")
    cfg_module = config.get("module") or module
    registered = config.get("registered_name")
    if class_name == "function":
        fn = _lookup(inner, registered, cfg_module, custom_objects)
        if fn is None:
            fn = _lookup(inner, registered, None, custom_objects)
        if fn is None:
            raise _unknown(inner, cfg_module)
        return fn
    cls = _lookup(class_name, registered, cfg_module, custom_objects)
    if cls is None and module and cfg_module != module:
        cls = _lookup(class_name, registered, module, custom_objects)
    if cls is None:
        raise _unknown(class_name, cfg_module)
    inner = decode_plain(inner) if inner is not None else {}
    if not inspect.isclass(cls):
        return cls
    with custom_object_scope(custom_objects or {}):
        from_config = getattr(cls, "from_config", None)
        if from_config is None:
            instance = cls(**inner)
        else:
            instance = from_config(inner)
        build_config = config.get("build_config")
        if build_config and hasattr(instance, "build_from_config"):
            instance.build_from_config(decode_plain(build_config))
    return instance


def _unknown(name: Any, module: str | None) -> ConfigError:
    where = f" in {module}" if module else ""
    known = sorted(_BUILTINS.get(module, {})) if module in _BUILTINS else []
    expected = "a tholos built-in, or an object registered with register_serializable()"
    if known:
        expected += f"; built-ins{where}: {', '.join(known)}"
    return ConfigError(
        f"Unknown object {name!r}{where}: it is not registered.",
        expected=expected,
        received=repr(name),
        hint="Register custom classes/functions with @tholos.saving.register_serializable(), "
        "or pass custom_objects={'Name': obj}.",
    )


# Keras spellings.
serialize_keras_object = serialize_object
deserialize_keras_object = deserialize_object

__all__ = [
    "CustomObjectScope",
    "builtin_objects",
    "custom_object_scope",
    "decode_plain",
    "deserialize_keras_object",
    "deserialize_object",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "register_builtin",
    "register_builtin_alias",
    "register_keras_serializable",
    "register_serializable",
    "serialize_keras_object",
    "serialize_object",
]
