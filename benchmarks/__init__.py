"""tholos benchmarks: tholos against hand-written native code and Keras 3, per backend.

Run ``python -m benchmarks --help`` (or ``nox -s bench``); see ``benchmarks/README.md``.
Nothing here is imported by tholos or its tests, and this package imports no framework at
module level: each measured party runs in its own worker process (``benchmarks._worker``),
possibly under another interpreter.
"""
