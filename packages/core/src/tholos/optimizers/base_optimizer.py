"""The :class:`Optimizer` base class.

One ``apply`` does, in order: drop ``None`` gradients, divide by ``loss_scale_factor``, then
either accumulate (``gradient_accumulation_steps``) or clip (``clipnorm`` / ``clipvalue`` /
``global_clipnorm``), apply decoupled weight decay (``var -= var * weight_decay * lr``) and run
the subclass' ``update_step`` for every variable; then update the moving averages
(``use_ema``), apply variable constraints and increment ``iterations``.

All math uses :mod:`tholos.ops` and ``Variable.assign``, so the same code runs eagerly and
inside a :class:`~tholos.backend.StatelessScope` (``stateless_apply``, for compiled steps).
Branches that depend on tensor values (accumulation, EMA overwrite) are computed for both
outcomes and selected with ``ops.where``, never with Python control flow.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable
from typing import Any

from tholos import ops
from tholos.backend import StatelessScope, Variable, _state, _stateless, name_scope
from tholos.backend.dtypes import floatx
from tholos.errors import OpInputError
from tholos.losses._utils import auto_name
from tholos.optimizers.schedules.learning_rate_schedule import LearningRateSchedule
from tholos.saving.serialization import register_builtin


def _zeros(shape: tuple, dtype: str) -> Any:
    return ops.zeros(shape, dtype=dtype)


def _initializer(initializer: Any) -> Callable[[tuple, str], Any]:
    if callable(initializer):
        return initializer
    if initializer in (None, "zeros"):
        return _zeros
    if initializer == "ones":
        return lambda shape, dtype: ops.ones(shape, dtype=dtype)
    if isinstance(initializer, (int, float)):
        return lambda shape, dtype: ops.full(
            shape, ops.convert_to_tensor(initializer, dtype=dtype), dtype=dtype
        )
    from tholos import initializers  # pragma: no cover - other initializers by name

    return initializers.get(initializer)


def _value(x: Any) -> Any:
    return x.value if isinstance(x, Variable) else x


def _l2_norm(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return ops.sqrt(ops.sum(ops.square(x), axis=axis, keepdims=keepdims))


def clip_by_norm(x: Any, clip_norm: float) -> Any:
    """Scale ``x`` so that its L2 norm is at most ``clip_norm``."""
    squared = ops.sum(ops.square(x), keepdims=True)
    positive = squared > 0
    # Keep the gradient finite at x == 0 (sqrt'(0) is infinite).
    norm = ops.where(
        positive, ops.sqrt(ops.where(positive, squared, ops.ones_like(squared))), squared
    )
    return x * clip_norm / ops.maximum(norm, clip_norm)


def global_norm(values: Iterable[Any]) -> Any:
    """``sqrt(sum of squares of all entries of all values)`` (``None`` values skipped)."""
    squares = [ops.sum(ops.square(v)) for v in values if v is not None]
    return ops.sqrt(ops.sum(ops.stack(squares)))


def clip_by_global_norm(values: list[Any], clip_norm: float) -> list[Any]:
    """Scale all values together so that their global norm is at most ``clip_norm``
    (a non-finite global norm gives non-finite results)."""
    norm = global_norm(values)
    scale = clip_norm * ops.minimum(1.0 / norm, 1.0 / clip_norm)
    scale = scale + (norm - norm)  # NaN if the norm is not finite
    return [None if v is None else v * ops.cast(scale, v.dtype) for v in values]


class Optimizer:
    """Base class of optimizers; subclasses implement ``build`` and ``update_step``.

    Args:
        learning_rate: a float, a :class:`LearningRateSchedule`, or a callable taking no
            arguments.
        weight_decay: decoupled weight decay factor (``var -= var * weight_decay * lr``).
        clipnorm: clip each gradient to this L2 norm.
        clipvalue: clip each gradient entry to ``[-clipvalue, clipvalue]``.
        global_clipnorm: clip all gradients together to this global L2 norm.
        use_ema: keep an exponential moving average of the trained variables.
        ema_momentum: the EMA's momentum (``avg = m * avg + (1 - m) * var``).
        ema_overwrite_frequency: every this many iterations, copy the averages into the
            variables (``None``: only through :meth:`finalize_variable_values`).
        loss_scale_factor: the loss is multiplied by it (:meth:`scale_loss`) and gradients are
            divided by it.
        gradient_accumulation_steps: update the variables every this many steps, with the mean
            of the accumulated gradients (>= 2).
        name: the optimizer's name.
    """

    def __init__(
        self,
        learning_rate: Any,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and is ignored.", stacklevel=2)
        if kwargs:
            raise OpInputError(
                f"{type(self).__name__}: unknown argument(s) {sorted(kwargs)}.",
                expected="Keras 3 optimizer arguments",
                received=repr(kwargs),
            )
        self.name = name or auto_name(self.__class__.__name__)
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise OpInputError(
                "Only one of clipnorm, clipvalue and global_clipnorm can be set.",
                expected="at most one clipping argument",
                received=f"clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}",
            )
        if gradient_accumulation_steps is not None and (
            not isinstance(gradient_accumulation_steps, int) or gradient_accumulation_steps < 2
        ):
            raise OpInputError(
                "gradient_accumulation_steps must be an integer >= 2.",
                expected="an integer >= 2, or None",
                received=repr(gradient_accumulation_steps),
            )
        if use_ema:
            if not 0.0 <= ema_momentum <= 1.0:
                raise OpInputError(
                    "ema_momentum must lie in [0, 1].",
                    expected="0 <= ema_momentum <= 1",
                    received=repr(ema_momentum),
                )
            if ema_overwrite_frequency is not None and (
                not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1
            ):
                raise OpInputError(
                    "ema_overwrite_frequency must be an integer >= 1.",
                    expected="an integer >= 1, or None",
                    received=repr(ema_overwrite_frequency),
                )
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._variables: list[Variable] = []
        self._trainable_variables: list[Variable] = []
        self._trainable_variables_indices: dict[int, int] = {}
        self._exclude_ids: set[int] = set()
        self._exclude_pattern: re.Pattern | None = None
        self._weight_decay_cache: dict[int, bool] = {}
        with name_scope(self.name):
            self._iterations = Variable(
                0,
                name="iteration",
                dtype="int64",
                trainable=False,
                aggregation="only_first_replica",
            )
        self._variables.append(self._iterations)
        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
        else:
            if isinstance(learning_rate, Variable) or hasattr(learning_rate, "shape"):
                learning_rate = float(ops.convert_to_numpy(_value(learning_rate)))
            if not isinstance(learning_rate, (int, float)) or isinstance(learning_rate, bool):
                raise OpInputError(
                    f"{type(self).__name__}: invalid learning_rate.",
                    expected="a float, a LearningRateSchedule or a callable",
                    received=repr(learning_rate),
                )
            with name_scope(self.name):
                self._learning_rate = Variable(
                    float(learning_rate),
                    name="learning_rate",
                    dtype=floatx(),
                    trainable=False,
                    aggregation="only_first_replica",
                )
            self._variables.append(self._learning_rate)

    # -- variables ---------------------------------------------------------------------------------
    @property
    def variables(self) -> list[Variable]:
        """All optimizer state: ``iterations``, the learning rate variable, then slots."""
        return list(self._variables)

    @property
    def iterations(self) -> Any:
        """The number of ``apply`` calls so far (an int64 variable). With
        ``gradient_accumulation_steps``, as in Keras 3, the number of updates actually applied
        (calls // gradient_accumulation_steps, a tensor); schedules still see every call."""
        if self.gradient_accumulation_steps:
            return self._update_count()
        return self._iterations

    def _update_count(self) -> Any:
        """``iterations`` as a tensor: what bias corrections and the EMA count."""
        if self.gradient_accumulation_steps:
            return ops.floor_divide(self._iterations.value, self.gradient_accumulation_steps)
        return self._iterations.value

    def add_variable(
        self,
        shape: Any,
        initializer: Any = "zeros",
        dtype: Any = None,
        aggregation: str = "none",
        name: str | None = None,
    ) -> Variable:
        """Create an optimizer state variable."""
        with name_scope(self.name):
            variable = Variable(
                _initializer(initializer),
                shape=tuple(shape),
                dtype=dtype or floatx(),
                trainable=False,
                aggregation=aggregation,
                name=name,
            )
        self._variables.append(variable)
        return variable

    def add_variable_from_reference(
        self, reference_variable: Variable, name: str | None = None, initializer: Any = "zeros"
    ) -> Variable:
        """A state variable shaped and typed like ``reference_variable``."""
        base = str(getattr(reference_variable, "path", reference_variable.name))
        full_name = base.replace("/", "_").replace(":", "_") + "_" + (name or "var")
        return self.add_variable(
            reference_variable.shape,
            initializer=initializer,
            dtype=reference_variable.dtype,
            name=full_name,
        )

    def add_optimizer_variables(
        self, trainable_variables: list[Variable], name: Any, initializer: Any = "zeros"
    ) -> Any:
        """One slot per trainable variable (``None`` for variables overwritten with their
        gradient); a tuple of such lists when ``name`` is a list of names."""
        names = [name] if isinstance(name, str) else list(name)
        slots: list[list[Any]] = [[] for _ in names]
        for v in trainable_variables:
            for i, n in enumerate(names):
                if getattr(v, "overwrite_with_gradient", False):
                    slots[i].append(None)
                else:
                    slots[i].append(self.add_variable_from_reference(v, n, initializer))
        return slots[0] if isinstance(name, str) else tuple(slots)

    def _get_variable_index(self, variable: Variable) -> int:
        return self._trainable_variables_indices[id(variable)]

    def _update_inputs(
        self, gradient: Any, variable: Variable, learning_rate: Any
    ) -> tuple[Any, Any, int]:
        """``(lr, g, i)`` for ``update_step``: the learning rate and gradient cast to the
        variable's dtype, and the variable's index into the per-variable slot lists."""
        dtype = variable.dtype
        return (
            ops.cast(learning_rate, dtype),
            ops.cast(gradient, dtype),
            self._get_variable_index(variable),
        )

    def _step_number(self, dtype: str) -> Any:
        """The 1-based number of the update being taken (``t`` of bias corrections), in
        ``dtype``."""
        return ops.cast(self._update_count() + 1, dtype)

    def _bias_powers(self, dtype: str, *betas: float) -> tuple[Any, ...]:
        """``beta ** t`` for each of ``betas`` (``t`` from :meth:`_step_number`), in ``dtype``:
        the bias-correction terms of Adam-style optimizers."""
        t = self._step_number(dtype)
        return tuple(ops.power(ops.cast(beta, dtype), t) for beta in betas)

    def build(self, variables: list[Variable]) -> None:
        """Create the optimizer state for ``variables`` (subclasses add their slots)."""
        variables = list(variables)
        if self.use_ema:
            self._model_variables_moving_average = self.add_optimizer_variables(
                variables, "average"
            )
        if self.gradient_accumulation_steps:
            self._accumulated_gradients = [
                self.add_variable_from_reference(v, "gradient_accumulator") for v in variables
            ]
        self._trainable_variables = variables
        self._trainable_variables_indices = {id(v): i for i, v in enumerate(variables)}
        self.built = True

    # -- learning rate -----------------------------------------------------------------------------
    @property
    def learning_rate(self) -> Any:
        """The current learning rate (the variable, or the schedule's value now)."""
        return self._get_current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, learning_rate: Any) -> None:
        if isinstance(learning_rate, LearningRateSchedule) or (
            callable(learning_rate) and not isinstance(learning_rate, Variable)
        ):
            if isinstance(self._learning_rate, Variable):
                self._variables = [v for v in self._variables if v is not self._learning_rate]
            self._learning_rate = learning_rate
            return
        if not isinstance(self._learning_rate, Variable):
            raise TypeError(
                "This optimizer was created with a LearningRateSchedule (or callable) learning "
                "rate, so its learning rate cannot be set to a number. Create the optimizer "
                "with a float learning_rate to make it settable."
            )
        self._learning_rate.assign(_value(learning_rate))

    def _get_current_learning_rate(self) -> Any:
        lr = self._learning_rate
        if isinstance(lr, LearningRateSchedule):
            return lr(self._iterations.value)
        if isinstance(lr, Variable):
            return lr
        if callable(lr):
            return lr()
        return lr

    def _lr_value(self) -> Any:
        return _value(self._get_current_learning_rate())

    # -- weight decay ------------------------------------------------------------------------------
    def exclude_from_weight_decay(
        self, var_list: list[Variable] | None = None, var_names: list[str] | None = None
    ) -> None:
        """Exempt variables (by object, or by a substring/regex of their name) from
        weight decay. Only before the optimizer is built."""
        if self.built:
            raise OpInputError(
                "exclude_from_weight_decay() must be called before the optimizer is built.",
                expected="an unbuilt optimizer",
                received="a built optimizer",
            )
        self._exclude_ids = {id(v) for v in var_list or ()}
        self._exclude_pattern = re.compile("|".join(set(var_names))) if var_names else None
        self._weight_decay_cache = {}

    def _use_weight_decay(self, variable: Variable) -> bool:
        key = id(variable)
        if key not in self._weight_decay_cache:
            use = key not in self._exclude_ids and not (
                self._exclude_pattern is not None
                and self._exclude_pattern.search(variable.name) is not None
            )
            self._weight_decay_cache[key] = use
        return self._weight_decay_cache[key]

    def _apply_weight_decay(self, variables: list[Variable]) -> None:
        if self.weight_decay is None:
            return
        lr = self._lr_value()
        for v in variables:
            if self._use_weight_decay(v):
                decay = ops.cast(lr, v.dtype) * ops.cast(self.weight_decay, v.dtype)
                v.assign(v.value - v.value * decay)

    # -- clipping ----------------------------------------------------------------------------------
    def _clip_gradients(self, grads: list[Any]) -> list[Any]:
        if self.clipnorm and self.clipnorm > 0:
            return [None if g is None else clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            c = self.clipvalue
            return [None if g is None else ops.clip(g, -c, c) for g in grads]
        return grads

    # -- applying gradients ------------------------------------------------------------------------
    def apply_gradients(self, grads_and_vars: Iterable[tuple[Any, Variable]]) -> Variable:
        """Apply ``(gradient, variable)`` pairs; returns ``iterations``."""
        pairs = list(grads_and_vars)
        if not pairs:
            return self._iterations
        grads, variables = zip(*pairs)
        self.apply(list(grads), list(variables))
        return self._iterations

    def apply(self, grads: list[Any], trainable_variables: list[Variable] | None = None) -> None:
        """Update ``trainable_variables`` (default: those the optimizer was built with) with
        ``grads``; builds the optimizer on first use."""
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise OpInputError(
                    "apply(grads) without variables needs a built optimizer.",
                    expected="optimizer.build(variables) first, or apply(grads, variables)",
                    received="an unbuilt optimizer",
                )
            trainable_variables = self._trainable_variables
        else:
            trainable_variables = list(trainable_variables)
            if not self.built:
                self.build(trainable_variables)
                self.built = True
            self._check_variables_are_known(trainable_variables)
        if len(grads) != len(trainable_variables):
            raise OpInputError(
                "apply: one gradient per variable is needed.",
                expected=f"{len(trainable_variables)} gradients",
                received=f"{len(grads)} gradients",
            )
        grads, trainable_variables = self._overwrite_with_gradients(grads, trainable_variables)
        grads, trainable_variables = self._filter_empty_gradients(grads, trainable_variables)
        if not grads:
            return
        if self.loss_scale_factor is not None:
            grads = [g / self.loss_scale_factor for g in grads]
        self._backend_apply_gradients(grads, trainable_variables)
        for v in trainable_variables:
            constraint = getattr(v, "constraint", None)
            if constraint is not None:
                v.assign(constraint(v.value))

    def _check_variables_are_known(self, variables: list[Variable]) -> None:
        for v in variables:
            if id(v) not in self._trainable_variables_indices:
                raise OpInputError(
                    f"Unknown variable {getattr(v, 'path', v)!r}: the optimizer was built "
                    "for other variables.",
                    expected="the variables the optimizer was built with",
                    received=repr(getattr(v, "path", v)),
                    hint="Build a new optimizer for each set of variables.",
                )

    def _overwrite_with_gradients(self, grads: list, variables: list) -> tuple[list, list]:
        kept_g, kept_v = [], []
        for g, v in zip(grads, variables):
            if getattr(v, "overwrite_with_gradient", False) and g is not None:
                v.assign(ops.cast(g, v.dtype))
            else:
                kept_g.append(g)
                kept_v.append(v)
        return kept_g, kept_v

    def _filter_empty_gradients(self, grads: list, variables: list) -> tuple[list, list]:
        kept_g, kept_v, missing = [], [], []
        for g, v in zip(grads, variables):
            if g is None:
                missing.append(v.name)
            else:
                kept_g.append(g)
                kept_v.append(v)
        if missing:
            warnings.warn(
                f"Gradients do not exist for variables {sorted(missing)} when minimizing the "
                "loss. If using model.compile(), did you forget to provide a loss?",
                stacklevel=3,
            )
        return kept_g, kept_v

    def _backend_apply_gradients(self, grads: list[Any], variables: list[Variable]) -> None:
        if self.gradient_accumulation_steps:
            steps = self.gradient_accumulation_steps
            is_update = ops.equal(ops.mod(self._iterations.value + 1, steps), 0)
            accumulators = [
                self._accumulated_gradients[self._get_variable_index(v)] for v in variables
            ]
            sums = [ops.cast(g, a.dtype) + a.value for g, a in zip(grads, accumulators)]

            def update() -> None:
                self._clip_decay_and_update([s / steps for s in sums], variables)

            self._run_where(is_update, update)
            for a, s in zip(accumulators, sums):
                a.assign(ops.where(is_update, ops.zeros_like(s), s))
        else:
            self._clip_decay_and_update(grads, variables)
        if self.use_ema:
            self._update_model_variables_moving_average(self._trainable_variables)
            if self.ema_overwrite_frequency:
                overwrite = ops.equal(
                    ops.mod(self._update_count() + 1, self.ema_overwrite_frequency), 0
                )
                for v, avg in zip(self._trainable_variables, self._model_variables_moving_average):
                    if avg is not None:
                        v.assign(ops.where(overwrite, avg.value, v.value))
        self._iterations.assign(self._iterations.value + 1)

    def _clip_decay_and_update(self, grads: list[Any], variables: list[Variable]) -> None:
        grads = self._clip_gradients(grads)
        self._apply_weight_decay(variables)
        self._backend_update_step(grads, variables, self._lr_value())

    def _backend_update_step(
        self, grads: list[Any], variables: list[Variable], learning_rate: Any
    ) -> None:
        # A backend may update every variable at once (torch: _foreach kernels) through the
        # optional hook ``backend.trainer.fused_update``; it returns False for what it does not
        # handle. Never inside a StatelessScope: there, assignments must be recorded.
        fused = getattr(_state.current().trainer, "fused_update", None)
        if (
            fused is not None
            and not _stateless._stateless_stack
            and fused(self, grads, variables, learning_rate)
        ):
            return
        for g, v in zip(grads, variables):
            self.update_step(g, v, learning_rate)

    def _run_where(self, pred: Any, fn: Callable[[], None]) -> None:
        """Run ``fn`` so that the assignments it makes take effect only where ``pred``."""
        watched = self._watched_variables()
        current = [(v, v.value) for v in watched]
        with StatelessScope(state_mapping=current) as scope:
            fn()
        updated = {id(v) for v in scope.updates}
        for v, old in current:
            if id(v) in updated:
                v.assign(ops.where(pred, scope.get_current_value(v), old))

    def _watched_variables(self) -> list[Variable]:
        seen, out = set(), []
        for v in [*self._trainable_variables, *self.variables]:
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)
        return out

    def update_step(self, gradient: Any, variable: Variable, learning_rate: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement update_step().")

    # -- EMA ---------------------------------------------------------------------------------------
    def _update_model_variables_moving_average(self, variables: list[Variable]) -> None:
        not_first = ops.not_equal(self._update_count(), 0)
        for v, avg in zip(variables, self._model_variables_moving_average):
            if avg is None:
                continue
            momentum = ops.cast(not_first, v.dtype) * self.ema_momentum
            avg.assign(momentum * avg.value + (1.0 - momentum) * v.value)

    def _overwrite_model_variables_with_average_value(self, variables: list[Variable]) -> None:
        for v, avg in zip(variables, self._model_variables_moving_average):
            if avg is not None:
                v.assign(avg.value)

    def finalize_variable_values(self, var_list: list[Variable]) -> None:
        """With ``use_ema``, copy the moving averages into the variables (end of training)."""
        if self.use_ema:
            self._overwrite_model_variables_with_average_value(list(var_list))

    # -- stateless ---------------------------------------------------------------------------------
    def stateless_apply(
        self, optimizer_variables: list[Any], grads: list[Any], trainable_variables: list[Any]
    ) -> tuple[list[Any], list[Any]]:
        """``apply`` on explicit values: returns ``(new_trainable_values, new_optimizer_values)``
        in the order of the built variables and :attr:`variables`."""
        if not self.built:
            raise OpInputError(
                "stateless_apply needs a built optimizer.",
                expected="optimizer.build(trainable_variables) first",
                received="an unbuilt optimizer",
            )
        optimizer_variables = list(optimizer_variables)
        trainable_variables = list(trainable_variables)
        if len(optimizer_variables) != len(self.variables):
            raise OpInputError(
                "stateless_apply: wrong number of optimizer variable values.",
                expected=f"{len(self.variables)} values (optimizer.variables)",
                received=f"{len(optimizer_variables)} values",
            )
        if len(trainable_variables) != len(self._trainable_variables):
            raise OpInputError(
                "stateless_apply: wrong number of trainable variable values.",
                expected=f"{len(self._trainable_variables)} values",
                received=f"{len(trainable_variables)} values",
            )
        mapping = [
            *zip(self._trainable_variables, trainable_variables),
            *zip(self.variables, optimizer_variables),
        ]
        with StatelessScope(state_mapping=mapping) as scope:
            self.apply(grads)
        new_trainable = [
            _current(scope, v, old)
            for v, old in zip(self._trainable_variables, trainable_variables)
        ]
        new_optimizer = [
            _current(scope, v, old) for v, old in zip(self.variables, optimizer_variables)
        ]
        return new_trainable, new_optimizer

    # -- helpers for subclasses --------------------------------------------------------------------
    def assign(self, variable: Variable, value: Any) -> None:
        variable.assign(value)

    def assign_add(self, variable: Variable, value: Any) -> None:
        variable.assign(variable.value + value)

    def assign_sub(self, variable: Variable, value: Any) -> None:
        variable.assign(variable.value - value)

    def scale_loss(self, loss: Any) -> Any:
        """``loss * loss_scale_factor`` (unchanged without a factor)."""
        if self.loss_scale_factor is not None:
            return loss * self.loss_scale_factor
        return loss

    # -- saving ------------------------------------------------------------------------------------
    def save_own_variables(self, store: dict[str, Any]) -> None:
        for i, v in enumerate(self.variables):
            store[str(i)] = v.numpy()

    def load_own_variables(self, store: Any) -> None:
        if len(store.keys()) != len(self.variables):
            raise OpInputError(
                f"Optimizer {self.name!r}: the saved state does not match.",
                expected=f"{len(self.variables)} variables",
                received=f"{len(store.keys())} saved values",
                hint="Build the optimizer on the model's variables before loading.",
            )
        for i, v in enumerate(self.variables):
            v.assign(store[str(i)])

    # -- config ------------------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        lr = self._learning_rate
        if isinstance(lr, Variable):
            lr_config: Any = float(ops.convert_to_numpy(lr.value))
        else:
            from tholos.saving.serialization import serialize_object

            lr_config = serialize_object(lr)
        return {
            "name": self.name,
            "learning_rate": lr_config,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict | None = None) -> Optimizer:
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            from tholos.saving.serialization import deserialize_object

            config["learning_rate"] = deserialize_object(
                config["learning_rate"],
                custom_objects=custom_objects,
                module="tholos.optimizers.schedules",
            )
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}>"


def _current(scope: StatelessScope, variable: Variable, fallback: Any) -> Any:
    value = scope.get_current_value(variable)
    return fallback if value is None else value


register_builtin("tholos.optimizers")(Optimizer)
