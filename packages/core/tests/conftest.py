"""Core tests run on the NumPy reference backend."""

import os

os.environ.setdefault("THOLOS_BACKEND", "numpy")
