"""Saving and loading: ``.keras`` model files, ``.weights.h5`` weight files, and the config
registry (``register_serializable``, ``custom_object_scope``, ``serialize_object``...).

>>> from tholos import saving
>>> callable(saving.load_model) and callable(saving.register_serializable)
True
"""

from tholos.saving.archive import LIMITS, ArchiveLimits
from tholos.saving.atomic import atomic_path, atomic_write, atomic_write_bytes
from tholos.saving.safe_mode import (
    disable_unsafe_deserialization,
    enable_unsafe_deserialization,
    in_safe_mode,
)
from tholos.saving.saving_api import load_model, load_weights, save_model, save_weights
from tholos.saving.serialization import (
    CustomObjectScope,
    custom_object_scope,
    deserialize_keras_object,
    deserialize_object,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
    register_serializable,
    serialize_keras_object,
    serialize_object,
)

__all__ = [
    "LIMITS",
    "ArchiveLimits",
    "CustomObjectScope",
    "atomic_path",
    "atomic_write",
    "atomic_write_bytes",
    "custom_object_scope",
    "deserialize_keras_object",
    "deserialize_object",
    "disable_unsafe_deserialization",
    "enable_unsafe_deserialization",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "in_safe_mode",
    "load_model",
    "load_weights",
    "register_keras_serializable",
    "register_serializable",
    "save_model",
    "save_weights",
    "serialize_keras_object",
    "serialize_object",
]
