# Copyright (c) mmavs contributors. All rights reserved.
"""AVSBench-Robust global measures.

The paper ("Do Audio-Visual Segmentation Models Truly Segment Sounding
Objects?", Eqs. 2-4) defines

* ``G-mIoU = 2 * mIoU_P * (1 - mIoU_N) / (mIoU_P + (1 - mIoU_N))``,
* ``G-F = 2 * F_P * (1 - F_N) / (F_P + (1 - F_N))``,
* ``G-FPR = mean of FPR over the negative samples``,

with ``P`` the positive (original audio) and ``N`` the negative (silence,
noise, off-screen) samples. The official repository computes FPR per frame
(``sigmoid > 0.5`` pixels / (H * W + 1e-7)), and aggregates the global
metrics by hand from the per-condition results; the published numbers use
``mIoU_N`` / ``F_N`` averaged over the three negative conditions.
"""
from typing import Sequence


def harmonic_global(positive: float, negatives: Sequence[float]) -> float:
    """``2 * P * (1 - N) / (P + (1 - N))`` with ``N = mean(negatives)``.

    Args:
        positive (float): The score on positive samples, in [0, 1].
        negatives (Sequence[float]): The scores on each negative condition.

    Returns:
        float: The global score (0 when both terms are 0).
    """
    negatives = list(negatives)
    if not negatives:
        raise ValueError('harmonic_global needs at least one negative score')
    neg = sum(negatives) / len(negatives)
    a, b = float(positive), 1.0 - float(neg)
    return 2 * a * b / (a + b) if a + b > 0 else 0.0
