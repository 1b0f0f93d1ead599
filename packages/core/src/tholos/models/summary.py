"""``Model.summary()``: a box-drawn table of layers, output shapes and parameter counts.

The table uses Unicode box-drawing characters (heavy header, light rows), so it reads the
same in a terminal and in a notebook. Long cells wrap at spaces.

>>> from tholos import layers, models
>>> model = models.Sequential([layers.Input((3,)), layers.Dense(2, name="out")], name="tiny")
>>> model.summary()
Model: "tiny"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ out (Dense)                     │ (None, 2)              │             8 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 8 (32.00 B)
 Trainable params: 8 (32.00 B)
 Non-trainable params: 0 (0.00 B)
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from tholos import tree
from tholos.backend.dtypes import dtype_size, standardize_dtype
from tholos.errors import OpInputError

# default layouts: total width, and the right edge of each column as a fraction of the width
# available to cells
_SEQUENTIAL_LAYOUT = (76, [0.46, 0.79, 1.0])
_GRAPH_LAYOUT = (76, [0.3, 0.56, 0.73, 1.0])
_TRAINABLE_WIDTH = 11


def readable_memory_size(num_bytes: float) -> str:
    """``1041192`` -> ``"1016.79 KB"`` (1 KB = 1024 B)."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if num_bytes / 1024 < 1 or unit == "TB":
            return f"{num_bytes:.2f} {unit}"
        num_bytes /= 1024
    return f"{num_bytes:.2f} PB"  # pragma: no cover


def _weights_size(weights: list[Any]) -> tuple[int, int]:
    count = 0
    size = 0
    seen: set[int] = set()
    for w in weights:
        if id(w) in seen:
            continue
        seen.add(id(w))
        n = math.prod(w.shape)
        count += n
        dtype = getattr(w, "_dtype", None) or w.dtype
        size += n * dtype_size(standardize_dtype(dtype)) // 8
    return count, size


def _wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap; a word longer than ``width`` is cut."""
    if width <= 0:
        return [text]
    stripped = text.lstrip(" ")
    indent = len(text) - len(stripped)
    if indent and indent < width:
        return [" " * indent + line for line in _wrap(stripped, width - indent)]
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split(" "):
            while len(word) > width:
                if current:
                    lines.append(current)
                    current = ""
                lines.append(word[:width])
                word = word[width:]
            if not current:
                current = word
            elif len(current) + 1 + len(word) <= width:
                current += " " + word
            else:
                lines.append(current)
                current = word
        lines.append(current)
    return lines or [""]


def _column_widths(line_length: int, positions: list[float], ncols: int) -> list[int]:
    available = line_length - (ncols + 1)
    if all(p <= 1 for p in positions):
        edges = [round(p * available) for p in positions]
    else:  # absolute positions (Keras' legacy form): scale them to the available width
        scale = available / positions[-1]
        edges = [round(p * scale) for p in positions]
    widths = []
    previous = 0
    for edge in edges:
        widths.append(max(3, edge - previous))
        previous = edge
    return widths


def _rule(widths: list[int], left: str, fill: str, mid: str, right: str) -> str:
    return left + mid.join(fill * w for w in widths) + right


def _render_row(cells: list[str], widths: list[int], aligns: list[str], bar: str) -> list[str]:
    wrapped = [_wrap(str(c), w - 2) for c, w in zip(cells, widths)]
    height = max(len(w) for w in wrapped)
    lines = []
    for i in range(height):
        parts = []
        for lines_of_cell, width, align in zip(wrapped, widths, aligns):
            text = lines_of_cell[i] if i < len(lines_of_cell) else ""
            if align == "right":
                text = text.rjust(width - 2)
            elif align == "center":
                text = text.center(width - 2)
            else:
                text = text.ljust(width - 2)
            parts.append(" " + text + " ")
        lines.append(bar + bar.join(parts) + bar)
    return lines


def _format_shape(value: Any) -> str:
    if value is None:
        return "?"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_format_shape(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_format_shape(v) for v in value) + "]"
    if isinstance(value, tuple) and all(d is None or isinstance(d, int) for d in value):
        return str(value) if len(value) != 1 else f"({value[0]},)"
    return str(value)


def _model_nodes(model: Any) -> set[int] | None:
    graph = getattr(model, "_functional", None)
    if graph is None:
        graph = model
    return getattr(graph, "_node_ids", None)


def _output_shape(layer: Any, node_ids: set[int] | None) -> str:
    shapes = []
    for node in getattr(layer, "_inbound_nodes", []):
        if node_ids is not None and id(node) not in node_ids:
            continue
        shapes.append(tree.map_structure(lambda t: t.shape, node.output_structure))
    if not shapes:
        for node in getattr(layer, "_inbound_nodes", [])[:1]:
            shapes.append(tree.map_structure(lambda t: t.shape, node.output_structure))
    if not shapes:
        return "?"
    if len(shapes) > 1 and any(s != shapes[0] for s in shapes[1:]):
        return "multiple"
    return _format_shape(shapes[0])


def _connections(layer: Any, node_ids: set[int] | None) -> str:
    refs = []
    for node in getattr(layer, "_inbound_nodes", []):
        if node_ids is not None and id(node) not in node_ids:
            continue
        for tensor in node.input_tensors:
            history = getattr(tensor, "_keras_history", None)
            if history is None:
                continue
            refs.append(f"{history.operation.name}[{history.node_index}][{history.tensor_index}]")
    return ", ".join(refs) if refs else "-"


def _is_sequential_like(model: Any) -> bool:
    from tholos.models.sequential import Sequential

    if isinstance(model, Sequential):
        return True
    nodes = getattr(model, "_nodes", None)
    if nodes is None:  # subclassed model
        return True
    if len(getattr(model, "_inputs", [])) != 1 or len(getattr(model, "_outputs", [])) != 1:
        return False
    consumers: dict[int, int] = {}
    seen_ops: set[int] = set()
    for node in nodes:
        if len(node.input_tensors) > 1:
            return False
        if id(node.operation) in seen_ops:
            return False
        seen_ops.add(id(node.operation))
        for tensor in node.input_tensors:
            consumers[id(tensor)] = consumers.get(id(tensor), 0) + 1
            if consumers[id(tensor)] > 1:
                return False
    return True


def _layer_rows(model: Any, expand_nested: bool, depth: int = 0) -> list[tuple[Any, int, Any]]:
    """``(layer, depth, owning model)`` for each row, nested models expanded when asked."""
    from tholos.layers.layer import Layer

    layers = [op for op in _summary_layers(model) if isinstance(op, Layer)]
    rows = []
    for layer in layers:
        rows.append((layer, depth, model))
        if expand_nested and hasattr(layer, "layers") and _is_model(layer):
            rows.extend(_layer_rows(layer, expand_nested, depth + 1))
    return rows


def _summary_layers(model: Any) -> list[Any]:
    from tholos.models.sequential import Sequential

    if isinstance(model, Sequential):
        return model.layers
    operations = getattr(model, "_operations", None)
    if operations is not None:
        return list(operations)
    return model.layers


def _is_model(layer: Any) -> bool:
    from tholos.models.model import Model

    return isinstance(layer, Model)


def _select_range(rows: list, layer_range: Any) -> list:
    if layer_range is None:
        return rows
    if not isinstance(layer_range, (list, tuple)) or len(layer_range) != 2:
        raise OpInputError(
            "summary: layer_range must be two layer names (or patterns).",
            expected="(first_name, last_name)",
            received=repr(layer_range),
        )
    start_pattern, end_pattern = layer_range
    names = [row[0].name for row in rows]
    starts = [i for i, n in enumerate(names) if re.match(start_pattern, n)]
    ends = [i for i, n in enumerate(names) if re.match(end_pattern, n)]
    if not starts or not ends or starts[0] > ends[-1]:
        raise OpInputError(
            "summary: layer_range does not match the model's layers.",
            expected=f"names among {names}",
            received=repr(layer_range),
        )
    return rows[starts[0] : ends[-1] + 1]


def summary_lines(
    model: Any,
    line_length: int | None = None,
    positions: list[float] | None = None,
    expand_nested: bool = False,
    show_trainable: bool = False,
    layer_range: Any = None,
) -> list[str]:
    """The lines :func:`print_summary` prints."""
    sequential_like = _is_sequential_like(model)
    if sequential_like:
        default_length, default_positions = _SEQUENTIAL_LAYOUT
        header = ["Layer (type)", "Output Shape", "Param #"]
        aligns = ["left", "left", "right"]
    else:
        default_length, default_positions = _GRAPH_LAYOUT
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        aligns = ["left", "left", "right", "left"]
    line_length = line_length or default_length
    positions = list(positions or default_positions)
    if len(positions) != len(header):
        raise OpInputError(
            "summary: one position per column is needed.",
            expected=f"{len(header)} positions for columns {header}",
            received=str(positions),
        )
    widths = _column_widths(line_length, positions, len(header))
    if show_trainable:
        header.append("Trainable")
        aligns.append("center")
        widths.append(_TRAINABLE_WIDTH)

    rows = _select_range(_layer_rows(model, expand_nested), layer_range)
    lines = [f'Model: "{model.name}"']
    lines.append(_rule(widths, "┏", "━", "┳", "┓"))
    lines.extend(_render_row(header, widths, aligns, "┃"))
    lines.append(_rule(widths, "┡", "━", "╇", "┩"))
    for index, (layer, depth, owner) in enumerate(rows):
        node_ids = _model_nodes(owner)
        indent = "  " * depth
        name = f"{indent}{layer.name} ({type(layer).__name__})"
        if layer.built:
            params = f"{layer.count_params():,}"
        else:
            params = "0 (unbuilt)"
        cells = [name, _output_shape(layer, node_ids), params]
        if not sequential_like:
            cells.append(_connections(layer, node_ids))
        if show_trainable:
            cells.append("Y" if layer.trainable else "N")
        lines.extend(_render_row(cells, widths, aligns, "│"))
        if index < len(rows) - 1:
            lines.append(_rule(widths, "├", "─", "┼", "┤"))
    lines.append(_rule(widths, "└", "─", "┴", "┘"))

    trainable_count, trainable_size = _weights_size(model.trainable_weights)
    frozen_count, frozen_size = _weights_size(model.non_trainable_weights)
    optimizer = getattr(model, "optimizer", None)
    optimizer_vars = list(getattr(optimizer, "variables", []) or []) if optimizer else []
    optimizer_count, optimizer_size = _weights_size(optimizer_vars)
    total_count = trainable_count + frozen_count + optimizer_count
    total_size = trainable_size + frozen_size + optimizer_size
    lines.append(f" Total params: {total_count:,} ({readable_memory_size(total_size)})")
    lines.append(f" Trainable params: {trainable_count:,} ({readable_memory_size(trainable_size)})")
    lines.append(f" Non-trainable params: {frozen_count:,} ({readable_memory_size(frozen_size)})")
    if optimizer_count:
        lines.append(
            f" Optimizer params: {optimizer_count:,} ({readable_memory_size(optimizer_size)})"
        )
    return lines


def print_summary(
    model: Any,
    line_length: int | None = None,
    positions: list[float] | None = None,
    print_fn: Callable[..., Any] | None = None,
    expand_nested: bool = False,
    show_trainable: bool = False,
    layer_range: Any = None,
) -> None:
    """Print :func:`summary_lines`, one call of ``print_fn`` (default ``print``) per line."""
    print_fn = print_fn or print
    for line in summary_lines(
        model, line_length, positions, expand_nested, show_trainable, layer_range
    ):
        print_fn(line)
