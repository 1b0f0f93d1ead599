"""Scopes that change what reading and assigning a Variable means.

- :class:`StatelessScope`: variables read the values given to the scope, and assignments are
  recorded in ``scope.updates`` instead of being applied. Compiled and differentiated steps call
  a whole model on explicit weight values this way (``Layer.stateless_call``).
- :func:`name_scope`: Variables created inside get a path ``"outer/inner/name"``.
- :class:`AutocastScope`: float Variables read inside are cast to the scope's dtype
  (mixed precision: float32 weights used in float16 compute).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import Any

_stateless_stack: list[StatelessScope] = []
_name_stack: list[str] = []
_autocast_stack: list[str | None] = []


class StatelessScope:
    """Read variables from ``state_mapping``; record assignments instead of applying them.

    >>> import tholos
    >>> v = tholos.Variable(1.0)
    >>> with StatelessScope([(v, 5.0)]) as scope:
    ...     _ = v.assign(v.value * 2)
    ...     float(v.value)
    10.0
    >>> float(v.value), float(scope.get_current_value(v))
    (1.0, 10.0)
    """

    def __init__(
        self,
        state_mapping: Iterable[tuple[Any, Any]] | None = None,
        collect_losses: bool = False,
    ) -> None:
        self._values: dict[int, Any] = {}
        self._variables: dict[int, Any] = {}
        for variable, value in state_mapping or ():
            self._values[id(variable)] = variable._convert_to_tensor(value, variable.dtype)
            self._variables[id(variable)] = variable
        self._updates: dict[int, Any] = {}
        self.collect_losses = collect_losses
        self.losses: list[Any] = []

    def get_current_value(self, variable: Any) -> Any:
        """The value ``variable`` has inside this scope (``None`` if the scope does not know it)."""
        key = id(variable)
        if key in self._updates:
            return self._updates[key]
        return self._values.get(key)

    def get_update(self, variable: Any) -> Any:
        """The value assigned to ``variable`` inside this scope (``None`` if not assigned)."""
        return self._updates.get(id(variable))

    def add_update(self, variable: Any, value: Any) -> None:
        self._variables[id(variable)] = variable
        self._updates[id(variable)] = value

    @property
    def updates(self) -> dict[Any, Any]:
        """``{variable: new_value}`` for every variable assigned inside the scope."""
        return {self._variables[k]: v for k, v in self._updates.items()}

    def add_loss(self, loss: Any) -> None:
        self.losses.append(loss)

    def __enter__(self) -> StatelessScope:
        _stateless_stack.append(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        _stateless_stack.pop()


def get_stateless_scope() -> StatelessScope | None:
    """The innermost active :class:`StatelessScope`, or ``None``."""
    return _stateless_stack[-1] if _stateless_stack else None


def in_stateless_scope() -> bool:
    return bool(_stateless_stack)


@contextlib.contextmanager
def name_scope(name: str) -> Iterator[str]:
    """Prefix the path of Variables created inside with ``name``.

    >>> import tholos
    >>> with name_scope("dense"):
    ...     tholos.Variable(0.0, name="bias").path
    'dense/bias'
    """
    _name_stack.append(name)
    try:
        yield "/".join(_name_stack)
    finally:
        _name_stack.pop()


def current_path() -> str:
    return "/".join(_name_stack)


class AutocastScope:
    """Inside, float Variables with ``autocast=True`` read as ``dtype`` (``None``: no casting)."""

    def __init__(self, dtype: str | None) -> None:
        self.dtype = dtype

    def __enter__(self) -> AutocastScope:
        _autocast_stack.append(self.dtype)
        return self

    def __exit__(self, *exc: Any) -> None:
        _autocast_stack.pop()


def autocast_dtype() -> str | None:
    return _autocast_stack[-1] if _autocast_stack else None
