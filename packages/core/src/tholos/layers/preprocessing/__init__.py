"""Preprocessing layers: Rescaling and Normalization."""

from tholos.layers.preprocessing.normalization import Normalization
from tholos.layers.preprocessing.rescaling import Rescaling

__all__ = ["Normalization", "Rescaling"]
