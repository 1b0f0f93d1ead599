"""tholos jax backend. See ``plugin.py`` for the entry point.

Importing this package imports no JAX. It only sets ``XLA_PYTHON_CLIENT_PREALLOCATE=false``
(unless the user already set it) so that, when JAX is imported later, it does not reserve
most of the GPU's memory up front.
"""

import os as _os

_os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")

__version__ = "0.1.0"
