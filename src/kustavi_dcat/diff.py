"""Compare two published catalogues: which datasets, catalogues and services were added, removed or
changed, and for a changed one which properties and values. Returns data; the CLI renders it.

A steward runs it before the harvester takes the new output, so the question is "what will the portal
see differently?" That is answered per subject IRI, the identity a harvester keeps. Any of the four
formats can be read (chosen by file extension); JSON-LD is expanded offline, refusing every URL.

Every subject is compared, not only datasets: a renamed information system or contact point is a change
too, listed under its own type, so "equal" means the two graphs hold the same triples. Blank nodes (which
our catalogues never contain) are given canonical labels first, so equal graphs compare equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from kustavi_dcat import hetu
from kustavi_dcat.namespaces import DCAT, DCT, FOAF, RDF, SKOS, VCARD
from kustavi_dcat.rdf.reading import read_catalogue
from kustavi_dcat.rdf.syntax import shorten

KIND_ORDER: tuple[URIRef, ...] = (DCAT.Catalog, DCAT.Dataset, DCAT.DataService)
"""Types listed first, in this order; every other type follows by prefixed name."""

UNTYPED = "(untyped)"

LABELS: tuple[URIRef, ...] = (DCT.title, FOAF.name, VCARD.fn, SKOS.prefLabel)
"""Properties whose Finnish value names a subject for a person reading the diff."""


@dataclass(frozen=True, order=True)
class Value:
    """One RDF object, comparable and sortable: an IRI, a literal (with language or datatype) or a blank node."""

    kind: str
    value: str
    language: str = ""
    datatype: str = ""

    @classmethod
    def of(cls, term: Node) -> Value:
        if isinstance(term, Literal):
            return cls("literal", str(term), term.language or "",
                       str(term.datatype) if term.datatype is not None else "")
        if isinstance(term, BNode):
            return cls("blank", str(term))
        return cls("iri", str(term))

    @property
    def shown(self) -> str:
        """The value as printed: a personal identity code is never repeated, even when it is the change."""
        return hetu.redact(self.value)

    def to_json(self) -> dict[str, str]:
        out = {"type": self.kind, "value": self.shown}
        if self.language:
            out["language"] = self.language
        if self.datatype:
            out["datatype"] = shorten(self.datatype)
        return out


@dataclass(frozen=True)
class PropertyChange:
    """A property whose values differ: those only in the old file and those only in the new one."""

    property: str
    removed: tuple[Value, ...]
    added: tuple[Value, ...]

    def to_json(self) -> dict[str, Any]:
        return {"property": shorten(self.property), "property_iri": self.property,
                "removed": [v.to_json() for v in self.removed], "added": [v.to_json() for v in self.added]}


@dataclass(frozen=True)
class Entity:
    """A subject as listed in the diff: IRI, kind (its main type, prefixed), Finnish title if any."""

    iri: str
    kind: str
    title: str | None
    changes: tuple[PropertyChange, ...] = ()

    def to_json(self, with_changes: bool) -> dict[str, Any]:
        # The IRI masked as every value is: a code in an IRI's path is as personal as one in a title.
        out: dict[str, Any] = {"iri": hetu.redact(self.iri), "kind": self.kind, "title": self.title}
        if with_changes:
            out["properties"] = [c.to_json() for c in self.changes]
        return out


@dataclass(frozen=True)
class CatalogueDiff:
    """What differs between two catalogues; each tuple is sorted by kind, then IRI."""

    added: tuple[Entity, ...] = ()
    removed: tuple[Entity, ...] = ()
    changed: tuple[Entity, ...] = ()

    @property
    def equal(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def to_json(self) -> dict[str, Any]:
        """A stable, sorted structure for scripts (``diff --format json``)."""
        return {
            "equal": self.equal,
            "added": [e.to_json(False) for e in self.added],
            "removed": [e.to_json(False) for e in self.removed],
            "changed": [e.to_json(True) for e in self.changed],
        }


# -- reading ---------------------------------------------------------------------------------------


def diff_files(old: Path, new: Path) -> CatalogueDiff:
    """Read both files and compare them (both are read before anything is compared)."""
    return diff_graphs(read_catalogue(old), read_catalogue(new))


def diff_graphs(old: Graph, new: Graph) -> CatalogueDiff:
    """Subjects added, removed and changed from ``old`` to ``new``."""
    old, new = _canonical(old), _canonical(new)
    before, after = _by_subject(old), _by_subject(new)
    added = [_entity(new, s) for s in after.keys() - before.keys()]
    removed = [_entity(old, s) for s in before.keys() - after.keys()]
    changed = []
    for s in before.keys() & after.keys():
        changes = _property_changes(before[s], after[s])
        if changes:
            changed.append(_entity(new, s, changes))
    return CatalogueDiff(tuple(sorted(added, key=_order)), tuple(sorted(removed, key=_order)),
                         tuple(sorted(changed, key=_order)))


def _canonical(graph: Graph) -> Graph:
    """Blank nodes relabelled by content, so two equal graphs label them alike; otherwise unchanged."""
    if not any(isinstance(t, BNode) for triple in graph for t in triple):
        return graph
    return to_canonical_graph(graph)


def _by_subject(graph: Graph) -> dict[Node, dict[str, set[Value]]]:
    out: dict[Node, dict[str, set[Value]]] = {}
    for s, p, o in graph:
        out.setdefault(s, {}).setdefault(str(p), set()).add(Value.of(o))
    return out


def _property_changes(old: dict[str, set[Value]], new: dict[str, set[Value]]) -> tuple[PropertyChange, ...]:
    changes = []
    for prop in sorted(old.keys() | new.keys(), key=shorten):
        was, now = old.get(prop, set()), new.get(prop, set())
        if was != now:
            changes.append(PropertyChange(prop, tuple(sorted(was - now)), tuple(sorted(now - was))))
    return tuple(changes)


def _entity(graph: Graph, subject: Node, changes: tuple[PropertyChange, ...] = ()) -> Entity:
    iri = str(subject) if isinstance(subject, URIRef) else f"_:{subject}"
    return Entity(iri, _kind(graph, subject), _title(graph, subject), changes)


def _kind(graph: Graph, subject: Node) -> str:
    types = set(graph.objects(subject, RDF.type))
    for main in KIND_ORDER:
        if main in types:
            return shorten(str(main))
    names = sorted(shorten(str(t)) for t in types)
    return names[0] if names else UNTYPED


def _title(graph: Graph, subject: Node) -> str | None:
    """The subject's Finnish title (or name, or label); failing that, one without a language."""
    for prop in LABELS:
        texts = [o for o in graph.objects(subject, prop) if isinstance(o, Literal)]
        for wanted in ("fi", None):
            found = sorted(str(t) for t in texts if (t.language or None) == wanted)
            if found:
                return hetu.redact(found[0])
    return None


def _order(entity: Entity) -> tuple[int, str, str]:
    main = [shorten(str(k)) for k in KIND_ORDER]
    rank = main.index(entity.kind) if entity.kind in main else len(main)
    return rank, entity.kind, entity.iri


