"""Attention layers: ``Attention``, ``AdditiveAttention`` and ``MultiHeadAttention``."""

from tholos.layers.attention.additive_attention import AdditiveAttention
from tholos.layers.attention.attention import Attention
from tholos.layers.attention.multi_head_attention import MultiHeadAttention

__all__ = ["AdditiveAttention", "Attention", "MultiHeadAttention"]
