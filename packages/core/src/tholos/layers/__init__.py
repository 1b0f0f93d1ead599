"""``tholos.layers``: the Layer base, Input, and the built-in layers.

Each family lives in its own subpackage (``layers/core/dense.py`` holds Dense,
``layers/convolutional/conv.py`` Conv1D/2D/3D, ...); this module re-exports the public names.
"""

from tholos.layers.activations import ELU, LeakyReLU, PReLU, ReLU, Softmax
from tholos.layers.attention import AdditiveAttention, Attention, MultiHeadAttention
from tholos.layers.convolutional import *  # noqa: F403
from tholos.layers.convolutional import __all__ as _convolutional
from tholos.layers.core import (
    Activation,
    Dense,
    EinsumDense,
    Embedding,
    Identity,
    Lambda,
    Masking,
)
from tholos.layers.input_layer import Input, InputLayer
from tholos.layers.input_spec import InputSpec
from tholos.layers.layer import Layer
from tholos.layers.merging import *  # noqa: F403
from tholos.layers.merging import __all__ as _merging
from tholos.layers.normalization import (
    BatchNormalization,
    GroupNormalization,
    LayerNormalization,
    RMSNormalization,
    UnitNormalization,
)
from tholos.layers.pooling import *  # noqa: F403
from tholos.layers.pooling import __all__ as _pooling
from tholos.layers.preprocessing import Normalization, Rescaling
from tholos.layers.regularization import *  # noqa: F403
from tholos.layers.regularization import __all__ as _regularization
from tholos.layers.reshaping import *  # noqa: F403
from tholos.layers.reshaping import __all__ as _reshaping
from tholos.layers.rnn import *  # noqa: F403
from tholos.layers.rnn import __all__ as _rnn

__all__ = sorted(
    {
        "Activation",
        "AdditiveAttention",
        "Attention",
        "BatchNormalization",
        "Dense",
        "ELU",
        "EinsumDense",
        "Embedding",
        "GroupNormalization",
        "Identity",
        "Input",
        "InputLayer",
        "InputSpec",
        "Lambda",
        "Layer",
        "LayerNormalization",
        "LeakyReLU",
        "Masking",
        "MultiHeadAttention",
        "Normalization",
        "PReLU",
        "RMSNormalization",
        "ReLU",
        "Rescaling",
        "Softmax",
        "UnitNormalization",
        *_convolutional,
        *_merging,
        *_pooling,
        *_regularization,
        *_reshaping,
        *_rnn,
    }
)


def _register_builtin_layers() -> None:
    """Every public layer class is a built-in serializable object of ``tholos.layers``."""
    import inspect

    from tholos.saving.serialization import builtin_objects, register_builtin

    known = builtin_objects("tholos.layers")
    for name in __all__:
        obj = globals()[name]
        if inspect.isclass(obj) and issubclass(obj, Layer) and name not in known:
            register_builtin("tholos.layers", name)(obj)


_register_builtin_layers()
