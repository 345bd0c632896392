# Copyright (c) mmavs contributors. All rights reserved.
"""mmavs registries.

Every registry is a child of the corresponding mmseg registry (which in turn
is a child of mmengine's root registry). With ``default_scope='mmavs'`` a
config can name mmavs components as well as mmseg/mmengine components
(``MixVisionTransformer``, ``CrossEntropyLoss``, ``Adam``) without a prefix.

A lookup that falls through to a parent does not trigger the parent's lazy
``locations`` import, so :func:`_import_mmseg_parts` imports mmseg's packages
up front (after the ``mmcv.ops`` fallback of :mod:`mmavs.compat` is in place).
"""
from mmseg.registry import DATA_SAMPLERS as MMSEG_DATA_SAMPLERS
from mmseg.registry import DATASETS as MMSEG_DATASETS
from mmseg.registry import EVALUATOR as MMSEG_EVALUATOR
from mmseg.registry import HOOKS as MMSEG_HOOKS
from mmseg.registry import INFERENCERS as MMSEG_INFERENCERS
from mmseg.registry import LOG_PROCESSORS as MMSEG_LOG_PROCESSORS
from mmseg.registry import LOOPS as MMSEG_LOOPS
from mmseg.registry import METRICS as MMSEG_METRICS
from mmseg.registry import MODEL_WRAPPERS as MMSEG_MODEL_WRAPPERS
from mmseg.registry import MODELS as MMSEG_MODELS
from mmseg.registry import OPTIM_WRAPPER_CONSTRUCTORS as \
    MMSEG_OPTIM_WRAPPER_CONSTRUCTORS
from mmseg.registry import OPTIM_WRAPPERS as MMSEG_OPTIM_WRAPPERS
from mmseg.registry import OPTIMIZERS as MMSEG_OPTIMIZERS
from mmseg.registry import PARAM_SCHEDULERS as MMSEG_PARAM_SCHEDULERS
from mmseg.registry import RUNNER_CONSTRUCTORS as MMSEG_RUNNER_CONSTRUCTORS
from mmseg.registry import RUNNERS as MMSEG_RUNNERS
from mmseg.registry import TASK_UTILS as MMSEG_TASK_UTILS
from mmseg.registry import TRANSFORMS as MMSEG_TRANSFORMS
from mmseg.registry import VISBACKENDS as MMSEG_VISBACKENDS
from mmseg.registry import VISUALIZERS as MMSEG_VISUALIZERS
from mmseg.registry import WEIGHT_INITIALIZERS as MMSEG_WEIGHT_INITIALIZERS
from mmengine.registry import FUNCTIONS as MMENGINE_FUNCTIONS
from mmengine.registry import Registry

RUNNERS = Registry(
    'runner', parent=MMSEG_RUNNERS, locations=['mmavs.engine'])
RUNNER_CONSTRUCTORS = Registry(
    'runner constructor',
    parent=MMSEG_RUNNER_CONSTRUCTORS,
    locations=['mmavs.engine'])
LOOPS = Registry('loop', parent=MMSEG_LOOPS, locations=['mmavs.engine'])
HOOKS = Registry('hook', parent=MMSEG_HOOKS, locations=['mmavs.engine'])
DATASETS = Registry(
    'dataset', parent=MMSEG_DATASETS, locations=['mmavs.datasets'])
DATA_SAMPLERS = Registry(
    'data sampler', parent=MMSEG_DATA_SAMPLERS, locations=['mmavs.datasets'])
TRANSFORMS = Registry(
    'transform', parent=MMSEG_TRANSFORMS, locations=['mmavs.datasets'])
FUNCTIONS = Registry(
    'function', parent=MMENGINE_FUNCTIONS, locations=['mmavs.datasets'])
MODELS = Registry('model', parent=MMSEG_MODELS, locations=['mmavs.models'])
MODEL_WRAPPERS = Registry(
    'model_wrapper', parent=MMSEG_MODEL_WRAPPERS, locations=['mmavs.engine'])
WEIGHT_INITIALIZERS = Registry(
    'weight initializer',
    parent=MMSEG_WEIGHT_INITIALIZERS,
    locations=['mmavs.models'])
OPTIMIZERS = Registry(
    'optimizer', parent=MMSEG_OPTIMIZERS, locations=['mmavs.engine'])
OPTIM_WRAPPERS = Registry(
    'optim_wrapper', parent=MMSEG_OPTIM_WRAPPERS, locations=['mmavs.engine'])
OPTIM_WRAPPER_CONSTRUCTORS = Registry(
    'optimizer wrapper constructor',
    parent=MMSEG_OPTIM_WRAPPER_CONSTRUCTORS,
    locations=['mmavs.engine'])
PARAM_SCHEDULERS = Registry(
    'parameter scheduler',
    parent=MMSEG_PARAM_SCHEDULERS,
    locations=['mmavs.engine'])
METRICS = Registry(
    'metric', parent=MMSEG_METRICS, locations=['mmavs.evaluation'])
EVALUATOR = Registry(
    'evaluator', parent=MMSEG_EVALUATOR, locations=['mmavs.evaluation'])
TASK_UTILS = Registry(
    'task util', parent=MMSEG_TASK_UTILS, locations=['mmavs.models'])
VISUALIZERS = Registry(
    'visualizer', parent=MMSEG_VISUALIZERS,
    locations=['mmavs.visualization'])
VISBACKENDS = Registry(
    'vis_backend', parent=MMSEG_VISBACKENDS,
    locations=['mmavs.visualization'])
LOG_PROCESSORS = Registry(
    'log_processor', parent=MMSEG_LOG_PROCESSORS,
    locations=['mmavs.visualization'])
INFERENCERS = Registry(
    'inferencer', parent=MMSEG_INFERENCERS, locations=['mmavs.apis'])


def _import_mmseg_parts() -> None:
    """Import mmseg's packages so that their components are registered.

    ``Registry.get`` only imports the ``locations`` of the registry it is
    called on, not of its parents; without this, ``dict(type='MixVision
    Transformer')`` in an mmavs-scoped config would not be found.
    """
    import mmseg.datasets  # noqa: F401
    import mmseg.engine  # noqa: F401
    import mmseg.evaluation  # noqa: F401
    import mmseg.models  # noqa: F401
    import mmseg.visualization  # noqa: F401


_import_mmseg_parts()
