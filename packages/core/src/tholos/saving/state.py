"""Where each object's variables go in the weights file (Keras 3's addressing).

Starting from the model (path ``""``), every layer and optimizer reachable through attributes
gets a path: an attribute holding one is addressed by the attribute's name
(``optimizer``, ``cell``); a list, tuple or dict of them by the snake-cased class name, with
``_1``, ``_2`` ... for repeats (``layers/dense``, ``layers/dense_1``). Sequential and
Functional models list ``layers`` first; other attributes follow in name order, private ones
last; attributes every plain ``Layer`` has are not followed. An object reached twice keeps
its first path. Its own variables are stored as ``<path>/vars/0``, ``1``, ...: a layer's
trainable then non-trainable variables, an optimizer's ``variables``, or whatever its
``save_own_variables`` writes.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from typing import Any

from tholos.errors import SavingError, WeightsMismatchError

_SKIP_CACHE: dict[str, frozenset[str]] = {}


def _layer_cls() -> type:
    from tholos.layers.layer import Layer

    return Layer


def _optimizer_cls() -> type | None:
    try:
        from tholos.optimizers.base_optimizer import Optimizer
    except ImportError:  # pragma: no cover
        return None
    return Optimizer


def is_saveable(obj: Any) -> bool:
    if isinstance(obj, type):
        return False
    if isinstance(obj, _layer_cls()):
        return True
    opt = _optimizer_cls()
    return opt is not None and isinstance(obj, opt)


def snake_case(name: str) -> str:
    """``"BatchNormalization"`` -> ``"batch_normalization"``."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()
    return name


def _kind(obj: Any) -> str:
    name = type(obj).__mro__
    names = {c.__name__ for c in name}
    if not isinstance(obj, _layer_cls()):
        return "Optimizer"
    if "Sequential" in names and _is_tholos_model(obj, "Sequential"):
        return "Sequential"
    if "Functional" in names and _is_tholos_model(obj, "Functional"):
        return "Functional"
    return "Layer"


def _is_tholos_model(obj: Any, name: str) -> bool:
    try:
        from tholos import models
    except ImportError:  # pragma: no cover
        return False
    cls = getattr(models, name, None)
    return cls is not None and isinstance(obj, cls)


def _skip(kind: str) -> frozenset[str]:
    cached = _SKIP_CACHE.get(kind)
    if cached is not None:
        return cached
    skip: set[str] = set()
    if kind == "Optimizer":
        opt = _optimizer_cls()
        if opt is not None:
            skip.update(dir(opt))
        skip.update({"_variables", "_trainable_variables"})
    else:
        layer_cls = _layer_cls()
        skip.update(dir(layer_cls))
        try:
            skip.update(dir(layer_cls()))
        except Exception:  # pragma: no cover - the base layer should construct
            pass
        if kind == "Functional":
            skip.update({"operations", "_operations"})
        elif kind == "Sequential":
            skip.update({"_functional"})
    result = frozenset(skip)
    _SKIP_CACHE[kind] = result
    return result


def _attr_key(name: str) -> str:
    return "~" + name if name.startswith("_") else name


def children(obj: Any) -> Iterator[tuple[str, Any]]:
    """``(attribute name, value)`` pairs to follow from ``obj``, in the order used for paths."""
    kind = _kind(obj)
    if kind in ("Sequential", "Functional"):
        yield "layers", obj.layers
    skip = _skip(kind)
    names = set(dir(obj))
    for name in sorted(names, key=_attr_key):
        if name.startswith("__") or name in skip:
            continue
        try:
            value = getattr(obj, name)
        except Exception:
            continue
        yield name, value


def walk(root: Any) -> list[tuple[str, Any]]:
    """``(path, object)`` for ``root`` and every saveable reachable from it (first path wins)."""
    out: list[tuple[str, Any]] = []
    visited: set[int] = set()

    def visit(obj: Any, path: str) -> None:
        if id(obj) in visited:
            return
        visited.add(id(obj))
        out.append((path, obj))
        for attr, value in children(obj):
            child_path = f"{path}/{attr}" if path else attr
            if is_saveable(value):
                visit(value, child_path)
            elif isinstance(value, (list, tuple, dict, set)):
                items = list(value.values()) if isinstance(value, dict) else list(value)
                used: dict[str, int] = {}
                for item in items:
                    if not is_saveable(item):
                        continue
                    base = snake_case(type(item).__name__)
                    if base in used:
                        used[base] += 1
                        name = f"{base}_{used[base]}"
                    else:
                        used[base] = 0
                        name = base
                    visit(item, f"{child_path}/{name}")

    visit(root, "")
    return out


def own_variables(obj: Any) -> list[Any]:
    """The variables ``obj`` stores under its own path by default."""
    if isinstance(obj, _layer_cls()):
        return list(obj._trainable_variables) + list(obj._non_trainable_variables)
    return list(getattr(obj, "variables", []))


def _has_custom(obj: Any, method: str) -> bool:
    fn = getattr(type(obj), method, None)
    if fn is None:
        return False
    return not isinstance(obj, _layer_cls()) or fn is not getattr(_layer_cls(), method, None)


def save_state(root: Any, writer: Any) -> None:
    """Write the variables of ``root`` and everything reachable from it."""
    for path, obj in walk(root):
        store = writer.make(path)
        if _has_custom(obj, "save_own_variables"):
            obj.save_own_variables(store)
        else:
            for i, variable in enumerate(own_variables(obj)):
                store[str(i)] = variable


def load_state(root: Any, reader: Any, skip_mismatch: bool = False) -> None:
    """Assign saved values to ``root`` and everything reachable from it.

    Every value is vetted and shape-checked before it is read; all values are read before any
    variable is assigned, so a failure leaves the model unchanged.
    """
    pending: list[tuple[Any, Any]] = []
    custom: list[tuple[Any, Any]] = []
    for path, obj in walk(root):
        store = reader.vars(path)
        if _has_custom(obj, "load_own_variables"):
            variables = own_variables(obj)
            store.expected = {str(i): tuple(v.shape) for i, v in enumerate(variables)}
            opt = _optimizer_cls()
            if opt is not None and isinstance(obj, opt) and len(store) != len(variables):
                # as Keras: an optimizer saved before it was built (or not saved) is skipped
                warnings.warn(
                    f"Skipping the state of optimizer {getattr(obj, 'name', '')!r}: it has "
                    f"{len(variables)} variables but the file holds {len(store)}.",
                    stacklevel=3,
                )
                continue
            custom.append((obj, store))
            continue
        variables = own_variables(obj)
        try:
            keys = set(store.keys())
            wanted = {str(i) for i in range(len(variables))}
            if keys != wanted:
                raise WeightsMismatchError(
                    f"{_describe(obj)} at {path or '/'!r}: the saved weights do not match.",
                    expected=f"{len(variables)} saved values "
                    f"({', '.join(sorted(wanted)) or 'none'})",
                    received=f"{len(keys)} ({', '.join(sorted(keys)[:10]) or 'none'})",
                    hint="Was the file saved from the same architecture? skip_mismatch=True "
                    "skips such objects.",
                )
            values = [store.get(str(i), tuple(v.shape)) for i, v in enumerate(variables)]
        except WeightsMismatchError as err:
            if not skip_mismatch:
                raise
            warnings.warn(f"Skipping weights: {err}", stacklevel=3)
            continue
        pending.extend(zip(variables, values))
    for variable, value in pending:
        variable.assign(_cast_for(variable, value))
    for obj, store in custom:
        try:
            obj.load_own_variables(store)
        except SavingError:
            if not skip_mismatch:
                raise
        except (ValueError, TypeError, KeyError) as err:
            if skip_mismatch:
                warnings.warn(f"Skipping {_describe(obj)}: {err}", stacklevel=3)
                continue
            raise WeightsMismatchError(
                f"{_describe(obj)}: its saved state does not load.",
                expected="state saved by the same kind of object",
                received=f"{type(err).__name__}: {str(err)[:300]}",
            ) from err


def _cast_for(variable: Any, value: Any) -> Any:
    import numpy as np

    dtype = getattr(variable, "dtype", None)
    if dtype is None:
        return value
    try:
        return np.asarray(value).astype(str(dtype), copy=False)
    except TypeError:
        return value


def _describe(obj: Any) -> str:
    name = getattr(obj, "name", None)
    return f"{type(obj).__name__} {name!r}" if name else type(obj).__name__


__all__ = [
    "children",
    "is_saveable",
    "load_state",
    "own_variables",
    "save_state",
    "snake_case",
    "walk",
]
