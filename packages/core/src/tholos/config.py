"""Global configuration: the backend, the default float dtype, epsilon, the image layout.

Defaults come from ``$THOLOS_HOME/tholos.json`` (``~/.tholos/tholos.json``) when present, e.g.
``{"backend": "jax", "floatx": "float32", "epsilon": 1e-07, "image_data_format": "channels_last"}``;
``THOLOS_BACKEND`` overrides the file's backend.

Unlike Keras 3, the backend can change inside a running process:

>>> import tholos
>>> with tholos.config.use_backend("numpy"):
...     tholos.config.backend()
'numpy'
"""

from __future__ import annotations

import warnings
from typing import Any

from tholos.backend import _state
from tholos.backend.dtypes import floatx, set_floatx
from tholos.errors import ConfigError, TholosError

_IMAGE_DATA_FORMATS = ("channels_last", "channels_first")
_epsilon = 1e-7
_image_data_format = "channels_last"


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


def _load_file_defaults() -> None:
    try:
        data: dict[str, Any] = _state.read_config_file()
        if "floatx" in data:
            set_floatx(data["floatx"])
        if "epsilon" in data:
            set_epsilon(data["epsilon"])
        if "image_data_format" in data:
            set_image_data_format(data["image_data_format"])
    except TholosError as err:  # a bad file must not make `import tholos` fail
        warnings.warn(str(err), stacklevel=2)


_load_file_defaults()

__all__ = [
    "backend",
    "epsilon",
    "floatx",
    "image_data_format",
    "set_backend",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "standardize_data_format",
    "use_backend",
]
