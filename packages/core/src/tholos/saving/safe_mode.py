"""Safe mode: what loading a file is allowed to do.

* :func:`scan_config` checks a ``config.json`` before anything is built from it: Python code
  (``Lambda`` functions) needs ``safe_mode=False``; bytecode is never loaded; a config that
  names an outside file or URL is refused.
* :func:`guard` is the sandbox for building objects from a config: while it is active (in the
  loading thread only), opening files other than Python modules and installed packages'
  metadata, network access, starting processes, unpickling and unmarshalling (except by the
  import system, loading an installed module lazily) raise
  :class:`~tholos.errors.UnsafeArchiveError` (a process-wide audit hook, installed on first
  use, enforces it).

Safe mode is decided once per load; nothing in a file can switch it off.

>>> in_safe_mode()
True
"""

from __future__ import annotations

import contextlib
import importlib.machinery
import re
import sys
import threading
from collections.abc import Iterator
from typing import Any

from tholos.errors import UnsafeArchiveError, UnsafeDeserializationError

_state = threading.local()
_unsafe_enabled = False
_hook_installed = False
_hook_lock = threading.Lock()


def enable_unsafe_deserialization() -> None:
    """Allow loading Python code (``Lambda`` functions) from files process-wide (Keras'
    ``keras.config.enable_unsafe_deserialization``). Only for files you trust."""
    global _unsafe_enabled
    _unsafe_enabled = True


def disable_unsafe_deserialization() -> None:
    """Undo :func:`enable_unsafe_deserialization`."""
    global _unsafe_enabled
    _unsafe_enabled = False


def unsafe_deserialization_enabled() -> bool:
    return _unsafe_enabled


def in_safe_mode() -> bool:
    """Whether loading Python code from a file is refused right now."""
    current = getattr(_state, "safe_mode", None)
    if current is not None:
        return bool(current)
    return not _unsafe_enabled


@contextlib.contextmanager
def safe_mode_scope(safe_mode: bool) -> Iterator[None]:
    """Fix the safe mode of this thread for a block (``load_model`` uses it)."""
    previous = getattr(_state, "safe_mode", None)
    _state.safe_mode = bool(safe_mode) and not _unsafe_enabled
    try:
        yield
    finally:
        _state.safe_mode = previous


# ------------------------------------------------------------------------------ config scan

# Constructor arguments that name a file or URL in Keras layers (vocabularies and the like).
PATH_KEYS = frozenset(
    {
        "vocabulary",
        "vocabulary_path",
        "vocabulary_file",
        "filepath",
        "file_path",
        "path",
        "origin",
        "url",
        "fname",
        "weights_path",
        "idf_weights",
        "merges",
        "filename",
    }
)
_URL = re.compile(r"^\s*[A-Za-z][A-Za-z0-9+.\-]*://")


def _looks_like_path(value: str) -> bool:
    return (
        bool(_URL.match(value))
        or "/" in value
        or "\\" in value
        or value.startswith("~")
        or ("." in value.rsplit("/", 1)[-1] and len(value) > 2)
    )


def scan_config(config: Any, safe_mode: bool, where: str = "config.json") -> list[dict]:
    """Check a whole config before it is used; return the ``__lambda__`` configs it holds.

    Raises :class:`UnsafeDeserializationError` for Python code under ``safe_mode`` and for
    bytecode always, :class:`UnsafeArchiveError` for a file path or URL.
    """
    lambdas: list[dict] = []
    stack: list[tuple[Any, str]] = [(config, where)]
    while stack:
        value, path = stack.pop()
        if isinstance(value, list):
            stack.extend((v, f"{path}[{i}]") for i, v in enumerate(value))
            continue
        if isinstance(value, str):
            if _URL.match(value):
                raise UnsafeArchiveError(
                    "Refusing a config that names a URL.",
                    expected="everything a model needs inside the archive",
                    received=f"{path} = {value[:200]!r}",
                )
            continue
        if not isinstance(value, dict):
            continue
        class_name = value.get("class_name")
        if class_name == "__lambda__":
            _check_lambda(value, safe_mode, path)
            lambdas.append(value)
            continue
        inner = value.get("config")
        if isinstance(class_name, str) and isinstance(inner, dict):
            for key in PATH_KEYS:
                item = inner.get(key)
                if isinstance(item, str) and _looks_like_path(item):
                    raise UnsafeArchiveError(
                        f"Refusing a config that names an outside file ({class_name}.{key}).",
                        expected="vocabularies and other assets stored inside the archive",
                        received=f"{path}.config.{key} = {item[:200]!r}",
                        hint="tholos never reads files or URLs named in a model config.",
                    )
        stack.extend((v, f"{path}.{k}") for k, v in value.items())
    return lambdas


def _check_lambda(value: dict, safe_mode: bool, path: str) -> None:
    inner = value.get("config")
    if isinstance(inner, dict) and "code" in inner and "source" not in inner:
        raise UnsafeDeserializationError(
            "Refusing Python bytecode in a model config.",
            expected="no bytecode (tholos never unmarshals code)",
            received=f"{path}: a Keras bytecode lambda",
            hint="Rewrite the function as a named function, register it with "
            "@tholos.saving.register_serializable(), and pass it via custom_objects.",
        )
    if safe_mode:
        raise UnsafeDeserializationError(
            "This model holds Python code (a Lambda function), and safe_mode is on.",
            expected="safe_mode=False to load Python code you trust",
            received=f"{path}: a Python lambda",
            hint="Only if you trust the file: load_model(path, safe_mode=False). Better: use a "
            "registered function.",
        )
    if not isinstance(inner, dict) or not isinstance(inner.get("source"), str):
        raise UnsafeDeserializationError(
            "Unreadable Python function in a model config.",
            expected="{'class_name': '__lambda__', 'config': {'source': ...}}",
            received=f"{path}: {str(inner)[:200]}",
        )


# ---------------------------------------------------------------------------------- sandbox

_BLOCKED_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.bind",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "urllib.Request",
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "os.fork",
        "os.forkpty",
        "os.startfile",
        "os.kill",
        "os.killpg",
        "ctypes.dlopen",
        "ctypes.call_function",
        "marshal.loads",
        "marshal.load",
        "pickle.find_class",
        "os.remove",
        "os.rmdir",
        "os.rename",
        "os.truncate",
        "os.chmod",
        "os.chown",
        "shutil.rmtree",
        "shutil.copyfile",
        "shutil.move",
        "webbrowser.open",
        "os.link",
        "os.symlink",
        "os.mkdir",
        "os.putenv",
        "os.unsetenv",
    }
)
_MODULE_SUFFIXES = tuple(importlib.machinery.all_suffixes()) + (".pyc", ".pth")
_PACKAGE_METADATA = re.compile(r"\.(dist|egg)-info[/\\][^/\\]+$")


def _violation(event: str, args: tuple) -> UnsafeArchiveError:
    return UnsafeArchiveError(
        "Refused while building a model from its config: the config made tholos try an "
        "outside action.",
        expected="no file, network or process access while loading a config",
        received=f"{event}{repr(args)[:200]}",
    )


_IMPORT_MACHINERY = ("<frozen importlib._bootstrap_external>", "<frozen importlib._bootstrap>")


def _from_import_system() -> bool:
    """Whether the audited call comes from Python's import system (loading a module's cached
    bytecode), not from code calling ``marshal`` itself."""
    frame = sys._getframe(2)  # 0: this function, 1: _audit, 2: the caller of marshal
    return frame is not None and frame.f_code.co_filename in _IMPORT_MACHINERY


def _audit(event: str, args: tuple) -> None:
    if not getattr(_state, "guard", 0):
        return
    if event == "open":
        target, mode = args[0], args[1]
        if isinstance(target, int):
            return
        name = str(target)
        reading = mode is None or (isinstance(mode, str) and not any(c in mode for c in "wax+"))
        if reading and (
            name.endswith(_MODULE_SUFFIXES) or name in sys.path or _PACKAGE_METADATA.search(name)
        ):
            # a framework importing a module lazily (zipimport opens sys.path entries) or
            # reading an installed package's metadata (importlib.metadata)
            return
        err = _violation(event, args)
    elif event in _BLOCKED_EVENTS:
        if event in ("marshal.loads", "marshal.load") and _from_import_system():
            return  # a framework importing one of its installed modules lazily (a .pyc)
        err = _violation(event, args)
    else:
        return
    _state.violations = [*getattr(_state, "violations", []), str(err)]
    raise err


def _install_hook() -> None:
    global _hook_installed
    with _hook_lock:
        if not _hook_installed:
            sys.addaudithook(_audit)
            _hook_installed = True


def _warm_up() -> None:
    """Resolve the backend (plugin discovery reads package metadata) before guarding."""
    try:
        from tholos import ops

        ops.convert_to_numpy(ops.zeros((1,)))
        from tholos.backend._state import current

        current().trainer.supports_jit()  # compile_from_config asks it (torch imports dynamo)
    except Exception:
        pass


@contextlib.contextmanager
def guard() -> Iterator[None]:
    """Refuse outside actions in this thread for the block (see the module docstring). Any
    violation raises inside the block and again when it ends, in case code swallowed it."""
    _install_hook()
    _warm_up()
    _state.guard = getattr(_state, "guard", 0) + 1
    outer = getattr(_state, "violations", [])
    _state.violations = []
    failure: BaseException | None = None
    try:
        yield
    except BaseException as err:  # re-raised below, as a violation if there was one
        failure = err
    finally:
        _state.guard -= 1
        violations = _state.violations
        _state.violations = outer
    if violations:
        raise UnsafeArchiveError(
            "Refused while building a model from its config: the config made tholos try an "
            "outside action.",
            expected="no file, network or process access while loading a config",
            received=violations[0].splitlines()[-1].strip(),
        ) from failure
    if failure is not None:
        raise failure


__all__ = [
    "PATH_KEYS",
    "disable_unsafe_deserialization",
    "enable_unsafe_deserialization",
    "guard",
    "in_safe_mode",
    "safe_mode_scope",
    "scan_config",
    "unsafe_deserialization_enabled",
]
