"""Image ops of the torch backend.

All image ops (resize, affine_transform, map_coordinates, pad/crop_images, rgb<->hsv,
rgb_to_grayscale, extract_patches) are computed by the reference backend through
``_reference.py`` for now: differentiable, on the host, results moved back to the inputs'
device. Native kernels (``F.interpolate``, ``F.grid_sample``, ``unfold``) are the next step.
"""

from __future__ import annotations

_BRIDGED = (
    "resize",
    "affine_transform",
    "map_coordinates",
    "pad_images",
    "crop_images",
    "rgb_to_grayscale",
    "rgb_to_hsv",
    "hsv_to_rgb",
    "extract_patches",
)
