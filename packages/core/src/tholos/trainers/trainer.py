"""``Trainer``: the ``compile``/``fit``/``evaluate``/``predict`` half of ``tholos.Model``.

The loop (epochs, batches, callbacks, logs, validation) is written once here, against the
backend contract. A backend contributes only how one step is differentiated and compiled
(:class:`tholos.backend.contract.TrainerHooks`): ``train_step`` computes the loss inside
``backend.trainer.compute_gradients`` and hands the gradients to ``optimizer.apply``.

``Model`` inherits it (``class Model(Trainer, Layer)``) and calls ``Trainer.__init__(self)``.
Override ``train_step``/``test_step``/``predict_step``, ``compute_loss`` or
``compute_metrics`` to customise what ``fit`` does, as in Keras.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from tholos import tree
from tholos.callbacks.callback_list import CallbackList
from tholos.errors import ConfigError, NotCompiledError
from tholos.trainers.compile_utils import CompileLoss, CompileMetrics
from tholos.trainers.data_adapters import (
    ArrayDataAdapter,
    DataError,
    pack_x_y_sample_weight,
    train_validation_split,
    unpack_x_y_sample_weight,
)
from tholos.trainers.data_adapters.data_adapter_utils import (
    apply_class_weight,
    standardize_structure,
)
from tholos.trainers.epoch_iterator import EpochIterator, to_backend


def _hooks() -> Any:
    from tholos.backend._state import current

    return current().trainer


def _distribution_runtime() -> Any:
    from tholos.distribution import _runtime

    return _runtime


def _to_python(value: Any) -> Any:
    try:
        from tholos import ops

        array = np.asarray(ops.convert_to_numpy(value))
    except Exception:
        array = np.asarray(value)
    if array.ndim == 0:
        return array.item()
    return array


def pythonify_logs(logs: Mapping[str, Any] | None) -> dict[str, Any]:
    """Logs as Python floats (arrays for non-scalars), keys sorted, nested dicts flattened."""
    flat: dict[str, Any] = {}
    for key, value in (logs or {}).items():
        if isinstance(value, Mapping):
            flat.update(pythonify_logs(value))
        else:
            flat[key] = _to_python(value)
    return {key: flat[key] for key in sorted(flat)}


def _batch_size(x: Any) -> int | None:
    for leaf in tree.flatten(x):
        shape = getattr(leaf, "shape", None)
        if shape is not None and len(shape) > 0 and shape[0] is not None:
            return int(shape[0])
    return None


def _set(obj: Any, name: str, value: Any) -> None:
    """Set an attribute without going through Layer attribute tracking."""
    object.__setattr__(obj, name, value)


class Trainer:
    """Training, evaluation and inference for models (see the module docstring)."""

    # Class-level defaults, so that a model whose __init__ skipped Trainer.__init__ still
    # reports itself as not compiled instead of failing with AttributeError.
    compiled = False
    optimizer = None
    loss = None
    _compile_loss = None
    _compile_metrics = None
    _loss_tracker = None
    steps_per_execution = 1
    train_function = None
    test_function = None
    predict_function = None
    stop_training = False
    stop_evaluating = False
    stop_predicting = False

    def __init__(self) -> None:
        _set(self, "compiled", False)
        _set(self, "optimizer", None)
        _set(self, "loss", None)
        _set(self, "_compile_loss", None)
        _set(self, "_compile_metrics", None)
        _set(self, "_loss_tracker", None)
        _set(self, "_run_eagerly", False)
        _set(self, "_jit_compile", None)
        _set(self, "steps_per_execution", 1)
        _set(self, "train_function", None)
        _set(self, "test_function", None)
        _set(self, "predict_function", None)
        _set(self, "stop_training", False)
        _set(self, "stop_evaluating", False)
        _set(self, "stop_predicting", False)
        _set(self, "_initial_epoch", None)
        _set(self, "_eval_epoch_iterator", None)
        _set(self, "_compile_config", None)

    # -- compile -----------------------------------------------------------------------------
    def compile(
        self,
        optimizer: Any = "rmsprop",
        loss: Any = None,
        loss_weights: Any = None,
        metrics: Any = None,
        weighted_metrics: Any = None,
        run_eagerly: bool = False,
        steps_per_execution: int = 1,
        jit_compile: bool | str = "auto",
        auto_scale_loss: bool = True,
    ) -> None:
        """Configure the model for training.

        Args:
            optimizer: name (``"adam"``) or optimizer instance.
            loss: name, function or ``Loss``; a list or dict for several outputs.
            loss_weights: scalar coefficients of each output's loss (list or dict).
            metrics: list of metrics (names such as ``"accuracy"``/``"acc"``, instances or
                functions), or a list/dict of such lists per output.
            weighted_metrics: like ``metrics``, but weighted by ``sample_weight``/``class_weight``.
            run_eagerly: never compile the step (debugging).
            steps_per_execution: batches processed per call of the step function.
            jit_compile: ``True``/``False``/``"auto"`` (compile when the backend can).
            auto_scale_loss: scale the loss when the dtype policy is ``mixed_float16``.

        >>> # model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
        >>> #               metrics=["accuracy"])
        """
        from tholos import metrics as metrics_module
        from tholos import optimizers as optimizers_module

        try:
            resolved_optimizer = optimizers_module.get(optimizer)
        except ConfigError:
            raise
        except (ValueError, KeyError, TypeError) as err:
            raise ConfigError(
                f"Unknown optimizer {optimizer!r}.",
                expected="an optimizer name such as 'adam' or 'sgd', or an Optimizer instance",
                received=repr(optimizer),
            ) from err
        if auto_scale_loss and self._uses_float16():
            scaler = getattr(optimizers_module, "LossScaleOptimizer", None)
            if scaler is not None and not isinstance(resolved_optimizer, scaler):
                resolved_optimizer = scaler(resolved_optimizer)
        if not isinstance(steps_per_execution, int) or steps_per_execution < 1:
            raise ConfigError(
                "steps_per_execution must be a positive integer.",
                expected=">= 1",
                received=repr(steps_per_execution),
            )
        output_names = getattr(self, "output_names", None)
        _set(self, "optimizer", resolved_optimizer)
        _set(self, "loss", loss)
        _set(
            self,
            "_compile_loss",
            CompileLoss(loss, loss_weights, output_names=None, model=self)
            if loss is not None
            else None,
        )
        _set(
            self,
            "_compile_metrics",
            CompileMetrics(metrics, weighted_metrics, output_names=None, model=self, loss=loss)
            if metrics is not None or weighted_metrics is not None
            else None,
        )
        del output_names
        _set(self, "_loss_tracker", metrics_module.Mean(name="loss"))
        _set(self, "_run_eagerly", bool(run_eagerly))
        _set(self, "_jit_compile", self._resolve_jit(jit_compile, run_eagerly))
        _set(self, "steps_per_execution", steps_per_execution)
        _set(self, "train_function", None)
        _set(self, "test_function", None)
        _set(self, "predict_function", None)
        _set(self, "stop_training", False)
        _set(self, "compiled", True)
        _set(
            self,
            "_compile_config",
            {
                "optimizer": optimizer,
                "loss": loss,
                "loss_weights": loss_weights,
                "metrics": metrics,
                "weighted_metrics": weighted_metrics,
                "run_eagerly": run_eagerly,
                "steps_per_execution": steps_per_execution,
                "jit_compile": jit_compile,
                "auto_scale_loss": auto_scale_loss,
            },
        )

    def _uses_float16(self) -> bool:
        policy = getattr(self, "dtype_policy", None)
        return getattr(policy, "compute_dtype", None) == "float16"

    @staticmethod
    def _resolve_jit(jit_compile: bool | str, run_eagerly: bool) -> bool:
        if jit_compile not in (True, False, "auto"):
            raise ConfigError(
                "jit_compile must be True, False or 'auto'.",
                expected="True, False or 'auto'",
                received=repr(jit_compile),
            )
        if run_eagerly:
            return False
        hooks = _hooks()
        try:
            supported = bool(hooks.supports_jit())
        except Exception:
            supported = False
        if jit_compile is True and not supported:
            warnings.warn(
                "jit_compile=True, but the active backend cannot compile steps; running eagerly.",
                stacklevel=3,
            )
        if jit_compile == "auto":
            return supported and bool(getattr(hooks, "JIT_BY_DEFAULT", True))
        return supported and jit_compile is True

    def get_compile_config(self) -> dict[str, Any] | None:
        """The arguments ``compile`` was called with (``None`` if not compiled)."""
        if not self.__dict__.get("compiled"):
            return None
        try:
            from tholos.saving.serialization import serialize_object
        except ImportError:
            return dict(self._compile_config)
        return {k: serialize_object(v) for k, v in self._compile_config.items()}

    def compile_from_config(self, config: dict[str, Any]) -> None:
        """Compile with arguments previously returned by :meth:`get_compile_config`."""
        try:
            from tholos.saving.serialization import deserialize_object
        except ImportError:
            self.compile(**config)
            return
        config = dict(config)
        for key in ("optimizer", "loss", "metrics", "weighted_metrics"):
            if isinstance(config.get(key), dict):
                config[key] = deserialize_object(config[key])
        self.compile(**config)

    @property
    def run_eagerly(self) -> bool:
        return self.__dict__.get("_run_eagerly", False)

    @run_eagerly.setter
    def run_eagerly(self, value: bool) -> None:
        _set(self, "_run_eagerly", bool(value))
        _set(self, "train_function", None)
        _set(self, "test_function", None)
        _set(self, "predict_function", None)

    @property
    def jit_compile(self) -> bool:
        value = self.__dict__.get("_jit_compile")
        if value is None:
            value = self._resolve_jit("auto", self.run_eagerly)
            _set(self, "_jit_compile", value)
        return value

    @jit_compile.setter
    def jit_compile(self, value: bool) -> None:
        _set(self, "_jit_compile", self._resolve_jit(value, self.run_eagerly))
        _set(self, "train_function", None)
        _set(self, "test_function", None)
        _set(self, "predict_function", None)

    def _assert_compiled(self, method: str) -> None:
        if not self.__dict__.get("compiled"):
            raise NotCompiledError(
                f"You must call `compile()` before using `{method}()`.",
                expected="model.compile(optimizer=..., loss=...) first",
                received="an uncompiled model",
                hint="e.g. model.compile(optimizer='adam', loss='mse').",
            )

    # -- metrics -----------------------------------------------------------------------------
    @property
    def metrics(self) -> list[Any]:
        """The loss tracker, the compiled metrics and metrics tracked by the model's layers."""
        found: list[Any] = []
        if self.__dict__.get("compiled"):
            if self._loss_tracker is not None:
                found.append(self._loss_tracker)
            if self._compile_metrics is not None:
                found.append(self._compile_metrics)
            if self._compile_loss is not None:
                found.extend(self._compile_loss.metrics)
        own = list(self.__dict__.get("_metrics", None) or [])
        flatten = getattr(self, "_flatten_layers", None)
        for layer in flatten(include_self=False) if flatten is not None else []:
            if not isinstance(layer, Trainer):  # a nested model keeps its own metrics
                own.extend(layer.__dict__.get("_metrics", None) or [])
        for metric in own:
            if all(metric is not m for m in found):
                found.append(metric)
        return found

    @property
    def metrics_names(self) -> list[str]:
        return [m.name for m in self.metrics]

    @property
    def metrics_variables(self) -> list[Any]:
        out = []
        for metric in self.metrics:
            out.extend(getattr(metric, "variables", []))
        return out

    def reset_metrics(self) -> None:
        """Reset the state of every metric in :attr:`metrics`."""
        for metric in self.metrics:
            metric.reset_state()

    def compute_metrics(self, x: Any, y: Any, y_pred: Any, sample_weight: Any = None) -> dict:
        """Update the compiled metrics with a batch; return the current metric values."""
        del x
        if self._compile_metrics is not None and y is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self) -> dict[str, Any]:
        """``{name: value}`` of every metric (compiled metrics expanded)."""
        results: dict[str, Any] = {}
        for metric in self.metrics:
            value = metric.result()
            if isinstance(value, Mapping):
                results.update(value)
            else:
                results[metric.name] = value
        return results

    # -- loss --------------------------------------------------------------------------------
    def compute_loss(
        self,
        x: Any = None,
        y: Any = None,
        y_pred: Any = None,
        sample_weight: Any = None,
        training: bool = True,
    ) -> Any:
        """The total loss of a batch: the compiled loss plus the model's own losses
        (``add_loss``, regularizers)."""
        from tholos import ops

        del x, training
        parts = []
        if self._compile_loss is not None and y is not None:
            value = self._compile_loss(y, y_pred, sample_weight)
            if value is not None:
                parts.append(value)
        own = list(getattr(self, "losses", None) or [])
        if own:
            dtype = getattr(parts[0], "dtype", None) if parts else None
            extra = ops.sum(ops.stack([ops.cast(ops.sum(v), dtype or "float32") for v in own]))
            parts.append(extra)
        if not parts:
            if self._compile_loss is not None and y is None:
                raise DataError(
                    "The model has a compiled loss but the data has no targets.",
                    expected="fit(x, y) or batches (x, y)",
                    received="y=None",
                )
            raise ConfigError(
                "No loss to compute.",
                expected="a `loss` argument in compile() or losses added with add_loss()",
                received="compile(loss=None) and no model losses",
            )
        total = parts[0]
        for part in parts[1:]:
            total = ops.add(total, part)
        return total

    # -- steps -------------------------------------------------------------------------------
    def train_step(self, data: Any) -> dict[str, Any]:
        """One optimisation step on a batch ``(x, y[, sample_weight])``; returns logs."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        optimizer = self.optimizer

        def loss_fn():
            y_pred = self(x, training=True)
            loss = self.compute_loss(
                x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True
            )
            unscaled = loss
            if hasattr(optimizer, "scale_loss"):
                loss = optimizer.scale_loss(loss)
            return loss, (unscaled, y_pred)

        variables = list(self.trainable_variables)
        _, (loss, y_pred), grads = _hooks().compute_gradients(loss_fn, variables)
        grads = _distribution_runtime().sync_gradients(grads, x)  # no-op unless distributed
        if variables:
            optimizer.apply(grads, variables)
        self._loss_tracker.update_state(loss, sample_weight=_batch_size(x) or 1)
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def test_step(self, data: Any) -> dict[str, Any]:
        """One evaluation step on a batch; returns logs."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(
            x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False
        )
        self._loss_tracker.update_state(loss, sample_weight=_batch_size(x) or 1)
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def predict_step(self, data: Any) -> Any:
        """The model's outputs for one batch."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    def _make_function(self, kind: str, step: Callable[[Any], Any]) -> Callable[[list], Any]:
        hooks = _hooks()
        # steps_per_execution > 1: a backend with the optional ``compile_steps`` hook runs the
        # whole group of batches in one compiled call (TensorFlow: one tf.function call);
        # otherwise each batch goes through the compiled single step below.
        from tholos.models._compiled_call import inside_step

        step = inside_step(step)  # model(x) inside the step is part of the step's graph
        compile_steps = getattr(hooks, "compile_steps", None)
        if compile_steps is not None and self.steps_per_execution > 1:
            return compile_steps(step, kind=kind, jit_compile=self.jit_compile, model=self)
        compiled = hooks.compile_step(step, kind=kind, jit_compile=self.jit_compile, model=self)

        def run(batches: list) -> Any:
            result = None
            if kind == "predict":
                return [compiled(batch) for batch in batches]
            for batch in batches:
                result = compiled(batch)
            return result

        # tholos.distribution: under an active distribution the backend runs the batches.
        return _distribution_runtime().wrap_step(
            run, step, kind=kind, model=self, jit_compile=self.jit_compile
        )

    def make_train_function(self, force: bool = False) -> Callable[[list], Any]:
        """Build ``self.train_function(batches) -> logs`` (runs ``train_step`` per batch)."""
        if self.train_function is None or force:
            _set(self, "train_function", self._make_function("train", self.train_step))
        return self.train_function

    def make_test_function(self, force: bool = False) -> Callable[[list], Any]:
        if self.test_function is None or force:
            _set(self, "test_function", self._make_function("test", self.test_step))
        return self.test_function

    def make_predict_function(self, force: bool = False) -> Callable[[list], Any]:
        if self.predict_function is None or force:
            _set(self, "predict_function", self._make_function("predict", self.predict_step))
        return self.predict_function

    # -- building ----------------------------------------------------------------------------
    def _output_spec(self, x: Any) -> Any:
        from tholos.backend import KerasTensor, compute_output_spec

        def spec(a):
            if a is None or not hasattr(a, "shape"):
                return a
            return KerasTensor(tuple(a.shape), dtype=str(getattr(a, "dtype", "float32")))

        try:
            return compute_output_spec(
                lambda inputs: self(inputs, training=False), tree.map_structure(spec, x)
            )
        except Exception:
            return self(x, training=False)

    def _symbolic_build(self, data_batch: Any) -> None:
        """Build the model, compiled loss/metrics and optimizer from a first batch."""
        x, y, _ = unpack_x_y_sample_weight(data_batch)
        x = to_backend(x)
        loss_unbuilt = self._compile_loss is not None and not self._compile_loss.built
        metrics_unbuilt = self._compile_metrics is not None and not self._compile_metrics.built
        model_unbuilt = not getattr(self, "built", True)
        if model_unbuilt or loss_unbuilt or metrics_unbuilt:
            y_pred = self._output_spec(x)
            if y is not None:
                if loss_unbuilt:
                    self._compile_loss.build(y, y_pred)
                if metrics_unbuilt:
                    self._compile_metrics.build(y, y_pred)
        optimizer = self.optimizer
        if optimizer is not None and not getattr(optimizer, "built", True):
            optimizer.build(list(self.trainable_variables))

    # -- fit ---------------------------------------------------------------------------------
    def fit(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        epochs: int = 1,
        verbose: int | str = "auto",
        callbacks: Any = None,
        validation_split: float = 0.0,
        validation_data: Any = None,
        shuffle: bool | str = True,
        class_weight: Mapping[int, float] | None = None,
        sample_weight: Any = None,
        initial_epoch: int = 0,
        steps_per_epoch: int | None = None,
        validation_steps: int | None = None,
        validation_batch_size: int | None = None,
        validation_freq: int | list[int] = 1,
    ) -> Any:
        """Train the model for ``epochs`` epochs; return its ``History``.

        ``validation_split`` holds out the *last* fraction of the arrays (before shuffling);
        ``validation_data`` (``(x, y)``, ``(x, y, sample_weight)`` or a dataset) takes
        precedence over it.
        """
        self._assert_compiled("fit")
        if validation_split and validation_data is None:
            (x, y, sample_weight), validation_data = train_validation_split(
                (x, y, sample_weight), validation_split
            )
        val_x = val_y = val_sample_weight = None
        if validation_data is not None:
            val_x, val_y, val_sample_weight = unpack_x_y_sample_weight(validation_data)
        iterator = EpochIterator(
            x,
            y,
            sample_weight=sample_weight,
            batch_size=batch_size,
            steps_per_epoch=steps_per_epoch,
            shuffle=shuffle,
            class_weight=class_weight,
            steps_per_execution=self.steps_per_execution,
        )
        self._symbolic_build(iterator.peek())
        if not isinstance(callbacks, CallbackList):
            callbacks = CallbackList(
                callbacks,
                add_history=True,
                add_progbar=verbose != 0,
                model=self,
                verbose=verbose,
                epochs=epochs,
                steps=iterator.num_batches,
            )
        _set(self, "stop_training", False)
        train_function = self.make_train_function()
        callbacks.on_train_begin()
        initial_epoch = self.__dict__.get("_initial_epoch") or initial_epoch
        training_logs: dict[str, Any] | None = None
        logs: dict[str, Any] = {}
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            callbacks.on_epoch_begin(epoch)
            steps_done = 0
            for begin, end, batches in iterator.enumerate_epoch():
                callbacks.on_train_batch_begin(begin)
                logs = pythonify_logs(train_function(batches))
                steps_done += len(batches)
                callbacks.on_train_batch_end(end, logs)
                if self.stop_training:
                    break
            if steps_done == 0:  # a generator that ran dry: nothing was trained this epoch
                break
            epoch_logs = dict(logs)
            if validation_data is not None and self._should_validate(epoch, validation_freq):
                if self.__dict__.get("_eval_epoch_iterator") is None:
                    _set(
                        self,
                        "_eval_epoch_iterator",
                        EpochIterator(
                            val_x,
                            val_y,
                            sample_weight=val_sample_weight,
                            batch_size=validation_batch_size or batch_size,
                            steps_per_epoch=validation_steps,
                            shuffle=False,
                            steps_per_execution=self.steps_per_execution,
                        ),
                    )
                val_logs = self.evaluate(
                    x=val_x,
                    y=val_y,
                    sample_weight=val_sample_weight,
                    batch_size=validation_batch_size or batch_size,
                    steps=validation_steps,
                    callbacks=callbacks,
                    return_dict=True,
                    _use_cached_eval_dataset=True,
                )
                epoch_logs.update({f"val_{name}": value for name, value in val_logs.items()})
                epoch_logs = {key: epoch_logs[key] for key in sorted(epoch_logs)}
            callbacks.on_epoch_end(epoch, epoch_logs)
            training_logs = epoch_logs
            if self.stop_training or iterator.out_of_data:
                break
        finalize = getattr(self.optimizer, "finalize_variable_values", None)
        if finalize is not None and getattr(self.optimizer, "use_ema", False):
            finalize(list(self.trainable_variables))
        callbacks.on_train_end(logs=training_logs)
        _set(self, "_eval_epoch_iterator", None)
        _set(self, "_initial_epoch", None)
        return self.history

    @staticmethod
    def _should_validate(epoch: int, validation_freq: int | list[int]) -> bool:
        if isinstance(validation_freq, int):
            if validation_freq < 1:
                raise ConfigError(
                    "validation_freq must be a positive integer.",
                    expected=">= 1",
                    received=repr(validation_freq),
                )
            return (epoch + 1) % validation_freq == 0
        if isinstance(validation_freq, (list, tuple, set)):
            return (epoch + 1) in validation_freq
        raise ConfigError(
            "validation_freq must be an integer or a list of epochs.",
            expected="e.g. 2 or [1, 5, 10]",
            received=repr(validation_freq),
        )

    # -- evaluate ----------------------------------------------------------------------------
    def evaluate(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        verbose: int | str = "auto",
        sample_weight: Any = None,
        steps: int | None = None,
        callbacks: Any = None,
        return_dict: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Loss and metric values on the data: a scalar (loss only), a list in
        :attr:`metrics_names` order, or a dict with ``return_dict=True``."""
        self._assert_compiled("evaluate")
        use_cached = kwargs.pop("_use_cached_eval_dataset", False)
        if kwargs:
            raise TypeError(f"evaluate() got unexpected keyword arguments {sorted(kwargs)}")
        cached = self.__dict__.get("_eval_epoch_iterator")
        if use_cached and cached is not None:
            iterator = cached
        else:
            iterator = EpochIterator(
                x,
                y,
                sample_weight=sample_weight,
                batch_size=batch_size,
                steps_per_epoch=steps,
                shuffle=False,
                steps_per_execution=self.steps_per_execution,
            )
        self._symbolic_build(iterator.peek())
        if not isinstance(callbacks, CallbackList):
            callbacks = CallbackList(
                callbacks,
                add_progbar=verbose != 0,
                model=self,
                verbose=verbose,
                epochs=1,
                steps=iterator.num_batches,
            )
        test_function = self.make_test_function()
        _set(self, "stop_evaluating", False)
        callbacks.on_test_begin()
        self.reset_metrics()
        logs: dict[str, Any] = {}
        for begin, end, batches in iterator.enumerate_epoch():
            callbacks.on_test_batch_begin(begin)
            logs = pythonify_logs(test_function(batches))
            callbacks.on_test_batch_end(end, logs)
            if self.stop_evaluating:
                break
        callbacks.on_test_end(logs)
        if return_dict:
            return logs
        return self._flatten_in_order(logs)

    def _flatten_in_order(self, logs: dict[str, Any]) -> Any:
        """Log values ordered as ``metrics_names`` (compiled metrics expanded in place)."""
        order: list[str] = []
        for metric in self.metrics:
            if metric is self._compile_metrics:
                order.extend(metric.result().keys())
            else:
                order.append(metric.name)
        order = [k for k in dict.fromkeys(order) if k in logs]
        order += [k for k in logs if k not in order]
        values = [logs[k] for k in order]
        return values[0] if len(values) == 1 else values

    # -- predict -----------------------------------------------------------------------------
    def predict(
        self,
        x: Any,
        batch_size: int | None = None,
        verbose: int | str = "auto",
        steps: int | None = None,
        callbacks: Any = None,
    ) -> Any:
        """The model's outputs for ``x`` as NumPy arrays (same structure as the outputs)."""
        if verbose == 0 and not callbacks and steps is None:
            outputs = self._predict_one_batch(x, batch_size)
            if outputs is not None:
                return outputs
        iterator = EpochIterator(
            x,
            batch_size=batch_size,
            steps_per_epoch=steps,
            shuffle=False,
            steps_per_execution=self.steps_per_execution,
        )
        if not isinstance(callbacks, CallbackList):
            callbacks = CallbackList(
                callbacks,
                add_progbar=verbose != 0,
                model=self,
                verbose=verbose,
                epochs=1,
                steps=iterator.num_batches,
            )
        predict_function = self.make_predict_function()
        _set(self, "stop_predicting", False)
        callbacks.on_predict_begin()
        collected: list[Any] = []
        for begin, end, batches in iterator.enumerate_epoch():
            callbacks.on_predict_batch_begin(begin)
            outputs = [tree.map_structure(_to_numpy_output, o) for o in predict_function(batches)]
            collected.extend(outputs)
            callbacks.on_predict_batch_end(end, {"outputs": outputs[-1]})
            if self.stop_predicting:
                break
        callbacks.on_predict_end()
        if not collected:
            raise DataError(
                "predict() received no batches.",
                expected="at least one batch",
                received="an empty dataset",
            )
        return tree.map_structure(lambda *parts: np.concatenate(parts, axis=0), *collected)

    def _predict_one_batch(self, x: Any, batch_size: int | None) -> Any:
        """``predict`` of in-memory arrays that make one batch, without callbacks or progress
        output: the batch goes straight to the predict function (the same step and numbers,
        without the epoch iterator's per-call cost). ``None`` when ``x`` is anything else."""
        if not ArrayDataAdapter.can_handle(x):
            return None
        x = standardize_structure(x)
        sizes = {int(np.shape(leaf)[0]) if np.ndim(leaf) else -1 for leaf in tree.flatten(x)}
        if len(sizes) != 1 or not 0 < next(iter(sizes)) <= (batch_size or 32):
            return None
        data = to_backend(pack_x_y_sample_weight(x, None, None))
        outputs = self.make_predict_function()([data])[0]
        return tree.map_structure(_to_numpy_output, outputs)

    # -- single batches ----------------------------------------------------------------------
    def _single_batch(self, x: Any, y: Any, sample_weight: Any, class_weight: Any) -> tuple:
        data = pack_x_y_sample_weight(
            standardize_structure(x), standardize_structure(y), standardize_structure(sample_weight)
        )
        if class_weight is not None:
            data = apply_class_weight(data, class_weight)
        return to_backend(data)

    def train_on_batch(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        class_weight: Any = None,
        return_dict: bool = False,
    ) -> Any:
        """One training step on one batch; returns the metric values (see ``evaluate``)."""
        self._assert_compiled("train_on_batch")
        data = self._single_batch(x, y, sample_weight, class_weight)
        self._symbolic_build(data)
        logs = pythonify_logs(self.make_train_function()([data]))
        return logs if return_dict else self._flatten_in_order(logs)

    def test_on_batch(
        self, x: Any, y: Any = None, sample_weight: Any = None, return_dict: bool = False
    ) -> Any:
        """One evaluation step on one batch; returns the metric values."""
        self._assert_compiled("test_on_batch")
        data = self._single_batch(x, y, sample_weight, None)
        self._symbolic_build(data)
        logs = pythonify_logs(self.make_test_function()([data]))
        return logs if return_dict else self._flatten_in_order(logs)

    def predict_on_batch(self, x: Any) -> Any:
        """The model's outputs for one batch, as NumPy arrays."""
        data = self._single_batch(x, None, None, None)
        outputs = self.make_predict_function()([data])[0]
        return tree.map_structure(_to_numpy_output, outputs)


def _to_numpy_output(value: Any) -> Any:
    from tholos import ops

    return np.asarray(ops.convert_to_numpy(value))


__all__ = ["NotCompiledError", "Trainer", "pythonify_logs"]
