"""``tholos.distribution``: data- and model-parallel training (Keras 3's names).

Core only describes the plan; each backend carries it out with its framework's own engine
(``jax.sharding``, ``torch.distributed``, ``tf.distribute``) through the optional
``distribution`` hooks of :mod:`tholos.backend.contract.distribution`. See
``docs/distributed.md``.

>>> from tholos import distribution
>>> mesh = distribution.DeviceMesh((2,), ("batch",), ["cpu:0", "cpu:1"])
>>> distribution.DataParallel(device_mesh=mesh).num_replicas
2
"""

from tholos.distribution._api import (
    distribute_tensor,
    distribution,
    initialize,
    is_chief,
    list_devices,
    num_processes,
    process_id,
    set_distribution,
)
from tholos.distribution._distributions import DataParallel, Distribution, ModelParallel
from tholos.distribution._mesh import DeviceMesh, LayoutMap, TensorLayout

__all__ = [
    "DataParallel",
    "DeviceMesh",
    "Distribution",
    "LayoutMap",
    "ModelParallel",
    "TensorLayout",
    "distribute_tensor",
    "distribution",
    "initialize",
    "is_chief",
    "list_devices",
    "num_processes",
    "process_id",
    "set_distribution",
]
