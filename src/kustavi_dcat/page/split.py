"""A large catalogue's pages: a front page that lists, and a page per section that describes.

One page with every information resource serves a municipality; a national catalogue's single page was
half a gigabyte per language, which no reader can open and whose rendering grew faster than the
catalogue. Above ``SINGLE_PAGE_MAX_RESOURCES`` information resources the pages are therefore:

* ``index.html`` (``index.sv.html``, ``index.en.html``): the catalogue's title and description, each
  section with its information resources as links to where they are described, the contact and the
  machine-readable files. Its schema.org markup names the information resources by ``@id``.
* ``section-<section id>.html`` (``.sv.html``, ``.en.html``): the section exactly as the single page
  shows it (its resources, data sets and systems, under the same ids: ``dataset/<id>``, ``system/<id>``,
  ``catalog/<section id>``), with its own schema.org markup of those data sets.

So the page of an anchor is the page of the section its resource belongs to; ``anchors`` says which, for
a web server that redirects an IRI to its place on a page. The files stay few (one per section and
language) and in the output folder itself, so they are published in the same atomic set as the rest;
those a publish no longer writes (``stale_pages``) are removed in that set.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable
from dataclasses import replace
from pathlib import Path

import jinja2
from markupsafe import Markup

from kustavi_dcat.iris import Iris
from kustavi_dcat.models import LangText, Resource, Section, Source, System
from kustavi_dcat.page.schemaorg import catalog_jsonld
from kustavi_dcat.page.view import PAGE_FILES, Page, page_languages, render_template, script_json

SINGLE_PAGE_MAX_RESOURCES = 200
"""Up to this many information resources the catalogue has one page per language (about 3 MB of HTML with
the synthetic national records' texts); above it, a front page and a page per section."""

ANCHORS_FILE = "page-anchors.json"
"""Written beside a large catalogue's pages: each anchor (an IRI relative to the base) -> its Finnish page."""

SECTION_FILE = re.compile(r"section-[a-z0-9]+(?:-[a-z0-9]+)*(?:\.sv|\.en)?\.html")
"""The name of a section's page in any language (``section_files``)."""
_OWN_FILE = re.compile(SECTION_FILE.pattern + "|" + re.escape(ANCHORS_FILE))
"""The names of the files only a large catalogue's pages have."""

Listed = dict[str, list[tuple[str, LangText]]]
"""Section id -> its information resources' ids and titles, in the catalogue's order."""


def is_split(resources: int) -> bool:
    """Whether a catalogue of this many information resources gets a front page and section pages."""
    return resources > SINGLE_PAGE_MAX_RESOURCES


def section_files(section_id: str) -> dict[str, str]:
    """A section's page in each language (the Finnish one without a language suffix, as ``index.html``)."""
    return {lang: in_language(f"section-{section_id}.html", lang) for lang in PAGE_FILES}


def in_language(page: str, lang: str) -> str:
    """The name of a Finnish page (``index.html``, ``section-x.html``: ``ANCHORS_FILE``'s values) in
    ``lang``: ``.sv`` or ``.en`` before ``.html``."""
    return page.removesuffix(".html") + PAGE_FILES[lang].removeprefix("index")


def contents_pages(env: jinja2.Environment, source: Source, listed: Listed) -> dict[str, bytes]:
    """The front page in every language: the sections and their information resources, linked."""
    iris = Iris(source.catalog.base_iri)
    named = [{"@id": str(iris.dataset(ident))} for s in source.sections for ident, _ in listed.get(s.id, ())]
    jsonld = script_json(catalog_jsonld(source, named))
    pages: dict[str, bytes] = {}
    for lang in page_languages(source):
        def section_file(section_id: str, lang: str = lang) -> str:
            return section_files(section_id)[lang]
        page = Page(source, lang, extra={"contents": listed, "section_file": section_file})
        pages[PAGE_FILES[lang]] = render_template(env, "contents.html", page, jsonld)
    return pages


def section_jsonld(source: Source) -> Markup:
    """A section page's schema.org markup: the catalogue with the section's resources and data sets
    (``source`` holds only those resources)."""
    return script_json(catalog_jsonld(source))


def section_page(env: jinja2.Environment, source: Source, section: Section, lang: str,
                 systems: dict[str, System], jsonld: Markup) -> bytes:
    """One section's page in ``lang``; ``source`` holds the section's resources, ``systems`` at least every
    system they name (another section's resource may define one)."""
    page = Page(source, lang, files=section_files(section.id), systems=systems,
                extra={"section": section, "front": PAGE_FILES[lang]})
    return render_template(env, "section_page.html", page, jsonld)


def listing(resources: Iterable[tuple[str, str, LangText]]) -> Listed:
    """(section id, resource id, title) in the catalogue's order, by section."""
    listed: Listed = {}
    for section, ident, title in resources:
        listed.setdefault(section, []).append((ident, title))
    return listed


def split_pages(env: jinja2.Environment, source: Source) -> dict[str, bytes]:
    """Every page of a large catalogue made from the whole ``source`` (the record path makes the same
    bytes section by section, keeping each in the record cache)."""
    pages = contents_pages(env, source, listing((r.section, r.id, r.title) for r in source.resources))
    systems = {s.id: s for _, s in source.systems()}
    by_section: dict[str, list[Resource]] = {}
    for resource in source.resources:
        by_section.setdefault(resource.section, []).append(resource)
    for section in source.sections:
        sub = replace(source, resources=tuple(by_section.get(section.id, ())))
        jsonld = section_jsonld(sub)
        for lang in page_languages(source):
            pages[section_files(section.id)[lang]] = section_page(env, sub, section, lang, systems, jsonld)
    iris = Iris(source.catalog.base_iri)
    pages[ANCHORS_FILE] = anchors_json(source, [
        (r.section, [str(iris.dataset(r.id)), *(str(iris.dataset(d.id)) for d in r.datasets),
                     *(str(iris.system(s.id)) for s in r.systems)]) for r in source.resources])
    return pages


def anchors_json(source: Source, resources: Iterable[tuple[str, list[str]]]) -> bytes:
    """``ANCHORS_FILE`` from each information resource's section and the IRIs its page section shows with an
    id (the resource, its data sets, the systems it defines): every anchor -> its Finnish page (a
    language's page is the same name with ``.sv`` or ``.en`` before ``.html``)."""
    iris = Iris(source.catalog.base_iri)
    base = source.catalog.base_iri
    found: dict[str, str] = {}

    def put(iri: object, page: str) -> None:
        text = str(iri)
        found[text[len(base):] if text.startswith(base) else text] = page

    for section in source.sections:
        page = section_files(section.id)["fi"]
        put(iris.catalog(section.id), page)
        for ref in section.cross_references:
            put(iris.cross_reference(ref.id), page)
    for section_id, shown in resources:
        page = section_files(section_id)["fi"]
        for iri in shown:
            put(iri, page)
    return json.dumps({"anchors": dict(sorted(found.items()))}, ensure_ascii=False, indent=0).encode("utf-8")


def stale_pages(out_dir: Path, written: Collection[str]) -> list[str]:
    """The section pages and anchor map in ``out_dir`` that a publish writing ``written`` leaves behind (a
    removed section, or a catalogue that shrank to one page): removed in the same switch, so neither a
    reader nor a web server finds a page that is no longer true."""
    try:
        names = [p.name for p in Path(out_dir).iterdir()]
    except OSError:  # no folder yet
        return []
    return sorted(n for n in names if _OWN_FILE.fullmatch(n) and n not in written)
