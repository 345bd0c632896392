# Copyright (c) mmavs contributors. All rights reserved.
"""Draw masks and model maps over frames (numpy, vectorised).

- :func:`overlay_mask`: class colours of a label map blended over a frame
  (the dataset palette: the 71-colour AVSS palette for semantic masks);
  background pixels keep the frame's colours;
- :func:`render_uncertainty`: an uncertainty map in colours from blue (low)
  to red (high), as RAVS Fig. 6 (matplotlib's ``jet``);
- :func:`render_groups`: AMA groups as RAVS Fig. 5: positive groups blue,
  darker for a higher alignment score; negative groups red, darker for a
  lower one.

Maps are resized to the frame (bilinear for continuous maps, nearest for
group maps, whose token grid is what the model saw).
"""
from typing import Optional, Sequence

import cv2
import numpy as np

__all__ = [
    'colorize_mask', 'overlay_mask', 'apply_colormap', 'render_uncertainty',
    'render_groups', 'resize_map', 'stack_panels', 'render_maps',
    'display_palette', 'BINARY_OVERLAY_COLOUR'
]


def _palette_array(palette: Sequence[Sequence[int]],
                   num_labels: int) -> np.ndarray:
    pal = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
    if num_labels > len(pal):
        raise ValueError(f'the mask holds label {num_labels - 1}, but the '
                         f'palette has {len(pal)} colours')
    return pal


#: Colour of the sounding class of binary masks in overlays (the binary
#: datasets' palette is black / white, which hardly shows over a frame).
BINARY_OVERLAY_COLOUR = (255, 215, 0)


def display_palette(palette: Sequence[Sequence[int]]) -> np.ndarray:
    """The palette used for overlays: the dataset's, except that a binary
    black / white palette shows the sounding class in
    :data:`BINARY_OVERLAY_COLOUR`."""
    pal = np.asarray(palette, dtype=np.uint8).reshape(-1, 3).copy()
    if len(pal) == 2 and (pal[1] == 255).all():
        pal[1] = BINARY_OVERLAY_COLOUR
    return pal


def _grey(frame: np.ndarray) -> np.ndarray:
    """The frame in grey levels (RGB), as the base of colour maps."""
    grey = np.rint(frame.astype(np.float32).mean(-1, keepdims=True))
    return np.repeat(grey, 3, axis=-1)


def colorize_mask(mask: np.ndarray,
                  palette: Sequence[Sequence[int]]) -> np.ndarray:
    """RGB image of a label map through a palette.

    Args:
        mask (np.ndarray): ``[H, W]`` integer labels.
        palette (Sequence): ``[num_classes, 3]`` RGB colours.

    Returns:
        np.ndarray: ``[H, W, 3]`` uint8.
    """
    mask = np.asarray(mask)
    pal = _palette_array(palette, int(mask.max(initial=0)) + 1)
    return pal[mask.astype(np.int64)]


def overlay_mask(frame: np.ndarray,
                 mask: np.ndarray,
                 palette: Sequence[Sequence[int]],
                 alpha: float = 0.5,
                 background_index: int = 0) -> np.ndarray:
    """Blend the class colours of ``mask`` over ``frame``.

    The colours are those of ``palette`` (give the dataset palette, or
    :func:`display_palette` of it for binary masks).

    Args:
        frame (np.ndarray): ``[H, W, 3]`` uint8 RGB.
        mask (np.ndarray): ``[h, w]`` labels (resized to the frame with
            nearest neighbours when smaller or larger).
        palette (Sequence): RGB colour per class.
        alpha (float): Weight of the class colour. Defaults to 0.5.
        background_index (int): Label left unblended. Defaults to 0.

    Returns:
        np.ndarray: ``[H, W, 3]`` uint8.
    """
    mask = resize_map(np.asarray(mask), frame.shape[:2], 'nearest')
    colours = colorize_mask(mask, palette).astype(np.float32)
    blended = (1 - alpha) * frame.astype(np.float32) + alpha * colours
    fg = (mask != background_index)[..., None]
    return np.where(fg, np.rint(blended), frame).astype(np.uint8)


def resize_map(values: np.ndarray, size: Sequence[int],
               mode: str = 'bilinear') -> np.ndarray:
    """Resize a 2-D map to ``size = (H, W)``."""
    values = np.asarray(values)
    if values.shape[:2] == tuple(size):
        return values
    interp = cv2.INTER_NEAREST if mode == 'nearest' else cv2.INTER_LINEAR
    src = values.astype(np.float32) if values.dtype == bool or \
        values.dtype.kind == 'f' else values
    if src.dtype.kind in 'iu' and src.dtype.itemsize > 2:
        src = src.astype(np.float32)  # cv2 resizes up to 16-bit ints
    out = cv2.resize(src, (int(size[1]), int(size[0])), interpolation=interp)
    if values.dtype == bool:
        return out > 0.5
    return out.astype(values.dtype)


def apply_colormap(values: np.ndarray,
                   cmap: str = 'jet',
                   vmin: float = 0.0,
                   vmax: float = 1.0) -> np.ndarray:
    """RGB uint8 ``[H, W, 3]`` of a map through a matplotlib colormap."""
    from matplotlib import colormaps
    scaled = (np.asarray(values, dtype=np.float64) - vmin) / max(
        vmax - vmin, 1e-12)
    rgba = colormaps[cmap](np.clip(scaled, 0.0, 1.0))
    return np.rint(rgba[..., :3] * 255).astype(np.uint8)


def render_uncertainty(frame: np.ndarray,
                       uncertainty: np.ndarray,
                       alpha: float = 0.6,
                       cmap: str = 'jet') -> np.ndarray:
    """An uncertainty map over a frame (in grey levels), blue (0) to red
    (1).

    Args:
        frame (np.ndarray): ``[H, W, 3]`` uint8 RGB.
        uncertainty (np.ndarray): ``[h, w]`` values in [0, 1].
        alpha (float): Weight of the map. Defaults to 0.6.
        cmap (str): Colormap. Defaults to 'jet'.

    Returns:
        np.ndarray: ``[H, W, 3]`` uint8.
    """
    values = resize_map(
        np.asarray(uncertainty, np.float32), frame.shape[:2], 'bilinear')
    colours = apply_colormap(values, cmap).astype(np.float32)
    out = (1 - alpha) * _grey(frame) + alpha * colours
    return np.rint(out).astype(np.uint8)


def render_groups(frame: np.ndarray,
                  score: np.ndarray,
                  positive: np.ndarray,
                  group_id: Optional[np.ndarray] = None,
                  alpha: float = 0.6) -> np.ndarray:
    """AMA groups over a frame, coloured as RAVS Fig. 5.

    Over the frame in grey levels, tokens of positive groups are blue (``Blues`` at ``I``: darker for a
    higher alignment score ``I``), those of negative groups red (``Reds``
    at ``1 - I``: darker for a lower score); with ``group_id`` the
    boundaries between groups are drawn in white.

    Args:
        frame (np.ndarray): ``[H, W, 3]`` uint8 RGB.
        score (np.ndarray): ``[h, w]`` group alignment score of each token.
        positive (np.ndarray): ``[h, w]`` bool, positive groups.
        group_id (np.ndarray, optional): ``[h, w]`` group of each token.
        alpha (float): Weight of the colours. Defaults to 0.6.

    Returns:
        np.ndarray: ``[H, W, 3]`` uint8.
    """
    size = frame.shape[:2]
    score = resize_map(np.asarray(score, np.float32), size, 'nearest')
    positive = resize_map(np.asarray(positive, bool), size, 'nearest')
    blue = apply_colormap(score, 'Blues')
    red = apply_colormap(1.0 - score, 'Reds')
    colours = np.where(positive[..., None], blue, red).astype(np.float32)
    out = (1 - alpha) * _grey(frame) + alpha * colours
    out = np.rint(out).astype(np.uint8)
    if group_id is not None:
        gid = resize_map(np.asarray(group_id, np.int32), size, 'nearest')
        edge = np.zeros(size, bool)
        edge[:, 1:] |= gid[:, 1:] != gid[:, :-1]
        edge[1:, :] |= gid[1:, :] != gid[:-1, :]
        out[edge] = 255
    return out


def stack_panels(images: Sequence[np.ndarray],
                 gap: int = 2,
                 value: Optional[int] = 255) -> np.ndarray:
    """Images of one height side by side with ``gap`` pixels between."""
    height = images[0].shape[0]
    if any(im.shape[0] != height for im in images):
        raise ValueError('panels must share one height')
    parts = []
    for i, im in enumerate(images):
        if i:
            parts.append(np.full((height, gap, 3), value, np.uint8))
        parts.append(im)
    return np.concatenate(parts, axis=1)


def render_maps(frame: np.ndarray, maps: dict) -> dict:
    """Images of the maps of :func:`~mmavs.visualization.model_maps` for
    one frame: ``{'uncertainty': img, 'groups': img}`` (those present).

    Args:
        frame (np.ndarray): ``[H, W, 3]`` uint8 RGB.
        maps (dict): One frame's maps (numpy ``[h, w]`` arrays).

    Returns:
        dict[str, np.ndarray]: ``[H, W, 3]`` uint8 images.
    """
    out = {}
    if 'uncertainty' in maps:
        out['uncertainty'] = render_uncertainty(frame, maps['uncertainty'])
    if 'group_score' in maps:
        out['groups'] = render_groups(frame, maps['group_score'],
                                      maps['group_positive'],
                                      maps.get('group_id'))
    return out
