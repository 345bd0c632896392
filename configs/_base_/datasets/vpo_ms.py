# VPO-MS: several sounding objects per image (one CSV row each); the item's
# audio is the sum of the objects' 3 s VGGSound crops. See vpo.py.
_base_ = './vpo.py'
data_root = 'data/VPO/VPO-MS'
ann_file = 'vpo_ms_data.csv'
train_dataloader = dict(
    dataset=dict(data_root=data_root, ann_file=ann_file, subset='ms'))
val_dataloader = dict(
    dataset=dict(data_root=data_root, ann_file=ann_file, subset='ms'))
test_dataloader = val_dataloader
