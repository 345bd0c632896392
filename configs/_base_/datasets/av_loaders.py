# Loader settings shared by the dataset configs: clips collated by
# mmavs.av_collate, an infinite shuffled sampler for iteration-based training
# (epoch-based configs swap in DefaultSampler), an ordered one for
# evaluation. A dataset config adds the datasets and derives its
# test_dataloader from its val_dataloader, changing only the split.
train_dataloader = dict(
    batch_size=4,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='mmavs.av_collate'))
val_dataloader = dict(
    train_dataloader,
    batch_size=1,
    sampler=dict(type='DefaultSampler', shuffle=False))
test_dataloader = val_dataloader
