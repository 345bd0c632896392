# SynthAVS-Robust evaluation of the plain tiny TPAVI
# (configs/tpavi/tpavi_simpleconv_1xb4-300it_synthavs-s4-64x64.py):
#   python tools/test.py configs/robust/robust-eval_tpavi_simpleconv_synthavs-s4-64x64.py CKPT
_base_ = ['../tpavi/tpavi_simpleconv_1xb4-300it_synthavs-s4-64x64.py']
test_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='RobustAVSDataset',
        dataset={{_base_.test_dataloader.dataset}},
        conditions=('positive', 'silence', 'noise', 'offscreen'),
        category_groups='synthavs',
        seed=0))
test_evaluator = dict(_delete_=True, type='RobustAVSMetric', mode='frame')
