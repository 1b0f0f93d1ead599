"""``Sequential``: a plain stack of layers, each feeding the next.

>>> from tholos import layers
>>> model = Sequential([layers.Input((4,)), layers.Dense(3, name="hidden"),
...                     layers.Dense(1, name="out")])
>>> [layer.name for layer in model.layers], model.output_shape
(['hidden', 'out'], (None, 1))
"""

from __future__ import annotations

from typing import Any

from tholos.backend._symbolic import KerasTensor
from tholos.errors import OpInputError
from tholos.layers.input_layer import InputLayer
from tholos.layers.layer import Layer, _call_info, _shape_structure, bump_structure_generation
from tholos.models.functional import Functional
from tholos.models.model import Model
from tholos.saving import serialization as _ser
from tholos.saving.serialization import register_builtin


@register_builtin("tholos.models")
class Sequential(Model):
    """A linear stack of layers.

    Give the input shape with an ``Input`` first (``Sequential([Input((28, 28, 1)), ...])``)
    or ``input_shape=`` on the first layer, and the model is built at once; otherwise it is
    built on its first call.

    Args:
        layers: the layers, in order (or add them with :meth:`add`).
        trainable: whether the weights are trainable.
        name: the model's name.
    """

    def __init__(
        self,
        layers: list[Any] | None = None,
        trainable: bool = True,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        self._init_model(trainable=trainable, name=name, **kwargs)
        object.__setattr__(self, "_functional", None)
        for layer in layers or ():
            self.add(layer, rebuild=False)
        if layers:
            self._maybe_rebuild()

    # -- construction ----------------------------------------------------------------------------
    def add(self, layer: Any, rebuild: bool = True) -> None:
        """Append a layer (an ``Input(...)`` tensor is accepted as the first element)."""
        if isinstance(layer, KerasTensor):
            history = getattr(layer, "_keras_history", None)
            if history is None or not isinstance(history.operation, InputLayer):
                raise OpInputError(
                    f"Sequential '{self.name}'.add: only Input tensors can be added.",
                    expected="a Layer, or tholos.layers.Input(...)",
                    received=repr(layer),
                )
            layer = history.operation
        if not isinstance(layer, Layer):
            raise OpInputError(
                f"Sequential '{self.name}'.add: not a layer.",
                expected="a tholos.layers.Layer instance",
                received=f"{type(layer).__name__}: {layer!r}"[:200],
            )
        if isinstance(layer, InputLayer) and self._layers:
            raise OpInputError(
                f"Sequential '{self.name}': an Input can only come first.",
                expected="Input as the first element",
                received=f"Input after {len(self._layers)} layer(s)",
            )
        if any(existing.name == layer.name for existing in self._layers):
            raise OpInputError(
                f"Sequential '{self.name}': layer names must be unique.",
                expected="a new name",
                received=f"{layer.name!r}, already the name of a layer in this model",
                hint="Pass name=... to the layer.",
            )
        self._layers.append(layer)
        if self.built:  # a compiled call of this model must see the new layer list
            bump_structure_generation()
        if rebuild:
            self._maybe_rebuild()
        else:
            self._reset_graph()

    def pop(self, rebuild: bool = True) -> Layer:
        """Remove and return the last layer."""
        if not self.layers:
            raise OpInputError(
                f"Sequential '{self.name}' has no layers to pop.",
                expected="at least one layer",
                received="none",
            )
        layer = self._layers.pop()
        if self.built:  # a compiled call of this model must see the new layer list
            bump_structure_generation()
        if rebuild:
            self._maybe_rebuild()
        else:
            self._reset_graph()
        return layer

    def _reset_graph(self) -> None:
        object.__setattr__(self, "_functional", None)
        object.__setattr__(self, "built", False)

    def _maybe_rebuild(self) -> None:
        self._reset_graph()
        if len(self._layers) < 1:
            return
        first = self._layers[0]
        if isinstance(first, InputLayer):
            if len(self._layers) > 1:
                self.build(first.batch_shape)
        elif getattr(first, "_batch_input_shape", None) is not None:
            self.build(first._batch_input_shape)

    def _maybe_build(self, args: tuple, kwargs: dict, symbolic: bool = False) -> None:
        if not args:
            raise OpInputError(
                f"Sequential '{self.name}' needs an input tensor.",
                expected="model(x)",
                received="no positional input",
            )
        x = args[0]
        shape = tuple(x.shape) if hasattr(x, "shape") else None
        if shape is None:
            raise OpInputError(
                f"Sequential '{self.name}': cannot build from this input.",
                expected="a tensor",
                received=type(x).__name__,
            )
        dtype = getattr(x, "dtype", None)
        self.build((None,) + tuple(shape[1:]), dtype=dtype)

    def build(self, input_shape: Any = None, dtype: Any = None) -> None:
        """Build the layer graph for inputs of ``input_shape`` (batch dimension included)."""
        if input_shape is None:
            raise OpInputError(
                f"Sequential '{self.name}'.build needs an input shape.",
                expected="input_shape=(batch, ...)",
                received="None",
            )
        if not self.layers and not self._layers:
            raise OpInputError(
                f"Sequential '{self.name}' has no layers.",
                expected="at least one layer",
                received="an empty model",
                hint="Add layers with model.add(...).",
            )
        input_shape = _shape_structure(input_shape)
        if isinstance(self._layers[0], InputLayer):
            if tuple(self._layers[0].batch_shape[1:]) != tuple(input_shape[1:]):
                raise OpInputError(
                    f"Sequential '{self.name}' was given an Input of another shape.",
                    expected=str(self._layers[0].batch_shape),
                    received=str(tuple(input_shape)),
                )
        else:
            from tholos.backend.dtypes import FLOAT_TYPES, standardize_dtype

            if dtype is not None and standardize_dtype(dtype) in FLOAT_TYPES:
                dtype = None  # float inputs are cast to the layers' compute dtype anyway
            input_layer = InputLayer(batch_shape=tuple(input_shape), dtype=dtype)
            self._layers.insert(0, input_layer)
        inputs = x = self._layers[0].output
        try:
            for layer in self._layers[1:]:
                x = layer(x)
        except NotImplementedError:
            # a layer that cannot run symbolically: fall back to calling layers in turn
            object.__setattr__(self, "built", True)
            return
        object.__setattr__(
            self, "_functional", Functional(inputs=inputs, outputs=x, name=f"{self.name}_graph")
        )
        object.__setattr__(self, "built", True)

    # -- running ---------------------------------------------------------------------------------
    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        if self._functional is not None:
            return self._functional.call(inputs, training=training, mask=mask)
        x = inputs
        for layer in self.layers:
            kwargs = {}
            if mask is not None and _call_info(type(layer)).mask:
                kwargs["mask"] = mask
            x = layer(x, **kwargs)
            mask = None
        return x

    def compute_output_spec(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        if self._functional is not None:
            return self._functional.compute_output_spec(inputs)
        x = inputs
        for layer in self.layers:
            x = layer.compute_output_spec(x)
        return x

    # -- structure -------------------------------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:
        return [layer for layer in self._layers if not isinstance(layer, InputLayer)]

    def _graph(self) -> Functional:
        if self._functional is None:
            raise AttributeError(
                f"Sequential model '{self.name}' has no graph yet: give it an Input or call it "
                "on data first."
            )
        return self._functional

    @property
    def inputs(self) -> list[Any]:
        return self._graph().inputs

    @property
    def outputs(self) -> list[Any]:
        return self._graph().outputs

    @property
    def input(self) -> Any:
        return self._graph().input

    @property
    def output(self) -> Any:
        return self._graph().output

    @property
    def input_shape(self) -> Any:
        return self._graph().input_shape

    @property
    def output_shape(self) -> Any:
        return self._graph().output_shape

    @property
    def input_dtype(self) -> str:
        layers = self._layers
        if layers and isinstance(layers[0], InputLayer):
            return layers[0].dtype
        return self.compute_dtype

    # -- config ----------------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": _ser.serialize_object(self.dtype_policy),
            "layers": [_ser.serialize_object(layer) for layer in self._layers],
        }
        if self._functional is not None:
            config["build_input_shape"] = self._layers[0].batch_shape
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> Sequential:
        config = dict(config)
        layer_configs = config.pop("layers", [])
        build_shape = config.pop("build_input_shape", None)
        model = cls(
            name=config.get("name"),
            trainable=config.get("trainable", True),
            dtype=config.get("dtype"),
        )
        for layer_cfg in layer_configs:
            layer_cfg = dict(layer_cfg) if isinstance(layer_cfg, dict) else layer_cfg
            if isinstance(layer_cfg, dict):
                layer_cfg.pop("build_config", None)
            model.add(_ser.deserialize_object(layer_cfg, custom_objects), rebuild=False)
        if model._layers:
            model._maybe_rebuild()
        if not model.built and build_shape is not None:
            model.build(_shape_structure(_ser.decode_plain(build_shape)))
        return model
