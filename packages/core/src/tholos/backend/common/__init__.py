"""Framework-free helpers for backend authors.

Pure Python (no NumPy, torch, JAX or TensorFlow imports): the argument validation, shape
arithmetic and error construction that every backend's ops need in the same form, so that
every backend accepts the same arguments and raises the same :class:`~tholos.errors.OpInputError`
for the same mistake. A backend calls these before handing the work to its framework.

- :mod:`.conv_args`: ``data_format``, ``strides``/``dilation_rate``/``pool_size`` tuples,
  ``padding`` names, convolution/pooling rank and channel checks, TF/Keras ``"same"`` padding
  and output sizes, transposed-convolution lengths and crops.
- :mod:`.image_args`: image rank and channel checks, pad/crop amounts, ``resize`` and
  sampling (``map_coordinates``/``affine_transform``) arguments.
- :mod:`.axes`: axis normalisation, ``shape`` arguments, reshape/squeeze/expand_dims and
  reduction output shapes.
- :mod:`.nn_args`: loss and normalization shape checks (same shapes, sparse targets,
  per-axis ``batch_normalization`` arguments).

See ``docs/writing-a-backend.md``.
"""

from tholos.backend.common import axes, conv_args, image_args, nn_args

__all__ = ["axes", "conv_args", "image_args", "nn_args"]
