"""Normalization layers."""

from tholos.layers.normalization.batch_normalization import BatchNormalization
from tholos.layers.normalization.group_normalization import GroupNormalization
from tholos.layers.normalization.layer_normalization import LayerNormalization
from tholos.layers.normalization.rms_normalization import RMSNormalization
from tholos.layers.normalization.unit_normalization import UnitNormalization

__all__ = [
    "BatchNormalization",
    "GroupNormalization",
    "LayerNormalization",
    "RMSNormalization",
    "UnitNormalization",
]
