# Copyright (c) mmavs contributors. All rights reserved.
"""Reading and checking the per-frame data samples a metric receives.

mmengine's ``Evaluator`` hands a metric one dict per frame
(``SegDataSample.to_dict()``); a batch of ``B`` clips gives ``B * T`` dicts in
clip order. The helpers here group them back into clips, decide which frames
are scored and pull out the pixel tensors with errors that name the sample.
"""
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import torch
from torch import Tensor


def describe_sample(sample: dict) -> str:
    """A short description of a frame sample for error messages.

    Args:
        sample (dict): One frame's data sample (``SegDataSample.to_dict()``).

    Returns:
        str: ``clip_id=..., frame_idx=..., img_path=...``.
    """
    return (f"clip_id={sample.get('clip_id')!r}, "
            f"frame_idx={sample.get('frame_idx')!r}, "
            f"img_path={sample.get('img_path')!r}")


def _clip_key(sample: dict) -> Any:
    if 'clip_id' in sample:
        return sample['clip_id']
    if 'img_path' in sample:
        return sample['img_path']
    raise KeyError('data sample has neither "clip_id" nor "img_path"; the '
                   'metric needs one of them to group frames into clips '
                   f'(keys: {sorted(sample)})')


def split_clips(data_samples: Sequence[dict]) -> List[List[dict]]:
    """Group a batch of frame samples into clips.

    Frames of one clip must be consecutive and agree on ``clip_id`` and
    ``num_frames`` (a sample without ``num_frames`` is a one-frame clip).

    Args:
        data_samples (Sequence[dict]): The frame samples of one batch.

    Returns:
        list[list[dict]]: One list of frame samples per clip.
    """
    clips = []
    i = 0
    while i < len(data_samples):
        first = data_samples[i]
        num_frames = first.get('num_frames', 1)
        if not isinstance(num_frames, int) or num_frames < 1:
            raise ValueError(f'{describe_sample(first)}: num_frames must be a '
                             f'positive int, got {num_frames!r}')
        clip = list(data_samples[i:i + num_frames])
        key = _clip_key(first)
        if len(clip) < num_frames:
            raise ValueError(
                f'{describe_sample(first)}: num_frames={num_frames} but only '
                f'{len(clip)} frame samples are left in the batch; a batch '
                'must hold whole clips')
        for sample in clip[1:]:
            if (_clip_key(sample) != key
                    or sample.get('num_frames', 1) != num_frames):
                raise ValueError(
                    f'{describe_sample(sample)}: expected frame of clip '
                    f'{key!r} with num_frames={num_frames} (the frames of a '
                    'clip must be consecutive in the batch), got '
                    f"num_frames={sample.get('num_frames', 1)!r}")
        clips.append(clip)
        i += num_frames
    return clips


def clip_field(clip: Sequence[dict], key: str, default: Any) -> Any:
    """A metainfo field that all frames of a clip must share.

    Args:
        clip (Sequence[dict]): The frame samples of one clip.
        key (str): The metainfo key.
        default (Any): Value for frames that lack the key.

    Returns:
        Any: The shared value.
    """
    value = clip[0].get(key, default)
    for sample in clip[1:]:
        if sample.get(key, default) != value:
            raise ValueError(
                f'{describe_sample(sample)}: {key}={sample.get(key)!r} '
                f'differs from {value!r} of the first frame of its clip')
    return value


def is_scored(sample: dict) -> bool:
    """Whether a frame is scored: ``valid`` (default True; False marks a
    padding frame) and ``labelled`` (default True; an unlabelled frame has no
    ground truth to score against).

    Args:
        sample (dict): One frame sample.

    Returns:
        bool: True if the frame counts in the metric.
    """
    return bool(sample.get('valid', True)) and bool(
        sample.get('labelled', True))


def pixel_data(sample: dict, key: str) -> Tensor:
    """The tensor of a pixel field (``seg_logits``, ``gt_sem_seg``, ...).

    Accepts the dict form of ``to_dict()`` (``{'data': Tensor}``), a
    ``PixelData`` or a bare tensor.

    Args:
        sample (dict): One frame sample.
        key (str): The field name.

    Returns:
        Tensor: The field's data.
    """
    if key not in sample:
        raise KeyError(f'{describe_sample(sample)}: data sample has no '
                       f'{key!r} (keys: {sorted(sample)})')
    value = sample[key]
    if isinstance(value, dict):
        if 'data' not in value:
            raise KeyError(f"{describe_sample(sample)}: {key!r} has no "
                           "'data' entry")
        value = value['data']
    elif hasattr(value, 'data') and not isinstance(value, Tensor):
        value = value.data
    if not isinstance(value, Tensor):
        raise TypeError(f'{describe_sample(sample)}: {key!r} must hold a '
                        f'tensor, got {type(value).__name__}')
    return value


def frame_logits_and_label(
        sample: dict,
        num_channels: Optional[int] = None) -> Tuple[Tensor, Tensor]:
    """Logits ``[C, H, W]`` and label ``[H, W]`` of a frame, checked.

    Args:
        sample (dict): One frame sample.
        num_channels (int, optional): Expected number of logit channels.

    Returns:
        tuple[Tensor, Tensor]: Logits ``[C, H, W]`` and the integer label
        map ``[H, W]`` on the logits' device.
    """
    logits = pixel_data(sample, 'seg_logits')
    label = pixel_data(sample, 'gt_sem_seg')
    if logits.dim() == 2:
        logits = logits[None]
    if logits.dim() != 3:
        raise ValueError(f'{describe_sample(sample)}: seg_logits must be '
                         f'[C, H, W], got shape {tuple(logits.shape)}')
    if num_channels is not None and logits.shape[0] != num_channels:
        raise ValueError(
            f'{describe_sample(sample)}: seg_logits has {logits.shape[0]} '
            f'channels, the metric expects {num_channels}')
    if not logits.is_floating_point():
        raise TypeError(f'{describe_sample(sample)}: seg_logits must be '
                        f'floating point, got {logits.dtype}')
    if label.dim() == 3 and label.shape[0] == 1:
        label = label[0]
    if label.dim() != 2:
        raise ValueError(f'{describe_sample(sample)}: gt_sem_seg must be '
                         f'[1, H, W], got shape {tuple(label.shape)}')
    if label.is_floating_point() or label.is_complex():
        raise TypeError(f'{describe_sample(sample)}: gt_sem_seg must hold '
                        f'integer labels, got {label.dtype}')
    if tuple(label.shape) != tuple(logits.shape[-2:]):
        raise ValueError(
            f'{describe_sample(sample)}: seg_logits spatial size '
            f'{tuple(logits.shape[-2:])} differs from gt_sem_seg size '
            f'{tuple(label.shape)}; the metric needs logits at the '
            'resolution of the labels')
    return logits, label.to(device=logits.device, dtype=torch.long)


def stack_by_shape(
    frames: Sequence[Tuple[Tensor, Tensor]]
) -> List[Tuple[List[int], Tensor, Tensor]]:
    """Stack frames that share a spatial size and device.

    Args:
        frames (Sequence[tuple[Tensor, Tensor]]): ``(logits, label)`` pairs.

    Returns:
        list[tuple[list[int], Tensor, Tensor]]: For each size, the positions
        of its frames in ``frames``, stacked logits ``[N, C, H, W]`` and
        labels ``[N, H, W]``.
    """
    groups: Dict[Any, List[int]] = {}
    for i, (logits, _) in enumerate(frames):
        key = (tuple(logits.shape), logits.device, logits.dtype)
        groups.setdefault(key, []).append(i)
    out = []
    for positions in groups.values():
        logits = torch.stack([frames[i][0] for i in positions])
        labels = torch.stack([frames[i][1] for i in positions])
        out.append((positions, logits, labels))
    return out


def concat_stats(stats_list) -> Dict[str, Tensor]:
    """Concatenate per-frame stats dicts along the frame axis.

    Args:
        stats_list (Sequence[dict[str, Tensor]]): Dicts with equal keys.

    Returns:
        dict[str, Tensor]: The concatenated stats.
    """
    stats_list = list(stats_list)
    return {
        key: torch.cat([s[key] for s in stats_list])
        for key in stats_list[0]
    }


def select_stats(stats: Dict[str, Tensor], index: Tensor) -> Dict[str, Tensor]:
    """Select frames (bool mask or index tensor) from concatenated stats."""
    return {key: value[index] for key, value in stats.items()}


def clip_frame_stats(
    clips: Sequence[Sequence[dict]],
    read_frame: Callable[[dict], Optional[Tuple[Tensor, Tensor]]],
    frame_stats: Callable[[Tensor, Tensor, List[dict]], Dict[str, Tensor]],
    empty_stats: Callable[[], Dict[str, Tensor]],
) -> List[Dict[str, Tensor]]:
    """Per-frame statistics of the scored frames of every clip.

    The scored frames of all clips are stacked by size (one ``frame_stats``
    call per size, see :func:`stack_by_shape`); the statistics are put back
    in frame order and split by clip, so that a metric can keep one result
    per clip.

    Args:
        clips (Sequence[Sequence[dict]]): The frame samples of each clip
            (:func:`split_clips`).
        read_frame (Callable): Maps a frame sample to its ``(logits [C, H,
            W], label [H, W])``, or to None when the frame is not scored.
            Called once per frame, in order.
        frame_stats (Callable): Maps stacked logits ``[N, C, H, W]``, labels
            ``[N, H, W]`` and the ``N`` frame samples to a dict of ``[N,
            ...]`` tensors.
        empty_stats (Callable): Gives the dict of zero-length tensors that
            every clip gets when no frame of the batch is scored; called
            after all frames were read.

    Returns:
        list[dict[str, Tensor]]: One dict per clip holding the statistics of
        its scored frames in frame order (zero-length tensors for a clip
        without one).
    """
    frames, samples, owner = [], [], []
    for ci, clip in enumerate(clips):
        for sample in clip:
            frame = read_frame(sample)
            if frame is not None:
                frames.append(frame)
                samples.append(sample)
                owner.append(ci)
    parts, order = [], []
    for positions, logits, labels in stack_by_shape(frames):
        parts.append(
            frame_stats(logits, labels, [samples[i] for i in positions]))
        order.extend(positions)
    if not parts:
        return [empty_stats() for _ in clips]
    perm = torch.argsort(torch.tensor(order))
    stats = select_stats(concat_stats(parts), perm)
    owner_t = torch.tensor(owner, dtype=torch.long)
    return [select_stats(stats, owner_t == ci) for ci in range(len(clips))]


def first_bad(flags: Tensor) -> int:
    """Index of the first True entry of a 1-D bool tensor (-1 if none)."""
    idx = torch.nonzero(flags).flatten()
    return int(idx[0]) if idx.numel() else -1


def check_finite(logits: Tensor, samples: Sequence[dict]) -> None:
    """Raise if any logit is NaN or infinite, naming the first bad frame.

    Args:
        logits (Tensor): ``[N, ...]`` logits of the frames in ``samples``.
        samples (Sequence[dict]): The matching frame samples.
    """
    if bool(torch.isfinite(logits.sum())):
        return  # a NaN or inf would make the sum non-finite
    bad = first_bad(~torch.isfinite(logits).flatten(1).all(1))
    if bad >= 0:
        raise ValueError(f'{describe_sample(samples[bad])}: seg_logits '
                         'contain NaN or infinite values')


def check_labels(labels: Tensor, num_classes: int, ignore_index: int,
                 samples: Sequence[dict]) -> None:
    """Raise if a label is outside ``[0, num_classes)`` and not ignore.

    Args:
        labels (Tensor): ``[N, H, W]`` labels of the frames in ``samples``.
        num_classes (int): Number of classes (2 for binary masks).
        ignore_index (int): The label of unlabelled pixels.
        samples (Sequence[dict]): The matching frame samples.
    """
    wrong = ((labels < 0) | (labels >= num_classes)) & (labels != ignore_index)
    bad = first_bad(wrong.flatten(1).any(1))
    if bad >= 0:
        values = torch.unique(labels[bad][wrong[bad]]).tolist()[:10]
        raise ValueError(
            f'{describe_sample(samples[bad])}: gt_sem_seg holds labels '
            f'{values} outside [0, {num_classes - 1}] (and not the ignore '
            f'index {ignore_index})')
