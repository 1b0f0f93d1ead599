"""How a backend differentiates and compiles one training step.

The training loop (epochs, batches, callbacks, logs) belongs to core
(:class:`tholos.trainers.Trainer`). A backend contributes only the two framework-specific
pieces below, so that ``Model.train_step`` is written once for every backend::

    loss, aux, grads = backend.trainer.compute_gradients(loss_fn, variables)
    optimizer.apply(grads, variables)

These are plain Protocol methods (not ops): they never appear in :mod:`tholos.ops`.

Optional hooks (a backend may define them as attributes of ``backend.trainer``; core works
without them, and they are not part of validation):

``fused_update(optimizer, grads, variables, learning_rate) -> bool``
    Called by :class:`tholos.optimizers.Optimizer` in place of its per-variable
    ``update_step`` loop, outside any ``StatelessScope`` (there the generic path records the
    assignments). ``grads`` are the (clipped) gradients, ``variables`` the matching trainable
    Variables, ``learning_rate`` the current rate. The backend applies the optimizer's update
    to all of them at once and returns ``True``, or changes nothing and returns ``False`` (an
    optimizer or variables it does not handle). It must give the same numbers as the
    optimizer's ``update_step`` (torch: ``torch._foreach_*`` kernels for Adam/AdamW and SGD).
``to_device(batch) -> batch``
    Called once per batch by the epoch iterator (``fit``/``evaluate``/``predict``/
    ``*_on_batch``) instead of converting leaves with ``ops.convert_to_tensor``: returns the
    nested batch with NumPy/native array leaves as native tensors on the current device (torch:
    zero-copy from NumPy, pinned host memory and a non-blocking copy when on CUDA).
``compile_steps(step_fn, *, kind, jit_compile, model) -> run``
    The several-steps counterpart of :meth:`TrainerHooks.compile_step`, used by the trainer
    instead of it when ``steps_per_execution > 1``. ``run(batches)`` takes the list of
    batches of one execution (``steps_per_execution`` of them, fewer at the end of an epoch),
    runs ``step_fn`` on each in order, and returns the last step's result (train/test logs),
    or the list of every step's predictions for ``kind="predict"``. Same arguments and same
    observable effects on variables as calling the ``compile_step`` result once per batch;
    when compiling, the group should run as one compiled call (TensorFlow: one
    ``tf.function`` call, traced once per group length and batch signature).
``compile_call(call_fn, *, model) -> run``
    A compiled path behind ``model(x)`` (core uses it for Functional and Sequential models,
    and for subclassed models that set ``model.compiled_call = True``; see
    :meth:`tholos.Model.__call__`). ``call_fn(inputs, training)`` runs the model's ordinary
    eager call on ``inputs`` (a nested structure of tensors) with ``training`` a Python bool
    or ``None``. ``run(inputs, training)`` must return what ``call_fn`` returns and have the
    same effects on the model's variables (a Dropout's seed state, BatchNormalization's moving
    statistics in training mode), compiling ``call_fn`` once per input signature and
    ``training`` value (JAX: ``jax.jit`` over the variables' values; TensorFlow: a
    ``tf.function``). Core calls ``run`` only from a top-level eager call of a built model on
    concrete inputs, outside any training-loop step, ``StatelessScope``, symbolic call or
    autocast scope. When
    ``call_fn`` cannot be traced (Python control flow on tensor values, a variable created
    during the call), ``run`` raises :class:`tholos.errors.CallNotCompilableError`, leaving
    the variables unchanged; core then runs that model eagerly from then on.
``JIT_BY_DEFAULT``
    see :meth:`TrainerHooks.supports_jit`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class TrainerHooks(Protocol):
    """The backend's trainer hooks. A backend exposes them as ``backend.trainer``."""

    def compute_gradients(
        self, loss_fn: Callable[[], tuple[Any, Any]], variables: Sequence[Any]
    ) -> tuple[Any, Any, list[Any]]:
        """Evaluate ``loss_fn`` and differentiate its loss with respect to ``variables``.

        ``loss_fn()`` takes no arguments and returns ``(loss, aux)``: ``loss`` a scalar tensor,
        ``aux`` any nested structure of tensors (e.g. the predictions) that is returned as is,
        not differentiated. Inside ``loss_fn`` the variables hold their current values.

        Returns ``(loss, aux, grads)``: ``loss`` and ``aux`` as concrete backend-native tensors
        (no tracing objects), and ``grads`` a list with one gradient per variable, in the order
        of ``variables``, each with the variable's shape and dtype. A variable the loss does not
        depend on gets zeros, never ``None``.

        Variable assignments made while ``loss_fn`` runs (a BatchNormalization layer's moving
        statistics, a SeedGenerator's state) are applied to the real variables afterwards, with
        their values treated as constants (no gradient flows through them). ``variables`` may
        be empty: the loss is then computed and ``grads`` is ``[]``.
        """
        ...

    def compile_step(
        self,
        step_fn: Callable[[Any], Any],
        *,
        kind: str,
        jit_compile: bool,
        model: Any,
    ) -> Callable[[Any], Any]:
        """Return a callable equivalent to ``step_fn`` (one train/test/predict step on a batch).

        ``kind`` is ``"train"``, ``"test"`` or ``"predict"``; ``step_fn(data)`` returns the logs
        dict (train/test) or the predictions (predict). When ``jit_compile`` is true the
        backend may compile the step (``model`` gives access to its variables for a stateless
        compiled call); otherwise, or when the backend cannot compile, it returns ``step_fn``
        itself or a thin eager wrapper. The returned callable must have the same observable
        effects on variables as ``step_fn``.
        """
        ...

    def supports_jit(self) -> bool:
        """Whether :meth:`compile_step` can compile here.

        ``jit_compile="auto"`` compiles when this is true, unless the backend sets the optional
        attribute ``JIT_BY_DEFAULT = False`` (PyTorch: its eager mode is the native fast path,
        ``torch.compile`` only on ``jit_compile=True``).
        """
        ...


__all__ = ["TrainerHooks"]
