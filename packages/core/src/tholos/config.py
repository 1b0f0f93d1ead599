"""Global configuration: the backend, the default float dtype, epsilon, the image layout.

Defaults come from ``$THOLOS_HOME/tholos.json`` (``~/.tholos/tholos.json``) when present, e.g.
``{"backend": "jax", "floatx": "float32", "epsilon": 1e-07, "image_data_format": "channels_last"}``;
``THOLOS_BACKEND`` overrides the file's backend. The random generator (``"portable"``, the
default, or ``"native"``) comes from :func:`set_random_generator` > ``THOLOS_RANDOM`` > the
file's ``"random"`` key.

Unlike Keras 3, the backend can change inside a running process:

>>> import tholos
>>> with tholos.config.use_backend("numpy"):
...     tholos.config.backend()
'numpy'
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterator
from typing import Any

from tholos.backend import _state
from tholos.backend.dtypes import floatx, set_floatx
from tholos.errors import ConfigError, TholosError

_IMAGE_DATA_FORMATS = ("channels_last", "channels_first")
_epsilon = 1e-7
_image_data_format = "channels_last"
_RANDOM_GENERATORS = ("portable", "native")
_random_generator: str | None = None  # set_random_generator's choice
_file_random_generator: str | None = None  # tholos.json's "random" key


def backend() -> str:
    """The name of the active backend (resolving it on first use)."""
    return _state.current().name


def set_backend(name: str) -> None:
    """Switch the active backend, loading it if needed.

    Unknown names raise :class:`tholos.errors.BackendNotFoundError` listing the installed ones.
    """
    _state.activate(name)


use_backend = _state.use_backend


def epsilon() -> float:
    """The fuzz factor used to avoid dividing by zero (default ``1e-7``)."""
    return _epsilon


def set_epsilon(value: float) -> None:
    global _epsilon
    _epsilon = float(value)


def image_data_format() -> str:
    """``"channels_last"`` (default) or ``"channels_first"``."""
    return _image_data_format


def set_image_data_format(data_format: str) -> None:
    global _image_data_format
    value = str(data_format).lower()
    if value not in _IMAGE_DATA_FORMATS:
        raise ConfigError(
            "Unknown image data format.",
            expected=f"one of {_IMAGE_DATA_FORMATS}",
            received=repr(data_format),
        )
    _image_data_format = value


def standardize_data_format(data_format: str | None) -> str:
    """``data_format``, or the global one when ``None``, validated."""
    if data_format is None:
        return _image_data_format
    value = str(data_format).lower()
    if value not in _IMAGE_DATA_FORMATS:
        raise ConfigError(
            "Unknown data_format.",
            expected=f"one of {_IMAGE_DATA_FORMATS}",
            received=repr(data_format),
        )
    return value


def enable_unsafe_deserialization() -> None:
    """Allow loading Python code (Lambda layers) from model files everywhere. Only for files
    you trust: see :func:`tholos.saving.load_model`'s ``safe_mode``."""
    from tholos.saving.safe_mode import enable_unsafe_deserialization as enable

    enable()


def _check_random_generator(name: Any, where: str) -> str:
    value = str(name).lower()
    if value not in _RANDOM_GENERATORS:
        raise ConfigError(
            f"Unknown random generator ({where}).",
            expected=f"one of {_RANDOM_GENERATORS}",
            received=repr(name),
            hint='"portable" gives the same numbers on every backend; "native" is each '
            "framework's own generator (faster, different numbers per backend).",
        )
    return value


def random_generator() -> str:
    """The generator behind ``tholos.random``: ``"portable"`` (default) or ``"native"``.

    ``"portable"``: Threefry-2x32 computed in core with ``tholos.ops``; the same seed gives
    the same numbers on every backend (see docs/randomness.md). ``"native"``: the active
    backend's own stateless samplers; faster on some backends, NOT portable (each backend
    gives different numbers for the same seed).

    >>> import tholos
    >>> tholos.config.random_generator()
    'portable'
    """
    if _random_generator is not None:
        return _random_generator
    env = os.environ.get("THOLOS_RANDOM")
    if env:
        return _check_random_generator(env, "THOLOS_RANDOM")
    return _file_random_generator or "portable"


def set_random_generator(name: str) -> None:
    """Select ``"portable"`` or ``"native"`` random numbers (overrides ``THOLOS_RANDOM``).

    ``None`` forgets the choice (back to ``THOLOS_RANDOM``, the config file, the default).
    """
    global _random_generator
    _random_generator = None if name is None else _check_random_generator(name, "argument")


@contextlib.contextmanager
def use_random_generator(name: str) -> Iterator[str]:
    """Use generator ``name`` inside a ``with`` block, then restore the previous choice.

    >>> import tholos
    >>> with tholos.config.use_random_generator("native"):
    ...     tholos.config.random_generator()
    'native'
    """
    global _random_generator
    previous = _random_generator
    set_random_generator(name)
    try:
        yield _random_generator
    finally:
        _random_generator = previous


def _load_file_defaults() -> None:
    global _file_random_generator
    try:
        data: dict[str, Any] = _state.read_config_file()
        if "floatx" in data:
            set_floatx(data["floatx"])
        if "epsilon" in data:
            set_epsilon(data["epsilon"])
        if "image_data_format" in data:
            set_image_data_format(data["image_data_format"])
        if "random" in data:
            _file_random_generator = _check_random_generator(data["random"], "tholos.json")
    except TholosError as err:  # a bad file must not make `import tholos` fail
        warnings.warn(str(err), stacklevel=2)


_load_file_defaults()

__all__ = [
    "backend",
    "enable_unsafe_deserialization",
    "epsilon",
    "floatx",
    "image_data_format",
    "random_generator",
    "set_backend",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "set_random_generator",
    "standardize_data_format",
    "use_backend",
    "use_random_generator",
]
