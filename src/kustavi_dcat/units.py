"""Record-by-record publishing: each resource file becomes a *unit* on its own, the catalogue is assembled.

A national catalogue has tens of thousands of resource files. Everything that depends on one file only is
done per file, in worker processes on every core, and kept in the record cache (``cache.py``):

* read and check the file (``loader.read_resource``), map it (``mapping.resource_members``) into its own
  triples;
* validate the nodes it *owns* (those minted from it: its datasets, systems and attributions) with the
  compiled shapes over its own triples (``fastvalidate.LocalIndex``). A rule that needs another record's
  node raises ``Foreign``; the one such rule our shapes have, ``sh:class`` on a linked node, gives a result
  to confirm later (``DeferredClass``);
* render every owned node in the four formats (``render.render``), stored in the entry file.

What needs the whole catalogue runs in the main process on small data: the cross-record identifier
checks, the catalogue-level nodes (catalogues, the service, search criteria) merged with the shared nodes
the records link to (agents, concepts), their validation with the types of every owned node, the
confirmation of deferred class results, and the assembly of the four files: each a head, every node's
block in that format's order, and a tail, streamed from the entry files to disk. What it makes of the
records' summaries (``Level``: the catalogue-level results and text, and the order of every file's
blocks) is kept in the cache too, under a key over every record's public digest, so editing a title
reuses it.

The results and bytes are those of the whole-graph path (``pipeline.publish_whole``), which runs instead
wherever this one cannot be sure of that: a source with problems (so that they are reported exactly as
``loader.load`` reports them), a node minted by two records, a rule that reads another record's node in
any other way, shapes that need pyshacl on some node, ``rdfs:subClassOf`` in the data, or a node the
block renderer cannot write on its own. ``tests/test_units.py`` checks the two paths agree.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from array import array
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any, BinaryIO, cast

from rdflib import URIRef
from rdflib.term import Node

from kustavi_dcat import fastvalidate, interrupts, loader, plain, render, validate
from kustavi_dcat.cache import RecordCache, dumps, loads
from kustavi_dcat.errors import OutputError, WorkerStopped
from kustavi_dcat.mapping import catalogue, resource_members
from kustavi_dcat.mapping.context import Context
from kustavi_dcat.models import Origin, Resource, Source
from kustavi_dcat.namespaces import DCAT, RDF, RDFS
from kustavi_dcat.triples import Triples
from kustavi_dcat.validate import Report, Result
from kustavi_dcat.yamlnodes import Mention

PARALLEL_MIN_FILES = 48
"""Below this many files to (re)make, one process is faster than starting a pool."""

Unless = tuple[str, str] | None
"""A deferred class result's condition: (node, class) that cancels it when the node has the class."""


Owners = dict[URIRef, tuple[URIRef, ...]]
"""Every node a record owns, with its types."""


class WholeGraph(Exception):
    """This source needs the whole-graph path (the reason says why; ``-v`` shows it)."""


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
    shared: list[tuple[str, str, int]] = field(default_factory=list)
    """Its copies of shared nodes (agents, concepts, ...): subject, digest of its triples, their number.
    Thousands of records carry the same copies: the main process reads the triples of a node only from
    the first record with that digest (``shared_triples``)."""
    shared_triples: str = "[]"
    """[(subject, [(predicate, object), ...]), ...] as JSON (``plain.node``), decoded only where needed."""
    shared_origins: list[tuple[URIRef, Origin]] = field(default_factory=list)
    """Where the shared nodes it minted come from (e.g. an agent's place in catalog.yaml)."""
    results: list[tuple[Result, Unless]] = field(default_factory=list)
    objects_of: dict[str, list[str]] = field(default_factory=dict)
    """For predicates some shape targets the objects of: the objects this record links to and does not own."""
    whole: str | None = None
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


_DECODE_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError)
"""What decoding a summary of the wrong shape raises (the cache's digest makes it all but impossible)."""


def unit_bytes(unit: Unit) -> bytes:
    """A unit as its entry holds it, and as a worker process hands it over: JSON of plain values."""
    return dumps({
        "format": 1, "file": unit.file, "key": unit.key, "ok": unit.ok, "mentions": unit.mentions,
        "section": unit.section, "members": unit.members, "subjects": unit.subjects,
        "types": unit.types, "shared": unit.shared, "shared_triples": unit.shared_triples,
        "shared_origins": [[str(s), plain.origin(o)] for s, o in unit.shared_origins],
        "results": [[plain.result(r), unless] for r, unless in unit.results],
        "objects_of": unit.objects_of, "whole": unit.whole, "prefixes": unit.prefixes, "triples": unit.triples,
        "order": [plain.numbers(a) for a in unit.order], "keys": unit.keys,
        "starts": [plain.numbers(a) for a in unit.starts], "public": unit.public, "blob_size": unit.blob_size,
        "record": unit.record,
    })


def unit_of(data: bytes) -> Unit:
    """``unit_bytes`` read back; raises one of ``_DECODE_ERRORS`` on anything else."""
    d = loads(data)
    if not isinstance(d, dict) or d.get("format") != 1:
        raise ValueError("not a unit")
    return Unit(
        file=plain.text(d["file"]), key=plain.text(d["key"]), ok=d["ok"] is True,
        mentions=plain.text(d["mentions"]), section=plain.text(d["section"]), members=plain.texts(d["members"]),
        subjects=plain.texts(d["subjects"]), types=[tuple(plain.texts(t)) for t in d["types"]],
        shared=[(plain.text(s), plain.text(g), plain.number(n)) for s, g, n in d["shared"]],
        shared_triples=plain.text(d["shared_triples"]),
        shared_origins=[(URIRef(plain.text(s)), plain.origin_of(o)) for s, o in d["shared_origins"]],
        results=[(plain.result_of(r), None if u is None else (plain.text(u[0]), plain.text(u[1])))
                 for r, u in d["results"]],
        objects_of={plain.text(p): plain.texts(o) for p, o in d["objects_of"].items()},
        whole=plain.optional(d["whole"]), prefixes=tuple(plain.texts(d["prefixes"])),
        triples=plain.number(d["triples"]), order=[plain.numbers_of(a) for a in d["order"]],
        keys=[None if k is None else plain.texts(k) for k in d["keys"]],
        starts=[plain.numbers_of(a) for a in d["starts"]], public=plain.text(d["public"]),
        blob_size=plain.number(d["blob_size"]), record=plain.text(d["record"]),
    )


def _stored_unit(found: tuple[bytes, int] | None, key: str) -> Unit | None:
    """An entry's unit if it is whole and is this key's (else a miss: the file is made again)."""
    if found is None:
        return None
    try:
        unit = unit_of(found[0])
    except _DECODE_ERRORS:
        return None
    return unit if unit.key == key and unit.blob_size == found[1] else None


def resource_of(unit: Unit) -> Resource:
    """The unit's record (decoded where the pages need it)."""
    return plain.record_of(Resource, loads(unit.record.encode("utf-8")))


def _shared_triples(unit: Unit) -> list[tuple[Node, list[tuple[Node, Node]]]]:
    return [(plain.node_of(s), [(plain.node_of(p), plain.node_of(o)) for p, o in pairs])
            for s, pairs in loads(unit.shared_triples.encode("utf-8"))]  # type: ignore[attr-defined]


# -- one file (in a worker process) ------------------------------------------------------------------

@dataclass
class _Shared:
    """What every worker needs, set before the pool forks (shared copy-on-write)."""

    head: Source
    plan: fastvalidate.Plan
    texts: dict[Node, tuple[str, str]]
    cache: RecordCache
    groups: list[tuple[tuple[tuple[str, Node], ...], list[int]]] = field(default_factory=list)
    """``by_targets(plan)``."""
    objects_of: list[Node] = field(default_factory=list)
    """``_objects_of_predicates(plan)``."""

    def __post_init__(self) -> None:
        self.groups = by_targets(self.plan)
        self.objects_of = _objects_of_predicates(self.plan)


_JOB: _Shared | None = None


def make_unit(item: tuple[str, bytes, str]) -> bytes:
    """Read, map, validate and render one file; store its entry; return its summary (``unit_bytes``)."""
    assert _JOB is not None
    name, data, key = item
    read = loader.read_resource(name, data)
    mentions = [[plain.mention(m) for m in read.defined], [plain.mention(m) for m in read.referred]]
    unit = Unit(name, key, ok=False, mentions=dumps(mentions).decode("utf-8"))
    resource = read.record
    if read.parse_problems or read.problems or resource is None:
        return unit_bytes(unit)
    ctx = Context(_JOB.head)
    try:
        members = resource_members(ctx, resource)  # type: ignore[arg-type]
    except (StopIteration, KeyError):  # an unknown section or agent: the cross-record checks report it
        return unit_bytes(unit)
    unit.ok = True
    unit.section = resource.section  # type: ignore[attr-defined]
    unit.record = dumps(plain.record(resource)).decode("utf-8")
    unit.members = [str(m) for m in members]
    owned = owned_nodes(ctx, name)
    graph = ctx.graph
    shared = [(s, _pairs(graph, s)) for s in graph.spo if s not in owned]
    unit.shared = [(str(s), _digest(pairs), len(pairs)) for s, pairs in shared]
    unit.shared_triples = dumps([[plain.node(s), [[plain.node(p), plain.node(o)] for p, o in pairs]]
                                 for s, pairs in shared]).decode("utf-8")
    unit.shared_origins = [(s, o) for s, o in ctx.origins.items() if s not in owned]
    unit.triples = sum(len(objects) for s in owned for objects in graph.spo[s].values())
    _validate(unit, graph, owned, ctx.origins)
    blob = _render(unit, graph, owned)
    unit.public = _public(unit, read.defined, read.referred)
    unit.blob_size = len(blob)
    head = unit_bytes(unit)
    try:
        _JOB.cache.put(key, head, blob)
    except OSError as exc:
        unit.ok = False
        unit.whole = f"the record cache cannot be written ({exc.strerror or exc})"
        return unit_bytes(unit)
    return head


def _validate(unit: Unit, graph: Triples, owned: set[Node], origins: Mapping[URIRef, Origin]) -> None:
    """Results for the owned nodes, from this record's triples alone (or why that is not possible)."""
    assert _JOB is not None
    plan = _JOB.plan
    if RDFS.subClassOf in graph.pos:
        unit.whole = "the record states rdfs:subClassOf"
        return
    index = fastvalidate.LocalIndex(graph)
    shapes = [s for s, _ in plan.compiled]
    work = [(i, f) for targets, group in _JOB.groups for f in fastvalidate.focus_nodes(index, targets)
            if f in owned for i in group]
    try:
        raw = fastvalidate.run_checks(index, shapes, work)
    except fastvalidate.Foreign as exc:
        unit.whole = f"a rule reads {exc.node}, which another record or the catalogue describes"
        return
    for d in plan.delegated:
        if d.targets is None:
            unit.whole = f"pyshacl must find the focus nodes of {d.node}"
            return
        twin = d.twin
        hit = (any(twin(index, s) for s in owned) if twin is not None
               else bool(fastvalidate.focus_nodes(index, d.targets) & owned))
        if hit:
            unit.whole = f"pyshacl validates {d.node} on this record"
            return
    if any(not r[7] for r in raw):
        unit.whole = "a shape without its own message failed (pyshacl words those)"
        return
    unit.results = [(fastvalidate.to_result(r, _JOB.texts, origins), r[8]) for r in raw]
    for p in _JOB.objects_of:
        found = [str(o) for o in graph.pos.get(p, {}) if isinstance(o, URIRef) and o not in owned]
        if found:
            unit.objects_of[str(p)] = found


def identifiers(unit: Unit) -> tuple[list[Mention], list[Mention]]:
    """The identifiers a unit's file defines and refers to."""
    both: list[list[plain.Plain]] = loads(unit.mentions.encode("utf-8"))  # type: ignore[assignment]
    defined, referred = both
    return [plain.mention_of(m) for m in defined], [plain.mention_of(m) for m in referred]


def owned_nodes(ctx: Context, file: str) -> set[Node]:
    """The nodes a record owns: those minted from its file (its datasets, systems, attributions)."""
    return {s for s, origin in ctx.origins.items() if origin.file == file and s in ctx.graph.spo}


def _public(unit: Unit, defined: list[Mention], referred: list[Mention]) -> str:
    """The digest of what the catalogue level reads of a unit: an edit that changes none of it (a title,
    a description) leaves the catalogue level as it was. The identifiers it defines and refers to are in
    it (by kind, value and field), so the cross-record checks that passed for a stored level pass again."""
    seen = (unit.section, unit.members, unit.subjects, unit.types, unit.shared, sorted(unit.objects_of.items()),
            unit.whole, [(str(s), o.file, o.line, o.column) for s, o in unit.shared_origins],
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


def _pairs(graph: Triples, s: Node) -> list[tuple[Node, Node]]:
    return [(p, o) for p, objects in graph.spo[s].items() for o in objects]


def by_targets(plan: fastvalidate.Plan) -> list[tuple[tuple[tuple[str, Node], ...], list[int]]]:
    """The compiled shapes grouped by their targets (many shapes share one, e.g. every dcat:Dataset)."""
    groups: dict[tuple[tuple[str, Node], ...], list[int]] = {}
    for i, (_, targets) in enumerate(plan.compiled):
        groups.setdefault(tuple(targets), []).append(i)
    return list(groups.items())


def _objects_of_predicates(plan: fastvalidate.Plan) -> list[Node]:
    targets = [t for _, ts in plan.compiled for t in ts] + [t for d in plan.delegated for t in d.targets or ()]
    return sorted({value for kind, value in targets if kind == "targetObjectsOf"}, key=str)


def _render(unit: Unit, graph: Triples, owned: set[Node]) -> bytes:
    """Every owned node's block in each format's order; returns the blob (the four regions one after another)."""
    try:
        nodes = sorted(cast(set[URIRef], owned), key=render.FORMATS[0].key)
        blocks = [render.render(s, _pairs(graph, s)) for s in nodes]
    except render.NotRenderable as exc:
        unit.whole = f"a node cannot be written on its own ({exc})"
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


# -- the whole catalogue (main process) ---------------------------------------------------------------

@dataclass
class Assembled:
    """A publish's outcome before writing: the report, the counts and a writer per output file."""

    report: Report
    writers: dict[str, Callable[[BinaryIO], None]]
    catalogs: int
    datasets: int
    services: int
    triples: int
    used: set[str]
    cache: RecordCache
    records: int
    reused: int
    source: Source
    """``catalog.yaml``'s records, without the resources (``units`` has them, for the pages)."""
    units: list[Unit] = field(default_factory=list)


def assemble(source_dir: Path, cache: RecordCache, step: Callable[[str], None], jobs: int | None) -> Assembled:
    """Units for every file (from the cache or made), checked and validated together; raises ``WholeGraph``."""
    root = Path(source_dir)
    files, problems = loader.resource_files(root)
    catalog_path = root / loader.CATALOG_FILE
    catalog_data = loader.file_bytes(catalog_path, problems)
    head = loader.read_catalog(catalog_path, catalog_data)
    if problems or head.parse_problems or head.problems or not isinstance(head.record, dict):
        raise WholeGraph("the source has problems")
    cache.catalog_bytes = catalog_data or b""
    items: list[tuple[str, bytes, str]] = []
    for path in files:
        data = loader.file_bytes(path, problems)
        if data is None:
            raise WholeGraph("a record file cannot be read")
        items.append((str(path), data, cache.key(str(path), data)))
    source = Source(resources=(), **head.record)
    step("map")
    units = _units(items, source, cache, jobs)
    del items  # the files' bytes are not needed again (a national source is a hundred megabytes)
    bad = next((u for u in units if not u.ok), None)
    if bad is not None:
        raise WholeGraph(bad.whole or f"{bad.file} has problems")
    step("validate")
    key = cache.catalogue_key([u.public for u in units])
    level = _stored_level(cache.get_catalogue(key))
    if level is None:  # (a stored level passed these checks on the same identifiers)
        defined, referred = list(head.defined), list(head.referred)
        for unit in units:
            own_defined, own_referred = identifiers(unit)
            defined += own_defined
            referred += own_referred
        if loader.cross_check(defined, referred):
            raise WholeGraph("identifiers do not resolve")
        level = _catalogue_level(source, units)
        cache.put_catalogue(key, level_bytes(level))
    report = Report(tuple(sorted([*level.results, *_confirmed(units, level)], key=fastvalidate.result_order)))
    step("serialise")
    types_of = Counter(t for u in units for ts in u.types for t in ts)
    types_of.update(t for ts in level.types.values() for t in ts)
    return Assembled(
        report=report,
        writers=_writers(units, level, cache),
        catalogs=types_of[str(DCAT.Catalog)],
        datasets=types_of[str(DCAT.Dataset)],
        services=types_of[str(DCAT.DataService)],
        triples=sum(u.triples for u in units) + level.triples,
        used={u.key for u in units} | {cache.catalogue_name(key)},
        cache=cache,
        records=len(units),
        reused=cache.hits,
        source=source,
        units=units,
    )


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
    """The order of every file's blocks (``_plan_runs``)."""


def level_bytes(level: Level) -> bytes:
    """The catalogue level as the cache keeps it: JSON of plain values."""
    return dumps({
        "format": 1, "results": [plain.result(r) for r in level.results],
        "blocks": [[b.subject, list(b.texts), sorted(b.prefixes)] for b in level.blocks],
        "types": level.types, "triples": level.triples, "runs": [plain.numbers(a) for a in level.runs],
    })


def level_of(data: bytes) -> Level:
    """``level_bytes`` read back; raises one of ``_DECODE_ERRORS`` on anything else."""
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


def _stored_level(data: bytes | None) -> Level | None:
    if data is None:
        return None
    try:
        return level_of(data)
    except _DECODE_ERRORS:
        return None


def _catalogue_level(source: Source, units: list[Unit]) -> Level:
    """Map, merge, check and render the catalogue-level nodes; raises ``WholeGraph``."""
    ctx = Context(source)
    owner = _owners(units)
    graph, differ = _catalogue_graph(ctx, units, owner)
    whole = next((u.whole for u in units if u.whole is not None), None) or differ or _consistent(units, graph,
                                                                                                  owner)
    linked: dict[str, set[str]] = {}
    for unit in units:
        for p, objects in unit.objects_of.items():
            linked.setdefault(p, set()).update(objects)
    results = _catalogue_results(graph, owner, ctx, linked) if whole is None else None
    if results is None:
        raise WholeGraph(whole or "pyshacl must validate the catalogue-level nodes")
    subjects = cast(list[URIRef], list(graph.spo))
    with render.caches_of_at_least(2 * len(owner)):  # member lists repeat every dataset's IRI
        blocks = [render.render(s, _pairs(graph, s)) for s in subjects]
    return Level(
        results=results,
        blocks=blocks,
        types={str(s): tuple(str(t) for t in graph.spo[s].get(RDF.type, ())) for s in subjects},
        triples=sum(len(objects) for s in subjects for objects in graph.spo[s].values()),
        runs=_plan_runs(units, blocks),
    )


def _units(items: list[tuple[str, bytes, str]], source: Source, cache: RecordCache, jobs: int | None) -> list[Unit]:
    """Each file's unit: its cache entry where there is one, made (on every core when many) where not."""
    global _JOB
    units: list[Unit | None] = []
    todo: list[int] = []
    for i, (_, _, key) in enumerate(items):
        found = _stored_unit(cache.get(key), key)
        if found is not None:
            units.append(found)
        else:
            units.append(None)
            todo.append(i)
    if todo:
        _JOB = _Shared(source, fastvalidate.plan(validate.shapes_graph()), validate.shape_texts(), cache)
        try:
            made = _make_all([items[i] for i in todo], jobs)
        finally:
            _JOB = None
        for i, data in zip(todo, made, strict=True):
            unit = unit_of(data)
            units[i] = unit
            cache.used.add(unit.key)
    return [u for u in units if u is not None]


def _make_all(items: list[tuple[str, bytes, str]], jobs: int | None) -> list[bytes]:
    workers = min(jobs or os.cpu_count() or 1, 8)
    if workers < 2 or len(items) < PARALLEL_MIN_FILES or "fork" not in multiprocessing.get_all_start_methods():
        return [make_unit(item) for item in items]
    size = max(1, len(items) // (workers * 16))
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=interrupts.in_child)
    try:
        futures = [pool.submit(make_units, items[i:i + size]) for i in range(0, len(items), size)]
        made = [data for future in futures for data in future.result()]
    except BrokenProcessPool as exc:
        stop_pool(pool)
        interrupts.check()  # the workers died of the SIGTERM sent to the whole process group: say that
        raise WorkerStopped("a worker process stopped before finishing its records (was the system out of "
                            "memory?); nothing was written. Publish again; with --verbose the stages show "
                            "how far it got") from exc
    except BaseException:  # an interrupt, or a worker's exception: stop the others now, not after the queue
        stop_pool(pool)
        raise
    pool.shutdown()
    return made


def make_units(items: list[tuple[str, bytes, str]]) -> list[bytes]:
    """``make_unit`` for a chunk of files (one task of a worker process)."""
    return [make_unit(item) for item in items]


@contextmanager
def _no_result_half_sent(pool: ProcessPoolExecutor) -> Iterator[None]:
    """Hold the lock a worker takes to send a result while the workers are killed: a worker killed halfway
    through a result leaves half a message in the pipe, the pool's manager thread waits for the rest
    forever, and so would the shutdown that joins it (the publish would never exit). Waits at most 5 s
    for a result being sent (it is read meanwhile); past that, kills anyway."""
    lock: Any = getattr(getattr(pool, "_result_queue", None), "_wlock", None)
    held = bool(lock is not None and lock.acquire(timeout=5))
    try:
        yield
    finally:
        if held:
            lock.release()


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """End a pool at once: every worker killed, then the pool shut down (its manager thread marks the
    queued work failed; cancelling it ourselves races with that thread) and every worker reaped. An
    interrupted publish neither waits for the rest of the records nor leaves a worker behind."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    with _no_result_half_sent(pool):
        for process in processes:
            if process.is_alive():
                process.kill()
    with suppress(RuntimeError):  # its manager thread never started (e.g. out of memory): nothing to stop
        pool.shutdown(wait=True)
    for process in processes:
        process.join()


def _owners(units: list[Unit]) -> Owners:
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
        raise WholeGraph("a node is minted by two records")
    return owner


def _catalogue_graph(ctx: Context, units: list[Unit], owner: Owners) -> tuple[Triples, str | None]:  # noqa: C901, PLR0912 -- each branch is one named reason to fall back to the whole graph; to be split with the records package
    """The catalogue-level nodes and every shared node the records link to, merged; and why the records'
    own validation may differ from the whole graph's (None: it cannot)."""
    by_section: dict[str, list[URIRef]] = {s.id: [] for s in ctx.source.sections}
    everything: list[URIRef] = []
    for unit in units:
        members = [URIRef(m) for m in unit.members]
        by_section[unit.section].extend(members)
        everything.extend(members)
    catalogue(ctx, by_section, everything)
    graph = ctx.graph
    seen: dict[str, tuple[str, int]] = {}
    differ: str | None = None
    for unit in units:
        for minted, origin in unit.shared_origins:
            ctx.origins.setdefault(minted, origin)
        todo: set[str] = set()
        for subject, digest, n in unit.shared:
            before = seen.get(subject)
            if before is None:
                seen[subject] = (digest, n)
                todo.add(subject)
            elif before[0] != digest:
                differ = f"records describe {subject} differently"
                todo.add(subject)
        if not todo:
            continue  # every copy it holds is one merged already
        for node, pairs in _shared_triples(unit):
            if str(node) in todo:
                for p, o in pairs:
                    graph.add((node, p, o))
    for node in graph.spo:
        if node in owner:
            raise WholeGraph(f"{node} is a record's node and is described by another record or the catalogue")
    for subject, (_, n) in seen.items():
        if sum(len(objects) for objects in graph.spo[URIRef(subject)].values()) != n:
            differ = f"records or the catalogue describe {subject} differently"
    return graph, differ


def _consistent(units: list[Unit], graph: Triples, owner: Owners) -> str | None:
    """Why the records' validation may differ from the whole graph's, or None.

    A shape that targets the objects of a predicate must not find, through another record, a node owned
    by a record that did not see that link; and no node may state ``rdfs:subClassOf`` (records read class
    hierarchies from their own triples only).
    """
    for unit in units:
        for objects in unit.objects_of.values():
            for o in objects:
                if URIRef(o) in owner:
                    return f"{unit.file} links to {o}, another record's node, where a shape targets it"
    if RDFS.subClassOf in graph.pos:
        return "the catalogue states rdfs:subClassOf"
    return None


def _catalogue_results(graph: Triples, owner: Owners, ctx: Context, linked: dict[str, set[str]]  # noqa: C901 -- one early return per case that needs pyshacl
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
    if any(not r[7] for r in raw):
        return None
    for d in plan.delegated:
        if d.targets is None:
            return None
        if d.twin is not None:
            if any(d.twin(index, s) for s in graph.spo if s not in owner):
                return None
        elif foci(d.targets):
            return None
    texts = validate.shape_texts()
    return [fastvalidate.to_result(r, texts, ctx.origins) for r in raw]


def _confirmed(units: list[Unit], level: Level) -> list[Result]:
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
                node, cls = unless
                if cls in owned.get(node, level.types.get(node, ())):
                    continue
            out.append(result)
    return out


# -- writing ---------------------------------------------------------------------------------------

def _writers(units: list[Unit], level: Level, cache: RecordCache) -> dict[str, Callable[[BinaryIO], None]]:
    prefixes: set[str] = set()
    for unit in units:
        prefixes.update(unit.prefixes)
    for block in level.blocks:
        prefixes |= block.prefixes
    return {fmt.file: _writer(f, fmt, units, level, cache, prefixes) for f, fmt in enumerate(render.FORMATS)}


def _writer(f: int, fmt: render.Format, units: list[Unit], level: Level, cache: RecordCache,
            prefixes: set[str]) -> Callable[[BinaryIO], None]:
    def write(handle: BinaryIO) -> None:
        runs = level.runs[f]
        if not runs:
            handle.write(fmt.empty.encode("utf-8"))
            return
        handle.write(fmt.head(prefixes).encode("utf-8"))
        sep = fmt.separator.encode("utf-8")
        width = len(sep)
        blocks = level.blocks
        with _Entries(cache, units) as entries:
            for r in range(0, len(runs), 3):
                if r:
                    handle.write(sep)
                n, first, last = runs[r], runs[r + 1], runs[r + 2]
                if n < 0:
                    handle.write(blocks[first].texts[f].encode("utf-8"))
                    continue
                unit = units[n]
                starts = unit.starts[f]
                begin, end = starts[first], starts[last + 1] - width
                handle.write(entries.read(n, begin, end - begin))
        handle.write(fmt.tail.encode("utf-8"))
    return write


def _plan_runs(units: list[Unit], blocks: list[render.Block]) -> list[array[int]]:
    """Per format, the order the file is written in: runs of (record, first block, last block), a record's
    consecutive blocks read as one piece (record -1: a catalogue-level block). It depends only on what the
    catalogue level's key covers, so it is kept with it."""
    plans: list[array[int]] = []
    for f, fmt in enumerate(render.FORMATS):
        items: list[tuple[str, int, int]] = []
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


def _open_files_allowed() -> int:
    try:
        import resource
    except ImportError:  # not a POSIX system
        return 512
    return int(resource.getrlimit(resource.RLIMIT_NOFILE)[0])


class _Entries:
    """Open entry files, a bounded number at a time (a record's blocks are mostly read in one go)."""

    LIMIT = max(16, min(4096, _open_files_allowed() - 64))
    """Open at most this many at once: a record's blocks of one format come in a few runs, far apart."""

    def __init__(self, cache: RecordCache, units: list[Unit]) -> None:
        self.cache = cache
        self.folder = str(cache.folder)
        self.units = units
        self.open: dict[int, tuple[int, int]] = {}

    def __enter__(self) -> _Entries:
        return self

    def __exit__(self, *exc: object) -> None:
        for fd, _ in self.open.values():
            os.close(fd)
        self.open.clear()

    def read(self, n: int, offset: int, size: int) -> bytes:
        """``size`` bytes at ``offset`` of record ``n``'s blocks."""
        found = self.open.get(n)
        if found is None:
            if len(self.open) >= self.LIMIT:
                os.close(self.open.pop(next(iter(self.open)))[0])
            found = self.open[n] = self._open(n)
        fd, blob_at = found
        data: bytes = os.pread(fd, size, blob_at + offset)
        if len(data) != size:
            raise self._changed(n)
        return data

    def _open(self, n: int) -> tuple[int, int]:
        """An entry's descriptor and where its blocks start, read from the file itself: another publish
        sharing the cache folder may have stored the same entry again since it was read (same blocks, a
        summary of another length)."""
        unit = self.units[n]
        try:
            return self.cache.open_blocks(unit.key, unit.blob_size)
        except (OSError, ValueError):
            raise self._changed(n) from None

    def _changed(self, n: int) -> OutputError:
        return OutputError(f"{os.path.join(self.folder, self.units[n].key)}: the record cache changed while "
                           "publishing (another publish using the same cache folder?); the previous output is "
                           "unchanged. Publish again, or give each publish its own --cache-dir")
