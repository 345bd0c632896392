# Copyright (c) mmavs contributors. All rights reserved.
"""Planted bugs for ``tools/misc/mutation_check.py``.

Data only: the tool parses ``MUTATIONS`` with ``ast.literal_eval`` (nothing
here runs). Each entry:

* ``id``: short unique name;
* ``file``: the mutated file, relative to the repository root;
* ``old``: exact text that must occur once in ``file`` (the tool stops with
  an error otherwise, so an entry cannot silently stop applying);
* ``new``: the buggy replacement;
* ``tests``: the pytest targets (files or node ids) that must catch it;
* ``description``: what the bug is;
* ``timeout`` (optional): seconds its tests may take.
"""

# yapf: disable
MUTATIONS = [
    # ---------------------------------------------------------- converters
    {
        'id': 'converter-tpavi-stage-order',
        'file': 'tools/model_converters/avsbench2mmavs.py',
        'old': "lambda m: f'neck.tpavi.{int(m.group(1)) - 1}.'",
        'new': "lambda m: f'neck.tpavi.{4 - int(m.group(1))}.'",
        'tests': ['tests/test_tools/test_model_converters.py'],
        'description': 'AVSBench converter: TPAVI stages in reverse order',
    },
    {
        'id': 'converter-resconfunit-swap',
        'file': 'tools/model_converters/avsbench2mmavs.py',
        'old': "f'res_conv_unit{m.group(2)}.'",
        'new': "f'res_conv_unit{3 - int(m.group(2))}.'",
        'tests': ['tests/test_tools/test_model_converters.py'],
        'description': 'AVSBench converter: resConfUnit1 and 2 swapped',
    },
    {
        'id': 'converter-avsegformer-attn-swap',
        'file': 'tools/model_converters/avsegformer2mmavs.py',
        'old': "(re.compile(r'^self_attn\\.'), 'attentions.0.attn.'),\n"
               "    (re.compile(r'^cross_attn\\.'), 'attentions.1.attn.'),",
        'new': "(re.compile(r'^self_attn\\.'), 'attentions.1.attn.'),\n"
               "    (re.compile(r'^cross_attn\\.'), 'attentions.0.attn.'),",
        'tests': ['tests/test_tools/test_model_converters.py'],
        'description': 'AVSegFormer converter: decoder self- and '
                       'cross-attention swapped (same shapes)',
    },
    {
        'id': 'converter-avsegformer-norm-order',
        'file': 'tools/model_converters/avsegformer2mmavs.py',
        'old': "lambda m: f'norms.{int(m.group(1)) - 1}.'),",
        'new': "lambda m: f'norms.{(int(m.group(1)) + 1) % 3}.'),",
        'tests': ['tests/test_tools/test_model_converters.py'],
        'description': 'AVSegFormer converter: transformer norms rotated',
    },
    {
        'id': 'rcu-skip-adds-x',
        'file': 'mmavs/models/utils/feature_fusion_block.py',
        'old': '        x = self.relu(x)\n'
               '        out = self.conv2(self.relu(self.conv1(x)))\n'
               '        return out + x\n',
        'new': '        out = self.conv2(self.relu(self.conv1(self.relu(x))))\n'
               '        return out + x\n',
        'tests': [
            'tests/test_tools/test_official_parity.py::'
            'test_converted_tpavi_gives_official_logits'
        ],
        'description': 'ResidualConvUnit skip adds x, not relu(x) (the '
                       'official in-place ReLU quirk lost)',
    },
    # ------------------------------------------------------ engine / resume
    {
        'id': 'resume-clears-adam-state',
        'file': 'mmavs/engine/runner/avs_runner.py',
        'old': '            self.resume(resume_from)\n',
        'new': '            self.resume(resume_from)\n'
               '            self.optim_wrapper.optimizer.state.clear()\n',
        'tests': ['tests/test_tools/test_resume.py'],
        'description': "resume drops Adam's moment estimates",
    },
    {
        'id': 'evidential-counter-not-saved',
        'file': 'mmavs/models/losses/evidential_loss.py',
        'old': "self.register_buffer('num_updates', "
               'torch.zeros((), dtype=torch.long))',
        'new': "self.register_buffer('num_updates', "
               'torch.zeros((), dtype=torch.long), persistent=False)',
        'tests': ['tests/test_tools/test_resume.py'],
        'description': "EvidentialLoss's annealing counter is not in the "
                       'checkpoint (restarts at 0 on resume)',
    },
    {
        'id': 'registry-shadows-mmseg-transform',
        'file': 'mmavs/datasets/transforms/loading.py',
        'old': '@TRANSFORMS.register_module()\nclass LoadAVFrames(',
        'new': "@TRANSFORMS.register_module(name=['LoadAVFrames', "
               "'LoadImageFromFile'])\nclass LoadAVFrames(",
        'tests': ['tests/test_registry.py'],
        'description': "LoadAVFrames also registered as mmseg's "
                       'LoadImageFromFile (shadows it in scope mmavs)',
    },
    # ------------------------------------------------------------- metrics
    {
        'id': 'gfpr-mean-of-conditions',
        'file': 'mmavs/evaluation/metrics/robust_metric.py',
        'old': "metrics[f'G-FPR@{mode}'] = score(neg_sel)['FPR']",
        'new': "metrics[f'G-FPR@{mode}'] = sum(per_cond[c]['FPR'] for c in "
               'negatives) / len(negatives)',
        'tests': ['tests/test_evaluation/test_metrics/test_robust_metric.py'],
        'description': 'G-FPR as the mean of per-condition FPRs instead of '
                       'over all negative frames (Eq. 4)',
    },
    {
        'id': 'gmiou-without-one-minus',
        'file': 'mmavs/evaluation/functional/robust_measures.py',
        'old': 'a, b = float(positive), 1.0 - float(neg)',
        'new': 'a, b = float(positive), float(neg)',
        'tests': [
            'tests/test_evaluation/test_functional/test_robust_measures.py',
            'tests/test_evaluation/test_metrics/test_robust_metric.py'
        ],
        'description': 'global G-mIoU/G-F use the negative score, not '
                       '1 - score, in the harmonic mean',
    },
    {
        'id': 'iou-empty-gt-scores-zero',
        'file': 'mmavs/evaluation/functional/binary_measures.py',
        'old': "num = torch.where(empty, tn, stats['inter']).float()",
        'new': "num = stats['inter'].float()",
        'tests': [
            'tests/test_evaluation/test_functional/test_binary_measures.py'
        ],
        'description': 'J of a frame with empty ground truth is 0 instead '
                       'of TN / (H * W)',
    },
    {
        'id': 'fbeta-weights-swapped',
        'file': 'mmavs/evaluation/functional/binary_measures.py',
        'old': 'f_score = (1 + beta2) * prec * recall / (beta2 * prec + '
               'recall)',
        'new': 'f_score = (1 + beta2) * prec * recall / (prec + beta2 * '
               'recall)',
        'tests': [
            'tests/test_evaluation/test_functional/test_binary_measures.py'
        ],
        'description': 'F-beta with beta^2 on recall instead of precision',
    },
    {
        'id': 'f-counts-empty-gt-frames',
        'file': 'mmavs/evaluation/functional/binary_measures.py',
        'old': '    in_f = gt_fg > 0\n',
        'new': '    in_f = gt_fg >= 0\n',
        'tests': [
            'tests/test_evaluation/test_functional/test_binary_measures.py'
        ],
        'description': 'F averaged over frames with empty ground truth '
                       'by default (official code leaves them out)',
    },
    {
        'id': 'pooled-f-fn-fp-swapped',
        'file': 'mmavs/evaluation/functional/semantic_measures.py',
        'old': 'fscore_pc = (1 + beta2) * inter / ((1 + beta2) * inter + '
               'beta2 * fn + fp)',
        'new': 'fscore_pc = (1 + beta2) * inter / ((1 + beta2) * inter + '
               'fn + beta2 * fp)',
        'tests': [
            'tests/test_evaluation/test_functional/'
            'test_semantic_measures.py',
            'tests/test_evaluation/test_metrics/test_avss_metric.py'
        ],
        'description': 'pooled (CAVP) per-class F weights FP by beta^2 '
                       'instead of FN',
    },
    # -------------------------------------------------------------- losses
    {
        'id': 'evidential-s-detached',
        'file': 'mmavs/models/losses/evidential_loss.py',
        'old': '        s = alpha.sum(1, keepdim=True)\n',
        'new': '        s = alpha.sum(1, keepdim=True).detach()\n',
        'tests': ['tests/test_models/test_losses/test_evidential_loss.py'],
        'description': 'evidential loss: Dirichlet strength S detached',
    },
    {
        'id': 'evidential-kl-alpha-detached',
        'file': 'mmavs/models/losses/evidential_loss.py',
        'old': '        alpha_tilde = y + (1 - y) * alpha\n',
        'new': '        alpha_tilde = y + (1 - y) * alpha.detach()\n',
        'tests': ['tests/test_models/test_losses/test_evidential_loss.py'],
        'description': 'evidential loss: KL term gives no gradient',
    },
    {
        'id': 'avm-kl-mask-mean-over-all-pixels',
        'file': 'mmavs/models/losses/avm_kl_loss.py',
        'old': 'feat = (v_map * mask).sum(dim=(-2, -1)) / (area + 1e-6)',
        'new': 'feat = (v_map * mask).mean(dim=(-2, -1))',
        'tests': ['tests/test_models/test_losses/test_avm_kl_loss.py'],
        'description': 'AVM KL loss: masked average divides by H*W, not '
                       'the mask area',
    },
    {
        'id': 'avm-kl-audio-not-normalised',
        'file': 'mmavs/models/losses/avm_kl_loss.py',
        'old': '                a_fea = F.normalize(a_fea, dim=-1)\n',
        'new': '\n',
        'tests': ['tests/test_models/test_losses/test_avm_kl_loss.py'],
        'description': 'AVM KL loss: audio feature not L2-normalised',
    },
    {
        'id': 'focal-prob-detached',
        'file': 'mmavs/compat/mmcv_ops.py',
        'old': '    prob = input.sigmoid()\n',
        'new': '    prob = input.sigmoid().detach()\n',
        'tests': [
            'tests/test_compat/test_mmcv_ops.py::'
            'test_sigmoid_focal_loss_matches_direct_formula'
        ],
        'description': 'sigmoid focal loss: modulating factor detached',
    },
    {
        'id': 'dice-without-factor-2',
        'file': 'mmavs/models/losses/soft_dice_loss.py',
        'old': 'return (2 * inter + self.smooth) / (',
        'new': 'return (inter + self.smooth) / (',
        'tests': ['tests/test_models/test_losses/test_region_losses.py'],
        'description': 'soft Dice without the factor 2 on the intersection',
    },
    {
        'id': 'region-loss-counts-ignored-pixels',
        'file': 'mmavs/models/losses/soft_region_loss.py',
        'old': '    prob = prob * m\n',
        'new': '',
        'tests': ['tests/test_models/test_losses/test_region_losses.py'],
        'description': 'soft region losses: ignored pixels count in the '
                       'predicted area',
    },
    {
        'id': 'infonce-multiplies-temperature',
        'file': 'mmavs/models/losses/infonce_loss.py',
        'old': 'logits = sim / temperature',
        'new': 'logits = sim * temperature',
        'tests': ['tests/test_models/test_losses/test_infonce_loss.py'],
        'description': 'InfoNCE multiplies by the temperature',
    },
    {
        'id': 'av-similarity-raw-log-scale',
        'file': 'mmavs/models/losses/av_similarity_loss.py',
        'old': 'logits = sim * self.log_scale.exp()',
        'new': 'logits = sim * self.log_scale',
        'tests': ['tests/test_models/test_losses/test_av_similarity_loss.py'],
        'description': 'AV similarity loss scales by log_scale, not its exp',
    },
    # --------------------------------------------------- DPC-KNN and SGSM
    {
        'id': 'dpcknn-score-ignores-density',
        'file': 'mmavs/models/utils/dpc_knn.py',
        'old': '    score = rho * delta\n',
        'new': '    score = delta.clone()\n',
        'tests': ['tests/test_models/test_utils/test_dpc_knn.py'],
        'description': 'DPC-KNN centre score is delta, not density * delta',
    },
    {
        'id': 'dpcknn-density-unscaled',
        'file': 'mmavs/models/utils/dpc_knn.py',
        'old': '        rho = torch.exp(rho.mul_(-scale))\n',
        'new': '        rho = torch.exp(rho.neg_())\n',
        'tests': ['tests/test_models/test_utils/test_dpc_knn.py'],
        'description': 'DPC-KNN density without the 1/C distance scale',
    },
    {
        'id': 'sgsm-softmax-over-all-tokens',
        'file': 'mmavs/models/utils/sgsm_block.py',
        'old': 'return ex / denom.gather(1, groups)',
        'new': 'return ex / denom.sum(1, keepdim=True)',
        'tests': ['tests/test_models/test_necks/test_ama_neck.py'],
        'description': 'SGSM: token weights normalised over the frame, '
                       'not within each group',
    },
    {
        'id': 'sgsm-relevance-not-in-attention',
        'file': 'mmavs/models/utils/sgsm_block.py',
        'old': 'bias = relevance[:, None, None, :]',
        'new': 'bias = torch.zeros_like(relevance)[:, None, None, :]',
        'tests': ['tests/test_models/test_necks/test_ama_neck.py'],
        'description': 'SGSM group decoder: relevance not added to the '
                       'attention logits',
    },
    {
        'id': 'sgsm-reprojects-mean-group',
        'file': 'mmavs/models/utils/sgsm_block.py',
        'old': 'out = f + groups.gather(1, index[:, :, None].expand(-1, -1, '
               'c))',
        'new': 'out = f + groups.mean(1, keepdim=True)',
        'tests': ['tests/test_models/test_necks/test_ama_neck.py'],
        'description': 'SGSM: every token gets the mean group, not its own',
    },
    {
        'id': 'tpavi-not-divided-by-positions',
        'file': 'mmavs/models/utils/tpavi_block.py',
        'old': "y = torch.einsum('bcn,bcd->bdn', theta, phi_g) / num_pos",
        'new': "y = torch.einsum('bcn,bcd->bdn', theta, phi_g)",
        'tests': ['tests/test_models/test_necks/test_tpavi_neck.py'],
        'description': 'TPAVI attention not divided by N = T*H*W',
    },
    # --------------------------------------------------------- uncertainty
    {
        'id': 'ue-variance-one-s',
        'file': 'mmavs/models/decode_heads/uncertainty_head.py',
        'old': 'return (prod / (s * s * (s + 1))).expand_as(alpha)',
        'new': 'return (prod / (s * (s + 1))).expand_as(alpha)',
        'tests': [
            'tests/test_models/test_decode_heads/test_uncertainty_head.py'
        ],
        'description': 'Dirichlet variance divided by S (S + 1), not '
                       'S^2 (S + 1)',
    },
    {
        'id': 'ue-seg-loss-on-mask',
        'file': 'mmavs/models/decode_heads/uncertainty_head.py',
        'old': "seg = m if self.seg_loss_on == 'mask' else "
               'self.final_logits(m, u)',
        'new': 'seg = m',
        'tests': [
            'tests/test_models/test_decode_heads/test_uncertainty_head.py'
        ],
        'description': "seg_loss_on='final' ignored (loss on the mask "
                       'branch)',
    },
    {
        'id': 'ue-evidence-softplus',
        'file': 'mmavs/models/decode_heads/uncertainty_head.py',
        'old': '                self.alpha(u), label, '
               'ignore_index=self.ignore_index)',
        'new': '                F.softplus(u), label, '
               'ignore_index=self.ignore_index)',
        'tests': [
            'tests/test_models/test_decode_heads/test_uncertainty_head.py'
        ],
        'description': 'evidential loss gets softplus(u), not alpha = '
                       'evidence + 1',
    },
    {
        'id': 'ue-nearest-upsampling',
        'file': 'mmavs/models/decode_heads/uncertainty_head.py',
        'old': "                size=label.shape[1:],\n"
               "                mode='bilinear',\n"
               '                align_corners=self.align_corners)\n'
               '            name = self.loss_evidential.loss_name',
        'new': "                size=label.shape[1:],\n"
               "                mode='nearest',\n"
               '                align_corners=None)\n'
               '            name = self.loss_evidential.loss_name',
        'tests': [
            'tests/test_models/test_decode_heads/test_uncertainty_head.py'
        ],
        'description': 'evidence logits upsampled nearest, not bilinear',
    },
    # -------------------------------------------------------------- robust
    {
        'id': 'noise-uniform-half-range',
        'file': 'mmavs/datasets/audio_io.py',
        'old': 'return rng.uniform(-amp, amp, num), sample_rate',
        'new': 'return rng.uniform(0, amp, num), sample_rate',
        'tests': ['tests/test_datasets/test_transforms/test_negative_audio.py'],
        'description': 'uniform noise negative drawn in [0, a], not [-a, a]',
    },
    {
        'id': 'noise-uniform-as-gaussian',
        'file': 'mmavs/datasets/audio_io.py',
        'old': 'return rng.uniform(-amp, amp, num), sample_rate',
        'new': 'return rng.normal(0.0, amp / 3 ** 0.5, num), sample_rate',
        'tests': ['tests/test_datasets/test_transforms/test_negative_audio.py'],
        'description': "'uniform' noise drawn Gaussian with the same std",
    },
    {
        'id': 'noise-gaussian-half-std',
        'file': 'mmavs/datasets/audio_io.py',
        'old': 'return rng.normal(0.0, amp, num), sample_rate',
        'new': 'return rng.normal(0.0, amp / 2, num), sample_rate',
        'tests': ['tests/test_datasets/test_transforms/test_negative_audio.py'],
        'description': 'Gaussian noise negative with std a / 2',
    },
    {
        'id': 'noise-default-amplitude',
        'file': 'mmavs/datasets/robust/conditions.py',
        'old': "amplitude=float(noise_cfg.get('amplitude', 1.0))",
        'new': "amplitude=float(noise_cfg.get('amplitude', 0.5))",
        'tests': ['tests/test_datasets/test_transforms/test_negative_audio.py'],
        'description': 'default noise amplitude 0.5 instead of 1',
    },
    {
        'id': 'offscreen-ignores-avoid-groups',
        'file': 'mmavs/datasets/robust/offscreen.py',
        'old': "('group', ~(self._group_matrix & avoid).any(1)),",
        'new': "('group', ~(self._group_matrix & own_groups).any(1)),",
        'tests': ['tests/test_datasets/test_robust/test_offscreen.py'],
        'description': 'off-screen sampling ignores avoid_groups',
    },
    {
        'id': 'robust-feature-message-no-path',
        'file': 'mmavs/datasets/transforms/audio.py',
        'old': "f'gives the feature file {spec[\"path\"]}, but the audio '",
        'new': "f'gives a feature file, but the audio '",
        'tests': [
            'tests/test_datasets/test_robust/test_robust_avs_dataset.py::'
            'test_feature_representation'
        ],
        'description': 'the feature-file error does not name the file',
    },
    # ------------------------------------------------- datasets and audio
    {
        'id': 'vggish-resampler-soxr',
        'file': 'mmavs/datasets/audio_io.py',
        'old': '        res_type=res_type,\n        fix=False)',
        'new': "        res_type='soxr_hq',\n        fix=False)",
        'tests': ['tests/test_datasets/test_audio_features.py'],
        'description': 'resampler forced to soxr_hq (not the VGGish '
                       'reference resampy kaiser_best)',
    },
    {
        'id': 'vggish-symmetric-hann',
        'file': 'mmavs/datasets/audio_features.py',
        'old': 'periodic_hann = 0.5 - 0.5 * np.cos(2 * np.pi / win * '
               'np.arange(win))',
        'new': 'periodic_hann = np.hanning(win)',
        'tests': ['tests/test_datasets/test_audio_features.py'],
        'description': 'VGGish STFT window symmetric, not periodic Hann',
    },
    {
        'id': 'vggish-log-offset',
        'file': 'mmavs/datasets/audio_features.py',
        'old': 'return np.log(mel + VGGISH_LOG_OFFSET)',
        'new': 'return np.log(mel + 1e-6)',
        'tests': ['tests/test_datasets/test_audio_features.py'],
        'description': 'VGGish log-mel offset 1e-6 instead of 0.01',
    },
    {
        'id': 's4-train-labels-every-frame',
        'file': 'mmavs/datasets/avsbench.py',
        'old': '[0] if train else range(self.num_frames)),',
        'new': 'range(self.num_frames)),',
        'tests': ['tests/test_datasets/test_avsbench.py'],
        'description': 'S4 train clips claim all 5 frames labelled (only '
                       'the first is)',
    },
    {
        'id': 'frame-error-no-path',
        'file': 'mmavs/datasets/transforms/loading.py',
        'old': "f'clip {clip_id}: {what} file not found or unreadable: '\n"
               "            f'{path}') from err",
        'new': "f'clip {clip_id}: {what} file not found or "
               "unreadable') from err",
        'tests': [
            'tests/test_datasets/test_vpo.py::'
            'test_vpo_msmi_single_instance_root'
        ],
        'description': 'missing-frame error does not name the file',
    },
    {
        'id': 'vggish-stereo-message-no-clip',
        'file': 'mmavs/datasets/transforms/audio.py',
        'old': "f'clip {results.get(\"clip_id\", \"?\")}: VGGish examples "
               "are '",
        'new': "f'VGGish examples are '",
        'tests': [
            'tests/test_datasets/test_vpo.py::'
            'test_vpo_ms_stereo_mix_and_flip'
        ],
        'description': 'stereo-VGGish error does not name the clip',
    },
    {
        'id': 'empty-feature-message-no-path',
        'file': 'mmavs/datasets/audio_io.py',
        'old': "raise AudioFileError(f'audio feature file {path} is empty "
               "(shape '",
        'new': "raise AudioFileError(f'audio feature file is empty (shape '",
        'tests': ['tests/test_datasets/test_audio_io.py'],
        'description': 'empty-feature-file error does not name the file',
    },
    {
        'id': 'empty-audio-message-no-path',
        'file': 'mmavs/datasets/audio_io.py',
        'old': "f'audio file {path} is empty (0 samples); expected a "
               "non-empty '",
        'new': "f'audio file is empty (0 samples); expected a non-empty '",
        'tests': [
            'tests/test_datasets/test_transforms/test_negative_audio.py::'
            'test_bad_negative_files_are_named'
        ],
        'description': 'empty-audio error does not name the file',
    },
    # ------------------------------------------------- second batch
    {
        'id': 'vggish-flatten-chw',
        'file': 'mmavs/models/audio_backbones/vggish.py',
        'old': 'x = x.permute(0, 2, 3, 1).flatten(1)',
        'new': 'x = x.flatten(1)',
        'tests': ['tests/test_models/test_audio_backbones/test_vggish.py'],
        'description': 'VGGish flattens (C, H, W), not the TF (H, W, C)',
    },
    {
        'id': 'htsat-fmax',
        'file': 'mmavs/models/audio_backbones/htsat.py',
        'old': '    fmax=14000,\n',
        'new': '    fmax=8000,\n',
        'tests': [
            'tests/test_models/test_audio_backbones/test_htsat.py',
            'tests/test_tools/test_official_parity.py::'
            'test_htsat_loads_clap_trainer_checkpoint_with_official_outputs'
        ],
        'description': "HTSAT-tiny mel filterbank up to 8 kHz, not CLAP's "
                       '14 kHz',
    },
    {
        'id': 'film-scale-without-one',
        'file': 'mmavs/models/necks/audio_film_neck.py',
        'old': 'outs.append(self.act(feat * (1 + gamma) + beta))',
        'new': 'outs.append(self.act(feat * gamma + beta))',
        'tests': ['tests/test_models/test_necks/test_audio_film_neck.py'],
        'description': 'FiLM scales by gamma, not 1 + gamma',
    },
    {
        'id': 'mixloss-first-channel',
        'file': 'mmavs/models/losses/mix_loss.py',
        'old': 'feats.mean(1, keepdim=True),',
        'new': 'feats[:, :1],',
        'tests': ['tests/test_models/test_losses/test_mix_loss.py'],
        'description': 'mix loss on the first channel, not the channel mean',
    },
    {
        'id': 'mixloss-ignored-as-foreground',
        'file': 'mmavs/models/losses/mix_loss.py',
        'old': 'return torch.where(ignored, gt, fg).long()',
        'new': 'return fg.long()',
        'tests': ['tests/test_models/test_losses/test_mix_loss.py'],
        'description': 'mix loss target turns ignored pixels into '
                       'foreground',
    },
    {
        'id': 'evidential-no-annealing',
        'file': 'mmavs/models/losses/evidential_loss.py',
        'old': 'return min(1.0, float(self.num_updates) / '
               'self.annealing_steps)',
        'new': 'return 1.0',
        'tests': ['tests/test_models/test_losses/test_evidential_loss.py'],
        'description': 'evidential KL weight not annealed (1 from the start)',
    },
    {
        'id': 'flip-leaves-masks',
        'file': 'mmavs/datasets/transforms/transforms.py',
        'old': '            results[key] = [\n'
               '                mmcv.imflip(m, direction=self.direction) '
               "for m in results[key]\n"
               '            ]\n',
        'new': '            results[key] = list(results[key])\n',
        'tests': ['tests/test_datasets/test_transforms/test_transforms.py'],
        'description': 'clip flip flips the frames but not the masks',
    },
    {
        'id': 'flip-keeps-stereo-sides',
        'file': 'mmavs/datasets/transforms/transforms.py',
        'old': "results['audio'] = np.ascontiguousarray(audio[:, ::-1])",
        'new': "results['audio'] = np.ascontiguousarray(audio)",
        'tests': [
            'tests/test_datasets/test_transforms/test_transforms.py',
            'tests/test_datasets/test_vpo.py'
        ],
        'description': 'horizontal flip does not swap the stereo channels',
    },
    {
        'id': 'crop-counts-ignored-pixels',
        'file': 'mmavs/datasets/transforms/transforms.py',
        'old': '        counts[self.ignore_index] = 0\n',
        'new': '',
        'tests': ['tests/test_datasets/test_transforms/test_transforms.py'],
        'description': 'cat_max_ratio crop counts ignored pixels as a class',
    },
    {
        'id': 'palette-read-as-bgr',
        'file': 'mmavs/datasets/transforms/loading.py',
        'old': 'pix = (pix[..., 0] << 16) | (pix[..., 1] << 8) | pix[..., 2]',
        'new': 'pix = (pix[..., 2] << 16) | (pix[..., 1] << 8) | pix[..., 0]',
        'tests': [
            'tests/test_datasets/test_transforms/test_loading.py',
            'tests/test_datasets/test_avss.py'
        ],
        'description': 'palette masks decoded as BGR',
    },
    {
        'id': 'avsbench-batches-interleaved',
        'file': 'mmavs/evaluation/metrics/avs_metric.py',
        'old': 'key = (group, pos // size)',
        'new': 'key = (group, pos % size)',
        'tests': ['tests/test_evaluation/test_metrics/test_avs_metric.py'],
        'description': "mode='avsbench' batches take every size-th clip, "
                       'not consecutive clips',
    },
    {
        'id': 'robust-append-negative-count',
        'file': 'mmavs/datasets/robust/conditions.py',
        'old': 'num_neg = int(round(num * ratio / (1.0 - ratio)))',
        'new': 'num_neg = int(round(num * ratio))',
        'tests': ['tests/test_datasets/test_robust/test_conditions.py'],
        'description': "train_length='append': N r negatives, so the "
                       'negative share is not r',
    },
    {
        'id': 'robust-draws-with-repeats',
        'file': 'mmavs/datasets/robust/conditions.py',
        'old': 'draws = [rng.permutation(num_clips) for _ in range(reps)]',
        'new': 'draws = [rng.integers(0, num_clips, num_clips) '
               'for _ in range(reps)]',
        'tests': ['tests/test_datasets/test_robust/test_conditions.py'],
        'description': 'negative clips drawn with repeats before every '
                       'clip was drawn',
    },
    {
        'id': 'clip-stats-left-grouped-by-size',
        'file': 'mmavs/evaluation/functional/frame_records.py',
        'old': 'perm = torch.argsort(torch.tensor(order))',
        'new': 'perm = torch.arange(len(order))',
        'tests': [
            'tests/test_evaluation/test_functional/test_frame_records.py',
            'tests/test_evaluation/test_metrics/test_avs_metric.py'
        ],
        'description': 'frame statistics of a batch with several frame '
                       'sizes stay grouped by size, not put back in frame '
                       'order (clips get other clips\' frames)',
    },
]
