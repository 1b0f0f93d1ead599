"""Generate the public ``tholos.ops`` functions from the contract's Protocols.

Each public op has the name, signature and docstring of its Protocol method. A call:

1. goes to the symbolic path when an argument is a :class:`KerasTensor` (the op becomes a node
   of a Functional graph; its output spec is inferred by running the backend on placeholders);
2. otherwise calls the active backend's function through ``_state.OP_TABLE`` (one dict lookup);
3. turns a backend's ``ValueError``/``TypeError``/``IndexError`` into an :class:`OpInputError`
   that names the op, shows the signature it expected and describes what it received.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from tholos.backend import _state
from tholos.backend._symbolic import KerasTensor, any_symbolic
from tholos.backend.contract import FAMILIES, OpSpec, ops_of
from tholos.errors import OpInputError, OpTypeError, TholosError

OP_FAMILIES = ("core", "numpy", "nn", "linalg", "math", "image")


def describe(value: Any) -> str:
    """A short description of an op argument for error messages."""
    shape = getattr(value, "shape", None)
    dtype = getattr(value, "dtype", None)
    if shape is not None and dtype is not None and not isinstance(value, type):
        return f"{type(value).__name__}(shape={tuple(shape)}, dtype={dtype})"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _received(args: tuple[Any, ...], kwargs: dict[str, Any], sig: inspect.Signature) -> str:
    try:
        bound = sig.bind_partial(*args, **kwargs)
        items = bound.arguments.items()
    except TypeError:
        items = [(f"arg{i}", a) for i, a in enumerate(args)] + list(kwargs.items())
    return ", ".join(f"{k}={describe(v)}" for k, v in items)


def plain_signature(sig: inspect.Signature) -> str:
    """``sig`` without annotations: ``(x, axis=None)``."""
    return str(
        sig.replace(
            parameters=[p.replace(annotation=p.empty) for p in sig.parameters.values()],
            return_annotation=sig.empty,
        )
    )


def op_error(
    name: str, sig: inspect.Signature, args: tuple, kwargs: dict, err: Exception
) -> OpInputError:
    cls = OpTypeError if isinstance(err, TypeError) else OpInputError
    return cls(
        f"ops.{name} failed on the active backend ({_state.current().name}): {err}",
        expected=f"ops.{name}{plain_signature(sig)}",
        received=_received(args, kwargs, sig),
        hint=f"See help(tholos.ops.{name}) for what each argument accepts.",
    )


# Ops that read static facts of a symbolic tensor instead of computing anything.
_STATIC_FACTS: dict[str, Callable[[KerasTensor], Any]] = {
    "shape": lambda x: x.shape,
    "dtype": lambda x: x.dtype,
    "ndim": lambda x: x.ndim,
}


def _symbolic_call(spec: OpSpec, public: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    fact = _STATIC_FACTS.get(spec.name)
    if fact is not None and len(args) == 1 and isinstance(args[0], KerasTensor):
        return fact(args[0])
    if not spec.symbolic:
        raise OpInputError(
            f"ops.{spec.name} cannot run on symbolic tensors: its output shape depends on "
            "input values.",
            expected="concrete tensors",
            received=", ".join(describe(a) for a in args),
            hint="Call it inside a layer's call() on real data instead.",
        )
    from tholos.ops._symbolic_op import symbolic_op_call

    return symbolic_op_call(spec.name, public, args, kwargs)


def make_public_op(spec: OpSpec) -> Callable[..., Any]:
    """The public function for one op of the contract."""
    name = spec.name
    table = _state.OP_TABLE
    signature = inspect.signature(spec.function)
    signature = signature.replace(parameters=list(signature.parameters.values())[1:])

    def public(*args: Any, **kwargs: Any) -> Any:
        if any_symbolic(args, kwargs):
            return _symbolic_call(spec, public, args, kwargs)
        try:
            fn = table[name]
        except KeyError:
            _state.current()
            fn = table[name]
        try:
            return fn(*args, **kwargs)
        except TholosError:
            raise
        except (ValueError, TypeError, IndexError) as err:
            raise op_error(name, signature, args, kwargs, err) from err

    public.__name__ = name
    public.__qualname__ = name
    public.__module__ = f"tholos.ops.{spec.family}"
    public.__doc__ = spec.function.__doc__
    public.__signature__ = signature  # type: ignore[attr-defined]
    public.__wrapped_spec__ = spec  # type: ignore[attr-defined]
    return public


def _build() -> dict[str, dict[str, Callable[..., Any]]]:
    by_family: dict[str, dict[str, Callable[..., Any]]] = {}
    for family in OP_FAMILIES:
        by_family[family] = {
            name: make_public_op(spec) for name, spec in ops_of(FAMILIES[family], family).items()
        }
    return by_family


# Keras 3 names that are the same op under another name.
ALIASES = {"nn": {"swish": "silu", "hard_swish": "hard_silu"}}

PUBLIC_OPS = _build()
for _family, _aliases in ALIASES.items():
    for _alias, _target in _aliases.items():
        if _target in PUBLIC_OPS[_family] and _alias not in PUBLIC_OPS[_family]:
            PUBLIC_OPS[_family][_alias] = PUBLIC_OPS[_family][_target]
"""``{family: {op name: public function}}`` for every op family of the contract."""


def all_public_ops() -> dict[str, Callable[..., Any]]:
    """Every public op by name (the first family declaring a name wins)."""
    flat: dict[str, Callable[..., Any]] = {}
    for family in OP_FAMILIES:
        for name, fn in PUBLIC_OPS[family].items():
            flat.setdefault(name, fn)
    return flat


__all__ = ["KerasTensor", "PUBLIC_OPS", "all_public_ops", "describe", "make_public_op"]
