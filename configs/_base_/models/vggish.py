# The frozen AudioSet VGGish audio encoder of TPAVI, AVSegFormer and RAVS
# (128-D embedding per one-second log-mel example), as a variable for
# model.audio_backbone. Pretrained: pretrain/vggish_mmavs.pth
# (tools/model_converters/vggish2mmavs.py vggish-10086976.pth OUT).
vggish_audio_backbone = dict(
    type='VGGish',
    frozen=True,
    init_cfg=dict(type='Pretrained', checkpoint='pretrain/vggish_mmavs.pth'))
