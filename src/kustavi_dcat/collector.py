"""Pausing Python's cyclic garbage collector while a command builds a large graph.

A national catalogue is hundreds of thousands of small objects made at once (rdflib terms, index
dictionaries, results); the collector scanned them again and again and made reading, mapping and
validating two to three times slower. None of them form cycles that need it: reference counting still
frees everything a run drops, and the collector is back on (if it was) when the run ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["without_cycle_collection"]


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Pause the cyclic collector for the ``with`` block (a publish, or reading and checking one file)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
