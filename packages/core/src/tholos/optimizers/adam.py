"""Adam and its relatives: AdamW, Adamax, Nadam.

>>> import tholos
>>> w = tholos.Variable([1.0])
>>> opt = Adam(learning_rate=0.1)
>>> opt.apply([ops.convert_to_tensor([0.5])], [w])
>>> round(float(w.numpy()[0]), 5)  # the first Adam step moves by ~lr
0.9
"""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.errors import OpInputError
from tholos.optimizers.base_optimizer import Optimizer
from tholos.saving.serialization import register_builtin

_MODULE = "tholos.optimizers"


@register_builtin(_MODULE)
class Adam(Optimizer):
    """Adam (Kingma & Ba), with the bias correction folded into the step size:

    ``m += (g - m) * (1 - beta_1)``; ``v += (g^2 - v) * (1 - beta_2)``;
    ``alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)``;
    ``w -= alpha * m / (sqrt(v) + epsilon)``. With ``amsgrad``, ``v`` in the last formula is
    the running maximum of ``v``.
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str = "adam",
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def build(self, variables: list) -> None:
        if self.built:
            return
        super().build(variables)
        self._momentums, self._velocities = self.add_optimizer_variables(
            variables, ["momentum", "velocity"]
        )
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(variables, "velocity_hat")

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        dtype = variable.dtype
        lr, g, i = self._update_inputs(gradient, variable, learning_rate)
        b1_power, b2_power = self._bias_powers(dtype, self.beta_1, self.beta_2)
        m, v = self._momentums[i], self._velocities[i]
        alpha = lr * ops.sqrt(1.0 - b2_power) / (1.0 - b1_power)
        m.assign(m.value + (g - m.value) * (1.0 - self.beta_1))
        v.assign(v.value + (ops.square(g) - v.value) * (1.0 - self.beta_2))
        v_used = v.value
        if self.amsgrad:
            v_hat = self._velocity_hats[i]
            v_hat.assign(ops.maximum(v_hat.value, v.value))
            v_used = v_hat.value
        variable.assign(variable.value - m.value * alpha / (ops.sqrt(v_used) + self.epsilon))

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        }


@register_builtin(_MODULE)
class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): before each Adam step,
    ``w -= w * weight_decay * lr``."""

    def __init__(
        self,
        learning_rate: Any = 0.001,
        weight_decay: float = 0.004,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str = "adamw",
        **kwargs: Any,
    ) -> None:
        super().__init__(
            learning_rate=learning_rate,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
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
        if self.weight_decay is None:
            raise OpInputError(
                "AdamW needs a weight_decay.",
                expected="a float weight_decay",
                received="None",
                hint="Use Adam for no weight decay.",
            )


@register_builtin(_MODULE)
class Adamax(Optimizer):
    """Adamax: Adam with the infinity norm.

    ``m += (g - m) * (1 - beta_1)``; ``u = max(beta_2 * u, |g|)``;
    ``w -= lr * m / ((1 - beta_1^t) * (u + epsilon))``.
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
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
        name: str = "adamax",
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, variables: list) -> None:
        if self.built:
            return
        super().build(variables)
        self._m, self._u = self.add_optimizer_variables(variables, ["momentum", "norm"])

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        dtype = variable.dtype
        lr, g, i = self._update_inputs(gradient, variable, learning_rate)
        (b1_power,) = self._bias_powers(dtype, self.beta_1)
        m, u = self._m[i], self._u[i]
        m.assign(m.value + (g - m.value) * (1.0 - self.beta_1))
        u.assign(ops.maximum(self.beta_2 * u.value, ops.abs(g)))
        step = lr * m.value / ((1.0 - b1_power) * (u.value + self.epsilon))
        variable.assign(variable.value - step)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }


@register_builtin(_MODULE)
class Nadam(Optimizer):
    """Adam with Nesterov momentum (Dozat), with the momentum schedule
    ``u_t = beta_1 * (1 - 0.5 * 0.96^t)``:

    ``m += (g - m) * (1 - beta_1)``; ``v += (g^2 - v) * (1 - beta_2)``;
    ``m_hat = u_{t+1} m / (1 - prod_{i<=t+1} u_i) + (1 - u_t) g / (1 - prod_{i<=t} u_i)``;
    ``v_hat = v / (1 - beta_2^t)``; ``w -= lr * m_hat / (sqrt(v_hat) + epsilon)``.
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
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
        name: str = "nadam",
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, variables: list) -> None:
        if self.built:
            return
        variables = list(variables)
        dtype = variables[0].dtype if variables else None
        super().build(variables)
        self._momentums, self._velocities = self.add_optimizer_variables(
            variables, ["momentum", "velocity"]
        )
        self._u_product = self.add_variable((), initializer="ones", dtype=dtype, name="u_product")

    def _backend_update_step(self, grads: list, variables: list, learning_rate: Any) -> None:
        dtype = self._u_product.dtype
        t = self._step_number(dtype)
        u_t = self.beta_1 * (1.0 - 0.5 * ops.power(ops.cast(0.96, dtype), t))
        self._u_product.assign(self._u_product.value * u_t)
        super()._backend_update_step(grads, variables, learning_rate)

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        dtype = variable.dtype
        lr, g, i = self._update_inputs(gradient, variable, learning_rate)
        t = self._step_number(dtype)
        decay = ops.cast(0.96, dtype)
        beta_1 = ops.cast(self.beta_1, dtype)
        beta_2 = ops.cast(self.beta_2, dtype)
        u_t = beta_1 * (1.0 - 0.5 * ops.power(decay, t))
        u_next = beta_1 * (1.0 - 0.5 * ops.power(decay, t + 1.0))
        u_product = ops.cast(self._u_product.value, dtype)
        u_product_next = u_product * u_next
        b2_power = ops.power(beta_2, t)
        m, v = self._momentums[i], self._velocities[i]
        m.assign(m.value + (g - m.value) * (1.0 - beta_1))
        v.assign(v.value + (ops.square(g) - v.value) * (1.0 - beta_2))
        m_hat = u_next * m.value / (1.0 - u_product_next) + (1.0 - u_t) * g / (1.0 - u_product)
        v_hat = v.value / (1.0 - b2_power)
        variable.assign(variable.value - m_hat * lr / (ops.sqrt(v_hat) + self.epsilon))

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }
