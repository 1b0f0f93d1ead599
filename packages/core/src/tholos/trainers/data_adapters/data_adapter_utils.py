"""Helpers shared by the data adapters: batch (un)packing, conversion, class weights, splits.

Foreign objects (pandas, TensorFlow, PyTorch) are recognised through ``sys.modules`` only: if
the user has not imported the library, their data cannot be one of its objects, and tholos
never imports it.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from typing import Any

import numpy as np

from tholos import tree
from tholos.errors import DataError


def unpack_x_y_sample_weight(data: Any) -> tuple[Any, Any, Any]:
    """Split a batch into ``(x, y, sample_weight)``; missing parts are ``None``.

    >>> unpack_x_y_sample_weight((1, 2))
    (1, 2, None)
    >>> unpack_x_y_sample_weight(5)
    (5, None, None)
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple) or hasattr(data, "_fields"):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data[0], data[1], data[2]
    raise DataError(
        "A batch must be x, (x,), (x, y) or (x, y, sample_weight).",
        expected="a tuple of 1 to 3 elements",
        received=f"a tuple of {len(data)} elements",
        hint="Wrap several inputs in a list or dict: ((x1, x2), y).",
    )


def pack_x_y_sample_weight(x: Any, y: Any = None, sample_weight: Any = None) -> tuple:
    """The inverse of :func:`unpack_x_y_sample_weight`."""
    if y is None:
        return (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def _module_of(obj: Any) -> str:
    return type(obj).__module__ or ""


def is_pandas(obj: Any) -> bool:
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(obj, (pd.DataFrame, pd.Series))


def is_tf_dataset(obj: Any) -> bool:
    tf = sys.modules.get("tensorflow")
    if tf is None:
        return False
    try:
        return isinstance(obj, tf.data.Dataset)
    except AttributeError:
        return False


def is_torch_dataloader(obj: Any) -> bool:
    torch_data = sys.modules.get("torch.utils.data")
    if torch_data is None:
        return False
    return isinstance(obj, torch_data.DataLoader)


def is_array_like(obj: Any) -> bool:
    """An array tholos can turn into NumPy: ndarray, pandas, Array API / DLPack, Variable."""
    if isinstance(obj, np.ndarray) or np.isscalar(obj):
        return True
    if is_pandas(obj):
        return True
    return any(hasattr(obj, attr) for attr in ("__array_namespace__", "__dlpack__", "__array__"))


def to_numpy(x: Any) -> Any:
    """Convert one leaf (any supported array) to a NumPy array; ``None`` stays ``None``."""
    if x is None or isinstance(x, np.ndarray):
        return x
    if is_pandas(x):
        return x.to_numpy()
    if hasattr(x, "assign") and hasattr(x, "numpy"):  # a tholos Variable
        return np.asarray(x.numpy())
    if hasattr(x, "detach") and hasattr(x, "cpu"):  # a torch tensor, possibly on a GPU
        return x.detach().cpu().numpy()
    if hasattr(x, "__dlpack__") and not hasattr(x, "__array__"):
        try:
            return np.from_dlpack(x)
        except (TypeError, RuntimeError, BufferError):
            pass
    if hasattr(x, "numpy") and callable(x.numpy) and "tensorflow" in _module_of(x):
        return x.numpy()
    if isinstance(x, (str, bytes)):
        return np.asarray(x)
    return np.asarray(x)


def standardize_array(x: Any) -> Any:
    """``to_numpy``, then float64 -> floatx (Keras feeds models in the configured float)."""
    array = to_numpy(x)
    if isinstance(array, np.ndarray) and array.dtype == np.float64:
        from tholos.backend.dtypes import floatx

        if floatx() != "float64":
            array = array.astype(floatx())
    return array


def standardize_structure(data: Any) -> Any:
    """Convert every leaf of a nested structure (lists of arrays stay lists)."""
    if data is None:
        return None
    if is_pandas(data):
        return standardize_array(data)
    if isinstance(data, (list, tuple)) and data and all(np.isscalar(v) for v in data):
        return standardize_array(np.asarray(data))  # a plain list of numbers is one array
    return tree.map_structure(standardize_array, data)


def num_samples(data: Any) -> list[int]:
    return [
        int(np.shape(leaf)[0])
        for leaf in tree.flatten(data)
        if leaf is not None and np.ndim(leaf) > 0
    ]


def check_lengths(x: Any, y: Any, sample_weight: Any) -> int:
    """All arrays must have the same first dimension; return it."""
    sizes = {}
    for label, part in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        if part is None:
            continue
        for leaf in tree.flatten(part):
            if leaf is None:
                continue
            if np.ndim(leaf) == 0:
                raise DataError(
                    f"`{label}` holds a scalar where an array of samples is expected.",
                    expected="arrays whose first dimension indexes samples",
                    received=f"a 0-d value {leaf!r}",
                )
            sizes.setdefault(label, []).append(int(np.shape(leaf)[0]))
    distinct = {n for values in sizes.values() for n in values}
    if len(distinct) > 1:
        detail = ", ".join(f"{k}: {v}" for k, v in sizes.items())
        raise DataError(
            "Data cardinality is ambiguous: arrays have different numbers of samples.",
            expected="the same first dimension for every array of x, y and sample_weight",
            received=detail,
            hint="Make sure x and y have the same length (one label per sample).",
        )
    if not distinct:
        raise DataError("No data was given.", expected="x (and y) arrays", received="None")
    size = distinct.pop()
    if size == 0:
        raise DataError(
            "The dataset is empty.",
            expected="at least one sample",
            received="arrays with 0 samples",
        )
    return size


def class_weight_to_sample_weights(y: Any, class_weight: Mapping[int, float]) -> np.ndarray:
    """Per-sample weights looked up from a class index -> weight mapping.

    One-hot labels use their argmax; single-column labels are rounded (binary).

    >>> class_weight_to_sample_weights(np.array([0, 1, 1]), {0: 1.0, 1: 3.0}).tolist()
    [1.0, 3.0, 3.0]
    """
    y = to_numpy(y)
    if y.ndim > 1 and y.shape[-1] > 1:
        labels = np.argmax(y, axis=-1)
    else:
        labels = np.round(y.reshape(y.shape[0], -1)[:, 0] if y.ndim > 1 else y)
    labels = labels.astype(np.int64)
    known = {int(k) for k in class_weight}
    missing = sorted(set(np.unique(labels).tolist()) - known)
    if missing:
        raise DataError(
            "class_weight does not give a weight for every class in the labels.",
            expected=f"keys for classes {sorted(set(np.unique(labels).tolist()))}",
            received=f"keys {sorted(known)} (missing {missing})",
        )
    table = np.zeros(max(known | set(labels.tolist())) + 1, dtype=np.float32)
    for key, weight in class_weight.items():
        table[int(key)] = weight
    return table[labels]


def check_class_weight(y: Any, class_weight: Any) -> None:
    if class_weight is None:
        return
    if not isinstance(class_weight, Mapping):
        raise DataError(
            "class_weight must be a dict mapping class indices to weights.",
            expected="e.g. {0: 1.0, 1: 5.0}",
            received=type(class_weight).__name__,
        )
    if y is None:
        raise DataError(
            "class_weight needs labels.",
            expected="y given with class_weight",
            received="y=None",
        )
    if tree.is_nested(y) and len(tree.flatten(y)) > 1:
        raise DataError(
            "class_weight is only supported for models with a single output.",
            expected="a single y array",
            received=f"{len(tree.flatten(y))} label arrays",
            hint="Pass sample_weight per output instead.",
        )


def apply_class_weight(batch: Any, class_weight: Any) -> Any:
    """Add class-derived sample weights to a batch ``(x, y[, sample_weight])``."""
    if class_weight is None:
        return batch
    x, y, sample_weight = unpack_x_y_sample_weight(batch)
    check_class_weight(y, class_weight)
    y_leaf = tree.flatten(y)[0]
    weights = class_weight_to_sample_weights(y_leaf, class_weight)
    if sample_weight is not None:
        weights = weights * to_numpy(tree.flatten(sample_weight)[0]).reshape(weights.shape)
    return (x, y, weights)


def train_validation_split(arrays: tuple, validation_split: float) -> tuple[tuple, tuple]:
    """Split arrays into the first ``1 - validation_split`` and the last ``validation_split``.

    >>> (a,), (b,) = train_validation_split((np.arange(10),), 0.2)
    >>> a.tolist(), b.tolist()
    ([0, 1, 2, 3, 4, 5, 6, 7], [8, 9])
    """
    if not 0.0 < validation_split < 1.0:
        raise DataError(
            "validation_split must be between 0 and 1.",
            expected="0 < validation_split < 1",
            received=repr(validation_split),
        )
    flat = [leaf for leaf in tree.flatten(arrays) if leaf is not None]
    unsplittable = [type(leaf).__name__ for leaf in flat if not is_array_like(leaf)]
    if unsplittable or not flat:
        raise DataError(
            "validation_split is only supported for array inputs.",
            expected="NumPy arrays, pandas objects or other arrays",
            received=f"{', '.join(unsplittable) or 'no arrays'}",
            hint="Pass validation_data=... for datasets, generators and PyDataset.",
        )
    converted = tree.map_structure(lambda a: None if a is None else to_numpy(a), arrays)
    total = check_lengths(*(tuple(converted) + (None,) * (3 - len(converted))))
    split_at = math.floor(total * (1.0 - validation_split))
    if split_at == 0 or split_at == total:
        raise DataError(
            "validation_split leaves one of the two parts empty.",
            expected="at least one sample for training and one for validation",
            received=f"{total} samples split at {split_at} (validation_split={validation_split})",
            hint="Use a larger dataset or a different validation_split.",
        )

    def head(a):
        return None if a is None else a[:split_at]

    def tail(a):
        return None if a is None else a[split_at:]

    return tree.map_structure(head, converted), tree.map_structure(tail, converted)


__all__ = [
    "DataError",
    "apply_class_weight",
    "check_lengths",
    "class_weight_to_sample_weights",
    "is_array_like",
    "is_pandas",
    "is_tf_dataset",
    "is_torch_dataloader",
    "pack_x_y_sample_weight",
    "standardize_structure",
    "to_numpy",
    "train_validation_split",
    "unpack_x_y_sample_weight",
]
