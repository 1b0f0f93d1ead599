"""Translate object configs between tholos' module names and Keras 3's.

``config.json`` is written as Keras 3 writes it (``"module": "keras.layers"``, built-ins with
``"registered_name": null``, Sequential under ``"keras"``, Functional under
``"keras.src.models.functional"``, tuples as JSON lists), so files move both
ways. Reading maps ``keras.*`` modules
back to tholos' registered namespaces; nothing is ever imported because of a module name.

>>> to_keras({"module": "tholos.layers", "class_name": "Dense", "config": {},
...           "registered_name": "Dense"})
{'module': 'keras.layers', 'class_name': 'Dense', 'config': {}, 'registered_name': None}
>>> from_keras({"module": "keras.layers", "class_name": "Dense", "config": {},
...             "registered_name": None})["module"]
'tholos.layers'
"""

from __future__ import annotations

import inspect
from typing import Any

from tholos.saving import serialization as _ser

_MODEL_MODULES = {
    "Sequential": "keras",
    "Functional": "keras.src.models.functional",
    "Model": "keras.src.models.model",
}
_TOP_LEVEL = {"tholos.dtype_policies": "keras"}


def _is_object_config(value: Any) -> bool:
    return isinstance(value, dict) and "class_name" in value and "config" in value


def _tholos_to_keras_module(module: str, class_name: str) -> str:
    if module == "tholos.models":
        return _MODEL_MODULES.get(class_name, "keras.src.models.model")
    if module in _TOP_LEVEL:
        return _TOP_LEVEL[module]
    return "keras" + module[len("tholos") :]


def to_keras(config: Any) -> Any:
    """A copy of ``config`` with tholos' built-in module names spelled as Keras 3's."""
    if isinstance(config, (list, tuple)):
        return [to_keras(v) for v in config]
    if not isinstance(config, dict):
        return config
    if config.get("class_name") == "__tuple__" and isinstance(config.get("config"), dict):
        return to_keras(list(config["config"].get("value", [])))  # Keras writes tuples as lists
    out = {k: to_keras(v) for k, v in config.items()}
    if _is_object_config(config):
        module = config.get("module")
        class_name = config.get("class_name")
        registered = config.get("registered_name")
        custom = isinstance(registered, str) and ">" in registered
        if custom and class_name != "function":
            pass  # a user-registered class: found by its registered name, module kept
        elif isinstance(module, str) and (module == "tholos" or module.startswith("tholos.")):
            out["module"] = _tholos_to_keras_module(module, str(class_name))
            if class_name == "function":
                out["registered_name"] = config.get("config")
            elif class_name == "Functional":
                out["registered_name"] = "Functional"
            else:
                out["registered_name"] = None
    return out


def _keras_to_tholos_module(module: str) -> str | None:
    rest = module[len("keras") :].lstrip(".")
    if rest.startswith("src."):
        rest = rest[4:]
    parts = [p for p in rest.split(".") if p]
    if not parts:
        return None
    known = set(_ser._BUILTINS)
    for n in range(len(parts), 0, -1):
        candidate = "tholos." + ".".join(parts[:n])
        if candidate in known:
            return candidate
    return None


# Arguments newer Keras releases write that tholos classes may not take, with the value that
# means "feature off": dropped on load when the tholos class has no such parameter.
KERAS_INACTIVE_ARGUMENTS: dict[str, Any] = {
    "ragged": False,
    "quantization_config": None,
    "lora_rank": None,
    "lora_alpha": None,
    "input_axes": None,
    "output_axes": None,
}


def _drop_inactive(out: dict[str, Any]) -> None:
    inner = out.get("config")
    if not isinstance(inner, dict):
        return
    candidates = [
        k
        for k, v in KERAS_INACTIVE_ARGUMENTS.items()
        if k in inner and inner[k] == v and type(inner[k]) is type(v)
    ]
    if not candidates:
        return
    cls = _ser._lookup(
        str(out.get("class_name")), out.get("registered_name"), out.get("module"), None
    )
    if not inspect.isclass(cls):
        return
    try:
        params = inspect.signature(cls.__init__).parameters
    except (TypeError, ValueError):
        return
    for key in candidates:
        if key not in params:
            del inner[key]


def from_keras(config: Any) -> Any:
    """A copy of ``config`` with Keras 3 module names mapped to tholos' namespaces (a module
    tholos does not have is dropped, so only the registry decides what a name means)."""
    if isinstance(config, list):
        return [from_keras(v) for v in config]
    if not isinstance(config, dict):
        return config
    out = {k: from_keras(v) for k, v in config.items()}
    if _is_object_config(config):
        module = config.get("module")
        if isinstance(module, str) and (module == "keras" or module.startswith("keras.")):
            mapped = _keras_to_tholos_module(module)
            if mapped is None:
                out.pop("module", None)
            else:
                out["module"] = mapped
        if config.get("class_name") == "__tensor__" and isinstance(config.get("config"), dict):
            out["class_name"] = "__numpy__"
        _drop_inactive(out)
    return out


__all__ = ["from_keras", "to_keras"]
