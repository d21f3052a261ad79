"""Pausing Python's cyclic garbage collector while building large acyclic structures.

The collector runs after every few hundred container allocations, and each full pass walks
every object the process holds: building a table of a hundred thousand small lists and dicts
beside a big graph already in memory can spend more time in those passes than in the work.
What is built here holds no reference cycles, so reference counting frees it all the same.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the collector off, then leave it as it was (a caller that had
    turned it off keeps it off)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
