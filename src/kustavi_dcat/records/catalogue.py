"""The catalogue level: what the main process makes of every record's unit.

The cross-record identifier checks; the catalogue-level nodes (catalogues, the data service, search
criteria) mapped and merged with the shared nodes the records link to (agents, contact point, concepts);
their validation with the types of every record's node; and their blocks in the four formats with the
order of every file's blocks. All this is a ``Level``, kept in the record cache under a key over every
record's public digest (``Unit.public``), so editing a title reuses it. The records' deferred class
results are confirmed against it (``confirmed``), and the report is the records' results and the level's.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from itertools import repeat
from typing import NamedTuple, cast

from rdflib import URIRef
from rdflib.term import Node

from kustavi_dcat import plain
from kustavi_dcat.cache import RecordCache, dumps, loads
from kustavi_dcat.mapping import catalogue
from kustavi_dcat.mapping.context import Context
from kustavi_dcat.models import Source
from kustavi_dcat.namespaces import RDF, RDFS
from kustavi_dcat.rdf import render
from kustavi_dcat.rdf.triples import Triples
from kustavi_dcat.records.handover import HandOver, Reason
from kustavi_dcat.records.source_folder import SourceFolder
from kustavi_dcat.records.unit import DECODE_ERRORS, SharedCopy, Unit, has_own_message, identifiers, shared_triples
from kustavi_dcat.source import loader
from kustavi_dcat.validation import fastvalidate, validate
from kustavi_dcat.validation.validate import Report, Result

Owners = dict[URIRef, tuple[URIRef, ...]]
"""Every node a record owns, with its types."""


@dataclass
class Level:
    """The catalogue level: what the main process makes of every unit's summary, kept in the record cache
    under a key over those summaries (so editing a title reuses it; adding a dataset does not)."""

    results: list[Result]
    """The catalogue-level nodes' own results."""
    blocks: list[render.Block]
    """Their text (catalogues, the service, shared nodes)."""
    types: dict[str, tuple[str, ...]]
    """Their types, for confirming the records' deferred class results."""
    triples: int
    runs: list[array[int]] = field(default_factory=list)
    """The order of every file's blocks (``plan_runs``)."""


class FoundLevel(NamedTuple):
    """The catalogue level of a publish, and the name of its cache entry (to keep)."""

    level: Level
    entry: str


def level_bytes(level: Level) -> bytes:
    """The catalogue level as the cache keeps it: JSON of plain values."""
    return dumps({
        "format": 1, "results": [plain.result(r) for r in level.results],
        "blocks": [[b.subject, list(b.texts), sorted(b.prefixes)] for b in level.blocks],
        "types": level.types, "triples": level.triples, "runs": [plain.numbers(a) for a in level.runs],
    })


def level_of(data: bytes) -> Level:
    """``level_bytes`` read back; raises one of ``unit.DECODE_ERRORS`` on anything else."""
    d = loads(data)
    if not isinstance(d, dict) or d.get("format") != 1:
        raise ValueError("not a catalogue level")
    blocks = []
    for subject, texts, prefixes in d["blocks"]:
        ttl, jsonld, rdf, nt = plain.texts(texts)
        blocks.append(render.Block(plain.text(subject), (ttl, jsonld, rdf, nt), frozenset(plain.texts(prefixes))))
    return Level(results=[plain.result_of(r) for r in d["results"]], blocks=blocks,
                 types={plain.text(s): tuple(plain.texts(t)) for s, t in d["types"].items()},
                 triples=plain.number(d["triples"]), runs=[plain.numbers_of(a) for a in d["runs"]])


def stored_level(data: bytes | None) -> Level | None:
    """A stored level if it reads back whole, else None (a miss: it is made again)."""
    if data is None:
        return None
    try:
        return level_of(data)
    except DECODE_ERRORS:
        return None


def level_for(folder: SourceFolder, units: list[Unit], cache: RecordCache) -> FoundLevel:
    """The catalogue level: from the cache when every record's public digest is as it was, else made
    (``make_level``) after the cross-record identifier checks. Raises ``HandOver``."""
    key = cache.catalogue_key([u.public for u in units])
    level = stored_level(cache.get_catalogue(key))
    if level is None:  # (a stored level passed these checks on the same identifiers)
        check_identifiers(folder, units)
        level = make_level(folder.head, units)
        cache.put_catalogue(key, level_bytes(level))
    return FoundLevel(level, cache.catalogue_name(key))


def check_identifiers(folder: SourceFolder, units: list[Unit]) -> None:
    """Identifiers unique and every reference resolving across the records (``loader.cross_check``);
    where not, the whole-graph path reports the problems as the loader does."""
    defined, referred = list(folder.defined), list(folder.referred)
    for unit in units:
        own_defined, own_referred = identifiers(unit)
        defined += own_defined
        referred += own_referred
    if loader.cross_check(defined, referred):
        raise HandOver(Reason.UNRESOLVED_IDENTIFIERS)


def make_level(source: Source, units: list[Unit]) -> Level:
    """Map, merge, check and render the catalogue-level nodes; raises ``HandOver``."""
    ctx = Context(source)
    owner = owners(units)
    graph = catalogue_graph(ctx, units, owner)
    check_consistent(units, graph, owner)
    linked: dict[str, set[str]] = {}
    for unit in units:
        for p, objects in unit.objects_of.items():
            linked.setdefault(p, set()).update(objects)
    results = catalogue_results(graph, owner, ctx, linked)
    if results is None:
        raise HandOver(Reason.PYSHACL_CATALOGUE)
    subjects = cast(list[URIRef], list(graph.spo))
    with render.caches_of_at_least(2 * len(owner)):  # member lists repeat every dataset's IRI
        blocks = [render.render(s, graph.pairs(s)) for s in subjects]
    return Level(
        results=results,
        blocks=blocks,
        types={str(s): tuple(str(t) for t in graph.spo[s].get(RDF.type, ())) for s in subjects},
        triples=sum(len(objects) for s in subjects for objects in graph.spo[s].values()),
        runs=plan_runs(units, blocks),
    )


def owners(units: list[Unit]) -> Owners:
    """Every owned node with its types (what the catalogue-level checks may read of it); a node owned by
    two records needs the whole graph (its triples would merge)."""
    owner: Owners = {}
    classes: dict[tuple[str, ...], tuple[URIRef, ...]] = {}
    for unit in units:
        for s, types in zip(unit.subjects, unit.types, strict=True):
            node = URIRef(s)
            known = classes.get(types)
            if known is None:
                known = classes[types] = tuple(URIRef(t) for t in types)
            owner[node] = known
    if len(owner) != sum(len(u.subjects) for u in units):
        raise HandOver(Reason.TWO_OWNERS)
    return owner


def catalogue_graph(ctx: Context, units: list[Unit], owner: Owners) -> Triples:
    """The catalogue-level nodes and every shared node the records link to, merged. Raises ``HandOver``
    where a record's node is described elsewhere or copies of a shared node differ: the records' own
    validation could then differ from the whole graph's."""
    by_section: dict[str, list[URIRef]] = {s.id: [] for s in ctx.source.sections}
    everything: list[URIRef] = []
    for unit in units:
        members = [URIRef(m) for m in unit.members]
        by_section[unit.section].extend(members)
        everything.extend(members)
    catalogue(ctx, by_section, everything)
    first, differ = _merge_shared(ctx, units)
    graph = ctx.graph
    described = next((node for node in graph.spo if node in owner), None)
    if described is not None:
        raise HandOver(Reason.DESCRIBED_ELSEWHERE, str(described))
    differ = differ or next((c.subject for c in first.values() if _triples_of(graph, c.subject) != c.triples), None)
    if differ is not None:
        raise HandOver(Reason.SHARED_NODE_DIFFERS, differ)
    return graph


def _merge_shared(ctx: Context, units: list[Unit]) -> tuple[dict[str, SharedCopy], str | None]:
    """Every record's copies of shared nodes merged into ``ctx``'s graph, each read once per digest; the
    first copy of each node, and a node whose copies differ (None: none does)."""
    first: dict[str, SharedCopy] = {}
    differ: str | None = None
    for unit in units:
        for minted, origin in unit.shared_origins:
            ctx.origins.setdefault(minted, origin)
        todo: set[str] = set()
        for copy in unit.shared:
            before = first.get(copy.subject)
            if before is None:
                first[copy.subject] = copy
                todo.add(copy.subject)
            elif before.digest != copy.digest:
                differ = copy.subject
                todo.add(copy.subject)
        if todo:  # else every copy it holds is one merged already
            _add_copies(ctx.graph, unit, todo)
    return first, differ


def _add_copies(graph: Triples, unit: Unit, subjects: set[str]) -> None:
    for node, pairs in shared_triples(unit):
        if str(node) in subjects:
            for p, o in pairs:
                graph.add((node, p, o))


def _triples_of(graph: Triples, subject: str) -> int:
    return sum(len(objects) for objects in graph.spo[URIRef(subject)].values())


def check_consistent(units: list[Unit], graph: Triples, owner: Owners) -> None:
    """Raises ``HandOver`` where the records' validation may differ from the whole graph's.

    A shape that targets the objects of a predicate must not find, through another record, a node owned
    by a record that did not see that link; and no node may state ``rdfs:subClassOf`` (records read class
    hierarchies from their own triples only).
    """
    for unit in units:
        for objects in unit.objects_of.values():
            for o in objects:
                if URIRef(o) in owner:
                    raise HandOver(Reason.LINK_TO_TARGETED_NODE, unit.file, o)
    if RDFS.subClassOf in graph.pos:
        raise HandOver(Reason.SUBCLASS_IN_CATALOGUE)


def catalogue_results(graph: Triples, owner: Owners, ctx: Context, linked: dict[str, set[str]]
                      ) -> list[Result] | None:
    """The catalogue-level nodes' own results; None if pyshacl must run.

    ``linked``: for each predicate some shape targets the objects of, the nodes records link to with it
    (they are focus nodes even where no catalogue-level node links to them).
    """
    plan = fastvalidate.plan(validate.shapes_graph())
    index = fastvalidate.LocalIndex(graph, partial=cast(Mapping[Node, Collection[Node]], owner), open_world=False)
    shapes = [s for s, _ in plan.compiled]

    def foci(targets: list[tuple[str, Node]]) -> set[Node]:
        found = set(fastvalidate.focus_nodes(index, targets))
        for kind, value in targets:
            if kind == "targetObjectsOf":
                found.update(URIRef(o) for o in linked.get(str(value), ()))
        return {f for f in found if f not in owner}

    work = [(i, f) for i, (_, targets) in enumerate(plan.compiled) for f in foci(targets)]
    try:
        raw = fastvalidate.run_checks(index, shapes, work)
    except fastvalidate.Foreign:
        return None
    if not all(has_own_message(r) for r in raw):
        return None
    if any(_delegated_finds(d, index, graph, owner, foci) for d in plan.delegated):
        return None
    texts = validate.shape_texts()
    return [fastvalidate.to_result(r, texts, ctx.origins) for r in raw]


def _delegated_finds(d: fastvalidate.Delegated, index: fastvalidate.LocalIndex, graph: Triples, owner: Owners,
                     foci: Callable[[list[tuple[str, Node]]], set[Node]]) -> bool:
    """Whether a shape the compiler delegates to pyshacl may have a catalogue-level focus node."""
    if d.targets is None:
        return True
    if d.twin is not None:
        return any(d.twin(index, s) for s in graph.spo if s not in owner)
    return bool(foci(d.targets))


def confirmed(units: list[Unit], level: Level) -> list[Result]:
    """The records' results; a deferred class result stands unless its node turned out to have the class.

    No part of the catalogue states ``rdfs:subClassOf`` (else the whole graph is validated), so a node
    has a class exactly when it is typed with it.
    """
    owned: dict[str, tuple[str, ...]] | None = None
    out: list[Result] = []
    for unit in units:
        for result, unless in unit.results:
            if unless is not None:
                if owned is None:
                    owned = {s: ts for u in units for s, ts in zip(u.subjects, u.types, strict=True)}
                if unless.cls in owned.get(unless.node, level.types.get(unless.node, ())):
                    continue
            out.append(result)
    return out


def report(units: list[Unit], level: Level) -> Report:
    """The validation report: the catalogue level's results and the records' confirmed ones, in order."""
    return Report(tuple(sorted([*level.results, *confirmed(units, level)], key=fastvalidate.result_order)))


def type_counts(units: list[Unit], level: Level) -> Counter[str]:
    """How many nodes of the catalogue have each type."""
    types_of = Counter(t for u in units for ts in u.types for t in ts)
    types_of.update(t for ts in level.types.values() for t in ts)
    return types_of


def triple_count(units: list[Unit], level: Level) -> int:
    return sum(u.triples for u in units) + level.triples


def plan_runs(units: list[Unit], blocks: list[render.Block]) -> list[array[int]]:
    """Per format, the order the file is written in: runs of (record, first block, last block), a record's
    consecutive blocks read as one piece (record -1: a catalogue-level block), flat (``files.runs_of``
    reads them). It depends only on what the catalogue level's key covers, so it is kept with it."""
    plans: list[array[int]] = []
    for f, fmt in enumerate(render.FORMATS):
        items: list[tuple[str, int, int]] = []  # (sort key, record, block): sorted as tuples, for speed
        for n, unit in enumerate(units):
            keys = unit.keys[f]
            if keys is None:
                subjects = unit.subjects
                keys = [subjects[i] for i in unit.order[f]]
            items.extend(zip(keys, repeat(n), range(len(keys))))
        items.extend((fmt.key(b.subject), -1, j) for j, b in enumerate(blocks))
        items.sort()
        runs = array("q")
        run_unit, run_first, run_last = -2, 0, -1
        for _, n, j in items:
            if n == run_unit and j == run_last + 1 and n >= 0:
                run_last = j
                continue
            if run_unit != -2:
                runs.extend((run_unit, run_first, run_last))
            run_unit, run_first, run_last = n, j, j
        if run_unit != -2:
            runs.extend((run_unit, run_first, run_last))
        plans.append(runs)
    return plans
