"""Why the record-by-record path hands a source over to the whole-graph path."""

from __future__ import annotations


class WholeGraph(Exception):
    """This source needs the whole-graph path (the reason says why; ``-v`` shows it)."""
