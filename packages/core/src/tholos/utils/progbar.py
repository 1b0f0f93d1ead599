"""Keras-style progress output for ``fit``, ``evaluate`` and ``predict``.

Three verbosities:

- ``verbose=1``: a live bar redrawn in place (``\\r``) on terminals and notebooks, with the ETA
  while running and the elapsed time at the end::

      399/399 ━━━━━━━━━━━━━━━━━━━━ 7s 17ms/step - acc: 0.7492 - loss: 0.7412

  Where output is not interactive (a log file, a pipe) only the final line is written.
- ``verbose=2``: one line when the epoch (or evaluation/prediction) ends::

      399/399 - 7s - 17ms/step - acc: 0.7492 - loss: 0.7412 - val_acc: 0.9648 - val_loss: 0.1175

- ``verbose=0``: silent.

Metric values are shown as given (the trainer already passes running means), with 4 decimals,
or in ``e`` notation when ``abs(value) <= 1e-3``.

>>> bar = Progbar(target=3, verbose=2)
>>> for step in (1, 2, 3):
...     bar.update(step, [("loss", 0.5)])  # doctest: +ELLIPSIS
3/3 - 0s - ...s/step - loss: 0.5000
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Iterable
from typing import Any

_FILLED = "\u2501"  # heavy horizontal line, as in Keras 3's bar


def is_interactive() -> bool:
    """True when stdout is a terminal or a notebook front end (the bar can redraw in place)."""
    if "ipykernel" in sys.modules or "google.colab" in sys.modules:
        return True
    stream = sys.stdout
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def resolve_verbose(verbose: Any) -> int:
    """Turn ``"auto"`` into a number: 1 where the bar can redraw in place, 2 otherwise.

    Keras 3 maps ``"auto"`` to 1; in a non-interactive context (CI logs, ``nohup``, rendered
    documents) a redrawn bar is useless, so tholos prints one line per epoch there, the output
    that rendered Keras guides show.
    """
    if verbose == "auto":
        return 1 if is_interactive() else 2
    if verbose in (0, 1, 2) or verbose is False or verbose is True:
        return int(verbose)
    raise ValueError(f"verbose must be 0, 1, 2 or 'auto'; received {verbose!r}.")


def print_msg(message: str, line_break: bool = True) -> None:
    """Write ``message`` to the current ``sys.stdout`` and flush."""
    stream = sys.stdout
    stream.write(message + ("\n" if line_break else ""))
    stream.flush()


def format_value(value: Any) -> str:
    """``0.7412`` style for ordinary values, ``1.2345e-04`` style for tiny ones."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if abs(number) > 1e-3:
        return f"{number:.4f}"
    return f"{number:.4e}"


def format_step_time(seconds: float, unit_name: str = "step") -> str:
    """``2s/step``, ``17ms/step`` or ``350us/step``."""
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit_name}"
    return f"{seconds * 1e6:.0f}us/{unit_name}"


def format_eta(seconds: float) -> str:
    """``1:02:03``, ``2:05`` or ``7s``."""
    seconds = round(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}:{(seconds % 3600) // 60:02d}:{seconds % 60:02d}"
    if seconds >= 60:
        return f"{seconds // 60}:{seconds % 60:02d}"
    return f"{seconds}s"


class Progbar:
    """A progress bar over ``target`` steps (``None``: unknown length).

    Args:
        target: total number of steps, or ``None``.
        width: characters of the bar.
        verbose: 0, 1 or 2 (see the module docstring).
        interval: minimum seconds between two redraws with ``verbose=1``.
        stateful_metrics: accepted for compatibility; every value is displayed as given.
        unit_name: the unit of the per-step time (``"step"``).
    """

    def __init__(
        self,
        target: int | None,
        width: int = 20,
        verbose: int = 1,
        interval: float = 0.05,
        stateful_metrics: Iterable[str] | None = None,
        unit_name: str = "step",
    ) -> None:
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.stateful_metrics = set(stateful_metrics or ())
        self.unit_name = unit_name
        self._dynamic = is_interactive()
        self._colors = self._dynamic and os.environ.get("NO_COLOR") is None
        self._values: dict[str, Any] = {}
        self._order: list[str] = []
        self._start = time.time()
        self._first_step_done_at: float | None = None
        self._last_draw = 0.0
        self._drawn_width = 0
        self._seen = 0
        self._finalized = False

    # -- public API --------------------------------------------------------------------------
    def update(
        self,
        current: int,
        values: Iterable[tuple[str, Any]] | None = None,
        finalize: bool | None = None,
    ) -> None:
        """Record that ``current`` steps are done, with the latest ``values`` (name, value)."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or ():
            if name not in self._order:
                self._order.append(name)
            self._values[name] = value
        now = time.time()
        if current >= 1 and self._first_step_done_at is None:
            self._first_step_done_at = now
        self._seen = current
        if self.verbose == 0 or self._finalized:
            return
        if self.verbose == 1:
            if finalize or (self._dynamic and now - self._last_draw >= self.interval):
                self._draw_live(current, now, finalize)
                self._last_draw = now
        elif self.verbose == 2 and finalize:
            print_msg(self._summary_line(current, now))
        if finalize:
            self._finalized = True

    def add(self, n: int, values: Iterable[tuple[str, Any]] | None = None) -> None:
        """Advance by ``n`` steps."""
        self.update(self._seen + n, values)

    # -- rendering ---------------------------------------------------------------------------
    def _time_per_step(self, current: int, now: float) -> float:
        if current <= 0:
            return 0.0
        # The first step carries start-up (compilation, caching) costs; leave it out once
        # there is more than one step to average over.
        if self._first_step_done_at is not None and current > 1:
            return (now - self._first_step_done_at) / (current - 1)
        return (now - self._start) / current

    def _counter(self, current: int) -> str:
        if self.target is None:
            return f"{current}/Unknown"
        digits = int(math.log10(max(self.target, 1))) + 1
        return f"{current:>{digits}}/{self.target}"

    def _metrics_text(self) -> str:
        return "".join(f" - {name}: {format_value(self._values[name])}" for name in self._order)

    def _bar(self, current: int) -> str:
        if self.target is None or self.target <= 0:
            return ""
        done = int(self.width * min(current, self.target) / self.target)
        if self._colors:
            filled = f"\x1b[32m{_FILLED * done}\x1b[0m" if done else ""
            rest = f"\x1b[37m{_FILLED * (self.width - done)}\x1b[0m"
            return " " + filled + rest
        return " " + _FILLED * done + "\u2500" * (self.width - done)

    def _draw_live(self, current: int, now: float, finalize: bool) -> None:
        per_step = self._time_per_step(current, now)
        if finalize:
            timing = f" {now - self._start:.0f}s {format_step_time(per_step, self.unit_name)}"
        elif self.target is not None:
            timing = f" {format_eta(per_step * (self.target - current))}"
            timing += f" {format_step_time(per_step, self.unit_name)}"
        else:
            timing = f" {format_step_time(per_step, self.unit_name)}"
        line = self._counter(current) + self._bar(current) + timing + self._metrics_text()
        if self._dynamic:
            pad = max(self._drawn_width - len(line), 0)
            sys.stdout.write("\r" + line + " " * pad)
            self._drawn_width = len(line)
            if finalize:
                sys.stdout.write("\n")
            sys.stdout.flush()
        elif finalize:
            print_msg(line)

    def _summary_line(self, current: int, now: float) -> str:
        per_step = self._time_per_step(current, now)
        return (
            f"{self._counter(current).strip()} - {now - self._start:.0f}s - "
            f"{format_step_time(per_step, self.unit_name)}{self._metrics_text()}"
        )


__all__ = ["Progbar", "format_value", "is_interactive", "print_msg", "resolve_verbose"]
