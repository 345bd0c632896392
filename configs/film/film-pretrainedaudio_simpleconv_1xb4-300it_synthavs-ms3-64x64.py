# The FiLM baseline with the tiny configs' frozen audio encoder (pretrained on
# the SynthAVS train audio to recognise the sounds and their pitch levels,
# configs/_base_/models/synthavs_audio_mlp.py) in place of the audio MLP
# trained from scratch: the fusion then has the heard category and pitch level
# to bind to the frames. Generate the data and the encoder first:
#   python tools/dataset_converters/make_synthavs.py --ensure
_base_ = [
    './film_simpleconv_1xb4-300it_synthavs-ms3-64x64.py',
    '../_base_/models/synthavs_audio_mlp.py',
]
model = dict(
    audio_backbone={{_base_.synthavs_audio_backbone}},
    neck=dict(audio_channels=128))
