"""The nn op family (Keras 3's ``keras.ops.nn``): activations, convolution and pooling,
encodings, losses, normalization, CTC and attention.

Conventions shared by every op here:

- Float-valued ops compute in the inputs' float dtype; integer and bool inputs compute in
  ``floatx()``. Unless stated otherwise the result has that dtype and ``x``'s shape.
- Convolution and pooling take rank-3/4/5 inputs (1D/2D/3D). ``data_format`` is
  ``"channels_last"`` (``(batch, *spatial, channels)``) or ``"channels_first"``
  (``(batch, channels, *spatial)``); ``None`` means :func:`tholos.config.image_data_format`.
  Kernels are always channels-last: ``(*kernel_spatial, in_channels, out_channels)``.
- ``padding="same"`` follows TensorFlow: the output size is ``ceil(size / stride)`` and the
  total padding ``max((out - 1) * stride + (k - 1) * dilation + 1 - size, 0)`` is split with
  the smaller half *before* and the larger half *after*. ``"valid"`` pads nothing.
- Bad input raises :class:`tholos.errors.OpInputError` naming the op.
"""

from __future__ import annotations

from typing import Any, Protocol

from tholos.backend.contract._spec import Tensor, op


class NNOps(Protocol):
    # ------------------------------------------------------------------ activations

    @op(tier="exact")
    def relu(self, x: Any) -> Tensor:
        """Rectified linear unit, ``max(x, 0)``.

        Keeps integer dtypes (bool computes in ``floatx()``). The gradient at 0 is 0.

        >>> np.asarray(ops.relu([-1.0, 0.0, 2.5]))
        array([0. , 0. , 2.5], dtype=float32)
        """
        ...

    @op(tier="exact")
    def relu6(self, x: Any) -> Tensor:
        """``min(max(x, 0), 6)``. Keeps integer dtypes; the gradient is 0 at 0 and at 6.

        >>> np.asarray(ops.relu6([-1.0, 3.0, 7.0]))
        array([0., 3., 6.], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def sigmoid(self, x: Any) -> Tensor:
        """Logistic sigmoid ``1 / (1 + exp(-x))``, computed without overflow.

        >>> np.asarray(ops.sigmoid([0.0]))
        array([0.5], dtype=float32)
        """
        ...

    @op(tier="elementwise")
    def sparse_sigmoid(self, x: Any) -> Tensor:
        """Piecewise-linear sigmoid: 0 for ``x <= -1``, 1 for ``x >= 1``, ``(x + 1) / 2`` between.

        >>> np.asarray(ops.sparse_sigmoid([-2.0, 0.0, 0.5, 3.0]))
        array([0.  , 0.5 , 0.75, 1.  ], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def softplus(self, x: Any) -> Tensor:
        """``log(1 + exp(x))``, computed without overflow.

        >>> np.round(np.asarray(ops.softplus([0.0, 100.0])), 4)
        array([  0.6931, 100.    ], dtype=float32)
        """
        ...

    @op(tier="elementwise")
    def softsign(self, x: Any) -> Tensor:
        """``x / (1 + |x|)``.

        >>> np.asarray(ops.softsign([-1.0, 3.0]))
        array([-0.5 ,  0.75], dtype=float32)
        """
        ...

    @op(tier="elementwise")
    def soft_shrink(self, x: Any, threshold: float = 0.5) -> Tensor:
        """``x - threshold`` above ``threshold``, ``x + threshold`` below ``-threshold``, else 0.

        >>> np.asarray(ops.soft_shrink([-1.0, 0.2, 1.0]))
        array([-0.5,  0. ,  0.5], dtype=float32)
        """
        ...

    @op(tier="elementwise")
    def sparse_plus(self, x: Any) -> Tensor:
        """0 for ``x <= -1``, ``(x + 1)**2 / 4`` for ``-1 < x < 1``, ``x`` for ``x >= 1``.

        >>> np.asarray(ops.sparse_plus([-2.0, 0.0, 2.0]))
        array([0.  , 0.25, 2.  ], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def silu(self, x: Any) -> Tensor:
        """SiLU (swish): ``x * sigmoid(x)``. ``ops.swish`` is the same op.

        >>> np.round(np.asarray(ops.silu([0.0, 1.0])), 4)
        array([0.    , 0.7311], dtype=float32)
        """
        ...

    @op(tier="elementwise")
    def squareplus(self, x: Any, b: float = 4) -> Tensor:
        """``(x + sqrt(x**2 + b)) / 2``, a smooth ReLU.

        >>> np.asarray(ops.squareplus([0.0, 1.5], b=4))
        array([1., 2.], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def log_sigmoid(self, x: Any) -> Tensor:
        """``log(sigmoid(x)) = -softplus(-x)``, stable for large ``|x|``.

        >>> np.round(np.asarray(ops.log_sigmoid([0.0, -100.0])), 4)
        array([  -0.6931, -100.    ], dtype=float32)
        """
        ...

    @op(tier="elementwise")
    def leaky_relu(self, x: Any, negative_slope: float = 0.2) -> Tensor:
        """``x`` for ``x >= 0``, ``negative_slope * x`` otherwise.

        >>> np.asarray(ops.leaky_relu([-2.0, 3.0]))
        array([-0.4,  3. ], dtype=float32)
        """
        ...

    @op(tier="elementwise")
    def hard_sigmoid(self, x: Any) -> Tensor:
        """``relu6(x + 3) / 6``.

        >>> np.asarray(ops.hard_sigmoid([-4.0, 0.0, 4.0]))
        array([0. , 0.5, 1. ], dtype=float32)
        """
        ...

    @op(tier="elementwise")
    def hard_silu(self, x: Any) -> Tensor:
        """Hard SiLU (hard swish): ``x * relu6(x + 3) / 6``. ``ops.hard_swish`` is the same op.

        >>> np.asarray(ops.hard_silu([-4.0, 0.0, 3.0]))
        array([-0.,  0.,  3.], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def elu(self, x: Any, alpha: float = 1.0) -> Tensor:
        """``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise.

        >>> np.round(np.asarray(ops.elu([-1.0, 2.0])), 4)
        array([-0.6321,  2.    ], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def selu(self, x: Any) -> Tensor:
        """Scaled ELU: ``scale * elu(x, alpha)``, ``alpha ~= 1.6732632``, ``scale ~= 1.0507010``.

        >>> np.round(np.asarray(ops.selu([1.0])), 5)
        array([1.0507], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def gelu(self, x: Any, approximate: bool = True) -> Tensor:
        """Gaussian error linear unit.

        ``approximate=True``: ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x**3)))``;
        ``False``: ``0.5 x (1 + erf(x / sqrt(2)))``.

        >>> np.round(np.asarray(ops.gelu([1.0], approximate=False)), 4)
        array([0.8413], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def celu(self, x: Any, alpha: float = 1.0) -> Tensor:
        """``x`` for ``x > 0``, ``alpha * (exp(x / alpha) - 1)`` otherwise.

        >>> np.round(np.asarray(ops.celu([-2.0, 1.0], alpha=2.0)), 4)
        array([-1.2642,  1.    ], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def glu(self, x: Any, axis: int = -1) -> Tensor:
        """Gated linear unit: split ``x`` in halves ``a, b`` along ``axis``; ``a * sigmoid(b)``.

        The size of ``axis`` must be even; the result has half of it.

        >>> np.asarray(ops.glu([[3.0, 0.0]]))
        array([[1.5]], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def tanh_shrink(self, x: Any) -> Tensor:
        """``x - tanh(x)``.

        >>> np.asarray(ops.tanh_shrink([0.0]))
        array([0.], dtype=float32)
        """
        ...

    @op(tier="elementwise")
    def hard_tanh(self, x: Any) -> Tensor:
        """``clip(x, -1, 1)``.

        >>> np.asarray(ops.hard_tanh([-2.0, 0.5, 2.0]))
        array([-1. ,  0.5,  1. ], dtype=float32)
        """
        ...

    @op(tier="elementwise")
    def hard_shrink(self, x: Any, threshold: float = 0.5) -> Tensor:
        """``x`` where ``|x| > threshold``, else 0.

        >>> np.asarray(ops.hard_shrink([-1.0, 0.3, 0.6]))
        array([-1. ,  0. ,  0.6], dtype=float32)
        """
        ...

    @op(tier="elementwise")
    def threshold(self, x: Any, threshold: float, default_value: float) -> Tensor:
        """``x`` where ``x > threshold``, else ``default_value``.

        >>> np.asarray(ops.threshold([0.5, 2.0], 1.0, -1.0))
        array([-1.,  2.], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def softmax(self, x: Any, axis: Any = -1) -> Tensor:
        """``exp(x) / sum(exp(x), axis)``, shifted by the max for stability.

        ``axis`` is an int or a tuple of ints (normalize over all of them jointly).

        >>> np.asarray(ops.softmax([[0.0, 0.0], [0.0, np.log(3.0)]]))
        array([[0.5 , 0.5 ],
               [0.25, 0.75]], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def log_softmax(self, x: Any, axis: Any = -1) -> Tensor:
        """``x - logsumexp(x, axis)``, stable for large ``|x|``.

        >>> np.round(np.asarray(ops.log_softmax([0.0, 0.0])), 4)
        array([-0.6931, -0.6931], dtype=float32)
        """
        ...

    @op(tier="elementwise")
    def sparsemax(self, x: Any, axis: int = -1) -> Tensor:
        """Euclidean projection of ``x`` onto the probability simplex along ``axis``.

        ``max(x - tau, 0)`` with ``tau`` chosen so the result sums to 1; exact zeros appear.

        >>> np.asarray(ops.sparsemax([0.0, 1.0, 3.0]))
        array([0., 0., 1.], dtype=float32)
        """
        ...

    # ------------------------------------------------------------------ convolution and pooling

    @op(tier="exact")
    def max_pool(
        self,
        inputs: Any,
        pool_size: Any,
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = None,
    ) -> Tensor:
        """Maximum over sliding windows of ``pool_size`` (int or tuple, one per spatial dim).

        ``strides`` defaults to ``pool_size``. ``"same"`` padding never wins the max (it is
        ``-inf``). Keeps the input dtype. The gradient goes to the first maximum of each window.

        >>> x = np.arange(16.0, dtype="float32").reshape(1, 4, 4, 1)
        >>> np.asarray(ops.max_pool(x, 2))[0, :, :, 0]
        array([[ 5.,  7.],
               [13., 15.]], dtype=float32)
        """
        ...

    @op(tier="reduction")
    def average_pool(
        self,
        inputs: Any,
        pool_size: Any,
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = None,
    ) -> Tensor:
        """Mean over sliding windows of ``pool_size``; ``strides`` defaults to ``pool_size``.

        With ``"same"`` padding the padded positions are *excluded*: each output divides by the
        number of real input elements in its window (as TensorFlow and Keras do).

        >>> x = np.array([1.0, 2.0, 3.0], dtype="float32").reshape(1, 3, 1)
        >>> np.asarray(ops.average_pool(x, 2, strides=2, padding="same"))[0, :, 0]
        array([1.5, 3. ], dtype=float32)
        """
        ...

    @op(tier="matmul")
    def conv(
        self,
        inputs: Any,
        kernel: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
    ) -> Tensor:
        """N-D convolution (cross-correlation, no kernel flip), 1D/2D/3D.

        ``kernel``: ``(*kernel_spatial, in_channels, out_channels)``. When the input has
        ``G * in_channels`` channels this is a grouped convolution with ``G`` groups
        (``out_channels`` divisible by ``G``; group ``g`` maps input channels
        ``[g*in_channels, (g+1)*in_channels)`` to outputs ``[g*out/G, (g+1)*out/G)``).
        ``strides`` and ``dilation_rate``: int or tuple per spatial dim. Output spatial size:
        ``ceil(size / stride)`` for ``"same"``, ``(size - (k-1)*dilation - 1) // stride + 1``
        for ``"valid"`` (a window larger than the input raises ``OpInputError``).

        >>> x = np.arange(5.0, dtype="float32").reshape(1, 5, 1)
        >>> k = np.array([1.0, 0.0, -1.0], dtype="float32").reshape(3, 1, 1)
        >>> np.asarray(ops.conv(x, k, padding="same"))[0, :, 0]
        array([-1., -2., -2., -2.,  3.], dtype=float32)
        """
        ...

    @op(tier="matmul")
    def depthwise_conv(
        self,
        inputs: Any,
        kernel: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
    ) -> Tensor:
        """Depthwise convolution: each input channel convolved with its own filters.

        ``kernel``: ``(*kernel_spatial, in_channels, channel_multiplier)``; output channel
        ``c * channel_multiplier + m`` is channel ``c`` convolved with ``kernel[..., c, m]``.
        Padding, strides and dilation as in :meth:`conv`.

        >>> x = np.ones((1, 3, 2), dtype="float32")
        >>> k = np.array([[[1.0, 2.0]], [[3.0, 4.0]]], dtype="float32").reshape(2, 2, 1)
        >>> np.asarray(ops.depthwise_conv(x, k))[0]
        array([[4., 6.],
               [4., 6.]], dtype=float32)
        """
        ...

    @op(tier="matmul")
    def separable_conv(
        self,
        inputs: Any,
        depthwise_kernel: Any,
        pointwise_kernel: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
    ) -> Tensor:
        """:meth:`depthwise_conv` followed by a 1x1 :meth:`conv` with ``pointwise_kernel``.

        ``pointwise_kernel``: ``(1, ..., 1, in_channels * channel_multiplier, out_channels)``.

        >>> x = np.ones((1, 3, 2), dtype="float32")
        >>> dk = np.ones((2, 2, 1), dtype="float32")
        >>> pk = np.ones((1, 2, 1), dtype="float32")
        >>> np.asarray(ops.separable_conv(x, dk, pk))[0, :, 0]
        array([4., 4.], dtype=float32)
        """
        ...

    @op(tier="matmul")
    def conv_transpose(
        self,
        inputs: Any,
        kernel: Any,
        strides: Any = 1,
        padding: str = "valid",
        output_padding: Any = None,
        data_format: str | None = None,
        dilation_rate: Any = 1,
    ) -> Tensor:
        """Transposed convolution: the adjoint (input gradient) of :meth:`conv`.

        ``kernel``: ``(*kernel_spatial, out_channels, in_channels)``. With ``k`` the dilated
        kernel extent, each output length is, for ``output_padding=None``: ``size * stride +
        max(k - stride, 0)`` (``"valid"``) or ``size * stride`` (``"same"``); otherwise
        ``(size - 1) * stride + k - 2 * pad + output_padding`` with ``pad = k // 2`` for
        ``"same"`` and 0 for ``"valid"``. The values are exactly those of the adjoint of the
        TF-style ``conv`` that maps an output-sized array back to ``inputs`` (so ``"same"``
        with stride 2 has no one-pixel shift relative to TensorFlow and JAX).
        ``output_padding`` must be lower than the stride.

        >>> x = np.array([1.0, 2.0], dtype="float32").reshape(1, 2, 1)
        >>> k = np.array([1.0, 10.0, 100.0], dtype="float32").reshape(3, 1, 1)
        >>> np.asarray(ops.conv_transpose(x, k, strides=2, padding="same"))[0, :, 0]
        array([  1.,  10., 102.,  20.], dtype=float32)
        """
        ...

    # ------------------------------------------------------------------ encodings

    @op(tier="exact", differentiable=False)
    def one_hot(
        self,
        x: Any,
        num_classes: int,
        axis: int = -1,
        dtype: Any = None,
        sparse: bool = False,
    ) -> Tensor:
        """One-hot encode integer ``x`` into a new axis ``axis`` of size ``num_classes``.

        Indices outside ``[0, num_classes)`` give all-zero vectors. ``dtype`` defaults to
        ``floatx()``. ``sparse=True`` needs a backend with sparse tensors (otherwise
        ``OpInputError``).

        >>> np.asarray(ops.one_hot([0, 2, 5], 3))
        array([[1., 0., 0.],
               [0., 0., 1.],
               [0., 0., 0.]], dtype=float32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def multi_hot(
        self,
        inputs: Any,
        num_classes: int | None = None,
        axis: int = -1,
        dtype: Any = None,
        sparse: bool = False,
        **kwargs: Any,
    ) -> Tensor:
        """Multi-hot encode: a rank-1 input gives ``(num_classes,)``, a rank-2 input
        ``(batch, num_classes)``, with 1 at every class present in the (row of) ``inputs``.

        ``num_tokens`` is accepted as a legacy alias of ``num_classes``. ``dtype`` defaults to
        ``floatx()``.

        >>> np.asarray(ops.multi_hot([[0, 2], [1, 1]], 3))
        array([[1., 0., 1.],
               [0., 1., 0.]], dtype=float32)
        """
        ...

    # ------------------------------------------------------------------ losses

    @op(tier="transcendental")
    def categorical_crossentropy(
        self, target: Any, output: Any, from_logits: bool = False, axis: int = -1
    ) -> Tensor:
        """``-sum(target * log(p), axis)`` between one-hot/soft ``target`` and ``output``.

        Same shapes required; the result drops ``axis``. With ``from_logits=False`` the output
        is first normalized to sum to 1 along ``axis`` and clipped to
        ``[epsilon, 1 - epsilon]`` (``tholos.config.epsilon()``); with ``True``, ``p`` is
        ``softmax(output)`` computed as a log-softmax.

        >>> np.round(np.asarray(ops.categorical_crossentropy([[0.0, 1.0]], [[0.5, 0.5]])), 4)
        array([0.6931], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def sparse_categorical_crossentropy(
        self, target: Any, output: Any, from_logits: bool = False, axis: int = -1
    ) -> Tensor:
        """:meth:`categorical_crossentropy` with integer class ``target``.

        ``target`` has ``output``'s shape without ``axis`` (a trailing axis of size 1 is
        squeezed). Out-of-range targets contribute 0.

        >>> np.round(np.asarray(ops.sparse_categorical_crossentropy([1], [[0.0, 0.0]],
        ...                                                         from_logits=True)), 4)
        array([0.6931], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def binary_crossentropy(self, target: Any, output: Any, from_logits: bool = False) -> Tensor:
        """Elementwise ``-(t log p + (1 - t) log(1 - p))``; no reduction.

        ``from_logits=False``: ``p = clip(output, epsilon, 1 - epsilon)``; ``True``:
        ``p = sigmoid(output)`` computed stably through ``log_sigmoid``.

        >>> np.round(np.asarray(ops.binary_crossentropy([1.0, 0.0], [0.5, 0.0],
        ...                                             from_logits=True)), 4)
        array([0.4741, 0.6931], dtype=float32)
        """
        ...

    # ------------------------------------------------------------------ normalization

    @op(tier="reduction")
    def moments(
        self, x: Any, axes: Any, keepdims: bool = False, synchronized: bool = False
    ) -> tuple:
        """``(mean, variance)`` of ``x`` over ``axes`` (population variance).

        float16/bfloat16 inputs compute in float32 and are cast back. ``synchronized`` only
        matters for distributed backends.

        >>> mean, var = ops.moments([1.0, 2.0, 3.0, 4.0], axes=[0])
        >>> np.asarray(mean), np.asarray(var)
        (array(2.5, dtype=float32), array(1.25, dtype=float32))
        """
        ...

    @op(tier="elementwise")
    def batch_normalization(
        self,
        x: Any,
        mean: Any,
        variance: Any,
        axis: int,
        offset: Any = None,
        scale: Any = None,
        epsilon: float = 1e-3,
    ) -> Tensor:
        """``(x - mean) / sqrt(variance + epsilon) * scale + offset``.

        ``mean``, ``variance``, ``offset``, ``scale``: vectors of length ``x.shape[axis]``,
        broadcast along ``axis``.

        >>> np.asarray(ops.batch_normalization([[1.0, 4.0]], [0.0, 2.0], [1.0, 4.0], axis=1,
        ...                                    epsilon=0.0))
        array([[1., 1.]], dtype=float32)
        """
        ...

    @op(tier="reduction")
    def normalize(
        self, x: Any, axis: int = -1, order: Any = 2, epsilon: float | None = None
    ) -> Tensor:
        """``x / max(norm(x, order, axis), epsilon)``; ``epsilon`` defaults to
        ``tholos.config.epsilon()``. ``order``: a positive number or ``inf``.

        >>> np.asarray(ops.normalize([3.0, 4.0]))
        array([0.6, 0.8], dtype=float32)
        """
        ...

    @op(tier="reduction")
    def layer_normalization(
        self,
        x: Any,
        gamma: Any = None,
        beta: Any = None,
        axis: Any = -1,
        epsilon: float | None = None,
        **kwargs: Any,
    ) -> Tensor:
        """``(x - mean) / sqrt(var + epsilon) * gamma + beta`` with statistics over ``axis``.

        ``epsilon`` defaults to ``tholos.config.epsilon()``. ``rms_scaling=True`` (keyword)
        skips the centering and ``beta``: ``x / sqrt(mean(x**2) + epsilon) * gamma``.

        >>> np.asarray(ops.layer_normalization([[1.0, 3.0]], epsilon=0.0))
        array([[-1.,  1.]], dtype=float32)
        """
        ...

    @op(tier="reduction")
    def rms_normalization(
        self, x: Any, scale: Any = 1, axis: Any = -1, epsilon: float | None = None
    ) -> Tensor:
        """``x / sqrt(mean(x**2, axis) + epsilon) * scale``.

        >>> np.asarray(ops.rms_normalization([[3.0, 4.0, 0.0, 0.0]], epsilon=0.0))
        array([[1.2, 1.6, 0. , 0. ]], dtype=float32)
        """
        ...

    @op(tier="transcendental")
    def psnr(self, x1: Any, x2: Any, max_val: float) -> Tensor:
        """Peak signal-to-noise ratio ``20 log10(max_val) - 10 log10(mean((x1 - x2)**2))``.

        A scalar over all elements; the shapes must match.

        >>> np.round(np.asarray(ops.psnr([0.0, 0.0], [0.1, 0.1], 1.0)), 3)
        np.float32(20.0)
        """
        ...

    @op(tier="transcendental")
    def polar(self, abs_: Any, angle: Any) -> Tensor:
        """The complex number ``abs_ * (cos(angle) + 1j * sin(angle))``.

        float32 inputs give complex64, float64 give complex128.

        >>> np.asarray(ops.polar([2.0], [0.0]))
        array([2.+0.j], dtype=complex64)
        """
        ...

    # ------------------------------------------------------------------ CTC

    @op(tier="transcendental")
    def ctc_loss(
        self,
        target: Any,
        output: Any,
        target_length: Any,
        output_length: Any,
        mask_index: int = 0,
    ) -> Tensor:
        """Connectionist temporal classification loss, one value per batch element.

        ``target``: int ``(batch, max_label_length)``; ``output``: logits
        ``(batch, max_time, num_classes)`` (a log-softmax is applied); ``target_length``,
        ``output_length``: int ``(batch,)``. ``mask_index`` is the blank class. Returns
        ``-log p(target | output)`` summed over all alignments.

        >>> logits = np.zeros((1, 2, 2), dtype="float32")  # uniform over {blank, 1}
        >>> np.round(np.asarray(ops.ctc_loss([[1]], logits, [1], [2])), 4)  # p = 3/4
        array([0.2877], dtype=float32)
        """
        ...

    @op(tier="exact", differentiable=False)
    def ctc_decode(
        self,
        inputs: Any,
        sequence_lengths: Any,
        strategy: str = "greedy",
        beam_width: int = 100,
        top_paths: int = 1,
        merge_repeated: bool = True,
        mask_index: int = 0,
    ) -> tuple:
        """Decode CTC outputs ``(batch, max_time, num_classes)``.

        Returns ``(decoded, scores)``: ``decoded`` int32 ``(top_paths, batch, max_time)``
        padded with -1, ``scores`` ``(batch, top_paths)``. ``"greedy"``: the best class per
        step (steps past ``sequence_lengths`` ignored), repeats merged when ``merge_repeated``,
        blanks (``mask_index``) removed; the score is ``-sum`` of the per-step maxima.
        ``"beam_search"`` may be unsupported by a backend (``UnsupportedOpError``).

        >>> x = np.log(np.array([[[0.1, 0.9], [0.2, 0.8], [0.9, 0.1], [0.3, 0.7]]], "float32"))
        >>> decoded, scores = ops.ctc_decode(x, [4])
        >>> np.asarray(decoded)
        array([[[ 1,  1, -1, -1]]], dtype=int32)
        """
        ...

    # ------------------------------------------------------------------ attention

    @op(tier="matmul")
    def dot_product_attention(
        self,
        query: Any,
        key: Any,
        value: Any,
        bias: Any = None,
        mask: Any = None,
        scale: float | None = None,
        is_causal: bool = False,
        flash_attention: bool | None = None,
        attn_logits_soft_cap: float | None = None,
    ) -> Tensor:
        """Scaled dot-product attention ``softmax(q k^T * scale + bias) v``.

        Shapes: query ``(B, T, N, H)``, key/value ``(B, S, K, H)`` (``N`` a multiple of ``K``:
        grouped-query attention; value may have its own head size), or the same without
        ``B``. ``scale`` defaults to ``1 / sqrt(H)``. ``attn_logits_soft_cap`` replaces the
        scaled logits ``l`` with ``cap * tanh(l / cap)`` before ``bias`` is added. ``mask``:
        bool, broadcastable to ``(B, N, T, S)``, True = attend. ``is_causal``: query ``i``
        sees keys ``j <= i``. Masked logits get the dtype's most negative value. Returns
        ``(B, T, N, H)``.

        >>> q = np.ones((1, 1, 1, 2), "float32")
        >>> v = np.array([1.0, 3.0], "float32").reshape(1, 2, 1, 1)
        >>> np.asarray(ops.dot_product_attention(q, np.ones((1, 2, 1, 2), "float32"), v))
        array([[[[2.]]]], dtype=float32)
        """
        ...
