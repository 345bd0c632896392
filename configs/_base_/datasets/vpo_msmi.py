# VPO-MSMI: VPO-MS with several instances of a class per image. As the VPO
# code, rows with multi_instance == 0 are read from the VPO-MS tree. See
# vpo.py.
_base_ = './vpo.py'
data_root = 'data/VPO/VPO-MSMI'
ann_file = 'vpo_msmi_data.csv'
msmi_cfg = dict(
    data_root=data_root,
    ann_file=ann_file,
    subset='msmi',
    msmi_single_instance_root='data/VPO/VPO-MS')
train_dataloader = dict(dataset=msmi_cfg)
val_dataloader = dict(dataset=msmi_cfg)
test_dataloader = val_dataloader
