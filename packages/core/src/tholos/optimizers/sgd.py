"""Stochastic gradient descent, with optional (Nesterov) momentum.

>>> import tholos
>>> w = tholos.Variable([1.0, 2.0])
>>> opt = SGD(learning_rate=0.1)
>>> opt.apply([ops.convert_to_tensor([1.0, 1.0])], [w])
>>> [round(x, 6) for x in w.numpy().tolist()]
[0.9, 1.9]
"""

from __future__ import annotations

from typing import Any

from tholos import ops
from tholos.errors import OpInputError
from tholos.optimizers.base_optimizer import Optimizer
from tholos.saving.serialization import register_builtin


@register_builtin("tholos.optimizers")
class SGD(Optimizer):
    """Gradient descent with momentum.

    Without momentum: ``w -= lr * g``. With ``momentum``:
    ``v = momentum * v - lr * g; w += v``, or with ``nesterov``:
    ``w += momentum * v - lr * g`` (using the updated ``v``).
    """

    def __init__(
        self,
        learning_rate: Any = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str = "SGD",
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
        if not isinstance(momentum, (int, float)) or not 0.0 <= momentum <= 1.0:
            raise OpInputError(
                "SGD: `momentum` must be a float in [0, 1].",
                expected="0 <= momentum <= 1",
                received=repr(momentum),
            )
        self.momentum = float(momentum)
        self.nesterov = nesterov

    def build(self, variables: list) -> None:
        if self.built:
            return
        super().build(variables)
        self.momentums = (
            self.add_optimizer_variables(variables, "momentum") if self.momentum != 0 else []
        )

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        g = ops.cast(gradient, dtype)
        if self.momentum == 0:
            variable.assign(variable.value - g * lr)
            return
        m = self.momentums[self._get_variable_index(variable)]
        momentum = ops.cast(self.momentum, dtype)
        m.assign(m.value * momentum - g * lr)
        if self.nesterov:
            variable.assign(variable.value + (m.value * momentum - g * lr))
        else:
            variable.assign(variable.value + m.value)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
