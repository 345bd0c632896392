# Copyright (c) mmavs contributors. All rights reserved.
"""High-level inference APIs of mmavs."""
