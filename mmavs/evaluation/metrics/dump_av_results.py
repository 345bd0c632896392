# Copyright (c) mmavs contributors. All rights reserved.
from typing import Any, List, Sequence

import torch
from mmengine.evaluator import DumpResults
from mmengine.evaluator.metric import _to_cpu
from mmengine.logging import print_log

from mmavs.compat.numpy_globals import numpy_array_globals
from mmavs.registry import METRICS
from ..functional.frame_records import split_clips


@METRICS.register_module()
class DumpAVSResults(DumpResults):
    """Dump the predictions of every clip to a file.

    mmengine's ``DumpResults`` keeps one result per data sample, but mmavs
    models output one sample per *frame* while the evaluator collects
    ``len(dataset)`` results, one per *clip*; frames would be truncated and,
    across processes, interleaved. This metric keeps one result per clip, in
    dataset order::

        dict(clip_id=..., audio_condition=...,
             frames=[frame sample dicts in frame order],
             batch_clips=<clips in the evaluation batch it came in>)

    Each frame dict (``SegDataSample.to_dict()``) holds ``seg_logits``,
    ``gt_sem_seg`` and the metainfo (``valid``, ``labelled``, ``category``,
    ...), everything ``AVSMetric`` / ``AVSSMetric`` read, so
    ``tools/analysis_tools/metric_audit.py`` can re-score the file under
    other conventions; ``batch_clips`` lets it rebuild the evaluation
    batches of the official per-batch rule.

    The file is written with ``torch.save`` and read by
    :func:`load_av_results` with ``weights_only=True`` (tensors, containers,
    numbers, strings and numeric numpy values only), so reading a
    predictions file cannot run code. ``tools/test.py --out FILE`` adds this
    metric to the test evaluator.

    Args:
        out_file_path (str): Path of the ``.pkl`` file.
        collect_device (str): 'cpu' or 'gpu'.
    """

    def process(self, data_batch: Any, predictions: Sequence[dict]) -> None:
        """Split the clip-major frame samples of a batch into clips."""
        clips = split_clips(_to_cpu(list(predictions)))
        for clip in clips:
            self.results.append(
                dict(
                    clip_id=clip[0].get('clip_id'),
                    audio_condition=clip[0].get('audio_condition'),
                    frames=clip,
                    batch_clips=len(clips)))

    def compute_metrics(self, results: list) -> dict:
        """Save the collected clips with ``torch.save``."""
        torch.save(results, self.out_file_path)
        print_log(
            f'Predictions of {len(results)} clips saved to '
            f'{self.out_file_path}.',
            logger='current')
        return {}


def load_av_results(path: str) -> List[dict]:
    """Read a file written by :class:`DumpAVSResults`.

    Args:
        path (str): The ``--out`` file of ``tools/test.py``.

    Returns:
        list[dict]: One dict per clip (see :class:`DumpAVSResults`).

    Raises:
        ValueError: If the file is not a list of clip dicts with frames.
    """
    with torch.serialization.safe_globals(numpy_array_globals()):
        try:
            results = torch.load(path, map_location='cpu', weights_only=True)
        except Exception as err:
            raise ValueError(
                f'{path}: not a predictions file written by tools/test.py '
                f'--out (loaded with weights_only=True): {err}') from err
    if not isinstance(results, list) or not results:
        raise ValueError(f'{path}: expected a non-empty list of clips, got '
                         f'{type(results).__name__}')
    for i, clip in enumerate(results):
        if not isinstance(clip, dict) or not clip.get('frames'):
            raise ValueError(f'{path}: clip {i} has no frames (expected '
                             "dict(clip_id=..., frames=[...]))")
    return results
