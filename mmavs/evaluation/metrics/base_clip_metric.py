# Copyright (c) mmavs contributors. All rights reserved.
"""The base of the metrics that keep one result per clip."""
from abc import abstractmethod
from typing import Any, Dict, List, Optional, Sequence, Tuple

from mmengine.evaluator import BaseMetric
from torch import Tensor

from ..functional.frame_records import clip_frame_stats, split_clips


class BaseClipMetric(BaseMetric):
    """A metric that reduces the frames of each clip to per-frame
    statistics and keeps one result per clip.

    mmengine's evaluator hands :meth:`process` one sample per frame, whole
    clips in order, but collects (and drops the distributed padding of)
    ``len(dataset)`` results, one per clip. :meth:`process` therefore
    groups the frames into clips, reduces the scored frames (stacked by
    size, see :func:`~mmavs.evaluation.functional.frame_records.
    clip_frame_stats`) and appends one result per clip: the dict of
    :meth:`_clip_result` with the clip's per-frame statistics under
    ``'stats'``. No masks are kept.

    Subclasses define which frames are scored and how (:meth:`_read_frame`),
    the statistics (:meth:`_group_stats`, :meth:`_empty_stats`), the clip
    fields of a result (:meth:`_clip_result`) and ``compute_metrics``.
    """

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        """Reduce a batch of frame samples to per-frame statistics, one
        result per clip.

        Args:
            data_batch (Any): The data batch (unused).
            data_samples (Sequence[dict]): One dict per frame
                (``SegDataSample.to_dict()``), whole clips in order.
        """
        clips = split_clips(data_samples)
        per_clip = clip_frame_stats(clips, self._read_frame, self._group_stats,
                                    self._empty_stats)
        for clip, stats in zip(clips, per_clip):
            result = self._clip_result(clip, len(clips))
            result['stats'] = stats
            self.results.append(result)

    @abstractmethod
    def _read_frame(self, sample: dict) -> Optional[Tuple[Tensor, Tensor]]:
        """Logits ``[C, H, W]`` and label ``[H, W]`` of a scored frame, None
        for a frame that is not scored."""

    @abstractmethod
    def _group_stats(self, logits: Tensor, labels: Tensor,
                     samples: List[dict]) -> Dict[str, Tensor]:
        """Per-frame statistics (``[N, ...]`` CPU tensors) of stacked logits
        ``[N, C, H, W]`` and labels ``[N, H, W]`` of the ``N`` samples."""

    @abstractmethod
    def _empty_stats(self) -> Dict[str, Tensor]:
        """The statistics of a clip in a batch without any scored frame
        (zero-length tensors)."""

    @abstractmethod
    def _clip_result(self, clip: Sequence[dict], num_clips: int) -> dict:
        """The clip fields of a result (``stats`` is added to it).

        Args:
            clip (Sequence[dict]): The frame samples of the clip.
            num_clips (int): The number of clips in its ``process`` call.
        """
