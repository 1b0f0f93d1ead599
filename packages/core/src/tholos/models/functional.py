"""``Functional``: a model defined by a graph of layer calls on symbolic tensors.

>>> from tholos import layers
>>> a, b = layers.Input((3,), name="a"), layers.Input((2,), name="b")
>>> h = layers.Dense(4, name="h")(a)
>>> model = Functional({"a": a, "b": b}, [h, b])
>>> [layer.name for layer in model.layers]
['a', 'b', 'h']
"""

from __future__ import annotations

from typing import Any

from tholos import ops, tree
from tholos.backend._symbolic import KerasTensor
from tholos.backend.dtypes import standardize_dtype
from tholos.errors import ConfigError, OpInputError
from tholos.layers.input_layer import InputLayer
from tholos.layers.input_spec import InputSpec
from tholos.layers.layer import Layer
from tholos.models.model import Model
from tholos.ops.node import Node
from tholos.saving import serialization as _ser
from tholos.saving.serialization import register_builtin


def _history(tensor: KerasTensor) -> Any:
    history = getattr(tensor, "_keras_history", None)
    if history is None:
        raise OpInputError(
            "A model input or output is a KerasTensor that no layer produced.",
            expected="tensors returned by tholos.layers.Input(...) or by layer calls",
            received=repr(tensor),
            hint="Create inputs with tholos.layers.Input(shape=...).",
        )
    return history


def _node_of(tensor: KerasTensor) -> Node:
    history = _history(tensor)
    return history.operation._inbound_nodes[history.node_index]


def build_graph(inputs: list[KerasTensor], outputs: list[KerasTensor]) -> list[Node]:
    """The nodes between ``inputs`` and ``outputs`` in an order where each node comes after
    the nodes producing its inputs. Raises on a disconnected graph."""
    input_ids = {id(t) for t in inputs}
    ordered: list[Node] = []
    state: dict[int, int] = {}  # id(node) -> 1 visiting, 2 done

    def visit_tensor(tensor: KerasTensor, path: list[str]) -> None:
        if id(tensor) in input_ids:
            return
        node = _node_of(tensor)
        if node.is_input:
            layer = node.operation
            raise OpInputError(
                "Graph disconnected: an output depends on an input that is not among the "
                "model's inputs.",
                expected=f"inputs including {layer.name!r}",
                received=f"inputs {[_history(t).operation.name for t in inputs]}",
                hint="Layers reached without a path from the given inputs: "
                + " -> ".join(reversed(path + [layer.name])),
            )
        visit_node(node, path)

    def visit_node(node: Node, path: list[str]) -> None:
        key = id(node)
        if state.get(key) == 2:
            return
        if state.get(key) == 1:
            raise OpInputError(
                "The graph has a cycle.",
                expected="an acyclic graph",
                received=f"a cycle through {node.operation.name!r}",
            )
        state[key] = 1
        for tensor in node.input_tensors:
            visit_tensor(tensor, path + [node.operation.name])
        state[key] = 2
        ordered.append(node)

    input_nodes = []
    for tensor in inputs:
        node = _node_of(tensor)
        if node.is_input and id(node) not in state:
            state[id(node)] = 2
            input_nodes.append(node)
    for tensor in outputs:
        visit_tensor(tensor, [])
    return input_nodes + ordered


@register_builtin("tholos.models")
class Functional(Model):
    """A model from symbolic ``inputs`` to ``outputs`` (a tensor, a list or a dict of them)."""

    def __init__(
        self,
        inputs: Any,
        outputs: Any,
        name: str | None = None,
        trainable: bool = True,
        **kwargs: Any,
    ) -> None:
        for label, structure in (("inputs", inputs), ("outputs", outputs)):
            flat = tree.flatten(structure)
            bad = [x for x in flat if not isinstance(x, KerasTensor)]
            if bad or not flat:
                raise OpInputError(
                    f"Model {label} must be symbolic tensors.",
                    expected="KerasTensors from tholos.layers.Input(...) and layer calls",
                    received=repr(bad[0]) if bad else "nothing",
                    hint="Build a Functional model as Model(inputs=Input(...), "
                    "outputs=some_layer(...)).",
                )
        self._init_model(trainable=trainable, name=name or _auto_model_name(), **kwargs)
        if (
            isinstance(inputs, (list, tuple))
            and len(inputs) == 1
            and not isinstance(inputs[0], (list, tuple, dict))
        ):
            inputs = inputs[0] if isinstance(inputs, tuple) else list(inputs)
        set_ = object.__setattr__
        set_(self, "_inputs_struct", _plain_structure(inputs))
        set_(self, "_outputs_struct", _plain_structure(outputs))
        set_(self, "_inputs", tree.flatten(inputs))
        set_(self, "_outputs", tree.flatten(outputs))
        nodes = build_graph(self._inputs, self._outputs)
        set_(self, "_nodes", nodes)
        set_(self, "_node_ids", {id(n) for n in nodes})
        operations: list[Any] = []
        for node in nodes:
            if not any(node.operation is op for op in operations):
                operations.append(node.operation)
        set_(self, "_operations", operations)
        for op in operations:
            if isinstance(op, Layer) and op is not self:
                self._track(op)
        set_(
            self,
            "_run_plan",
            [
                (node.operation, node, [id(t) for t in node.outputs])
                for node in nodes
                if not node.is_input
            ],
        )
        set_(
            self,
            "input_spec",
            [
                InputSpec(
                    shape=(None,) + tuple(t.shape[1:]) if t.shape else (),
                    allow_last_axis_squeeze=True,
                    name=getattr(_history(t).operation, "name", None),
                    optional=getattr(_history(t).operation, "optional", False),
                )
                for t in self._inputs
            ],
        )
        set_(self, "built", True)

    # -- structure -------------------------------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:
        return [op for op in self._operations if isinstance(op, Layer)]

    @property
    def operations(self) -> list[Any]:
        return list(self._operations)

    @property
    def inputs(self) -> Any:
        return (
            self._inputs_struct
            if isinstance(self._inputs_struct, (list, dict))
            else [self._inputs_struct]
        )

    @property
    def outputs(self) -> Any:
        return (
            self._outputs_struct
            if isinstance(self._outputs_struct, (list, dict))
            else [self._outputs_struct]
        )

    @property
    def input(self) -> Any:
        return self._inputs_struct

    @property
    def output(self) -> Any:
        return self._outputs_struct

    @property
    def input_shape(self) -> Any:
        return tree.map_structure(lambda t: t.shape, self._inputs_struct)

    @property
    def output_shape(self) -> Any:
        return tree.map_structure(lambda t: t.shape, self._outputs_struct)

    @property
    def input_names(self) -> list[str]:
        return [getattr(_history(t).operation, "name", None) for t in self._inputs]

    @property
    def output_names(self) -> list[str]:
        if isinstance(self._outputs_struct, dict):
            return sorted(self._outputs_struct)
        return [_history(t).operation.name for t in self._outputs]

    # -- running ---------------------------------------------------------------------------------
    def _standardize_inputs(self, inputs: Any) -> list[Any]:
        struct = self._inputs_struct
        if isinstance(inputs, dict) and not isinstance(struct, dict):
            names = self.input_names
            missing = [n for n in names if n not in inputs]
            if missing:
                raise OpInputError(
                    f"Model '{self.name}': missing inputs {missing}.",
                    expected=f"a dict with keys {names}",
                    received=f"keys {sorted(inputs)}",
                )
            flat = [inputs[n] for n in names]
        elif isinstance(struct, dict):
            if not isinstance(inputs, dict):
                if len(self._inputs) == 1:
                    flat = [inputs]
                else:
                    raise OpInputError(
                        f"Model '{self.name}' takes a dict of inputs.",
                        expected=f"a dict with keys {sorted(struct)}",
                        received=type(inputs).__name__,
                    )
            else:
                missing = [k for k in struct if k not in inputs]
                if missing:
                    raise OpInputError(
                        f"Model '{self.name}': missing inputs {missing}.",
                        expected=f"a dict with keys {sorted(struct)}",
                        received=f"keys {sorted(inputs)}",
                    )
                flat = tree.flatten({k: inputs[k] for k in struct})
        else:
            flat = tree.flatten(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
            if len(flat) != len(self._inputs):
                raise OpInputError(
                    f"Model '{self.name}' expects {len(self._inputs)} input(s), but it received "
                    f"{len(flat)}.",
                    expected=f"{len(self._inputs)} inputs with shapes "
                    f"{[t.shape for t in self._inputs]}",
                    received=f"{len(flat)} inputs",
                )
        out = []
        for x, ref in zip(flat, self._inputs):
            if x is None:
                out.append(None)
                continue
            if isinstance(x, KerasTensor):
                out.append(x)
                continue
            if not ops.is_tensor(x):
                x = ops.convert_to_tensor(x, dtype=ref.dtype)
            elif standardize_dtype(x.dtype) != ref.dtype:
                x = ops.cast(x, ref.dtype)
            rank = len(x.shape)
            ref_rank = len(ref.shape)
            if rank != ref_rank:
                if rank == ref_rank + 1 and x.shape[-1] == 1:
                    x = ops.squeeze(x, axis=-1)
                elif rank == ref_rank - 1 and ref.shape[-1] == 1:
                    x = ops.expand_dims(x, axis=-1)
            out.append(x)
        return out

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        flat = self._standardize_inputs(inputs)
        if mask is not None:
            from tholos.layers._masks import set_keras_mask

            for x, m in zip(
                flat, tree.flatten(mask) if isinstance(mask, (list, tuple, dict)) else [mask]
            ):
                if m is not None and x is not None:
                    set_keras_mask(x, m)
        values: dict[int, Any] = {id(t): x for t, x in zip(self._inputs, flat)}
        for operation, node, out_ids in self._run_plan:
            args, kwargs = node.fill_arguments(values)
            result = operation(*args, **kwargs)
            if len(out_ids) == 1:
                values[out_ids[0]] = (
                    result
                    if not isinstance(result, (list, tuple, dict))
                    else (tree.flatten(result)[0])
                )
            else:
                for key, value in zip(out_ids, tree.flatten(result)):
                    values[key] = value
        flat_out = [values[id(t)] for t in self._outputs]
        if not isinstance(self._outputs_struct, (list, tuple, dict)):
            return flat_out[0]
        return tree.pack_sequence_as(self._outputs_struct, flat_out)

    def compute_output_spec(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        flat = self._standardize_inputs(inputs)
        if all(
            isinstance(x, KerasTensor) and tuple(x.shape) == tuple(t.shape)
            for x, t in zip(flat, self._inputs)
        ):
            fresh = [KerasTensor(t.shape, dtype=t.dtype, sparse=t.sparse) for t in self._outputs]
        else:
            values: dict[int, Any] = {id(t): x for t, x in zip(self._inputs, flat)}
            for operation, node, out_ids in self._run_plan:
                args, kwargs = node.fill_arguments(values)
                result = operation.compute_output_spec(*args, **kwargs)
                for key, value in zip(out_ids, tree.flatten(result)):
                    values[key] = value
            fresh = [values[id(t)] for t in self._outputs]
        if not isinstance(self._outputs_struct, (list, tuple, dict)):
            return fresh[0]
        return tree.pack_sequence_as(self._outputs_struct, fresh)

    def compute_output_shape(self, input_shape: Any) -> Any:
        specs = (
            tree.map_structure(lambda s: KerasTensor(s), input_shape)
            if not _is_shape(input_shape)
            else KerasTensor(input_shape)
        )
        return tree.map_structure(lambda t: t.shape, self.compute_output_spec(specs))

    def build(self, input_shape: Any = None) -> None:
        object.__setattr__(self, "built", True)

    # -- config ----------------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        return functional_config(self)

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> Functional:
        return functional_from_config(cls, config, custom_objects)


def _is_shape(value: Any) -> bool:
    return isinstance(value, (tuple, list)) and all(d is None or isinstance(d, int) for d in value)


def _plain_structure(structure: Any) -> Any:
    if isinstance(structure, tuple) and not hasattr(structure, "_fields"):
        return list(structure)
    return structure


def _auto_model_name() -> str:
    from tholos.ops.operation import auto_name

    return auto_name("functional")


# -------------------------------------------------------------------------------- config


def functional_config(model: Functional) -> dict[str, Any]:
    """Keras-style config: layers with their inbound nodes, and input/output references."""
    node_index: dict[int, int] = {}  # id(node) -> index among the model's nodes of its layer
    counters: dict[int, int] = {}
    for op in model._operations:
        for node in op._inbound_nodes:
            if id(node) in model._node_ids:
                node_index[id(node)] = counters.get(id(op), 0)
                counters[id(op)] = counters.get(id(op), 0) + 1

    def tensor_ref(tensor: KerasTensor) -> list[Any]:
        history = _history(tensor)
        node = history.operation._inbound_nodes[history.node_index]
        return [history.operation.name, node_index[id(node)], history.tensor_index]

    def encode_arg(value: Any) -> Any:
        if isinstance(value, KerasTensor):
            return {
                "class_name": "__keras_tensor__",
                "config": {
                    "shape": list(value.shape),
                    "dtype": value.dtype,
                    "keras_history": tensor_ref(value),
                },
            }
        return _ser.serialize_object(value)

    layer_configs = []
    for op in model._operations:
        cfg = _ser.serialize_object(op)
        cfg["name"] = op.name
        inbound = []
        for node in op._inbound_nodes:
            if id(node) not in model._node_ids or node.is_input:
                continue
            inbound.append(
                {
                    "args": [
                        tree.map_structure(encode_arg, a)
                        if isinstance(a, (list, dict))
                        else encode_arg(a)
                        for a in node.call_args
                    ],
                    "kwargs": {
                        k: tree.map_structure(encode_arg, v)
                        if isinstance(v, (list, dict))
                        else encode_arg(v)
                        for k, v in node.call_kwargs.items()
                    },
                }
            )
        cfg["inbound_nodes"] = inbound
        layer_configs.append(cfg)
    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layer_configs,
        "input_layers": tree.map_structure(tensor_ref, model._inputs_struct)
        if isinstance(model._inputs_struct, (list, dict))
        else tensor_ref(model._inputs_struct),
        "output_layers": tree.map_structure(tensor_ref, model._outputs_struct)
        if isinstance(model._outputs_struct, (list, dict))
        else tensor_ref(model._outputs_struct),
    }


def _is_ref(value: Any) -> bool:
    return (
        isinstance(value, (list, tuple))
        and len(value) == 3
        and isinstance(value[0], str)
        and isinstance(value[1], int)
        and isinstance(value[2], int)
    )


def functional_from_config(
    cls: type, config: dict[str, Any], custom_objects: Any = None
) -> Functional:
    """Rebuild a Functional model (fresh weights) from :func:`functional_config`."""
    created: dict[str, Any] = {}
    outputs_of: dict[tuple[str, int], list[Any]] = {}
    pending: list[tuple[str, int, dict[str, Any]]] = []
    for layer_cfg in config["layers"]:
        layer_cfg = dict(layer_cfg)
        name = layer_cfg.pop("name", None) or layer_cfg.get("config", {}).get("name")
        inbound = layer_cfg.pop("inbound_nodes", [])
        layer_cfg.pop("build_config", None)
        layer = _ser.deserialize_object(layer_cfg, custom_objects)
        created[name] = layer
        if isinstance(layer, InputLayer):
            outputs_of[(name, 0)] = [layer.output]
            continue
        for index, node_data in enumerate(inbound):
            pending.append((name, index, node_data))

    def resolve(value: Any) -> Any:
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            layer_name, node_idx, tensor_idx = value["config"]["keras_history"]
            return outputs_of[(layer_name, node_idx)][tensor_idx]
        if isinstance(value, dict) and value.get("class_name") in ("__tuple__",):
            return tuple(resolve(v) for v in value["config"]["value"])
        if isinstance(value, list):
            return [resolve(v) for v in value]
        if isinstance(value, dict) and "class_name" not in value:
            return {k: resolve(v) for k, v in value.items()}
        return _ser.decode_plain(value)

    def ready(value: Any) -> bool:
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            layer_name, node_idx, _ = value["config"]["keras_history"]
            return (layer_name, node_idx) in outputs_of
        if isinstance(value, list):
            return all(ready(v) for v in value)
        if isinstance(value, dict):
            if value.get("class_name") == "__tuple__":
                return all(ready(v) for v in value["config"]["value"])
            return all(ready(v) for v in value.values())
        return True

    while pending:
        progress = False
        remaining = []
        for name, index, node_data in pending:
            if (name, index - 1) not in outputs_of and index > 0:
                remaining.append((name, index, node_data))
                continue
            if not ready(node_data.get("args", [])) or not ready(node_data.get("kwargs", {})):
                remaining.append((name, index, node_data))
                continue
            args = [resolve(a) for a in node_data.get("args", [])]
            kwargs = {k: resolve(v) for k, v in node_data.get("kwargs", {}).items()}
            result = created[name](*args, **kwargs)
            outputs_of[(name, index)] = tree.flatten(result)
            progress = True
        if not progress:
            raise ConfigError(
                "Cannot rebuild the model graph from its config: some layer inputs never "
                "become available.",
                expected="a config from Functional.get_config()",
                received=f"unresolved layers {[p[0] for p in remaining]}",
            )
        pending = remaining

    def lookup(ref: Any) -> Any:
        return outputs_of[(ref[0], ref[1])][ref[2]]

    def map_refs(value: Any) -> Any:
        if _is_ref(value):
            return lookup(value)
        if isinstance(value, dict):
            return {k: map_refs(v) for k, v in value.items()}
        return [map_refs(v) for v in value]

    inputs = map_refs(config["input_layers"])
    outputs = map_refs(config["output_layers"])
    kwargs = {"name": config.get("name"), "trainable": config.get("trainable", True)}
    if cls is Functional or cls is Model:
        return Functional(inputs, outputs, **kwargs)
    model = cls.__new__(cls)
    Model.__init__(model, inputs=inputs, outputs=outputs, **kwargs)
    return model
