"""The numpy-like op family (Keras 3's ``keras.ops.numpy`` namespace).

Conventions every op follows unless its docstring says otherwise:

- Inputs may be tensors, Python scalars, (nested) lists, NumPy arrays or Variables.
- Binary element-wise ops broadcast with NumPy's rules; their result dtype is
  :func:`~tholos.backend.dtypes.result_type` of the inputs, Python scalars being *weak*
  (``int8_tensor + 1`` stays ``int8``).
- "Float rule": transcendental ops return float inputs in their own dtype and bool or
  integer inputs in ``floatx()``.
- "Sum rule": sums and products of ``bool``/``int8``/``int16`` give ``int32`` and of
  ``uint8``/``uint16`` give ``uint32``; other dtypes are kept.
- Indices returned by ops (``argmax``, ``argsort``, ``nonzero``...) are ``int32``.
- ``axis`` arguments accept negative values; out-of-range axes, mismatched shapes and other
  bad input raise :class:`~tholos.errors.OpInputError` (a ``ValueError``), unsupported dtypes
  :class:`~tholos.errors.DtypeError` (a ``TypeError``).
"""

# ruff: noqa: N803 (Keras 3 names some arguments N and M)
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from tholos.backend.contract._spec import Tensor, op


class NumpyOps(Protocol):
    # ------------------------------------------------------------------ element-wise, unary
    @op(tier="exact")
    def abs(self, x: Any) -> Tensor:
        """Absolute value, element-wise; shorthand for :func:`absolute`.

        >>> np.asarray(ops.abs([-1.5, 2.0]))
        array([1.5, 2. ], dtype=float32)
        """
        ...

    @op(tier="exact")
    def absolute(self, x: Any) -> Tensor:
        """Absolute value, element-wise.

        Result dtype: that of ``x`` (complex inputs give the matching float dtype; bool is
        returned unchanged). ``abs`` of the most negative integer wraps, as in two's complement.

        >>> np.asarray(ops.absolute([-3, 0, 2]))
        array([3, 0, 2], dtype=int32)
        """
        ...

    @op(tier="transcendental")
    def arccos(self, x: Any) -> Tensor:
        """Inverse cosine, element-wise, in radians in ``[0, pi]`` (float rule).

        Values outside ``[-1, 1]`` give ``nan``.

        >>> np.asarray(ops.arccos([1.0]))
        array([0.], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def arccosh(self, x: Any) -> Tensor:
        """Inverse hyperbolic cosine, element-wise (float rule); ``nan`` for ``x < 1``.

        >>> np.asarray(ops.arccosh([1]))
        array([0.], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def arcsin(self, x: Any) -> Tensor:
        """Inverse sine, element-wise, in radians in ``[-pi/2, pi/2]`` (float rule).

        Values outside ``[-1, 1]`` give ``nan``.

        >>> np.asarray(ops.arcsin([0.0]))
        array([0.], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def arcsinh(self, x: Any) -> Tensor:
        """Inverse hyperbolic sine, element-wise (float rule).

        >>> np.asarray(ops.arcsinh([0.0]))
        array([0.], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def arctan(self, x: Any) -> Tensor:
        """Inverse tangent, element-wise, in radians in ``[-pi/2, pi/2]`` (float rule).

        >>> np.asarray(ops.arctan([0.0]))
        array([0.], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def arctanh(self, x: Any) -> Tensor:
        """Inverse hyperbolic tangent, element-wise (float rule).

        ``x = +-1`` gives ``+-inf``; ``|x| > 1`` gives ``nan``.

        >>> np.asarray(ops.arctanh([0.0]))
        array([0.], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def angle(self, x: Any) -> Tensor:
        """Argument of complex numbers, in radians in ``(-pi, pi]`` (float rule).

        Real inputs give ``0`` for non-negative and ``pi`` for negative values;
        ``complex64`` gives ``float32`` and ``complex128`` gives ``float64``.

        >>> np.asarray(ops.angle([1.0, -1.0]))
        array([0.       , 3.1415927], dtype=float32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def bitwise_invert(self, x: Any) -> Tensor:
        """Bit-wise NOT (``~x``) of an integer or bool tensor, dtype kept.

        Float inputs raise ``DtypeError``.

        >>> np.asarray(ops.bitwise_invert(np.array([0, 5], dtype="int8")))
        array([-1, -6], dtype=int8)
        """
        ...

    @op(tier="exact", differentiable=False)
    def bitwise_not(self, x: Any) -> Tensor:
        """Bit-wise NOT; same as :func:`bitwise_invert`.

        >>> np.asarray(ops.bitwise_not([True, False]))
        array([False,  True])
        """
        ...

    @op(tier="transcendental")
    def cbrt(self, x: Any) -> Tensor:
        """Real cube root, element-wise (float rule); negative inputs give negative roots.

        >>> np.asarray(ops.cbrt([8.0, -27.0]))
        array([ 2., -3.], dtype=float32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def ceil(self, x: Any) -> Tensor:
        """Smallest integer ``>= x``, element-wise, as a float (float rule).

        >>> np.asarray(ops.ceil([-1.5, 1.2]))
        array([-1.,  2.], dtype=float32)
        """
        ...

    @op(tier="exact")
    def conj(self, x: Any) -> Tensor:
        """Complex conjugate; shorthand for :func:`conjugate`.

        >>> np.asarray(ops.conj(np.array([1 + 2j], dtype="complex64")))
        array([1.-2.j], dtype=complex64)
        """
        ...

    @op(tier="exact")
    def conjugate(self, x: Any) -> Tensor:
        """Complex conjugate, element-wise; real inputs are returned unchanged (dtype kept).

        >>> np.asarray(ops.conjugate([1.0, 2.0]))
        array([1., 2.], dtype=float32)
        """
        ...

    @op(tier="exact")
    def copy(self, x: Any) -> Tensor:
        """A copy of ``x`` (same values, shape and dtype).

        >>> np.asarray(ops.copy([1, 2]))
        array([1, 2], dtype=int32)
        """
        ...

    @op(tier="transcendental")
    def cos(self, x: Any) -> Tensor:
        """Cosine of ``x`` (radians), element-wise (float rule).

        >>> np.asarray(ops.cos([0.0]))
        array([1.], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def cosh(self, x: Any) -> Tensor:
        """Hyperbolic cosine, element-wise (float rule).

        >>> np.asarray(ops.cosh([0.0]))
        array([1.], dtype=float32)
        """
        ...

    @op(tier="elementwise")
    def deg2rad(self, x: Any) -> Tensor:
        """Convert angles from degrees to radians, element-wise (float rule).

        >>> np.asarray(ops.deg2rad([180.0]))
        array([3.1415927], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def exp(self, x: Any) -> Tensor:
        """Natural exponential ``e**x``, element-wise (float rule); overflow gives ``inf``.

        >>> np.asarray(ops.exp([0.0, 1.0]))
        array([1.       , 2.7182817], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def exp2(self, x: Any) -> Tensor:
        """``2**x``, element-wise (float rule).

        >>> np.asarray(ops.exp2([0, 3]))
        array([1., 8.], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def expm1(self, x: Any) -> Tensor:
        """``exp(x) - 1``, accurate for small ``x`` (float rule).

        >>> np.asarray(ops.expm1([0.0]))
        array([0.], dtype=float32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def floor(self, x: Any) -> Tensor:
        """Largest integer ``<= x``, element-wise, as a float (float rule).

        >>> np.asarray(ops.floor([-1.5, 1.7]))
        array([-2.,  1.], dtype=float32)
        """
        ...

    @op(tier="exact")
    def imag(self, x: Any) -> Tensor:
        """Imaginary part, element-wise; zeros (dtype kept) for real inputs.

        ``complex64`` gives ``float32``, ``complex128`` gives ``float64``.

        >>> np.asarray(ops.imag(np.array([1 + 2j], dtype="complex64")))
        array([2.], dtype=float32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def isfinite(self, x: Any) -> Tensor:
        """``True`` where ``x`` is neither infinite nor ``nan`` (bool result).

        >>> np.asarray(ops.isfinite([1.0, np.inf, np.nan]))
        array([ True, False, False])
        """
        ...

    @op(tier="exact", differentiable=False)
    def isinf(self, x: Any) -> Tensor:
        """``True`` where ``x`` is ``+inf`` or ``-inf`` (bool result).

        >>> np.asarray(ops.isinf([1.0, -np.inf]))
        array([False,  True])
        """
        ...

    @op(tier="exact", differentiable=False)
    def isnan(self, x: Any) -> Tensor:
        """``True`` where ``x`` is ``nan`` (bool result; always ``False`` for integers).

        >>> np.asarray(ops.isnan([1.0, np.nan]))
        array([False,  True])
        """
        ...

    @op(tier="exact", differentiable=False)
    def isneginf(self, x: Any) -> Tensor:
        """``True`` where ``x`` is ``-inf`` (bool result).

        >>> np.asarray(ops.isneginf([-np.inf, np.inf]))
        array([ True, False])
        """
        ...

    @op(tier="exact", differentiable=False)
    def isposinf(self, x: Any) -> Tensor:
        """``True`` where ``x`` is ``+inf`` (bool result).

        >>> np.asarray(ops.isposinf([-np.inf, np.inf]))
        array([False,  True])
        """
        ...

    @op(tier="exact", differentiable=False)
    def isreal(self, x: Any) -> Tensor:
        """``True`` where the imaginary part is zero (always ``True`` for real dtypes).

        >>> np.asarray(ops.isreal(np.array([1 + 0j, 1j])))
        array([ True, False])
        """
        ...

    @op(tier="transcendental")
    def log(self, x: Any) -> Tensor:
        """Natural logarithm, element-wise (float rule).

        ``log(0)`` is ``-inf``; negative inputs give ``nan``.

        >>> np.asarray(ops.log([1.0, 0.0]))
        array([  0., -inf], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def log10(self, x: Any) -> Tensor:
        """Base-10 logarithm, element-wise (float rule).

        >>> np.asarray(ops.log10([1, 100]))
        array([0., 2.], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def log1p(self, x: Any) -> Tensor:
        """``log(1 + x)``, accurate for small ``x`` (float rule).

        >>> np.asarray(ops.log1p([0.0]))
        array([0.], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def log2(self, x: Any) -> Tensor:
        """Base-2 logarithm, element-wise (float rule).

        >>> np.asarray(ops.log2([1, 8]))
        array([0., 3.], dtype=float32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def logical_not(self, x: Any) -> Tensor:
        """Logical NOT of the truth value of ``x`` (bool result).

        >>> np.asarray(ops.logical_not([True, False, 0, 2]))
        array([False,  True,  True, False])
        """
        ...

    @op(tier="elementwise")
    def nan_to_num(
        self, x: Any, nan: float = 0.0, posinf: Any = None, neginf: Any = None
    ) -> Tensor:
        """Replace ``nan`` by ``nan``, ``+inf`` by ``posinf`` and ``-inf`` by ``neginf``.

        ``posinf``/``neginf`` default to the largest/lowest finite value of ``x``'s dtype.
        Dtype kept; integer and bool inputs are returned unchanged. The gradient is zero at
        replaced entries.

        >>> np.asarray(ops.nan_to_num([np.nan, 1.0, -np.inf], neginf=-9.0))
        array([ 0.,  1., -9.], dtype=float32)
        """
        ...

    @op(tier="exact")
    def negative(self, x: Any) -> Tensor:
        """``-x``, element-wise, dtype kept; bool input raises ``DtypeError``.

        >>> np.asarray(ops.negative([1, -2]))
        array([-1,  2], dtype=int32)
        """
        ...

    @op(tier="exact")
    def real(self, x: Any) -> Tensor:
        """Real part, element-wise; real inputs are returned unchanged (dtype kept).

        ``complex64`` gives ``float32``, ``complex128`` gives ``float64``.

        >>> np.asarray(ops.real(np.array([1 + 2j], dtype="complex64")))
        array([1.], dtype=float32)
        """
        ...

    @op(tier="elementwise")
    def reciprocal(self, x: Any) -> Tensor:
        """``1 / x``, element-wise (float rule: integers are not floor-divided).

        ``1 / 0`` is ``inf``.

        >>> np.asarray(ops.reciprocal([2, 4]))
        array([0.5 , 0.25], dtype=float32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def round(self, x: Any, decimals: int = 0) -> Tensor:
        """Round to ``decimals`` decimal places, halves to even (``round(2.5) == 2``).

        Dtype kept (integers with negative ``decimals`` round to tens, hundreds...).

        >>> np.asarray(ops.round([0.5, 1.5, 2.567], decimals=0))
        array([0., 2., 3.], dtype=float32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def sign(self, x: Any) -> Tensor:
        """``-1``, ``0`` or ``1`` by the sign of ``x`` (``nan`` stays ``nan``); dtype kept.

        >>> np.asarray(ops.sign([-2.0, 0.0, 3.0]))
        array([-1.,  0.,  1.], dtype=float32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def signbit(self, x: Any) -> Tensor:
        """``True`` where the sign bit is set (negative numbers, ``-0.0``); bool result.

        >>> np.asarray(ops.signbit([-0.0, 0.0, -1.0]))
        array([ True, False,  True])
        """
        ...

    @op(tier="transcendental")
    def sin(self, x: Any) -> Tensor:
        """Sine of ``x`` (radians), element-wise (float rule).

        >>> np.asarray(ops.sin([0.0]))
        array([0.], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def sinh(self, x: Any) -> Tensor:
        """Hyperbolic sine, element-wise (float rule).

        >>> np.asarray(ops.sinh([0.0]))
        array([0.], dtype=float32)
        """
        ...

    @op(tier="elementwise")
    def sqrt(self, x: Any) -> Tensor:
        """Non-negative square root, element-wise (float rule); negative inputs give ``nan``.

        >>> np.asarray(ops.sqrt([4, 9]))
        array([2., 3.], dtype=float32)
        """
        ...

    @op(tier="elementwise")
    def square(self, x: Any) -> Tensor:
        """``x * x``, element-wise; dtype kept (bool gives ``int32``).

        >>> np.asarray(ops.square([-2, 3]))
        array([4, 9], dtype=int32)
        """
        ...

    @op(tier="transcendental")
    def tan(self, x: Any) -> Tensor:
        """Tangent of ``x`` (radians), element-wise (float rule).

        >>> np.asarray(ops.tan([0.0]))
        array([0.], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def tanh(self, x: Any) -> Tensor:
        """Hyperbolic tangent, element-wise (float rule).

        >>> np.asarray(ops.tanh([0.0]))
        array([0.], dtype=float32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def trunc(self, x: Any) -> Tensor:
        """Round towards zero, element-wise; dtype kept (integers are returned unchanged).

        >>> np.asarray(ops.trunc([-1.7, 1.7]))
        array([-1.,  1.], dtype=float32)
        """
        ...

    # ------------------------------------------------------------------ element-wise, binary
    @op(tier="elementwise")
    def add(self, x1: Any, x2: Any) -> Tensor:
        """``x1 + x2``, element-wise with broadcasting; dtype ``result_type(x1, x2)``.

        Two bool tensors give their logical OR.

        >>> np.asarray(ops.add([1, 2], 3))
        array([4, 5], dtype=int32)
        """
        ...

    @op(tier="transcendental")
    def arctan2(self, x1: Any, x2: Any) -> Tensor:
        """Angle of the point ``(x2, x1)``, in radians in ``[-pi, pi]``, element-wise.

        The quadrant is chosen from both signs; ``arctan2(0, -1) == pi``. Dtype: float rule
        applied to ``result_type(x1, x2)``.

        >>> np.asarray(ops.arctan2([0.0, 1.0], [1.0, 0.0]))
        array([0.       , 1.5707964], dtype=float32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def bitwise_and(self, x: Any, y: Any) -> Tensor:
        """Bit-wise AND (``x & y``) of integer or bool tensors; dtype ``result_type(x, y)``.

        Float inputs raise ``DtypeError``.

        >>> np.asarray(ops.bitwise_and([12, 10], 6))
        array([4, 2], dtype=int32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def bitwise_left_shift(self, x: Any, y: Any) -> Tensor:
        """Shift the bits of ``x`` left by ``y`` (``x << y``); dtype ``result_type(x, y)``.

        >>> np.asarray(ops.bitwise_left_shift([1, 3], 2))
        array([ 4, 12], dtype=int32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def bitwise_or(self, x: Any, y: Any) -> Tensor:
        """Bit-wise OR (``x | y``) of integer or bool tensors; dtype ``result_type(x, y)``.

        >>> np.asarray(ops.bitwise_or([12, 10], 6))
        array([14, 14], dtype=int32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def bitwise_right_shift(self, x: Any, y: Any) -> Tensor:
        """Shift the bits of ``x`` right by ``y`` (``x >> y``, arithmetic for signed ints).

        >>> np.asarray(ops.bitwise_right_shift([16, -16], 2))
        array([ 4, -4], dtype=int32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def bitwise_xor(self, x: Any, y: Any) -> Tensor:
        """Bit-wise XOR (``x ^ y``) of integer or bool tensors; dtype ``result_type(x, y)``.

        >>> np.asarray(ops.bitwise_xor([12, 10], 6))
        array([10, 12], dtype=int32)
        """
        ...

    @op(tier="elementwise")
    def divide(self, x1: Any, x2: Any) -> Tensor:
        """True division ``x1 / x2``, element-wise with broadcasting.

        Dtype: float rule applied to ``result_type(x1, x2)`` (``int / int`` gives
        ``floatx()``). Division by zero gives ``+-inf`` or ``nan``.

        >>> np.asarray(ops.divide([1, 3], 2))
        array([0.5, 1.5], dtype=float32)
        """
        ...

    @op(tier="elementwise")
    def divide_no_nan(self, x1: Any, x2: Any) -> Tensor:
        """``x1 / x2``, but ``0`` wherever ``x2 == 0`` (dtype as :func:`divide`).

        The gradient is zero (never ``nan``) where ``x2 == 0``.

        >>> np.asarray(ops.divide_no_nan([1.0, 2.0], [0.0, 4.0]))
        array([0. , 0.5], dtype=float32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def equal(self, x1: Any, x2: Any) -> Tensor:
        """``x1 == x2``, element-wise with broadcasting (bool result).

        Operands are compared after promotion to ``result_type(x1, x2)``.

        >>> np.asarray(ops.equal([1, 2, 3], 2))
        array([False,  True, False])
        """
        ...

    @op(tier="exact", differentiable=False)
    def floor_divide(self, x1: Any, x2: Any) -> Tensor:
        """``floor(x1 / x2)``, element-wise; dtype ``result_type(x1, x2)`` (bool gives int32).

        Rounds towards minus infinity (``-7 // 2 == -4``). Integer division by zero gives 0.

        >>> np.asarray(ops.floor_divide([7, -7], 2))
        array([ 3, -4], dtype=int32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def gcd(self, x1: Any, x2: Any) -> Tensor:
        """Greatest common divisor of integer tensors, element-wise (non-negative result).

        >>> np.asarray(ops.gcd([12, 20], [18, 8]))
        array([6, 4], dtype=int32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def greater(self, x1: Any, x2: Any) -> Tensor:
        """``x1 > x2``, element-wise with broadcasting (bool result).

        >>> np.asarray(ops.greater([1, 2, 3], 2))
        array([False, False,  True])
        """
        ...

    @op(tier="exact", differentiable=False)
    def greater_equal(self, x1: Any, x2: Any) -> Tensor:
        """``x1 >= x2``, element-wise with broadcasting (bool result).

        >>> np.asarray(ops.greater_equal([1, 2, 3], 2))
        array([False,  True,  True])
        """
        ...

    @op(tier="exact", differentiable=False)
    def heaviside(self, x1: Any, x2: Any) -> Tensor:
        """Heaviside step: ``0`` where ``x1 < 0``, ``x2`` where ``x1 == 0``, ``1`` where ``x1 > 0``.

        Dtype: float rule applied to ``result_type(x1, x2)``.

        >>> np.asarray(ops.heaviside([-1.0, 0.0, 2.0], 0.5))
        array([0. , 0.5, 1. ], dtype=float32)
        """
        ...

    @op(tier="elementwise")
    def hypot(self, x1: Any, x2: Any) -> Tensor:
        """``sqrt(x1**2 + x2**2)`` without intermediate overflow (float rule on the promotion).

        >>> np.asarray(ops.hypot([3], [4]))
        array([5.], dtype=float32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def isclose(
        self, x1: Any, x2: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False
    ) -> Tensor:
        """``|x1 - x2| <= atol + rtol * |x2|``, element-wise (bool result).

        ``nan`` never equals anything unless ``equal_nan=True``; equal infinities are close.

        >>> np.asarray(ops.isclose([1.0, 1.0, np.nan], [1.0 + 1e-7, 1.1, np.nan]))
        array([ True, False, False])
        """
        ...

    @op(tier="exact", differentiable=False)
    def lcm(self, x1: Any, x2: Any) -> Tensor:
        """Least common multiple of integer tensors, element-wise.

        >>> np.asarray(ops.lcm([4, 6], [6, 8]))
        array([12, 24], dtype=int32)
        """
        ...

    @op(tier="elementwise")
    def ldexp(self, x1: Any, x2: Any) -> Tensor:
        """``x1 * 2**x2`` with an integer exponent ``x2`` (float rule on the promotion).

        A non-integer ``x2`` raises ``DtypeError``.

        >>> np.asarray(ops.ldexp([1.0, 3.0], [3, -1]))
        array([8. , 1.5], dtype=float32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def left_shift(self, x: Any, y: Any) -> Tensor:
        """Shift the bits of ``x`` left by ``y``; same as :func:`bitwise_left_shift`.

        >>> np.asarray(ops.left_shift([1], 3))
        array([8], dtype=int32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def less(self, x1: Any, x2: Any) -> Tensor:
        """``x1 < x2``, element-wise with broadcasting (bool result).

        >>> np.asarray(ops.less([1, 2, 3], 2))
        array([ True, False, False])
        """
        ...

    @op(tier="exact", differentiable=False)
    def less_equal(self, x1: Any, x2: Any) -> Tensor:
        """``x1 <= x2``, element-wise with broadcasting (bool result).

        >>> np.asarray(ops.less_equal([1, 2, 3], 2))
        array([ True,  True, False])
        """
        ...

    @op(tier="transcendental")
    def logaddexp(self, x1: Any, x2: Any) -> Tensor:
        """``log(exp(x1) + exp(x2))`` computed without overflow (float rule on the promotion).

        >>> np.asarray(ops.logaddexp([0.0], [0.0]))
        array([0.6931472], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def logaddexp2(self, x1: Any, x2: Any) -> Tensor:
        """``log2(2**x1 + 2**x2)`` computed without overflow (float rule on the promotion).

        >>> np.asarray(ops.logaddexp2([1.0], [1.0]))
        array([2.], dtype=float32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def logical_and(self, x1: Any, x2: Any) -> Tensor:
        """Logical AND of the truth values, element-wise with broadcasting (bool result).

        >>> np.asarray(ops.logical_and([True, True, False], [True, False, False]))
        array([ True, False, False])
        """
        ...

    @op(tier="exact", differentiable=False)
    def logical_or(self, x1: Any, x2: Any) -> Tensor:
        """Logical OR of the truth values, element-wise with broadcasting (bool result).

        >>> np.asarray(ops.logical_or([True, False, False], [True, True, False]))
        array([ True,  True, False])
        """
        ...

    @op(tier="exact", differentiable=False)
    def logical_xor(self, x1: Any, x2: Any) -> Tensor:
        """Logical XOR of the truth values, element-wise with broadcasting (bool result).

        >>> np.asarray(ops.logical_xor([True, True, False], [True, False, False]))
        array([False,  True, False])
        """
        ...

    @op(tier="exact")
    def maximum(self, x1: Any, x2: Any) -> Tensor:
        """Element-wise maximum with broadcasting; dtype ``result_type(x1, x2)``.

        ``nan`` propagates. At ties the gradient is split equally between both inputs.

        >>> np.asarray(ops.maximum([1, 5], 3))
        array([3, 5], dtype=int32)
        """
        ...

    @op(tier="exact")
    def minimum(self, x1: Any, x2: Any) -> Tensor:
        """Element-wise minimum with broadcasting; dtype ``result_type(x1, x2)``.

        ``nan`` propagates. At ties the gradient is split equally between both inputs.

        >>> np.asarray(ops.minimum([1, 5], 3))
        array([1, 3], dtype=int32)
        """
        ...

    @op(tier="elementwise")
    def mod(self, x1: Any, x2: Any) -> Tensor:
        """Remainder of floor division; the result has the sign of ``x2`` (``-7 % 3 == 2``).

        Dtype ``result_type(x1, x2)`` (bool gives ``int32``). Integer modulo zero gives 0.

        >>> np.asarray(ops.mod([7, -7], 3))
        array([1, 2], dtype=int32)
        """
        ...

    @op(tier="elementwise")
    def multiply(self, x1: Any, x2: Any) -> Tensor:
        """``x1 * x2``, element-wise with broadcasting; dtype ``result_type(x1, x2)``.

        Two bool tensors give their logical AND.

        >>> np.asarray(ops.multiply([1, 2], [3, 4]))
        array([3, 8], dtype=int32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def nextafter(self, x1: Any, x2: Any) -> Tensor:
        """The next representable float after ``x1`` towards ``x2`` (float rule on promotion).

        >>> np.asarray(ops.nextafter([1.0], [2.0])) - 1.0
        array([1.1920929e-07], dtype=float32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def not_equal(self, x1: Any, x2: Any) -> Tensor:
        """``x1 != x2``, element-wise with broadcasting (bool result).

        >>> np.asarray(ops.not_equal([1, 2, 3], 2))
        array([ True, False,  True])
        """
        ...

    @op(tier="transcendental")
    def power(self, x1: Any, x2: Any) -> Tensor:
        """``x1 ** x2``, element-wise with broadcasting; dtype ``result_type(x1, x2)``.

        Integer bases with negative integer exponents raise ``OpInputError``.

        >>> np.asarray(ops.power([2, 3], 2))
        array([4, 9], dtype=int32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def right_shift(self, x: Any, y: Any) -> Tensor:
        """Shift the bits of ``x`` right by ``y``; same as :func:`bitwise_right_shift`.

        >>> np.asarray(ops.right_shift([8], 3))
        array([1], dtype=int32)
        """
        ...

    @op(tier="elementwise")
    def subtract(self, x1: Any, x2: Any) -> Tensor:
        """``x1 - x2``, element-wise with broadcasting; dtype ``result_type(x1, x2)``.

        Two bool tensors raise ``DtypeError``.

        >>> np.asarray(ops.subtract([5, 7], 2.5))
        array([2.5, 4.5], dtype=float32)
        """
        ...

    @op(tier="elementwise")
    def true_divide(self, x1: Any, x2: Any) -> Tensor:
        """True division; same as :func:`divide`.

        >>> np.asarray(ops.true_divide(7, 2))
        array(3.5, dtype=float32)
        """
        ...

    @op(tier="exact")
    def clip(self, x: Any, x_min: Any, x_max: Any) -> Tensor:
        """Limit values to ``[x_min, x_max]``, element-wise.

        Dtype: that of ``x`` (bool gives ``int32``); bounds are cast to it. If
        ``x_min > x_max`` every value becomes ``x_max``. The gradient is zero where ``x`` was
        clipped.

        >>> np.asarray(ops.clip([-2, 0.5, 3], 0, 1))
        array([0. , 0.5, 1. ], dtype=float32)
        """
        ...

    # ------------------------------------------------------------------ reductions
    @op(tier="exact", differentiable=False)
    def all(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Whether every element is truthy, over ``axis`` (int, tuple or None = all); bool.

        The reduction of an empty axis is ``True``.

        >>> np.asarray(ops.all([[True, False], [True, True]], axis=1))
        array([False,  True])
        """
        ...

    @op(tier="exact")
    def amax(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Maximum over ``axis`` (int, tuple or None = all), dtype kept.

        ``nan`` propagates; an empty reduction raises ``OpInputError``. The gradient is
        shared equally among tied maxima.

        >>> np.asarray(ops.amax([[1, 6], [4, 2]], axis=0))
        array([4, 6], dtype=int32)
        """
        ...

    @op(tier="exact")
    def amin(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Minimum over ``axis`` (int, tuple or None = all), dtype kept (see :func:`amax`).

        >>> np.asarray(ops.amin([[1, 6], [4, 2]], axis=1, keepdims=True))
        array([[1],
               [2]], dtype=int32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def any(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Whether any element is truthy, over ``axis`` (int, tuple or None = all); bool.

        The reduction of an empty axis is ``False``.

        >>> np.asarray(ops.any([[True, False], [False, False]], axis=1))
        array([ True, False])
        """
        ...

    @op(tier="exact", differentiable=False)
    def argmax(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Index of the maximum along ``axis`` (None: into the flattened tensor); ``int32``.

        Ties give the first occurrence; ``nan`` counts as the maximum. An empty tensor raises
        ``OpInputError``.

        >>> np.asarray(ops.argmax([[1, 5, 5], [7, 0, 2]], axis=1))
        array([1, 0], dtype=int32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def argmin(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Index of the minimum along ``axis`` (None: into the flattened tensor); ``int32``.

        Ties give the first occurrence; ``nan`` counts as the minimum.

        >>> np.asarray(ops.argmin([3, 1, 1]))
        array(1, dtype=int32)
        """
        ...

    @op(tier="reduction")
    def average(self, x: Any, axis: Any = None, weights: Any = None) -> Tensor:
        """Weighted mean ``sum(x * w) / sum(w)`` over ``axis`` (None: all elements).

        ``weights`` has the shape of ``x``, or is 1-D with the length of ``x`` along ``axis``.
        Dtype: float rule applied to ``result_type(x, weights)``. Zero total weight gives
        ``nan``/``inf``.

        >>> np.asarray(ops.average([1.0, 2.0, 4.0], weights=[1.0, 1.0, 2.0]))
        array(2.75, dtype=float32)
        """
        ...

    @op(tier="reduction")
    def corrcoef(self, x: Any) -> Tensor:
        """Pearson correlation matrix of the rows of ``x`` (variables in rows).

        A 1-D ``x`` gives a 0-d ``1.0``. Float rule; constant rows give ``nan``.

        >>> np.asarray(ops.corrcoef([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]]))
        array([[ 1., -1.],
               [-1.,  1.]], dtype=float32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def count_nonzero(self, x: Any, axis: Any = None) -> Tensor:
        """Number of non-zero (truthy) elements over ``axis`` (int, tuple or None); ``int32``.

        >>> np.asarray(ops.count_nonzero([[0, 1, 7], [3, 0, 0]], axis=1))
        array([2, 1], dtype=int32)
        """
        ...

    @op(tier="reduction")
    def cumprod(self, x: Any, axis: Any = None, dtype: Any = None) -> Tensor:
        """Cumulative product along ``axis`` (None: of the flattened tensor).

        Dtype: ``dtype`` when given, else that of ``x``; bool gives ``int32``. The gradient is
        exact also where ``x`` contains zeros.

        >>> np.asarray(ops.cumprod([[1, 2], [3, 4]], axis=1))
        array([[ 1,  2],
               [ 3, 12]], dtype=int32)
        """
        ...

    @op(tier="reduction")
    def cumsum(self, x: Any, axis: Any = None, dtype: Any = None) -> Tensor:
        """Cumulative sum along ``axis`` (None: of the flattened tensor).

        Dtype: ``dtype`` when given, else that of ``x``; bool gives ``int32``.

        >>> np.asarray(ops.cumsum([[1, 2], [3, 4]]))
        array([ 1,  3,  6, 10], dtype=int32)
        """
        ...

    @op(tier="exact")
    def max(self, x: Any, axis: Any = None, keepdims: bool = False, initial: Any = None) -> Tensor:
        """Maximum over ``axis`` (int, tuple or None = all), dtype kept.

        ``initial`` (optional) takes part in the maximum and is the result of an empty
        reduction; without it an empty reduction raises ``OpInputError``. ``nan`` propagates.

        >>> np.asarray(ops.max([[1, 6], [4, 2]], axis=1))
        array([6, 4], dtype=int32)
        >>> np.asarray(ops.max([1.0, 2.0], initial=5.0))
        array(5., dtype=float32)
        """
        ...

    @op(tier="reduction")
    def mean(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Arithmetic mean over ``axis`` (int, tuple or None = all).

        Float rule (integer/bool inputs give ``floatx()``); half floats accumulate in float32.
        The mean of an empty axis is ``nan``.

        >>> np.asarray(ops.mean([[1, 2], [3, 5]], axis=0))
        array([2. , 3.5], dtype=float32)
        """
        ...

    @op(tier="reduction")
    def median(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Median over ``axis`` (int, tuple or None = all): mean of the two middle values for
        an even count.

        Float rule; ``nan`` in a reduced slice gives ``nan``. Empty input raises ``OpInputError``.

        >>> np.asarray(ops.median([[3, 1, 2], [4, 8, 6]], axis=1))
        array([2., 6.], dtype=float32)
        """
        ...

    @op(tier="exact")
    def min(self, x: Any, axis: Any = None, keepdims: bool = False, initial: Any = None) -> Tensor:
        """Minimum over ``axis`` (int, tuple or None = all), dtype kept (see :func:`max`).

        >>> np.asarray(ops.min([[1, 6], [4, 2]], axis=0))
        array([1, 2], dtype=int32)
        """
        ...

    @op(tier="exact")
    def nanmax(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Maximum over ``axis`` ignoring ``nan``; ``nan`` where a slice is all ``nan``.

        >>> np.asarray(ops.nanmax([1.0, np.nan, 3.0]))
        array(3., dtype=float32)
        """
        ...

    @op(tier="exact")
    def nanmin(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Minimum over ``axis`` ignoring ``nan``; ``nan`` where a slice is all ``nan``.

        >>> np.asarray(ops.nanmin([1.0, np.nan, 3.0]))
        array(1., dtype=float32)
        """
        ...

    @op(tier="reduction")
    def nansum(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Sum over ``axis`` treating ``nan`` as zero (dtype: sum rule).

        >>> np.asarray(ops.nansum([1.0, np.nan, 3.0]))
        array(4., dtype=float32)
        """
        ...

    @op(tier="reduction")
    def prod(self, x: Any, axis: Any = None, keepdims: bool = False, dtype: Any = None) -> Tensor:
        """Product over ``axis`` (int, tuple or None = all); the product of nothing is 1.

        Dtype: ``dtype`` when given, else the sum rule (bool/int8/int16 give ``int32``).

        >>> np.asarray(ops.prod([[1, 2], [3, 4]], axis=1))
        array([ 2, 12], dtype=int32)
        """
        ...

    @op(tier="exact")
    def ptp(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Range ``max - min`` over ``axis`` (int, tuple or None = all), dtype kept.

        >>> np.asarray(ops.ptp([[4, 9, 2], [1, 1, 1]], axis=1))
        array([7, 0], dtype=int32)
        """
        ...

    @op(tier="reduction")
    def quantile(
        self, x: Any, q: Any, axis: Any = None, method: str = "linear", keepdims: bool = False
    ) -> Tensor:
        """The ``q``-th quantiles (``0 <= q <= 1``) over ``axis`` (int, tuple or None = all).

        ``method``: ``"linear"`` (interpolate between the order statistics at
        ``q * (n - 1)``), ``"lower"``, ``"higher"``, ``"midpoint"`` or ``"nearest"`` (halves to
        even). A 1-D ``q`` adds a leading axis of its length. Float rule; ``nan`` in a slice
        gives ``nan``; ``q`` outside ``[0, 1]`` or empty input raises ``OpInputError``.

        >>> np.asarray(ops.quantile([1, 2, 3, 4], [0.25, 0.5]))
        array([1.75, 2.5 ], dtype=float32)
        """
        ...

    @op(tier="reduction")
    def std(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Population standard deviation (divide by ``n``) over ``axis``; dtype as :func:`var`.

        >>> np.asarray(ops.std([1.0, 3.0]))
        array(1., dtype=float32)
        """
        ...

    @op(tier="reduction")
    def sum(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Sum over ``axis`` (int, tuple or None = all); the sum of nothing is 0.

        Dtype: the sum rule (bool/int8/int16 give ``int32``, uint8/uint16 ``uint32``);
        integer overflow wraps. Half floats accumulate in float32.

        >>> np.asarray(ops.sum([[1, 2], [3, 4]], axis=0))
        array([4, 6], dtype=int32)
        >>> np.asarray(ops.sum([True, True, False]))
        array(2, dtype=int32)
        """
        ...

    @op(tier="reduction")
    def trace(self, x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
        """Sum along a diagonal (``offset`` above the main one) of the ``axis1``/``axis2`` planes.

        Dtype: the sum rule. Rank below 2 raises ``OpInputError``.

        >>> np.asarray(ops.trace([[1, 2], [3, 4]]))
        array(5, dtype=int32)
        """
        ...

    @op(tier="reduction")
    def trapezoid(self, y: Any, x: Any = None, dx: float = 1.0, axis: int = -1) -> Tensor:
        """Integral of ``y`` along ``axis`` by the trapezoidal rule.

        Sample points are ``x`` when given (along ``axis``, or 1-D), else spaced by ``dx``.
        Float rule.

        >>> np.asarray(ops.trapezoid([1.0, 2.0, 3.0]))
        array(4., dtype=float32)
        """
        ...

    @op(tier="reduction")
    def var(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Population variance ``mean(|x - mean(x)|**2)`` over ``axis`` (int, tuple or None).

        Float rule (complex inputs give their real dtype); empty slices give ``nan``.

        >>> np.asarray(ops.var([1, 2, 3, 4]))
        array(1.25, dtype=float32)
        """
        ...

    # ------------------------------------------------------------------ products
    @op(tier="matmul")
    def correlate(self, x1: Any, x2: Any, mode: str = "valid") -> Tensor:
        """Cross-correlation of two 1-D tensors: ``c[k] = sum_n x1[n + k] * conj(x2[n])``.

        ``mode``: ``"valid"`` (length ``max - min + 1``), ``"same"`` (length ``max(M, N)``)
        or ``"full"`` (length ``M + N - 1``), zero padded as in NumPy. Float rule on the
        promotion. Non-1-D or empty inputs raise ``OpInputError``.

        >>> np.asarray(ops.correlate([1, 2, 3], [0, 1, 0.5]))
        array([3.5], dtype=float32)
        """
        ...

    @op(tier="matmul")
    def cross(
        self,
        x1: Any,
        x2: Any,
        axisa: int = -1,
        axisb: int = -1,
        axisc: int = -1,
        axis: Any = None,
    ) -> Tensor:
        """Cross product of (batches of) 2- or 3-component vectors, with broadcasting.

        ``axisa``/``axisb`` hold the components of ``x1``/``x2``, ``axisc`` those of the
        result; ``axis`` overrides all three. Two 2-vectors give the scalar z-component.
        Dtype ``result_type(x1, x2)``.

        >>> np.asarray(ops.cross([1, 0, 0], [0, 1, 0]))
        array([0, 0, 1], dtype=int32)
        """
        ...

    @op(tier="matmul")
    def dot(self, x1: Any, x2: Any) -> Tensor:
        """NumPy ``dot``: inner product of vectors, matrix product of matrices, and for N-D
        a sum over the last axis of ``x1`` and the second-to-last of ``x2``.

        Scalars multiply. Dtype ``result_type(x1, x2)``.

        >>> np.asarray(ops.dot([1, 2], [3, 4]))
        array(11, dtype=int32)
        """
        ...

    @op(tier="matmul")
    def einsum(self, subscripts: str, *operands: Any, **kwargs: Any) -> Tensor:
        """Einstein summation over ``operands`` as described by ``subscripts``.

        Dtype: ``result_type`` of the operands, except that all-``int8`` operands give
        ``int32``. Backend-specific ``kwargs`` (such as ``optimize``) do not change the result.

        >>> np.asarray(ops.einsum("ij,j->i", [[1, 2], [3, 4]], [1, 1]))
        array([3, 7], dtype=int32)
        """
        ...

    @op(tier="matmul")
    def inner(self, x1: Any, x2: Any) -> Tensor:
        """Inner product over the last axes of ``x1`` and ``x2`` (scalars multiply).

        >>> np.asarray(ops.inner([1, 2, 3], [0, 1, 0]))
        array(2, dtype=int32)
        """
        ...

    @op(tier="matmul")
    def kron(self, x1: Any, x2: Any) -> Tensor:
        """Kronecker product of two tensors; dtype ``result_type(x1, x2)``.

        >>> np.asarray(ops.kron([1, 10], [1, 2]))
        array([ 1,  2, 10, 20], dtype=int32)
        """
        ...

    @op(tier="matmul")
    def matmul(self, x1: Any, x2: Any) -> Tensor:
        """Matrix product with batch broadcasting (NumPy ``matmul`` semantics).

        1-D operands are treated as vectors (the added axis is removed from the result).
        Scalars and mismatched inner dimensions raise ``OpInputError``. Dtype
        ``result_type(x1, x2)``, except ``int8 @ int8`` gives ``int32``.

        >>> np.asarray(ops.matmul([[1, 2], [3, 4]], [[1], [1]]))
        array([[3],
               [7]], dtype=int32)
        """
        ...

    @op(tier="matmul")
    def outer(self, x1: Any, x2: Any) -> Tensor:
        """Outer product of the flattened inputs: ``out[i, j] = x1[i] * x2[j]``.

        >>> np.asarray(ops.outer([1, 2], [1, 10, 100]))
        array([[  1,  10, 100],
               [  2,  20, 200]], dtype=int32)
        """
        ...

    @op(tier="matmul")
    def tensordot(self, x1: Any, x2: Any, axes: Any = 2) -> Tensor:
        """Sum of products over axes: the last ``axes`` of ``x1`` with the first ``axes`` of
        ``x2`` (an int), or the axes listed in ``axes = (axes_x1, axes_x2)``.

        Dtype ``result_type(x1, x2)``.

        >>> np.asarray(ops.tensordot([[1, 2], [3, 4]], [[1, 0], [0, 1]], axes=2))
        array(5, dtype=int32)
        """
        ...

    @op(tier="matmul")
    def vdot(self, x1: Any, x2: Any) -> Tensor:
        """Dot product of the flattened inputs, conjugating ``x1`` when complex (0-d result).

        >>> np.asarray(ops.vdot([[1, 2], [3, 4]], [[1, 1], [1, 1]]))
        array(10, dtype=int32)
        """
        ...

    # ------------------------------------------------------------------ creation
    @op(tier="exact", differentiable=False)
    def arange(self, start: Any, stop: Any = None, step: Any = 1, dtype: Any = None) -> Tensor:
        """Evenly spaced values in ``[start, stop)`` (``arange(n)`` is ``[0, n)``).

        Dtype: ``dtype``, else ``result_type(start, stop, step)`` with Python numbers weak:
        Python ints give ``int32``, a Python float gives ``floatx()``. The length is
        ``ceil((stop - start) / step)``; ``step == 0`` raises ``OpInputError``.

        >>> np.asarray(ops.arange(3, 9, 2))
        array([3, 5, 7], dtype=int32)
        >>> np.asarray(ops.arange(1.0))
        array([0.], dtype=float32)
        """
        ...

    @op(tier="exact")
    def array(self, x: Any, dtype: Any = None) -> Tensor:
        """A new tensor holding the values of ``x`` (cast to ``dtype`` when given).

        Without ``dtype`` Python floats give ``floatx()`` and Python ints ``int32``.

        >>> np.asarray(ops.array([1, 2], dtype="float32"))
        array([1., 2.], dtype=float32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def bartlett(self, x: Any) -> Tensor:
        """The Bartlett (triangular) window of ``x`` points, in ``floatx()``.

        >>> np.asarray(ops.bartlett(5))
        array([0. , 0.5, 1. , 0.5, 0. ], dtype=float32)
        """
        ...

    @op(tier="transcendental", differentiable=False)
    def blackman(self, x: Any) -> Tensor:
        """The Blackman window of ``x`` points, in ``floatx()``.

        >>> np.round(np.asarray(ops.blackman(3)), 4)
        array([-0.,  1., -0.], dtype=float32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def empty(self, shape: Any, dtype: Any = None) -> Tensor:
        """A tensor of ``shape`` whose values are unspecified (dtype ``dtype`` or ``floatx()``).

        >>> np.asarray(ops.empty((2, 0))).shape
        (2, 0)
        """
        ...

    @op(tier="exact", differentiable=False)
    def empty_like(self, x: Any, dtype: Any = None) -> Tensor:
        """An unspecified-valued tensor with the shape (and, by default, dtype) of ``x``.

        >>> np.asarray(ops.empty_like([[1, 2]])).shape
        (1, 2)
        """
        ...

    @op(tier="exact", differentiable=False)
    def eye(
        self,
        N: int,
        M: int | None = None,
        k: int = 0,
        dtype: Any = None,
    ) -> Tensor:
        """An ``N x M`` (default ``N x N``) matrix with ones on diagonal ``k``, else zeros.

        Dtype ``dtype`` or ``floatx()``.

        >>> np.asarray(ops.eye(2, 3, k=1))
        array([[0., 1., 0.],
               [0., 0., 1.]], dtype=float32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def full(self, shape: Any, fill_value: Any, dtype: Any = None) -> Tensor:
        """A tensor of ``shape`` filled with ``fill_value`` (broadcast), dtype or ``floatx()``.

        >>> np.asarray(ops.full((2,), 7, dtype="int32"))
        array([7, 7], dtype=int32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def full_like(self, x: Any, fill_value: Any, dtype: Any = None) -> Tensor:
        """A tensor shaped like ``x`` filled with ``fill_value`` (dtype of ``x`` by default).

        >>> np.asarray(ops.full_like([1, 2], 9))
        array([9, 9], dtype=int32)
        """
        ...

    @op(tier="transcendental", differentiable=False)
    def hamming(self, x: Any) -> Tensor:
        """The Hamming window of ``x`` points, in ``floatx()``.

        >>> np.asarray(ops.hamming(3))
        array([0.08, 1.  , 0.08], dtype=float32)
        """
        ...

    @op(tier="transcendental", differentiable=False)
    def hanning(self, x: Any) -> Tensor:
        """The Hann window of ``x`` points, in ``floatx()``.

        >>> np.asarray(ops.hanning(3))
        array([0., 1., 0.], dtype=float32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def identity(self, n: int, dtype: Any = None) -> Tensor:
        """The ``n x n`` identity matrix (dtype ``dtype`` or ``floatx()``).

        >>> np.asarray(ops.identity(2, dtype="int32"))
        array([[1, 0],
               [0, 1]], dtype=int32)
        """
        ...

    @op(tier="transcendental", differentiable=False)
    def kaiser(self, x: Any, beta: float) -> Tensor:
        """The Kaiser window of ``x`` points with shape parameter ``beta``, in ``floatx()``.

        >>> np.asarray(ops.kaiser(3, 0.0))
        array([1., 1., 1.], dtype=float32)
        """
        ...

    @op(tier="elementwise", differentiable=False)
    def linspace(
        self,
        start: Any,
        stop: Any,
        num: int = 50,
        endpoint: bool = True,
        retstep: bool = False,
        dtype: Any = None,
        axis: int = 0,
    ) -> Tensor:
        """``num`` evenly spaced samples from ``start`` to ``stop`` (included if ``endpoint``).

        Tensor ``start``/``stop`` give one sequence per element, stacked along ``axis``.
        Dtype: ``dtype``, else float rule on ``result_type(start, stop)``; an integer ``dtype``
        floors the samples. ``retstep=True`` returns ``(samples, step)``.

        >>> np.asarray(ops.linspace(0, 1, num=5))
        array([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)
        """
        ...

    @op(tier="transcendental", differentiable=False)
    def logspace(
        self,
        start: Any,
        stop: Any,
        num: int = 50,
        endpoint: bool = True,
        base: Any = 10,
        dtype: Any = None,
        axis: int = 0,
    ) -> Tensor:
        """``base ** linspace(start, stop, num, endpoint)``; dtype as :func:`linspace`.

        >>> np.asarray(ops.logspace(0, 2, num=3))
        array([  1.,  10., 100.], dtype=float32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def ones(self, shape: Any, dtype: Any = None) -> Tensor:
        """A tensor of ``shape`` filled with ones (dtype ``dtype`` or ``floatx()``).

        >>> np.asarray(ops.ones((2,)))
        array([1., 1.], dtype=float32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def ones_like(self, x: Any, dtype: Any = None) -> Tensor:
        """Ones with the shape (and, by default, dtype) of ``x``.

        >>> np.asarray(ops.ones_like([[1, 2]]))
        array([[1, 1]], dtype=int32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def tri(
        self,
        N: int,
        M: int | None = None,
        k: int = 0,
        dtype: Any = None,
    ) -> Tensor:
        """An ``N x M`` matrix with ones at and below diagonal ``k`` (dtype or ``floatx()``).

        >>> np.asarray(ops.tri(2, dtype="int32"))
        array([[1, 0],
               [1, 1]], dtype=int32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def zeros(self, shape: Any, dtype: Any = None) -> Tensor:
        """A tensor of ``shape`` filled with zeros (dtype ``dtype`` or ``floatx()``).

        >>> np.asarray(ops.zeros((1, 2), dtype="int32"))
        array([[0, 0]], dtype=int32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def zeros_like(self, x: Any, dtype: Any = None) -> Tensor:
        """Zeros with the shape (and, by default, dtype) of ``x``.

        >>> np.asarray(ops.zeros_like([1.5, 2.5]))
        array([0., 0.], dtype=float32)
        """
        ...

    # ------------------------------------------------------------------ shape and indexing
    @op(tier="exact")
    def append(self, x1: Any, x2: Any, axis: Any = None) -> Tensor:
        """``x2`` appended to ``x1`` along ``axis`` (None: both flattened first).

        Dtype ``result_type(x1, x2)``; shapes must agree except along ``axis``.

        >>> np.asarray(ops.append([1, 2], [[3], [4]]))
        array([1, 2, 3, 4], dtype=int32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def argpartition(self, x: Any, kth: Any, axis: int = -1) -> Tensor:
        """Indices that partition ``x`` along ``axis`` around its ``kth`` element (``int32``).

        The element at position ``kth`` is the one a full sort would put there; smaller ones
        come before it and larger ones after, in unspecified order.

        >>> x = np.array([3, 4, 2, 1])
        >>> int(x[np.asarray(ops.argpartition(x, 1))][1])
        2
        """
        ...

    @op(tier="exact", differentiable=False)
    def argsort(self, x: Any, axis: Any = -1) -> Tensor:
        """Indices that sort ``x`` ascending along ``axis`` (None: flattened); ``int32``.

        The sort is stable (equal values keep their order); ``nan`` sorts last.

        >>> np.asarray(ops.argsort([3, 1, 2, 1]))
        array([1, 3, 2, 0], dtype=int32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def array_split(self, x: Any, indices_or_sections: Any, axis: int = 0) -> list:
        """Split ``x`` along ``axis`` into ``indices_or_sections`` near-equal parts (the first
        ones one longer) or at the given indices; returns a list.

        >>> [np.asarray(t).tolist() for t in ops.array_split([1, 2, 3, 4, 5], 2)]
        [[1, 2, 3], [4, 5]]
        """
        ...

    @op(tier="exact", differentiable=False, symbolic=False)
    def bincount(
        self, x: Any, weights: Any = None, minlength: int = 0, sparse: bool = False
    ) -> Tensor:
        """Count occurrences of each non-negative integer in ``x`` (1-D, or 2-D row by row).

        Length ``max(max(x) + 1, minlength)``. With ``weights`` (shape of ``x``) sums the
        weights instead; dtype ``result_type(x, weights)``, else ``int32``. Negative values
        or non-integer ``x`` raise; ``sparse=True`` is only for backends with sparse tensors.
        The output length depends on the values, so symbolic tensors are not accepted.

        >>> np.asarray(ops.bincount([1, 1, 3], minlength=5))
        array([0, 2, 0, 1, 0], dtype=int32)
        """
        ...

    @op(tier="exact")
    def broadcast_to(self, x: Any, shape: Any) -> Tensor:
        """``x`` broadcast to ``shape`` (NumPy broadcasting rules; an int means ``(int,)``).

        >>> np.asarray(ops.broadcast_to([1, 2], (2, 2)))
        array([[1, 2],
               [1, 2]], dtype=int32)
        """
        ...

    @op(tier="exact")
    def concatenate(self, xs: Sequence[Any], axis: Any = 0) -> Tensor:
        """Join tensors along an existing ``axis``; dtype ``result_type`` of all of them.

        Shapes must agree except along ``axis``.

        >>> np.asarray(ops.concatenate([[1, 2], [3.5]]))
        array([1. , 2. , 3.5], dtype=float32)
        """
        ...

    @op(tier="exact")
    def diag(self, x: Any, k: int = 0) -> Tensor:
        """Diagonal ``k`` of a 2-D ``x``, or a 2-D matrix with 1-D ``x`` on diagonal ``k``.

        Other ranks raise ``OpInputError``.

        >>> np.asarray(ops.diag([1, 2]))
        array([[1, 0],
               [0, 2]], dtype=int32)
        """
        ...

    @op(tier="exact")
    def diagflat(self, x: Any, k: int = 0) -> Tensor:
        """A 2-D matrix with the flattened ``x`` on diagonal ``k``.

        >>> np.asarray(ops.diagflat([[1, 2]], k=1))
        array([[0, 1, 0],
               [0, 0, 2],
               [0, 0, 0]], dtype=int32)
        """
        ...

    @op(tier="exact")
    def diagonal(self, x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
        """Diagonal ``offset`` of the planes spanned by ``axis1``/``axis2``; it becomes the
        last axis of the result.

        >>> np.asarray(ops.diagonal([[1, 2], [3, 4]]))
        array([1, 4], dtype=int32)
        """
        ...

    @op(tier="exact")
    def diff(self, a: Any, n: int = 1, axis: int = -1) -> Tensor:
        """``n``-th discrete difference ``a[i + 1] - a[i]`` along ``axis``; dtype kept.

        Each difference shortens ``axis`` by one. Scalars raise ``OpInputError``.

        >>> np.asarray(ops.diff([1, 4, 9, 16], n=2))
        array([2, 2], dtype=int32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def digitize(self, x: Any, bins: Any) -> Tensor:
        """Index of the bin of each element: ``i`` such that ``bins[i-1] <= x < bins[i]``.

        ``bins`` is 1-D and monotonic; the result is ``int32``.

        >>> np.asarray(ops.digitize([0.5, 1.0, 3.0], [1.0, 2.0]))
        array([0, 1, 2], dtype=int32)
        """
        ...

    @op(tier="exact")
    def expand_dims(self, x: Any, axis: Any) -> Tensor:
        """Insert axes of length 1 at ``axis`` (an int or a tuple, positions in the result).

        >>> np.asarray(ops.expand_dims([1, 2], axis=-1)).shape
        (2, 1)
        """
        ...

    @op(tier="exact")
    def flip(self, x: Any, axis: Any = None) -> Tensor:
        """Reverse the order of elements along ``axis`` (int, tuple or None = every axis).

        >>> np.asarray(ops.flip([[1, 2], [3, 4]], axis=1))
        array([[2, 1],
               [4, 3]], dtype=int32)
        """
        ...

    @op(tier="exact")
    def get_item(self, x: Any, key: Any) -> Tensor:
        """``x[key]`` with NumPy indexing: ints, slices, ``None``, ``...``, integer or bool
        tensors. Out-of-range integer indices raise ``OpInputError``.

        >>> np.asarray(ops.get_item([[1, 2], [3, 4]], (slice(None), 1)))
        array([2, 4], dtype=int32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def histogram(self, x: Any, bins: int = 10, range: Any = None) -> tuple:
        """Histogram of the flattened ``x`` over ``bins`` equal bins spanning ``range``
        (default ``(min(x), max(x))``); the last bin includes its right edge.

        Returns ``(counts, bin_edges)``: ``int32`` counts and ``bins + 1`` edges (float rule).

        >>> counts, edges = ops.histogram([1, 2, 2, 4], bins=3)
        >>> np.asarray(counts), np.asarray(edges)
        (array([1, 2, 1], dtype=int32), array([1., 2., 3., 4.], dtype=float32))
        """
        ...

    @op(tier="exact")
    def hstack(self, xs: Sequence[Any]) -> Tensor:
        """Stack tensors horizontally: along axis 1, or axis 0 for 1-D tensors.

        >>> np.asarray(ops.hstack([[1, 2], [3]]))
        array([1, 2, 3], dtype=int32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def isin(self, x1: Any, x2: Any, assume_unique: bool = False, invert: bool = False) -> Tensor:
        """``True`` where an element of ``x1`` occurs in ``x2`` (negated if ``invert``); bool.

        >>> np.asarray(ops.isin([1, 2, 3], [2, 5]))
        array([False,  True, False])
        """
        ...

    @op(tier="exact")
    def meshgrid(self, *x: Any, indexing: str = "xy") -> list:
        """Coordinate grids from 1-D coordinate vectors; returns a list of tensors.

        ``indexing="xy"`` (Cartesian) gives shape ``(len(x[1]), len(x[0]), ...)``,
        ``"ij"`` (matrix) gives ``(len(x[0]), len(x[1]), ...)``.

        >>> [np.asarray(g).tolist() for g in ops.meshgrid([1, 2], [3, 4, 5])]
        [[[1, 2], [1, 2], [1, 2]], [[3, 3], [4, 4], [5, 5]]]
        """
        ...

    @op(tier="exact")
    def moveaxis(self, x: Any, source: Any, destination: Any) -> Tensor:
        """Move axes ``source`` (int or sequence) to positions ``destination``.

        >>> np.asarray(ops.moveaxis(np.zeros((2, 3, 4)), 0, -1)).shape
        (3, 4, 2)
        """
        ...

    @op(tier="exact", differentiable=False)
    def ndim(self, x: Any) -> int:
        """The number of dimensions of ``x`` (a Python int).

        >>> ops.ndim([[1, 2]])
        2
        """
        ...

    @op(tier="exact", differentiable=False, symbolic=False)
    def nonzero(self, x: Any) -> tuple:
        """Indices of the non-zero elements: a tuple of ``int32`` tensors, one per dimension.

        The output size depends on the values, so symbolic tensors are not accepted. A 0-d
        ``x`` is treated as 1-D.

        >>> [np.asarray(i).tolist() for i in ops.nonzero([[1, 0], [0, 2]])]
        [[0, 1], [0, 1]]
        """
        ...

    @op(tier="exact")
    def pad(
        self, x: Any, pad_width: Any, mode: str = "constant", constant_values: Any = None
    ) -> Tensor:
        """Pad ``x`` with ``pad_width`` (int, ``(before, after)`` or one pair per axis).

        ``mode``: ``"constant"`` (``constant_values``, default 0), ``"edge"``, ``"reflect"``,
        ``"symmetric"``, ``"wrap"`` (alias ``"circular"``), and NumPy's ``"linear_ramp"``,
        ``"maximum"``, ``"mean"``, ``"median"``, ``"minimum"``, ``"empty"`` (backends may
        leave these last ones undifferentiable). ``constant_values`` with another mode raises
        ``OpInputError``. Dtype kept.

        >>> np.asarray(ops.pad([1, 2], (1, 2), constant_values=9))
        array([9, 1, 2, 9, 9], dtype=int32)
        >>> np.asarray(ops.pad([1, 2, 3], 2, mode="reflect"))
        array([3, 2, 1, 2, 3, 2, 1], dtype=int32)
        """
        ...

    @op(tier="exact")
    def ravel(self, x: Any) -> Tensor:
        """``x`` flattened to 1-D in row-major order.

        >>> np.asarray(ops.ravel([[1, 2], [3, 4]]))
        array([1, 2, 3, 4], dtype=int32)
        """
        ...

    @op(tier="exact")
    def repeat(self, x: Any, repeats: Any, axis: Any = None) -> Tensor:
        """Repeat each element ``repeats`` times (an int, or one count per element) along
        ``axis`` (None: of the flattened tensor).

        >>> np.asarray(ops.repeat([1, 2], [1, 3]))
        array([1, 2, 2, 2], dtype=int32)
        """
        ...

    @op(tier="exact")
    def reshape(self, x: Any, newshape: Any) -> Tensor:
        """``x`` with a new shape holding the same number of elements (row-major order).

        One dimension may be ``-1`` (inferred). A size mismatch raises ``OpInputError``.

        >>> np.asarray(ops.reshape([1, 2, 3, 4], (2, -1)))
        array([[1, 2],
               [3, 4]], dtype=int32)
        """
        ...

    @op(tier="exact")
    def roll(self, x: Any, shift: Any, axis: Any = None) -> Tensor:
        """Shift elements by ``shift`` along ``axis`` cyclically (None: the flattened tensor,
        shape kept).

        >>> np.asarray(ops.roll([1, 2, 3, 4], 1))
        array([4, 1, 2, 3], dtype=int32)
        """
        ...

    @op(tier="exact")
    def rot90(self, array: Any, k: int = 1, axes: tuple = (0, 1)) -> Tensor:
        """Rotate by 90 degrees ``k`` times in the plane of ``axes``, from the first axis
        towards the second. Rank below 2 raises ``OpInputError``.

        >>> np.asarray(ops.rot90([[1, 2], [3, 4]]))
        array([[2, 4],
               [1, 3]], dtype=int32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def searchsorted(self, sorted_sequence: Any, values: Any, side: str = "left") -> Tensor:
        """Indices at which ``values`` would be inserted to keep the 1-D ``sorted_sequence``
        sorted (``side="left"``: before equal elements, ``"right"``: after); ``int32``.

        >>> np.asarray(ops.searchsorted([1, 2, 2, 3], [2, 4], side="right"))
        array([3, 4], dtype=int32)
        """
        ...

    @op(tier="exact")
    def select(
        self, condlist: Sequence[Any], choicelist: Sequence[Any], default: Any = 0
    ) -> Tensor:
        """Element-wise: the entry of the first ``choicelist[i]`` whose ``condlist[i]`` holds,
        else ``default``. Everything broadcasts; dtype ``result_type`` of choices and default.

        >>> np.asarray(ops.select([[True, False, False], [True, True, False]], [1, 2], 9))
        array([1, 2, 9], dtype=int32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def size(self, x: Any) -> int:
        """The number of elements of ``x`` (a Python int).

        >>> ops.size([[1, 2, 3], [4, 5, 6]])
        6
        """
        ...

    @op(tier="exact")
    def sort(self, x: Any, axis: Any = -1) -> Tensor:
        """``x`` sorted ascending along ``axis`` (None: flattened); dtype kept, ``nan`` last.

        >>> np.asarray(ops.sort([[3, 1], [0, 2]], axis=0))
        array([[0, 1],
               [3, 2]], dtype=int32)
        """
        ...

    @op(tier="exact")
    def split(self, x: Any, indices_or_sections: Any, axis: int = 0) -> list:
        """Split ``x`` along ``axis`` into equal sections (an int, which must divide the
        length, else ``OpInputError``) or at the given indices; returns a list.

        >>> [np.asarray(t).tolist() for t in ops.split([1, 2, 3, 4], [1, 3])]
        [[1], [2, 3], [4]]
        """
        ...

    @op(tier="exact")
    def squeeze(self, x: Any, axis: Any = None) -> Tensor:
        """Remove axes of length 1 (the given ones, or all when ``axis`` is None).

        Squeezing an axis whose length is not 1 raises ``OpInputError``.

        >>> np.asarray(ops.squeeze(np.zeros((1, 2, 1)), axis=0)).shape
        (2, 1)
        """
        ...

    @op(tier="exact")
    def stack(self, x: Sequence[Any], axis: int = 0) -> Tensor:
        """Join same-shaped tensors along a new ``axis``; dtype ``result_type`` of all.

        >>> np.asarray(ops.stack([[1, 2], [3, 4]], axis=1))
        array([[1, 3],
               [2, 4]], dtype=int32)
        """
        ...

    @op(tier="exact")
    def swapaxes(self, x: Any, axis1: int, axis2: int) -> Tensor:
        """Interchange two axes of ``x``.

        >>> np.asarray(ops.swapaxes(np.zeros((2, 3, 4)), 0, 2)).shape
        (4, 3, 2)
        """
        ...

    @op(tier="exact")
    def take(self, x: Any, indices: Any, axis: Any = None) -> Tensor:
        """Elements of ``x`` at integer ``indices`` along ``axis`` (None: of the flattened
        tensor). The result has ``indices``' shape in place of ``axis``. Negative indices
        count from the end; out-of-range indices raise ``OpInputError``.

        >>> np.asarray(ops.take([[1, 2, 3], [4, 5, 6]], [2, 0], axis=1))
        array([[3, 1],
               [6, 4]], dtype=int32)
        """
        ...

    @op(tier="exact")
    def take_along_axis(self, x: Any, indices: Any, axis: Any = None) -> Tensor:
        """``x`` gathered along ``axis`` with ``indices`` of the same rank (other axes
        broadcast), e.g. with the output of :func:`argsort`. None: of the flattened tensor.

        >>> np.asarray(ops.take_along_axis([[10, 30, 20]], [[0, 2]], axis=1))
        array([[10, 20]], dtype=int32)
        """
        ...

    @op(tier="exact")
    def tile(self, x: Any, repeats: Any) -> Tensor:
        """``x`` repeated ``repeats`` times per axis (an int or a sequence; leading axes are
        added when ``repeats`` is longer than ``x``'s rank).

        >>> np.asarray(ops.tile([1, 2], 2))
        array([1, 2, 1, 2], dtype=int32)
        """
        ...

    @op(tier="exact")
    def transpose(self, x: Any, axes: Any = None) -> Tensor:
        """Permute the axes of ``x`` (default: reverse them).

        >>> np.asarray(ops.transpose([[1, 2, 3]]))
        array([[1],
               [2],
               [3]], dtype=int32)
        """
        ...

    @op(tier="exact")
    def tril(self, x: Any, k: int = 0) -> Tensor:
        """Lower triangle of the last two axes: zeros above diagonal ``k``.

        >>> np.asarray(ops.tril([[1, 2], [3, 4]]))
        array([[1, 0],
               [3, 4]], dtype=int32)
        """
        ...

    @op(tier="exact")
    def triu(self, x: Any, k: int = 0) -> Tensor:
        """Upper triangle of the last two axes: zeros below diagonal ``k``.

        >>> np.asarray(ops.triu([[1, 2], [3, 4]]))
        array([[1, 2],
               [0, 4]], dtype=int32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def unravel_index(self, indices: Any, shape: Any) -> tuple:
        """Convert flat indices into a tuple of coordinate tensors for ``shape`` (row-major);
        dtype that of ``indices``.

        >>> [np.asarray(i).tolist() for i in ops.unravel_index([5, 1], (2, 3))]
        [[1, 0], [2, 1]]
        """
        ...

    @op(tier="exact")
    def vander(
        self,
        x: Any,
        N: int | None = None,
        increasing: bool = False,
    ) -> Tensor:
        """Vandermonde matrix of the 1-D ``x``: columns ``x**(N-1), ..., x**0`` (reversed if
        ``increasing``); ``N`` defaults to ``len(x)``. Dtype kept.

        >>> np.asarray(ops.vander([1, 2, 3], N=3))
        array([[1, 1, 1],
               [4, 2, 1],
               [9, 3, 1]], dtype=int32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def view(self, x: Any, dtype: Any = None) -> Tensor:
        """Reinterpret the bytes of ``x`` as ``dtype`` (last axis rescaled by the size ratio).

        >>> np.asarray(ops.view(np.array([1.0], dtype="float32"), "int32"))
        array([1065353216], dtype=int32)
        """
        ...

    @op(tier="exact")
    def vstack(self, xs: Sequence[Any]) -> Tensor:
        """Stack tensors vertically (along axis 0; 1-D tensors become rows).

        >>> np.asarray(ops.vstack([[1, 2], [3, 4]]))
        array([[1, 2],
               [3, 4]], dtype=int32)
        """
        ...

    @op(tier="exact")
    def where(self, condition: Any, x1: Any = None, x2: Any = None) -> Tensor:
        """``x1`` where ``condition`` is truthy, else ``x2`` (all three broadcast).

        Dtype ``result_type(x1, x2)``. With neither ``x1`` nor ``x2`` it returns
        ``nonzero(condition)``; giving only one raises ``OpInputError``. The gradient flows
        to the chosen input only.

        >>> np.asarray(ops.where([True, False], [1, 2], 0.5))
        array([1. , 0.5], dtype=float32)
        """
        ...

    # ------------------------------------------------------------------ linear algebra
    @op(tier="linalg")
    def slogdet(self, x: Any) -> tuple:
        """Sign and natural log of the absolute determinant of square matrices (batch).

        Returns ``(sign, logabsdet)``, each of shape ``x.shape[:-2]`` (float rule). A
        singular matrix gives sign 0 and ``-inf``.

        >>> sign, logdet = ops.slogdet([[2.0, 0.0], [0.0, 3.0]])
        >>> float(np.asarray(sign)), round(float(np.asarray(logdet)), 5)
        (1.0, 1.79176)
        """
        ...
