# Copyright (c) mmavs contributors. All rights reserved.
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from mmavs.registry import HOOKS


@HOOKS.register_module()
class BackboneFreezeHook(Hook):
    """Freeze a part of the model for the first training epochs.

    The official AVSegFormer scripts build the model with the visual
    backbone frozen (``requires_grad=False``) and unfreeze it when epoch
    ``freeze_epochs`` starts (S4: 5 of 30, MS3: 10 of 60, AVSS: 0). This
    hook does the same before every training epoch: the parameters of
    ``model.<module>`` get ``requires_grad = epoch >= freeze_epochs``, so
    they get no gradient, no Adam moment and no weight decay while frozen
    (batch-norm statistics still update, as in the official code).

    Only for single-process training: DDP registers the parameters that
    require a gradient when it wraps the model, so changing them later
    breaks its gradient reduction. Under a distributed wrapper the hook
    raises an error (remove it from ``custom_hooks`` to train without the
    freeze).

    Args:
        freeze_epochs (int): Epochs with the module frozen.
        module (str): Attribute of the model to freeze. Defaults to
            ``'backbone'``.
    """

    priority = 'HIGH'

    def __init__(self, freeze_epochs: int, module: str = 'backbone') -> None:
        if freeze_epochs < 0:
            raise ValueError('BackboneFreezeHook: freeze_epochs must be >= 0,'
                             f' got {freeze_epochs}')
        self.freeze_epochs = freeze_epochs
        self.module = module

    def before_train_epoch(self, runner: Runner) -> None:
        """Set ``requires_grad`` of the module for this epoch."""
        model = runner.model
        if is_model_wrapper(model):
            raise RuntimeError(
                'BackboneFreezeHook changes requires_grad during training, '
                'which a distributed wrapper (DDP) does not support; train '
                'with one process or remove the hook from custom_hooks')
        part = getattr(model, self.module, None)
        if part is None:
            raise AttributeError(f'BackboneFreezeHook: the model has no '
                                 f'{self.module!r}')
        trainable = runner.epoch >= self.freeze_epochs
        for param in part.parameters():
            param.requires_grad_(trainable)
