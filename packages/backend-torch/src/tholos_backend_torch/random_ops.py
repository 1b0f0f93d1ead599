"""Stateless random sampling for the torch backend.

Every call seeds a ``torch.Generator`` (one cached per device, re-seeded each call) from the
two uint32 words of ``seed`` (``word0 * 2**32 + word1``), on the device the result goes to, so
the same seed always gives the same values on a given device. Samples are drawn in float32
(float64 when that is the dtype asked for) and cast. The streams differ from the NumPy
backend's (only the distributions match). ``gamma``/``beta`` use ``torch._standard_gamma``
(the sampler behind ``torch.distributions.Gamma``) and ``binomial`` ``torch.binomial``, both
with the seeded generator.

``threefry_block``/``threefry_bits`` (from ``_threefry``) are not contract ops: they are the
optional fused Threefry hooks the portable generator calls (see
:mod:`tholos.backend.contract.random_ops`).
"""

from __future__ import annotations

import math

import torch

from tholos.backend.common.axes import shape_tuple
from tholos.backend.dtypes import FLOAT_TYPES, floatx, standardize_dtype
from tholos.errors import OpInputError
from tholos_backend_torch import _convert
from tholos_backend_torch import devices as _devices
from tholos_backend_torch._convert import TORCH_DTYPES, cast, tensor_of, to_tensor
from tholos_backend_torch._threefry import threefry_bits as threefry_bits
from tholos_backend_torch._threefry import threefry_block as threefry_block

_GENERATORS: dict[torch.device, torch.Generator] = {}


def _key(seed, what):
    if seed is None:
        raise OpInputError(
            f"random.{what}: the backend needs an explicit seed.",
            expected="a uint32 tensor of shape (2,)",
            received="seed=None",
            hint="Call tholos.random.* (which resolves int/None/SeedGenerator seeds), not the "
            "backend function directly.",
        )
    if isinstance(seed, torch.Tensor):
        if tuple(seed.shape) != (2,) or seed.dtype not in _convert.INTS:
            raise OpInputError(
                f"random.{what}: invalid seed.",
                expected="an integer tensor of shape (2,)",
                received=f"dtype {_convert.NAMES[seed.dtype]}, shape {tuple(seed.shape)}",
            )
        words = _convert.wide(seed).tolist()
    else:
        words = to_tensor(seed)
        return _key(words, what)
    return ((int(words[0]) & 0xFFFFFFFF) << 32) | (int(words[1]) & 0xFFFFFFFF)


def _generator(seed, what, device=None):
    device = device or _devices.CURRENT
    gen = _GENERATORS.get(device)
    if gen is None:
        gen = _GENERATORS[device] = torch.Generator(device=device)
    gen.manual_seed(_key(seed, what))
    return gen, device


def _shape(shape, what):
    return shape_tuple(shape, what, prefix="random")


def _float_dtype(dtype, what):
    name = standardize_dtype(dtype) if dtype is not None else floatx()
    if name not in FLOAT_TYPES:
        raise OpInputError(
            f"random.{what}: needs a float dtype.",
            expected="float16, bfloat16, float32 or float64",
            received=f"dtype={dtype!r}",
            hint="Use random.randint for integers." if what == "uniform" else None,
        )
    return TORCH_DTYPES[name]


def _work(dt):
    return torch.float64 if dt is torch.float64 else torch.float32


def _param(value, dt, device):
    if isinstance(value, (int, float)):
        return value
    return cast(tensor_of(value), dt).to(device)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dt = _float_dtype(dtype, "normal")
    gen, dev = _generator(seed, "normal")
    w = _work(dt)
    z = torch.randn(_shape(shape, "normal"), generator=gen, dtype=w, device=dev)
    return cast(_param(mean, w, dev) + _param(stddev, w, dev) * z, dt)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    dt = _float_dtype(dtype, "uniform")
    gen, dev = _generator(seed, "uniform")
    w = _work(dt)
    lo, hi = _param(minval, w, dev), _param(maxval, w, dev)
    u = torch.rand(_shape(shape, "uniform"), generator=gen, dtype=w, device=dev)
    out = cast(lo + (hi - lo) * u, dt)
    hi_c = cast(torch.as_tensor(hi, dtype=w, device=dev), dt)
    lo_c = cast(torch.as_tensor(lo, dtype=w, device=dev), dt)
    below = (
        torch.nextafter(hi_c.to(w), torch.full_like(hi_c.to(w), -math.inf)).to(dt)
        if dt in (torch.float32, torch.float64)
        else torch.nextafter(hi_c.float(), torch.full_like(hi_c.float(), -math.inf)).to(dt)
    )
    return torch.where((out >= hi_c) & (hi_c > lo_c), below, out)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dt = _float_dtype(dtype, "truncated_normal")
    gen, dev = _generator(seed, "truncated_normal")
    w = _work(dt)
    z = torch.empty(_shape(shape, "truncated_normal"), dtype=w, device=dev)
    torch.nn.init.trunc_normal_(z, 0.0, 1.0, -2.0, 2.0, generator=gen)
    return cast(_param(mean, w, dev) + _param(stddev, w, dev) * z, dt)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    name = standardize_dtype(dtype)
    if name[:3] not in ("int", "uin"):
        raise OpInputError(
            "random.randint: needs an integer dtype.",
            expected="an int or uint dtype",
            received=f"dtype={dtype!r}",
            hint="Use random.uniform for floats.",
        )
    gen, dev = _generator(seed, "randint")
    dims = _shape(shape, "randint")
    if isinstance(minval, int) and isinstance(maxval, int):
        if maxval <= minval:
            raise OpInputError(
                "random.randint: the range is empty.",
                expected="minval < maxval",
                received=f"minval={minval!r}, maxval={maxval!r}",
            )
        out = torch.randint(minval, maxval, dims, generator=gen, dtype=torch.int64, device=dev)
    else:
        lo = _convert.wide(tensor_of(minval)).to(device=dev, dtype=torch.int64)
        hi = _convert.wide(tensor_of(maxval)).to(device=dev, dtype=torch.int64)
        if bool((hi <= lo).any()):
            raise OpInputError(
                "random.randint: the range is empty.",
                expected="minval < maxval",
                received=f"minval={minval!r}, maxval={maxval!r}",
            )
        u = torch.rand(dims, generator=gen, dtype=torch.float64, device=dev)
        out = lo + torch.floor(u * (hi - lo).to(torch.float64)).to(torch.int64)
    return cast(out, TORCH_DTYPES[name])


def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = tensor_of(logits)
    if logits.ndim != 2:
        raise OpInputError(
            "random.categorical: logits must be 2-D.",
            expected="shape (batch, classes)",
            received=f"shape {tuple(logits.shape)}",
        )
    gen, dev = _generator(seed, "categorical", logits.device)
    lg = logits.to(torch.float64)
    batch, classes = lg.shape
    u = torch.rand(
        (batch, int(num_samples), classes), generator=gen, dtype=torch.float64, device=dev
    )
    noise = -torch.log(-torch.log(u.clamp_min(torch.finfo(torch.float64).tiny)))
    scores = lg[:, None, :] + noise
    scores = torch.where(
        torch.isnan(scores), torch.full((), -math.inf, dtype=scores.dtype, device=dev), scores
    )
    return cast(torch.argmax(scores, dim=-1), TORCH_DTYPES[standardize_dtype(dtype)])


def dropout(inputs, rate, noise_shape=None, seed=None):
    x = tensor_of(inputs)
    if x.dtype not in _convert.FLOATS:
        x = cast(x, _convert.floatx_t())
    rate = float(rate) if not isinstance(rate, torch.Tensor) else float(rate.item())
    if not 0.0 <= rate <= 1.0:
        raise OpInputError(
            "random.dropout: rate must be in [0, 1].",
            expected="0 <= rate <= 1",
            received=f"rate={rate}",
        )
    shape = tuple(x.shape)
    if noise_shape is None:
        mask_shape = shape
    else:
        given = tuple(noise_shape)
        if len(given) != len(shape):
            raise OpInputError(
                "random.dropout: noise_shape must have the rank of inputs.",
                expected=f"{len(shape)} dims broadcastable to {shape}",
                received=f"noise_shape={given}",
            )
        mask_shape = tuple(s if d is None else int(d) for d, s in zip(given, shape))
    gen, dev = _generator(seed, "dropout", x.device)
    if rate == 1.0:
        return x * torch.zeros(mask_shape, dtype=x.dtype, device=dev)
    keep = torch.rand(mask_shape, generator=gen, dtype=torch.float32, device=dev) >= rate
    return torch.where(keep, x * (1.0 / (1.0 - rate)), torch.zeros((), dtype=x.dtype, device=dev))


def shuffle(x, axis=0, seed=None):
    x = tensor_of(x)
    nd = x.ndim
    if nd == 0 or not -nd <= axis < nd:
        raise OpInputError(
            "random.shuffle: axis out of range.",
            expected=f"-{nd} <= axis < {nd} (input rank >= 1)",
            received=f"axis={axis}",
        )
    gen, dev = _generator(seed, "shuffle", x.device)
    perm = torch.randperm(x.shape[axis], generator=gen, device=dev)
    return torch.index_select(x, axis % nd, perm)


def _full(value, dims, w, dev):
    t = value if isinstance(value, torch.Tensor) else torch.tensor(value, dtype=w, device=dev)
    return torch.broadcast_to(cast(t, w).to(dev), dims).contiguous()


def gamma(shape, alpha, dtype=None, seed=None):
    dt = _float_dtype(dtype, "gamma")
    gen, dev = _generator(seed, "gamma")
    w = _work(dt)
    a = _full(_param(alpha, w, dev), _shape(shape, "gamma"), w, dev)
    return cast(torch._standard_gamma(a, generator=gen), dt)


def beta(shape, alpha, beta, dtype=None, seed=None):
    dt = _float_dtype(dtype, "beta")
    gen, dev = _generator(seed, "beta")
    w = _work(dt)
    dims = _shape(shape, "beta")
    x = torch._standard_gamma(_full(_param(alpha, w, dev), dims, w, dev), generator=gen)
    y = torch._standard_gamma(_full(_param(beta, w, dev), dims, w, dev), generator=gen)
    return cast(x / (x + y), dt)


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    dt = _float_dtype(dtype, "binomial")
    gen, dev = _generator(seed, "binomial")
    w = _work(dt)
    dims = _shape(shape, "binomial")
    n = torch.round(_full(_param(counts, w, dev), dims, w, dev))
    p = _full(_param(probabilities, w, dev), dims, w, dev)
    return cast(torch.binomial(n, p, generator=gen), dt)
