"""The ``numpy`` op family (generated from :class:`tholos.backend.contract.numpy_ops`)."""

from tholos.ops._dispatch import PUBLIC_OPS as _PUBLIC_OPS

globals().update(_PUBLIC_OPS["numpy"])
__all__ = sorted(_PUBLIC_OPS["numpy"])
