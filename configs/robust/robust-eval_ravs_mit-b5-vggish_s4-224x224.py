# AVSBench-Robust evaluation of a model trained with
# ../ravs/ravs_mit-b5-vggish_8xb2-40e_s4-224x224.py
# (e.g. the plain baseline): its test set wrapped by RobustAVSDataset (every
# clip under positive / silence / noise / off-screen audio, 25% each, ground
# truth = the visual object's mask) and scored by RobustAVSMetric:
#   python tools/test.py configs/robust/robust-eval_ravs_mit-b5-vggish_s4-224x224.py CKPT
# Any other config is wrapped the same way: change the first _base_.
_base_ = [
    '../ravs/ravs_mit-b5-vggish_8xb2-40e_s4-224x224.py',
    '../_base_/datasets/robust_wrappers.py',
]
test_dataloader = dict(dataset=dict(
    _base_.robust_eval_wrapper, _delete_=True,
    dataset=_base_.test_dataloader.dataset, **_base_.avsbench_s4_robust))
test_evaluator = dict(_base_.robust_evaluator, _delete_=True)
