# Copyright (c) mmavs contributors. All rights reserved.
from typing import Any, Sequence

from mmengine.evaluator import DumpResults
from mmengine.evaluator.metric import _to_cpu

from mmavs.registry import METRICS


@METRICS.register_module()
class DumpAVSResults(DumpResults):
    """Dump the predictions of every clip to a pickle file.

    mmengine's ``DumpResults`` keeps one result per data sample, but mmavs
    models output one sample per *frame* while the evaluator collects
    ``len(dataset)`` results, one per *clip*; frames would be truncated and,
    across processes, interleaved. This metric keeps one result per clip:
    ``dict(clip_id=..., audio_condition=..., frames=[frame sample dicts in
    frame order])``.
    ``tools/test.py --out FILE`` adds it to the test evaluator.

    Args:
        out_file_path (str): Path of the ``.pkl`` file.
        collect_device (str): 'cpu' or 'gpu'.
    """

    def process(self, data_batch: Any, predictions: Sequence[dict]) -> None:
        """Split the clip-major frame samples of a batch into clips."""
        frames = _to_cpu(list(predictions))
        start = 0
        while start < len(frames):
            num_frames = frames[start].get('num_frames')
            if not num_frames:
                raise KeyError('frame sample of clip '
                               f'{frames[start].get("clip_id")!r} has no '
                               "'num_frames' in its metainfo")
            clip = frames[start:start + num_frames]
            self.results.append(
                dict(
                    clip_id=clip[0].get('clip_id'),
                    audio_condition=clip[0].get('audio_condition'),
                    frames=clip))
            start += num_frames
