"""Saving and serialization. (Config registry only for now; ``.keras`` files come later.)"""

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
    "CustomObjectScope",
    "custom_object_scope",
    "deserialize_keras_object",
    "deserialize_object",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "register_keras_serializable",
    "register_serializable",
    "serialize_keras_object",
    "serialize_object",
]
