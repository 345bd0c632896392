# AVSBench-Robust evaluation of a model trained with
# ../tpavi/tpavi_pvt-v2-b5_1xb4-30e_ms3-224x224.py
# (e.g. the plain baseline): its test set wrapped by RobustAVSDataset (every
# clip under positive / silence / noise / off-screen audio, 25% each, ground
# truth = the visual object's mask) and scored by RobustAVSMetric:
#   python tools/test.py configs/robust/robust-eval_tpavi_pvt-v2-b5_ms3-224x224.py CKPT
# Any other config is wrapped the same way: change the first _base_.
_base_ = [
    '../tpavi/tpavi_pvt-v2-b5_1xb4-30e_ms3-224x224.py',
    '../_base_/datasets/robust_wrappers.py',
]
test_dataloader = dict(dataset=dict(
    _base_.robust_eval_wrapper, _delete_=True,
    dataset=_base_.test_dataloader.dataset, **_base_.avsbench_ms3_robust))
test_evaluator = dict(_base_.robust_evaluator, _delete_=True)
