"""Why the record-by-record path hands a source over to the whole-graph path.

The record path gives the whole graph's report and bytes only where it can be sure of that; each case
where it cannot is one ``Reason``. The engine raises ``HandOver`` with the reason (a record's own reason
travels in its unit, ``Unit.whole``); ``pipeline.publish`` is the one place that catches it, runs the whole
graph instead and says so (``publish -v``: "whole graph: <reason>").
"""

from __future__ import annotations

from enum import Enum

from kustavi_dcat import plain


class Reason(Enum):
    """Each case the record path cannot be sure of, with the words ``publish -v`` shows ({} are details)."""

    SOURCE_PROBLEMS = "the source has problems"
    """So that they are reported exactly as ``loader.load`` reports them."""
    UNREADABLE_FILE = "a record file cannot be read"
    RECORD_PROBLEMS = "{} has problems"
    CACHE_UNWRITABLE = "the record cache cannot be written ({})"
    UNRESOLVED_IDENTIFIERS = "identifiers do not resolve"
    SUBCLASS_IN_RECORD = "the record states rdfs:subClassOf"
    """Records read class hierarchies from their own triples only."""
    FOREIGN_NODE = "a rule reads {}, which another record or the catalogue describes"
    PYSHACL_TARGETS = "pyshacl must find the focus nodes of {}"
    PYSHACL_ON_RECORD = "pyshacl validates {} on this record"
    UNWORDED_SHAPE = "a shape without its own message failed (pyshacl words those)"
    NOT_RENDERABLE = "a node cannot be written on its own ({})"
    TWO_OWNERS = "a node is minted by two records"
    DESCRIBED_ELSEWHERE = "{} is a record's node and is described by another record or the catalogue"
    SHARED_NODE_DIFFERS = "records or the catalogue describe {} differently"
    LINK_TO_TARGETED_NODE = "{} links to {}, another record's node, where a shape targets it"
    SUBCLASS_IN_CATALOGUE = "the catalogue states rdfs:subClassOf"
    PYSHACL_CATALOGUE = "pyshacl must validate the catalogue-level nodes"


class HandOver(Exception):
    """This source needs the whole-graph path: a ``Reason`` and its details."""

    def __init__(self, reason: Reason, *details: str) -> None:
        self.reason = reason
        self.details = details
        super().__init__(reason.value.format(*details))

    def plain(self) -> list[str]:
        """As the record cache keeps it (in a unit): the reason's name, then its details."""
        return [self.reason.name, *self.details]


def hand_over_of(value: plain.Plain) -> HandOver | None:
    """``HandOver.plain`` read back (None stays None); raises ``KeyError`` or ``TypeError`` on anything else."""
    if value is None:
        return None
    name, *details = plain.texts(value)
    return HandOver(Reason[name], *details)
