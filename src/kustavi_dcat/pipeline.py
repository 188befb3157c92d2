"""The whole pipeline, stage by stage: load -> map -> validate -> serialise -> publish.

Nothing is written unless every stage before publishing succeeded, so a bad source or an invalid
catalogue never costs a steward the output that harvesters are reading. There are two paths through the
stages, giving the same files and report: record by record (``publish_records``, the ``records`` package)
and the whole graph (``publish_whole``); ``publish`` decides which runs, in one place.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from kustavi_dcat import interrupts, vocabulary
from kustavi_dcat.cache import RecordCache, checked_dir
from kustavi_dcat.collector import without_cycle_collection
from kustavi_dcat.errors import InvalidCatalogError
from kustavi_dcat.mapping import Mapped, build
from kustavi_dcat.namespaces import DCAT, RDF
from kustavi_dcat.page import render_pages, stale_pages
from kustavi_dcat.page.records import record_pages
from kustavi_dcat.publish import recover, write_atomically
from kustavi_dcat.rdf.serialise import Writers, serialise_all
from kustavi_dcat.rdf.triples import Triples
from kustavi_dcat.records import catalogue, pool, source_folder
from kustavi_dcat.records import files as catalogue_files
from kustavi_dcat.records.handover import HandOver
from kustavi_dcat.source.loader import load
from kustavi_dcat.validation.fastvalidate import validate_fast
from kustavi_dcat.validation.validate import Report, validate_graph


@dataclass(frozen=True)
class Counts:
    catalogs: int
    datasets: int
    services: int
    triples: int

    @classmethod
    def of(cls, graph: Graph | Triples) -> Counts:
        def n(cls_: object) -> int:
            return len(set(graph.subjects(RDF.type, cls_)))  # type: ignore[arg-type]

        return cls(n(DCAT.Catalog), n(DCAT.Dataset), n(DCAT.DataService), len(graph))


@dataclass(frozen=True)
class PublishReport:
    written: list[Path]
    counts: Counts
    validation: Report
    whole_graph: str | None = None
    """Why the whole-graph path ran instead of the record-by-record one (None: it did not)."""
    records: int = 0
    """Resource files published record by record ..."""
    reused: int = 0
    """... and how many of them came from the record cache unchanged."""
    notes: list[str] = field(default_factory=list)
    """Warnings for the person publishing (e.g. a cache folder that could not be used)."""


class CatalogInvalid(InvalidCatalogError):
    """Publishing refused: the catalogue breaks a rule. Carries the validation report for rendering."""

    def __init__(self, report: Report) -> None:
        self.report = report
        n = len(report.violations)
        super().__init__(f"{n} violation{'s' if n != 1 else ''}; nothing was written.")


def map_source(source_dir: Path) -> Mapped:
    """Load and map a source folder (raises ``SourceError`` with every problem)."""
    return build(load(source_dir))


STAGES: tuple[str, ...] = ("load", "map", "validate", "serialise", "write")
"""The stages ``publish`` reports to its ``progress`` callback, in order; "done" follows the last."""


def publish(source_dir: Path, out_dir: Path, progress: Callable[[str], None] | None = None, *, fast: bool = True,
            jobs: int | None = None, cache_dir: Path | None = None, template_dir: Path | None = None
            ) -> PublishReport:
    """Load, map, validate, serialise and write; raises before writing anything on any failure.

    ``progress`` is called with each stage's name as it starts, and with "done" at the end, so a
    front end can show a progress bar or time the stages without this module knowing about terminals.
    ``fast`` publishes record by record (``publish_records``: each resource file read, mapped, validated
    with the compiled shapes and rendered on its own, on up to ``jobs`` processes, and kept in the record
    cache in ``cache_dir``, or in a temporary folder without one), falling back to the whole graph where it
    must; ``fast=False`` runs the whole-graph path with pyshacl itself. The files and the report are the
    same either way; the report says which path ran (``PublishReport.whole_graph``). The description pages
    (``page.render_pages``, from ``template_dir`` when given) are written with the catalogue files, in the
    same atomic set.
    """
    step = _once(progress or _silent)
    recover(Path(out_dir))  # a publish killed midway left the folder half switched: all old again first
    with without_cycle_collection():
        if not fast:
            return publish_whole(source_dir, out_dir, step, fast=False, jobs=jobs, reason=ENGINE_PYSHACL,
                                 template_dir=template_dir)
        try:
            return publish_records(source_dir, out_dir, step, jobs, cache_dir, template_dir)
        except HandOver as handover:
            # The one place the path is decided: the record path cannot be sure of the whole graph's
            # report and bytes for this source (``handover.Reason`` names why), so the whole graph runs.
            return publish_whole(source_dir, out_dir, step, fast=True, jobs=jobs, reason=str(handover),
                                 template_dir=template_dir)


ENGINE_PYSHACL = "pyshacl"
"""``PublishReport.whole_graph`` when the whole graph ran because pyshacl was asked for (``fast=False``)."""


def publish_records(source_dir: Path, out_dir: Path, step: Callable[[str], None], jobs: int | None,
                    cache_dir: Path | None, template_dir: Path | None) -> PublishReport:
    """The record-by-record path (``records``); raises ``HandOver`` where it cannot be sure to give what
    the whole graph gives, before anything is written."""
    step("load")
    notes: list[str] = []
    with ExitStack() as stack:
        cache, keep = _record_cache(source_dir, cache_dir, stack, notes)
        folder = source_folder.read(source_dir, cache)
        step("map")  # each file read, mapped, validated and rendered on its own (``worker.make_unit``)
        units = pool.units_of_files(folder.files, folder.head, cache, jobs)
        step("validate")  # the cross-record checks and the catalogue level; the records' results confirmed
        level, level_entry = catalogue.level_for(folder, units, cache)
        report = catalogue.report(units, level)
        if not report.conforms:
            raise CatalogInvalid(report)
        step("serialise")  # the four files are streamed from the records' blocks as they are written
        pages, kept_pages = record_pages(folder.head, units, cache, template_dir, jobs)
        step("write")
        files = {**catalogue_files.writers(units, level, cache), **pages, **vocabulary.files()}
        written = write_atomically(out_dir, files, remove=stale_pages(out_dir, files))
        if keep:
            cache.prune({u.key for u in units} | {level_entry} | kept_pages)
    step("done")
    types = catalogue.type_counts(units, level)
    counts = Counts(types[str(DCAT.Catalog)], types[str(DCAT.Dataset)], types[str(DCAT.DataService)],
                    catalogue.triple_count(units, level))
    return PublishReport(written, counts, report, records=len(units), reused=cache.hits, notes=notes)


def _record_cache(source_dir: Path, cache_dir: Path | None, stack: ExitStack, notes: list[str]
                  ) -> tuple[RecordCache, bool]:
    """The record cache in ``cache_dir``, or a temporary one (removed when ``stack`` closes) where none is
    given or it cannot be used (said in ``notes``); and whether it is kept (pruned to what was used)."""
    why = checked_dir(cache_dir) if cache_dir is not None else None
    cache = RecordCache.for_source(cache_dir, source_dir) if cache_dir is not None and why is None else None
    why = why or (cache.usable() if cache is not None else None)
    if why is not None:
        notes.append(f"{cache_dir}: the record cache cannot be kept there ({why}); this publish used a "
                     "temporary one. Give another --cache-dir, or --no-cache")
    if cache is None or why is not None:
        return RecordCache.for_source(stack.enter_context(temporary_cache()), source_dir), False
    return cache, True


def publish_whole(source_dir: Path, out_dir: Path, step: Callable[[str], None], *, fast: bool, jobs: int | None,
                  reason: str, template_dir: Path | None = None) -> PublishReport:
    """The whole-graph path: every record loaded and mapped into one graph, validated, serialised.

    ``fast`` validates with the compiled shapes over the whole graph (on ``jobs`` processes), otherwise
    pyshacl runs. ``reason`` says why this path runs (kept in the report: ``publish -v`` shows it).
    """
    step("load")
    source = load(source_dir)
    step("map")
    mapped = build(source)
    step("validate")
    with Writers(mapped.triples) as writers:  # a large catalogue's JSON-LD is written meanwhile
        report = (validate_fast(mapped.triples, mapped.origins, jobs=jobs) if fast  # same report, compiled
                  else validate_graph(mapped.graph, mapped.origins))
        if not report.conforms:
            raise CatalogInvalid(report)
        step("serialise")
        files = writers.files() if writers.background else serialise_all(writers.data)
        pages = render_pages(source, template_dir)
    step("write")
    everything = {**files, **pages, **vocabulary.files()}
    written = write_atomically(out_dir, everything, remove=stale_pages(out_dir, everything))
    step("done")
    return PublishReport(written, Counts.of(mapped.triples), report, whole_graph=reason)


TEMPORARY_PREFIX = "kustavi-dcat-"
"""Temporary record caches are ``<temp>/kustavi-dcat-<pid>-<random>``."""


@contextmanager
def temporary_cache() -> Iterator[Path]:
    """A temporary cache folder (0700), removed however the publish ends; one a killed publish left
    behind is removed by the next one (its process is gone)."""
    _remove_orphans(Path(tempfile.gettempdir()))
    with tempfile.TemporaryDirectory(prefix=f"{TEMPORARY_PREFIX}{os.getpid()}-") as folder:
        yield Path(folder)


def _remove_orphans(temp: Path) -> None:
    pattern = re.compile(re.escape(TEMPORARY_PREFIX) + r"([0-9]+)-")
    try:
        found = [(p, int(m.group(1))) for p in temp.iterdir() if (m := pattern.match(p.name))]
    except OSError:
        return
    for path, pid in found:
        try:
            if pid == os.getpid() or path.is_symlink() or path.lstat().st_uid != os.geteuid() or _alive(pid):
                continue
        except OSError:
            continue
        shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, owned by someone else
        return True
    return True


def _once(progress: Callable[[str], None]) -> Callable[[str], None]:
    """Report each stage once, in order, even when one path hands over to the other midway; an interrupt
    recorded since (even one whose exception a library swallowed) stops the run at the next stage."""
    seen: list[str] = []

    def step(stage: str) -> None:
        interrupts.check()
        order = [*STAGES, "done"]
        if stage in seen or (seen and order.index(stage) < order.index(seen[-1])):
            return
        seen.append(stage)
        progress(stage)
    return step


def _silent(stage: str) -> None:
    """The default progress callback: says nothing."""
