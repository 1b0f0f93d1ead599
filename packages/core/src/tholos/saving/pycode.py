"""Python functions stored as source text (for ``Lambda`` layers), never as bytecode.

``function_to_config`` keeps the function's source; ``function_from_config`` compiles it again,
and only outside safe mode (``load_model(..., safe_mode=False)``). The rebuilt function sees
``ops`` (tholos.ops), ``np``/``numpy``, and ``tholos``/``keras`` as globals; closures are not
supported. No pickle or marshal is involved.

>>> cfg = function_to_config(lambda x: x * 2)
>>> cfg["class_name"], cfg["config"]["source"]
('__lambda__', 'lambda x: x * 2')
>>> from tholos.saving.safe_mode import safe_mode_scope
>>> with safe_mode_scope(False):
...     function_from_config(cfg)(21)
42
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable
from typing import Any

from tholos.errors import SavingError, UnsafeDeserializationError
from tholos.saving.safe_mode import in_safe_mode


def _cannot(fn: Any, why: str) -> SavingError:
    return SavingError(
        f"Cannot save the Python function {getattr(fn, '__name__', fn)!r}: {why}.",
        expected="a function whose source can be recovered, or a registered function",
        received=repr(fn)[:200],
        hint="Prefer a named function registered with @tholos.saving.register_serializable().",
    )


def function_to_config(fn: Callable[..., Any]) -> dict[str, Any]:
    """``{"class_name": "__lambda__", "config": {"source": ..., "name": ...}}`` for ``fn``."""
    code = getattr(fn, "__code__", None)
    if code is None:
        raise _cannot(fn, "it is not a plain Python function")
    if code.co_freevars:
        raise _cannot(fn, f"it closes over {code.co_freevars}")
    try:
        source = textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError) as err:
        raise _cannot(fn, "its source is not available") from err
    if fn.__name__ == "<lambda>":
        source = _lambda_source(fn, source)
    else:
        tree = _parse(fn, source)
        if not tree.body or not isinstance(tree.body[0], ast.FunctionDef):
            raise _cannot(fn, "its source is not a single def")
        if tree.body[0].decorator_list:
            raise _cannot(fn, "it is decorated")
    return {
        "class_name": "__lambda__",
        "config": {"source": source.strip(), "name": fn.__name__, "language": "python"},
    }


def _parse(fn: Any, source: str) -> ast.Module:
    try:
        return ast.parse(source)
    except SyntaxError as err:
        raise _cannot(fn, "its source cannot be isolated") from err


def _lambda_source(fn: Any, source: str) -> str:
    lines = source.splitlines()
    tree = None
    # the lambda may sit inside a larger statement cut mid-way: trim lines until it parses
    for end in range(len(lines), 0, -1):
        chunk = "\n".join(lines[:end])
        for candidate in (chunk, "(" + chunk.strip().rstrip(",") + ")"):
            try:
                tree = ast.parse(candidate)
                source = candidate
                break
            except SyntaxError:
                continue
        if tree is not None:
            break
    if tree is None:
        raise _cannot(fn, "its source cannot be isolated")
    nodes = [n for n in ast.walk(tree) if isinstance(n, ast.Lambda)]
    argnames = fn.__code__.co_varnames[: fn.__code__.co_argcount]
    nodes = [n for n in nodes if tuple(a.arg for a in n.args.args) == argnames]
    if len(nodes) != 1:
        raise _cannot(fn, "its line holds several lambdas")
    segment = ast.get_source_segment(source, nodes[0])
    if segment is None:
        raise _cannot(fn, "its source cannot be isolated")
    return segment


def _namespace() -> dict[str, Any]:
    import numpy

    import tholos
    from tholos import ops

    return {"ops": ops, "np": numpy, "numpy": numpy, "tholos": tholos, "keras": tholos}


def function_from_config(config: dict[str, Any]) -> Callable[..., Any]:
    """Compile a ``__lambda__`` config's source; refused in safe mode."""
    if in_safe_mode():
        raise UnsafeDeserializationError(
            "Refusing to run Python code from a model file in safe mode.",
            expected="safe_mode=False (only for files you trust)",
            received="a Python lambda",
        )
    inner = config.get("config") if isinstance(config, dict) else None
    source = inner.get("source") if isinstance(inner, dict) else None
    if not isinstance(source, str):
        raise UnsafeDeserializationError(
            "Unreadable Python function in a model config.",
            expected="{'class_name': '__lambda__', 'config': {'source': ...}}",
            received=repr(config)[:200],
        )
    namespace = _namespace()
    try:
        tree = ast.parse(source)
        if len(tree.body) == 1 and isinstance(tree.body[0], ast.Expr):
            fn = eval(compile(source, "<tholos lambda>", "eval"), namespace)
        else:
            exec(compile(source, "<tholos function>", "exec"), namespace)
            fn = namespace.get(inner.get("name", ""))
    except SyntaxError as err:
        raise UnsafeDeserializationError(
            "The Python function in the model config does not compile.",
            expected="valid Python source",
            received=str(err),
        ) from err
    if not callable(fn):
        raise UnsafeDeserializationError(
            "The Python source in the model config does not define a function.",
            expected="a lambda expression or a def",
            received=source[:200],
        )
    return fn


__all__ = ["function_from_config", "function_to_config"]
