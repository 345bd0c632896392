# The frozen audio encoder of the tiny SynthAVS configs, in the place of the
# published methods' frozen AudioSet-pretrained VGGish: an MLP over the
# VGGish log-mel examples (96x64 per one-second frame) to a 128-D embedding
# with ReLU, pretrained to recognise the sounds of the SynthAVS train split
# and their pitch levels (mmavs/synthavs/audio_encoder.py; never the frames or
# masks). make_synthavs.py writes the checkpoint
# next to the data (run `python tools/dataset_converters/make_synthavs.py
# --ensure`). Used as `audio_backbone={{_base_.synthavs_audio_backbone}}`.
synthavs_audio_backbone = dict(
    _delete_=True,
    type='AudioMLP',
    in_features=96 * 64,
    hidden=(128, ),
    out_features=128,
    frozen=True,
    init_cfg=dict(
        type='Pretrained',
        checkpoint='data/synthavs/pretrained/synthavs_audio_mlp.pth'))
