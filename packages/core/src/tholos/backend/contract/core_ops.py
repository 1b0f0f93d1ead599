"""The core op family: conversion, casting, control flow, scatter/slice and gradient helpers.

Signatures are those of Keras 3's ``keras.ops`` core namespace. ``convert_to_tensor`` is the
function the whole framework calls to get a backend tensor, so backends make it fast for their
own tensors and keep traced values (autograd boxes, JAX tracers, ...) as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from tholos.backend.contract._spec import Tensor, op


class CoreOps(Protocol):
    @op(tier="exact", differentiable=False, symbolic=False)
    def convert_to_tensor(
        self,
        x: Any,
        dtype: str | None = None,
        sparse: bool | None = None,
        ragged: bool | None = None,
    ) -> Tensor:
        """Convert ``x`` to a tensor of the active backend.

        Accepts Python scalars and (nested) lists/tuples, NumPy arrays and scalars, tholos
        Variables (their current value), the backend's own tensors (returned unchanged when
        ``dtype`` is None or already matches, traced values included) and foreign arrays:
        any object with ``__dlpack__`` (converted through DLPack, possibly sharing memory),
        else one recognised by ``array_api_compat`` or exposing ``__array__``.

        Result dtype: ``dtype`` when given (values are cast); otherwise the input's own dtype,
        with Python floats giving ``floatx()``, Python ints ``int32`` and bools ``bool``
        (a list mixing ints and floats gives ``floatx()``). A list of tensors is stacked at
        their common :func:`~tholos.backend.dtypes.result_type`.

        Raises ``OpInputError`` for objects without a numeric dtype (strings, ``None``,
        ragged nested lists), for Python ints outside int32 without a ``dtype``, and for
        ``sparse=True`` / ``ragged=True`` on backends without such tensors.

        >>> ops.convert_to_numpy(ops.convert_to_tensor([1, 2]))
        array([1, 2], dtype=int32)
        >>> ops.dtype(ops.convert_to_tensor([1.0, 2]))
        'float32'
        >>> ops.convert_to_numpy(ops.convert_to_tensor(np.arange(3.0), dtype="int32"))
        array([0, 1, 2], dtype=int32)
        """
        ...

    @op(tier="exact", differentiable=False, symbolic=False)
    def convert_to_numpy(self, x: Any) -> Any:
        """Return ``x`` as a ``numpy.ndarray`` (copying from the device when needed).

        Traced values are read at their current value (no gradient flows through the result).

        >>> ops.convert_to_numpy(ops.convert_to_tensor([[1.5]]))
        array([[1.5]], dtype=float32)
        """
        ...

    @op(tier="exact", differentiable=False, symbolic=False)
    def is_tensor(self, x: Any) -> bool:
        """True when ``x`` is a tensor of the active backend (Python lists and scalars are not).

        >>> ops.is_tensor(ops.convert_to_tensor([1.0]))
        True
        >>> ops.is_tensor([1.0])
        False
        """
        ...

    @op(tier="exact", differentiable=False)
    def shape(self, x: Any) -> tuple:
        """The shape of ``x`` as a tuple of ints (lists and scalars are converted first).

        For symbolic tensors the front end returns the static shape (``None`` for unknown
        dimensions).

        >>> ops.shape([[1, 2, 3], [4, 5, 6]])
        (2, 3)
        >>> ops.shape(3.0)
        ()
        """
        ...

    @op(tier="exact", differentiable=False)
    def dtype(self, x: Any) -> str:
        """The tholos dtype name of ``x`` (``"float32"``, ``"int32"``...).

        Python values report the dtype :meth:`convert_to_tensor` would give them.

        >>> ops.dtype([1, 2])
        'int32'
        >>> ops.dtype(np.zeros(2, dtype="float64"))
        'float64'
        """
        ...

    @op(tier="exact")
    def cast(self, x: Any, dtype: str) -> Tensor:
        """Cast ``x`` to ``dtype`` (float to int truncates toward zero; to bool tests != 0).

        Differentiable between float dtypes (the gradient is cast back).

        >>> ops.convert_to_numpy(ops.cast([1.7, -1.7], "int32"))
        array([ 1, -1], dtype=int32)
        >>> ops.convert_to_numpy(ops.cast([0, 2], "bool"))
        array([False,  True])
        """
        ...

    @op(tier="exact", differentiable=False)
    def saturate_cast(self, x: Any, dtype: str) -> Tensor:
        """Cast ``x`` to ``dtype``, clipping values to the target's range first.

        Out-of-range values become the target's min/max instead of wrapping around; float
        to int truncates toward zero after clipping; NaN cast to an int dtype gives 0.
        Float to a narrower float clips to the target's largest finite value.

        >>> ops.convert_to_numpy(ops.saturate_cast([-5, 100, 300], "uint8"))
        array([  0, 100, 255], dtype=uint8)
        >>> ops.convert_to_numpy(ops.saturate_cast([1e10, -1e10], "int32"))
        array([ 2147483647, -2147483648], dtype=int32)
        """
        ...

    @op(tier="exact")
    def cond(self, pred: Any, true_fn: Callable, false_fn: Callable) -> Any:
        """Return ``true_fn()`` if the scalar ``pred`` is true, else ``false_fn()``.

        ``pred`` is a Python bool or a one-element tensor. Both branches must return the same
        structure of tensors with the same shapes and dtypes (compiled backends trace both).
        Gradients flow through the branch taken.

        >>> ops.convert_to_numpy(ops.cond(ops.convert_to_tensor(3) > 2, lambda: 1.0, lambda: 0.0))
        array(1., dtype=float32)
        """
        ...

    @op(tier="exact")
    def switch(self, index: Any, branches: Sequence[Callable], *operands: Any) -> Any:
        """Call ``branches[index](*operands)``.

        ``index`` is a scalar int; out-of-range values are clamped to ``[0, len(branches) - 1]``.
        All branches must return the same structure, shapes and dtypes.

        >>> branches = [lambda x: x + 1, lambda x: x * 10]
        >>> ops.convert_to_numpy(ops.switch(1, branches, ops.convert_to_tensor(2)))
        array(20, dtype=int32)
        >>> ops.convert_to_numpy(ops.switch(7, branches, ops.convert_to_tensor(2)))
        array(20, dtype=int32)
        """
        ...

    @op(tier="exact", symbolic=False)
    def while_loop(
        self,
        cond: Callable,
        body: Callable,
        loop_vars: Any,
        maximum_iterations: int | None = None,
    ) -> Any:
        """Repeat ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)`` is true.

        ``loop_vars`` is a tensor or a list/tuple of (nested structures of) tensors; ``cond``
        and ``body`` take them as positional arguments, and ``body`` returns the same number of
        values with the same shapes and dtypes. At most ``maximum_iterations`` iterations run.
        Returns a tuple of the final values when ``loop_vars`` is a list or tuple, else the
        single final value. Python numbers in ``loop_vars`` become tensors.

        >>> ops.convert_to_numpy(ops.while_loop(lambda i: i < 10, lambda i: i + 3, 0))
        array(12, dtype=int32)
        >>> i, s = ops.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, s * 2), (0, 1),
        ...                       maximum_iterations=2)
        >>> int(ops.convert_to_numpy(s))
        4
        """
        ...

    @op(tier="exact", symbolic=False)
    def fori_loop(self, lower: Any, upper: Any, body_fun: Callable, init_val: Any) -> Any:
        """Run ``val = body_fun(i, val)`` for ``i`` in ``range(lower, upper)``; return ``val``.

        ``i`` is passed as a scalar int32 tensor; ``val`` may be any structure of tensors.
        Returns ``init_val`` unchanged when ``upper <= lower``.

        >>> ops.convert_to_numpy(ops.fori_loop(0, 5, lambda i, v: v + i, 0))
        array(10, dtype=int32)
        """
        ...

    @op(tier="exact")
    def scan(
        self,
        f: Callable,
        init: Any,
        xs: Any = None,
        length: int | None = None,
        reverse: bool = False,
        unroll: int | bool = 1,
    ) -> tuple:
        """Loop ``carry, y = f(carry, x)`` over the leading axis of ``xs``; return ``(carry, ys)``.

        ``xs`` is a (structure of) tensor(s) sharing a leading axis of size ``length``, or
        None (then ``length`` is required and ``f`` receives ``x=None``). ``ys`` stacks the
        ``y`` values (any structure, ``None`` allowed) along a new leading axis, with ``ys[i]``
        computed from ``xs[i]`` also when ``reverse=True`` (which iterates from the end).
        With length 0, ``carry`` is ``init`` and ``ys`` has leading size 0. ``unroll`` is a
        performance hint only. Differentiable with respect to ``init`` and ``xs``.

        >>> carry, ys = ops.scan(lambda c, x: (c + x, c), 0, ops.convert_to_tensor([1, 2, 3]))
        >>> int(ops.convert_to_numpy(carry)), ops.convert_to_numpy(ys).tolist()
        (6, [0, 1, 3])
        """
        ...

    @op(tier="elementwise")
    def associative_scan(
        self, f: Callable, elems: Any, reverse: bool = False, axis: int = 0
    ) -> Any:
        """Inclusive prefix scan of ``elems`` along ``axis`` with the associative function ``f``.

        ``out[i] = f(out[i - 1], elems[i])`` with ``out[0] = elems[0]``; ``elems`` may be a
        structure of tensors of equal size along ``axis``, and ``f(a, b)`` takes and returns
        such structures. ``f`` must be associative and work on whole slices at once (it is
        applied to blocks, in a tree order: floating-point results may differ from a strictly
        sequential loop by rounding). ``reverse=True`` scans from the end.

        >>> ops.convert_to_numpy(ops.associative_scan(lambda a, b: a + b,
        ...                                           ops.convert_to_tensor([1, 2, 3, 4])))
        array([ 1,  3,  6, 10], dtype=int32)
        >>> ops.convert_to_numpy(ops.associative_scan(lambda a, b: a + b,
        ...                                           ops.convert_to_tensor([1, 2, 3, 4]),
        ...                                           reverse=True))
        array([10,  9,  7,  4], dtype=int32)
        """
        ...

    @op(tier="exact")
    def map(self, f: Callable, xs: Any) -> Any:
        """Apply ``f`` to each slice of ``xs`` along its leading axis and stack the results.

        ``xs`` may be a structure of tensors sharing the leading axis; ``f`` receives the
        matching structure of slices and may return any structure.

        >>> ops.convert_to_numpy(ops.map(lambda x: x * x, ops.convert_to_tensor([1, 2, 3])))
        array([1, 4, 9], dtype=int32)
        """
        ...

    @op(tier="exact")
    def vectorized_map(self, function: Callable, elements: Any) -> Any:
        """Like :meth:`map`: apply ``function`` to every slice along axis 0, stack the results.

        Backends may vectorise (``vmap``) instead of looping; ``function`` must therefore be
        free of side effects. ``elements`` may be a structure of tensors, passed to
        ``function`` as the same structure of slices.

        >>> x = ops.convert_to_tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> ops.convert_to_numpy(ops.vectorized_map(lambda row: ops.sum(row), x))
        array([3., 7.], dtype=float32)
        """
        ...

    @op(tier="exact")
    def scatter(self, indices: Any, values: Any, shape: Sequence[int]) -> Tensor:
        """A zero tensor of ``shape`` with ``values`` added at ``indices``.

        ``indices`` has shape ``(..., d)``: each row addresses the first ``d`` axes;
        ``values`` has shape ``indices.shape[:-1] + shape[d:]``. Duplicate indices are summed.
        Result dtype: the dtype of ``values``. Out-of-range indices raise ``OpInputError``
        (eager). Differentiable with respect to ``values``.

        >>> ops.convert_to_numpy(ops.scatter([[0], [2], [0]], [1.0, 2.0, 3.0], (4,)))
        array([4., 0., 2., 0.], dtype=float32)
        """
        ...

    @op(tier="exact")
    def scatter_update(self, inputs: Any, indices: Any, updates: Any) -> Tensor:
        """A copy of ``inputs`` with ``updates`` written at ``indices``.

        ``indices`` has shape ``(..., d)`` as in :meth:`scatter`; ``updates`` has shape
        ``indices.shape[:-1] + inputs.shape[d:]`` and is cast to the dtype of ``inputs`` (the
        result dtype). With duplicate indices one of the updates is kept (which one is
        backend-defined). Differentiable with respect to ``inputs`` and ``updates``.

        >>> ops.convert_to_numpy(ops.scatter_update(np.zeros((2, 2)), [[0, 1]], [5.0]))
        array([[0., 5.],
               [0., 0.]])
        """
        ...

    @op(tier="exact")
    def slice(self, inputs: Any, start_indices: Any, shape: Sequence[int]) -> Tensor:
        """The block of ``inputs`` starting at ``start_indices`` with size ``shape``.

        One start (int or scalar tensor) and one size per axis; the block must lie inside
        ``inputs`` (``OpInputError`` otherwise). Result dtype: that of ``inputs``.

        >>> ops.convert_to_numpy(ops.slice(np.arange(12).reshape(3, 4), (1, 1), (2, 2)))
        array([[ 5,  6],
               [ 9, 10]])
        """
        ...

    @op(tier="exact")
    def slice_update(self, inputs: Any, start_indices: Any, updates: Any) -> Tensor:
        """A copy of ``inputs`` with the block at ``start_indices`` replaced by ``updates``.

        ``updates`` has the rank of ``inputs``, is cast to its dtype, and must fit inside it.
        Differentiable with respect to ``inputs`` and ``updates``.

        >>> ops.convert_to_numpy(ops.slice_update(np.zeros(5), (1,), np.ones(2)))
        array([0., 1., 1., 0., 0.])
        """
        ...

    @op(tier="exact")
    def stop_gradient(self, variable: Any) -> Tensor:
        """Return the value of ``variable`` (a tensor or Variable) with no gradient through it.

        >>> ops.convert_to_numpy(ops.stop_gradient(ops.convert_to_tensor([1.0, 2.0])))
        array([1., 2.], dtype=float32)
        """
        ...

    @op(tier="exact", differentiable=False, symbolic=False)
    def custom_gradient(self, f: Callable) -> Callable:
        """Decorate ``f`` to use its own gradient.

        ``f(*args, **kwargs)`` returns ``(y, grad_fn)``. ``grad_fn(upstream)`` receives the
        gradient with respect to ``y`` (positionally) and returns the gradients with respect
        to each positional argument of ``f`` (a tensor when there is one argument, else a
        tuple; ``None`` means zero). Keyword arguments are not differentiated. The decorated
        function returns ``y``.

        >>> @ops.custom_gradient
        ... def clipped_identity(x):
        ...     def grad_fn(upstream):
        ...         return ops.clip(upstream, -1.0, 1.0)
        ...     return x, grad_fn
        >>> ops.convert_to_numpy(clipped_identity(ops.convert_to_tensor([3.0])))
        array([3.], dtype=float32)
        """
        ...

    @op(tier="exact")
    def unstack(self, x: Any, num: int | None = None, axis: int = 0) -> list:
        """Split ``x`` along ``axis`` into a list of tensors with that axis removed.

        ``num``, when given, must equal ``x.shape[axis]``.

        >>> [ops.convert_to_numpy(t).tolist() for t in ops.unstack([[1, 2], [3, 4]], axis=1)]
        [[1, 3], [2, 4]]
        """
        ...
