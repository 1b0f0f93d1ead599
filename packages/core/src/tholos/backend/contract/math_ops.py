"""The math op family (Keras 3's ``keras.ops`` math namespace): segment reductions, top-k,
FFTs and short-time Fourier transforms, and special functions.

Complex values cross this API as ``(real, imag)`` tuples of float tensors. Integer and bool
inputs of float-valued ops compute in ``floatx()``.
"""

from __future__ import annotations

from typing import Any, Protocol

from tholos.backend.contract._spec import Tensor, op


class MathOps(Protocol):
    @op(tier="reduction")
    def segment_sum(
        self, data: Any, segment_ids: Any, num_segments: int | None = None, sorted: bool = False
    ) -> Tensor:
        """Sum the rows of ``data`` that share a segment id.

        ``segment_ids`` is an int vector of length ``data.shape[0]``; the result has shape
        ``(num_segments,) + data.shape[1:]`` and the dtype of ``data``. ``num_segments``
        defaults to ``max(segment_ids) + 1`` (eager only; give it for compiled code). Rows with
        an id outside ``[0, num_segments)`` are dropped; empty segments are 0. ``sorted=True``
        promises sorted ids (a speed hint). Differentiable with respect to ``data``.

        >>> ops.convert_to_numpy(ops.segment_sum([1.0, 2.0, 3.0, 4.0], [0, 0, 2, 2]))
        array([3., 0., 7.], dtype=float32)
        """
        ...

    @op(tier="exact")
    def segment_max(
        self, data: Any, segment_ids: Any, num_segments: int | None = None, sorted: bool = False
    ) -> Tensor:
        """Maximum of the rows of ``data`` that share a segment id.

        Same layout as :meth:`segment_sum`. Empty segments hold ``-inf`` for float data and
        the dtype's minimum for integers. The gradient goes to the maximal entries (split
        equally among ties).

        >>> ops.convert_to_numpy(ops.segment_max([1.0, 5.0, 3.0], [0, 0, 1]))
        array([5., 3.], dtype=float32)
        """
        ...

    @op(tier="exact")
    def top_k(self, x: Any, k: int, sorted: bool = True) -> tuple:
        """The ``k`` largest entries along the last axis and their indices.

        Returns ``(values, indices)``, shapes ``x.shape[:-1] + (k,)``; values keep ``x``'s
        dtype, indices are int32. Values are in descending order; among equal values the lower
        index comes first. ``k`` larger than the last axis raises ``OpInputError``.
        ``sorted=False`` allows any order (this reference always sorts).

        >>> values, indices = ops.top_k([1.0, 4.0, 2.0, 4.0], 3)
        >>> ops.convert_to_numpy(values), ops.convert_to_numpy(indices)
        (array([4., 4., 2.], dtype=float32), array([1, 3, 2], dtype=int32))
        """
        ...

    @op(tier="exact", differentiable=False)
    def in_top_k(self, targets: Any, predictions: Any, k: int) -> Tensor:
        """Whether each target class is among the ``k`` highest predictions of its row.

        ``targets``: int ``(batch,)``; ``predictions``: ``(batch, classes)``; returns bool
        ``(batch,)``. Ties count as inside: a target whose score equals the k-th largest is in.

        >>> ops.convert_to_numpy(ops.in_top_k([0, 2], [[0.9, 0.1, 0.0], [0.5, 0.5, 0.2]], 1))
        array([ True, False])
        """
        ...

    @op(tier="reduction")
    def logsumexp(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        """``log(sum(exp(x), axis))`` computed without overflow.

        All ``-inf`` inputs along an axis give ``-inf``; a ``+inf`` input gives ``+inf``.

        >>> round(float(ops.convert_to_numpy(ops.logsumexp(np.array([1000.0, 1000.0])))), 4)
        1000.6931
        """
        ...

    @op(tier="exact")
    def extract_sequences(self, x: Any, sequence_length: int, sequence_stride: int) -> Tensor:
        """Frames of ``sequence_length`` samples every ``sequence_stride`` samples (last axis).

        Shape ``x.shape[:-1] + (1 + (N - sequence_length) // sequence_stride, sequence_length)``
        for a last axis of size ``N`` (no padding). Keeps ``x``'s dtype.

        >>> x = ops.convert_to_tensor([1, 2, 3, 4, 5])
        >>> ops.convert_to_numpy(ops.extract_sequences(x, 2, 2))
        array([[1, 2],
               [3, 4]], dtype=int32)
        """
        ...

    @op(tier="transcendental")
    def fft(self, x: tuple) -> tuple:
        """Discrete Fourier transform along the last axis of a complex tensor.

        ``x`` is ``(real, imag)`` of equal shapes and float dtypes; returns ``(real, imag)`` of
        the transform, same shape and dtype.

        >>> real, imag = ops.fft((np.array([1.0, 0.0, 0.0, 0.0]), np.zeros(4)))
        >>> ops.convert_to_numpy(real), ops.convert_to_numpy(imag)
        (array([1., 1., 1., 1.]), array([0., 0., 0., 0.]))
        """
        ...

    @op(tier="transcendental")
    def fft2(self, x: tuple) -> tuple:
        """2-D discrete Fourier transform over the last two axes; ``x`` is ``(real, imag)``.

        >>> real, imag = ops.fft2((np.ones((2, 2)), np.zeros((2, 2))))
        >>> ops.convert_to_numpy(real)
        array([[4., 0.],
               [0., 0.]])
        """
        ...

    @op(tier="transcendental")
    def ifft2(self, x: tuple) -> tuple:
        """Inverse of :meth:`fft2` (normalised by ``1 / (M * N)``); ``x`` is ``(real, imag)``.

        >>> real, imag = ops.ifft2((np.array([[4.0, 0.0], [0.0, 0.0]]), np.zeros((2, 2))))
        >>> ops.convert_to_numpy(real)
        array([[1., 1.],
               [1., 1.]])
        """
        ...

    @op(tier="transcendental")
    def rfft(self, x: Any, fft_length: int | None = None) -> tuple:
        """Fourier transform of a real signal along the last axis.

        The last axis is cropped or zero-padded to ``fft_length`` (default: its size);
        returns ``(real, imag)`` with last axis ``fft_length // 2 + 1``.

        >>> real, imag = ops.rfft(np.array([1.0, 2.0, 3.0, 4.0]))
        >>> ops.convert_to_numpy(real), ops.convert_to_numpy(imag)
        (array([10., -2., -2.]), array([0., 2., 0.]))
        """
        ...

    @op(tier="transcendental")
    def irfft(self, x: tuple, fft_length: int | None = None) -> Tensor:
        """Inverse of :meth:`rfft`: a real signal of length ``fft_length``.

        ``x`` is ``(real, imag)`` with last axis ``L``; ``fft_length`` defaults to
        ``2 * (L - 1)``.

        >>> spectrum = (np.array([10.0, -2.0, -2.0]), np.array([0.0, 2.0, 0.0]))
        >>> ops.convert_to_numpy(ops.irfft(spectrum))
        array([1., 2., 3., 4.])
        """
        ...

    @op(tier="transcendental")
    def stft(
        self,
        x: Any,
        sequence_length: int,
        sequence_stride: int,
        fft_length: int,
        window: Any = "hann",
        center: bool = True,
    ) -> tuple:
        """Short-time Fourier transform along the last axis of a real signal.

        With ``center=True`` the signal is first reflect-padded by ``fft_length // 2`` on both
        sides. ``window`` is ``"hann"`` or ``"hamming"`` (periodic windows of
        ``sequence_length``), a tensor of length ``sequence_length``, or None (rectangular);
        it is zero-padded equally on both sides to ``fft_length`` (requires
        ``sequence_length <= fft_length``). Frames of ``fft_length`` samples every
        ``sequence_stride`` samples are multiplied by the window and transformed with an
        unnormalised real FFT. Returns ``(real, imag)`` of shape
        ``x.shape[:-1] + (frames, fft_length // 2 + 1)``.

        >>> real, imag = ops.stft(np.ones(8), 4, 2, 4, window=None, center=False)
        >>> ops.convert_to_numpy(real)
        array([[4., 0., 0.],
               [4., 0., 0.],
               [4., 0., 0.]])
        """
        ...

    @op(tier="transcendental")
    def istft(
        self,
        x: tuple,
        sequence_length: int,
        sequence_stride: int,
        fft_length: int,
        length: int | None = None,
        window: Any = "hann",
        center: bool = True,
    ) -> Tensor:
        """Inverse of :meth:`stft` (same parameters) by windowed overlap-add.

        Each frame is inverse-transformed, multiplied by the (padded) window and overlap-added;
        the sum is divided by the overlap-added squared window wherever that is non-negligible,
        which inverts :meth:`stft` exactly where frames cover the signal. With ``center=True``
        the ``fft_length // 2`` padding is removed from both ends; ``length`` crops the output.

        >>> x = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
        >>> ops.convert_to_numpy(ops.istft(ops.stft(x, 1, 1, 1), 1, 1, 1))
        array([0., 1., 2., 3., 4.])
        """
        ...

    @op(tier="transcendental")
    def rsqrt(self, x: Any) -> Tensor:
        """``1 / sqrt(x)`` elementwise (``inf`` at 0, NaN for negatives).

        >>> ops.convert_to_numpy(ops.rsqrt([1.0, 4.0]))
        array([1. , 0.5], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def erf(self, x: Any) -> Tensor:
        """The error function ``2/sqrt(pi) * integral_0^x exp(-t**2) dt`` elementwise.

        >>> np.round(ops.convert_to_numpy(ops.erf(np.array([0.0, 1.0, -1.0]))), 6)
        array([ 0.      ,  0.842701, -0.842701])
        """
        ...

    @op(tier="transcendental")
    def erfinv(self, x: Any) -> Tensor:
        """Inverse of :meth:`erf` on ``[-1, 1]``: ``±inf`` at ``±1``, NaN outside.

        >>> np.round(ops.convert_to_numpy(ops.erfinv(np.array([0.0, 0.5, 1.0]))), 6)
        array([0.      , 0.476936,      inf])
        """
        ...

    @op(tier="linalg")
    def logdet(self, x: Any) -> Tensor:
        """``log(|det(x)|)`` of a square matrix (batch); meant for positive-definite matrices.

        >>> round(float(ops.convert_to_numpy(ops.logdet(np.array([[2.0, 0.0], [0.0, 3.0]])))), 6)
        1.791759
        """
        ...
