# Copyright (c) mmavs contributors. All rights reserved.
from .avs_local_visualizer import AVSLocalVisualizer
from .figures import (save_image_grid, save_similarity_hist,
                      save_spectrogram_strip)
from .map_rendering import (BINARY_OVERLAY_COLOUR, apply_colormap,
                            colorize_mask, display_palette, overlay_mask,
                            render_groups, render_maps, render_uncertainty,
                            resize_map, stack_panels)
from .model_maps import MAP_NAMES, alignment_params, model_maps

__all__ = [
    'AVSLocalVisualizer', 'save_image_grid', 'save_similarity_hist',
    'save_spectrogram_strip', 'apply_colormap', 'colorize_mask',
    'overlay_mask', 'render_groups', 'render_maps', 'render_uncertainty',
    'resize_map', 'stack_panels', 'display_palette', 'BINARY_OVERLAY_COLOUR',
    'MAP_NAMES', 'alignment_params',
    'model_maps'
]
