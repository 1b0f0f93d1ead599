"""tholos-conformance: a pytest plugin that checks a backend against the NumPy reference."""

__version__ = "0.1.0"
