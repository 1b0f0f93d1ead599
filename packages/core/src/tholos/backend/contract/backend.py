"""The object a backend plugin's ``load()`` returns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, runtime_checkable

from tholos.backend.contract.core_ops import CoreOps
from tholos.backend.contract.devices import DeviceOps
from tholos.backend.contract.image_ops import ImageOps
from tholos.backend.contract.linalg_ops import LinalgOps
from tholos.backend.contract.math_ops import MathOps
from tholos.backend.contract.nn_ops import NNOps
from tholos.backend.contract.numpy_ops import NumpyOps
from tholos.backend.contract.random_ops import RandomOps
from tholos.backend.contract.trainer import TrainerHooks


@runtime_checkable
class Backend(Protocol):
    """A loaded backend: one attribute per op family, plus its Variable class and hooks.

    name: the backend's name, as selected by users.
    core, numpy, nn, linalg, math, image, random: objects (usually modules) holding one
        function per op of the matching Protocol, with the Protocol's signature minus ``self``.
    Variable: a subclass of :class:`tholos.Variable` that stores values natively.
    devices: the :class:`DeviceOps` of the backend.
    trainer: the :class:`TrainerHooks` of the backend.
    unsupported: ``{"family.op": "reason"}`` for ops the backend declares it cannot provide.
        Calling one raises :class:`tholos.errors.UnsupportedOpError` with the reason. Any op
        neither implemented nor listed here makes the plugin fail validation when loaded.

    Optional attributes (absent or ``None``: nothing changes; they are not validated):

    layer_mixin: a class every layer and model created while this backend is active also
        derives from (torch: a ``torch.nn.Module`` mixin, so layers are torch modules).
        ``Layer.__new__`` instantiates, instead of a layer class ``C``, the subclass
        ``class C(C, layer_mixin)`` (made once per class; see
        :func:`tholos.layers.layer.backend_layer_class`), which keeps ``C``'s name, qualname,
        module, registered name and ``from_config``, so configs, saved files, summaries and
        ``isinstance(layer, C)`` are as without it; the original class is its
        ``_tholos_original_class``. The mixin comes after every tholos class in the MRO:
        tholos methods (``__call__``, ``__setattr__``, ``__repr__``...) win, the layer call
        costs nothing more, and the mixin only adds names tholos does not define. It may
        define ``__new__`` (calling ``super().__new__(cls)``) to set up per-instance state,
        since tholos ``__init__`` chains never reach it; pickling must name the original
        class (``__reduce_ex__``).
    trainer.fused_update, trainer.to_device, trainer.JIT_BY_DEFAULT: optional trainer hooks,
        see :class:`~tholos.backend.contract.trainer.TrainerHooks`.
    distribution: how the backend carries out :mod:`tholos.distribution` plans (several
        devices or processes), see
        :class:`~tholos.backend.contract.distribution.DistributionHooks`.
    """

    name: str
    core: CoreOps
    numpy: NumpyOps
    nn: NNOps
    linalg: LinalgOps
    math: MathOps
    image: ImageOps
    random: RandomOps
    Variable: type
    devices: DeviceOps
    trainer: TrainerHooks
    unsupported: Mapping[str, str]


FAMILIES: dict[str, type] = {
    "core": CoreOps,
    "numpy": NumpyOps,
    "nn": NNOps,
    "linalg": LinalgOps,
    "math": MathOps,
    "image": ImageOps,
    "random": RandomOps,
    "devices": DeviceOps,
    "trainer": TrainerHooks,
}
"""Every family of the contract, by the attribute name it has on a :class:`Backend`."""
