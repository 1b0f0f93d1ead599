"""The cached torch-layout convolution kernel: reused while unchanged, never stale."""

import gc

import numpy as np
import torch

from tholos import ops
from tholos_backend_torch import _kernel_cache


def _reference_conv(x, k):
    w = k.detach().permute(3, 2, 0, 1).contiguous()
    return torch.nn.functional.conv2d(x.permute(0, 3, 1, 2), w).permute(0, 2, 3, 1)


def test_inference_reuses_the_laid_out_kernel():
    _kernel_cache.clear()
    x = torch.randn(1, 6, 6, 32)
    k = torch.randn(3, 3, 32, 64)
    with torch.no_grad():
        first = ops.conv(x, k)
        second = ops.conv(x, k)
    assert id(k) in _kernel_cache._CACHE
    assert torch.equal(first, second)
    assert torch.equal(first, _reference_conv(x, k))


def test_an_in_place_update_invalidates_the_cache():
    _kernel_cache.clear()
    x = torch.randn(2, 5, 5, 32)
    k = torch.randn(3, 3, 32, 64)
    ops.conv(x, k)
    ops.conv(x, k)
    with torch.no_grad():
        k.mul_(-2.0)  # what an optimizer step does: same tensor, new version
    assert torch.equal(ops.conv(x, k), _reference_conv(x, k))


def test_gradients_through_a_cache_hit_match_the_plain_copy():
    _kernel_cache.clear()
    x = torch.randn(1, 5, 5, 32)
    k = torch.randn(3, 3, 32, 64, requires_grad=True)
    g = torch.randn(1, 3, 3, 64)
    ops.conv(x, k)  # miss: fills the cache
    y = ops.conv(x, k)  # hit: through the cache's autograd function
    (gk,) = torch.autograd.grad(y, k, g)
    w = k.permute(3, 2, 0, 1).contiguous()
    y_ref = torch.nn.functional.conv2d(x.permute(0, 3, 1, 2), w).permute(0, 2, 3, 1)
    (gk_ref,) = torch.autograd.grad(y_ref, k, g)
    assert torch.equal(y, y_ref)
    assert torch.equal(gk, gk_ref)


def test_a_variable_kernel_in_a_layer_after_assign():
    from tholos import layers

    _kernel_cache.clear()
    layer = layers.Conv2D(64, 3, use_bias=False)
    x = np.random.default_rng(0).normal(size=(1, 6, 6, 32)).astype("float32")
    layer(x)
    before = ops.convert_to_numpy(layer(x))
    layer.kernel.assign(layer.kernel.numpy() * 3.0)
    after = ops.convert_to_numpy(layer(x))
    np.testing.assert_allclose(after, before * 3.0, rtol=1e-5, atol=1e-5)


def test_entries_go_with_their_kernels():
    _kernel_cache.clear()
    x = torch.randn(1, 5, 5, 32)
    k = torch.randn(3, 3, 32, 64)
    ops.conv(x, k)
    assert len(_kernel_cache._CACHE) == 1
    del k
    gc.collect()
    assert not _kernel_cache._CACHE
