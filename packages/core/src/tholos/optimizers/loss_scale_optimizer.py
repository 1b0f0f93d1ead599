"""Dynamic loss scaling for mixed precision training.

The loss is multiplied by a scale before differentiation (:meth:`LossScaleOptimizer.scale_loss`);
gradients are divided by it before the inner optimizer applies them. When any gradient is not
finite the step is skipped and the scale halved; after ``dynamic_growth_steps`` finite steps in
a row the scale doubles.
"""

from __future__ import annotations

import warnings
from typing import Any

from tholos import ops
from tholos.optimizers.base_optimizer import Optimizer
from tholos.saving.serialization import register_builtin


def _all_finite(grads: list[Any]) -> Any:
    flags = [ops.all(ops.isfinite(g)) for g in grads if g is not None]
    return ops.all(ops.stack(flags))


@register_builtin("tholos.optimizers")
class LossScaleOptimizer(Optimizer):
    """Wrap ``inner_optimizer`` with dynamic loss scaling.

    Args:
        inner_optimizer: the optimizer that applies the unscaled gradients.
        initial_scale: the starting loss scale (default ``2 ** 15``).
        dynamic_growth_steps: double the scale after this many finite steps in a row.

    >>> import numpy as np, tholos
    >>> from tholos.optimizers import SGD
    >>> w = tholos.Variable([1.0])
    >>> opt = LossScaleOptimizer(SGD(0.1), initial_scale=4.0)
    >>> opt.apply([ops.convert_to_tensor([np.inf])], [w])  # skipped, scale halved
    >>> float(w.numpy()[0]), float(opt.dynamic_scale.numpy())
    (1.0, 2.0)
    >>> opt.apply([ops.convert_to_tensor([2.0])], [w])  # gradient 2.0 / 2.0 = 1.0
    >>> round(float(w.numpy()[0]), 6)
    0.9
    """

    def __init__(
        self,
        inner_optimizer: Optimizer,
        initial_scale: float = 2.0**15,
        dynamic_growth_steps: int = 2000,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if not kwargs.pop("dynamic", True):
            warnings.warn(
                "LossScaleOptimizer: dynamic=False is not supported; the scale is dynamic.",
                stacklevel=2,
            )
        super().__init__(learning_rate=0.0, name=name, **kwargs)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps

    def build(self, variables: list) -> None:
        if self.built:
            return
        variables = list(variables)
        self.step_counter = self.add_variable(
            (), initializer="zeros", dtype="int64", name="step_counter"
        )
        self.dynamic_scale = self.add_variable(
            (), initializer=float(self.initial_scale), dtype="float32", name="dynamic_scale"
        )
        self.inner_optimizer.build(variables)
        self._trainable_variables = variables
        self._trainable_variables_indices = {id(v): i for i, v in enumerate(variables)}
        self.built = True

    @property
    def variables(self) -> list:
        return [*self._variables, *self.inner_optimizer.variables]

    @property
    def iterations(self) -> Any:
        return self.inner_optimizer.iterations

    @property
    def learning_rate(self) -> Any:
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate: Any) -> None:
        self.inner_optimizer.learning_rate = learning_rate

    def apply(self, grads: list[Any], trainable_variables: list | None = None) -> None:
        grads = list(grads)
        if not self.built:
            if trainable_variables is None:
                return super().apply(grads, None)  # raises the "needs variables" error
            self.build(trainable_variables)
        variables = (
            self._trainable_variables if trainable_variables is None else list(trainable_variables)
        )
        finite = _all_finite(grads)

        def finite_step() -> None:
            scale = self.dynamic_scale.value
            unscaled = [None if g is None else g / ops.cast(scale, g.dtype) for g in grads]
            self.inner_optimizer.apply(unscaled, variables)
            grow = ops.equal(self.step_counter.value, self.dynamic_growth_steps - 1)
            counter = self.step_counter.value
            self.step_counter.assign(ops.where(grow, ops.zeros_like(counter), counter + 1))
            self.dynamic_scale.assign(ops.where(grow, scale * 2.0, scale))

        self._run_where(finite, finite_step)
        counter, scale = self.step_counter.value, self.dynamic_scale.value
        self.step_counter.assign(ops.where(finite, counter, ops.zeros_like(counter)))
        self.dynamic_scale.assign(ops.where(finite, scale, scale / 2.0))

    def scale_loss(self, loss: Any) -> Any:
        """``loss * current scale``."""
        scale = self.dynamic_scale.value if self.built else self.initial_scale
        return loss * ops.cast(scale, loss.dtype) if hasattr(loss, "dtype") else loss * scale

    def finalize_variable_values(self, var_list: list) -> None:
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self) -> dict[str, Any]:
        from tholos.saving.serialization import serialize_object

        config = super().get_config()
        del config["learning_rate"]
        config.update(
            {
                "inner_optimizer": serialize_object(self.inner_optimizer),
                "initial_scale": self.initial_scale,
                "dynamic_growth_steps": self.dynamic_growth_steps,
            }
        )
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict | None = None) -> Optimizer:
        from tholos.saving.serialization import deserialize_object

        config = dict(config)
        inner = deserialize_object(
            config.pop("inner_optimizer"), custom_objects=custom_objects, module="tholos.optimizers"
        )
        return cls(inner, **config)
