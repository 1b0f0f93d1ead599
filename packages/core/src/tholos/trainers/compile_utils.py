"""What ``Model.compile(loss=..., metrics=...)`` turns into.

:class:`CompileLoss` maps the ``loss`` / ``loss_weights`` arguments (one loss, or a list or
dict matching the model's outputs) onto the predictions and returns the weighted total.
:class:`CompileMetrics` does the same for ``metrics`` / ``weighted_metrics`` and behaves as a
single metric whose ``result()`` is a dict of named values.

Both are built on the first batch (:meth:`build`), once the structure and shapes of ``y`` and
``y_pred`` are known: string identifiers such as ``"accuracy"`` then resolve to the binary,
categorical or sparse-categorical variant that fits the labels, as Keras does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tholos import tree
from tholos.errors import ConfigError, OpInputError


def _shape(x: Any) -> tuple:
    shape = getattr(x, "shape", None)
    if shape is None:
        import numpy as np

        shape = np.shape(x)
    return tuple(shape)


def _dtype_kind(x: Any) -> str:
    dtype = str(getattr(x, "dtype", "float32"))
    if "int" in dtype:
        return "i"
    if "bool" in dtype:
        return "b"
    return "f"


def _identifier_name(identifier: Any) -> str:
    if isinstance(identifier, str):
        return identifier
    name = getattr(identifier, "name", None)
    if isinstance(name, str):
        return name
    return getattr(identifier, "__name__", type(identifier).__name__)


_ACCURACY = ("accuracy", "acc")
_CROSSENTROPY = ("crossentropy", "ce")
_BINARY_LOSSES = ("binary_crossentropy", "binary_focal_crossentropy", "bce")
_SPARSE_LOSSES = ("sparse_categorical_crossentropy",)


def _label_kind(y_true: Any, y_pred: Any, loss_name: str | None) -> str:
    """``"binary"``, ``"sparse"`` or ``"categorical"``: how labels relate to predictions."""
    t_shape, p_shape = _shape(y_true), _shape(y_pred)
    p_last = p_shape[-1] if p_shape else 1
    t_last = t_shape[-1] if t_shape else 1
    loss_name = (loss_name or "").lower()
    if any(b in loss_name for b in _BINARY_LOSSES):
        return "binary"
    if any(s in loss_name for s in _SPARSE_LOSSES):
        return "sparse"
    if p_last == 1:
        return "binary"
    if len(t_shape) < len(p_shape) or (t_last == 1 and p_last not in (None, 1)):
        return "sparse"
    return "categorical"


def _resolve_metric(identifier: Any, y_true: Any, y_pred: Any, loss_name: str | None) -> Any:
    """A Metric object for one ``compile(metrics=...)`` entry."""
    from tholos import metrics as metrics_module

    if isinstance(identifier, str):
        lowered = identifier.lower()
        name = identifier
        if lowered in _ACCURACY or lowered in _CROSSENTROPY:
            kind = _label_kind(y_true, y_pred, loss_name)
            base = "accuracy" if lowered in _ACCURACY else "crossentropy"
            identifier = {
                "binary": f"binary_{base}",
                "sparse": f"sparse_categorical_{base}",
                "categorical": f"categorical_{base}",
            }[kind]
        resolved = _get(metrics_module, identifier, "metric")
        if not _is_metric(resolved):
            return metrics_module.MeanMetricWrapper(resolved, name=name)
        _rename(resolved, name)  # Keras names a metric given as a string by that string
        return resolved
    if isinstance(identifier, type):
        return identifier()
    if _is_metric(identifier):
        return identifier
    if callable(identifier):
        return metrics_module.MeanMetricWrapper(identifier, name=_identifier_name(identifier))
    raise ConfigError(
        "compile(metrics=...) received an entry that is not a metric.",
        expected="a metric name such as 'accuracy', a Metric instance or a function",
        received=repr(identifier),
    )


def _rename(metric: Any, name: str) -> None:
    try:
        metric.name = name
    except AttributeError:
        metric._name = name


def _is_metric(obj: Any) -> bool:
    return hasattr(obj, "update_state") and hasattr(obj, "result")


def _get(module: Any, identifier: Any, what: str) -> Any:
    try:
        return module.get(identifier)
    except (ValueError, KeyError, TypeError) as err:
        if isinstance(err, ConfigError):
            raise
        raise ConfigError(
            f"Unknown {what} identifier {identifier!r}.",
            expected=f"a {what} name known to tholos.{module.__name__.split('.')[-1]}, "
            f"an instance or a function",
            received=repr(identifier),
            hint=f"Check the spelling; see tholos.{module.__name__.split('.')[-1]}.get.",
        ) from err


def _resolve_loss(identifier: Any) -> Any:
    """A callable ``loss(y_true, y_pred, sample_weight=None) -> scalar``."""
    from tholos import losses as losses_module

    if identifier is None:
        return None
    obj = identifier
    if isinstance(identifier, (str, dict)):
        obj = _get(losses_module, identifier, "loss")
    if isinstance(obj, type):
        obj = obj()
    if not callable(obj):
        raise ConfigError(
            "compile(loss=...) received something that is not a loss.",
            expected="a loss name such as 'mse', a Loss instance or a function",
            received=repr(identifier),
        )
    if hasattr(obj, "reduction") or (hasattr(obj, "get_config") and hasattr(obj, "call")):
        return obj  # a Loss instance: reduces and applies sample weights itself
    wrapper = getattr(losses_module, "LossFunctionWrapper", None)
    name = identifier if isinstance(identifier, str) else _identifier_name(obj)
    if wrapper is not None:
        return wrapper(obj, name=name)
    return _MeanReducedLoss(obj, name)


class _MeanReducedLoss:
    """Fallback wrapper: per-sample loss function -> weighted mean over the batch."""

    def __init__(self, fn: Any, name: str) -> None:
        self.fn = fn
        self.name = name

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        from tholos import ops

        values = self.fn(y_true, y_pred)
        if sample_weight is not None:
            sample_weight = ops.cast(sample_weight, values.dtype)
            while len(sample_weight.shape) > len(values.shape):
                sample_weight = ops.squeeze(sample_weight, -1)
            while len(sample_weight.shape) < len(values.shape):
                sample_weight = ops.expand_dims(sample_weight, -1)
            values = values * sample_weight
        return ops.mean(values)


def _output_names(model: Any, y_pred: Any) -> list[str]:
    if isinstance(y_pred, Mapping):
        return sorted(y_pred)
    flat = tree.flatten(y_pred)
    names = list(getattr(model, "output_names", None) or [])
    if len(names) == len(flat):
        return names
    if len(flat) == 1:
        return ["output"]
    return [f"output_{i}" for i in range(len(flat))]


def _per_output(spec: Any, names: list[str], y_pred: Any, what: str) -> list[Any]:
    """Spread a compile argument (single, list or dict) over the flat outputs."""
    count = len(names)
    if spec is None:
        return [None] * count
    if isinstance(spec, Mapping) and not _looks_like_config(spec):
        unknown = sorted(set(spec) - set(names))
        if unknown:
            raise ConfigError(
                f"compile({what}=...) names outputs the model does not have.",
                expected=f"keys among {names}",
                received=f"unknown keys {unknown}",
            )
        return [spec.get(n) for n in names]
    if isinstance(spec, (list, tuple)) and count > 1:
        if len(spec) != count:
            raise ConfigError(
                f"compile({what}=...) must give one entry per model output.",
                expected=f"{count} entries (outputs {names})",
                received=f"{len(spec)} entries",
            )
        return list(spec)
    if isinstance(spec, (list, tuple)) and count == 1 and what in ("loss", "loss_weights"):
        if len(spec) != 1:
            raise ConfigError(
                f"compile({what}=...) must give one entry per model output.",
                expected="1 entry (the model has one output)",
                received=f"{len(spec)} entries",
            )
        return list(spec)
    return [spec] * count


def _looks_like_config(spec: Mapping) -> bool:
    return "class_name" in spec and "config" in spec


def _flatten_like(value: Any, y_pred: Any, names: list[str], what: str) -> list[Any]:
    """Flatten ``y``/``sample_weight`` to match the flat outputs."""
    count = len(names)
    if value is None:
        return [None] * count
    if isinstance(value, Mapping):
        if isinstance(y_pred, Mapping):
            return [value.get(n) for n in names]
        return [value.get(n) for n in names]
    flat = tree.flatten(value) if tree.is_nested(value) else [value]
    if len(flat) == count:
        return flat
    if len(flat) == 1:
        return flat * count
    raise OpInputError(
        f"The structure of `{what}` does not match the model's outputs.",
        expected=f"{count} arrays (outputs {names})",
        received=f"{len(flat)} arrays",
        hint="Pass one array per output, as a list in output order or a dict keyed by name.",
    )


def check_labels(y_true: Any, y_pred: Any, loss: Any, output: str) -> None:
    """Raise a clear error when labels cannot fit the loss (e.g. one-hot vs sparse)."""
    name = _identifier_name(getattr(loss, "fn", loss)).lower()
    t_shape, p_shape = _shape(y_true), _shape(y_pred)
    if not p_shape:
        return
    if "sparse_categorical" in name:
        ok = len(t_shape) == len(p_shape) - 1 or (len(t_shape) == len(p_shape) and t_shape[-1] == 1)
        if not ok:
            raise OpInputError(
                f"Labels for output {output!r} do not fit loss {name!r}.",
                expected=f"integer class indices of shape {p_shape[:-1]} or {(*p_shape[:-1], 1)}",
                received=f"labels of shape {t_shape} for predictions of shape {p_shape}",
                hint="For one-hot labels use loss='categorical_crossentropy'.",
            )
    elif "categorical" in name and "crossentropy" in name:
        if len(t_shape) != len(p_shape) or t_shape[-1] != p_shape[-1]:
            raise OpInputError(
                f"Labels for output {output!r} do not fit loss {name!r}.",
                expected=f"one-hot labels of shape {p_shape}",
                received=f"labels of shape {t_shape} for predictions of shape {p_shape}",
                hint="For integer class labels use loss='sparse_categorical_crossentropy'.",
            )
    elif len(t_shape) == len(p_shape) and t_shape[1:] != p_shape[1:]:
        if all(
            a is None or b is None or a == b or a == 1 or b == 1
            for a, b in zip(t_shape[1:], p_shape[1:])
        ):
            return
        raise OpInputError(
            f"Labels for output {output!r} do not match the predictions' shape.",
            expected=f"labels of shape {p_shape}",
            received=f"labels of shape {t_shape}",
            hint="Reshape the labels or change the model's last layer.",
        )


class CompileLoss:
    """The compiled loss: weighted sum of one loss per output.

    Call it as ``compile_loss(y_true, y_pred, sample_weight)``; returns a scalar tensor.
    With several outputs it also keeps one ``Mean`` tracker per output (``"<output>_loss"``),
    listed in :attr:`metrics`.
    """

    def __init__(
        self,
        loss: Any,
        loss_weights: Any = None,
        output_names: Sequence[str] | None = None,
        model: Any = None,
    ) -> None:
        self.loss = loss
        self.loss_weights = loss_weights
        self._model = model
        self._output_names = list(output_names) if output_names else None
        self.built = False
        self._names: list[str] = []
        self._losses: list[Any] = []
        self._weights: list[float] = []
        self._trackers: list[Any] = []
        if loss is not None and not tree.is_nested(loss):
            _resolve_loss(loss)  # fail fast on unknown identifiers (at compile time)
        elif isinstance(loss, (list, tuple, dict)):
            for item in loss.values() if isinstance(loss, dict) else loss:
                if item is not None and not tree.is_nested(item):
                    _resolve_loss(item)

    @property
    def metrics(self) -> list[Any]:
        return [t for t in self._trackers if t is not None]

    def build(self, y_true: Any, y_pred: Any) -> None:
        from tholos import metrics as metrics_module

        names = self._output_names or _output_names(self._model, y_pred)
        flat_pred = (
            [y_pred[n] for n in names] if isinstance(y_pred, Mapping) else tree.flatten(y_pred)
        )
        if len(names) != len(flat_pred):
            names = _output_names(None, y_pred)
        self._names = names
        self._losses = [_resolve_loss(s) for s in _per_output(self.loss, names, y_pred, "loss")]
        weights = _per_output(self.loss_weights, names, y_pred, "loss_weights")
        self._weights = [1.0 if w is None else float(w) for w in weights]
        flat_true = _flatten_like(y_true, y_pred, names, "y")
        for yt, yp, fn, name in zip(flat_true, flat_pred, self._losses, names):
            if fn is not None and yt is not None:
                check_labels(yt, yp, fn, name)
        active = [n for n, fn in zip(names, self._losses) if fn is not None]
        if len(active) > 1:
            self._trackers = [
                metrics_module.Mean(name=f"{n}_loss") if fn is not None else None
                for n, fn in zip(names, self._losses)
            ]
        else:
            self._trackers = []
        self.built = True

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        from tholos import ops

        if not self.built:
            self.build(y_true, y_pred)
        names = self._names
        flat_pred = (
            [y_pred[n] for n in names] if isinstance(y_pred, Mapping) else tree.flatten(y_pred)
        )
        flat_true = _flatten_like(y_true, y_pred, names, "y")
        flat_weight = _flatten_like(sample_weight, y_pred, names, "sample_weight")
        total = None
        for i, (yt, yp, sw) in enumerate(zip(flat_true, flat_pred, flat_weight)):
            fn = self._losses[i]
            if fn is None or yt is None:
                continue
            value = fn(yt, yp, sample_weight=sw) if sw is not None else fn(yt, yp)
            if self._trackers and self._trackers[i] is not None:
                self._trackers[i].update_state(_stop_gradient(value))
            weighted = value * self._weights[i] if self._weights[i] != 1.0 else value
            total = weighted if total is None else ops.add(total, weighted)
        if total is None:
            return None
        return total


def _stop_gradient(value: Any) -> Any:
    from tholos import ops

    stop = getattr(ops, "stop_gradient", None)
    return stop(value) if stop is not None else value


class CompileMetrics:
    """All compiled metrics as one metric whose ``result()`` is ``{name: value}``."""

    name = "compile_metrics"

    def __init__(
        self,
        metrics: Any = None,
        weighted_metrics: Any = None,
        output_names: Sequence[str] | None = None,
        model: Any = None,
        loss: Any = None,
    ) -> None:
        self._spec = metrics
        self._weighted_spec = weighted_metrics
        self._output_names = list(output_names) if output_names else None
        self._model = model
        self._loss = loss
        self.built = False
        self._entries: list[tuple[int, Any, bool]] = []  # (output index, metric, weighted)
        self._names: list[str] = []

    @property
    def metrics(self) -> list[Any]:
        return [m for _, m, _ in self._entries]

    @property
    def variables(self) -> list[Any]:
        out = []
        for m in self.metrics:
            out.extend(getattr(m, "variables", []))
        return out

    def _entries_for(
        self, spec: Any, names: list[str], y_true: Any, y_pred: Any, weighted: bool
    ) -> list[tuple[int, Any, bool]]:
        if spec is None:
            return []
        flat_pred = (
            [y_pred[n] for n in names] if isinstance(y_pred, Mapping) else tree.flatten(y_pred)
        )
        flat_true = _flatten_like(y_true, y_pred, names, "y")
        loss_names = self._loss_names(names, y_pred)
        if isinstance(spec, Mapping):
            per_output = _per_output(spec, names, y_pred, "metrics")
        elif (
            isinstance(spec, (list, tuple))
            and len(names) > 1
            and len(spec) == len(names)
            and all(isinstance(s, (list, tuple)) or s is None for s in spec)
        ):
            per_output = list(spec)
        elif isinstance(spec, (list, tuple)):
            per_output = [list(spec)] * len(names)
        else:
            raise ConfigError(
                "compile(metrics=...) must be a list of metrics (or a list/dict per output).",
                expected="e.g. metrics=['accuracy']",
                received=repr(spec),
            )
        entries = []
        for i, items in enumerate(per_output):
            if items is None:
                continue
            if not isinstance(items, (list, tuple)):
                items = [items]
            for item in items:
                metric = _resolve_metric(item, flat_true[i], flat_pred[i], loss_names[i])
                if len(names) > 1 and len(per_output) > 1:
                    _rename(metric, f"{names[i]}_{metric.name}")
                entries.append((i, metric, weighted))
        return entries

    def _loss_names(self, names: list[str], y_pred: Any) -> list[str | None]:
        try:
            per = _per_output(self._loss, names, y_pred, "loss")
        except ConfigError:
            return [None] * len(names)
        return [_identifier_name(p) if p is not None else None for p in per]

    def build(self, y_true: Any, y_pred: Any) -> None:
        names = self._output_names or _output_names(self._model, y_pred)
        if len(names) != len(tree.flatten(y_pred)):
            names = _output_names(None, y_pred)
        self._names = names
        entries = self._entries_for(self._spec, names, y_true, y_pred, False)
        weighted = self._entries_for(self._weighted_spec, names, y_true, y_pred, True)
        taken = {m.name for _, m, _ in entries}
        for _, metric, _ in weighted:
            if metric.name in taken:
                _rename(metric, f"weighted_{metric.name}")
        self._entries = entries + weighted
        self.built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        if not self.built:
            self.build(y_true, y_pred)
        names = self._names
        flat_pred = (
            [y_pred[n] for n in names] if isinstance(y_pred, Mapping) else tree.flatten(y_pred)
        )
        flat_true = _flatten_like(y_true, y_pred, names, "y")
        flat_weight = _flatten_like(sample_weight, y_pred, names, "sample_weight")
        for i, metric, weighted in self._entries:
            if flat_true[i] is None:
                continue
            if weighted and flat_weight[i] is not None:
                metric.update_state(flat_true[i], flat_pred[i], sample_weight=flat_weight[i])
            else:
                metric.update_state(flat_true[i], flat_pred[i])

    def result(self) -> dict[str, Any]:
        results: dict[str, Any] = {}
        for _, metric, _ in self._entries:
            value = metric.result()
            if isinstance(value, Mapping):
                results.update(value)
            else:
                results[metric.name] = value
        return results

    def reset_state(self) -> None:
        for metric in self.metrics:
            metric.reset_state()


__all__ = ["CompileLoss", "CompileMetrics", "check_labels"]
