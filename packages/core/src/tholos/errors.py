"""Every exception tholos raises on purpose, each saying what was expected, what was received
and what to do.

>>> err = OpInputError("ops.matmul: shapes do not align.", expected="x1.shape[-1] == x2.shape[-2]",
...                    received="(2, 3) and (4, 5)", hint="Transpose one of the inputs.")
>>> print(err)
ops.matmul: shapes do not align.
  expected: x1.shape[-1] == x2.shape[-2]
  received: (2, 3) and (4, 5)
  hint: Transpose one of the inputs.
"""

from __future__ import annotations


class TholosError(Exception):
    """Base class. ``str(err)`` is the message followed by expected / received / hint lines."""

    def __init__(
        self,
        message: str,
        *,
        expected: str | None = None,
        received: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.expected = expected
        self.received = received
        self.hint = hint
        super().__init__(self._render())

    def _render(self) -> str:
        lines = [self.message]
        for label, value in (
            ("expected", self.expected),
            ("received", self.received),
            ("hint", self.hint),
        ):
            if value:
                lines.append(f"  {label}: {value}")
        return "\n".join(lines)

    def __reduce__(self):  # keep the keyword-only fields through copy/pickle of exceptions
        return (_rebuild, (type(self), self.message, self.expected, self.received, self.hint))


def _rebuild(cls, message, expected, received, hint):
    return cls(message, expected=expected, received=received, hint=hint)


class BackendError(TholosError, RuntimeError):
    """Something is wrong with a backend plugin or the backend selection."""


class BackendNotFoundError(BackendError, ImportError):
    """No backend is installed, or the requested one is not."""


class BackendLoadError(BackendError, ImportError):
    """A discovered backend plugin failed to import or to load."""


class BackendValidationError(BackendError):
    """A backend plugin does not implement the contract (missing ops are named)."""


class UnsupportedOpError(BackendError, NotImplementedError):
    """The active backend declared this op unsupported."""


class CallNotCompilableError(BackendError):
    """A model's call cannot be compiled (raised by a backend's optional ``compile_call``
    hook at trace time; core then calls that model eagerly)."""


class OpInputError(TholosError, ValueError):
    """An op received input it cannot compute with (wrong shape, dtype or argument)."""


class OpTypeError(OpInputError, TypeError):
    """An op received an argument of the wrong type."""


class DtypeError(TholosError, TypeError):
    """An unknown dtype, or dtypes that cannot be combined."""


class ConfigError(TholosError, ValueError):
    """A configuration value (file, environment variable or argument) is invalid."""


class SavingError(TholosError, ValueError):
    """Saving or loading a model file failed (base class of the saving errors)."""


class CorruptArchiveError(SavingError):
    """A model or weights file is not readable: not a zip/HDF5 file, truncated, a member
    missing, a checksum mismatch or malformed JSON."""


class UnsafeArchiveError(SavingError):
    """A file was refused for security reasons before anything in it was used: a zip member
    with an absolute path or ``..``, a decompression or shape bomb, an HDF5 external link,
    external or virtual dataset, or a config naming an outside file, URL or module function."""


class UnsafeDeserializationError(UnsafeArchiveError):
    """The file holds Python code (a ``Lambda`` function); load it only if you trust it, with
    ``safe_mode=False``."""


class ModelConfigError(SavingError, ConfigError):
    """The model's ``config.json`` describes something tholos cannot rebuild (for example a
    class that is not registered)."""


class WeightsMismatchError(SavingError):
    """Saved weights do not fit the model (a missing weight, a wrong count or shape)."""


class DataError(OpInputError):
    """The data given to ``fit``/``evaluate``/``predict`` cannot be used."""


class NotCompiledError(TholosError, ValueError):
    """``fit``/``evaluate``/``train_on_batch`` was called before ``compile``."""


class DownloadError(TholosError, OSError):
    """A file could not be downloaded (offline, unreachable host, HTTP error, cut transfer)."""


class HashMismatchError(DownloadError, ValueError):
    """A downloaded file's hash differs from the published one; nothing was kept."""


class UnsafeDataError(TholosError, ValueError):
    """An object-array payload holds something other than plain data; nothing was run."""


__all__ = [
    "DataError",
    "NotCompiledError",
    "CallNotCompilableError",
    "BackendError",
    "BackendLoadError",
    "BackendNotFoundError",
    "BackendValidationError",
    "ConfigError",
    "CorruptArchiveError",
    "DownloadError",
    "DtypeError",
    "HashMismatchError",
    "ModelConfigError",
    "OpInputError",
    "OpTypeError",
    "SavingError",
    "TholosError",
    "UnsafeArchiveError",
    "UnsafeDataError",
    "UnsafeDeserializationError",
    "UnsupportedOpError",
    "WeightsMismatchError",
]
