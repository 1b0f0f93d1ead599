"""``Input`` and ``InputLayer``: the entry points of a Functional model.

>>> x = Input(shape=(28, 28, 1), name="image")
>>> x.shape, x.dtype, x.name
((None, 28, 28, 1), 'float32', 'image')
"""

from __future__ import annotations

from typing import Any

from tholos.backend._symbolic import KerasTensor
from tholos.backend.dtypes import floatx, standardize_dtype
from tholos.errors import OpInputError
from tholos.layers.layer import Layer
from tholos.ops.node import Node
from tholos.saving.serialization import register_builtin


@register_builtin("tholos.layers")
class InputLayer(Layer):
    """The layer behind :func:`Input`: it has no weights and outputs one symbolic tensor.

    Args:
        shape: the shape without the batch dimension (``None`` entries are unknown).
        batch_size: the fixed batch size, if any.
        dtype: the input dtype (default ``floatx()``).
        sparse: whether the input is sparse.
        batch_shape: the full shape, batch dimension included (instead of ``shape``).
        input_tensor: an existing KerasTensor to use as the output.
        optional: whether the model accepts ``None`` for this input.
        name: the layer's (and the tensor's) name.
    """

    def __init__(
        self,
        shape: Any = None,
        batch_size: int | None = None,
        dtype: Any = None,
        sparse: bool | None = None,
        batch_shape: Any = None,
        input_tensor: Any = None,
        optional: bool = False,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if "input_shape" in kwargs and shape is None:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs and batch_shape is None:
            batch_shape = kwargs.pop("batch_input_shape")
        super().__init__(name=name, **kwargs)
        if shape is not None and batch_shape is not None:
            raise OpInputError(
                f"InputLayer '{self.name}': pass either shape or batch_shape, not both.",
                expected="shape=... or batch_shape=...",
                received=f"shape={shape}, batch_shape={batch_shape}",
            )
        if input_tensor is not None:
            if not isinstance(input_tensor, KerasTensor):
                raise OpInputError(
                    f"InputLayer '{self.name}': input_tensor must be a symbolic tensor.",
                    expected="a tholos.KerasTensor",
                    received=type(input_tensor).__name__,
                )
            batch_shape = input_tensor.shape
            dtype = dtype or input_tensor.dtype
            sparse = input_tensor.sparse if sparse is None else sparse
        if batch_shape is None:
            if shape is None:
                raise OpInputError(
                    f"InputLayer '{self.name}' needs a shape.",
                    expected="shape=(...) (without the batch dimension) or batch_shape=(...)",
                    received="neither",
                )
            if isinstance(shape, int):
                shape = (shape,)
            batch_shape = (batch_size,) + tuple(shape)
        batch_shape = tuple(None if d is None else int(d) for d in batch_shape)
        self.batch_shape = batch_shape
        self._input_dtype = standardize_dtype(dtype) if dtype is not None else floatx()
        self.sparse = bool(sparse)
        self.optional = bool(optional)
        if input_tensor is None:
            input_tensor = KerasTensor(
                batch_shape, dtype=self._input_dtype, sparse=self.sparse, name=self.name
            )
        self._input_tensor = input_tensor
        Node(self, call_args=(), call_kwargs={}, outputs=input_tensor)
        self.built = True

    @property
    def dtype(self) -> str:
        return self._input_dtype

    def call(self, *args: Any, **kwargs: Any) -> Any:
        return self._input_tensor

    def get_config(self) -> dict[str, Any]:
        return {
            "batch_shape": self.batch_shape,
            "dtype": self._input_dtype,
            "sparse": self.sparse,
            "optional": self.optional,
            "name": self.name,
        }


def Input(  # noqa: N802 - Keras' name
    shape: Any = None,
    batch_size: int | None = None,
    dtype: Any = None,
    sparse: bool | None = None,
    batch_shape: Any = None,
    name: str | None = None,
    tensor: Any = None,
    optional: bool = False,
) -> KerasTensor:
    """A symbolic input tensor, to build a Functional model from.

    Args:
        shape: the shape without the batch dimension, e.g. ``(32,)``.
        batch_size: a fixed batch size (default: any).
        dtype: the dtype of the data (default ``floatx()``).
        sparse: whether the data is sparse.
        batch_shape: the shape including the batch dimension (instead of ``shape``).
        name: the input's name (unique in a model).
        tensor: an existing KerasTensor to wrap.
        optional: the model accepts ``None`` for this input.
    """
    layer = InputLayer(
        shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        sparse=sparse,
        batch_shape=batch_shape,
        name=name,
        input_tensor=tensor,
        optional=optional,
    )
    return layer.output
