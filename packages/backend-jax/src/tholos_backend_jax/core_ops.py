"""Core ops of the JAX backend: conversion, casting, control flow, scatter and slicing.

Control flow uses ``jax.lax`` (``cond``, ``switch``, ``while_loop``, ``scan``...) so it compiles
under ``jax.jit``; when the predicate/index is a concrete value the branch is chosen in Python,
which also allows branches of different structure outside compiled code.
"""

from __future__ import annotations

import builtins

import jax
import jax.numpy as jnp
import numpy as onp
from jax import lax

from tholos import tree
from tholos.backend.dtypes import ALLOWED_DTYPES, FLOAT_TYPES, result_type, standardize_dtype
from tholos.errors import DtypeError, OpInputError
from tholos_backend_jax._convert import (
    PY_SCALARS,
    TracedValueError,
    canon,
    concrete,
    dtype_name,
    is_variable,
    to_array,
)
from tholos_backend_jax._convert import (
    cast as _cast,
)

_NUMERIC_KINDS = "biufc"

# ----------------------------------------------------------------------------- conversion


def _int_overflow(x):
    return OpInputError(
        "ops.convert_to_tensor: a Python int does not fit the default int32.",
        expected="values in the int32 range",
        received=repr(x)[:80],
        hint='Pass dtype="int64" (with jax_enable_x64 on).',
    )


def _only_python_scalars(x) -> bool:
    if isinstance(x, (list, tuple)):
        return builtins.all(_only_python_scalars(e) for e in x)
    return type(x) in PY_SCALARS


def _check_np_dtype(arr, original=None):
    try:
        standardize_dtype(arr.dtype)
    except DtypeError as err:
        source = type(arr if original is None else original).__name__
        raise OpInputError(
            "ops.convert_to_tensor: the value has no tholos dtype.",
            expected=f"numeric or bool data ({', '.join(ALLOWED_DTYPES)})",
            received=f"dtype {arr.dtype} from {source}",
        ) from err


def _from_sequence(x):
    if _only_python_scalars(x):
        try:
            arr = onp.asarray(x)
        except ValueError as err:
            raise OpInputError(
                "ops.convert_to_tensor: nested sequence elements have different shapes.",
                expected="a rectangular nested sequence",
                received=repr(x)[:80],
            ) from err
        if arr.dtype.kind == "O" or arr.dtype.kind not in _NUMERIC_KINDS:
            _check_np_dtype(arr, x)
        try:
            return to_array(x)
        except OverflowError as err:
            raise _int_overflow(x) from err
    parts = [convert_to_tensor(e) if type(e) not in PY_SCALARS else e for e in x]
    dtype = canon(result_type(*parts))
    arrays = [_cast(p, dtype) for p in parts]
    shapes = {tuple(a.shape) for a in arrays}
    if len(shapes) > 1:
        raise OpInputError(
            "ops.convert_to_tensor: nested sequence elements have different shapes.",
            expected="a rectangular nested sequence",
            received=f"element shapes {sorted(shapes)}",
        )
    return jnp.stack(arrays) if arrays else jnp.zeros((0,), dtype)


def _from_foreign(x):
    """A JAX array for a foreign array (torch, cupy, ...): DLPack first, then fallbacks."""
    errors = (BufferError, RuntimeError, TypeError, ValueError, AttributeError)
    if hasattr(x, "__dlpack__"):
        try:
            return jnp.from_dlpack(x)
        except errors:
            pass
        obj = x
        for method in ("detach", "cpu"):
            fn = getattr(obj, method, None)
            if callable(fn):
                try:
                    obj = fn()
                except errors:
                    break
        if obj is not x:
            try:
                return jnp.from_dlpack(obj)
            except errors:
                pass
        x = obj
    try:
        import array_api_compat
    except ImportError:  # pragma: no cover
        array_api_compat = None
    if array_api_compat is not None and array_api_compat.is_array_api_obj(x):
        try:
            return jnp.asarray(onp.asarray(array_api_compat.to_device(x, "cpu")))
        except errors:
            pass
    if hasattr(x, "__array__"):
        arr = onp.asarray(x)
        _check_np_dtype(arr, x)
        return to_array(arr)
    raise OpInputError(
        "ops.convert_to_tensor: cannot convert this object to a tensor.",
        expected="a Python number or (nested) list, a NumPy or JAX array, a tholos Variable, "
        "or an array supporting __dlpack__ / __array__",
        received=f"an object of type {type(x).__name__}",
    )


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    if isinstance(x, jax.Array) and not sparse and not ragged:
        if dtype is None:
            return x  # fast path (tracers included)
        return _cast(x, dtype)
    if sparse:
        raise OpInputError(
            "ops.convert_to_tensor: the JAX backend has no sparse tensors.",
            expected="sparse=None or False",
            received=f"sparse={sparse!r}",
            hint="Densify the input first.",
        )
    if ragged:
        raise OpInputError(
            "ops.convert_to_tensor: the JAX backend has no ragged tensors.",
            expected="ragged=None or False",
            received=f"ragged={ragged!r}",
        )
    if is_variable(x):
        arr = to_array(x.value)
    elif isinstance(x, (onp.ndarray, onp.generic)):
        _check_np_dtype(x)
        arr = to_array(x)
    elif type(x) in PY_SCALARS or isinstance(x, PY_SCALARS):
        try:
            if dtype is not None:
                return to_array(x, standardize_dtype(dtype))
            return to_array(x)
        except OverflowError as err:
            raise _int_overflow(x) from err
    elif isinstance(x, (list, tuple)):
        arr = _from_sequence(x)
    elif x is None or isinstance(x, (str, bytes)):
        raise OpInputError(
            "ops.convert_to_tensor: the value has no numeric dtype.",
            expected="numbers, bools, or arrays of them",
            received=repr(x)[:80],
        )
    else:
        arr = _from_foreign(x)
    if dtype is not None:
        arr = _cast(arr, dtype)
    return arr


def convert_to_numpy(x):
    if isinstance(x, onp.ndarray):
        return x
    if is_variable(x):
        x = x.value
    if isinstance(x, jax.core.Tracer):
        value = concrete(x)
        if value is None:
            raise TracedValueError(
                "ops.convert_to_numpy: the value is being traced (inside jax.jit or a compiled "
                "step) and has no concrete value yet.",
                expected="a concrete tensor",
                received=f"a tracer of shape {tuple(x.shape)}",
                hint="Call it outside the compiled function, or use jax.debug.callback.",
            )
        return value
    if isinstance(x, jax.Array):
        return onp.asarray(x)
    return onp.asarray(convert_to_tensor(x))


def is_tensor(x):
    return isinstance(x, jax.Array)


def shape(x):
    if not hasattr(x, "shape") or is_variable(x):
        x = convert_to_tensor(x)
    return tuple(int(d) for d in x.shape)


def dtype(x):
    if not (isinstance(x, (jax.Array, onp.ndarray)) or is_variable(x)):
        x = convert_to_tensor(x)
    return standardize_dtype(x.dtype)


def cast(x, dtype):
    return _cast(convert_to_tensor(x), standardize_dtype(dtype))


def _int_range(name):
    info = onp.iinfo(name)
    return int(info.min), int(info.max)


def saturate_cast(x, dtype):
    x = convert_to_tensor(x)
    target = canon(dtype)
    source = dtype_name(x)
    if target == "bool" or source == "bool" or source.startswith("complex"):
        return _cast(x, target)
    if target in FLOAT_TYPES and source in FLOAT_TYPES:
        hi = float(jnp.finfo(target).max)
        if float(jnp.finfo(source).max) > hi:
            x = jnp.clip(x, -hi, hi)
        return _cast(x, target)
    if target in FLOAT_TYPES or target.startswith("complex"):
        return _cast(x, target)
    lo, hi = _int_range(target)
    if source in FLOAT_TYPES:
        fhi = onp.asarray(hi, source)
        if int(fhi) > hi:
            fhi = onp.nextafter(fhi, onp.asarray(0, source))
        flo = onp.asarray(lo, source)
        if int(flo) < lo:
            flo = onp.nextafter(flo, onp.asarray(0, source))
        clipped = jnp.clip(x, flo, fhi)
        clipped = jnp.where(jnp.isnan(x), jnp.zeros((), source), clipped)
        out = _cast(clipped, target)
        out = jnp.where(x > fhi, jnp.asarray(hi, target), out)
        return jnp.where(x < flo, jnp.asarray(lo, target), out)
    slo, shi = _int_range(source)
    lo, hi = builtins.max(lo, slo), builtins.min(hi, shi)
    if (lo, hi) != (slo, shi):
        x = jnp.clip(x, jnp.asarray(lo, source), jnp.asarray(hi, source))
    return _cast(x, target)


# ----------------------------------------------------------------------------- control flow


def _scalar(x, what):
    """(concrete Python value or None, tensor) for a predicate/index."""
    if type(x) in PY_SCALARS:
        return x, None
    t = convert_to_tensor(x)
    if t.size != 1:
        raise OpInputError(
            f"ops.{what}: the predicate/index must be a scalar.",
            expected="a tensor with one element",
            received=f"shape {tuple(t.shape)}",
        )
    t = jnp.reshape(t, ())
    value = None if isinstance(t, jax.core.Tracer) else t.item()
    if value is None:
        value_c = concrete(t)
        value = None if value_c is None else value_c.item()
    return value, t


def _as_tensors(structure):
    return tree.map_structure(lambda v: None if v is None else convert_to_tensor(v), structure)


def cond(pred, true_fn, false_fn):
    value, t = _scalar(pred, "cond")
    if value is not None:
        return true_fn() if bool(value) else false_fn()
    return lax.cond(t.astype(bool), lambda: _as_tensors(true_fn()), lambda: _as_tensors(false_fn()))


def switch(index, branches, *operands):
    if not branches:
        raise OpInputError(
            "ops.switch: no branches given.",
            expected="a non-empty list of callables",
            received="[]",
        )
    value, t = _scalar(index, "switch")
    if value is not None:
        i = builtins.min(builtins.max(int(value), 0), len(branches) - 1)
        return branches[i](*operands)
    wrapped = [lambda *ops, b=b: _as_tensors(b(*ops)) for b in branches]
    return lax.switch(t.astype("int32"), wrapped, *operands)


def _settle(init, carry_of):
    """Tensors for a loop's initial state whose Python-number leaves take the dtype the loop
    body gives them (``0`` summed with float64 values carries float64, as in the reference).

    ``carry_of(state)`` returns the body's new state for ``state`` (traced abstractly).
    """
    state = _as_tensors(init)
    weak = [type(v) in PY_SCALARS for v in tree.flatten(init)]
    if not builtins.any(weak):
        return state
    for _ in range(2):
        try:
            out = jax.eval_shape(carry_of, state)
        except Exception:
            return state
        leaves = tree.flatten(state)
        out_leaves = tree.flatten(out)
        if len(out_leaves) != len(leaves):
            return state
        new = [
            v.astype(o.dtype) if w and v.dtype != o.dtype else v
            for v, o, w in zip(leaves, out_leaves, weak)
        ]
        if builtins.all(a is b for a, b in zip(new, leaves)):
            break
        state = tree.pack_sequence_as(state, new)
    return state


def _leaves_concrete(structure) -> bool:
    return not builtins.any(isinstance(v, jax.core.Tracer) for v in tree.flatten(structure))


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    is_sequence = isinstance(loop_vars, (list, tuple))
    state = tuple(loop_vars) if is_sequence else (loop_vars,)

    def body_state(s):
        new = body(*s)
        return tuple(new) if isinstance(new, (list, tuple)) else (new,)

    state = _settle(state, body_state)

    def normalize(new):
        new = tuple(new) if isinstance(new, (list, tuple)) else (new,)
        if len(new) != len(state):
            raise OpInputError(
                "ops.while_loop: body returned a different number of loop variables.",
                expected=f"{len(state)} values",
                received=f"{len(new)} values",
            )
        return tree.map_structure(
            lambda v, ref: None if v is None else _cast(convert_to_tensor(v), ref.dtype),
            new,
            state,
        )

    # While the condition has a concrete value (eager code, also under jax.grad) the loop
    # runs in Python, so it can be differentiated in reverse mode; once it is traced (jit),
    # the rest of the loop is a lax.while_loop.
    steps = 0
    limit = None if maximum_iterations is None else int(maximum_iterations)
    while limit is None or steps < limit:
        keep = jnp.reshape(convert_to_tensor(cond(*state)), ()).astype(bool)
        try:
            keep = bool(keep)
        except jax.errors.ConcretizationTypeError:
            break
        if not keep:
            return state if is_sequence else state[0]
        state = normalize(body(*state))
        steps += 1
    else:
        return state if is_sequence else state[0]

    def cond_fn(carry):
        i, s = carry
        keep = jnp.reshape(convert_to_tensor(cond(*s)), ()).astype(bool)
        if limit is not None:
            keep = jnp.logical_and(keep, i < limit)
        return keep

    def body_fn(carry):
        i, s = carry
        return i + 1, normalize(body(*s))

    _, out = lax.while_loop(cond_fn, body_fn, (jnp.asarray(steps, "int32"), state))
    return out if is_sequence else out[0]


def fori_loop(lower, upper, body_fun, init_val):
    lo_v, lo = _scalar(lower, "fori_loop")
    hi_v, hi = _scalar(upper, "fori_loop")
    if lo_v is not None and hi_v is not None:
        lo_v, hi_v = int(lo_v), int(hi_v)
        if hi_v <= lo_v:
            return init_val
        init = _settle(init_val, lambda v: body_fun(jnp.asarray(lo_v, "int32"), v))

        def step(val, i):
            out = body_fun(i, val)
            return tree.map_structure(
                lambda v, ref: _cast(convert_to_tensor(v), ref.dtype), out, init
            ), None

        # A scan over concrete bounds is reverse-differentiable (unlike a while loop).
        val, _ = lax.scan(step, init, jnp.arange(lo_v, hi_v, dtype="int32"))
        return val
    lo = jnp.asarray(lo_v if lo is None else lo, "int32")
    hi = jnp.asarray(hi_v if hi is None else hi, "int32")
    init = _settle(init_val, lambda v: body_fun(lo, v))

    def body(i, val):
        out = body_fun(i, val)
        return tree.map_structure(lambda v, ref: _cast(convert_to_tensor(v), ref.dtype), out, init)

    return lax.fori_loop(lo, hi, body, init)


def _leading_size(xs, what):
    sizes = {int(leaf.shape[0]) for leaf in tree.flatten(xs) if leaf is not None}
    if len(sizes) != 1:
        raise OpInputError(
            f"ops.{what}: all inputs must have the same (non-empty) leading axis.",
            expected="one leading size",
            received=f"leading sizes {sorted(sizes)}",
        )
    return sizes.pop()


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    if xs is None:
        if length is None:
            raise OpInputError(
                "ops.scan: give `xs` or `length`.",
                expected="xs with a leading axis, or an int length",
                received="xs=None, length=None",
            )
        n = int(length)
    else:
        xs = _as_tensors(xs)
        n = _leading_size(xs, "scan")
        if length is not None and int(length) != n:
            raise OpInputError(
                "ops.scan: `length` disagrees with the leading axis of `xs`.",
                expected=f"length={n}",
                received=f"length={length}",
            )

    def first_carry(c):
        x0 = None if xs is None else tree.map_structure(lambda a: None if a is None else a[0], xs)
        return f(c, x0)[0]

    init_t = _settle(init, first_carry) if n else _as_tensors(init)

    def step(carry, x):
        new_carry, y = f(carry, x)
        new_carry = tree.map_structure(
            lambda v, ref: None if v is None else _cast(convert_to_tensor(v), ref.dtype),
            new_carry,
            init_t,
        )
        return new_carry, _as_tensors(y)

    if isinstance(unroll, bool):
        unroll = n if unroll else 1
    carry, ys = lax.scan(
        step, init_t, xs, length=n, reverse=reverse, unroll=builtins.max(int(unroll), 1)
    )
    return carry, ys


def associative_scan(f, elems, reverse=False, axis=0):
    elems = _as_tensors(elems)
    leaves = tree.flatten(elems)
    if not leaves:
        return elems
    ndim = leaves[0].ndim
    if not -builtins.max(ndim, 1) <= axis < builtins.max(ndim, 1):
        raise OpInputError(
            "ops.associative_scan: axis out of range.",
            expected=f"-{ndim} <= axis < {ndim}",
            received=f"axis={axis}",
        )
    sizes = {int(leaf.shape[axis]) for leaf in leaves}
    if len(sizes) != 1:
        raise OpInputError(
            "ops.associative_scan: all elements need the same size along `axis`.",
            expected="one size",
            received=f"sizes {sorted(sizes)}",
        )
    return lax.associative_scan(f, elems, reverse=reverse, axis=axis)


def map(f, xs):
    xs = _as_tensors(xs)
    _leading_size(xs, "map")
    return lax.map(lambda x: _as_tensors(f(x)), xs)


def vectorized_map(function, elements):
    elements = _as_tensors(elements)
    return jax.vmap(lambda x: _as_tensors(function(x)))(elements)


# ----------------------------------------------------------------------------- scatter / slice


def _index_array(indices, what):
    idx = convert_to_tensor(indices)
    if dtype_name(idx) not in (
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
    ):
        raise OpInputError(
            f"ops.{what}: indices must be integers.",
            expected="an int tensor of shape (..., index_depth)",
            received=f"dtype {dtype_name(idx)}",
        )
    if idx.ndim == 0:
        raise OpInputError(
            f"ops.{what}: indices need at least one axis.",
            expected="an int tensor of shape (..., index_depth)",
            received="a scalar",
        )
    return idx


def _index_tuple(idx):
    return tuple(jnp.moveaxis(idx, -1, 0))


def _check_bounds(idx, shape, what):
    depth = idx.shape[-1]
    if depth > len(shape):
        raise OpInputError(
            f"ops.{what}: indices are deeper than the tensor's rank.",
            expected=f"indices.shape[-1] <= {len(shape)}",
            received=f"indices.shape={tuple(idx.shape)}",
        )
    value = concrete(idx)
    if value is None or not value.size:
        return
    bounds = onp.asarray(shape[:depth])
    if onp.any(value < -bounds) or onp.any(value >= bounds):
        raise OpInputError(
            f"ops.{what}: an index is out of bounds.",
            expected=f"every index row within shape {tuple(shape[:depth])}",
            received=f"indices from {value.min()} to {value.max()}",
        )


def _check_update_shape(values_shape, idx, shape, what, name):
    expected = tuple(idx.shape[:-1]) + tuple(shape[idx.shape[-1] :])
    if tuple(values_shape) != expected:
        raise OpInputError(
            f"ops.{what}: {name} has the wrong shape.",
            expected=f"indices.shape[:-1] + shape[index_depth:] = {expected}",
            received=f"{name}.shape={tuple(values_shape)}",
        )


def scatter(indices, values, shape):
    shape = tuple(int(d) for d in shape)
    idx = _index_array(indices, "scatter")
    values = convert_to_tensor(values)
    _check_bounds(idx, shape, "scatter")
    _check_update_shape(values.shape, idx, shape, "scatter", "values")
    return jnp.zeros(shape, values.dtype).at[_index_tuple(idx)].add(values)


def scatter_update(inputs, indices, updates):
    inputs = convert_to_tensor(inputs)
    shape = tuple(inputs.shape)
    idx = _index_array(indices, "scatter_update")
    _check_bounds(idx, shape, "scatter_update")
    updates = _cast(convert_to_tensor(updates), dtype_name(inputs))
    _check_update_shape(updates.shape, idx, shape, "scatter_update", "updates")
    return inputs.at[_index_tuple(idx)].set(updates)


def _starts(start_indices, rank, what):
    if isinstance(start_indices, (list, tuple)):
        items = list(start_indices)
    else:
        t = convert_to_tensor(start_indices)
        items = [t.reshape(-1)[i] for i in range(t.size)]
    if len(items) != rank:
        raise OpInputError(
            f"ops.{what}: need one start index per axis.",
            expected=f"{rank} start indices",
            received=f"{len(items)}",
        )
    out = []
    for s in items:
        value, t = _scalar(s, what)
        out.append(int(value) if value is not None else t.astype("int32"))
    return out


def _check_region(starts, sizes, full, what):
    for axis, (s, n, d) in enumerate(zip(starts, sizes, full)):
        if n < 0 or n > d or (isinstance(s, int) and (s < 0 or s + n > d)):
            raise OpInputError(
                f"ops.{what}: the slice does not fit in the tensor.",
                expected=f"0 <= start and start + size <= dim on every axis (tensor shape {full})",
                received=f"axis {axis}: start {s}, size {n}",
            )


def slice(inputs, start_indices, shape):
    inputs = convert_to_tensor(inputs)
    full = tuple(inputs.shape)
    starts = _starts(start_indices, len(full), "slice")
    sizes = [
        int(concrete(convert_to_tensor(n)).item()) if not isinstance(n, int) else n for n in shape
    ]
    if len(sizes) != len(full):
        raise OpInputError(
            "ops.slice: need one size per axis.",
            expected=f"{len(full)} sizes",
            received=f"{len(sizes)}",
        )
    sizes = [
        (d - s if isinstance(s, int) else d) if n == -1 else n
        for n, s, d in zip(sizes, starts, full)
    ]
    _check_region(starts, sizes, full, "slice")
    if builtins.all(isinstance(s, int) for s in starts):
        return inputs[tuple(builtins.slice(s, s + n) for s, n in zip(starts, sizes))]
    return lax.dynamic_slice(inputs, starts, sizes)


def slice_update(inputs, start_indices, updates):
    inputs = convert_to_tensor(inputs)
    full = tuple(inputs.shape)
    updates = _cast(convert_to_tensor(updates), dtype_name(inputs))
    if updates.ndim != len(full):
        raise OpInputError(
            "ops.slice_update: updates must have the rank of inputs.",
            expected=f"rank {len(full)}",
            received=f"updates.shape={tuple(updates.shape)}",
        )
    starts = _starts(start_indices, len(full), "slice_update")
    _check_region(starts, tuple(updates.shape), full, "slice_update")
    if builtins.all(isinstance(s, int) for s in starts):
        region = tuple(builtins.slice(s, s + n) for s, n in zip(starts, updates.shape))
        return inputs.at[region].set(updates)
    return lax.dynamic_update_slice(inputs, updates, starts)


# ----------------------------------------------------------------------------- gradients


def stop_gradient(variable):
    if is_variable(variable):
        variable = variable.value
    return lax.stop_gradient(convert_to_tensor(variable))


def custom_gradient(f):
    def wrapped(*args, **kwargs):
        args = tuple(a.value if is_variable(a) else a for a in args)
        arrays = tuple(convert_to_tensor(a) for a in args)

        @jax.custom_gradient
        def inner(*xs):
            y, grad_fn = f(*xs, **kwargs)

            def vjp(g):
                grads = grad_fn(g)
                if not isinstance(grads, (list, tuple)):
                    grads = (grads,)
                grads = list(grads)
                if len(grads) != len(xs):
                    raise OpInputError(
                        "ops.custom_gradient: grad_fn returned the wrong number of gradients.",
                        expected=f"one gradient per positional input ({len(xs)})",
                        received=f"{len(grads)}",
                    )
                out = []
                for gi, x in zip(grads, xs):
                    if gi is None:
                        gi = jnp.zeros(x.shape, x.dtype)
                    gi = convert_to_tensor(gi)
                    if gi.shape != x.shape:
                        gi = jnp.broadcast_to(gi, x.shape)
                    out.append(gi.astype(x.dtype))
                return tuple(out)

            return y, vjp

        return inner(*arrays)

    wrapped.__name__ = getattr(f, "__name__", "custom_gradient")
    wrapped.__doc__ = getattr(f, "__doc__", None)
    return wrapped


def unstack(x, num=None, axis=0):
    x = convert_to_tensor(x)
    nd = x.ndim
    if not -nd <= axis < nd:
        raise OpInputError(
            "ops.unstack: axis out of range.",
            expected=f"-{nd} <= axis < {nd}",
            received=f"axis={axis}",
        )
    n = x.shape[axis]
    if num is not None and int(num) != n:
        raise OpInputError(
            "ops.unstack: `num` disagrees with the size of the axis.",
            expected=f"num={n}",
            received=f"num={num}",
        )
    ax = axis % nd
    lead = (builtins.slice(None),) * ax
    return [x[(*lead, i)] for i in range(n)]
