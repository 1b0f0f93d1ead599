"""``Layer``: the base class of every layer and model.

A layer owns state (variables created with :meth:`Layer.add_weight`, sub-layers, seed
generators) and computes in :meth:`Layer.call`. Calling a layer:

- builds it on the first call (``build(input_shape)``, variables created under
  ``name_scope(layer.name)``, so a Dense kernel's path is ``"dense/kernel"``);
- converts array inputs to tensors and casts float inputs to the layer's compute dtype;
- passes ``training`` down to sub-layers whose ``call`` accepts it, and masks to layers whose
  ``call`` accepts ``mask``;
- on symbolic inputs (KerasTensors) records a graph node instead of computing.

>>> import numpy as np
>>> from tholos import ops
>>> class Scale(Layer):
...     def build(self, input_shape):
...         self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")
...     def call(self, x):
...         return x * self.w
>>> layer = Scale()
>>> np.asarray(layer(np.array([[1.0, 2.0]], dtype="float32")))
array([[1., 2.]], dtype=float32)
>>> [v.path for v in layer.weights]
['scale/w']
"""

from __future__ import annotations

import inspect
import math
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from tholos import dtype_policies as _policies
from tholos import ops, tree
from tholos.backend import _state, _stateless
from tholos.backend._stateless import (
    AutocastScope,
    StatelessScope,
    get_stateless_scope,
    name_scope,
)
from tholos.backend._symbolic import KerasTensor
from tholos.backend._symbolic import compute_output_spec as _backend_output_spec
from tholos.backend._variables import Variable
from tholos.backend.dtypes import FLOAT_TYPES, standardize_dtype
from tholos.errors import OpInputError, TholosError
from tholos.layers import _masks
from tholos.layers.input_spec import InputSpec, assert_input_compatibility
from tholos.ops.node import Node
from tholos.ops.operation import Operation, has_symbolic
from tholos.random.seed_generator import SeedGenerator
from tholos.saving.serialization import register_builtin, serialize_object

_UNTRACKED = frozenset(("_inbound_nodes", "_outbound_nodes", "name", "built", "_trainable"))
_ALLOWED_INIT_KWARGS = ("input_shape", "input_dim", "batch_input_shape", "batch_size", "weights")


# ------------------------------------------------------------------------------ call context


class _CallContext:
    __slots__ = ("entry", "symbolic", "training")

    def __init__(self, entry: Layer) -> None:
        self.training: Any = None
        self.symbolic = False
        self.entry = entry


_tls = threading.local()

_TENSOR_DTYPES: dict[tuple[type, Any], str | None] = {}
"""``(type(x), x.dtype) -> dtype name`` if such an ``x`` is an active-backend tensor, else None.

Whether an object is a backend tensor depends only on its type (and the active backend), so
the eager call's input check is one dict lookup after the first call; cleared on a switch.
"""
_state.on_switch(lambda previous, new: _TENSOR_DTYPES.clear())


def _tensor_dtype_name(x: Any) -> str | None:
    """The dtype name of ``x`` when it is a tensor of the active backend (not a Variable)."""
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        return None
    key = (type(x), dtype)
    try:
        return _TENSOR_DTYPES[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable dtype attribute: no caching
        return None
    if isinstance(x, Variable):
        name = None
    else:
        name = standardize_dtype(dtype)
        if not ops.is_tensor(x):
            name = None
    _TENSOR_DTYPES[key] = name
    return name


def _get_context() -> _CallContext | None:
    return getattr(_tls, "ctx", None)


# Layers currently holding add_loss() losses (to clear them when a new outer call starts).
_layers_with_losses: dict[int, Layer] = {}

# Bumped whenever a change to a *built* layer can alter what a model's call computes (its
# trainable flag or dtype policy changed, a sub-layer attached): compiled model calls
# (tholos.models._compiled_call) are re-traced when it moved. Constructing and building new
# layers leaves it alone (a built model's call never depends on a layer not yet built).
structure_generation = [0]


def bump_structure_generation() -> None:
    structure_generation[0] += 1


class _CallInfo:
    """What a class's ``call`` signature accepts (computed once per class)."""

    __slots__ = ("mask", "names", "signature", "training", "training_default", "var_kwargs")

    def __init__(self, fn: Callable[..., Any]) -> None:
        sig = inspect.signature(fn)
        params = dict(sig.parameters)
        params.pop("self", None)
        self.signature = sig
        self.var_kwargs = any(p.kind is p.VAR_KEYWORD for p in params.values())
        self.training = "training" in params or self.var_kwargs
        default = params["training"].default if "training" in params else None
        self.training_default = None if default is inspect.Parameter.empty else default
        self.mask = "mask" in params
        self.names = [
            n for n, p in params.items() if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
        ]


_CALL_INFO: dict[type, _CallInfo] = {}


def _call_info(cls: type) -> _CallInfo:
    info = _CALL_INFO.get(cls)
    if info is None:
        info = _CALL_INFO[cls] = _CallInfo(cls.call)
    return info


# ------------------------------------------------------------------------------ tracking


class TrackedList(list):
    """A list attribute of a layer: what is appended later is tracked too."""

    def __init__(self, values: Any = (), owner: Layer | None = None) -> None:
        super().__init__(values)
        self._owner = owner

    def _track(self, value: Any) -> Any:
        if self._owner is not None:
            return self._owner._track(value)
        return value

    def append(self, value: Any) -> None:
        super().append(self._track(value))

    def insert(self, index: int, value: Any) -> None:
        super().insert(index, self._track(value))

    def extend(self, values: Any) -> None:
        super().extend(self._track(v) for v in values)

    def __iadd__(self, values: Any) -> TrackedList:
        self.extend(values)
        return self

    def __setitem__(self, index: Any, value: Any) -> None:
        if isinstance(index, slice):
            value = [self._track(v) for v in value]
        else:
            value = self._track(value)
        super().__setitem__(index, value)

    def __reduce_ex__(self, protocol: Any) -> Any:
        return (list, (list(self),))


class TrackedDict(dict):
    """A dict attribute of a layer: values set later are tracked too."""

    def __init__(self, values: Any = (), owner: Layer | None = None) -> None:
        super().__init__(values)
        self._owner = owner

    def __setitem__(self, key: Any, value: Any) -> None:
        if self._owner is not None:
            value = self._owner._track(value)
        super().__setitem__(key, value)

    def update(self, *args: Any, **kwargs: Any) -> None:
        for k, v in dict(*args, **kwargs).items():
            self[k] = v

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def __reduce_ex__(self, protocol: Any) -> Any:
        return (dict, (dict(self),))


def _is_metric(value: Any) -> bool:
    return (
        hasattr(value, "update_state")
        and hasattr(value, "reset_state")
        and hasattr(value, "variables")
        and not isinstance(value, Layer)
    )


def _plain(value: Any) -> bool:
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def _shape_tuple(x: Any) -> tuple:
    return tuple(None if d is None else int(d) for d in x.shape)


def _is_shape(value: Any) -> bool:
    return isinstance(value, (tuple, list)) and all(
        d is None or (isinstance(d, (int, np.integer)) and not isinstance(d, bool)) for d in value
    )


def _map_shapes(value: Any) -> Any:
    """Shapes of every tensor in a structure (non-tensors stay)."""
    if isinstance(value, (list, tuple)) and not _has_shape(value):
        if hasattr(value, "_fields"):
            return value
        return type(value)(_map_shapes(v) for v in value)
    if isinstance(value, dict):
        return {k: _map_shapes(v) for k, v in value.items()}
    if _has_shape(value):
        return _shape_tuple(value)
    return value


def _has_shape(x: Any) -> bool:
    return hasattr(x, "shape") and hasattr(x, "dtype") and not isinstance(x, type)


def _is_tensor_like(x: Any) -> bool:
    if isinstance(x, (list, tuple)):
        return any(_is_tensor_like(v) for v in x)
    if isinstance(x, dict):
        return any(_is_tensor_like(v) for v in x.values())
    return _has_shape(x)


# ------------------------------------------------------------------------------ backend mixin

# (original class, mixin) -> the class instances are really made of
_BACKEND_CLASSES: dict[tuple[type, type], type] = {}


def _layer_mixin() -> type | None:
    """The active backend's optional ``layer_mixin`` (resolving the backend on first use)."""
    active = _state._active
    if active is None:
        try:
            active = _state.current()
        except TholosError:  # no usable backend yet: plain layers (ops will raise later)
            return None
    return active.layer_mixin


def backend_layer_class(cls: type, mixin: type) -> type:
    """``cls`` combined with a backend's ``layer_mixin``: ``class cls(cls, mixin)``.

    Made once per ``(cls, mixin)``. It carries the original's ``__name__``,
    ``__qualname__``, ``__module__`` and registered module, so reprs, configs, summaries and
    saved files are those of ``cls``; ``from_config`` is the original's; the original is in
    ``_tholos_original_class``. ``mixin`` comes after every tholos class in the MRO, so
    tholos' own methods (``__call__``, ``__setattr__``, ``compile``...) win.
    """
    key = (cls, mixin)
    combined = _BACKEND_CLASSES.get(key)
    if combined is None:
        original = cls

        def from_config(_cls: type, config: Any, *args: Any, **kwargs: Any) -> Any:
            return original.from_config(config, *args, **kwargs)

        namespace: dict[str, Any] = {
            "__module__": cls.__module__,
            "__qualname__": cls.__qualname__,
            "__doc__": cls.__doc__,
            "_tholos_original_class": cls,
            "from_config": classmethod(from_config),
        }
        if "_tholos_module" in cls.__dict__:
            namespace["_tholos_module"] = cls.__dict__["_tholos_module"]
        combined = type(cls)(cls.__name__, (cls, mixin), namespace)
        _BACKEND_CLASSES[key] = combined
    return combined


def original_class(cls: type) -> type:
    """The user-facing class behind a :func:`backend_layer_class` (``cls`` itself otherwise)."""
    return cls.__dict__.get("_tholos_original_class", cls)


# ------------------------------------------------------------------------------ Layer


@register_builtin("tholos.layers")
class Layer(Operation):
    """Base class of layers.

    Args:
        trainable: whether the layer's weights are updated by training.
        dtype: a dtype policy (``"float32"``, ``"mixed_float16"``, a
            :class:`~tholos.dtype_policies.DTypePolicy`); default: the global policy.
        autocast: cast float inputs (and float variables, under a mixed policy) to the compute
            dtype.
        name: the layer's name (default: the class name in snake case, made unique).
        activity_regularizer: a regularizer applied to the outputs (added to ``losses``).
        input_shape, input_dim, batch_size, batch_input_shape: for the first layer of a
            ``Sequential`` model: the shape of its inputs (without the batch dimension).
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Layer:
        # A backend may make every layer also an instance of its own class (torch: nn.Module)
        # through the optional Backend.layer_mixin; instantiation only, never per call.
        mixin = _layer_mixin()
        if mixin is not None and not issubclass(cls, mixin):
            cls = backend_layer_class(cls, mixin)
        obj = super().__new__(cls)
        d = obj.__dict__
        d["_trainable_variables"] = []
        d["_non_trainable_variables"] = []
        d["_layers"] = []
        d["_seed_generators"] = []
        d["_metrics"] = []
        d["_losses"] = []
        d["_weight_regularizers"] = []
        d["_tracking"] = True
        d["_init_config"] = None
        if getattr(cls.get_config, "_tholos_default_config", False):
            try:
                bound = inspect.signature(cls.__init__).bind(None, *args, **kwargs)
            except TypeError:
                bound = None
            if bound is not None:
                bound.apply_defaults()
                config: dict[str, Any] = {}
                for name, value in list(bound.arguments.items())[1:]:
                    param = bound.signature.parameters[name]
                    if param.kind is param.VAR_KEYWORD:
                        config.update(value)
                    elif param.kind is param.VAR_POSITIONAL:
                        config = None  # type: ignore[assignment]
                        break
                    else:
                        config[name] = value
                if config is not None and _plain(config):
                    d["_init_config"] = config
        return obj

    def __init__(
        self,
        *,
        activity_regularizer: Any = None,
        trainable: bool = True,
        dtype: Any = None,
        autocast: bool = True,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        unknown = {k: v for k, v in kwargs.items() if k not in _ALLOWED_INIT_KWARGS}
        if unknown:
            raise OpInputError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: {unknown}",
                expected=f"the arguments of {type(self).__name__}, or one of "
                f"{', '.join(_ALLOWED_INIT_KWARGS)}",
                received=", ".join(sorted(unknown)),
            )
        super().__init__(name=name)
        set_ = object.__setattr__
        set_(self, "built", False)
        set_(self, "_trainable", bool(trainable))
        set_(self, "autocast", bool(autocast))
        set_(self, "input_spec", None)
        set_(self, "_checked_shape", None)
        set_(self, "_building", False)
        set_(self, "_build_shapes_dict", None)
        set_(self, "_convert_input_args", True)
        if not any("supports_masking" in k.__dict__ for k in type(self).__mro__):
            set_(self, "supports_masking", type(self).compute_mask is not Layer.compute_mask)
        from tholos import regularizers

        set_(self, "activity_regularizer", regularizers.get(activity_regularizer))
        self._set_dtype_policy(dtype)
        # input shape for the first layer of a Sequential model
        batch_shape = kwargs.get("batch_input_shape")
        input_shape = kwargs.get("input_shape")
        if input_shape is None and kwargs.get("input_dim") is not None:
            input_shape = (kwargs["input_dim"],)
        if batch_shape is None and input_shape is not None:
            batch_shape = (kwargs.get("batch_size"),) + tuple(input_shape)
        set_(self, "_batch_input_shape", tuple(batch_shape) if batch_shape is not None else None)
        set_(self, "_initial_weights", kwargs.get("weights"))

    # -- input spec ----------------------------------------------------------------------------
    @property
    def input_spec(self) -> Any:
        """An :class:`InputSpec` (or a list of them) the inputs are checked against."""
        return self.__dict__.get("_input_spec")

    @input_spec.setter
    def input_spec(self, value: Any) -> None:
        object.__setattr__(self, "_input_spec", value)
        object.__setattr__(self, "_checked_shape", None)

    # -- dtype policy ------------------------------------------------------------------------
    def _set_dtype_policy(self, policy: Any) -> None:
        policy = _policies.get(policy)
        if self.__dict__.get("built"):
            structure_generation[0] += 1
        object.__setattr__(self, "_dtype_policy", policy)
        object.__setattr__(self, "_compute_dtype", policy.compute_dtype)

    @property
    def dtype_policy(self) -> Any:
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value: Any) -> None:
        self._set_dtype_policy(value)

    @property
    def dtype(self) -> str:
        """The dtype of the layer's variables."""
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self) -> str:
        return self._compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self._dtype_policy.variable_dtype

    @property
    def input_dtype(self) -> str:
        """The dtype float inputs are cast to."""
        return self._compute_dtype

    # -- tracking ------------------------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        if d.get("_tracking", False) and name not in _UNTRACKED:
            old = d.get(name)
            if old is not None and old is not value:
                self._untrack(old)
            value = self._track(value)
            if d.get("built") and isinstance(value, (Layer, list, dict)):
                structure_generation[0] += 1
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        old = self.__dict__.get(name)
        if old is not None:
            self._untrack(old)
        object.__delattr__(self, name)

    def _track(self, value: Any) -> Any:
        if isinstance(value, Layer):
            if value is not self and not any(v is value for v in self._layers):
                self._layers.append(value)
        elif isinstance(value, Variable):
            if not any(v is value for v in self._trainable_variables) and not any(
                v is value for v in self._non_trainable_variables
            ):
                if value.trainable:
                    self._trainable_variables.append(value)
                else:
                    self._non_trainable_variables.append(value)
        elif isinstance(value, SeedGenerator):
            if not any(v is value for v in self._seed_generators):
                self._seed_generators.append(value)
        elif type(value) is list:
            return TrackedList([self._track(v) for v in value], owner=self)
        elif type(value) is dict:
            return TrackedDict({k: self._track(v) for k, v in value.items()}, owner=self)
        elif isinstance(value, (TrackedList, TrackedDict)):
            for v in value if isinstance(value, list) else value.values():
                self._track(v)
        elif type(value) is tuple:
            for v in value:
                self._track(v)
        elif _is_metric(value):
            if not any(v is value for v in self._metrics):
                self._metrics.append(value)
        return value

    def _untrack(self, value: Any) -> None:
        for store in (
            self._layers,
            self._trainable_variables,
            self._non_trainable_variables,
            self._seed_generators,
            self._metrics,
        ):
            for i, v in enumerate(store):
                if v is value:
                    del store[i]
                    return

    def _flatten_layers(self, include_self: bool = True, recursive: bool = True) -> list[Layer]:
        """This layer (optionally) and its sub-layers, depth first, without repeats."""
        out: list[Layer] = [self] if include_self else []
        seen = {id(self)}
        stack = list(reversed(self._layers))
        while stack:
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            out.append(layer)
            if recursive:
                stack.extend(reversed(layer._layers))
        return out

    # -- trainable ----------------------------------------------------------------------------
    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        value = bool(value)
        if self.__dict__.get("built"):
            structure_generation[0] += 1
        object.__setattr__(self, "_trainable", value)
        for v in self._trainable_variables:
            v.trainable = value
        for layer in self._layers:
            layer.trainable = value

    # -- weights ------------------------------------------------------------------------------
    def _collect(self, out: list, seen: set, with_state: bool) -> None:
        for v in self._trainable_variables:
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)
        for v in self._non_trainable_variables:
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)
        if with_state:
            for metric in self._metrics:
                for v in metric.variables:
                    if id(v) not in seen:
                        seen.add(id(v))
                        out.append(v)
            for gen in self._seed_generators:
                v = gen.state
                if id(v) not in seen:
                    seen.add(id(v))
                    out.append(v)
        for layer in self._layers:
            layer._collect(out, seen, with_state)

    @property
    def weights(self) -> list[Variable]:
        """Trainable then non-trainable weights of this layer, then each sub-layer's."""
        out: list = []
        self._collect(out, set(), False)
        return out

    @property
    def trainable_weights(self) -> list[Variable]:
        if not self._trainable:
            return []
        return [v for v in self.weights if v.trainable]

    @property
    def non_trainable_weights(self) -> list[Variable]:
        if not self._trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    @property
    def variables(self) -> list[Variable]:
        """All state: weights plus metric variables and seed-generator states."""
        out: list = []
        self._collect(out, set(), True)
        return out

    @property
    def trainable_variables(self) -> list[Variable]:
        if not self._trainable:
            return []
        return [v for v in self.variables if v.trainable]

    @property
    def non_trainable_variables(self) -> list[Variable]:
        if not self._trainable:
            return self.variables
        return [v for v in self.variables if not v.trainable]

    def add_weight(
        self,
        shape: Any = None,
        initializer: Any = None,
        dtype: Any = None,
        trainable: bool = True,
        autocast: bool = True,
        regularizer: Any = None,
        constraint: Any = None,
        aggregation: str = "none",
        name: str | None = None,
    ) -> Variable:
        """Create a variable owned by this layer (path ``"<layer name>/<name>"``)."""
        from tholos import constraints, initializers, regularizers

        shape = () if shape is None else tuple(int(d) for d in shape)
        dtype = standardize_dtype(dtype) if dtype is not None else self.variable_dtype
        if initializer is None:
            initializer = "glorot_uniform" if dtype in FLOAT_TYPES else "zeros"
        init = initializers.get(initializer)
        if self._building:
            variable = Variable(
                init,
                shape=shape,
                dtype=dtype,
                trainable=trainable,
                autocast=autocast,
                aggregation=aggregation,
                name=name,
            )
        else:
            with name_scope(self.name):
                variable = Variable(
                    init,
                    shape=shape,
                    dtype=dtype,
                    trainable=trainable,
                    autocast=autocast,
                    aggregation=aggregation,
                    name=name,
                )
        regularizer = regularizers.get(regularizer)
        constraint = constraints.get(constraint)
        for attr, value in (("regularizer", regularizer), ("constraint", constraint)):
            try:
                setattr(variable, attr, value)
            except AttributeError:
                pass
        if regularizer is not None:
            self._weight_regularizers.append((variable, regularizer))
        self._track(variable)
        return variable

    def add_variable(
        self,
        shape: Any,
        initializer: Any,
        dtype: Any = None,
        trainable: bool = True,
        autocast: bool = True,
        regularizer: Any = None,
        constraint: Any = None,
        name: str | None = None,
    ) -> Variable:
        """Alias of :meth:`add_weight` (Keras 3 spelling)."""
        return self.add_weight(
            shape=shape,
            initializer=initializer,
            dtype=dtype,
            trainable=trainable,
            autocast=autocast,
            regularizer=regularizer,
            constraint=constraint,
            name=name,
        )

    def get_weights(self) -> list[np.ndarray]:
        """The weights' values as NumPy arrays, in :attr:`weights` order."""
        return [np.asarray(v.numpy()) for v in self.weights]

    def set_weights(self, weights: list[Any]) -> None:
        """Set the weights from NumPy arrays given in :attr:`weights` order."""
        variables = self.weights
        weights = list(weights)
        if len(weights) != len(variables):
            raise OpInputError(
                f"Layer '{self.name}': set_weights got the wrong number of arrays.",
                expected=f"{len(variables)} arrays ({', '.join(v.path for v in variables)})",
                received=f"{len(weights)} arrays",
                hint="Pass a list like layer.get_weights().",
            )
        for variable, value in zip(variables, weights):
            shape = tuple(np.shape(value))
            if shape != tuple(variable.shape):
                raise OpInputError(
                    f"Layer '{self.name}': weight {variable.path!r} has the wrong shape.",
                    expected=str(tuple(variable.shape)),
                    received=str(shape),
                )
        for variable, value in zip(variables, weights):
            variable.assign(np.asarray(value))

    def count_params(self) -> int:
        """The number of scalars in the layer's weights."""
        if not self.built:
            raise OpInputError(
                f"Layer '{self.name}' is not built, so its weights do not exist yet.",
                expected="a built layer",
                received="built=False",
                hint="Call the layer on data, or call layer.build(input_shape) first.",
            )
        return int(sum(math.prod(v.shape) for v in self.weights))

    # -- losses -------------------------------------------------------------------------------
    def add_loss(self, loss: Any) -> None:
        """Add a scalar loss (e.g. an activity penalty) computed in ``call``."""
        scope = get_stateless_scope()
        if scope is not None and scope.collect_losses:
            for value in tree.flatten(loss):
                scope.add_loss(value)
            return
        ctx = _get_context()
        if ctx is not None and ctx.symbolic:
            return  # placeholder values computed while inferring shapes
        self._losses.extend(tree.flatten(loss))
        _layers_with_losses[id(self)] = self

    def _clear_losses(self) -> None:
        for layer in self._flatten_layers():
            if layer._losses:
                layer._losses.clear()
            _layers_with_losses.pop(id(layer), None)

    def _regularization_losses(self) -> list[Any]:
        losses = []
        for layer in self._flatten_layers():
            if not layer._weight_regularizers or not layer.trainable:
                continue
            for variable, regularizer in layer._weight_regularizers:
                if variable.trainable:
                    losses.append(regularizer(variable.value))
        return losses

    @property
    def losses(self) -> list[Any]:
        """Losses added with :meth:`add_loss` by this layer and its sub-layers, then the
        weight-regularization penalties."""
        out: list[Any] = []
        for layer in self._flatten_layers():
            out.extend(layer._losses)
        out.extend(self._regularization_losses())
        return out

    # -- build ----------------------------------------------------------------------------------
    def build(self, input_shape: Any = None) -> None:
        """Create the layer's state for inputs of ``input_shape``.

        The default runs ``call`` on symbolic inputs when the layer has sub-layers, so
        they get built.
        """
        if input_shape is not None and self._layers and not self.built:
            self._build_by_run(input_shape)
        object.__setattr__(self, "built", True)

    def _build_by_run(self, input_shape: Any) -> None:
        def spec(shape: Any) -> Any:
            return KerasTensor(shape, dtype=self.input_dtype)

        if _is_shape(input_shape):
            inputs = spec(input_shape)
        else:
            inputs = tree.map_structure(spec, _shape_structure(input_shape))
        object.__setattr__(self, "built", True)  # avoid recursion through __call__
        ctx = _get_context()
        entry = ctx is None
        if entry:
            ctx = _tls.ctx = _CallContext(self)
        previous = ctx.symbolic
        ctx.symbolic = True
        try:
            _backend_output_spec(self.call, inputs)
        finally:
            ctx.symbolic = previous
            if entry:
                _tls.ctx = None

    def _shapes_dict(self, args: tuple, kwargs: dict) -> dict[str, Any]:
        info = _call_info(type(self))
        shapes: dict[str, Any] = {}
        names = info.names
        for i, value in enumerate(args):
            if i < len(names) and _is_tensor_like(value):
                shapes[f"{names[i]}_shape"] = _map_shapes(value)
        for key, value in kwargs.items():
            if key in ("training", "mask"):
                continue
            if _is_tensor_like(value):
                shapes[f"{key}_shape"] = _map_shapes(value)
        return shapes

    def _call_with_shapes(self, fn: Callable[..., Any], shapes: dict[str, Any]) -> Any:
        if len(shapes) == 1:
            return fn(next(iter(shapes.values())))
        params = inspect.signature(fn).parameters
        if any(p.kind is p.VAR_KEYWORD for p in params.values()):
            return fn(**shapes)
        wanted = {k: v for k, v in shapes.items() if k in params}
        if not wanted and shapes:
            return fn(next(iter(shapes.values())))
        return fn(**wanted)

    def _maybe_build(self, args: tuple, kwargs: dict, symbolic: bool = False) -> None:
        shapes = self._shapes_dict(args, kwargs)
        if self.input_spec is not None and args:
            assert_input_compatibility(self.input_spec, args[0], self.name)
        cls = type(self)
        if (
            cls.build is Layer.build
            and symbolic
            and shapes
            and self._layers
            and cls.compute_output_shape is not Layer.compute_output_shape
        ):
            self._build_by_run(next(iter(shapes.values())))
        elif cls.build is not Layer.build:
            object.__setattr__(self, "_building", True)
            try:
                with name_scope(self.name):
                    if not shapes:
                        self.build()
                    else:
                        self._call_with_shapes(self.build, shapes)
            finally:
                object.__setattr__(self, "_building", False)
        object.__setattr__(self, "built", True)
        object.__setattr__(self, "_build_shapes_dict", shapes)
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            object.__setattr__(self, "_initial_weights", None)

    def get_build_config(self) -> dict[str, Any] | None:
        """How the layer was built (``{"input_shape": ...}``), for saving."""
        shapes = self._build_shapes_dict
        if not shapes:
            return None
        if len(shapes) == 1:
            return {"input_shape": next(iter(shapes.values()))}
        return {"shapes_dict": shapes}

    def build_from_config(self, config: dict[str, Any]) -> None:
        """Build from :meth:`get_build_config`'s result."""
        if not config:
            return
        if "input_shape" in config:
            shapes = {"input_shape": _shape_structure(config["input_shape"])}
        else:
            shapes = {k: _shape_structure(v) for k, v in config["shapes_dict"].items()}
        object.__setattr__(self, "_building", True)
        try:
            with name_scope(self.name):
                self._call_with_shapes(self.build, shapes)
        finally:
            object.__setattr__(self, "_building", False)
        object.__setattr__(self, "built", True)
        object.__setattr__(self, "_build_shapes_dict", shapes)

    # -- call ------------------------------------------------------------------------------------
    def call(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f"Layer {type(self).__name__} does not implement call(): subclasses must define "
            "call(self, inputs, ...)."
        )

    def _convert_arg(self, x: Any) -> Any:
        if (
            isinstance(x, (list, tuple))
            and x
            and all(isinstance(v, (int, float)) for v in tree.flatten(x))
        ):
            x = ops.convert_to_tensor(x)  # nested lists of numbers: one tensor
        elif isinstance(x, (list, tuple, dict)):
            return tree.map_structure(self._convert_arg, x)
        if x is None or isinstance(x, (bool, int, float, str, KerasTensor)):
            return x
        if isinstance(x, Variable):
            return x
        dtype = getattr(x, "dtype", None)
        if dtype is None:
            return x
        if not ops.is_tensor(x):
            if not hasattr(x, "__array__"):
                return x
            x = ops.convert_to_tensor(x)
        if self.autocast:
            name = standardize_dtype(x.dtype)
            if name in FLOAT_TYPES and name != self._compute_dtype:
                x = ops.cast(x, self._compute_dtype)
        return x

    def _convert_inputs(self, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
        if len(args) == 1 and not kwargs:
            x = args[0]
            if _tensor_dtype_name(x) == self._compute_dtype:
                return args, kwargs
        args = tuple(self._convert_arg(a) for a in args)
        if kwargs:
            kwargs = {
                k: (v if k in ("training", "mask") else self._convert_arg(v))
                for k, v in kwargs.items()
            }
        return args, kwargs

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if has_symbolic(args, kwargs):
            return self._symbolic_call(args, kwargs)
        if self._convert_input_args:
            args, kwargs = self._convert_inputs(args, kwargs)
        if not self.built:
            self._maybe_build(args, kwargs)
        spec = self._input_spec
        if spec is not None and args:
            # checked again only when the input shape changes (cheap on the hot path)
            shape = getattr(args[0], "shape", None)
            if shape is None or shape != self._checked_shape:
                assert_input_compatibility(spec, args[0], self.name)
                object.__setattr__(self, "_checked_shape", shape)
        info = _CALL_INFO.get(type(self)) or _call_info(type(self))
        ctx = getattr(_tls, "ctx", None)
        entry = ctx is None
        if entry:
            ctx = _tls.ctx = _CallContext(self)
            if _layers_with_losses:
                self._clear_losses()
        previous_training = ctx.training
        training = kwargs.get("training")
        if training is None:
            training = previous_training
            if training is None:
                training = info.training_default
        ctx.training = training
        if info.training:
            if training is not None:
                kwargs["training"] = training
        elif "training" in kwargs:
            del kwargs["training"]
        previous_mask = None
        if _masks.state["any"] and args:
            previous_mask = kwargs.get("mask")
            if previous_mask is None:
                previous_mask = _collect_masks(args[0])
                if info.mask and previous_mask is not None:
                    kwargs["mask"] = previous_mask
        try:
            if self._dtype_policy.is_mixed and self.autocast:
                with AutocastScope(self._compute_dtype):
                    outputs = self.call(*args, **kwargs)
            elif _stateless._autocast_stack:
                with AutocastScope(None):
                    outputs = self.call(*args, **kwargs)
            else:
                outputs = self.call(*args, **kwargs)
        except (TholosError, ValueError, TypeError) as err:
            self._explain_failure(args, err)
            raise
        finally:
            ctx.training = previous_training
            if entry:
                _tls.ctx = None
        if self.activity_regularizer is not None:
            for out in tree.flatten(outputs):
                if _has_shape(out):
                    self.add_loss(self.activity_regularizer(out))
        if self.supports_masking and (
            previous_mask is not None or type(self).compute_mask is not Layer.compute_mask
        ):
            out_mask = self.compute_mask(args[0] if args else None, previous_mask)
            if out_mask is not None:
                _attach_masks(outputs, out_mask)
        return outputs

    def _explain_failure(self, args: tuple, err: Exception) -> None:
        if self.input_spec is not None and args:
            try:
                assert_input_compatibility(self.input_spec, args[0], self.name)
            except OpInputError as spec_err:
                raise spec_err from err

    def _symbolic_call(self, args: tuple, kwargs: dict) -> Any:
        info = _call_info(type(self))
        user_kwargs = dict(kwargs)
        ctx = _get_context()
        entry = ctx is None
        if entry:
            ctx = _tls.ctx = _CallContext(self)
        previous_training, previous_symbolic = ctx.training, ctx.symbolic
        ctx.symbolic = True
        try:
            if self.input_spec is not None and args:
                assert_input_compatibility(self.input_spec, args[0], self.name)
            training = kwargs.get("training")
            if training is None:
                training = previous_training
                if training is None:
                    training = info.training_default
            ctx.training = training
            call_kwargs = dict(kwargs)
            if info.training:
                if training is not None:
                    call_kwargs["training"] = training
            else:
                call_kwargs.pop("training", None)
                user_kwargs.pop("training", None)
            previous_mask = call_kwargs.get("mask")
            if previous_mask is None and args:
                previous_mask = _collect_masks(args[0])
                if info.mask and previous_mask is not None:
                    call_kwargs["mask"] = previous_mask
            if not self.built:
                self._maybe_build(args, call_kwargs, symbolic=True)
            if self._dtype_policy.is_mixed and self.autocast:
                with AutocastScope(self._compute_dtype):
                    outputs = self.compute_output_spec(*args, **call_kwargs)
            else:
                outputs = self.compute_output_spec(*args, **call_kwargs)
            if (
                self.supports_masking
                and args
                and (previous_mask is not None or type(self).compute_mask is not Layer.compute_mask)
            ):
                out_mask = _backend_output_spec(self.compute_mask, args[0], previous_mask)
                if out_mask is not None:
                    _attach_masks(outputs, out_mask)
        finally:
            ctx.training = previous_training
            ctx.symbolic = previous_symbolic
            if entry:
                _tls.ctx = None
        Node(self, call_args=args, call_kwargs=user_kwargs, outputs=outputs)
        return outputs

    def symbolic_call(self, *args: Any, **kwargs: Any) -> Any:
        return self._symbolic_call(args, kwargs)

    # -- shapes and masks ------------------------------------------------------------------------
    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        """Output KerasTensor(s) for symbolic inputs. Uses :meth:`compute_output_shape`
        when the layer defines it, else runs ``call`` on placeholders."""
        if type(self).compute_output_shape is not Layer.compute_output_shape:
            shapes = self._shapes_dict(args, kwargs)
            output_shape = self._call_with_shapes(self.compute_output_shape, shapes)
            return _shapes_to_specs(output_shape, self._compute_dtype)
        return _backend_output_spec(self.call, *args, **kwargs)

    def compute_output_shape(self, *args: Any, **kwargs: Any) -> Any:
        """The output shape(s) for input shape(s)."""

        def spec(shape: Any) -> Any:
            return KerasTensor(shape, dtype=self.input_dtype)

        args = tuple(
            spec(a) if _is_shape(a) else tree.map_structure(spec, _shape_structure(a)) for a in args
        )
        outputs = self.compute_output_spec(*args, **kwargs)
        return (
            tree.map_structure(lambda t: t.shape, outputs)
            if not isinstance(outputs, KerasTensor)
            else outputs.shape
        )

    def compute_mask(self, inputs: Any, previous_mask: Any) -> Any:
        """The output mask (default: the input mask, passed through)."""
        return previous_mask

    # -- stateless ---------------------------------------------------------------------------------
    def stateless_call(
        self,
        trainable_variables: list[Any],
        non_trainable_variables: list[Any],
        *args: Any,
        return_losses: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Call the layer with the given variable values, changing no state.

        Returns ``(outputs, non_trainable_variables)`` with the updated non-trainable values
        (e.g. BatchNormalization statistics, seed states), plus the losses when
        ``return_losses``.
        """
        if not self.built:
            raise OpInputError(
                f"Layer '{self.name}': stateless_call needs a built layer.",
                expected="built=True",
                received="built=False",
                hint="Call the layer once, or call layer.build(input_shape).",
            )
        own_trainable = self.trainable_variables
        own_non_trainable = self.non_trainable_variables
        for label, given, own in (
            ("trainable_variables", trainable_variables, own_trainable),
            ("non_trainable_variables", non_trainable_variables, own_non_trainable),
        ):
            if len(given) != len(own):
                raise OpInputError(
                    f"Layer '{self.name}': stateless_call got the wrong number of {label}.",
                    expected=f"{len(own)} values",
                    received=f"{len(given)} values",
                    hint=f"Pass one value per variable of layer.{label}, in that order.",
                )
        mapping = list(zip(own_trainable, trainable_variables)) + list(
            zip(own_non_trainable, non_trainable_variables)
        )
        with StatelessScope(state_mapping=mapping, collect_losses=return_losses) as scope:
            outputs = self(*args, **kwargs)
            losses = None
            if return_losses:
                losses = list(scope.losses) + self._regularization_losses()
        new_non_trainable = []
        for variable in own_non_trainable:
            value = scope.get_current_value(variable)
            new_non_trainable.append(variable.value if value is None else value)
        if return_losses:
            return outputs, new_non_trainable, losses
        return outputs, new_non_trainable

    # -- config ------------------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """The constructor arguments (for ``from_config``)."""
        config: dict[str, Any] = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": serialize_object(self._dtype_policy),
        }
        if self.activity_regularizer is not None:
            from tholos import regularizers

            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        if getattr(type(self).get_config, "_tholos_default_config", False):
            auto = self._init_config
            if auto is None:
                raise NotImplementedError(
                    f"Layer {type(self).__name__} cannot serialize its constructor arguments "
                    "automatically (they are not plain values): implement get_config()."
                )
            params = inspect.signature(type(self).__init__).parameters
            takes_kwargs = any(p.kind is p.VAR_KEYWORD for p in params.values())
            if not takes_kwargs:
                config = {k: v for k, v in config.items() if k in params}
            config.update(auto)
        return config

    get_config._tholos_default_config = True  # type: ignore[attr-defined]

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _shape_structure(value: Any) -> Any:
    """Turn lists that are shapes into tuples (configs from JSON hold lists)."""
    if _is_shape(value):
        return tuple(value)
    if isinstance(value, dict):
        return {k: _shape_structure(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_shape_structure(v) for v in value]
    return value


def _shapes_to_specs(output_shape: Any, dtype: str) -> Any:
    if _is_shape(output_shape):
        return KerasTensor(tuple(output_shape), dtype=dtype)
    if isinstance(output_shape, dict):
        return {k: _shapes_to_specs(v, dtype) for k, v in output_shape.items()}
    if isinstance(output_shape, (list, tuple)):
        return type(output_shape)(_shapes_to_specs(v, dtype) for v in output_shape)
    return output_shape


def _collect_masks(inputs: Any) -> Any:
    if isinstance(inputs, (list, tuple)):
        masks = [_masks.get_keras_mask(x) for x in inputs]
        return None if all(m is None for m in masks) else masks
    if isinstance(inputs, dict):
        return None
    return _masks.get_keras_mask(inputs)


def _attach_masks(outputs: Any, mask: Any) -> None:
    flat_out = tree.flatten(outputs)
    if isinstance(mask, (list, tuple)):
        flat_mask = list(mask)
        if len(flat_mask) != len(flat_out):
            return
    else:
        flat_mask = [mask] * len(flat_out)
    for out, m in zip(flat_out, flat_mask):
        if out is not None and m is not None:
            _masks.set_keras_mask(out, m)


__all__ = ["InputSpec", "Layer", "TrackedDict", "TrackedList"]
