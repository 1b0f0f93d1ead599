"""Plugin discovery: find backends through entry points, load and validate them.

Discovery imports every entry-point module of the group ``tholos.backends`` (light modules that
must not import their framework) and asks each, through pluggy, for its :class:`BackendSpec`.
A module that raises is recorded as *broken* and never breaks ``import tholos``: its error is
raised when that backend is selected and shown by :func:`list_backends`.

Loading (on first use of a backend) calls ``spec.load()`` and validates the returned object
against every Protocol of :mod:`tholos.backend.contract` before any op runs.
"""

from __future__ import annotations

import importlib.metadata
import traceback
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pluggy

from tholos.backend import hookspec
from tholos.backend._spec import BackendSpec
from tholos.errors import (
    BackendError,
    BackendLoadError,
    BackendNotFoundError,
    BackendValidationError,
    UnsupportedOpError,
)

ENTRY_POINT_GROUP = "tholos.backends"
OP_FAMILIES = ("core", "numpy", "nn", "linalg", "math", "image", "random")
INSTALL_HINT = 'pip install "tholos[jax]"  (or tholos[numpy], tholos[torch], tholos[tensorflow])'


@dataclass
class BackendInfo:
    """What discovery knows about one backend (see :func:`tholos.backend.list_backends`).

    status: ``"available"`` (declared, not loaded yet), ``"loaded"``, ``"broken"`` (its plugin
    module or its ``load()`` raised) or ``"invalid"`` (loaded but fails the contract).
    """

    name: str
    distribution: str | None
    version: str | None
    entry_point: str | None
    status: str
    error: str | None = None
    spec: BackendSpec | None = None

    def __str__(self) -> str:
        dist = f"{self.distribution} {self.version}" if self.distribution else "(in process)"
        line = f"{self.name:<12} {dist:<36} {self.status}"
        if self.error:
            line += f": {self.error.strip().splitlines()[-1]}"
        return line


class LoadedBackend:
    """A validated backend: its families as attribute namespaces, and one flat op table.

    ``ops`` maps every op name of every family to the backend's function (or to a function
    raising :class:`UnsupportedOpError` for declared gaps). The public ``tholos.ops`` functions
    call through this table.
    """

    def __init__(self, name: str, impl: Any, families: dict[str, types.SimpleNamespace]):
        self.name = name
        self.impl = impl
        self.families = families
        for family, namespace in families.items():
            setattr(self, family, namespace)
        self.Variable = impl.Variable
        self.devices = impl.devices
        self.trainer = impl.trainer
        # optional: a class every Layer instantiated under this backend also derives from
        # (see tholos.backend.contract.Backend and Layer.__new__)
        self.layer_mixin = getattr(impl, "layer_mixin", None)
        self.unsupported = dict(getattr(impl, "unsupported", {}) or {})
        self.ops: dict[str, Callable[..., Any]] = {}
        for family in OP_FAMILIES:
            for op_name, fn in vars(families[family]).items():
                self.ops.setdefault(op_name, fn)
                self.ops[f"{family}.{op_name}"] = fn

    def __repr__(self) -> str:
        return f"<LoadedBackend {self.name!r}>"


def _unsupported(backend: str, qualname: str, reason: str) -> Callable[..., Any]:
    def raise_unsupported(*args: Any, **kwargs: Any) -> Any:
        raise UnsupportedOpError(
            f"ops.{qualname.split('.', 1)[1]} is not supported by backend {backend!r}.",
            received=f"backend {backend!r}",
            expected="a backend that implements it",
            hint=f"{reason} Switch backend, e.g. `with tholos.config.use_backend('numpy'):`.",
        )

    raise_unsupported.__name__ = qualname.split(".", 1)[1]
    return raise_unsupported


def validate(name: str, impl: Any) -> dict[str, types.SimpleNamespace]:
    """Check ``impl`` against every Protocol of the contract; return its family namespaces.

    Raises :class:`BackendValidationError` naming the plugin and every missing name.
    """
    from tholos.backend.contract import FAMILIES, ops_of

    unsupported = dict(getattr(impl, "unsupported", {}) or {})
    missing: list[str] = []
    for attr in ("Variable", "devices", "trainer"):
        if getattr(impl, attr, None) is None:
            missing.append(attr)
    families: dict[str, types.SimpleNamespace] = {}
    for family in OP_FAMILIES:
        source = getattr(impl, family, None)
        table = {}
        for op_name in ops_of(FAMILIES[family], family):
            qualname = f"{family}.{op_name}"
            fn = getattr(source, op_name, None) if source is not None else None
            if callable(fn):
                table[op_name] = fn
            elif qualname in unsupported:
                table[op_name] = _unsupported(name, qualname, unsupported[qualname])
            else:
                missing.append(qualname)
        families[family] = types.SimpleNamespace(**table)
    for family in ("devices", "trainer"):
        source = getattr(impl, family, None)
        if source is None:
            continue
        for member in _protocol_methods(FAMILIES[family]):
            if not callable(getattr(source, member, None)):
                missing.append(f"{family}.{member}")
    if missing:
        raise BackendValidationError(
            f"Backend plugin {name!r} does not implement the tholos contract: "
            f"{len(missing)} required name(s) missing.",
            expected="every op of tholos.backend.contract, or an entry in the backend's "
            "`unsupported` mapping saying why not",
            received="missing: " + ", ".join(missing),
            hint="Implement them, or declare them in `unsupported = {'family.op': 'reason'}`.",
        )
    return families


def _protocol_methods(protocol: type) -> list[str]:
    return [n for n, v in vars(protocol).items() if callable(v) and not n.startswith("_")]


class Registry:
    """Discovered backends and the pluggy plugin manager that found them."""

    def __init__(self) -> None:
        self.plugin_manager = pluggy.PluginManager("tholos")
        self.plugin_manager.add_hookspecs(hookspec)
        self._infos: dict[str, BackendInfo] | None = None
        self._loaded: dict[str, LoadedBackend] = {}

    # -- discovery -------------------------------------------------------------------------
    def infos(self) -> dict[str, BackendInfo]:
        if self._infos is None:
            self._infos = {}
            for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
                self._discover(ep)
        return self._infos

    def _discover(self, ep: importlib.metadata.EntryPoint) -> None:
        dist = getattr(ep, "dist", None)
        base = {
            "distribution": dist.name if dist else None,
            "version": dist.version if dist else None,
            "entry_point": ep.value,
        }
        try:
            module = ep.load()
            self.plugin_manager.register(module, name=f"{ENTRY_POINT_GROUP}:{ep.name}")
            spec = module.tholos_backend()
        except Exception:
            self._infos[ep.name] = BackendInfo(
                name=ep.name, status="broken", error=traceback.format_exc(), **base
            )
            return
        self._add_spec(spec, default_name=ep.name, **base)

    def _add_spec(self, spec: Any, default_name: str, **base: Any) -> None:
        if not isinstance(spec, BackendSpec):
            self._infos[default_name] = BackendInfo(
                name=default_name,
                status="broken",
                error=f"tholos_backend() returned {type(spec).__name__}, expected BackendSpec",
                **base,
            )
            return
        self._infos[spec.name] = BackendInfo(name=spec.name, status="available", spec=spec, **base)

    def register(self, plugin: Any, name: str | None = None) -> str:
        """Register an in-process plugin object (a module or object with ``tholos_backend``)."""
        self.infos()
        self.plugin_manager.register(plugin, name=name)
        spec = plugin.tholos_backend()
        spec_name = getattr(spec, "name", None) or name or "plugin"
        self._add_spec(spec, spec_name, distribution=None, version=None, entry_point=None)
        self._loaded.pop(spec_name, None)
        return spec_name

    def unregister(self, name: str) -> None:
        """Forget an in-process backend (tests use this)."""
        self.infos().pop(name, None)
        self._loaded.pop(name, None)

    # -- loading ---------------------------------------------------------------------------
    def names(self) -> list[str]:
        return sorted(self.infos())

    def get(self, name: str) -> LoadedBackend:
        """The loaded and validated backend ``name`` (loads it on first call)."""
        loaded = self._loaded.get(name)
        if loaded is not None:
            return loaded
        info = self.infos().get(name)
        if info is None:
            installed = ", ".join(self.names()) or "none"
            raise BackendNotFoundError(
                f"No backend named {name!r} is installed.",
                expected=f"one of: {installed}",
                received=repr(name),
                hint=f'pip install "tholos[{name}]"'
                if name in ("numpy", "jax", "torch", "tensorflow")
                else "Install the distribution that provides it.",
            )
        if info.status == "broken" and info.spec is None:
            raise BackendLoadError(
                f"The plugin for backend {name!r} ({info.distribution} {info.version}) "
                "failed to import.",
                expected="an importable entry-point module",
                received=(info.error or "").strip().splitlines()[-1],
                hint=f"Reinstall or upgrade {info.distribution}. Full traceback:\n{info.error}",
            )
        if info.status == "invalid":
            raise BackendValidationError(info.error or f"Backend {name!r} is invalid.")
        try:
            impl = info.spec.load()
        except BackendError as err:
            info.status, info.error = "broken", str(err)
            raise
        except Exception as err:
            info.status, info.error = "broken", traceback.format_exc()
            raise BackendLoadError(
                f"Backend {name!r} failed to load.",
                expected="its framework to import",
                received=f"{type(err).__name__}: {err}",
                hint=info.spec.install_hint or f"Reinstall {info.distribution}.",
            ) from err
        try:
            families = validate(name, impl)
        except BackendValidationError as err:
            info.status, info.error = "invalid", str(err)
            raise
        loaded = LoadedBackend(name, impl, families)
        info.status = "loaded"
        self._loaded[name] = loaded
        return loaded

    def default_name(self) -> str:
        """The installed backend with the highest priority that loads and validates."""
        candidates = sorted(
            (i for i in self.infos().values() if i.spec is not None),
            key=lambda i: (-i.spec.priority, i.name),
        )
        errors = []
        for info in candidates:
            try:
                self.get(info.name)
                return info.name
            except BackendError as err:
                errors.append(f"{info.name}: {str(err).splitlines()[0]}")
        raise BackendNotFoundError(
            "No usable tholos backend is installed.",
            expected="at least one backend plugin",
            received="; ".join(errors)
            if errors
            else f"no plugin in entry-point group {ENTRY_POINT_GROUP!r}",
            hint=INSTALL_HINT,
        )


REGISTRY = Registry()
