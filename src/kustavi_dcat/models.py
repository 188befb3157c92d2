"""Typed, frozen records: what a steward wrote in ``source/``, checked, before any RDF exists.

Records hold facts, not triples. Every record knows where it came from (``Origin``) so that a later
stage - a SHACL violation, a duplicate identifier - can point the steward at the file and line to edit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

_T = TypeVar("_T")

LANGUAGES: tuple[str, ...] = ("fi", "sv", "en")
"""The language tags the catalogue uses: exactly these, lower case (the harvester matches them literally)."""


@dataclass(frozen=True, order=True)
class Origin:
    """A place in a source file: 1-based line and column."""

    file: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class LangText:
    """A text in several languages; ``fi`` is the one a Finnish portal shows."""

    values: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, **values: str) -> LangText:
        return cls(tuple(sorted(values.items())))

    def get(self, lang: str) -> str | None:
        return dict(self.values).get(lang)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.values)


@dataclass(frozen=True)
class LangList:
    """Per-language lists of words, e.g. keywords."""

    values: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def of(cls, **values: list[str]) -> LangList:
        return cls(tuple(sorted((k, tuple(v)) for k, v in values.items())))

    def merged(self, other: LangList) -> LangList:
        """Union per language, order kept, duplicates dropped (a data set adds to its resource's words)."""
        out: dict[str, list[str]] = {k: list(v) for k, v in self.values}
        for lang, words in other.values:
            bucket = out.setdefault(lang, [])
            bucket.extend(w for w in words if w not in bucket)
        return LangList(tuple(sorted((k, tuple(v)) for k, v in out.items())))


@dataclass(frozen=True)
class Place:
    """A location, by IRI (e.g. a municipality in the uri.suomi.fi code list), with a label."""

    iri: str
    label: LangText
    origin: Origin


@dataclass(frozen=True)
class Agent:
    """An organisation that publishes or holds data (``foaf:Agent``)."""

    id: str
    name: LangText
    origin: Origin
    type: str | None = None
    homepage: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class ContactPoint:
    """Whom to ask (``vcard:Organization``): a name and an e-mail address."""

    id: str
    name: LangText
    email: str
    origin: Origin
    homepage: str | None = None


@dataclass(frozen=True)
class SearchCriterion:
    """A *hakutekijä*: a datum by which documents can be searched in an information request."""

    id: str
    label: LangText
    origin: Origin


@dataclass(frozen=True)
class TechnicalInterface:
    """Whether the data is openly available through a technical interface, and the statement as written."""

    open: bool
    statement: LangText
    origin: Origin


@dataclass(frozen=True)
class CrossReference:
    """A pointer from a description page to where other documents are kept."""

    id: str
    documents: LangText
    see: LangText
    origin: Origin


@dataclass(frozen=True)
class SourcePage:
    """The page a section transcribes: its title, its address where known, and when the records were last
    compared with it (a date the steward states, never the publishing date)."""

    title: LangText
    origin: Origin
    url: str | None = None
    checked: dt.date | None = None


@dataclass(frozen=True)
class AccessBasis:
    """Why a data set is (or is not) public: the provisions named in words, and the statutes' numbers."""

    id: str
    text: LangText
    statutes: tuple[str, ...]
    origin: Origin


@dataclass(frozen=True)
class Controller:
    """Who controls a resource's records now (*rekisterinpitäjä*), since when if known, and a note citing
    the public source of that fact."""

    agent: str
    note: LangText
    origin: Origin
    since: dt.date | None = None


@dataclass(frozen=True)
class Period:
    """The period the described records cover; either end may be unknown, and the note says what is known."""

    note: LangText
    origin: Origin
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class Section:
    """A description page of one service area, published as a sub-catalogue."""

    id: str
    title: LangText
    description: LangText
    origin: Origin
    subtitle: LangText | None = None
    technical_interface: TechnicalInterface | None = None
    cross_references: tuple[CrossReference, ...] = ()
    source_page: SourcePage | None = None
    resources: tuple[str, ...] = ()
    """Its information resources' ids in the page's order (empty: in file-name order)."""


@dataclass(frozen=True)
class System:
    """An information system (*tietojärjestelmä*) in which an information resource's data is kept."""

    id: str
    name: LangText
    origin: Origin
    description: LangText | None = None


@dataclass(frozen=True)
class SearchCriteria:
    """The search criteria of a resource, and the sentence that states them."""

    criteria: tuple[str, ...]
    statement: LangText
    origin: Origin
    exhaustive: bool = False
    """Whether the statement lists every criterion; "esimerkiksi" (for example) means it does not."""


@dataclass(frozen=True)
class DataSet:
    """A data set (*tietoaineisto*) of an information resource.

    It states its own systems, themes, subjects and statutes: nothing is copied from its resource, since
    the page lists those per resource only. Its access right and basis are its own when given, else the
    resource's (``access_rights is None``).
    """

    id: str
    title: LangText
    description: LangText
    origin: Origin
    keywords: LangList = field(default_factory=lambda: LangList(()))
    systems: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    issued: dt.date | None = None
    modified: dt.date | None = None
    alternative: LangText | None = None
    """The page's own short title when ``title`` was made unique for the catalogue."""
    legislation: tuple[str, ...] = ()
    access_rights: str | None = None
    access_basis: str | None = None


@dataclass(frozen=True)
class Resource:
    """An information resource (*tietovaranto*) and everything section 28 asks to be said of it."""

    id: str
    section: str
    title: LangText
    description: LangText
    origin: Origin
    themes: tuple[str, ...]
    subjects: tuple[str, ...]
    keywords: LangList
    legislation: tuple[str, ...]
    systems: tuple[System, ...]
    system_refs: tuple[str, ...]
    search_criteria: SearchCriteria | None
    datasets: tuple[DataSet, ...]
    access_rights: str = "NON_PUBLIC"
    publisher: str | None = None
    custodian: str | None = None
    contact_point: str | None = None
    technical_interface: TechnicalInterface | None = None
    issued: dt.date | None = None
    modified: dt.date | None = None
    access_basis: str | None = None
    controller: Controller | None = None
    period: Period | None = None
    written_for_catalogue: tuple[str, ...] = ()
    """Fields whose text was written for the catalogue rather than taken from the page (for review)."""

    def access_of(self, part: DataSet) -> tuple[str, str | None]:
        """A data set's access right and basis: its own if it states a right, else the resource's."""
        if part.access_rights is not None:
            return part.access_rights, part.access_basis
        return self.access_rights, self.access_basis

    def all_system_ids(self) -> tuple[str, ...]:
        """Systems defined here and systems defined by another resource and referred to by id."""
        return tuple(s.id for s in self.systems) + self.system_refs


@dataclass(frozen=True)
class Service:
    """The data service that serves the catalogue itself."""

    id: str
    title: LangText
    description: LangText
    origin: Origin
    endpoint_url: str | None = None
    keywords: LangList = field(default_factory=lambda: LangList(()))
    themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Catalog:
    """The top catalogue: the organisation's whole description of information resources."""

    id: str
    base_iri: str
    title: LangText
    description: LangText
    origin: Origin
    languages: tuple[str, ...]
    homepage: str | None = None
    issued: dt.date | None = None
    modified: dt.date | None = None


@dataclass(frozen=True)
class Source:
    """Everything read from a source folder, cross-checked."""

    catalog: Catalog
    publisher: Agent
    contact_point: ContactPoint
    agents: tuple[Agent, ...]
    spatial: tuple[Place, ...]
    search_criteria: tuple[SearchCriterion, ...]
    sections: tuple[Section, ...]
    service: Service
    resources: tuple[Resource, ...]
    access_bases: tuple[AccessBasis, ...] = ()

    def access_basis(self, basis_id: str) -> AccessBasis:
        return next(b for b in self.access_bases if b.id == basis_id)

    def agent(self, agent_id: str | None) -> Agent:
        """The agent with this id, or the catalogue's publisher when none is named."""
        if agent_id is None:
            return self.publisher
        return next(a for a in (self.publisher, *self.agents) if a.id == agent_id)

    def systems(self) -> tuple[tuple[Resource, System], ...]:
        """Every defined system with the resource that defines it."""
        return tuple((r, s) for r in self.resources for s in r.systems)


def in_page_order(sections: Iterable[Section], items: Iterable[_T], where: Callable[[_T], tuple[str, str]]) -> list[_T]:
    """``items`` in the order of the description pages: by section as ``catalog.yaml`` lists them, within a
    section as its ``resources:`` lists them. ``where`` gives an item's section id and resource id. A
    section without the list keeps the items' own order (their files' names): the sort is stable, so the
    same source always gives the same order."""
    rank: dict[tuple[str, str], tuple[int, int]] = {}
    first: dict[str, int] = {}
    for s, section in enumerate(sections):
        first[section.id] = s
        for r, ident in enumerate(section.resources):
            rank[(section.id, ident)] = (s, r)

    def key(item: _T) -> tuple[int, int]:
        section, ident = where(item)
        return rank.get((section, ident), (first.get(section, len(first)), len(rank)))

    return sorted(items, key=key)
