"""Training loop: ``Trainer`` (``compile``/``fit``/``evaluate``/``predict``), data adapters."""

from tholos.trainers.trainer import NotCompiledError, Trainer

__all__ = ["NotCompiledError", "Trainer"]
