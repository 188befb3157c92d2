"""What one resource file became (``Unit``), and how the record cache and the worker processes carry it.

A unit is everything the main process needs of a file, without its triples or text: the nodes it owns
with their types and their blocks' places in the entry file, its copies of shared nodes, its validation
results, and the identifiers it defines and refers to. It travels as JSON of plain values
(``unit_bytes``), so an entry is read back without running anything.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import NamedTuple

from rdflib import URIRef
from rdflib.term import Node

from kustavi_dcat import plain
from kustavi_dcat.cache import dumps, loads
from kustavi_dcat.models import Origin, Resource
from kustavi_dcat.records.handover import HandOver, Reason, hand_over_of
from kustavi_dcat.source.yamlnodes import Mention
from kustavi_dcat.validation import fastvalidate
from kustavi_dcat.validation.validate import Result


class Unless(NamedTuple):
    """A deferred class result's condition: it is cancelled when ``node`` turns out to have ``cls``."""

    node: str
    cls: str


class RecordResult(NamedTuple):
    """One of a record's validation results, and the condition that cancels it (None: it stands)."""

    result: Result
    unless: Unless | None


class SharedCopy(NamedTuple):
    """A record's copy of a shared node (an agent, a concept, ...): the digest of its triples and their
    number, so that copies are compared without reading them."""

    subject: str
    digest: str
    triples: int


class SourceFile(NamedTuple):
    """A resource file to publish: its name, its bytes and its key in the record cache."""

    name: str
    data: bytes
    key: str


@dataclass
class Unit:
    """What one resource file became: everything the main process needs, without its triples or text."""

    file: str
    key: str
    ok: bool
    """False when the file has a problem (the whole-graph path then reports every problem)."""
    mentions: str = "[[],[]]"
    """The identifiers it defines and refers to, as JSON (``identifiers``): needed only when the
    catalogue level is made, so not decoded on every republish."""
    section: str = ""
    members: list[str] = field(default_factory=list)
    """The datasets the catalogues list for this resource: the resource, then its data sets."""
    subjects: list[str] = field(default_factory=list)
    """The owned nodes, in Turtle order."""
    types: list[tuple[str, ...]] = field(default_factory=list)
    shared: list[SharedCopy] = field(default_factory=list)
    """Its copies of shared nodes. Thousands of records carry the same copies: the main process reads the
    triples of a node only from the first record with that digest (``shared_triples``)."""
    shared_triples: str = "[]"
    """[(subject, [(predicate, object), ...]), ...] as JSON (``plain.node``), decoded only where needed."""
    shared_origins: list[tuple[URIRef, Origin]] = field(default_factory=list)
    """Where the shared nodes it minted come from (e.g. an agent's place in catalog.yaml)."""
    results: list[RecordResult] = field(default_factory=list)
    objects_of: dict[str, list[str]] = field(default_factory=dict)
    """For predicates some shape targets the objects of: the objects this record links to and does not own."""
    whole: HandOver | None = None
    """Why this record cannot be checked or written on its own (None: it can)."""
    prefixes: tuple[str, ...] = ()
    triples: int = 0
    order: list[array[int]] = field(default_factory=list)
    """Per format: indices into ``subjects`` in that format's order."""
    keys: list[list[str] | None] = field(default_factory=list)
    """Per format: each node's sort key in that format's order (None where the key is the IRI itself)."""
    starts: list[array[int]] = field(default_factory=list)
    """Per format: where each block starts in the entry's blob, and one more (the next region's start)."""
    public: str = ""
    """A digest of everything above that the catalogue level reads (not the results, not the text)."""
    blob_size: int = 0
    record: str = "null"
    """The file's ``Resource`` record as JSON (``plain.record``), for the description page
    (``page.render_pages``)."""


DECODE_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError)
"""What decoding a summary of the wrong shape raises (the cache's digest makes it all but impossible)."""

FORMAT = 2
"""The version of ``unit_bytes``'s layout (2: a hand-over reason by name)."""


def unit_bytes(unit: Unit) -> bytes:
    """A unit as its entry holds it, and as a worker process hands it over: JSON of plain values."""
    return dumps({
        "format": FORMAT, "file": unit.file, "key": unit.key, "ok": unit.ok, "mentions": unit.mentions,
        "section": unit.section, "members": unit.members, "subjects": unit.subjects,
        "types": unit.types, "shared": unit.shared, "shared_triples": unit.shared_triples,
        "shared_origins": [[str(s), plain.origin(o)] for s, o in unit.shared_origins],
        "results": [[plain.result(r.result), r.unless] for r in unit.results],
        "objects_of": unit.objects_of, "whole": None if unit.whole is None else unit.whole.plain(),
        "prefixes": unit.prefixes, "triples": unit.triples,
        "order": [plain.numbers(a) for a in unit.order], "keys": unit.keys,
        "starts": [plain.numbers(a) for a in unit.starts], "public": unit.public, "blob_size": unit.blob_size,
        "record": unit.record,
    })


def unit_of(data: bytes) -> Unit:
    """``unit_bytes`` read back; raises one of ``DECODE_ERRORS`` on anything else."""
    d = loads(data)
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise ValueError("not a unit")
    return Unit(
        file=plain.text(d["file"]), key=plain.text(d["key"]), ok=d["ok"] is True,
        mentions=plain.text(d["mentions"]), section=plain.text(d["section"]), members=plain.texts(d["members"]),
        subjects=plain.texts(d["subjects"]), types=[tuple(plain.texts(t)) for t in d["types"]],
        shared=[SharedCopy(plain.text(s), plain.text(g), plain.number(n)) for s, g, n in d["shared"]],
        shared_triples=plain.text(d["shared_triples"]),
        shared_origins=[(URIRef(plain.text(s)), plain.origin_of(o)) for s, o in d["shared_origins"]],
        results=[RecordResult(plain.result_of(r), None if u is None else Unless(plain.text(u[0]), plain.text(u[1])))
                 for r, u in d["results"]],
        objects_of={plain.text(p): plain.texts(o) for p, o in d["objects_of"].items()},
        whole=hand_over_of(d["whole"]), prefixes=tuple(plain.texts(d["prefixes"])),
        triples=plain.number(d["triples"]), order=[plain.numbers_of(a) for a in d["order"]],
        keys=[None if k is None else plain.texts(k) for k in d["keys"]],
        starts=[plain.numbers_of(a) for a in d["starts"]], public=plain.text(d["public"]),
        blob_size=plain.number(d["blob_size"]), record=plain.text(d["record"]),
    )


def has_own_message(raw: fastvalidate.Raw) -> bool:
    """Whether a result's shape has its own message (pyshacl words the others, so they need it)."""
    *_, own_message, _ = raw
    return own_message


def unless_of(raw: fastvalidate.Raw) -> Unless | None:
    """A result's condition: for a class result about another record's node, that node and the class."""
    *_, unless = raw
    return None if unless is None else Unless(*unless)


def stored_unit(found: tuple[bytes, int] | None, key: str) -> Unit | None:
    """An entry's unit (from ``RecordCache.get``: its summary and the size of its blocks) if it is whole
    and is this key's; else None, a miss: the file is made again."""
    if found is None:
        return None
    summary, blob_size = found
    try:
        unit = unit_of(summary)
    except DECODE_ERRORS:
        return None
    return unit if unit.key == key and unit.blob_size == blob_size else None


def resource_of(unit: Unit) -> Resource:
    """The unit's record (decoded where the pages need it)."""
    return plain.record_of(Resource, loads(unit.record.encode("utf-8")))


def shared_triples(unit: Unit) -> list[tuple[Node, list[tuple[Node, Node]]]]:
    """The unit's copies of shared nodes: each subject with its (predicate, object) pairs."""
    return [(plain.node_of(s), [(plain.node_of(p), plain.node_of(o)) for p, o in pairs])
            for s, pairs in loads(unit.shared_triples.encode("utf-8"))]  # type: ignore[attr-defined]


def identifiers(unit: Unit) -> tuple[list[Mention], list[Mention]]:
    """The identifiers a unit's file defines and refers to."""
    both: list[list[plain.Plain]] = loads(unit.mentions.encode("utf-8"))  # type: ignore[assignment]
    defined, referred = both
    return [plain.mention_of(m) for m in defined], [plain.mention_of(m) for m in referred]


def check_units(units: list[Unit]) -> None:
    """Raises ``HandOver`` for the first record that cannot be published on its own: one with a problem
    (the whole-graph path reports every problem as the loader does), or one whose nodes cannot be checked
    or written without the others' (``Unit.whole``)."""
    bad = next((u for u in units if not u.ok), None)
    if bad is not None:
        raise bad.whole or HandOver(Reason.RECORD_PROBLEMS, bad.file)
    whole = next((u.whole for u in units if u.whole is not None), None)
    if whole is not None:
        raise whole
