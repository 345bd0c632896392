# Copyright (c) mmavs contributors. All rights reserved.
"""The shared command-line options of the tools and demos."""
import argparse

import pytest

from mmavs.utils import add_inference_args, add_runtime_args


@pytest.mark.parametrize('add, positional',
                         [(add_runtime_args, []),
                          (add_inference_args, ['cfg.py', 'ckpt.pth'])])
def test_cfg_options_parse_into_a_dict(add, positional):
    parser = argparse.ArgumentParser()
    add(parser)
    args = parser.parse_args(positional +
                             ['--cfg-options', 'a=1', 'b.c=x', 'd=[1,2]'])
    assert args.cfg_options == {'a': 1, 'b.c': 'x', 'd': [1, 2]}
    assert parser.parse_args(positional).cfg_options is None
