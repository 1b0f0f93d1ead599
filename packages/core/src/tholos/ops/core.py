"""The ``core`` op family (generated from :class:`tholos.backend.contract.core_ops`)."""

from tholos.ops._dispatch import PUBLIC_OPS as _PUBLIC_OPS

globals().update(_PUBLIC_OPS["core"])
__all__ = sorted(_PUBLIC_OPS["core"])
