# Copyright (c) mmavs contributors. All rights reserved.
"""AVSInferencer: masks for a user's video (or frames plus audio)."""
import os
import os.path as osp
import warnings
from typing import Dict, List, Optional, Sequence, Tuple

import mmcv
import numpy as np
import torch
from mmengine.infer.infer import BaseInferencer
from mmengine.registry import init_default_scope
from torch import nn

from mmavs.registry import INFERENCERS
from .av_sources import AVSource, as_source
from .clip_sampling import (ClipSpec, SampledFrames, ShortVideoError,
                            plan_clips, sample_frames)
from .inference import ClipPipeline, clip_length_of, init_model

__all__ = ['AVSInferencer']


@INFERENCERS.register_module()
class AVSInferencer(BaseInferencer):
    """Audio-visual segmentation of videos, as mmseg's ``MMSegInferencer``.

    Inputs (one or a list):

    - a video file with its own audio track (mp4, mkv, mov, ...; decoded
      with PyAV);
    - ``dict(frames=FOLDER | [files] | array [N, H, W, 3], audio=WAV |
      (waveform, sample_rate), fps=1.0)``: frames at ``fps`` (default 1, the
      AVSBench layout) and the audio that starts with the first frame.

    The frames the model sees and their audio follow ``mode``
    (:mod:`mmavs.apis.clip_sampling`): ``'benchmark'`` (AVSBench: the last
    frame of every complete second with that second's audio; a clip's audio
    is cut into rows as one ``T``-second wav) or ``'dense'`` (every
    ``step``-th frame with the ``window_seconds`` of audio that end with
    it). The sampled frames are cut into clips of the model's ``T`` frames
    (the test dataset's clip length); a shorter input is refused unless
    ``pad_short=True``. Frames and audio go through the config's own test
    pipeline (:class:`~mmavs.apis.inference.ClipPipeline`).

    Every input gives a dict (``predictions`` of the returned dict):

    - ``name``, ``mode``, ``clip_length``, ``fps``;
    - ``frame_indices`` [N] (frame numbers in the video / folder),
      ``times`` [N] (seconds), ``audio_windows`` [N, 2] and ``covers``
      [N, 2] (the span of the video each mask stands for);
    - ``masks`` [N, H, W] uint8: class indices (binary: 0/1) at the
      frames' size;
    - ``logits`` [N, C, H, W] float32 (``return_logits=True``);
    - ``maps`` (``return_maps=True``): the model's extra maps
      (:func:`~mmavs.visualization.model_maps`: RAVS ``uncertainty``, AMA
      ``group_score`` / ``group_positive`` / ``group_id``), [N, h, w];
    - ``padded_frames``, ``unused_tail_seconds``;
    - ``datasamples`` (``return_datasamples=True``): the SegDataSamples.

    With ``out_dir``, overlays are written to
    ``{out_dir}/vis/{name}/{frame:06d}.png`` (and ``_uncertainty.png`` /
    ``_groups.png`` with ``draw_maps=True``), masks to
    ``{out_dir}/pred/{name}/{frame:06d}.png``.

    Args:
        model (str | Config): Config file or object.
        weights (str, optional): Checkpoint. Loaded strictly and weights-only
            (:func:`~mmavs.apis.init_model`).
        device (str, optional): Defaults to 'cuda' when available, else
            'cpu'.
        num_frames (int, optional): Clip length ``T``; defaults to the test
            dataset's.
        cfg_options (dict, optional): Config overrides.
        allow_partial (bool): Load a checkpoint partially. Defaults to
            False.
        show_progress (bool): Progress bar over clips. Defaults to False.
    """

    preprocess_kwargs: set = {'mode', 'step', 'window_seconds', 'pad_short'}
    forward_kwargs: set = {'return_maps'}
    visualize_kwargs: set = {'img_out_dir', 'opacity', 'return_vis',
                             'draw_maps'}
    postprocess_kwargs: set = {'pred_out_dir', 'return_logits'}

    def __init__(self,
                 model,
                 weights: Optional[str] = None,
                 device: Optional[str] = None,
                 num_frames: Optional[int] = None,
                 cfg_options: Optional[dict] = None,
                 allow_partial: bool = False,
                 show_progress: bool = False) -> None:
        from mmavs.utils import load_config, register_all_modules
        register_all_modules()
        init_default_scope('mmavs')
        self._allow_partial = allow_partial
        if isinstance(model, str):
            model = load_config(model, cfg_options)
        elif cfg_options:
            model = model.copy()
            model.merge_from_dict(cfg_options)
        if device is None:
            device = 'cuda' if torch.cuda.is_available() else 'cpu'
        super().__init__(
            model=model,
            weights=weights,
            device=device,
            scope='mmavs',
            show_progress=show_progress)
        self.clip_length = int(num_frames or clip_length_of(self.cfg))
        if self.clip_length < 1:
            raise ValueError(f'num_frames must be >= 1, got {num_frames}')

    # ------------------------------------------------------------------
    # BaseInferencer hooks
    # ------------------------------------------------------------------
    def _init_model(self, cfg, weights: Optional[str],
                    device: str = 'cpu') -> nn.Module:
        return init_model(
            cfg, weights, device, allow_partial=self._allow_partial)

    def _init_pipeline(self, cfg) -> ClipPipeline:
        return ClipPipeline(cfg)

    def _init_collate(self, cfg):
        from mmavs.datasets import av_collate
        return av_collate

    def _init_visualizer(self, cfg):
        return None  # overlays are drawn by mmavs.visualization

    def _inputs_to_list(self, inputs) -> list:
        if isinstance(inputs, (list, tuple)):
            return list(inputs)
        return [inputs]

    # ------------------------------------------------------------------
    def __call__(self,
                 inputs,
                 batch_size: int = 1,
                 out_dir: str = '',
                 return_datasamples: bool = False,
                 **kwargs) -> dict:
        """Segment the inputs.

        Args:
            inputs: One input or a list (see the class docstring).
            batch_size (int): Clips per forward pass. Defaults to 1.
            out_dir (str): Write overlays (``vis/``) and masks (``pred/``)
                there. Defaults to '' (nothing written).
            return_datasamples (bool): Also return the SegDataSamples.
            **kwargs: ``mode`` ('benchmark' | 'dense'), ``step`` (dense:
                every step-th frame, default 1), ``window_seconds`` (dense:
                audio per frame, default 1), ``pad_short`` (default False),
                ``return_maps``, ``return_logits``, ``return_vis``,
                ``draw_maps``, ``opacity`` (default 0.5).

        Returns:
            dict: ``predictions`` (one dict per input) and
            ``visualization`` (per input, the overlay images with
            ``return_vis=True``, else None).
        """
        pre, fwd, vis, post = self._dispatch_kwargs(**kwargs)
        if out_dir:
            vis.setdefault('img_out_dir', osp.join(out_dir, 'vis'))
            post.setdefault('pred_out_dir', osp.join(out_dir, 'pred'))
        if vis.get('draw_maps'):
            fwd['return_maps'] = True
        predictions, visualization = [], []
        for item in self._inputs_to_list(inputs):
            pred, images = self._run(item, batch_size, return_datasamples,
                                     pre, fwd, vis, post)
            predictions.append(pred)
            visualization.append(images)
        return dict(predictions=predictions, visualization=visualization)

    # ------------------------------------------------------------------
    def preprocess(self,
                   source: AVSource,
                   sampled: SampledFrames,
                   clip: ClipSpec,
                   frames: Dict[int, object],
                   clip_id: str,
                   mode: str = 'benchmark',
                   window_seconds: float = 1.0) -> dict:
        """Pack one clip: its frames and its audio (see ``mode``).

        Args:
            source (AVSource): The input.
            sampled (SampledFrames): The sampled frames.
            clip (ClipSpec): The clip.
            frames (dict): Sampled position -> frame (array or file).
            clip_id (str): The clip's name.
            mode (str): Sampling mode.
            window_seconds (float): Dense mode audio per frame.

        Returns:
            dict: The packed clip (``inputs``, ``data_samples``).
        """
        valid = clip.valid
        real = [p for p in clip.positions if p >= 0]
        if mode == 'benchmark':
            segment = source.audio_between(sampled.windows[real[0]][0],
                                           sampled.windows[real[-1]][1])
            rows = self.pipeline.audio_rows(clip_id, valid, segment=segment)
        else:
            windows = [source.audio_between(*sampled.windows[p]) for p in real]
            rows = self.pipeline.audio_rows(
                clip_id,
                valid,
                windows=windows,
                seconds_per_frame=window_seconds)
        pictures = [frames[p] if p >= 0 else None for p in clip.positions]
        key = 'frame_paths' if source.frames_are_files else 'frames'
        return self.pipeline(clip_id, rows, valid, **{key: pictures})

    @torch.no_grad()
    def forward(self,
                inputs: dict,
                return_maps: bool = False) -> Tuple[list, dict]:
        """Run the model on collated clips.

        Without ``return_maps`` this is ``model.test_step`` (what
        ``tools/test.py`` runs); with it, the model's
        ``predict_with_extras`` (same predictions) and
        :func:`~mmavs.visualization.model_maps` of its extras.

        Returns:
            tuple[list, dict]: Frame SegDataSamples and maps (name ->
            Tensor [B*T, h, w]; empty without ``return_maps``).
        """
        if not return_maps:
            return self.model.test_step(inputs), {}
        from mmavs.visualization import model_maps
        if not hasattr(self.model, 'predict_with_extras'):
            raise TypeError(f'{type(self.model).__name__} has no '
                            'predict_with_extras; it cannot return maps')
        data = self.model.data_preprocessor(inputs, False)
        preds, extras = self.model.predict_with_extras(**data)
        return preds, model_maps(self.model, extras)

    def visualize(self,
                  inputs: Sequence[np.ndarray],
                  preds: Sequence[dict],
                  img_out_dir: str = '',
                  opacity: float = 0.5,
                  return_vis: bool = False,
                  draw_maps: bool = False,
                  name: str = 'input') -> Optional[List[np.ndarray]]:
        """Draw the masks (and maps) of frames.

        Args:
            inputs (Sequence[np.ndarray]): RGB frames.
            preds (Sequence[dict]): Per frame ``mask``, ``index`` and
                ``maps``.
            img_out_dir (str): Write PNGs to ``{img_out_dir}/{name}/``.
            opacity (float): Weight of the class colours. Defaults to 0.5.
            return_vis (bool): Return the overlays.
            draw_maps (bool): Also draw the model's maps.
            name (str): The input's name.

        Returns:
            list[np.ndarray] | None: The overlays with ``return_vis``.
        """
        from mmavs.visualization import (display_palette, overlay_mask,
                                         render_maps)
        if not img_out_dir and not return_vis:
            return None
        palette = display_palette(self.model.dataset_meta['palette'])
        out = []
        for frame, pred in zip(inputs, preds):
            overlay = overlay_mask(frame, pred['mask'], palette, opacity)
            images = {'': overlay}
            if draw_maps:
                images.update(
                    {f'_{k}': v
                     for k, v in render_maps(frame, pred['maps']).items()})
            if img_out_dir:
                folder = osp.join(img_out_dir, name)
                os.makedirs(folder, exist_ok=True)
                for suffix, image in images.items():
                    mmcv.imwrite(
                        mmcv.rgb2bgr(image),
                        osp.join(folder, f'{pred["index"]:06d}{suffix}.png'))
            if return_vis:
                out.append(overlay)
        return out if return_vis else None

    def postprocess(self,
                    preds: dict,
                    visualization,
                    return_datasample: bool = False,
                    pred_out_dir: str = '',
                    return_logits: bool = False) -> dict:
        """Assemble one input's frame predictions.

        Args:
            preds (dict): ``samples`` (SegDataSample per sampled frame) and
                the fields collected by :meth:`_run`.
            visualization: Overlays or None.
            return_datasample (bool): Keep the SegDataSamples.
            pred_out_dir (str): Write masks to ``{pred_out_dir}/{name}/``.
            return_logits (bool): Return the logits.

        Returns:
            dict: See the class docstring.
        """
        samples = preds.pop('samples')
        masks = np.stack([
            s.pred_sem_seg.data[0].cpu().numpy().astype(np.uint8)
            for s in samples
        ])
        preds['masks'] = masks
        if return_logits:
            preds['logits'] = np.stack(
                [s.seg_logits.data.cpu().numpy() for s in samples])
        if return_datasample:
            preds['datasamples'] = samples
        if pred_out_dir:
            folder = osp.join(pred_out_dir, preds['name'])
            os.makedirs(folder, exist_ok=True)
            for index, mask in zip(preds['frame_indices'], masks):
                mmcv.imwrite(mask, osp.join(folder, f'{int(index):06d}.png'))
        return preds

    # ------------------------------------------------------------------
    def _frame_image(self, frame) -> np.ndarray:
        if isinstance(frame, str):
            return mmcv.imread(frame, channel_order='rgb')
        return frame

    def _run(self, item, batch_size: int, return_datasample: bool,
             pre: dict, fwd: dict, vis: dict, post: dict):
        """Segment one input (streaming its frames clip by clip)."""
        from mmavs.datasets import av_collate
        source = as_source(item)
        mode = pre.get('mode', 'benchmark')
        window = float(pre.get('window_seconds', 1.0))
        sampled = sample_frames(
            source.timeline, mode, step=pre.get('step', 1),
            window_seconds=window)
        if not len(sampled):
            need = ('one complete second' if mode == 'benchmark' else
                    f'{window:g} s of audio before a frame')
            raise ShortVideoError(
                f'{source.name} lasts {float(source.timeline.duration):.3f} '
                f's ({len(source.timeline)} frames): no frame to sample in '
                f'{mode} mode, which needs {need}')
        clips = plan_clips(
            len(sampled),
            self.clip_length,
            pad_short=pre.get('pad_short', False),
            source=source.name)
        padded = sum(p < 0 for c in clips for p in c.positions)
        if padded:
            warnings.warn(
                f'{source.name}: {len(sampled)} sampled frame(s), fewer '
                f'than one clip of {self.clip_length}; padded the clip with '
                f'{padded} empty frame(s) (pad_short=True)')
        kept: Dict[int, object] = {}
        maps_kept: Dict[str, Dict[int, np.ndarray]] = {}
        images: List[np.ndarray] = []
        frame_iter = source.iter_frames(sampled.indices)
        buffer: Dict[int, object] = {}
        next_pos = 0
        chunks = [
            clips[i:i + batch_size] for i in range(0, len(clips), batch_size)
        ]
        if self.show_progress:
            from rich.progress import track
            chunks = track(chunks, description=f'Inference {source.name}')
        num_done = 0
        for chunk in chunks:
            data = []
            for clip in chunk:
                need = max(clip.positions)
                while need not in buffer:
                    _, frame = next(frame_iter)
                    buffer[next_pos] = frame
                    next_pos += 1
                data.append(
                    self.preprocess(
                        source,
                        sampled,
                        clip,
                        buffer,
                        f'{source.name}@{num_done}',
                        mode=mode,
                        window_seconds=window))
                num_done += 1
            samples, maps = self.forward(av_collate(data), **fwd)
            new_frames, new_preds = [], []
            for c, clip in enumerate(chunk):
                for t, (pos, keep) in enumerate(zip(clip.positions,
                                                    clip.keep)):
                    if not keep:
                        continue
                    k = c * self.clip_length + t
                    kept[pos] = samples[k]
                    frame_maps = {
                        name: m[k].cpu().numpy()
                        for name, m in maps.items()
                    }
                    for name, m in frame_maps.items():
                        maps_kept.setdefault(name, {})[pos] = m
                    mask = samples[k].pred_sem_seg.data[0].cpu().numpy()
                    new_frames.append(self._frame_image(buffer[pos]))
                    new_preds.append(
                        dict(
                            mask=mask,
                            maps=frame_maps,
                            index=int(sampled.indices[pos])))
            drawn = self.visualize(
                new_frames, new_preds, name=source.name, **vis)
            if drawn:
                images.extend(drawn)
            lowest = min((min(p for p in c.positions if p >= 0)
                          for c in clips[num_done:num_done + 1]),
                         default=next_pos)
            for pos in [p for p in buffer if p < lowest]:
                del buffer[pos]
        order = sorted(kept)
        preds = dict(
            name=source.name,
            mode=mode,
            clip_length=self.clip_length,
            fps=source.fps,
            frame_indices=np.asarray(sampled.indices)[order],
            times=source.timeline.times[np.asarray(sampled.indices)[order]],
            audio_windows=np.array([[float(a), float(b)]
                                    for a, b in sampled.windows])[order],
            covers=np.array([[float(a), float(b)]
                             for a, b in sampled.covers])[order],
            padded_frames=padded,
            unused_tail_seconds=float(sampled.unused_tail),
            samples=[kept[p] for p in order])
        if fwd.get('return_maps'):
            preds['maps'] = {
                name: np.stack([m[p] for p in order])
                for name, m in maps_kept.items()
            }
        result = self.postprocess(preds, images or None, return_datasample,
                                  **post)
        return result, (images if vis.get('return_vis') else None)
