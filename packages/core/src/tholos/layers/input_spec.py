"""``InputSpec``: what a layer accepts (rank, some dimensions, dtype), checked on call.

>>> spec = InputSpec(min_ndim=2, axes={-1: 3})
>>> assert_input_compatibility(spec, [_Shaped((4, 3))], "dense")
>>> try:
...     assert_input_compatibility(spec, [_Shaped((4, 5))], "dense")
... except ValueError as err:
...     print(str(err).splitlines()[0])
Input 0 of layer 'dense' is incompatible with the layer: axis -1 must have size 3.
"""

from __future__ import annotations

from typing import Any

from tholos import tree
from tholos.backend.dtypes import standardize_dtype
from tholos.errors import OpInputError
from tholos.saving.serialization import register_builtin


@register_builtin("tholos.layers")
class InputSpec:
    """Constraints on one input of a layer.

    Args:
        dtype: the expected dtype.
        shape: the full expected shape (``None`` entries match anything).
        ndim: the exact rank.
        max_ndim, min_ndim: rank bounds.
        axes: ``{axis: size}`` for dimensions that must have a given size.
        allow_last_axis_squeeze: accept a rank one lower or higher when the last axis is 1.
        name: the input's name (for dict inputs).
        optional: the input may be ``None``.
    """

    def __init__(
        self,
        dtype: Any = None,
        shape: Any = None,
        ndim: int | None = None,
        max_ndim: int | None = None,
        min_ndim: int | None = None,
        axes: dict[int, int] | None = None,
        allow_last_axis_squeeze: bool = False,
        name: str | None = None,
        optional: bool = False,
    ) -> None:
        self.dtype = standardize_dtype(dtype) if dtype is not None else None
        self.shape = tuple(shape) if shape is not None else None
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.name = name
        self.optional = optional
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.axes = {int(k): v for k, v in (axes or {}).items()}
        if self.axes and (self.ndim is not None or self.max_ndim is not None):
            top = (self.ndim if self.ndim is not None else self.max_ndim) - 1
            if any(k > top for k in self.axes):
                raise OpInputError(
                    "InputSpec: an axis in `axes` is beyond the allowed rank.",
                    expected=f"axes <= {top}",
                    received=str(sorted(self.axes)),
                )

    def __repr__(self) -> str:
        parts = [
            f"{k}={v}"
            for k, v in (
                ("dtype", self.dtype),
                ("shape", self.shape),
                ("ndim", self.ndim),
                ("max_ndim", self.max_ndim),
                ("min_ndim", self.min_ndim),
                ("axes", self.axes or None),
            )
            if v is not None
        ]
        return f"InputSpec({', '.join(parts)})"

    def get_config(self) -> dict[str, Any]:
        return {
            "dtype": self.dtype,
            "shape": self.shape,
            "ndim": self.ndim,
            "max_ndim": self.max_ndim,
            "min_ndim": self.min_ndim,
            "axes": self.axes,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> InputSpec:
        return cls(**config)


class _Shaped:
    """A stand-in with only ``shape`` (for docs and tests)."""

    def __init__(self, shape: tuple, dtype: str = "float32") -> None:
        self.shape = shape
        self.dtype = dtype


def _shape_of(x: Any) -> tuple | None:
    shape = getattr(x, "shape", None)
    if shape is None:
        return None
    try:
        return tuple(None if d is None else int(d) for d in shape)
    except TypeError:
        return tuple(shape)


def _squeeze_last(shape: tuple) -> tuple:
    return shape[:-1] if shape and shape[-1] == 1 else shape


def _fail(layer_name: str, index: int, what: str, expected: str, shape: Any) -> OpInputError:
    return OpInputError(
        f"Input {index} of layer '{layer_name}' is incompatible with the layer: {what}.",
        expected=expected,
        received=f"input with shape {shape}",
        hint="Check the shape of the data or of the previous layer's output.",
    )


def assert_input_compatibility(input_spec: Any, inputs: Any, layer_name: str) -> None:
    """Raise :class:`~tholos.errors.OpInputError` (a ``ValueError``) when ``inputs`` do not
    satisfy ``input_spec`` (one spec or a list, one per input)."""
    if not input_spec:
        return
    specs = tree.flatten(input_spec)
    if isinstance(inputs, dict) and len(specs) > 0 and all(s.name for s in specs):
        flat_inputs = [inputs.get(s.name) for s in specs]
    else:
        flat_inputs = tree.flatten(inputs)
    if len(specs) > 1 and len(flat_inputs) != len(specs):
        raise OpInputError(
            f"Layer '{layer_name}' expects {len(specs)} input(s), but it received "
            f"{len(flat_inputs)} input tensors.",
            expected=f"{len(specs)} inputs",
            received=f"{len(flat_inputs)} inputs",
        )
    for index, (spec, x) in enumerate(zip(specs, flat_inputs)):
        if spec is None:
            continue
        if x is None:
            if spec.optional:
                continue
            raise OpInputError(
                f"Input {index} of layer '{layer_name}' is None.",
                expected="a tensor",
                received="None",
            )
        shape = _shape_of(x)
        if shape is None:
            continue
        ndim = len(shape)
        if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
            raise _fail(
                layer_name,
                index,
                f"expected ndim={spec.ndim}, found ndim={ndim}",
                f"a tensor of rank {spec.ndim}",
                shape,
            )
        if spec.max_ndim is not None and ndim > spec.max_ndim:
            raise _fail(
                layer_name,
                index,
                f"expected max_ndim={spec.max_ndim}, found ndim={ndim}",
                f"a tensor of rank <= {spec.max_ndim}",
                shape,
            )
        if spec.min_ndim is not None and ndim < spec.min_ndim:
            raise _fail(
                layer_name,
                index,
                f"expected min_ndim={spec.min_ndim}, found ndim={ndim}",
                f"a tensor of rank >= {spec.min_ndim}",
                shape,
            )
        if spec.dtype is not None:
            dtype = getattr(x, "dtype", None)
            if dtype is not None and standardize_dtype(dtype) != spec.dtype:
                raise OpInputError(
                    f"Input {index} of layer '{layer_name}' has the wrong dtype.",
                    expected=spec.dtype,
                    received=standardize_dtype(dtype),
                )
        for axis, size in spec.axes.items():
            if size is None:
                continue
            if axis >= ndim or axis < -ndim:
                raise _fail(
                    layer_name,
                    index,
                    f"axis {axis} is out of range",
                    f"a tensor with an axis {axis}",
                    shape,
                )
            actual = shape[axis]
            if actual is not None and actual not in tree.flatten(size):
                raise _fail(
                    layer_name,
                    index,
                    f"axis {axis} must have size {size}",
                    f"shape[{axis}] == {size}",
                    shape,
                )
        if spec.shape is not None:
            want_shape, got_shape = spec.shape, shape
            if spec.allow_last_axis_squeeze and len(want_shape) != len(got_shape):
                want_shape, got_shape = _squeeze_last(want_shape), _squeeze_last(got_shape)
            if len(got_shape) != len(want_shape):
                raise _fail(
                    layer_name, index, f"expected shape={spec.shape}", str(spec.shape), shape
                )
            for want, got in zip(want_shape, got_shape):
                if want is not None and got is not None and want != got:
                    raise _fail(
                        layer_name, index, f"expected shape={spec.shape}", str(spec.shape), shape
                    )
