"""``clone_model``: the same architecture with new, freshly initialized weights.

>>> from tholos import layers, models
>>> x = layers.Input((3,))
>>> model = models.Model(x, layers.Dense(2)(x))
>>> twin = clone_model(model)
>>> [layer.name for layer in twin.layers] == [layer.name for layer in model.layers]
True
>>> twin.weights[0] is model.weights[0]
False
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tholos import tree
from tholos.backend._symbolic import KerasTensor
from tholos.errors import OpInputError
from tholos.layers.input_layer import Input, InputLayer
from tholos.layers.layer import Layer


def _default_clone(layer: Layer) -> Layer:
    return type(layer).from_config(layer.get_config())


def clone_model(
    model: Any,
    input_tensors: Any = None,
    clone_function: Callable[[Layer], Layer] | None = None,
    call_function: Callable[..., Any] | None = None,
    recursive: bool = False,
    **kwargs: Any,
) -> Any:
    """Clone a Functional or Sequential model (new layers from their configs, new weights).

    Args:
        model: the model.
        input_tensors: symbolic tensors to build the clone on (default: new Inputs like the
            model's).
        clone_function: ``layer -> new layer`` (default: rebuild from ``get_config()``).
            Return the layer itself to share it.
        call_function: ``(layer, *args, **kwargs) -> outputs``, to change how each cloned
            layer is called while the graph is rebuilt.
        recursive: clone nested models layer by layer (with ``clone_function``) instead of
            passing them to ``clone_function`` whole.

    A subclassed model is cloned through ``from_config(get_config())``.
    """
    from tholos.models.functional import Functional
    from tholos.models.sequential import Sequential

    if kwargs:
        raise OpInputError(
            "clone_model: unexpected arguments.",
            expected="input_tensors, clone_function, call_function, recursive",
            received=", ".join(sorted(kwargs)),
        )
    user_clone = clone_function
    clone_function = clone_function or _default_clone
    cache: dict[int, Layer] = {}

    def clone_layer(layer: Layer) -> Layer:
        found = cache.get(id(layer))
        if found is not None:
            return found
        if recursive and isinstance(layer, (Sequential, Functional)):
            new = clone_model(
                layer, clone_function=user_clone, call_function=call_function, recursive=True
            )
        else:
            new = clone_function(layer)
        cache[id(layer)] = new
        return new

    if isinstance(model, Sequential):
        return _clone_sequential(model, input_tensors, clone_layer)
    if isinstance(model, Functional):
        return _clone_functional(model, input_tensors, clone_layer, call_function)
    if user_clone is not None or call_function is not None:
        raise OpInputError(
            "clone_model: clone_function and call_function only apply to Functional and "
            "Sequential models.",
            expected="a Functional or Sequential model",
            received=type(model).__name__,
        )
    return type(model).from_config(model.get_config())


def _clone_sequential(model: Any, input_tensors: Any, clone_layer: Callable) -> Any:
    from tholos.models.sequential import Sequential

    layers = [clone_layer(layer) for layer in model.layers]
    first = model._layers[0] if model._layers else None
    if input_tensors is not None:
        flat = tree.flatten(input_tensors)
        if len(flat) != 1 or not isinstance(flat[0], KerasTensor):
            raise OpInputError(
                "clone_model: a Sequential model takes one input tensor.",
                expected="one KerasTensor",
                received=repr(input_tensors),
            )
        history = getattr(flat[0], "_keras_history", None)
        if history is not None and isinstance(history.operation, InputLayer):
            return Sequential(
                [history.operation] + layers, name=model.name, trainable=model.trainable
            )
        clone = Sequential(layers, name=model.name, trainable=model.trainable)
        from tholos.models.functional import Functional

        return Functional(flat[0], clone(flat[0]), name=model.name)
    if isinstance(first, InputLayer):
        input_layer = InputLayer.from_config(first.get_config())
        return Sequential([input_layer] + layers, name=model.name, trainable=model.trainable)
    return Sequential(layers, name=model.name, trainable=model.trainable)


def _clone_functional(
    model: Any, input_tensors: Any, clone_layer: Callable, call_function: Callable | None
) -> Any:
    from tholos.models.functional import Functional

    if input_tensors is not None:
        new_inputs = tree.flatten(input_tensors)
        if len(new_inputs) != len(model._inputs):
            raise OpInputError(
                "clone_model: input_tensors do not match the model's inputs.",
                expected=f"{len(model._inputs)} tensors",
                received=f"{len(new_inputs)} tensors",
            )
        new_inputs = [x if isinstance(x, KerasTensor) else Input(tensor=x) for x in new_inputs]
    else:
        new_inputs = []
        for tensor in model._inputs:
            layer = tensor._keras_history.operation
            if isinstance(layer, InputLayer):
                new_inputs.append(InputLayer.from_config(layer.get_config()).output)
            else:
                new_inputs.append(KerasTensor(tensor.shape, dtype=tensor.dtype))
    values: dict[int, Any] = {id(t): x for t, x in zip(model._inputs, new_inputs)}
    for operation, node, out_ids in model._run_plan:
        args, kwargs = node.fill_arguments(values)
        if isinstance(operation, Layer):
            new_op = clone_layer(operation)
            if call_function is not None:
                result = call_function(new_op, *args, **kwargs)
            else:
                result = new_op(*args, **kwargs)
        else:
            result = operation(*args, **kwargs)
        for key, value in zip(out_ids, tree.flatten(result)):
            values[key] = value
    inputs = (
        tree.pack_sequence_as(model._inputs_struct, new_inputs)
        if isinstance(model._inputs_struct, (list, dict))
        else new_inputs[0]
    )
    outputs = [values[id(t)] for t in model._outputs]
    outputs = (
        tree.pack_sequence_as(model._outputs_struct, outputs)
        if isinstance(model._outputs_struct, (list, dict))
        else outputs[0]
    )
    return Functional(inputs, outputs, name=model.name, trainable=model.trainable)
