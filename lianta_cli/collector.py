"""The cyclic garbage collector paused around work that builds many objects and no cycles.

Parsing a table, reading a plan, syncing it and making a report each build a few objects per
task and none in a cycle; the full collections that so many new objects set off would walk
every parsed task again and find nothing (most of a second at 100,000 tasks)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off for the block (or a function decorated with it), then as it was: a
    caller that had turned it off keeps it off."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
