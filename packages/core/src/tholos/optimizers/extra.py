"""Adafactor, FTRL, Lion and LAMB.

>>> import tholos
>>> w = tholos.Variable([1.0, -1.0])
>>> opt = Lion(learning_rate=0.1)
>>> opt.apply([ops.convert_to_tensor([0.3, -2.0])], [w])
>>> [round(x, 6) for x in w.numpy().tolist()]  # w -= lr * sign(...)
[0.9, -0.9]
"""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.errors import OpInputError
from tholos.optimizers.base_optimizer import Optimizer
from tholos.saving.serialization import register_builtin

_MODULE = "tholos.optimizers"


def _rms(x: Any) -> Any:
    return ops.sqrt(ops.mean(ops.square(x)))


@register_builtin(_MODULE)
class Adafactor(Optimizer):
    """Adafactor (Shazeer & Stern): second moments of variables of rank >= 2 are factored into
    row and column statistics over the last two axes.

    With ``t`` the step, ``rho = min(lr, 1/sqrt(t))`` and ``beta = 1 - t^beta_2_decay``:
    ``G = g^2 + epsilon_1``; for rank >= 2, ``r = beta r + (1 - beta) mean(G, -1)``,
    ``c = beta c + (1 - beta) mean(G, -2)``, ``v = r / mean(r, -1) (outer) c``; else
    ``v = beta v + (1 - beta) G``. Then ``u = g / sqrt(v)``, ``u /= max(1, rms(u) /
    clip_threshold)`` and ``w -= max(epsilon_2, rms(w)) * rho * u``. With ``relative_step``
    (and a float learning rate) the learning rate is capped at ``1/sqrt(t)``.
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_2_decay: float = -0.8,
        epsilon_1: float = 1e-30,
        epsilon_2: float = 1e-3,
        clip_threshold: float = 1.0,
        relative_step: bool = True,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str = "adafactor",
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
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def build(self, variables: list) -> None:
        if self.built:
            return
        variables = list(variables)
        super().build(variables)
        self._r, self._c, self._v = [], [], []
        for var in variables:
            base = str(var.path).replace("/", "_")
            if len(var.shape) < 2:
                # Unfactored: placeholders keep the per-variable lists aligned.
                self._r.append(self.add_variable((), dtype=var.dtype, name=f"{base}_r"))
                self._c.append(self.add_variable((), dtype=var.dtype, name=f"{base}_c"))
            else:
                shape = tuple(var.shape)
                self._r.append(self.add_variable(shape[:-1], dtype=var.dtype, name=f"{base}_r"))
                self._c.append(
                    self.add_variable(shape[:-2] + shape[-1:], dtype=var.dtype, name=f"{base}_c")
                )
            self._v.append(self.add_variable_from_reference(var, "velocity"))

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        dtype = variable.dtype
        lr, g, i = self._update_inputs(gradient, variable, learning_rate)
        t = self._step_number(dtype)
        inv_sqrt_t = 1.0 / ops.sqrt(t)
        if self.relative_step and not callable(self._learning_rate):
            lr = ops.minimum(lr, inv_sqrt_t)
        r, c, v = self._r[i], self._c[i], self._v[i]
        rho = ops.minimum(lr, inv_sqrt_t)
        alpha = ops.maximum(ops.cast(self.epsilon_2, dtype), _rms(variable.value)) * rho
        g2 = ops.square(g) + self.epsilon_1
        beta = 1.0 - ops.power(t, self.beta_2_decay)
        if len(variable.shape) >= 2:
            r.assign(beta * r.value + (1.0 - beta) * ops.mean(g2, axis=-1))
            c.assign(beta * c.value + (1.0 - beta) * ops.mean(g2, axis=-2))
            row = r.value / ops.mean(r.value, axis=-1, keepdims=True)
            v.assign(ops.expand_dims(row, -1) * ops.expand_dims(c.value, -2))
        else:
            v.assign(beta * v.value + (1.0 - beta) * g2)
        u = g / ops.sqrt(v.value)
        u = u / ops.maximum(1.0, _rms(u) / self.clip_threshold)
        variable.assign(variable.value - alpha * u)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta_2_decay": self.beta_2_decay,
            "epsilon_1": self.epsilon_1,
            "epsilon_2": self.epsilon_2,
            "clip_threshold": self.clip_threshold,
            "relative_step": self.relative_step,
        }


@register_builtin(_MODULE)
class Ftrl(Optimizer):
    """Follow-the-regularized-leader (McMahan et al.), with L1, L2 and L2-shrinkage terms.

    With ``p = learning_rate_power`` and ``l2' = l2 + beta / (2 lr)``:
    ``n' = n + g^2``; ``z += g + 2 * l2_shrinkage * w - (n'^-p - n^-p) / lr * w``;
    ``w = (clip(z, -l1, l1) - z) / (n'^-p / lr + 2 l2')``; ``n = n'``.
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        learning_rate_power: float = -0.5,
        initial_accumulator_value: float = 0.1,
        l1_regularization_strength: float = 0.0,
        l2_regularization_strength: float = 0.0,
        l2_shrinkage_regularization_strength: float = 0.0,
        beta: float = 0.0,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str = "ftrl",
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
        checks = (
            (
                "initial_accumulator_value",
                initial_accumulator_value,
                ">= 0",
                initial_accumulator_value >= 0,
            ),
            ("learning_rate_power", learning_rate_power, "<= 0", learning_rate_power <= 0),
            (
                "l1_regularization_strength",
                l1_regularization_strength,
                ">= 0",
                l1_regularization_strength >= 0,
            ),
            (
                "l2_regularization_strength",
                l2_regularization_strength,
                ">= 0",
                l2_regularization_strength >= 0,
            ),
            (
                "l2_shrinkage_regularization_strength",
                l2_shrinkage_regularization_strength,
                ">= 0",
                l2_shrinkage_regularization_strength >= 0,
            ),
        )
        for arg, value, rule, ok in checks:
            if not ok:
                raise OpInputError(
                    f"Ftrl: `{arg}` must be {rule}.", expected=f"{arg} {rule}", received=repr(value)
                )
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, variables: list) -> None:
        if self.built:
            return
        super().build(variables)
        self._accumulators = self.add_optimizer_variables(
            variables, "accumulator", initializer=float(self.initial_accumulator_value)
        )
        self._linears = self.add_optimizer_variables(variables, "linear")

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        lr, g, i = self._update_inputs(gradient, variable, learning_rate)
        accum, linear = self._accumulators[i], self._linears[i]
        p = self.learning_rate_power
        l1 = self.l1_regularization_strength
        l2 = self.l2_regularization_strength + self.beta / (2.0 * lr)
        w = variable.value
        g_shrunk = g + 2.0 * self.l2_shrinkage_regularization_strength * w
        new_accum = accum.value + ops.square(g)
        sigma = (ops.power(new_accum, -p) - ops.power(accum.value, -p)) / lr
        linear.assign(linear.value + g_shrunk - sigma * w)
        quadratic = ops.power(new_accum, -p) / lr + 2.0 * l2
        clipped = ops.clip(linear.value, -l1, l1)
        variable.assign((clipped - linear.value) / quadratic)
        accum.assign(new_accum)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "learning_rate_power": self.learning_rate_power,
            "initial_accumulator_value": self.initial_accumulator_value,
            "l1_regularization_strength": self.l1_regularization_strength,
            "l2_regularization_strength": self.l2_regularization_strength,
            "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
            "beta": self.beta,
        }


@register_builtin(_MODULE)
class Lion(Optimizer):
    """Lion (Chen et al., 2023): ``w -= lr * sign(beta_1 m + (1 - beta_1) g)``;
    ``m = beta_2 m + (1 - beta_2) g``."""

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.99,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str = "lion",
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
        if not 0.0 < beta_1 <= 1.0:
            raise OpInputError(
                "Lion: `beta_1` must lie in (0, 1].",
                expected="0 < beta_1 <= 1",
                received=repr(beta_1),
            )
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def build(self, variables: list) -> None:
        if self.built:
            return
        super().build(variables)
        self._momentums = self.add_optimizer_variables(variables, "momentum")

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        dtype = variable.dtype
        lr, g, i = self._update_inputs(gradient, variable, learning_rate)
        m = self._momentums[i]
        b1 = ops.cast(self.beta_1, dtype)
        b2 = ops.cast(self.beta_2, dtype)
        variable.assign(variable.value - lr * ops.sign(m.value * b1 + g * (1.0 - b1)))
        m.assign(m.value * b2 + g * (1.0 - b2))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}


@register_builtin(_MODULE)
class Lamb(Optimizer):
    """LAMB (You et al.): the bias-corrected Adam direction
    ``d = m_hat / (sqrt(v_hat) + epsilon)`` scaled by the trust ratio
    ``||w|| / ||d||`` (1 when either norm is 0): ``w -= ratio * lr * d``."""

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
        name: str = "lamb",
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
        self._momentums, self._velocities = self.add_optimizer_variables(
            variables, ["momentum", "velocity"]
        )

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        dtype = variable.dtype
        lr, g, i = self._update_inputs(gradient, variable, learning_rate)
        b1_power, b2_power = self._bias_powers(dtype, self.beta_1, self.beta_2)
        m, v = self._momentums[i], self._velocities[i]
        m.assign(m.value * self.beta_1 + g * (1.0 - self.beta_1))
        v.assign(v.value * self.beta_2 + ops.square(g) * (1.0 - self.beta_2))
        m_hat = m.value / (1.0 - b1_power)
        direction = m_hat / (ops.sqrt(v.value / (1.0 - b2_power)) + self.epsilon)
        w_norm = ops.sqrt(ops.sum(ops.square(variable.value)))
        d_norm = ops.sqrt(ops.sum(ops.square(direction)))
        usable = ops.logical_and(ops.greater(w_norm, 0), ops.greater(d_norm, 0))
        ratio = ops.where(
            usable, w_norm / ops.where(usable, d_norm, ops.ones_like(d_norm)), ops.ones_like(w_norm)
        )
        variable.assign(variable.value - ratio * lr * direction)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }
