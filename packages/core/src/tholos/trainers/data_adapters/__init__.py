"""Data adapters: everything ``fit``/``evaluate``/``predict`` accept as data.

:func:`get_data_adapter` picks the adapter for the user's data: adapters contributed by
plugins through the ``tholos_data_adapters`` hook first, then the built-in ones for
in-memory arrays (NumPy, pandas, Array API / DLPack, nested in lists/tuples/dicts),
``tholos.utils.PyDataset``, ``tf.data.Dataset``, ``torch.utils.data.DataLoader`` and Python
generators.
"""

from __future__ import annotations

from typing import Any

from tholos.trainers.data_adapters.array_data_adapter import ArrayDataAdapter
from tholos.trainers.data_adapters.data_adapter import DataAdapter
from tholos.trainers.data_adapters.data_adapter_utils import (
    DataError,
    pack_x_y_sample_weight,
    train_validation_split,
    unpack_x_y_sample_weight,
)
from tholos.trainers.data_adapters.generator_data_adapter import GeneratorDataAdapter
from tholos.trainers.data_adapters.py_dataset_adapter import PyDatasetAdapter
from tholos.trainers.data_adapters.tf_dataset_adapter import TFDatasetAdapter
from tholos.trainers.data_adapters.torch_data_loader_adapter import TorchDataLoaderAdapter

BUILTIN_ADAPTERS: tuple[type, ...] = (
    PyDatasetAdapter,
    TFDatasetAdapter,
    TorchDataLoaderAdapter,
    GeneratorDataAdapter,
    ArrayDataAdapter,
)


def plugin_adapters() -> list[type]:
    """Adapter classes contributed by installed plugins (``tholos_data_adapters`` hook)."""
    try:
        from tholos.backend._discovery import REGISTRY
    except ImportError:  # discovery not available: no plugins
        return []
    REGISTRY.infos()  # make sure entry points are registered with the plugin manager
    found: list[type] = []
    for contribution in REGISTRY.plugin_manager.hook.tholos_data_adapters():
        for adapter in contribution or ():
            if adapter not in found:
                found.append(adapter)
    return found


def get_data_adapter(
    x: Any,
    y: Any = None,
    sample_weight: Any = None,
    batch_size: int | None = None,
    steps_per_epoch: int | None = None,
    shuffle: bool | str = False,
    class_weight: Any = None,
) -> DataAdapter:
    """The adapter for ``x``/``y`` (raises :class:`DataError` for unsupported data)."""
    if isinstance(x, DataAdapter):
        return x
    for adapter_cls in plugin_adapters() + list(BUILTIN_ADAPTERS):
        if adapter_cls.can_handle(x, y):
            return adapter_cls(
                x,
                y,
                sample_weight=sample_weight,
                batch_size=batch_size,
                steps=steps_per_epoch,
                shuffle=shuffle,
                class_weight=class_weight,
            )
    raise DataError(
        "Unrecognized data type for x (or y).",
        expected="NumPy/pandas/Array API arrays (possibly nested in lists, tuples or dicts), "
        "a tholos.utils.PyDataset, a tf.data.Dataset, a torch DataLoader or a Python generator",
        received=f"x: {type(x).__name__}, y: {type(y).__name__}",
        hint="Convert the data to NumPy arrays, or install a plugin that provides an adapter.",
    )


__all__ = [
    "ArrayDataAdapter",
    "DataAdapter",
    "DataError",
    "GeneratorDataAdapter",
    "PyDatasetAdapter",
    "TFDatasetAdapter",
    "TorchDataLoaderAdapter",
    "get_data_adapter",
    "pack_x_y_sample_weight",
    "train_validation_split",
    "unpack_x_y_sample_weight",
]
