"""Regularization layers: dropout variants, noise, activity regularization."""

from tholos.layers.regularization.activity_regularization import ActivityRegularization
from tholos.layers.regularization.dropout import Dropout
from tholos.layers.regularization.noise import AlphaDropout, GaussianDropout, GaussianNoise
from tholos.layers.regularization.spatial_dropout import (
    SpatialDropout1D,
    SpatialDropout2D,
    SpatialDropout3D,
)

__all__ = [
    "ActivityRegularization",
    "AlphaDropout",
    "Dropout",
    "GaussianDropout",
    "GaussianNoise",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
]
