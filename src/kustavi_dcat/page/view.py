"""What the templates see: the records, the page's language, and small helpers that pick a text."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from kustavi_dcat.iris import Iris
from kustavi_dcat.models import DataSet, LangText, Source, System
from kustavi_dcat.page.labels import LABELS, LANGUAGE_NAMES
from kustavi_dcat.page.schemaorg import access_right_label, catalog_jsonld

PAGE_FILES: dict[str, str] = {"fi": "index.html", "sv": "index.sv.html", "en": "index.en.html"}
"""The page of each language; Finnish is the site's index."""

RDF_LINKS: tuple[tuple[str, str, str], ...] = (
    ("catalog.ttl", "text/turtle", "Turtle"),
    ("catalog.jsonld", "application/ld+json", "JSON-LD"),
    ("catalog.rdf", "application/rdf+xml", "RDF/XML"),
    ("catalog.nt", "application/n-triples", "N-Triples"),
)
"""The catalogue files written beside the pages: file, media type, format name."""

ENTRY_TEMPLATE = "page.html"
"""The template rendered for every language; it extends ``base.html`` (the document around the content)."""


class TemplateProblem(Exception):
    """A template cannot be found, parsed or rendered (the message names the template and line)."""


def page_languages(source: Source) -> list[str]:
    """Finnish, then each other language the catalogue lists and has a title in (see the package doc)."""
    others = [lang for lang in ("sv", "en") if lang in source.catalog.languages
              and source.catalog.title.get(lang) is not None]
    return ["fi", *others]


def environment(template_dir: Path | None) -> jinja2.Environment:
    """The steward's templates first (when given), then the shipped ones, also reachable as ``default/...``
    so that a steward's ``base.html`` can extend ``default/base.html``."""
    shipped = jinja2.PackageLoader("kustavi_dcat.page", "templates")
    loaders: list[jinja2.BaseLoader] = []
    if template_dir is not None:
        if not template_dir.is_dir():
            raise TemplateProblem(f"{template_dir}: --template-dir is not a folder")
        loaders.append(jinja2.FileSystemLoader(template_dir))
    loaders += [jinja2.PrefixLoader({"default": shipped}), shipped]
    return jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render_page(env: jinja2.Environment, source: Source, lang: str, jsonld: Markup | None = None) -> bytes:
    """One language's page, as UTF-8 bytes; ``jsonld`` is ``script_json(catalog_jsonld(source))``, made once
    for all the languages when given (it is the same on every page)."""
    embedded = jsonld if jsonld is not None else script_json(catalog_jsonld(source))
    return render_template(env, ENTRY_TEMPLATE, Page(source, lang), embedded)


def render_template(env: jinja2.Environment, name: str, page: Page, jsonld: Markup) -> bytes:
    """``name`` rendered for ``page``, as UTF-8 bytes; a template's problem as ``TemplateProblem``."""
    try:
        text = env.get_template(name).render(page.context(jsonld))
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"{exc.filename or exc.name}:{exc.lineno}: {exc.message}") from exc
    except jinja2.TemplateNotFound as exc:
        raise TemplateProblem(f"template {exc.name} not found") from exc
    except jinja2.TemplateError as exc:  # e.g. an undefined name in a steward's template
        raise TemplateProblem(f"{name} ({page.lang}): {exc}") from exc
    return text.encode("utf-8")


@dataclass(frozen=True)
class Page:
    """One language's view of the source (on a large catalogue's section page: the section's resources)."""

    source: Source
    lang: str
    files: dict[str, str] = field(default_factory=lambda: PAGE_FILES)
    """This page's file in each language (its language switch and alternates)."""
    systems: dict[str, System] | None = None
    """Every system the resources shown name, by id (None: those the source's resources define)."""
    extra: dict[str, Any] = field(default_factory=dict)
    """What a template of a large catalogue's pages needs besides (``split.py``)."""

    def context(self, jsonld: Markup) -> dict[str, Any]:
        iris = Iris(self.source.catalog.base_iri)
        systems = self.systems if self.systems is not None else {s.id: s for _, s in self.source.systems()}
        return {
            "source": self.source, "catalog": self.source.catalog, "lang": self.lang,
            "languages": [(lang, self.files[lang], LANGUAGE_NAMES[lang]) for lang in page_languages(self.source)],
            "rdf_links": RDF_LINKS, "iris": iris,
            "t": self.text, "plain": self.plain, "label": self.label, "anchor": self.anchor,
            "system": systems.get, "access_label": self.access_label, "basis": self.source.access_basis,
            "dataset_name": self.dataset_name,
            "jsonld": jsonld, **self.extra,
        }

    def text(self, value: LangText | None) -> Markup:
        """The text in the page's language, or its Finnish text marked ``lang="fi"``; empty when none."""
        if value is None:
            return Markup("")
        own = value.get(self.lang)
        if own is not None:
            return escape(own)
        return Markup('<span lang="fi">{}</span>').format(value.get("fi") or "")

    def plain(self, value: LangText | None) -> str:
        """The text in the page's language only ("" when missing): for places that cannot hold markup."""
        return (value.get(self.lang) if value is not None else None) or ""

    def label(self, key: str) -> str:
        return LABELS[key][self.lang]

    def anchor(self, iri: str) -> str:
        """An IRI relative to the catalogue's base: the id of its section on the page."""
        base = self.source.catalog.base_iri
        return iri[len(base):] if iri.startswith(base) else iri

    def dataset_name(self, dataset: DataSet) -> LangText:
        """A data set's name under its resource: the page's own short title (``alternative``) where it has
        one in this language, else the catalogue's title; Finnish (marked) when neither has this language."""
        short = dataset.alternative
        if short is not None and short.get(self.lang) is not None:
            return short
        if dataset.title.get(self.lang) is not None:
            return dataset.title
        return short or dataset.title

    def access_label(self, code: str) -> str:
        return access_right_label(code, self.lang)


def script_json(data: object) -> Markup:
    """JSON safe inside ``<script>``: ``<``, ``>`` and ``&`` escaped as JSON ``\\u`` escapes, so no text can
    close the element (``</script>``) or open a comment; the JSON parses to the same data."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return Markup(text)
