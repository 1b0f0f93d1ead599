"""Saving and loading whole models (``.keras``) and weights (``.weights.h5``).

A ``.keras`` file is a zip holding ``metadata.json``, ``config.json`` (the model's config in
Keras 3's layout, with ``build_config`` and ``compile_config``) and ``model.weights.h5`` (every
variable, the optimizer's included, as NumPy arrays): the layout Keras 3 uses, so files move
between tholos and Keras 3, and between tholos backends. Every file is written atomically
(:mod:`tholos.saving.atomic`). Loading is safe by construction: see :mod:`~tholos.saving.archive`,
:mod:`~tholos.saving.h5io` and :mod:`~tholos.saving.safe_mode`.

Every failure raises a :class:`~tholos.errors.SavingError` subclass:
:class:`~tholos.errors.CorruptArchiveError`, :class:`~tholos.errors.UnsafeArchiveError`,
:class:`~tholos.errors.UnsafeDeserializationError`, :class:`~tholos.errors.ModelConfigError`
or :class:`~tholos.errors.WeightsMismatchError`.

>>> import os, tempfile
>>> import numpy as np
>>> from tholos import layers, models
>>> model = models.Sequential([layers.Input((3,)), layers.Dense(2)])
>>> path = os.path.join(tempfile.mkdtemp(), "m.keras")
>>> save_model(model, path)
>>> restored = load_model(path)
>>> x = np.ones((1, 3), "float32")
>>> bool(np.allclose(np.asarray(model(x)), np.asarray(restored(x))))
True
"""

from __future__ import annotations

import datetime
import io
import json
import os
import warnings
from typing import Any

from tholos.errors import (
    CorruptArchiveError,
    ModelConfigError,
    SavingError,
    TholosError,
)
from tholos.saving import layout, safe_mode
from tholos.saving import serialization as _ser
from tholos.saving.archive import LIMITS, SafeZipReader, write_archive
from tholos.saving.atomic import atomic_path, atomic_write
from tholos.saving.h5io import H5Reader, H5Writer
from tholos.saving.state import load_state, save_state

CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
WEIGHTS_FILENAME = "model.weights.h5"
# The Keras release whose .keras layout these files follow (Keras reads this field).
KERAS_VERSION = "3.4.1"


def _path(filepath: Any, suffix: str, what: str) -> str:
    if not isinstance(filepath, (str, os.PathLike)):
        raise SavingError(
            f"{what}: the file path must be a string or path.",
            expected="a str or os.PathLike",
            received=type(filepath).__name__,
        )
    path = os.fspath(filepath)
    if not path.endswith(suffix):
        raise SavingError(
            f"{what}: unsupported file name {path!r}.",
            expected=f"a path ending in {suffix!r}",
            received=path,
            hint=f"Use e.g. 'model{suffix}'.",
        )
    return path


def _tholos_version() -> str:
    try:
        import tholos

        return tholos.__version__
    except Exception:  # pragma: no cover
        return "unknown"


def _backend_name() -> str | None:
    try:
        from tholos.backend import backend

        return backend()
    except Exception:
        return None


# ------------------------------------------------------------------------------------ save


def _serialize_model(model: Any) -> dict[str, Any]:
    try:
        config = _ser.serialize_object(model)
    except TholosError as err:
        raise SavingError(
            f"Cannot save model {getattr(model, 'name', '')!r}: part of it cannot be serialized.",
            expected="built-in layers/objects, or classes and functions registered with "
            "@tholos.saving.register_serializable()",
            received=str(err).splitlines()[0],
            hint=getattr(err, "hint", None),
        ) from err
    except NotImplementedError as err:
        raise SavingError(
            f"Cannot save model {getattr(model, 'name', '')!r}: a layer has no get_config().",
            expected="get_config() on every custom layer",
            received=str(err),
        ) from err
    if not isinstance(config, dict):  # pragma: no cover - models serialize to dicts
        raise SavingError("Cannot save this object as a model.", received=type(model).__name__)
    get_compile_config = getattr(model, "get_compile_config", None)
    if get_compile_config is not None and getattr(model, "compiled", False):
        try:
            compile_config = get_compile_config()
        except TholosError as err:
            warnings.warn(
                f"Saving model without its compile config (it cannot be serialized: "
                f"{str(err).splitlines()[0]}).",
                stacklevel=3,
            )
            compile_config = None
        if compile_config is not None:
            optimizer = getattr(model, "optimizer", None)
            if optimizer is not None and hasattr(optimizer, "get_config"):
                # the live optimizer (its current hyperparameters), as Keras records it
                compile_config = dict(compile_config)
                compile_config["optimizer"] = _ser.serialize_object(optimizer)
            config["compile_config"] = compile_config
    if "build_config" not in config and getattr(model, "built", False):
        shape = _model_input_shape(model)
        if shape is not None:
            config["build_config"] = {"input_shape": shape}
    return layout.to_keras(config)


def _model_input_shape(model: Any) -> Any:
    """The input shape Keras records in a built Sequential's ``build_config``."""
    from tholos.models import Functional

    if isinstance(model, Functional):
        return None
    try:
        inputs = model.inputs
    except Exception:
        return None
    if isinstance(inputs, (list, tuple)) and len(inputs) == 1:
        return list(inputs[0].shape)
    return None


def _to_json(obj: Any) -> bytes:
    try:
        return json.dumps(obj, default=_json_default, allow_nan=True).encode("utf-8")
    except (TypeError, ValueError) as err:
        raise SavingError(
            "Cannot write the model config as JSON.",
            expected="plain JSON values in every get_config()",
            received=str(err),
        ) from err


def _json_default(value: Any) -> Any:
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _weights_bytes(model: Any) -> bytes:
    buffer = io.BytesIO()
    writer = H5Writer(buffer)
    try:
        save_state(model, writer)
    finally:
        writer.close()
    return buffer.getvalue()


def save_model(
    model: Any, filepath: Any, overwrite: bool = True, zipped: bool = True, **kwargs: Any
) -> None:
    """Save ``model`` (architecture, weights, optimizer state, compile arguments) to a
    ``.keras`` file, atomically.

    Args:
        model: the model.
        filepath: a path ending in ``.keras``.
        overwrite: replace an existing file (``False``: raise :class:`SavingError`).
        zipped: must be ``True`` (unzipped directories are not supported).
    """
    if kwargs:
        raise SavingError(
            "save_model: unexpected arguments.",
            expected="model, filepath, overwrite=True, zipped=True",
            received=", ".join(sorted(kwargs)),
        )
    if not zipped:
        raise SavingError(
            "save_model: only zipped .keras files are supported.",
            expected="zipped=True",
            received="zipped=False",
        )
    path = _path(filepath, ".keras", "save_model")
    if not getattr(model, "built", True):
        warnings.warn(
            f"Saving model {getattr(model, 'name', '')!r}, which is not built: it has no weights "
            "yet.",
            stacklevel=2,
        )
    config_json = _to_json(_serialize_model(model))
    metadata = {
        "keras_version": KERAS_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
        "tholos": {"version": _tholos_version(), "backend": _backend_name()},
    }
    members = {
        METADATA_FILENAME: _to_json(metadata),
        CONFIG_FILENAME: config_json,
        WEIGHTS_FILENAME: _weights_bytes(model),
    }
    with atomic_write(path, overwrite=overwrite) as handle:
        write_archive(handle, members)


def save_weights(model: Any, filepath: Any, overwrite: bool = True) -> None:
    """Save every variable of ``model`` (optimizer included) to a ``.weights.h5`` file,
    atomically."""
    path = _path(filepath, ".weights.h5", "save_weights")
    with atomic_path(path, overwrite=overwrite) as tmp:
        writer = H5Writer(tmp)
        try:
            save_state(model, writer)
        finally:
            writer.close()


# ------------------------------------------------------------------------------------ load


def _parse_json(data: bytes, name: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise CorruptArchiveError(
            f"{name} in the archive is not valid JSON.",
            expected="UTF-8 JSON",
            received=f"{type(err).__name__}: {str(err)[:200]}",
        ) from err


def _prepare_lambdas(config: Any, lambdas: list[dict], custom_objects: dict[str, Any]) -> None:
    """Outside safe mode: compile each Python-source function once and refer to it by a
    private registered name, so the registry stays the only way to obtain callables."""
    from tholos.saving.pycode import function_from_config

    for index, cfg in enumerate(lambdas):
        fn = function_from_config(cfg)
        name = f"__tholos_lambda_{index}__"
        custom_objects[name] = fn
        cfg.clear()
        cfg.update({"class_name": "function", "config": name, "registered_name": name})


# tholos' own namespaces, imported (a fixed list) so that their built-ins are registered.
_BUILTIN_MODULES = (
    "tholos.activations",
    "tholos.constraints",
    "tholos.dtype_policies",
    "tholos.initializers",
    "tholos.layers",
    "tholos.losses",
    "tholos.metrics",
    "tholos.models",
    "tholos.optimizers",
    "tholos.optimizers.schedules",
    "tholos.regularizers",
)


def _ensure_builtins() -> None:
    import importlib

    for name in _BUILTIN_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:  # pragma: no cover - a namespace not written yet
            pass


def _deserialize_model(
    config: Any, custom_objects: dict[str, Any] | None, compile: bool, safe: bool
) -> Any:
    if not isinstance(config, dict) or "class_name" not in config:
        raise ModelConfigError(
            "config.json does not describe a model.",
            expected="an object config with 'class_name' and 'config'",
            received=repr(config)[:200],
        )
    _ensure_builtins()
    config = layout.from_keras(config)
    lambdas = safe_mode.scan_config(config, safe)
    compile_config = config.pop("compile_config", None)
    objects = dict(custom_objects or {})
    with safe_mode.safe_mode_scope(safe):
        if lambdas:
            _prepare_lambdas(config, lambdas, objects)
        try:
            with safe_mode.guard():
                model = _ser.deserialize_object(config, objects)
                if compile and compile_config and hasattr(model, "compile_from_config"):
                    with _ser.custom_object_scope(objects):
                        model.compile_from_config(compile_config)
        except SavingError:
            raise
        except RecursionError as err:
            raise CorruptArchiveError(
                "config.json is nested too deeply.", received=str(err)
            ) from err
        except Exception as err:
            raise ModelConfigError(
                "Cannot rebuild the model from config.json.",
                expected="a config of registered classes that tholos can rebuild",
                received=f"{type(err).__name__}: {_first_line(err)}",
                hint=getattr(err, "hint", None)
                or "Register custom classes with @tholos.saving.register_serializable() or "
                "pass custom_objects.",
            ) from err
    return model


def _first_line(err: BaseException) -> str:
    text = str(err)
    return text.splitlines()[0][:300] if text else ""


def _build_optimizer(model: Any) -> None:
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or getattr(optimizer, "built", True) or not getattr(model, "built", False):
        return
    try:
        optimizer.build(list(model.trainable_variables))
    except Exception as err:  # pragma: no cover - defensive
        raise ModelConfigError(
            "Cannot build the optimizer of the loaded model.",
            received=f"{type(err).__name__}: {err}",
        ) from err


def load_model(
    filepath: Any,
    custom_objects: dict[str, Any] | None = None,
    compile: bool = True,
    safe_mode: bool = True,
) -> Any:
    """Load a model saved with :func:`save_model` (or by Keras 3).

    Args:
        filepath: a ``.keras`` file.
        custom_objects: ``{"name": class_or_function}`` for objects that are not registered.
        compile: restore the compile arguments and optimizer state.
        safe_mode: refuse Python code in the file (``Lambda`` functions). Leave it ``True``
            unless you trust the file.
    """
    if isinstance(filepath, (str, os.PathLike)) and os.fspath(filepath).endswith(".weights.h5"):
        raise SavingError(
            "load_model: this is a weights file, not a model.",
            expected="a .keras file",
            received=os.fspath(filepath),
            hint="Build the model, then model.load_weights(path).",
        )
    path = _path(filepath, ".keras", "load_model")
    safe = bool(safe_mode)
    with SafeZipReader(path) as archive:
        config = _parse_json(archive.read(CONFIG_FILENAME, LIMITS.max_json_bytes), CONFIG_FILENAME)
        if METADATA_FILENAME in archive:
            _parse_json(archive.read(METADATA_FILENAME, LIMITS.max_json_bytes), METADATA_FILENAME)
        if WEIGHTS_FILENAME not in archive:
            raise CorruptArchiveError(
                f"The archive has no {WEIGHTS_FILENAME}.",
                expected=f"a .keras archive with {CONFIG_FILENAME} and {WEIGHTS_FILENAME}",
                received=f"members {archive.names()[:20]}",
            )
        model = _deserialize_model(config, custom_objects, compile, safe)
        if compile:
            _build_optimizer(model)
        weights = archive.read(WEIGHTS_FILENAME)
    with H5Reader(weights) as reader:
        load_state(model, reader)
    return model


def load_weights(model: Any, filepath: Any, skip_mismatch: bool = False) -> None:
    """Load weights saved by :func:`save_weights` (``.weights.h5``) or the weights in a
    ``.keras`` file into ``model``."""
    if not isinstance(filepath, (str, os.PathLike)):
        raise SavingError(
            "load_weights: the file path must be a string or path.",
            received=type(filepath).__name__,
        )
    path = os.fspath(filepath)
    _build_optimizer(model)
    if path.endswith(".keras"):
        with SafeZipReader(path) as archive:
            weights: Any = archive.read(WEIGHTS_FILENAME)
    elif path.endswith(".weights.h5"):
        if not os.path.isfile(path):
            raise SavingError(f"load_weights: no such file {path!r}.", received=path)
        weights = path
    else:
        raise SavingError(
            f"load_weights: unsupported file name {path!r}.",
            expected="a path ending in '.weights.h5' or '.keras'",
            received=path,
        )
    with H5Reader(weights) as reader:
        load_state(model, reader, skip_mismatch=skip_mismatch)


# ---------------------------------------------------------------------- Model method bodies


def model_save(
    self: Any, filepath: Any, overwrite: bool = True, zipped: bool = True, **kwargs: Any
) -> None:
    """``Model.save``: see :func:`save_model`."""
    if isinstance(filepath, (str, os.PathLike)) and os.fspath(filepath).endswith(".weights.h5"):
        raise SavingError(
            "Model.save writes .keras files.",
            expected="a path ending in '.keras'",
            received=os.fspath(filepath),
            hint="Use model.save_weights(path) for .weights.h5 files.",
        )
    save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)


def model_save_weights(self: Any, filepath: Any, overwrite: bool = True) -> None:
    """``Model.save_weights``: see :func:`save_weights`."""
    save_weights(self, filepath, overwrite=overwrite)


def model_load_weights(
    self: Any, filepath: Any, skip_mismatch: bool = False, **kwargs: Any
) -> None:
    """``Model.load_weights``: see :func:`load_weights`."""
    load_weights(self, filepath, skip_mismatch=skip_mismatch)


__all__ = [
    "load_model",
    "load_weights",
    "model_load_weights",
    "model_save",
    "model_save_weights",
    "save_model",
    "save_weights",
]
