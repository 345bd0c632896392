# SynthAVS-Robust evaluation of the plain tiny TPAVI
# (configs/tpavi/tpavi_simpleconv_1xb4-300it_synthavs-s4-64x64.py):
#   python tools/test.py configs/robust/robust-eval_tpavi_simpleconv_synthavs-s4-64x64.py CKPT
_base_ = [
    '../tpavi/tpavi_simpleconv_1xb4-300it_synthavs-s4-64x64.py',
    '../_base_/datasets/robust_wrappers.py',
]
test_dataloader = dict(dataset=dict(
    _base_.robust_eval_wrapper, _delete_=True,
    dataset=_base_.test_dataloader.dataset, **_base_.synthavs_s4_robust))
test_evaluator = dict(_base_.robust_evaluator, _delete_=True)
