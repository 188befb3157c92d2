"""One resource file, on its own: read, mapped, validated and rendered into its unit (``make_unit``).

This runs in worker processes (``pool``), or in the main process for a few files. What every file needs
(``catalog.yaml``'s records, the compiled shapes, the shapes' texts, the record cache) is the job's state,
``JobState``, installed with ``job`` before the pool forks so that every worker shares one copy.

A record's nodes are validated with its own triples alone (``fastvalidate.LocalIndex``): a rule that needs
another record's node raises ``Foreign``; the one such rule the shapes have, ``sh:class`` on a linked node,
gives a result to confirm once every record's types are known (``Unless``). Whatever the record cannot
be sure of on its own is its unit's hand-over reason (``Unit.whole``).
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple, cast

from rdflib import URIRef
from rdflib.term import Node

from kustavi_dcat import plain
from kustavi_dcat.cache import RecordCache, dumps
from kustavi_dcat.mapping import resource_members
from kustavi_dcat.mapping.context import Context
from kustavi_dcat.models import Origin, Source
from kustavi_dcat.namespaces import RDF, RDFS
from kustavi_dcat.rdf import render
from kustavi_dcat.rdf.triples import Triples
from kustavi_dcat.records.handover import HandOver, Reason
from kustavi_dcat.records.unit import (
    RecordResult,
    SharedCopy,
    SourceFile,
    Unit,
    has_own_message,
    unit_bytes,
    unless_of,
)
from kustavi_dcat.source import loader
from kustavi_dcat.source.yamlnodes import Mention
from kustavi_dcat.validation import fastvalidate


class ShapeGroup(NamedTuple):
    """Compiled shapes that share their targets (many do, e.g. every shape of a dcat:Dataset)."""

    targets: tuple[tuple[str, Node], ...]
    shapes: list[int]
    """Indices into ``Plan.compiled``."""


@dataclass
class JobState:
    """What every file of one publish needs, set before the pool forks (shared copy-on-write)."""

    head: Source
    """``catalog.yaml``'s records, without the resources."""
    plan: fastvalidate.Plan
    texts: dict[Node, tuple[str, str]]
    """The shapes' messages and names (``validate.shape_texts``)."""
    cache: RecordCache
    groups: list[ShapeGroup] = field(default_factory=list)
    """``by_targets(plan)``."""
    objects_of: list[Node] = field(default_factory=list)
    """``objects_of_predicates(plan)``."""

    def __post_init__(self) -> None:
        self.groups = by_targets(self.plan)
        self.objects_of = objects_of_predicates(self.plan)


_JOB: JobState | None = None
"""The installed job (``job``): a module global, since forked workers inherit it without pickling."""


@contextmanager
def job(state: JobState) -> Iterator[JobState]:
    """Install the job state the files of one publish are made with (in this process and in the workers
    it forks meanwhile); removed when the block ends."""
    global _JOB
    _JOB = state
    try:
        yield state
    finally:
        _JOB = None


def current_job() -> JobState:
    """The installed job state; making a unit without one is a programming error."""
    if _JOB is None:
        raise RuntimeError("no job installed: make units inside `with worker.job(...)`")
    return _JOB


def make_unit(item: SourceFile) -> bytes:
    """Read, map, validate and render one file; store its entry; return its summary (``unit_bytes``)."""
    state = current_job()
    read = loader.read_resource(item.name, item.data)
    mentions = [[plain.mention(m) for m in read.defined], [plain.mention(m) for m in read.referred]]
    unit = Unit(item.name, item.key, ok=False, mentions=dumps(mentions).decode("utf-8"))
    resource = read.record
    if read.parse_problems or read.problems or resource is None:
        return unit_bytes(unit)
    ctx = Context(state.head)
    try:
        members = resource_members(ctx, resource)  # type: ignore[arg-type]
    except (StopIteration, KeyError):  # an unknown section or agent: the cross-record checks report it
        return unit_bytes(unit)
    unit.ok = True
    unit.section = resource.section  # type: ignore[attr-defined]
    unit.record = dumps(plain.record(resource)).decode("utf-8")
    unit.members = [str(m) for m in members]
    owned = owned_nodes(ctx, item.name)
    graph = ctx.graph
    shared = [(s, graph.pairs(s)) for s in graph.spo if s not in owned]
    unit.shared = [SharedCopy(str(s), _digest(pairs), len(pairs)) for s, pairs in shared]
    unit.shared_triples = dumps([[plain.node(s), [[plain.node(p), plain.node(o)] for p, o in pairs]]
                                 for s, pairs in shared]).decode("utf-8")
    unit.shared_origins = [(s, o) for s, o in ctx.origins.items() if s not in owned]
    unit.triples = sum(len(objects) for s in owned for objects in graph.spo[s].values())
    validate_owned(unit, graph, owned, ctx.origins)
    blob = render_owned(unit, graph, owned)
    unit.public = _public(unit, read.defined, read.referred)
    unit.blob_size = len(blob)
    head = unit_bytes(unit)
    try:
        state.cache.put(item.key, head, blob)
    except OSError as exc:
        unit.ok = False
        unit.whole = HandOver(Reason.CACHE_UNWRITABLE, str(exc.strerror or exc))
        return unit_bytes(unit)
    return head


def validate_owned(unit: Unit, graph: Triples, owned: set[Node], origins: Mapping[URIRef, Origin]) -> None:
    """Results for the owned nodes, from this record's triples alone, into ``unit.results`` (or why that
    is not possible, into ``unit.whole``)."""
    state = current_job()
    plan = state.plan
    if RDFS.subClassOf in graph.pos:
        unit.whole = HandOver(Reason.SUBCLASS_IN_RECORD)
        return
    index = fastvalidate.LocalIndex(graph)
    shapes = [s for s, _ in plan.compiled]
    work = [(i, f) for group in state.groups for f in fastvalidate.focus_nodes(index, group.targets)
            if f in owned for i in group.shapes]
    try:
        raw = fastvalidate.run_checks(index, shapes, work)
    except fastvalidate.Foreign as exc:
        unit.whole = HandOver(Reason.FOREIGN_NODE, str(exc.node))
        return
    unit.whole = _delegated_on(plan, index, owned)
    if unit.whole is not None:
        return
    if not all(has_own_message(r) for r in raw):
        unit.whole = HandOver(Reason.UNWORDED_SHAPE)
        return
    unit.results = [RecordResult(fastvalidate.to_result(r, state.texts, origins), unless_of(r)) for r in raw]
    for p in state.objects_of:
        found = [str(o) for o in graph.pos.get(p, {}) if isinstance(o, URIRef) and o not in owned]
        if found:
            unit.objects_of[str(p)] = found


def _delegated_on(plan: fastvalidate.Plan, index: fastvalidate.LocalIndex, owned: set[Node]) -> HandOver | None:
    """Why pyshacl must validate some owned node (a shape the compiler delegates targets it), or None."""
    for d in plan.delegated:
        if d.targets is None:
            return HandOver(Reason.PYSHACL_TARGETS, str(d.node))
        twin = d.twin
        hit = (any(twin(index, s) for s in owned) if twin is not None
               else bool(fastvalidate.focus_nodes(index, d.targets) & owned))
        if hit:
            return HandOver(Reason.PYSHACL_ON_RECORD, str(d.node))
    return None


def owned_nodes(ctx: Context, file: str) -> set[Node]:
    """The nodes a record owns: those minted from its file (its datasets, systems, attributions)."""
    return {s for s, origin in ctx.origins.items() if origin.file == file and s in ctx.graph.spo}


def _public(unit: Unit, defined: list[Mention], referred: list[Mention]) -> str:
    """The digest of what the catalogue level reads of a unit: an edit that changes none of it (a title,
    a description) leaves the catalogue level as it was. The identifiers it defines and refers to are in
    it (by kind, value and field), so the cross-record checks that passed for a stored level pass again."""
    seen = (unit.section, unit.members, unit.subjects, unit.types, [tuple(c) for c in unit.shared],
            sorted(unit.objects_of.items()), None if unit.whole is None else unit.whole.plain(),
            [(str(s), o.file, o.line, o.column) for s, o in unit.shared_origins],
            [(m.kind, m.value, m.field) for m in defined], [(m.kind, m.value, m.field) for m in referred])
    return hashlib.blake2b(repr(seen).encode("utf-8"), digest_size=16).hexdigest()


def _digest(pairs: list[tuple[Node, Node]]) -> str:
    """The same for the same set of (predicate, object) pairs, whatever their order (remembered: every
    record of an organisation carries the same copies of its agent and concepts)."""
    key = frozenset(pairs)
    found = _DIGESTS.get(key)
    if found is None:
        lines = sorted(f"{p.n3()} {o.n3()}" for p, o in pairs)
        found = hashlib.blake2b("\n".join(lines).encode("utf-8"), digest_size=16).hexdigest()
        if len(_DIGESTS) >= 4096:
            _DIGESTS.clear()
        _DIGESTS[key] = found
    return found


_DIGESTS: dict[frozenset[tuple[Node, Node]], str] = {}


def by_targets(plan: fastvalidate.Plan) -> list[ShapeGroup]:
    """The compiled shapes grouped by their targets (many shapes share one, e.g. every dcat:Dataset)."""
    groups: dict[tuple[tuple[str, Node], ...], list[int]] = {}
    for i, (_, targets) in enumerate(plan.compiled):
        groups.setdefault(tuple(targets), []).append(i)
    return [ShapeGroup(targets, shapes) for targets, shapes in groups.items()]


def objects_of_predicates(plan: fastvalidate.Plan) -> list[Node]:
    """The predicates some shape targets the objects of (``sh:targetObjectsOf``)."""
    targets = [t for _, ts in plan.compiled for t in ts] + [t for d in plan.delegated for t in d.targets or ()]
    return sorted({value for kind, value in targets if kind == "targetObjectsOf"}, key=str)


def render_owned(unit: Unit, graph: Triples, owned: set[Node]) -> bytes:
    """Every owned node's block in each format's order, with their places into ``unit``; returns the blob
    (the four regions one after another). A node the renderer cannot write alone is ``unit.whole``."""
    try:
        nodes = sorted(cast(set[URIRef], owned), key=render.FORMATS[0].key)
        blocks = [render.render(s, graph.pairs(s)) for s in nodes]
    except render.NotRenderable as exc:
        unit.whole = HandOver(Reason.NOT_RENDERABLE, str(exc))
        return b""
    unit.subjects = [b.subject for b in blocks]
    unit.types = [tuple(str(t) for t in graph.spo[URIRef(b.subject)].get(RDF.type, ())) for b in blocks]
    prefixes: set[str] = set()
    for b in blocks:
        prefixes |= b.prefixes
    unit.prefixes = tuple(sorted(prefixes))  # sorted: the same bytes in every process
    parts: list[bytes] = []
    size = 0
    for f, fmt in enumerate(render.FORMATS):
        keys = [fmt.key(b.subject) for b in blocks]
        order = sorted(range(len(blocks)), key=keys.__getitem__)
        ordered_keys = [keys[i] for i in order]
        unit.keys.append(None if ordered_keys == [unit.subjects[i] for i in order] else ordered_keys)
        sep = fmt.separator.encode("utf-8")
        starts: list[int] = []
        for n, i in enumerate(order):
            if n:
                parts.append(sep)
                size += len(sep)
            starts.append(size)
            text = blocks[i].texts[f].encode("utf-8")
            parts.append(text)
            size += len(text)
        starts.append(size + len(sep))  # so a block ends at the next start minus the separator
        unit.order.append(array("I", order))
        unit.starts.append(array("Q", starts))
    return b"".join(parts)
