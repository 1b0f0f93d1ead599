"""Core layers: Dense, EinsumDense, Embedding, Activation, Identity, Lambda, Masking."""

from tholos.layers.core.activation import Activation
from tholos.layers.core.dense import Dense
from tholos.layers.core.einsum_dense import EinsumDense
from tholos.layers.core.embedding import Embedding
from tholos.layers.core.identity import Identity
from tholos.layers.core.lambda_layer import Lambda
from tholos.layers.core.masking import Masking

__all__ = ["Activation", "Dense", "EinsumDense", "Embedding", "Identity", "Lambda", "Masking"]
