"""Optimizers scaling steps by running squared-gradient statistics: RMSprop, Adagrad, Adadelta.

>>> import tholos
>>> w = tholos.Variable([1.0])
>>> opt = Adagrad(learning_rate=0.1, initial_accumulator_value=0.0, epsilon=0.0)
>>> opt.apply([ops.convert_to_tensor([2.0])], [w])
>>> round(float(w.numpy()[0]), 6)  # 1 - 0.1 * 2 / sqrt(4)
0.9
"""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.optimizers.base_optimizer import Optimizer
from tholos.saving.serialization import register_builtin

_MODULE = "tholos.optimizers"


@register_builtin(_MODULE)
class RMSprop(Optimizer):
    """RMSprop: ``v = rho * v + (1 - rho) * g^2``; ``step = lr * g / sqrt(v + epsilon)``
    (``centered``: ``sqrt(v - a^2 + epsilon)`` with ``a`` the running mean gradient);
    with ``momentum``: ``s = momentum * s + step; w -= s``, else ``w -= step``."""

    def __init__(
        self,
        learning_rate: Any = 0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str = "rmsprop",
        **kwargs: Any,
    ) -> None:
        super().__init__(
            learning_rate=learning_rate,
            name=name,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            **kwargs,
        )
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, variables: list) -> None:
        if self.built:
            return
        super().build(variables)
        self._velocities = self.add_optimizer_variables(variables, "velocity")
        self._momentums = (
            self.add_optimizer_variables(variables, "momentum") if self.momentum > 0 else []
        )
        self._average_gradients = (
            self.add_optimizer_variables(variables, "average_gradient") if self.centered else []
        )

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        lr, g, i = self._update_inputs(gradient, variable, learning_rate)
        rho = self.rho
        velocity = self._velocities[i]
        velocity.assign(rho * velocity.value + (1.0 - rho) * ops.square(g))
        if self.centered:
            average = self._average_gradients[i]
            average.assign(rho * average.value + (1.0 - rho) * g)
            denominator = velocity.value - ops.square(average.value) + self.epsilon
        else:
            denominator = velocity.value + self.epsilon
        increment = lr * g / ops.sqrt(denominator)
        if self.momentum > 0:
            momentum = self._momentums[i]
            momentum.assign(self.momentum * momentum.value + increment)
            variable.assign(variable.value - momentum.value)
        else:
            variable.assign(variable.value - increment)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }


@register_builtin(_MODULE)
class Adagrad(Optimizer):
    """Adagrad: ``acc += g^2``; ``w -= lr * g / sqrt(acc + epsilon)``; ``acc`` starts at
    ``initial_accumulator_value``."""

    def __init__(
        self,
        learning_rate: Any = 0.001,
        initial_accumulator_value: float = 0.1,
        epsilon: float = 1e-7,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str = "adagrad",
        **kwargs: Any,
    ) -> None:
        super().__init__(
            learning_rate=learning_rate,
            name=name,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            **kwargs,
        )
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, variables: list) -> None:
        if self.built:
            return
        super().build(variables)
        self._accumulators = self.add_optimizer_variables(
            variables, "accumulator", initializer=float(self.initial_accumulator_value)
        )

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        lr, g, i = self._update_inputs(gradient, variable, learning_rate)
        acc = self._accumulators[i]
        acc.assign(acc.value + ops.square(g))
        variable.assign(variable.value - lr * g / ops.sqrt(acc.value + self.epsilon))

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        }


@register_builtin(_MODULE)
class Adadelta(Optimizer):
    """Adadelta (Zeiler): ``E[g^2] = rho E[g^2] + (1 - rho) g^2``;
    ``d = -sqrt(E[d^2] + eps) / sqrt(E[g^2] + eps) * g``;
    ``E[d^2] = rho E[d^2] + (1 - rho) d^2``; ``w += lr * d``."""

    def __init__(
        self,
        learning_rate: Any = 0.001,
        rho: float = 0.95,
        epsilon: float = 1e-7,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str = "adadelta",
        **kwargs: Any,
    ) -> None:
        super().__init__(
            learning_rate=learning_rate,
            name=name,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            **kwargs,
        )
        self.rho = rho
        self.epsilon = epsilon

    def build(self, variables: list) -> None:
        if self.built:
            return
        super().build(variables)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            variables, ["accumulated_grad", "accumulated_delta_var"]
        )

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        lr, g, i = self._update_inputs(gradient, variable, learning_rate)
        acc_g, acc_d = self._accumulated_grads[i], self._accumulated_delta_vars[i]
        rho = self.rho
        acc_g.assign(rho * acc_g.value + (1.0 - rho) * ops.square(g))
        delta = -ops.sqrt(acc_d.value + self.epsilon) * g / ops.sqrt(acc_g.value + self.epsilon)
        acc_d.assign(rho * acc_d.value + (1.0 - rho) * ops.square(delta))
        variable.assign(variable.value + lr * delta)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
