"""``Distribution`` and its two strategies, ``DataParallel`` and ``ModelParallel``.

They only describe the plan (the mesh, which dimension of the data is the batch, how each
variable is laid out). The active backend carries it out through its optional
``distribution`` hooks (see :mod:`tholos.backend.contract.distribution`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

from tholos.distribution._mesh import DeviceMesh, LayoutMap, TensorLayout
from tholos.errors import ConfigError


class Distribution:
    """The base of every distribution: a device mesh and the name of its batch axis."""

    def __init__(self, device_mesh: DeviceMesh, batch_dim_name: str | None = None) -> None:
        if not isinstance(device_mesh, DeviceMesh):
            raise ConfigError(
                f"{type(self).__name__} needs a DeviceMesh.",
                expected="a tholos.distribution.DeviceMesh",
                received=type(device_mesh).__name__,
            )
        if batch_dim_name is None:
            batch_dim_name = device_mesh.axis_names[0]
        if batch_dim_name not in device_mesh.axis_names:
            raise ConfigError(
                f"{type(self).__name__}: batch_dim_name is not an axis of the device mesh.",
                expected=f"one of {device_mesh.axis_names}",
                received=repr(batch_dim_name),
            )
        self._device_mesh = device_mesh
        self._batch_dim_name = batch_dim_name

    @property
    def device_mesh(self) -> DeviceMesh:
        return self._device_mesh

    @property
    def batch_dim_name(self) -> str:
        return self._batch_dim_name

    @property
    def num_replicas(self) -> int:
        """How many slices each global batch is split into (the batch axis' size)."""
        return self._device_mesh.axis_size(self._batch_dim_name)

    @property
    def is_chief(self) -> bool:
        """Whether this process writes files (checkpoints, logs): process 0."""
        from tholos.distribution._api import process_id

        return process_id() == 0

    def get_data_layout(self, data_shape: Sequence[int]) -> TensorLayout:
        """Batches are split along their first dimension over the batch axis."""
        axes: list[str | None] = [None] * len(tuple(data_shape))
        if axes:
            axes[0] = self._batch_dim_name
        return TensorLayout(tuple(axes), self._device_mesh)

    def get_variable_layout(self, variable: Any) -> TensorLayout:
        """Replicated on every device (subclasses may shard)."""
        return TensorLayout((None,) * len(tuple(variable.shape)), self._device_mesh)

    def get_tensor_layout(self, path: str) -> TensorLayout | None:
        """The layout of an intermediate tensor named ``path`` (``None``: the compiler's
        choice)."""
        del path
        return None

    def distribute_dataset(self, dataset: Any) -> Any:
        """Returned as is: each backend takes its share of every global batch in the step."""
        return dataset

    @contextlib.contextmanager
    def scope(self) -> Iterator[Distribution]:
        """Make this the active distribution inside the block (variables created inside it
        are placed by the backend, e.g. mirrored under TensorFlow)."""
        from tholos.distribution import _api

        _api._check_supported(self)
        _api._SCOPES.append(self)
        try:
            with _api._backend_scope(self):
                yield self
        finally:
            _api._SCOPES.pop()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} device_mesh={self._device_mesh!r}>"


class DataParallel(Distribution):
    """Every device holds all the weights and works on a slice of each batch; gradients
    are averaged across devices (weighted by slice size: the same update as one device on
    the whole batch).

    Args:
        device_mesh: a 1-D mesh (its only axis is the batch axis); exclusive with ``devices``.
        devices: the devices to use; ``None`` (and no mesh): every device of
            :func:`tholos.distribution.list_devices` (under torch: one per process).
        auto_shard_dataset: accepted for Keras compatibility; each backend always splits
            every global batch itself.

    >>> dp = DataParallel(devices=["cpu:0", "cpu:1"])
    >>> dp.device_mesh.shape, dp.batch_dim_name
    ((2,), 'batch')
    """

    def __init__(
        self,
        device_mesh: DeviceMesh | None = None,
        devices: Sequence[Any] | None = None,
        auto_shard_dataset: bool = True,
    ) -> None:
        if device_mesh is not None and devices is not None:
            raise ConfigError(
                "DataParallel: pass device_mesh or devices, not both.",
                expected="one of them (or neither: all devices)",
                received="both",
            )
        if device_mesh is None:
            if devices is None:
                from tholos.distribution._api import list_devices

                devices = list_devices()
            devices = list(devices)
            if not devices:
                raise ConfigError(
                    "DataParallel: no devices.", expected="at least one", received="[]"
                )
            device_mesh = DeviceMesh((len(devices),), ("batch",), devices)
        elif len(device_mesh.shape) != 1:
            raise ConfigError(
                "DataParallel needs a 1-D device mesh.",
                expected="DeviceMesh((n,), ('batch',), devices)",
                received=repr(device_mesh),
                hint="use ModelParallel for meshes with a model axis",
            )
        super().__init__(device_mesh, device_mesh.axis_names[0])
        self.auto_shard_dataset = auto_shard_dataset


class ModelParallel(Distribution):
    """Weights laid out by a :class:`LayoutMap` (matched against variable paths), data split
    along ``batch_dim_name``; weights no pattern matches are replicated.

    Args:
        layout_map: variable-path patterns to layouts; its mesh is the distribution's.
        batch_dim_name: the mesh axis the batch is split over (default: the first axis).

    >>> mesh = DeviceMesh((2, 2), ("batch", "model"), list(range(4)))
    >>> layouts = LayoutMap(mesh)
    >>> layouts["dense/kernel"] = (None, "model")
    >>> ModelParallel(layout_map=layouts, batch_dim_name="batch").num_replicas
    2
    """

    def __init__(
        self,
        layout_map: LayoutMap | None = None,
        batch_dim_name: str | None = None,
        **kwargs: Any,
    ) -> None:
        device_mesh = kwargs.pop("device_mesh", None)
        if kwargs:
            raise TypeError(f"ModelParallel() got unexpected keyword arguments {sorted(kwargs)}")
        if not isinstance(layout_map, LayoutMap):
            raise ConfigError(
                "ModelParallel needs a LayoutMap.",
                expected="ModelParallel(layout_map=LayoutMap(mesh), batch_dim_name=...)",
                received=repr(layout_map),
            )
        if device_mesh is not None and device_mesh != layout_map.device_mesh:
            raise ConfigError(
                "ModelParallel: device_mesh differs from the layout map's mesh.",
                expected=repr(layout_map.device_mesh),
                received=repr(device_mesh),
            )
        super().__init__(layout_map.device_mesh, batch_dim_name)
        self._layout_map = layout_map

    @property
    def layout_map(self) -> LayoutMap:
        return self._layout_map

    def get_variable_layout(self, variable: Any) -> TensorLayout:
        path = getattr(variable, "path", None) or getattr(variable, "name", "")
        shape = tuple(variable.shape)
        layout = self._layout_map[path]
        if layout is None:
            return TensorLayout((None,) * len(shape), self._device_mesh)
        layout.check_shape(shape, what=f"variable {path!r}")
        return layout

    def get_tensor_layout(self, path: str) -> TensorLayout | None:
        return self._layout_map[path]


__all__ = ["DataParallel", "Distribution", "ModelParallel"]
