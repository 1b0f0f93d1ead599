"""Reading the Keras 3 reference fixtures (made by tools/keras_reference/make_fixtures.py).

Keras configs are turned into tholos configs here: module names ``keras.*`` become
``tholos.*`` and the few arguments of newer Keras releases that tholos does not have are
dropped, but only when they hold their neutral value (so a fixture that relies on such a
feature fails loudly instead of being silently compared against something else).
"""

from __future__ import annotations

import importlib
import inspect
import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "keras3"

# Keras 3 arguments tholos does not implement, with the value at which they change nothing.
NEUTRAL_KERAS_ONLY = {
    "quantization_config": None,  # Dense/EinsumDense/Embedding quantization (Keras >= 3.10)
    "renorm": False,  # BatchNormalization batch renormalization
    "renorm_clipping": None,
    "use_gate": False,  # MultiHeadAttention gated attention (Keras >= 3.12)
    "sliding_window": None,  # MultiHeadAttention sliding-window masks
    "input_axes": None,  # VarianceScaling-family fan axes (Keras >= 3.13)
    "output_axes": None,
}
# Only meaningful when another neutral argument is on (checked above).
IGNORED_WITH_NEUTRAL = {"renorm_momentum": "renorm"}


@cache
def manifest() -> dict[str, Any]:
    with open(FIXTURES / "manifest.json") as fh:
        return json.load(fh)


@cache
def arrays(group: str) -> dict[str, np.ndarray]:
    with np.load(FIXTURES / f"{group}.npz", allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def case_arrays(group: str, case: str, prefix: str, count: int) -> list[np.ndarray]:
    data = arrays(group)
    return [data[f"{case}__{prefix}{i}"] for i in range(count)]


def _module(name: str) -> str:
    if name == "keras":
        return "tholos.dtype_policies"
    if name.startswith("keras."):
        return "tholos." + name[len("keras.") :]
    return name


def to_tholos(obj: Any, known_keys: Any = None) -> Any:
    """A Keras config (or part of one) as a tholos config.

    ``known_keys(module, class_name)`` returns the config keys tholos' class accepts, or None
    to keep all keys.
    """
    if isinstance(obj, list):
        return [to_tholos(v, known_keys) for v in obj]
    if not isinstance(obj, dict):
        return obj
    if "class_name" in obj and "config" in obj and isinstance(obj.get("module"), str):
        out = dict(obj)
        out["module"] = _module(obj["module"])
        if out.get("registered_name") is None:
            out.pop("registered_name", None)
        inner = obj["config"]
        if isinstance(inner, dict):
            keys = known_keys(out["module"], obj["class_name"]) if known_keys else None
            out["config"] = strip_config(to_tholos(inner, known_keys), keys)
        return out
    return {k: to_tholos(v, known_keys) for k, v in obj.items()}


def strip_config(cfg: dict[str, Any], keys: set[str] | None) -> dict[str, Any]:
    """Drop the Keras-only arguments tholos lacks, insisting they hold their neutral value."""
    if keys is None:
        return cfg
    out = {}
    for k, v in cfg.items():
        if k in keys or k == "build_config":
            out[k] = v
        elif k in NEUTRAL_KERAS_ONLY:
            assert v == NEUTRAL_KERAS_ONLY[k], f"Keras-only argument {k}={v!r} is not neutral"
        elif k in IGNORED_WITH_NEUTRAL:
            assert IGNORED_WITH_NEUTRAL[k] in cfg
        else:
            raise AssertionError(f"tholos lacks the Keras 3 argument {k!r} (value {v!r})")
    return out


@cache
def known_keys(module: str, class_name: str) -> frozenset[str] | None:
    """Constructor arguments of the tholos class ``module.class_name`` (over its hierarchy)."""
    try:
        cls = getattr(importlib.import_module(module), class_name)
    except (ImportError, AttributeError):
        return None
    if not isinstance(cls, type):
        return None
    keys = {"name", "trainable", "dtype", "autocast"}
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None or klass is object:
            continue
        for p in inspect.signature(init).parameters.values():
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name != "self":
                keys.add(p.name)
    return frozenset(keys)


def assert_close(actual: Any, expected: np.ndarray, tol: float, what: str) -> None:
    """|actual - expected| <= tol * max(1, |expected|) elementwise (relative for large values,
    absolute near zero), with shapes equal."""
    actual = np.asarray(actual)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    a = actual.astype("float64")
    e = expected.astype("float64")
    bound = tol * np.maximum(1.0, np.abs(e))
    err = np.abs(a - e)
    if not np.all(err <= bound):
        worst = np.unravel_index(np.argmax(err - bound), err.shape)
        raise AssertionError(
            f"{what}: max abs error {err.max():.3g} (tolerance {tol:g} x max(1, |expected|)); "
            f"worst at {worst}: got {a[worst]!r}, Keras 3 {e[worst]!r}"
        )
