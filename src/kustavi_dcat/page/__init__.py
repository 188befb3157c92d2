"""The description page for people: the same records as the RDF, as accessible HTML in fi, sv and en.

``render_pages`` turns a loaded ``Source`` into ``index.html`` (Finnish), ``index.sv.html`` and
``index.en.html``; ``publish`` writes them with the RDF files in one atomic set. Templates are Jinja2
with autoescaping on, so a source text is always shown as text, never as markup.

Languages: Finnish texts are required by the loader, so the Finnish page is always written. A Swedish or
English page is written when the catalogue lists the language (``catalog.languages``) and its title has
a text in it. On such a page a text the source gives only in Finnish is shown in Finnish, marked
``lang="fi"`` (screen readers switch voice); nothing is translated or invented.

Every resource, data set, section and cross-reference has an ``id`` equal to its IRI relative to the
catalogue's base IRI (``dataset/varhaiskasvatus``), so ``index.html#dataset/varhaiskasvatus`` lands on
it: a server answers a browser asking for that IRI with a redirect to there.

A catalogue of more than ``SINGLE_PAGE_MAX_RESOURCES`` information resources gets a front page and a page
per section instead (``split.py``; ``page-anchors.json`` then says which page holds an anchor).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kustavi_dcat.errors import KustaviError
from kustavi_dcat.models import Source, in_page_order
from kustavi_dcat.page.schemaorg import catalog_jsonld
from kustavi_dcat.page.split import (
    ANCHORS_FILE,
    SECTION_FILE,
    SINGLE_PAGE_MAX_RESOURCES,
    in_language,
    is_split,
    split_pages,
    stale_pages,
)
from kustavi_dcat.page.view import PAGE_FILES, TemplateProblem, environment, page_languages, render_page, script_json

__all__ = ["ANCHORS_FILE", "PAGE_FILES", "SECTION_FILE", "SINGLE_PAGE_MAX_RESOURCES", "TemplateError", "in_language",
           "is_split", "page_languages", "render_pages", "stale_pages"]


class TemplateError(KustaviError):
    """A steward's template folder is missing or a template in it cannot be used; nothing was written."""


def render_pages(source: Source, template_dir: Path | None = None) -> dict[str, bytes]:
    """File name -> bytes of every language page of ``source`` (the same bytes for the same source), its
    information resources in the pages' order (``models.in_page_order``), whatever order they came in."""
    source = replace(source, resources=tuple(in_page_order(source.sections, source.resources,
                                                           lambda r: (r.section, r.id))))
    try:
        env = environment(template_dir)
        if is_split(len(source.resources)):
            return split_pages(env, source)
        jsonld = script_json(catalog_jsonld(source))
        return {PAGE_FILES[lang]: render_page(env, source, lang, jsonld) for lang in page_languages(source)}
    except TemplateProblem as exc:
        raise TemplateError(f"{exc}; nothing was written") from exc
