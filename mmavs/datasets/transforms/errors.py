# Copyright (c) mmavs contributors. All rights reserved.
"""Errors of the loading transforms, by kind of bad input.

Each is a ``ValueError`` (a missing file stays a ``FileNotFoundError``), so
code catching those keeps working; tools such as
``tools/misc/check_dataset.py`` tell the kinds apart by class instead of by
message.
"""

__all__ = [
    'ImageDecodeError', 'MaskColourError', 'LabelRangeError',
    'ShapeMismatchError'
]


class ImageDecodeError(ValueError):
    """A frame or mask file is empty or cannot be decoded as an image."""


class MaskColourError(ValueError):
    """A palette mask holds colours that are not in the palette."""


class LabelRangeError(ValueError):
    """A mask holds labels outside the dataset's classes (or outside the
    ``label_map``)."""


class ShapeMismatchError(ValueError):
    """Frames of a clip, or a mask and its frame, differ in size (or a mask
    is not a single-channel 8-bit image)."""
