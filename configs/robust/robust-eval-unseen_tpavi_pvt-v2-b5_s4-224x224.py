# Unseen audio categories (paper supplementary A.1, Tables 5/6): every S4
# test clip with its own audio and with each of the four unseen recordings
# (tuning fork, rooster, sheep, thunderstorm: the files published with
# AVSBench-Robust in its unseen_audio/raw_audio folder; put them in
# data/AVSBench-Robust/unseen_audio or point unseen_audio_root elsewhere).
# Per-condition mIoU / F / FPR; the global metrics pool the four.
#   python tools/test.py configs/robust/robust-eval-unseen_tpavi_pvt-v2-b5_s4-224x224.py CKPT
_base_ = ['./robust-tpavi_pvt-v2-b5_1xb4-15e_s4-224x224.py']
test_dataloader = dict(
    dataset=dict(
        conditions=[
            'positive',
            dict(name='tuning_fork', files=['fork_segment.wav']),
            dict(name='rooster', files=['rooster_segment.wav']),
            dict(name='sheep', files=['sheep_segment.wav']),
            dict(name='thunderstorm', files=['thunderstorm_segment.wav']),
        ],
        unseen_audio_root='data/AVSBench-Robust/unseen_audio'))
test_evaluator = dict(global_negatives=None)
