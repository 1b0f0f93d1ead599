"""Core ops of the NumPy backend: conversion, casting, control flow, scatter and slicing.

Every function keeps autograd boxes intact so the trainer can differentiate through it;
scatter, scatter_update and slice_update are autograd primitives with their own VJPs.
"""

from __future__ import annotations

import builtins

import autograd.numpy as anp
import numpy as onp
from autograd.extend import defvjp, defvjp_argnums, primitive
from autograd.tracer import Box, getval

from tholos import tree
from tholos.backend.dtypes import ALLOWED_DTYPES, result_type, standardize_dtype
from tholos.errors import DtypeError, OpInputError
from tholos_backend_numpy._convert import cast as _convert_cast
from tholos_backend_numpy._convert import dtype_name, to_array

_PY_SCALARS = (bool, int, float, complex)


def _cast(x, dtype):
    """``_convert.cast`` that keeps NumPy scalars' own dtype (np.float64 is a float subclass)."""
    if isinstance(x, onp.generic):
        x = onp.asarray(x)
    return _convert_cast(x, dtype)


_NUMERIC_KINDS = "biufc"


# ----------------------------------------------------------------------------- conversion


def _is_variable(x) -> bool:
    return hasattr(x, "assign") and hasattr(x, "value") and not isinstance(x, onp.ndarray)


def _only_python_scalars(x) -> bool:
    if isinstance(x, (list, tuple)):
        return builtins.all(_only_python_scalars(e) for e in x)
    return type(x) in _PY_SCALARS


def _from_sequence(x):
    if _only_python_scalars(x):
        try:
            return to_array(x)
        except OverflowError as err:
            raise OpInputError(
                "ops.convert_to_tensor: a Python int does not fit the default int32.",
                expected="values in the int32 range",
                received=repr(x)[:80],
                hint='Pass dtype="int64".',
            ) from err
    parts = [convert_to_tensor(e) if type(e) not in _PY_SCALARS else e for e in x]
    dtype = result_type(*parts)
    arrays = [
        _cast(p, dtype) if not isinstance(p, _PY_SCALARS) else to_array(p, dtype) for p in parts
    ]
    shapes = {tuple(anp.shape(a)) for a in arrays}
    if len(shapes) > 1:
        raise OpInputError(
            "ops.convert_to_tensor: nested sequence elements have different shapes.",
            expected="a rectangular nested sequence",
            received=f"element shapes {sorted(shapes)}",
        )
    if builtins.any(isinstance(a, Box) for a in arrays):
        return anp.stack(arrays)
    return onp.stack(arrays) if arrays else onp.zeros((0,), dtype)


def _from_foreign(x):
    """A NumPy array for a foreign array (torch, jax, cupy, ...): DLPack first, then fallbacks."""
    errors = (BufferError, RuntimeError, TypeError, ValueError, AttributeError)
    if hasattr(x, "__dlpack__"):
        try:
            return onp.from_dlpack(x)
        except errors:
            pass
        obj = x
        for method in ("detach", "cpu"):  # e.g. tensors that require grad or live on a GPU
            fn = getattr(obj, method, None)
            if callable(fn):
                try:
                    obj = fn()
                except errors:
                    break
        if obj is not x:
            try:
                return onp.from_dlpack(obj)
            except errors:
                pass
        x = obj
    try:
        import array_api_compat
    except ImportError:  # pragma: no cover - a declared dependency
        array_api_compat = None
    if array_api_compat is not None and array_api_compat.is_array_api_obj(x):
        xp = array_api_compat.array_namespace(x)
        name = None
        try:
            name = standardize_dtype(x.dtype)
        except (DtypeError, TypeError):
            pass
        if name == "bfloat16":  # NumPy has no bfloat16: widen losslessly
            return _from_foreign(xp.astype(x, xp.float32))
        try:
            return onp.asarray(array_api_compat.to_device(x, "cpu"))
        except errors:
            pass
    if hasattr(x, "__array__"):
        return onp.asarray(x)
    raise OpInputError(
        "ops.convert_to_tensor: cannot convert this object to a tensor.",
        expected="a Python number or (nested) list, a NumPy array, a tholos Variable, or an "
        "array supporting __dlpack__ / __array__",
        received=f"an object of type {type(x).__name__}",
    )


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    if type(x) is onp.ndarray and dtype is None and not sparse and not ragged:
        if x.dtype.kind not in _NUMERIC_KINDS:
            _check_dtype(x)
        return x  # fast path: the common case everywhere in the framework
    if sparse:
        raise OpInputError(
            "ops.convert_to_tensor: the NumPy backend has no sparse tensors.",
            expected="sparse=None or False",
            received=f"sparse={sparse!r}",
            hint="Densify the input first.",
        )
    if ragged:
        raise OpInputError(
            "ops.convert_to_tensor: the NumPy backend has no ragged tensors.",
            expected="ragged=None or False",
            received=f"ragged={ragged!r}",
        )
    if isinstance(x, Box):  # traced value: keep the box
        return x if dtype is None else _cast(x, dtype)
    if _is_variable(x):
        arr = to_array(x)
    elif isinstance(x, onp.ndarray):
        arr = onp.asarray(x)
    elif isinstance(x, onp.generic):
        arr = onp.asarray(x)
    elif type(x) in _PY_SCALARS or isinstance(x, _PY_SCALARS):
        if dtype is not None:
            return to_array(x, standardize_dtype(dtype))
        try:
            arr = to_array(x)
        except OverflowError as err:
            raise OpInputError(
                "ops.convert_to_tensor: a Python int does not fit the default int32.",
                expected="a value in the int32 range",
                received=repr(x),
                hint='Pass dtype="int64".',
            ) from err
    elif isinstance(x, (list, tuple)):
        arr = _from_sequence(x)
    else:
        arr = _from_foreign(x)
    if not isinstance(arr, Box):
        _check_dtype(arr, x)
    if dtype is not None:
        arr = _cast(arr, dtype)
    return arr


def _check_dtype(arr, original=None):
    try:
        standardize_dtype(arr.dtype)
    except DtypeError as err:
        source = type(arr if original is None else original).__name__
        raise OpInputError(
            "ops.convert_to_tensor: the value has no tholos dtype.",
            expected=f"numeric or bool data ({', '.join(ALLOWED_DTYPES)})",
            received=f"dtype {arr.dtype} from {source}",
        ) from err


def convert_to_numpy(x):
    if type(x) is onp.ndarray:
        return x
    if isinstance(x, Box):
        x = getval(x)
    return onp.asarray(getval(convert_to_tensor(x)))


def is_tensor(x):
    return isinstance(x, (onp.ndarray, onp.generic, Box))


def shape(x):
    if not hasattr(x, "shape") or _is_variable(x):
        x = convert_to_tensor(x)
    return tuple(int(d) for d in x.shape)


def dtype(x):
    if not (isinstance(x, (onp.ndarray, Box)) or _is_variable(x)):
        x = convert_to_tensor(x)
    return standardize_dtype(x.dtype)


def cast(x, dtype):
    if type(x) in (bool, int, float, complex):  # straight from the Python value, no rounding
        return onp.asarray(x, dtype=standardize_dtype(dtype))
    return _cast(convert_to_tensor(x), standardize_dtype(dtype))


def _int_range(name):
    info = onp.iinfo(name)
    return int(info.min), int(info.max)


def saturate_cast(x, dtype):
    x = convert_to_tensor(x)
    target = standardize_dtype(dtype)
    source = dtype_name(x)
    if target == "bool" or source == "bool" or source.startswith("complex"):
        return _cast(x, target)
    if target.startswith("float") and source.startswith("float"):
        hi = float(onp.finfo(target).max)
        if float(onp.finfo(source).max) > hi:
            x = anp.clip(x, -hi, hi)
        return _cast(x, target)
    if target.startswith("float") or target.startswith("complex"):
        return _cast(x, target)
    lo, hi = _int_range(target)
    if source.startswith("float"):
        # The largest/smallest float of the source dtype inside the target's range.
        fhi = onp.asarray(hi, source)
        if int(fhi) > hi:
            fhi = onp.nextafter(fhi, onp.asarray(0, source))
        flo = onp.asarray(lo, source)
        if int(flo) < lo:
            flo = onp.nextafter(flo, onp.asarray(0, source))
        raw = getval(x)
        clipped = anp.clip(x, flo, fhi)
        clipped = anp.where(anp.isnan(raw), 0, clipped)
        out = _cast(clipped, target)
        # Values beyond the representable floats saturate to the exact integer limits.
        out = anp.where(raw > fhi, onp.asarray(hi, target), out)
        return anp.where(raw < flo, onp.asarray(lo, target), out)
    slo, shi = _int_range(source)
    lo, hi = builtins.max(lo, slo), builtins.min(hi, shi)
    if (lo, hi) != (slo, shi):
        x = anp.clip(x, onp.asarray(lo, source), onp.asarray(hi, source))
    return _cast(x, target)


# ----------------------------------------------------------------------------- control flow


def _scalar_value(x, what):
    value = onp.asarray(getval(convert_to_tensor(x) if not isinstance(x, _PY_SCALARS) else x))
    if value.size != 1:
        raise OpInputError(
            f"ops.{what}: the predicate/index must be a scalar.",
            expected="a tensor with one element",
            received=f"shape {value.shape}",
        )
    return value.reshape(()).item()


def cond(pred, true_fn, false_fn):
    return true_fn() if bool(_scalar_value(pred, "cond")) else false_fn()


def switch(index, branches, *operands):
    if not branches:
        raise OpInputError(
            "ops.switch: no branches given.",
            expected="a non-empty list of callables",
            received="[]",
        )
    i = int(_scalar_value(index, "switch"))
    i = builtins.min(builtins.max(i, 0), len(branches) - 1)
    return branches[i](*operands)


def _to_tensor_leaf(v):
    return None if v is None else convert_to_tensor(v)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    is_sequence = isinstance(loop_vars, (list, tuple))
    state = tuple(loop_vars) if is_sequence else (loop_vars,)
    state = tree.map_structure(_to_tensor_leaf, state)
    steps = 0
    while maximum_iterations is None or steps < int(maximum_iterations):
        if not bool(_scalar_value(cond(*state), "while_loop")):
            break
        new = body(*state)
        new = tuple(new) if isinstance(new, (list, tuple)) else (new,)
        if len(new) != len(state):
            raise OpInputError(
                "ops.while_loop: body returned a different number of loop variables.",
                expected=f"{len(state)} values",
                received=f"{len(new)} values",
            )
        state = tree.map_structure(_to_tensor_leaf, new)
        steps += 1
    return state if is_sequence else state[0]


def fori_loop(lower, upper, body_fun, init_val):
    lo = int(_scalar_value(lower, "fori_loop"))
    hi = int(_scalar_value(upper, "fori_loop"))
    val = init_val
    for i in range(lo, hi):
        val = body_fun(onp.asarray(i, "int32"), val)
    return val


def _leading_size(xs, what):
    sizes = {int(anp.shape(leaf)[0]) for leaf in tree.flatten(xs) if leaf is not None}
    if len(sizes) != 1:
        raise OpInputError(
            f"ops.{what}: all inputs must have the same (non-empty) leading axis.",
            expected="one leading size",
            received=f"leading sizes {sorted(sizes)}",
        )
    return sizes.pop()


def _slice_tree(xs, i):
    return tree.map_structure(lambda a: None if a is None else a[i], xs)


def _stack_tree(ys_list):
    return tree.map_structure(
        lambda *leaves: (
            None if leaves[0] is None else anp.stack([convert_to_tensor(v) for v in leaves])
        ),
        *ys_list,
    )


def _empty_like_tree(ys):
    def empty(y):
        if y is None:
            return None
        y = convert_to_tensor(y)
        return onp.zeros((0, *anp.shape(y)), dtype_name(y))

    return tree.map_structure(empty, ys)


def _zero_slice_tree(xs):
    return tree.map_structure(
        lambda a: None if a is None else onp.zeros(anp.shape(a)[1:], dtype_name(a)), xs
    )


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
        xs = tree.map_structure(_to_tensor_leaf, xs)
        n = _leading_size(xs, "scan")
        if length is not None and int(length) != n:
            raise OpInputError(
                "ops.scan: `length` disagrees with the leading axis of `xs`.",
                expected=f"length={n}",
                received=f"length={length}",
            )
    carry = init
    ys = [None] * n
    order = range(n - 1, -1, -1) if reverse else range(n)
    for i in order:
        x = None if xs is None else _slice_tree(xs, i)
        carry, ys[i] = f(carry, x)
    if n == 0:
        x = None if xs is None else _zero_slice_tree(xs)
        _, y = f(init, x)
        return carry, _empty_like_tree(y)
    return carry, _stack_tree(ys)


def _reverse(a, axis):
    """``a`` reversed along ``axis`` by slicing (autograd has no VJP for flip)."""
    return a[(builtins.slice(None),) * axis + (builtins.slice(None, None, -1),)]


def associative_scan(f, elems, reverse=False, axis=0):
    elems = tree.map_structure(convert_to_tensor, elems)
    leaves = tree.flatten(elems)
    if not leaves:
        return elems
    ndim = anp.ndim(leaves[0])
    ax = axis + ndim if axis < 0 else axis
    if not 0 <= ax < builtins.max(ndim, 1):
        raise OpInputError(
            "ops.associative_scan: axis out of range.",
            expected=f"-{ndim} <= axis < {ndim}",
            received=f"axis={axis}",
        )
    sizes = {int(anp.shape(leaf)[ax]) for leaf in leaves}
    if len(sizes) != 1:
        raise OpInputError(
            "ops.associative_scan: all elements need the same size along `axis`.",
            expected="one size",
            received=f"sizes {sorted(sizes)}",
        )
    n = sizes.pop()

    def take(a, start, stop):
        index = [builtins.slice(None)] * anp.ndim(a)
        index[ax] = builtins.slice(start, stop)
        return a[tuple(index)]

    if reverse:
        leaves = [_reverse(a, ax) for a in leaves]
    # Hillis-Steele: log2(n) vectorised calls to f.
    shift = 1
    while shift < n:
        head = [take(a, 0, shift) for a in leaves]
        left = tree.pack_sequence_as(elems, [take(a, 0, n - shift) for a in leaves])
        right = tree.pack_sequence_as(elems, [take(a, shift, n) for a in leaves])
        combined = tree.flatten(f(left, right))
        leaves = [
            anp.concatenate([h, convert_to_tensor(c)], axis=ax) for h, c in zip(head, combined)
        ]
        shift *= 2
    if reverse:
        leaves = [_reverse(a, ax) for a in leaves]
    return tree.pack_sequence_as(elems, leaves)


def map(f, xs):
    xs = tree.map_structure(_to_tensor_leaf, xs)
    n = _leading_size(xs, "map")
    if n == 0:
        return _empty_like_tree(f(_zero_slice_tree(xs)))
    return _stack_tree([f(_slice_tree(xs, i)) for i in range(n)])


def vectorized_map(function, elements):
    return map(function, elements)


# ----------------------------------------------------------------------------- scatter / slice


def _index_array(indices, what):
    idx = convert_to_tensor(getval(indices) if isinstance(indices, Box) else indices)
    idx = onp.asarray(getval(idx))
    if idx.dtype.kind not in "iu":
        raise OpInputError(
            f"ops.{what}: indices must be integers.",
            expected="an int tensor of shape (..., index_depth)",
            received=f"dtype {idx.dtype}",
        )
    if idx.ndim == 0:
        raise OpInputError(
            f"ops.{what}: indices need at least one axis.",
            expected="an int tensor of shape (..., index_depth)",
            received="a scalar",
        )
    return idx


def _index_tuple(idx):
    return tuple(onp.moveaxis(idx, -1, 0))


def _check_bounds(idx, shape, what):
    depth = idx.shape[-1]
    if depth > len(shape):
        raise OpInputError(
            f"ops.{what}: indices are deeper than the tensor's rank.",
            expected=f"indices.shape[-1] <= {len(shape)}",
            received=f"indices.shape={idx.shape}",
        )
    bounds = onp.asarray(shape[:depth])
    if idx.size and (onp.any(idx < -bounds) or onp.any(idx >= bounds)):
        raise OpInputError(
            f"ops.{what}: an index is out of bounds.",
            expected=f"every index row within shape {tuple(shape[:depth])}",
            received=f"indices from {idx.min()} to {idx.max()}",
        )


def _check_update_shape(values_shape, idx, shape, what, name):
    expected = tuple(idx.shape[:-1]) + tuple(shape[idx.shape[-1] :])
    if tuple(values_shape) != expected:
        raise OpInputError(
            f"ops.{what}: {name} has the wrong shape.",
            expected=f"indices.shape[:-1] + shape[index_depth:] = {expected}",
            received=f"{name}.shape={tuple(values_shape)}",
        )


@primitive
def _scatter_add(values, idx, shape):
    out = onp.zeros(shape, values.dtype)
    onp.add.at(out, _index_tuple(idx), values)
    return out


defvjp(_scatter_add, lambda ans, values, idx, shape: lambda g: g[_index_tuple(idx)])


def scatter(indices, values, shape):
    shape = tuple(int(d) for d in shape)
    idx = _index_array(indices, "scatter")
    values = convert_to_tensor(values)
    _check_bounds(idx, shape, "scatter")
    _check_update_shape(anp.shape(values), idx, shape, "scatter", "values")
    return _scatter_add(values, idx, shape)


def _winners(idx, shape):
    """Mask over update rows: True where that row's write survives (duplicates: last wins)."""
    depth = idx.shape[-1]
    owner = onp.full(shape[:depth], -1, dtype=onp.int64)
    rows = onp.arange(int(onp.prod(idx.shape[:-1])), dtype=onp.int64).reshape(idx.shape[:-1])
    owner[_index_tuple(idx)] = rows
    return owner[_index_tuple(idx)] == rows


@primitive
def _scatter_set(inputs, updates, idx):
    out = onp.array(inputs, copy=True)
    out[_index_tuple(idx)] = updates
    return out


def _scatter_set_vjp(argnums, ans, args, kwargs):
    inputs, updates, idx = args
    key = _index_tuple(idx)

    def vjp(g):
        grads = []
        for argnum in argnums:
            if argnum == 0:
                gi = onp.array(g, copy=True)
                gi[key] = 0
                grads.append(gi)
            else:
                keep = _winners(idx, onp.shape(inputs))
                keep = keep.reshape(keep.shape + (1,) * (onp.ndim(updates) - keep.ndim))
                grads.append(onp.where(keep, g[key], 0).astype(g.dtype))
        return grads

    return vjp


defvjp_argnums(_scatter_set, _scatter_set_vjp)


def scatter_update(inputs, indices, updates):
    inputs = convert_to_tensor(inputs)
    shape = tuple(anp.shape(inputs))
    idx = _index_array(indices, "scatter_update")
    _check_bounds(idx, shape, "scatter_update")
    updates = _cast(convert_to_tensor(updates), dtype_name(inputs))
    _check_update_shape(anp.shape(updates), idx, shape, "scatter_update", "updates")
    return _scatter_set(inputs, updates, idx)


def _starts(start_indices, rank, what):
    starts = [
        int(_scalar_value(s, what))
        for s in (
            onp.asarray(getval(convert_to_tensor(start_indices))).reshape(-1)
            if not isinstance(start_indices, (list, tuple))
            else start_indices
        )
    ]
    if len(starts) != rank:
        raise OpInputError(
            f"ops.{what}: need one start index per axis.",
            expected=f"{rank} start indices",
            received=f"{len(starts)}",
        )
    return starts


def _region(starts, sizes, full, what):
    for axis, (s, n, d) in enumerate(zip(starts, sizes, full)):
        if s < 0 or n < 0 or s + n > d:
            raise OpInputError(
                f"ops.{what}: the slice does not fit in the tensor.",
                expected=f"0 <= start and start + size <= dim on every axis (tensor shape {full})",
                received=f"axis {axis}: start {s}, size {n}",
            )
    return tuple(builtins.slice(s, s + n) for s, n in zip(starts, sizes))


def slice(inputs, start_indices, shape):
    inputs = convert_to_tensor(inputs)
    full = tuple(anp.shape(inputs))
    starts = _starts(start_indices, len(full), "slice")
    sizes = [int(_scalar_value(n, "slice")) for n in shape]
    if len(sizes) != len(full):
        raise OpInputError(
            "ops.slice: need one size per axis.",
            expected=f"{len(full)} sizes",
            received=f"{len(sizes)}",
        )
    sizes = [d - s if n == -1 else n for n, s, d in zip(sizes, starts, full)]
    return inputs[_region(starts, sizes, full, "slice")]


@primitive
def _slice_set(inputs, updates, region):
    out = onp.array(inputs, copy=True)
    out[region] = updates
    return out


def _slice_set_vjp(argnums, ans, args, kwargs):
    region = args[2]

    def vjp(g):
        grads = []
        for argnum in argnums:
            if argnum == 0:
                gi = onp.array(g, copy=True)
                gi[region] = 0
                grads.append(gi)
            else:
                grads.append(g[region])
        return grads

    return vjp


defvjp_argnums(_slice_set, _slice_set_vjp)


def slice_update(inputs, start_indices, updates):
    inputs = convert_to_tensor(inputs)
    full = tuple(anp.shape(inputs))
    updates = _cast(convert_to_tensor(updates), dtype_name(inputs))
    if anp.ndim(updates) != len(full):
        raise OpInputError(
            "ops.slice_update: updates must have the rank of inputs.",
            expected=f"rank {len(full)}",
            received=f"updates.shape={tuple(anp.shape(updates))}",
        )
    starts = _starts(start_indices, len(full), "slice_update")
    region = _region(starts, anp.shape(updates), full, "slice_update")
    return _slice_set(inputs, updates, region)


# ----------------------------------------------------------------------------- gradients


def stop_gradient(variable):
    if _is_variable(variable):
        variable = variable.value
    if isinstance(variable, Box):
        return getval(variable)
    return convert_to_tensor(variable)


def custom_gradient(f):
    def wrapped(*args, **kwargs):
        args = tuple(a.value if _is_variable(a) else a for a in args)
        saved = {}

        @primitive
        def forward(*raw):
            y, grad_fn = f(*raw, **kwargs)
            saved["grad_fn"] = grad_fn
            return y

        def vjpmaker(argnums, ans, call_args, call_kwargs):
            def vjp(g):
                grads = saved["grad_fn"](g)
                if not isinstance(grads, (list, tuple)):
                    grads = (grads,)
                grads = list(grads)
                if len(grads) != len(call_args):
                    raise OpInputError(
                        "ops.custom_gradient: grad_fn returned the wrong number of gradients.",
                        expected=f"one gradient per positional input ({len(call_args)})",
                        received=f"{len(grads)}",
                    )
                out = []
                for i in argnums:
                    gi = grads[i]
                    arg = call_args[i]
                    if gi is None:
                        gi = onp.zeros(onp.shape(arg), onp.result_type(arg))
                    gi = to_array(gi)
                    if onp.shape(gi) != onp.shape(arg):
                        gi = onp.broadcast_to(gi, onp.shape(arg))
                    out.append(gi)
                return out

            return vjp

        defvjp_argnums(forward, vjpmaker)
        return forward(*args)

    wrapped.__name__ = getattr(f, "__name__", "custom_gradient")
    wrapped.__doc__ = getattr(f, "__doc__", None)
    return wrapped


def unstack(x, num=None, axis=0):
    x = convert_to_tensor(x)
    nd = anp.ndim(x)
    if not -nd <= axis < nd:
        raise OpInputError(
            "ops.unstack: axis out of range.",
            expected=f"-{nd} <= axis < {nd}",
            received=f"axis={axis}",
        )
    n = anp.shape(x)[axis]
    if num is not None and int(num) != n:
        raise OpInputError(
            "ops.unstack: `num` disagrees with the size of the axis.",
            expected=f"num={n}",
            received=f"num={num}",
        )
    ax = axis % nd
    lead = (builtins.slice(None),) * ax
    return [x[(*lead, i)] for i in range(n)]
