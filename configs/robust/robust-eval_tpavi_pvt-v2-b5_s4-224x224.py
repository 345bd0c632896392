# AVSBench-Robust evaluation of a model trained with
# ../tpavi/tpavi_pvt-v2-b5_1xb4-15e_s4-224x224.py
# (e.g. the plain baseline): its test set wrapped by RobustAVSDataset (every
# clip under positive / silence / noise / off-screen audio, 25% each, ground
# truth = the visual object's mask) and scored by RobustAVSMetric:
#   python tools/test.py configs/robust/robust-eval_tpavi_pvt-v2-b5_s4-224x224.py CKPT
# Any other config is wrapped the same way: copy this file and change _base_.
_base_ = ['../tpavi/tpavi_pvt-v2-b5_1xb4-15e_s4-224x224.py']
test_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='RobustAVSDataset',
        dataset={{_base_.test_dataloader.dataset}},
        conditions=('positive', 'silence', 'noise', 'offscreen'),
        category_groups='s4',
        seed=0))
test_evaluator = dict(_delete_=True, type='RobustAVSMetric', mode='frame')
