# SynthAVS-Robust on the S4-like layout: the datasets of synthavs_s4.py
# wrapped by RobustAVSDataset (robust_wrappers.py: 10% negative training
# pairs; validation and test under positive / silence / noise / off-screen
# audio, scored per condition by RobustAVSMetric). The test loader is the
# val loader around the base's test dataset.
_base_ = ['./synthavs_s4.py', './robust_wrappers.py']
robust_common = _base_.synthavs_s4_robust
train_dataloader = dict(dataset=dict(
    _base_.robust_train_wrapper, _delete_=True,
    dataset=_base_.train_dataloader.dataset, **robust_common))
val_dataloader = dict(dataset=dict(
    _base_.robust_eval_wrapper, _delete_=True,
    dataset=_base_.val_dataloader.dataset, **robust_common))
test_dataloader = dict(val_dataloader, dataset=dict(
    val_dataloader['dataset'], dataset=_base_.test_dataloader.dataset))
val_evaluator = dict(_base_.robust_evaluator, _delete_=True)
test_evaluator = val_evaluator
