"""Fixtures of the conformance package's own tests: a deliberately wrong backend."""

from __future__ import annotations

import types

import numpy as np
import pytest

FAKE = "conformance_fake"


def _build_fake():
    import autograd.numpy as anp
    from autograd.tracer import getval

    from tholos_backend_numpy import _backend as numpy_backend
    from tholos_backend_numpy import _convert

    np_backend = numpy_backend.BACKEND

    def family(base, overrides):
        names = [n for n in dir(base) if not n.startswith("_") and callable(getattr(base, n))]
        fns = {n: getattr(base, n) for n in names}
        fns.update(overrides)
        return types.SimpleNamespace(**fns)

    def add(x1, x2):
        # Wrong by 1e-3 in one element.
        out = np_backend.numpy.add(x1, x2)
        bump = np.zeros(np.shape(getval(out)), dtype=_convert.dtype_name(out))
        if bump.size:
            bump.flat[-1] = 1e-3
        return out + bump

    def matmul(x1, x2):
        return _convert.cast(np_backend.numpy.matmul(x1, x2), "float64")  # wrong dtype

    def sin(x):
        x = _convert.to_array(x)
        return anp.sin(x) + 0.1 * (x - getval(x))  # right value, gradient off by 0.1

    def conv_transpose(
        inputs,
        kernel,
        strides=1,
        padding="valid",
        output_padding=None,
        data_format=None,
        dilation_rate=1,
    ):
        out = np_backend.nn.conv_transpose(
            inputs, kernel, strides, padding, output_padding, data_format, dilation_rate
        )
        out = np.asarray(getval(out))
        shifted = np.zeros_like(out)
        shifted[:, 1:] = out[:, :-1]  # the classic one-pixel shift of a "same" transpose
        return shifted

    def reflect_as_symmetric(x, pad_width, mode="constant", constant_values=None):
        if mode == "reflect":
            mode = "symmetric"  # a wrong padding mode
        return np_backend.numpy.pad(x, pad_width, mode, constant_values)

    return types.SimpleNamespace(
        name=FAKE,
        core=np_backend.core,
        numpy=family(
            np_backend.numpy,
            {"add": add, "matmul": matmul, "sin": sin, "pad": reflect_as_symmetric},
        ),
        nn=family(np_backend.nn, {"conv_transpose": conv_transpose}),
        linalg=np_backend.linalg,
        math=np_backend.math,
        image=np_backend.image,
        random=np_backend.random,
        Variable=np_backend.Variable,
        devices=np_backend.devices,
        trainer=np_backend.trainer,
        unsupported={},
    )


class _FakePlugin:
    @staticmethod
    def tholos_backend():
        from tholos.backend import BackendSpec

        return BackendSpec(name=FAKE, load=_build_fake)


@pytest.fixture(scope="session")
def fake_backend() -> str:
    """The name of an in-process backend that gets add, matmul's dtype, sin's gradient,
    conv_transpose and reflect padding wrong (everything else is the NumPy backend)."""
    from tholos.backend import REGISTRY, hookimpl

    if FAKE not in REGISTRY.names():
        plugin = _FakePlugin()
        plugin.tholos_backend = hookimpl(_FakePlugin.tholos_backend)
        REGISTRY.register(plugin, name=FAKE)
    return FAKE
