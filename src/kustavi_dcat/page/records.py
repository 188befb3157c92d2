"""The pages on the record path: made from the records' units, a large catalogue's section pages kept in
the record cache.

A small catalogue's pages are rendered from every record, as ``render_pages`` does. A large one's
(``split.is_split``) front page needs only each resource's section, id and title, read from its unit's
record JSON without building the record; each section page in each language is kept in the record cache
under a key over the code, ``catalog.yaml``, the steward's templates, the section and the cache keys of
the records it shows (its own resources, and those that define a system one of them names). Editing one
record re-renders the pages of its section only. A section page is rendered, or read from the cache, only
as it is written (``publish.write_atomically`` streams it), so the pages are never all in memory, and the
second writing process renders its share.
"""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

import jinja2
from markupsafe import Markup

from kustavi_dcat import interrupts, plain
from kustavi_dcat.cache import RecordCache
from kustavi_dcat.iris import Iris
from kustavi_dcat.models import LangText, Section, Source, System, in_page_order
from kustavi_dcat.page import TemplateError, render_pages
from kustavi_dcat.page.split import (
    ANCHORS_FILE,
    anchors_json,
    contents_pages,
    is_split,
    listing,
    section_files,
    section_jsonld,
    section_page,
)
from kustavi_dcat.page.view import TemplateProblem, environment, page_languages
from kustavi_dcat.records.pool import PARALLEL_MIN_FILES, stop_pool
from kustavi_dcat.records.unit import Unit, resource_of

Writer = Callable[[BinaryIO], None]


def record_pages(source: Source, units: list[Unit], cache: RecordCache, template_dir: Path | None,
                 jobs: int | None = None) -> tuple[dict[str, bytes | Writer], set[str]]:
    """File name -> content of every page; and the names of the cache entries they use (to keep). The
    section pages not in the cache are rendered into it on up to ``jobs`` processes first."""
    if not is_split(len(units)):
        return dict(render_pages(replace(source, resources=tuple(resource_of(u) for u in units)), template_dir)), set()
    try:
        env = environment(template_dir)
        return _split(source, units, cache, env, _templates_digest(template_dir), jobs)
    except TemplateProblem as exc:
        raise TemplateError(f"{exc}; nothing was written") from exc


@dataclass(frozen=True)
class _Light:
    """What the front page and the cache keys need of a record, read from its JSON without building it."""

    section: str
    ident: str
    title: LangText
    defines: tuple[str, ...]
    names: tuple[str, ...]


def _light(unit: Unit) -> _Light:
    d: dict[str, Any] = json.loads(unit.record)
    return _Light(plain.text(d["section"]), plain.text(d["id"]), plain.record_of(LangText, d["title"]),
                  tuple(plain.text(s["id"]) for s in d["systems"]),
                  tuple(plain.text(s) for s in d["system_refs"]))


def _split(source: Source, units: list[Unit], cache: RecordCache, env: jinja2.Environment, templates: str,
           jobs: int | None) -> tuple[dict[str, bytes | Writer], set[str]]:
    lights = [_light(u) for u in units]
    order = in_page_order(source.sections, range(len(units)), lambda n: (lights[n].section, lights[n].ident))
    units, lights = [units[n] for n in order], [lights[n] for n in order]
    files: dict[str, bytes | Writer] = dict(contents_pages(env, source, listing(
        (x.section, x.ident, x.title) for x in lights)))
    iris = Iris(source.catalog.base_iri)
    system_prefix = str(iris.system(""))
    files[ANCHORS_FILE] = anchors_json(source, [
        (x.section, [*u.members, *(s for s in u.subjects if s.startswith(system_prefix))])
        for x, u in zip(lights, units, strict=True)])
    definer = {s: n for n, x in enumerate(lights) for s in x.defines}
    members: dict[str, list[int]] = {}
    for n, x in enumerate(lights):
        members.setdefault(x.section, []).append(n)
    used: set[str] = set()
    sections: list[_SectionPages] = []
    for section in source.sections:
        own = members.get(section.id, [])
        outside = sorted({definer[s] for n in own for s in lights[n].names if s in definer} - set(own))
        pages = _SectionPages(source, section, units, own, outside, env, cache)
        for lang in page_languages(source):
            pages.keys[lang] = cache.catalogue_key([
                "section page", templates, section.id, lang, *(units[n].key for n in own),
                "defining", *(units[n].key for n in outside)])
            used.add(cache.page_name(pages.keys[lang]))
            files[section_files(section.id)[lang]] = pages.writer(lang)
        sections.append(pages)
    _try_first(files, source, members)
    _render_missing(sections, jobs)
    return files, used


def _try_first(files: dict[str, bytes | Writer], source: Source, members: dict[str, list[int]]) -> None:
    """Make the first section's pages now: a steward's section template that cannot be used stops the
    publish here, with its message, rather than midway through writing the files."""
    first = next((s for s in source.sections if members.get(s.id)), None)
    if first is None:
        return
    for name in section_files(first.id).values():
        content = files.get(name)
        if callable(content):
            buffer = io.BytesIO()
            content(buffer)
            files[name] = buffer.getvalue()


@dataclass
class _SectionPages:
    """One section's pages: read from the cache or rendered when written (in whichever process writes it)."""

    source: Source
    section: Section
    units: list[Unit]
    own: list[int]
    outside: list[int]
    env: jinja2.Environment
    cache: RecordCache
    keys: dict[str, str] = field(default_factory=dict)
    """Each language's cache key."""

    def writer(self, lang: str) -> Writer:
        def write(handle: BinaryIO) -> None:
            handle.write(self.page(lang))
        return write

    def page(self, lang: str) -> bytes:
        """The page in ``lang``, from the cache or rendered (and kept)."""
        key = self.keys[lang]
        page = self.cache.get_page(key)
        if page is None:
            try:
                page = self.render(lang)
            except TemplateProblem as exc:
                raise TemplateError(f"{exc}; nothing was written") from exc
            self.cache.put_page(key, page)
        return page

    def render(self, lang: str) -> bytes:
        sub, systems, jsonld = _made(self)
        return section_page(self.env, sub, self.section, lang, systems, jsonld)


_LAST: list[tuple[_SectionPages, tuple[Source, dict[str, System], Markup]]] = []
"""The section whose records were decoded last in this process: its languages are written one after another."""


def _made(pages: _SectionPages) -> tuple[Source, dict[str, System], Markup]:
    if _LAST and _LAST[0][0] is pages:
        return _LAST[0][1]
    resources = [resource_of(pages.units[n]) for n in pages.own]
    sub = replace(pages.source, resources=tuple(resources))
    systems = {s.id: s for r in [*resources, *(resource_of(pages.units[n]) for n in pages.outside)]
               for s in r.systems}
    made = (sub, systems, section_jsonld(sub))
    _LAST[:] = [(pages, made)]
    return made


_TODO: list[_SectionPages] = []
"""The sections a pool renders (set before it forks: shared, not pickled)."""


def _render_missing(sections: list[_SectionPages], jobs: int | None) -> None:
    """Render the section pages the cache lacks into it, a section (all its languages) per task, on every
    core: a cold national publish renders hundreds of pages. Few sections or one core: the writers render
    them as they write."""
    present = _present(sections[0].cache) if sections else set()
    todo = [p for p in sections if p.own and not all(p.cache.page_name(k) in present for k in p.keys.values())]
    workers = min(jobs or os.cpu_count() or 1, 8)
    if workers < 2 or sum(len(p.own) for p in todo) < PARALLEL_MIN_FILES or len(todo) < 2 \
            or "fork" not in multiprocessing.get_all_start_methods():
        return
    _TODO[:] = todo
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=interrupts.in_child)
    try:
        list(pool.map(_render_section, range(len(todo)), chunksize=max(1, len(todo) // (workers * 8))))
    except BaseException:  # an interrupt or a worker's failure: stop the others now
        stop_pool(pool)
        raise
    finally:
        _TODO.clear()
    pool.shutdown()


def _render_section(n: int) -> None:
    """A pool task: section ``n``'s pages into the cache (a page that fails is rendered again by its writer,
    which reports why)."""
    pages = _TODO[n]
    for lang in pages.keys:
        try:
            pages.page(lang)
        except TemplateError:
            return


def _present(cache: RecordCache) -> set[str]:
    try:
        return {p.name for p in cache.folder.iterdir()}
    except OSError:
        return set()


def _templates_digest(template_dir: Path | None) -> str:
    """The steward's templates, hashed (the shipped ones are in the code's fingerprint)."""
    digest = hashlib.sha256()
    if template_dir is not None:
        for path in sorted(p for p in Path(template_dir).rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(template_dir)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
