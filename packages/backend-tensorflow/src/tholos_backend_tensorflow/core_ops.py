"""Core ops of the TensorFlow backend: conversion, casting, control flow, scatter and slicing.

Control flow runs as plain Python when executing eagerly (same results as the reference, no
graph-building overhead) and as ``tf.cond`` / ``tf.while_loop`` inside a ``tf.function``.
"""

from __future__ import annotations

import builtins

import numpy as np
import tensorflow as tf

from tholos import tree
from tholos.backend.dtypes import FLOAT_TYPES, INT_TYPES, standardize_dtype
from tholos.errors import OpInputError
from tholos_backend_tensorflow import _convert as C

# ----------------------------------------------------------------------------- conversion


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    if sparse:
        raise OpInputError(
            "ops.convert_to_tensor: the TensorFlow backend of tholos has no sparse tensors yet.",
            expected="sparse=None or False",
            received=f"sparse={sparse!r}",
            hint="Densify the input first.",
        )
    if ragged:
        raise OpInputError(
            "ops.convert_to_tensor: the TensorFlow backend of tholos has no ragged tensors yet.",
            expected="ragged=None or False",
            received=f"ragged={ragged!r}",
        )
    if isinstance(x, tf.Tensor):
        return x if dtype is None else C.cast(x, dtype)
    return C.convert(x, None if dtype is None else standardize_dtype(dtype))


def convert_to_numpy(x):
    if isinstance(x, np.ndarray):
        return x
    if isinstance(x, tf.Tensor):
        return np.asarray(x.numpy())
    return np.asarray(C.convert(x).numpy())


def is_tensor(x):
    return isinstance(x, tf.Tensor)


def shape(x):
    if not isinstance(x, tf.Tensor):
        x = C.convert(x)
    if x.shape.rank is None:
        return tuple(tf.unstack(tf.shape(x)))
    static = x.shape.as_list()
    if None in static:
        dynamic = tf.shape(x)
        return tuple(d if d is not None else dynamic[i] for i, d in enumerate(static))
    return tuple(static)


def dtype(x):
    if isinstance(x, (tf.Tensor, tf.Variable)):
        return C.NAMES[x.dtype]
    if C.is_variable(x):
        return x.dtype
    return C.dname(C.convert(x))


def cast(x, dtype):
    dtype = standardize_dtype(dtype)
    if type(x) in C.PY_SCALARS:
        return C.convert(x, dtype)
    return C.cast(C.convert(x), dtype)


def saturate_cast(x, dtype):
    x = C.convert(x)
    target = standardize_dtype(dtype)
    source = C.dname(x)
    if target == "bool" or source == "bool" or source.startswith("complex"):
        return C.cast(x, target)
    if target in FLOAT_TYPES and source in FLOAT_TYPES:
        hi = float(np.finfo(target if target != "bfloat16" else "float32").max)
        if target == "bfloat16":
            hi = float(tf.bfloat16.max)
        src_max = float(tf.as_dtype(source).max)
        if src_max > hi:
            x = tf.clip_by_value(x, tf.constant(-hi, x.dtype), tf.constant(hi, x.dtype))
        return C.cast(x, target)
    if target in FLOAT_TYPES or target.startswith("complex"):
        return C.cast(x, target)
    info = np.iinfo(target)
    lo, hi = int(info.min), int(info.max)
    if source in FLOAT_TYPES:
        # The largest/smallest float of the source dtype inside the target's range.
        np_src = "float32" if source == "bfloat16" else source
        src = tf.cast(x, tf.float32) if source == "bfloat16" else x
        fhi = np.asarray(hi, np_src)
        if int(fhi) > hi:
            fhi = np.nextafter(fhi, np.asarray(0, np_src))
        flo = np.asarray(lo, np_src)
        if int(flo) < lo:
            flo = np.nextafter(flo, np.asarray(0, np_src))
        clipped = tf.clip_by_value(src, tf.constant(flo, src.dtype), tf.constant(fhi, src.dtype))
        clipped = tf.where(tf.math.is_nan(src), tf.zeros_like(src), clipped)
        out = C.cast(clipped, target)
        out = tf.where(src > fhi, tf.constant(hi, out.dtype), out)
        return tf.where(src < flo, tf.constant(lo, out.dtype), out)
    sinfo = np.iinfo(source)
    lo, hi = builtins.max(lo, int(sinfo.min)), builtins.min(hi, int(sinfo.max))
    if (lo, hi) != (int(sinfo.min), int(sinfo.max)):
        x = tf.clip_by_value(x, tf.constant(lo, x.dtype), tf.constant(hi, x.dtype))
    return C.cast(x, target)


# ----------------------------------------------------------------------------- control flow


def _scalar_pred(x, what):
    """A Python value for an eager predicate, or a scalar bool tensor in a graph."""
    if type(x) in C.PY_SCALARS:
        return x
    t = C.convert(x)
    if t.shape.rank is not None and t.shape.num_elements() not in (None, 1):
        raise OpInputError(
            f"ops.{what}: the predicate/index must be a scalar.",
            expected="a tensor with one element",
            received=f"shape {C.static_shape(t)}",
        )
    if hasattr(t, "numpy"):
        return t.numpy().reshape(()).item()
    return tf.reshape(t, ())


def cond(pred, true_fn, false_fn):
    p = _scalar_pred(pred, "cond")
    if not isinstance(p, tf.Tensor):
        return true_fn() if bool(p) else false_fn()
    return tf.cond(tf.cast(p, tf.bool), true_fn, false_fn)


def switch(index, branches, *operands):
    if not branches:
        raise OpInputError(
            "ops.switch: no branches given.",
            expected="a non-empty list of callables",
            received="[]",
        )
    i = _scalar_pred(index, "switch")
    if not isinstance(i, tf.Tensor):
        i = builtins.min(builtins.max(int(i), 0), len(branches) - 1)
        return branches[i](*operands)
    i = tf.clip_by_value(tf.cast(i, tf.int32), 0, len(branches) - 1)
    return tf.switch_case(i, [lambda b=b: b(*operands) for b in branches])


def _to_tensor_leaf(v):
    return None if v is None else C.convert(v)


def _match_dtypes(new, old):
    return tree.map_structure(
        lambda n, o: None if n is None else C.convert(n, C.dname(o) if o is not None else None),
        new,
        old,
    )


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    is_sequence = isinstance(loop_vars, (list, tuple))
    state = tuple(loop_vars) if is_sequence else (loop_vars,)
    state = tree.map_structure(_to_tensor_leaf, state)

    def as_tuple(new):
        new = tuple(new) if isinstance(new, (list, tuple)) else (new,)
        if len(new) != len(state):
            raise OpInputError(
                "ops.while_loop: body returned a different number of loop variables.",
                expected=f"{len(state)} values",
                received=f"{len(new)} values",
            )
        return _match_dtypes(new, state)

    if tf.executing_eagerly():
        steps = 0
        while maximum_iterations is None or steps < int(maximum_iterations):
            p = _scalar_pred(cond(*state), "while_loop")
            if isinstance(p, tf.Tensor):  # pragma: no cover - eager values are concrete
                p = bool(p)
            if not bool(p):
                break
            state = as_tuple(body(*state))
            steps += 1
        return state if is_sequence else state[0]
    out = tf.while_loop(
        lambda *s: tf.cast(tf.reshape(C.convert(cond(*s)), ()), tf.bool),
        lambda *s: as_tuple(body(*s)),
        state,
        maximum_iterations=maximum_iterations,
    )
    out = tuple(out)
    return out if is_sequence else out[0]


def fori_loop(lower, upper, body_fun, init_val):
    lo = _scalar_pred(lower, "fori_loop")
    hi = _scalar_pred(upper, "fori_loop")
    if not isinstance(lo, tf.Tensor) and not isinstance(hi, tf.Tensor) and tf.executing_eagerly():
        val = init_val
        for i in range(int(lo), int(hi)):
            val = body_fun(tf.constant(i, tf.int32), val)
        return val
    lo_t = tf.cast(lo, tf.int32) if isinstance(lo, tf.Tensor) else tf.constant(int(lo), tf.int32)
    hi_t = tf.cast(hi, tf.int32) if isinstance(hi, tf.Tensor) else tf.constant(int(hi), tf.int32)
    init = tree.map_structure(_to_tensor_leaf, init_val)

    def body(i, val):
        new = body_fun(i, val)
        return i + 1, _match_dtypes(new, init)

    _, out = tf.while_loop(lambda i, val: i < hi_t, body, (lo_t, init))
    return out


def _leading_size(xs, what):
    sizes = {leaf.shape[0] for leaf in tree.flatten(xs) if leaf is not None}
    if len(sizes) != 1:
        raise OpInputError(
            f"ops.{what}: all inputs must have the same (non-empty) leading axis.",
            expected="one leading size",
            received=f"leading sizes {sorted(sizes, key=str)}",
        )
    return sizes.pop()


def _slice_tree(xs, i):
    return tree.map_structure(lambda a: None if a is None else a[i], xs)


def _stack_tree(ys_list):
    return tree.map_structure(
        lambda *leaves: None if leaves[0] is None else tf.stack([C.convert(v) for v in leaves]),
        *ys_list,
    )


def _empty_like_tree(ys):
    def empty(y):
        if y is None:
            return None
        y = C.convert(y)
        return tf.zeros((0, *C.static_shape(y)), y.dtype)

    return tree.map_structure(empty, ys)


def _zero_slice_tree(xs):
    return tree.map_structure(
        lambda a: None if a is None else tf.zeros(C.static_shape(a)[1:], a.dtype), xs
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
        if length is not None and n is not None and int(length) != n:
            raise OpInputError(
                "ops.scan: `length` disagrees with the leading axis of `xs`.",
                expected=f"length={n}",
                received=f"length={length}",
            )
    if n == 0:
        x = None if xs is None else _zero_slice_tree(xs)
        _, y = f(init, x)
        return init, _empty_like_tree(y)
    if tf.executing_eagerly() and n is not None:
        carry = init
        ys = [None] * n
        order = range(n - 1, -1, -1) if reverse else range(n)
        for i in order:
            x = None if xs is None else _slice_tree(xs, i)
            carry, ys[i] = f(carry, x)
        return carry, _stack_tree(ys)
    return _graph_scan(f, init, xs, n, reverse)


def _graph_scan(f, init, xs, n, reverse):
    """``scan`` as one ``tf.while_loop`` writing into TensorArrays (inside tf.function)."""
    if n is None:
        n = tf.shape(tree.flatten(xs)[0])[0]
    init_t = tree.map_structure(_to_tensor_leaf, init)
    first_x = None if xs is None else _slice_tree(xs, 0)
    _, y0 = f(init_t, first_x)  # traced once to learn ys' structure
    y_leaves = tree.flatten(y0)
    arrays = [
        None
        if y is None
        else tf.TensorArray(C.convert(y).dtype, size=n, element_shape=C.convert(y).shape)
        for y in y_leaves
    ]
    carry_leaves = tree.flatten(init_t)

    def body(i, carry_flat, arrays_flat):
        idx = n - 1 - i if reverse else i
        carry = tree.pack_sequence_as(init_t, list(carry_flat))
        x = None if xs is None else _slice_tree(xs, idx)
        new_carry, y = f(carry, x)
        new_carry = _match_dtypes(new_carry, init_t)
        out_arrays = [
            a if a is None else a.write(idx, C.convert(leaf))
            for a, leaf in zip(arrays_flat, tree.flatten(y))
        ]
        return i + 1, tree.flatten(new_carry), out_arrays

    live = [a for a in arrays if a is not None]

    def body_live(i, carry_flat, live_arrays):
        it = iter(live_arrays)
        full = [None if a is None else next(it) for a in arrays]
        i, new_carry, full = body(i, carry_flat, full)
        return i, new_carry, [a for a in full if a is not None]

    _, carry_out, live_out = tf.while_loop(
        lambda i, c, a: i < n, body_live, (tf.constant(0), carry_leaves, live)
    )
    it = iter(live_out)
    stacked = [None if a is None else next(it).stack() for a in arrays]
    return tree.pack_sequence_as(init_t, list(carry_out)), tree.pack_sequence_as(y0, stacked)


def associative_scan(f, elems, reverse=False, axis=0):
    elems = tree.map_structure(C.convert, elems)
    leaves = tree.flatten(elems)
    if not leaves:
        return elems
    ndim = leaves[0].shape.rank
    ax = axis + ndim if axis < 0 else axis
    if not 0 <= ax < builtins.max(ndim, 1):
        raise OpInputError(
            "ops.associative_scan: axis out of range.",
            expected=f"-{ndim} <= axis < {ndim}",
            received=f"axis={axis}",
        )
    sizes = {leaf.shape[ax] for leaf in leaves}
    if len(sizes) != 1:
        raise OpInputError(
            "ops.associative_scan: all elements need the same size along `axis`.",
            expected="one size",
            received=f"sizes {sorted(sizes, key=str)}",
        )
    n = sizes.pop()

    def take(a, start, stop):
        index = [builtins.slice(None)] * a.shape.rank
        index[ax] = builtins.slice(start, stop)
        return a[tuple(index)]

    if reverse:
        leaves = [tf.reverse(a, [ax]) for a in leaves]
    shift = 1
    while shift < n:
        head = [take(a, 0, shift) for a in leaves]
        left = tree.pack_sequence_as(elems, [take(a, 0, n - shift) for a in leaves])
        right = tree.pack_sequence_as(elems, [take(a, shift, n) for a in leaves])
        combined = tree.flatten(f(left, right))
        leaves = [tf.concat([h, C.convert(c, C.dname(h))], axis=ax) for h, c in zip(head, combined)]
        shift *= 2
    if reverse:
        leaves = [tf.reverse(a, [ax]) for a in leaves]
    return tree.pack_sequence_as(elems, leaves)


def map(f, xs):
    xs = tree.map_structure(_to_tensor_leaf, xs)
    n = _leading_size(xs, "map")
    if n == 0:
        return _empty_like_tree(f(_zero_slice_tree(xs)))
    if tf.executing_eagerly() and n is not None:
        return _stack_tree([f(_slice_tree(xs, i)) for i in range(n)])
    first = f(_slice_tree(xs, 0))
    signature = tree.map_structure(
        lambda y: tf.TensorSpec(C.convert(y).shape, C.convert(y).dtype), first
    )
    return tf.map_fn(f, xs, fn_output_signature=signature)


def vectorized_map(function, elements):
    elements = tree.map_structure(_to_tensor_leaf, elements)
    n = _leading_size(elements, "vectorized_map")
    if n == 0:
        return _empty_like_tree(function(_zero_slice_tree(elements)))
    try:
        return tf.vectorized_map(function, elements, fallback_to_while_loop=True)
    except (ValueError, TypeError, NotImplementedError):
        return map(function, elements)


# ----------------------------------------------------------------------------- scatter / slice


def _index_tensor(indices, what):
    idx = C.convert(indices)
    if C.dname(idx) not in INT_TYPES:
        raise OpInputError(
            f"ops.{what}: indices must be integers.",
            expected="an int tensor of shape (..., index_depth)",
            received=f"dtype {C.dname(idx)}",
        )
    if idx.shape.rank == 0:
        raise OpInputError(
            f"ops.{what}: indices need at least one axis.",
            expected="an int tensor of shape (..., index_depth)",
            received="a scalar",
        )
    if idx.dtype not in (tf.int32, tf.int64):
        idx = tf.cast(idx, tf.int64)
    return idx


def _check_bounds(idx, shape, what):
    depth = idx.shape[-1]
    if depth is not None and depth > len(shape):
        raise OpInputError(
            f"ops.{what}: indices are deeper than the tensor's rank.",
            expected=f"indices.shape[-1] <= {len(shape)}",
            received=f"indices.shape={C.static_shape(idx)}",
        )
    bounds = tf.constant([int(d) for d in shape[:depth]], idx.dtype)
    if hasattr(idx, "numpy"):
        values = idx.numpy()
        b = np.asarray([int(d) for d in shape[:depth]])
        if values.size and (np.any(values < -b) or np.any(values >= b)):
            raise OpInputError(
                f"ops.{what}: an index is out of bounds.",
                expected=f"every index row within shape {tuple(shape[:depth])}",
                received=f"indices from {values.min()} to {values.max()}",
            )
        if values.size and np.any(values < 0):
            return tf.where(idx < 0, idx + bounds, idx)
        return idx
    return tf.where(idx < 0, idx + bounds, idx)


def _check_update_shape(values_shape, idx, shape, what, name):
    idx_shape = C.static_shape(idx)
    expected = tuple(idx_shape[:-1]) + tuple(shape[idx_shape[-1] :])
    if None in expected or None in values_shape:
        return
    if tuple(values_shape) != expected:
        raise OpInputError(
            f"ops.{what}: {name} has the wrong shape.",
            expected=f"indices.shape[:-1] + shape[index_depth:] = {expected}",
            received=f"{name}.shape={tuple(values_shape)}",
        )


def scatter(indices, values, shape):
    shape = tuple(C.to_int(d) for d in shape)
    idx = _index_tensor(indices, "scatter")
    values = C.convert(values)
    idx = _check_bounds(idx, shape, "scatter")
    _check_update_shape(C.static_shape(values), idx, shape, "scatter", "values")
    if values.dtype == tf.bool:
        out = tf.scatter_nd(idx, tf.cast(values, tf.int32), tf.constant(shape, idx.dtype))
        return out > 0
    return tf.scatter_nd(idx, values, tf.constant(shape, idx.dtype))


def scatter_update(inputs, indices, updates):
    inputs = C.convert(inputs)
    shape = C.static_shape(inputs)
    idx = _index_tensor(indices, "scatter_update")
    idx = _check_bounds(idx, shape, "scatter_update")
    updates = C.convert(updates, C.dname(inputs))
    _check_update_shape(C.static_shape(updates), idx, shape, "scatter_update", "updates")
    return tf.tensor_scatter_nd_update(inputs, idx, updates)


def _starts(start_indices, rank, what):
    if isinstance(start_indices, (list, tuple)):
        starts = list(start_indices)
    else:
        t = C.convert(start_indices)
        starts = (
            list(tf.unstack(tf.reshape(t, [-1])))
            if not hasattr(t, "numpy")
            else [int(v) for v in t.numpy().reshape(-1)]
        )
    if len(starts) != rank:
        raise OpInputError(
            f"ops.{what}: need one start index per axis.",
            expected=f"{rank} start indices",
            received=f"{len(starts)}",
        )
    out = []
    for s in starts:
        if isinstance(s, tf.Tensor) and hasattr(s, "numpy"):
            s = int(s.numpy())
        elif isinstance(s, (np.integer, np.ndarray)):
            s = int(s)
        out.append(s)
    return out


def _check_region(starts, sizes, full, what):
    for axis, (s, n, d) in enumerate(zip(starts, sizes, full)):
        if isinstance(s, tf.Tensor) or d is None:
            continue
        if s < 0 or n < 0 or s + n > d:
            raise OpInputError(
                f"ops.{what}: the slice does not fit in the tensor.",
                expected=f"0 <= start and start + size <= dim on every axis (tensor shape {full})",
                received=f"axis {axis}: start {s}, size {n}",
            )


def slice(inputs, start_indices, shape):
    inputs = C.convert(inputs)
    full = C.static_shape(inputs)
    starts = _starts(start_indices, len(full), "slice")
    sizes = [C.to_int(n) for n in shape]
    if len(sizes) != len(full):
        raise OpInputError(
            "ops.slice: need one size per axis.",
            expected=f"{len(full)} sizes",
            received=f"{len(sizes)}",
        )
    sizes = [
        d - s if n == -1 and not isinstance(s, tf.Tensor) else n
        for n, s, d in zip(sizes, starts, full)
    ]
    _check_region(starts, sizes, full, "slice")
    if builtins.all(not isinstance(s, tf.Tensor) for s in starts):
        return inputs[tuple(builtins.slice(s, s + n) for s, n in zip(starts, sizes))]
    begin = tf.stack([tf.cast(s, tf.int32) for s in starts])
    return tf.slice(inputs, begin, sizes)


def slice_update(inputs, start_indices, updates):
    inputs = C.convert(inputs)
    full = C.static_shape(inputs)
    updates = C.convert(updates, C.dname(inputs))
    if updates.shape.rank != len(full):
        raise OpInputError(
            "ops.slice_update: updates must have the rank of inputs.",
            expected=f"rank {len(full)}",
            received=f"updates.shape={C.static_shape(updates)}",
        )
    starts = _starts(start_indices, len(full), "slice_update")
    usize = C.static_shape(updates)
    _check_region(starts, usize, full, "slice_update")
    if builtins.any(d == 0 for d in usize):
        return inputs
    if builtins.all(not isinstance(s, tf.Tensor) for s in starts) and None not in full:
        # Pad the update into place and select: cheap, differentiable, XLA-friendly.
        paddings = [[s, d - s - n] for s, n, d in zip(starts, usize, full)]
        padded = tf.pad(updates, paddings)
        mask = tf.pad(tf.ones(usize, tf.bool), paddings)
        return tf.where(mask, padded, inputs)
    grids = tf.meshgrid(*[tf.range(n) for n in usize], indexing="ij")
    base = tf.stack(grids, axis=-1)
    offset = tf.stack([tf.cast(s, tf.int32) for s in starts])
    return tf.tensor_scatter_nd_update(inputs, base + offset, updates)


# ----------------------------------------------------------------------------- gradients


def stop_gradient(variable):
    if C.is_variable(variable):
        variable = variable.value
    return tf.stop_gradient(C.convert(variable))


def custom_gradient(f):
    def wrapped(*args, **kwargs):
        args = tuple(C.convert(a.value) if C.is_variable(a) else a for a in args)
        tensors = [C.convert(a) if not isinstance(a, tf.Tensor) else a for a in args]

        @tf.custom_gradient
        def forward(*xs):
            y, grad_fn = f(*xs, **kwargs)

            def backward(*upstream, variables=None):
                grads = grad_fn(*upstream)
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
                for g, x in zip(grads, xs):
                    if g is None:
                        g = tf.zeros_like(x)
                    g = C.convert(g, C.dname(x))
                    if g.shape != x.shape:
                        g = tf.broadcast_to(g, tf.shape(x))
                    out.append(g)
                if variables:
                    return out, [None] * len(variables)
                return out

            return y, backward

        return forward(*tensors)

    wrapped.__name__ = getattr(f, "__name__", "custom_gradient")
    wrapped.__doc__ = getattr(f, "__doc__", None)
    return wrapped


def unstack(x, num=None, axis=0):
    x = C.convert(x)
    nd = x.shape.rank
    if not -nd <= axis < nd:
        raise OpInputError(
            "ops.unstack: axis out of range.",
            expected=f"-{nd} <= axis < {nd}",
            received=f"axis={axis}",
        )
    n = x.shape[axis]
    if num is not None and n is not None and int(num) != n:
        raise OpInputError(
            "ops.unstack: `num` disagrees with the size of the axis.",
            expected=f"num={n}",
            received=f"num={num}",
        )
    return tf.unstack(x, num=num, axis=axis)


__all__ = C.guard_module(globals())
