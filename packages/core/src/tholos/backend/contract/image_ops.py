"""The image op family (Keras 3's ``keras.ops.image``).

``images`` are rank 3 (one image) or rank 4 (a batch); ``data_format`` is
``"channels_last"`` (``(..., height, width, channels)``) or ``"channels_first"``
(``(..., channels, height, width)``), ``None`` meaning :func:`tholos.config.image_data_format`.
Results keep the rank and layout of ``images``. Interpolating ops compute in the images'
float dtype (integers in ``floatx()``). Bad input raises :class:`tholos.errors.OpInputError`.
"""

from __future__ import annotations

from typing import Any, Protocol

from tholos.backend.contract._spec import Tensor, op


class ImageOps(Protocol):
    @op(tier="matmul")
    def resize(
        self,
        images: Any,
        size: Any,
        interpolation: str = "bilinear",
        antialias: bool = False,
        crop_to_aspect_ratio: bool = False,
        pad_to_aspect_ratio: bool = False,
        fill_mode: str = "constant",
        fill_value: float = 0.0,
        data_format: str | None = None,
    ) -> Tensor:
        """Resize to ``size = (height, width)`` with half-pixel centres (TF2/Keras semantics).

        Output pixel ``i`` samples input coordinate ``(i + 0.5) * in / out - 0.5``.
        ``"nearest"`` takes input ``min(floor((i + 0.5) * in / out), in - 1)`` and keeps the
        dtype. ``"bilinear"``, ``"bicubic"`` (Keys, a = -0.5), ``"lanczos3"``, ``"lanczos5"``:
        separable kernels whose weights are renormalized over in-range taps (so edges
        replicate). ``antialias=True`` widens the kernel by the downscale factor.
        ``crop_to_aspect_ratio`` first crops the largest centred box of the target aspect
        ratio; ``pad_to_aspect_ratio`` pads (with ``fill_value``) to it.

        >>> x = np.array([0.0, 1.0], "float32").reshape(1, 2, 1)
        >>> np.asarray(ops.resize(x, (1, 4)))[0, :, 0]
        array([0.  , 0.25, 0.75, 1.  ], dtype=float32)
        """
        ...

    @op(tier="elementwise")
    def affine_transform(
        self,
        images: Any,
        transform: Any,
        interpolation: str = "bilinear",
        fill_mode: str = "constant",
        fill_value: float = 0,
        data_format: str | None = None,
    ) -> Tensor:
        """Apply projective transforms ``[a0, a1, a2, b0, b1, b2, c0, c1]`` (``(8,)`` or
        ``(batch, 8)``).

        Output pixel (row ``y``, column ``x``) reads the input at column
        ``(a0 x + a1 y + a2) / k``, row ``(b0 x + b1 y + b2) / k``, ``k = c0 x + c1 y + 1``.
        ``interpolation``: ``"nearest"`` or ``"bilinear"``. Taps outside the image follow
        ``fill_mode`` as in :meth:`map_coordinates`.

        >>> x = np.arange(3.0, dtype="float32").reshape(1, 3, 1)
        >>> shift = [1, 0, 1, 0, 1, 0, 0, 0]  # read one column to the right
        >>> np.asarray(ops.affine_transform(x, shift))[0, :, 0]
        array([1., 2., 0.], dtype=float32)
        """
        ...

    @op(tier="elementwise")
    def map_coordinates(
        self,
        inputs: Any,
        coordinates: Any,
        order: int,
        fill_mode: str = "constant",
        fill_value: float = 0,
    ) -> Tensor:
        """Sample ``inputs`` (rank N) at ``coordinates`` (N arrays of one shape, the result's).

        ``order`` 0 rounds to the nearest index (half to even); 1 is N-linear. Each tap
        outside the array follows ``fill_mode``: ``"constant"`` (it reads ``fill_value``),
        ``"nearest"`` (edge), ``"wrap"``, ``"mirror"`` (``d c b | a b c d | c b a``),
        ``"reflect"`` (``d c b a | a b c d | d c b a``).

        >>> np.asarray(ops.map_coordinates([0.0, 10.0, 20.0], [[0.5, 2.5]], order=1))
        array([ 5., 10.], dtype=float32)
        """
        ...

    @op(tier="exact")
    def pad_images(
        self,
        images: Any,
        top_padding: int | None = None,
        left_padding: int | None = None,
        bottom_padding: int | None = None,
        right_padding: int | None = None,
        target_height: int | None = None,
        target_width: int | None = None,
        data_format: str | None = None,
    ) -> Tensor:
        """Zero-pad images. Give exactly two of top/bottom/target_height and two of
        left/right/target_width; amounts must be non-negative.

        >>> np.asarray(ops.pad_images(np.ones((1, 1, 1)), 1, 0, 0, 1))[:, :, 0]
        array([[0., 0.],
               [1., 0.]])
        """
        ...

    @op(tier="exact")
    def crop_images(
        self,
        images: Any,
        top_cropping: int | None = None,
        left_cropping: int | None = None,
        bottom_cropping: int | None = None,
        right_cropping: int | None = None,
        target_height: int | None = None,
        target_width: int | None = None,
        data_format: str | None = None,
    ) -> Tensor:
        """Crop images. Give exactly two of top/bottom/target_height and two of
        left/right/target_width.

        >>> x = np.arange(9.0).reshape(3, 3, 1)
        >>> np.asarray(ops.crop_images(x, 1, 1, target_height=2, target_width=2))[:, :, 0]
        array([[4., 5.],
               [7., 8.]])
        """
        ...

    @op(tier="elementwise")
    def rgb_to_grayscale(self, images: Any, data_format: str | None = None) -> Tensor:
        """``0.2989 R + 0.5870 G + 0.1140 B``, keeping a channel axis of size 1 and the dtype.

        >>> np.asarray(ops.rgb_to_grayscale(np.full((1, 1, 3), 10.0)))[0, 0]
        array([9.999])
        """
        ...

    @op(tier="elementwise")
    def rgb_to_hsv(self, images: Any, data_format: str | None = None) -> Tensor:
        """RGB in ``[0, 1]`` to HSV, each in ``[0, 1]`` (hue 0 for grays). Float images only.

        >>> np.asarray(ops.rgb_to_hsv(np.array([[[0.0, 1.0, 0.0]]], "float32")))
        array([[[0.33333334, 1.        , 1.        ]]], dtype=float32)
        """
        ...

    @op(tier="elementwise")
    def hsv_to_rgb(self, images: Any, data_format: str | None = None) -> Tensor:
        """Inverse of :meth:`rgb_to_hsv`. Float images only.

        >>> np.asarray(ops.hsv_to_rgb(np.array([[[0.5, 1.0, 1.0]]], "float32")))
        array([[[0., 1., 1.]]], dtype=float32)
        """
        ...

    @op(tier="exact")
    def extract_patches(
        self,
        images: Any,
        size: Any,
        strides: Any = None,
        dilation_rate: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
    ) -> Tensor:
        """Patches of ``size = (ph, pw)`` flattened into the channel axis.

        The result is ``(batch, out_h, out_w, ph * pw * channels)`` (patch rows, then columns,
        then channels), channel axis first for ``"channels_first"``. ``strides`` defaults to
        ``size``; ``padding`` and ``dilation_rate`` as in ``ops.conv``.

        >>> x = np.arange(4.0).reshape(2, 2, 1)
        >>> np.asarray(ops.extract_patches(x, 2))
        array([[[0., 1., 2., 3.]]])
        """
        ...
