"""``Model``: a layer with training (``fit``/``evaluate``/``predict``), ``summary`` and saving.

``Model(inputs, outputs)`` builds a Functional model (the call returns a
:class:`~tholos.models.functional.Functional`); subclassing ``Model`` and defining ``call``
gives a subclassed model. A subclass whose ``__init__`` calls
``super().__init__(inputs=..., outputs=...)`` becomes a Functional model of that subclass.

>>> import tholos
>>> from tholos import layers
>>> x = layers.Input((3,))
>>> model = Model(x, layers.Dense(2)(x))
>>> type(model).__name__, model.count_params()
('Functional', 8)
"""

from __future__ import annotations

import json
from typing import Any

from tholos.errors import OpInputError
from tholos.layers.layer import Layer
from tholos.models._compiled_call import NOT_APPLICABLE, compiled_call
from tholos.saving.saving_api import model_load_weights, model_save, model_save_weights
from tholos.saving.serialization import register_builtin
from tholos.trainers.trainer import Trainer


def is_functional_init(args: tuple, kwargs: dict) -> bool:
    """Whether constructor arguments describe a Functional model (inputs and outputs)."""
    return (
        len(args) >= 2
        or (len(args) == 1 and "outputs" in kwargs)
        or ("inputs" in kwargs and "outputs" in kwargs)
    )


_FUNCTIONAL_VARIANTS: dict[type, type] = {}


def _functional_variant(cls: type) -> type:
    """``cls`` mixed with Functional (for subclasses built from inputs and outputs)."""
    from tholos.models.functional import Functional

    variant = _FUNCTIONAL_VARIANTS.get(cls)
    if variant is None:
        variant = type(cls.__name__, (cls, Functional), {"__module__": cls.__module__})
        _FUNCTIONAL_VARIANTS[cls] = variant
    return variant


@register_builtin("tholos.models")
class Model(Trainer, Layer):
    """A trainable graph of layers.

    ``Model(inputs, outputs, name=None)``: a Functional model from symbolic tensors.
    ``class MyModel(Model)``: a subclassed model (define ``__init__`` and ``call``).
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Model:
        if cls is Model and is_functional_init(args, kwargs):
            from tholos.models.functional import Functional

            return Functional.__new__(Functional, *args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

    compiled_call: bool | None = None
    """Whether ``model(x)`` runs through the backend's compiled call (JAX, TensorFlow):
    ``None`` (default) means yes for Functional and Sequential models, no for subclassed
    ones; see :mod:`tholos.models._compiled_call`. A tholos extension (Keras 3 calls eagerly)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from tholos.models.functional import Functional

        if is_functional_init(args, kwargs) and not isinstance(self, Functional):
            object.__setattr__(self, "__class__", _functional_variant(type(self)))
            Functional.__init__(self, *args, **kwargs)
            return
        self._init_model(*args, **kwargs)

    def _init_model(
        self, *, trainable: bool = True, name: str | None = None, dtype: Any = None, **kwargs: Any
    ) -> None:
        Layer.__init__(self, trainable=trainable, name=name, dtype=dtype, **kwargs)
        Trainer.__init__(self)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the model; top-level eager calls may run compiled (see :attr:`compiled_call`)."""
        if self.compiled_call is not False:
            outputs = compiled_call(self, args, kwargs)
            if outputs is not NOT_APPLICABLE:
                return outputs
        return Layer.__call__(self, *args, **kwargs)

    # -- layers --------------------------------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:
        """The model's direct sub-layers."""
        return list(self._layers)

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """A layer by name or by index in :attr:`layers`."""
        if index is not None and name is not None:
            raise OpInputError(
                f"Model '{self.name}'.get_layer: pass either name or index, not both.",
                expected="name=... or index=...",
                received=f"name={name!r}, index={index!r}",
            )
        layers = self.layers
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise OpInputError(
                    f"Model '{self.name}'.get_layer: index out of range.",
                    expected=f"an index in [0, {len(layers)})",
                    received=str(index),
                )
            return layers[index]
        if name is not None:
            for layer in layers:
                if layer.name == name:
                    return layer
            raise OpInputError(
                f"Model '{self.name}' has no layer named {name!r}.",
                expected=f"one of {[layer.name for layer in layers]}",
                received=repr(name),
            )
        raise OpInputError(
            f"Model '{self.name}'.get_layer needs a name or an index.",
            expected="name=... or index=...",
            received="neither",
        )

    # -- summary and export --------------------------------------------------------------------
    def summary(
        self,
        line_length: int | None = None,
        positions: list[float] | None = None,
        print_fn: Any = None,
        expand_nested: bool = False,
        show_trainable: bool = False,
        layer_range: Any = None,
    ) -> None:
        """Print a table of the model's layers, output shapes and parameter counts."""
        from tholos.models.summary import print_summary

        print_summary(
            self,
            line_length=line_length,
            positions=positions,
            print_fn=print_fn,
            expand_nested=expand_nested,
            show_trainable=show_trainable,
            layer_range=layer_range,
        )

    save = model_save
    save_weights = model_save_weights
    load_weights = model_load_weights

    def to_json(self, **kwargs: Any) -> str:
        """The model's architecture as a JSON string (see :func:`model_from_json`)."""
        from tholos.saving.serialization import serialize_object

        return json.dumps(serialize_object(self), **kwargs)

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments of a subclassed model (when they are plain values)."""
        return Layer.get_config(self)

    get_config._tholos_default_config = True  # type: ignore[attr-defined]

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> Model:
        from tholos.models.functional import Functional, functional_from_config

        if "layers" in config and "output_layers" in config:
            if cls is Model or cls is Functional:
                return functional_from_config(Functional, config, custom_objects)
            return functional_from_config(cls, config, custom_objects)
        return cls(**config)


def model_from_json(json_string: str, custom_objects: dict[str, Any] | None = None) -> Any:
    """Rebuild a model (with fresh weights) from :meth:`Model.to_json`'s output."""
    from tholos.saving.serialization import deserialize_object

    return deserialize_object(json.loads(json_string), custom_objects=custom_objects)
