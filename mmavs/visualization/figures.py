# Copyright (c) mmavs contributors. All rights reserved.
"""Matplotlib figures of the analysis tools, written as PNG files.

- :func:`save_image_grid`: rows of images with row and column titles (one
  clip under several audio conditions, frames with their maps);
- :func:`save_similarity_hist`: the cosine similarity distributions of
  positive and negative audio-visual pairs (AVSBench-Robust Fig. 4);
- :func:`save_spectrogram_strip`: frames, masks and the audio's log-mel
  spectrogram of a clip, one column per frame.

They use matplotlib's non-interactive Agg canvas (no display needed).
"""
import os
import os.path as osp
from typing import Optional, Sequence

import numpy as np

__all__ = ['save_image_grid', 'save_similarity_hist', 'save_spectrogram_strip']


def _figure(width: float, height: float):
    from matplotlib.figure import Figure
    return Figure(figsize=(width, height))


def _finish(fig, title: Optional[str]) -> None:
    """Lay out a figure, keeping room for its title."""
    if title:
        fig.suptitle(title, fontsize=9)
        height = fig.get_figheight()
        fig.tight_layout(pad=0.3, rect=(0, 0, 1, 1 - 0.3 / height))
    else:
        fig.tight_layout(pad=0.3)


def _save(fig, out_file: str, dpi: int) -> str:
    os.makedirs(osp.dirname(osp.abspath(out_file)), exist_ok=True)
    fig.savefig(out_file, dpi=dpi)
    return out_file


def save_image_grid(rows: Sequence[Sequence[np.ndarray]],
                    out_file: str,
                    row_titles: Optional[Sequence[str]] = None,
                    col_titles: Optional[Sequence[str]] = None,
                    title: Optional[str] = None,
                    cell_inches: float = 1.3,
                    dpi: int = 100) -> str:
    """Save a grid of RGB images.

    Args:
        rows (Sequence[Sequence[np.ndarray]]): Rows of ``[H, W, 3]`` uint8
            images (rows may differ in length).
        out_file (str): PNG path.
        row_titles (Sequence[str], optional): One per row (left).
        col_titles (Sequence[str], optional): One per column (top).
        title (str, optional): Figure title.
        cell_inches (float): Size of one cell. Defaults to 1.3.
        dpi (int): Resolution. Defaults to 100.

    Returns:
        str: ``out_file``.
    """
    num_rows = len(rows)
    num_cols = max(len(r) for r in rows)
    fig = _figure(cell_inches * num_cols + (0.9 if row_titles else 0.2),
                  cell_inches * num_rows + (0.5 if title else 0.2) +
                  (0.25 if col_titles else 0))
    axes = fig.subplots(num_rows, num_cols, squeeze=False)
    for r in range(num_rows):
        for c in range(num_cols):
            ax = axes[r][c]
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_visible(False)
            if c < len(rows[r]):
                ax.imshow(rows[r][c], interpolation='nearest')
            if r == 0 and col_titles and c < len(col_titles):
                ax.set_title(col_titles[c], fontsize=8)
            if c == 0 and row_titles:
                ax.set_ylabel(row_titles[r], fontsize=8)
    _finish(fig, title)
    return _save(fig, out_file, dpi)


def save_similarity_hist(panels: Sequence[tuple],
                         out_file: str,
                         bins: int = 40,
                         value_range=(-1.0, 1.0),
                         xlabel: str = 'cosine similarity',
                         dpi: int = 100) -> str:
    """Histograms of the similarities of positive and negative pairs, one
    panel per model (e.g. before and after training, as AVSBench-Robust
    Fig. 4).

    Args:
        panels (Sequence[tuple]): ``(title, positive, negative)`` per panel:
            the similarities of the positive and of the negative pairs.
        out_file (str): PNG path.
        bins (int): Number of bins. Defaults to 40.
        value_range (tuple): Histogram range. Defaults to (-1, 1).
        xlabel (str): x-axis label.
        dpi (int): Resolution.

    Returns:
        str: ``out_file``.
    """
    fig = _figure(3.4 * len(panels), 2.8)
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    edges = np.linspace(value_range[0], value_range[1], bins + 1)
    for ax, (title, positive, negative) in zip(axes, panels):
        for values, label, colour in ((positive, 'positive', '#1f77b4'),
                                      (negative, 'negative', '#d62728')):
            values = np.asarray(values, dtype=np.float64).ravel()
            text = (f'{label} (n={len(values)}, mean {values.mean():.2f})'
                    if len(values) else f'{label} (n=0)')
            ax.hist(
                values,
                bins=edges,
                density=True,
                alpha=0.55,
                color=colour,
                label=text)
        ax.set_xlabel(xlabel, fontsize=8)
        ax.set_ylabel('density', fontsize=8)
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=6)
        ax.set_title(title, fontsize=8)
    fig.tight_layout(pad=0.4)
    return _save(fig, out_file, dpi)


def save_spectrogram_strip(frames: Sequence[np.ndarray],
                           masks: Sequence[np.ndarray],
                           log_mel: np.ndarray,
                           out_file: str,
                           seconds_per_frame: float = 1.0,
                           title: Optional[str] = None,
                           cell_inches: float = 1.3,
                           dpi: int = 100) -> str:
    """Frames, masks and the audio's log-mel of a clip, aligned in time.

    Args:
        frames (Sequence[np.ndarray]): ``T`` RGB frames.
        masks (Sequence[np.ndarray]): ``T`` RGB mask images (or overlays).
        log_mel (np.ndarray): ``[num_mel, num_steps]`` log-mel values
            spanning the ``T`` frames.
        out_file (str): PNG path.
        seconds_per_frame (float): For the time axis. Defaults to 1.
        title (str, optional): Title.
        cell_inches (float): Size of one frame cell.
        dpi (int): Resolution.

    Returns:
        str: ``out_file``.
    """
    num = len(frames)
    fig = _figure(cell_inches * num + 0.9,
                  cell_inches * 2 + 1.3 + (0.3 if title else 0))
    grid = fig.add_gridspec(3, num, height_ratios=[1, 1, 0.9])
    for t in range(num):
        for row, images, label in ((0, frames, 'frame'), (1, masks, 'mask')):
            ax = fig.add_subplot(grid[row, t])
            ax.imshow(images[t], interpolation='nearest')
            ax.set_xticks([])
            ax.set_yticks([])
            if t == 0:
                ax.set_ylabel(label, fontsize=8)
            if row == 0:
                ax.set_title(f'{t * seconds_per_frame:g} s', fontsize=7)
    ax = fig.add_subplot(grid[2, :])
    ax.imshow(
        log_mel,
        origin='lower',
        aspect='auto',
        cmap='magma',
        extent=(0, num * seconds_per_frame, 0, log_mel.shape[0]))
    ax.set_xlabel('time (s)', fontsize=8)
    ax.set_ylabel('log-mel bin', fontsize=8)
    ax.tick_params(labelsize=7)
    _finish(fig, title)
    return _save(fig, out_file, dpi)
