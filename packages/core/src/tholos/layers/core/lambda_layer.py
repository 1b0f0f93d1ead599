"""``Lambda``: wrap a function as a layer."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from tholos import tree
from tholos.errors import ConfigError
from tholos.layers.layer import Layer
from tholos.saving import serialization as _ser
from tholos.saving.serialization import register_builtin


@register_builtin("tholos.layers")
class Lambda(Layer):
    """Call ``function(inputs, **arguments)`` as a layer.

    Args:
        function: the function; it gets ``mask=``/``training=`` too when its signature has them.
        output_shape: the output shape without the batch dimension (a tuple), or a function of
            the full input shape; default: inferred by running ``function`` symbolically.
        mask: a constant output mask, or a function ``mask(inputs, previous_mask)``.
        arguments: extra keyword arguments for ``function``.

    For saving, ``function`` must be registered with
    :func:`tholos.saving.register_serializable` (lambdas cannot be saved).

    >>> import numpy as np
    >>> np.asarray(Lambda(lambda x: x * 2)(np.array([1.0, 2.0])))
    array([2., 4.], dtype=float32)
    """

    def __init__(
        self,
        function: Callable[..., Any],
        output_shape: Any = None,
        mask: Any = None,
        arguments: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        function = _resolve(function)
        mask = _resolve(mask) if isinstance(mask, (str, dict)) else mask
        if not callable(function):
            raise ConfigError(
                f"Lambda '{self.name}': function must be callable.",
                expected="a function",
                received=repr(function),
            )
        self.function = function
        self.arguments = dict(arguments or {})
        self.mask = mask
        self.supports_masking = True
        if isinstance(output_shape, list) and all(
            d is None or isinstance(d, int) for d in output_shape
        ):
            output_shape = tuple(output_shape)
        self._output_shape = output_shape
        params = _parameters(function)
        self._fn_takes_mask = "mask" in params
        self._fn_takes_training = "training" in params

    def call(self, inputs: Any, mask: Any = None, training: Any = None) -> Any:
        kwargs = dict(self.arguments)
        if self._fn_takes_mask:
            kwargs["mask"] = mask
        if self._fn_takes_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        if callable(self.mask):
            return self.mask(inputs, previous_mask)
        return self.mask

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        if self._output_shape is None:
            return super(Layer, self).compute_output_spec(*args, **kwargs)
        from tholos.backend._symbolic import KerasTensor

        inputs = args[0]
        input_shape = tree.map_structure(lambda x: x.shape, inputs)
        if callable(self._output_shape):
            shape = self._output_shape(input_shape)
        else:
            first = (
                tree.flatten(input_shape)[0]
                if not isinstance(inputs, KerasTensor)
                else (input_shape)
            )
            batch = first[0] if first else None
            shape = (batch,) + tuple(self._output_shape)
        from tholos.layers.layer import _shapes_to_specs

        return _shapes_to_specs(shape, self.compute_dtype)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "function": _function_config(self.function),
                "arguments": self.arguments,
                "output_shape": _function_config(self._output_shape)
                if callable(self._output_shape)
                else self._output_shape,
                "mask": _function_config(self.mask) if callable(self.mask) else self.mask,
            }
        )
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> Lambda:
        config = dict(config)
        for key in ("function", "output_shape", "mask"):
            if isinstance(config.get(key), (dict, str)):
                config[key] = _resolve(config[key], custom_objects)
        return cls(**config)


def _parameters(fn: Callable[..., Any]) -> set[str]:
    try:
        return set(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return set()


def _function_config(fn: Any) -> Any:
    """A registered function's config; an unregistered one is kept as is (in-memory clones
    work; saving it to a file raises a clear error)."""
    try:
        return _ser.serialize_object(fn)
    except ConfigError:
        pass
    from tholos.errors import SavingError
    from tholos.saving.pycode import function_to_config

    try:
        return function_to_config(fn)  # stored as source text, loaded only with safe_mode=False
    except SavingError:
        return fn


def _resolve(value: Any, custom_objects: Any = None) -> Any:
    if isinstance(value, dict) and "class_name" not in value:
        return value
    if isinstance(value, dict) and value.get("class_name") == "__lambda__":
        from tholos.saving.pycode import function_from_config

        return function_from_config(value)  # refuses in safe mode
    if isinstance(value, (dict, str)):
        return _ser.deserialize_object(value, custom_objects)
    return value
