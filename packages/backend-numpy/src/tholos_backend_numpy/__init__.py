"""tholos NumPy backend: the float64 reference. See ``plugin.py`` for the entry point."""

__version__ = "0.1.0"
