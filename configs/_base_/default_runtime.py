default_scope = 'mmavs'
runner_type = 'AVSRunner'
env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    # nccl on GPUs; AVSRunner switches to gloo when CUDA is unavailable.
    dist_cfg=dict(backend='nccl'),
)
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(
    type='AVSLocalVisualizer', vis_backends=vis_backends, name='visualizer')
log_level = 'INFO'
# Stop on a non-finite loss, naming the iteration, the loss terms and the
# clips (policy='skip' skips the step instead and counts the skips).
custom_hooks = [dict(type='NonFiniteLossHook', policy='stop')]
# A checkpoint loaded for testing, resuming or load_from must fit the model;
# True loads what fits and logs what did not.
allow_partial_checkpoint = False
load_from = None
resume = False
tta_model = None
