"""tholos torch backend. See ``plugin.py`` for the entry point (light: no torch import).

``TorchModuleWrapper`` and ``as_torch_module`` are imported lazily (they import torch).
"""

__version__ = "0.1.0"


def __getattr__(name):
    if name in ("TorchModuleWrapper", "as_torch_module", "TorchModuleMixin"):
        from tholos_backend_torch import modules

        return getattr(modules, name)
    raise AttributeError(f"module 'tholos_backend_torch' has no attribute {name!r}")
