# Copyright (c) mmavs contributors. All rights reserved.
"""Capture what mmengine's current logger writes (for assertions)."""
import contextlib
import logging
from typing import Iterator, List

from mmengine.logging import MMLogger


@contextlib.contextmanager
def log_records() -> Iterator[List[logging.LogRecord]]:
    """Collect the records of ``MMLogger.get_current_instance()``.

    ``print_log(..., logger='current')`` writes to that logger, whose stream
    handler holds the stream of the moment it was created, so pytest's
    ``capsys`` does not always see it.

    Yields:
        list[logging.LogRecord]: Filled while the context is open.
    """
    logger = MMLogger.get_current_instance()
    records: List[logging.LogRecord] = []
    handler = logging.Handler(level=logging.DEBUG)
    handler.emit = records.append
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)
