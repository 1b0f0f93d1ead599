"""``DeviceMesh``, ``TensorLayout`` and ``LayoutMap``: framework-free descriptions of where
arrays live. Backends turn them into their own objects (``jax.sharding.Mesh`` and
``NamedSharding``, a ``tf.distribute`` strategy, a ``torch.distributed`` process group)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, MutableMapping, Sequence
from typing import Any

import numpy as np

from tholos.errors import ConfigError


class DeviceMesh:
    """An n-dimensional grid of devices with a name per axis.

    Args:
        shape: the grid's shape, e.g. ``(2, 4)``; its product is the number of devices.
        axis_names: one name per axis, e.g. ``("batch", "model")``.
        devices: the devices (names such as ``"gpu:0"`` or backend device objects), in
            row-major order or already shaped like ``shape``. ``None``: every device of
            :func:`tholos.distribution.list_devices`.

    >>> mesh = DeviceMesh((2, 2), ("batch", "model"), ["cpu:0", "cpu:1", "cpu:2", "cpu:3"])
    >>> mesh.devices.shape, mesh.axis_names
    ((2, 2), ('batch', 'model'))
    """

    def __init__(
        self,
        shape: Sequence[int],
        axis_names: Sequence[str],
        devices: Sequence[Any] | None = None,
    ) -> None:
        if isinstance(shape, int):
            shape = (shape,)
        if not shape or any(not isinstance(s, (int, np.integer)) or s < 1 for s in shape):
            raise ConfigError(
                "DeviceMesh: shape must be a non-empty sequence of positive integers.",
                expected="e.g. (8,) or (2, 4)",
                received=repr(shape),
            )
        shape = tuple(int(s) for s in shape)
        if isinstance(axis_names, str):
            axis_names = (axis_names,)
        axis_names = tuple(str(a) for a in axis_names)
        if len(axis_names) != len(shape):
            raise ConfigError(
                "DeviceMesh: one axis name is needed per mesh dimension.",
                expected=f"{len(shape)} names for shape {shape}",
                received=repr(axis_names),
            )
        if len(set(axis_names)) != len(axis_names):
            raise ConfigError(
                "DeviceMesh: axis names must be unique.",
                expected="distinct names",
                received=repr(axis_names),
            )
        if devices is None:
            from tholos.distribution._api import list_devices

            devices = list_devices()
        array = np.empty(len(_flat(devices)), dtype=object)
        array[:] = _flat(devices)
        if array.size != math.prod(shape):
            raise ConfigError(
                "DeviceMesh: the number of devices does not match the mesh shape.",
                expected=f"{math.prod(shape)} devices for shape {shape}",
                received=f"{array.size} devices",
                hint="pass devices=... explicitly, or a shape whose product is the device count",
            )
        self._shape = shape
        self._axis_names = axis_names
        self._devices = array.reshape(shape)

    @property
    def shape(self) -> tuple[int, ...]:
        return self._shape

    @property
    def axis_names(self) -> tuple[str, ...]:
        return self._axis_names

    @property
    def devices(self) -> np.ndarray:
        """The devices as an object array of shape :attr:`shape`."""
        return self._devices

    def axis_size(self, name: str) -> int:
        """How many devices lie along the axis called ``name``."""
        return self._shape[self._axis_index(name)]

    def _axis_index(self, name: str) -> int:
        if name not in self._axis_names:
            raise ConfigError(
                f"DeviceMesh: unknown axis name {name!r}.",
                expected=f"one of {self._axis_names}",
                received=repr(name),
            )
        return self._axis_names.index(name)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, DeviceMesh)
            and self._shape == other._shape
            and self._axis_names == other._axis_names
            and [str(d) for d in self._devices.flat] == [str(d) for d in other._devices.flat]
        )

    def __hash__(self) -> int:
        return hash((self._shape, self._axis_names, tuple(str(d) for d in self._devices.flat)))

    def __repr__(self) -> str:
        return f"<DeviceMesh shape={self._shape}, axis_names={self._axis_names}>"


def _flat(devices: Any) -> list[Any]:
    if isinstance(devices, np.ndarray):
        return list(devices.reshape(-1))
    out: list[Any] = []
    for d in devices:
        if isinstance(d, (list, tuple, np.ndarray)):
            out.extend(_flat(d))
        else:
            out.append(d)
    return out


class TensorLayout:
    """How one tensor is laid out on a mesh: for each tensor dimension, the mesh axis it is
    split along, or ``None`` (replicated along that dimension).

    Args:
        axes: one entry per tensor dimension: a mesh axis name or ``None``.
        device_mesh: the mesh; may be set later (a :class:`LayoutMap` sets its own).

    >>> mesh = DeviceMesh((2, 2), ("batch", "model"), list(range(4)))
    >>> TensorLayout((None, "model"), mesh).axes
    (None, 'model')
    """

    def __init__(self, axes: Sequence[str | None], device_mesh: DeviceMesh | None = None):
        if isinstance(axes, str) or axes is None:
            axes = (axes,)
        self._axes = tuple(axes)
        named = [a for a in self._axes if a is not None]
        if len(set(named)) != len(named):
            raise ConfigError(
                "TensorLayout: a mesh axis can split at most one tensor dimension.",
                expected="each axis name at most once",
                received=repr(self._axes),
            )
        self._device_mesh: DeviceMesh | None = None
        if device_mesh is not None:
            self.device_mesh = device_mesh

    @property
    def axes(self) -> tuple[str | None, ...]:
        return self._axes

    @property
    def device_mesh(self) -> DeviceMesh | None:
        return self._device_mesh

    @device_mesh.setter
    def device_mesh(self, mesh: DeviceMesh) -> None:
        if self._device_mesh is not None and self._device_mesh != mesh:
            raise ConfigError(
                "TensorLayout: the layout already belongs to another device mesh.",
                expected=repr(self._device_mesh),
                received=repr(mesh),
            )
        for axis in self._axes:
            if axis is not None and axis not in mesh.axis_names:
                raise ConfigError(
                    f"TensorLayout: axis {axis!r} is not an axis of the device mesh.",
                    expected=f"None or one of {mesh.axis_names}",
                    received=repr(self._axes),
                )
        self._device_mesh = mesh

    def check_shape(self, shape: Sequence[int], what: str = "tensor") -> None:
        """Raise a clear error unless this layout fits a tensor of ``shape``."""
        shape = tuple(shape)
        if len(shape) != len(self._axes):
            raise ConfigError(
                f"TensorLayout: the layout has {len(self._axes)} axes but the {what} has "
                f"rank {len(shape)}.",
                expected=f"a layout with one entry per dimension of shape {shape}",
                received=repr(self._axes),
            )
        mesh = self._device_mesh
        if mesh is None:
            return
        for dim, axis in zip(shape, self._axes):
            if axis is not None and dim is not None and dim % mesh.axis_size(axis):
                raise ConfigError(
                    f"TensorLayout: dimension of size {dim} of the {what} cannot be split "
                    f"evenly over mesh axis {axis!r} ({mesh.axis_size(axis)} devices).",
                    expected=f"a size divisible by {mesh.axis_size(axis)}",
                    received=f"shape {shape}, axes {self._axes}",
                )

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, TensorLayout)
            and self._axes == other._axes
            and self._device_mesh == other._device_mesh
        )

    def __hash__(self) -> int:
        return hash((self._axes, self._device_mesh))

    def __repr__(self) -> str:
        return f"<TensorLayout axes={self._axes}, device_mesh={self._device_mesh!r}>"


class LayoutMap(MutableMapping):
    """A dict from variable-path patterns to :class:`TensorLayout`\\ s.

    Keys are regular expressions matched (``re.search``) against variable paths such as
    ``"dense/kernel"``; a key equal to the path wins outright, otherwise exactly one pattern
    may match (several matches raise ``ConfigError``). Values are ``TensorLayout``\\ s or plain
    tuples of axis names, which become layouts on this map's mesh.

    >>> mesh = DeviceMesh((2, 2), ("batch", "model"), list(range(4)))
    >>> layout_map = LayoutMap(mesh)
    >>> layout_map["dense.*kernel"] = (None, "model")
    >>> layout_map["dense_1/kernel"].axes
    (None, 'model')
    >>> layout_map["conv/kernel"] is None
    True
    """

    def __init__(self, device_mesh: DeviceMesh) -> None:
        if not isinstance(device_mesh, DeviceMesh):
            raise ConfigError(
                "LayoutMap needs a DeviceMesh.",
                expected="LayoutMap(DeviceMesh(...))",
                received=type(device_mesh).__name__,
            )
        self._device_mesh = device_mesh
        self._layouts: dict[str, TensorLayout] = {}

    @property
    def device_mesh(self) -> DeviceMesh:
        return self._device_mesh

    def __getitem__(self, key: str) -> TensorLayout | None:
        if key in self._layouts:
            return self._layouts[key]
        matches = [k for k in self._layouts if re.search(k, key)]
        if len(matches) > 1:
            raise ConfigError(
                f"LayoutMap: the path {key!r} matches several patterns.",
                expected="at most one matching key (or an exact key)",
                received=repr(matches),
                hint="make the patterns more specific, e.g. anchor them with ^ and $",
            )
        return self._layouts[matches[0]] if matches else None

    def __setitem__(self, key: str, layout: Any) -> None:
        if key in self._layouts:
            raise ConfigError(
                f"LayoutMap: key {key!r} already has a layout.",
                expected="a new key (delete the old one first)",
                received=repr(key),
            )
        try:
            re.compile(key)
        except re.error as err:
            raise ConfigError(
                "LayoutMap: keys must be regular expressions.",
                expected="a valid pattern",
                received=repr(key),
            ) from err
        if isinstance(layout, (tuple, list)):
            layout = TensorLayout(tuple(layout))
        if not isinstance(layout, TensorLayout):
            raise ConfigError(
                "LayoutMap: values must be TensorLayouts or tuples of axis names.",
                expected="TensorLayout(...) or e.g. (None, 'model')",
                received=repr(layout),
            )
        layout.device_mesh = self._device_mesh
        self._layouts[key] = layout

    def __delitem__(self, key: str) -> None:
        del self._layouts[key]

    def __len__(self) -> int:
        return len(self._layouts)

    def __iter__(self) -> Iterator[str]:
        return iter(self._layouts)

    def __repr__(self) -> str:
        return f"<LayoutMap {dict((k, v.axes) for k, v in self._layouts.items())}>"


__all__ = ["DeviceMesh", "LayoutMap", "TensorLayout"]
