"""Each subject's triples as one self-contained block of text in each of the four output formats.

Every output file is ``head + separator.join(blocks) + tail``, the blocks in the format's order of
subjects (``Format.key``), and a block depends only on its own subject's triples. A publisher can therefore
render records in worker processes, keep the blocks of unchanged records, and write a national catalogue
by concatenation. The bytes are those of the whole-graph writers in ``serialise``: Turtle in the
``longturtle`` style, sorted N-Triples, flat RDF/XML, and JSON-LD in the flattened document form
(``@context`` + ``@graph``, one node object per subject, what pyld's ``flatten`` writes, canonically sorted).

Rendering is the hot path of publishing, so the text of repeated IRIs (predicates, classes, concepts,
agents) is made once and kept in module-level dictionaries.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from operator import itemgetter
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Node

from kustavi_dcat.namespaces import PREFIXES, RDF, XSD
from kustavi_dcat.rdf.syntax import PREFIX_OF, nt_string, prefixed, split_iri, turtle_string, xml_attr, xml_text


class NotRenderable(Exception):
    """A subject this renderer cannot write as an independent block (blank node, or a predicate whose
    namespace is not one of namespaces.PREFIXES, which RDF/XML would need an ns<N> prefix for); the caller
    then falls back to serialise's whole-graph writers."""


@dataclass(frozen=True, slots=True)
class Block:
    subject: str
    """The subject IRI."""
    texts: tuple[str, str, str, str]
    """The subject's text in each format, in ``FORMATS`` order."""
    prefixes: frozenset[str]
    """Turtle prefix names this block uses (for the ``PREFIX`` head)."""


# -- JSON-LD context and IRI compaction -------------------------------------------------------------


@cache
def _package_json(name: str) -> str:
    return resources.files("kustavi_dcat.data").joinpath(name).read_text("utf-8")


def context() -> dict[str, Any]:
    """The JSON-LD context, inline in every document so no consumer has to fetch one."""
    value: dict[str, Any] = json.loads(_package_json("context.json"))
    return value


class Compactor:
    """IRI compaction against the inline context (prefixes only: no terms, ``@vocab`` or ``@base``).

    As JSON-LD 1.1 compacts an IRI: the shortest, then lexicographically least, ``prefix:suffix`` among
    prefixes whose IRI ends in a gen-delim and is a proper prefix of the IRI; otherwise the IRI itself.
    """

    def __init__(self, ctx: dict[str, Any]) -> None:
        self.terms: dict[str, list[str]] = {}
        """Prefix IRI -> its terms; only IRIs ending in a gen-delim can be prefixes."""
        for term, iri in sorted(ctx.items()):
            if isinstance(iri, str) and iri[-1:] in ":/?#[]@":
                self.terms.setdefault(iri, []).append(term)
        self.namespaces = frozenset(iri for iri in ctx.values() if isinstance(iri, str))
        self.cache: dict[str, str] = {}

    def __call__(self, iri: str) -> str:
        found = self.cache.get(iri)
        if found is None:
            found = iri
            best: str | None = None
            for delim in _GEN_DELIM.finditer(iri, 0, len(iri) - 1):  # a prefix ends at a gen-delim, before the end
                ns = iri[:delim.end()]
                for term in self.terms.get(ns, ()):
                    candidate = f"{term}:{iri[len(ns):]}"
                    if best is None or (len(candidate), candidate) < (len(best), best):
                        best = candidate
            if best is not None:
                found = best
            if len(self.cache) >= CACHE_LIMIT:
                self.cache.clear()
            self.cache[iri] = found
        return found


_GEN_DELIM = re.compile(r"[:/?#\[\]@]")

CACHE_LIMIT = 20_000
"""Entries kept per cache of rendered IRIs; a full cache is emptied (memory stays bounded on a national
catalogue, whose shared IRIs are soon cached again)."""

_CONTEXT: dict[str, Any] = context()["@context"]
_compact = Compactor(_CONTEXT)
_json_str: Callable[[str], str] = json.encoder.encode_basestring
"""A string as ``json.dumps(..., ensure_ascii=False)`` writes it (the C encoder where there is one)."""


def _dump(value: Any, indent: str) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)`` at a given depth."""
    if isinstance(value, str):
        return _json_str(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = indent + "  "
        return "{\n" + ",\n".join(f"{inner}{_json_str(k)}: {_dump(value[k], inner)}" for k in sorted(value)) + (
            f"\n{indent}}}")
    if isinstance(value, list):
        if not value:
            return "[]"
        inner = indent + "  "
        return "[\n" + ",\n".join(f"{inner}{_dump(v, inner)}" for v in value) + f"\n{indent}]"
    return json.dumps(value, ensure_ascii=False)


# -- Names of IRIs, made once --------------------------------------------------------------------------


# JSON-LD layout of the flattened document (2-space indent): nodes at 4, their keys at 6, array items at 8.
_KEY = ",\n      "
_ITEM = "\n        "


def _turtle_name(iri: str) -> tuple[str, str | None]:
    """``prefix:local`` when the IRI may be shortened (``syntax.prefixed``), else ``<IRI>``."""
    found = prefixed(iri)
    if found is None:
        return f"<{iri}>", None
    return f"{found[0]}:{found[1]}", found[0]


class _Iri:
    """An IRI's text in every position it is written in."""

    __slots__ = ("iri", "json", "json_id", "json_item", "json_one", "json_type", "nt", "order", "prefix", "ttl",
                 "turtle_order", "xml")

    def __init__(self, term: Node) -> None:
        if not isinstance(term, URIRef):
            raise NotRenderable(f"{term!r} is not an IRI")
        iri = self.iri = str(term)
        self.nt = f"<{iri}>"
        self.ttl, self.prefix = _turtle_name(iri)
        self.xml = f" rdf:resource={xml_attr(iri)}/>"
        self.json_id = _json_str(_compact(iri))
        self.json = '{"@id": ' + self.json_id + "}"
        self.json_one = '{\n        "@id": ' + self.json_id + "\n      }"
        self.json_item = '{\n          "@id": ' + self.json_id + "\n        }"
        self.json_type = self.json_id if iri not in _compact.namespaces else ""  # "": pyld would use the term
        self.order: tuple[str, ...] = ("1", iri)
        self.turtle_order: tuple[int, str, str, int] | None = (0, iri, "", 0)


class _Predicate:
    """A predicate's text in every format."""

    __slots__ = ("iri", "json_key", "key", "nt", "prefix", "tag", "ttl", "xml")

    def __init__(self, term: Node) -> None:
        if not isinstance(term, URIRef):
            raise NotRenderable(f"predicate {term!r} is not an IRI")
        iri = self.iri = str(term)
        ns, local = split_iri(iri)
        prefix = PREFIX_OF.get(ns)
        if prefix is None or not local:
            raise NotRenderable(f"predicate {iri} is not in a namespace RDF/XML has a prefix for")
        if iri in _compact.namespaces:
            raise NotRenderable(f"predicate {iri} is a JSON-LD context term")
        self.nt = f"<{iri}> "
        self.ttl, self.prefix = _turtle_name(iri)
        self.tag = f"{prefix}:{local}"
        self.xml = f"    <{self.tag}"
        self.key = _compact(iri)
        self.json_key = _json_str(self.key)


class _Literal:
    """A literal's text in every format, and its sort keys."""

    __slots__ = ("json", "json_item", "json_one", "node", "nt", "order", "prefix", "ttl", "turtle_order", "xml",
                 "xml_text")

    def __init__(self, term: Literal, lex: str, lang: str | None, datatype: URIRef | None) -> None:
        self.node = term
        self.prefix: str | None = None
        self.xml_text = xml_text(lex) + "</"
        nt = nt_string(lex)
        ttl = turtle_string(lex)
        value = _json_str(lex)
        self.order: tuple[str, ...] = ("2", lex, lang or "", str(datatype or ""))
        if lang:
            self.nt = f'{nt}@{lang}'
            self.ttl = f'{ttl}@{lang}'
            self.xml = f" xml:lang={xml_attr(lang)}>"
            tag = _json_str(lang)
            self.json = '{"@language": ' + tag + ', "@value": ' + value + "}"
            self.json_one = '{\n        "@language": ' + tag + ',\n        "@value": ' + value + "\n      }"
            self.json_item = '{\n          "@language": ' + tag + ',\n          "@value": ' + value + "\n        }"
            self.turtle_order: tuple[int, str, str, int] | None = (1, lang, lex, 0)
        elif datatype is None or datatype == XSD.string:
            self.nt = nt if datatype is None else f'{nt}^^<{datatype}>'
            self.ttl = ttl
            self.xml = ">" if datatype is None else f" rdf:datatype={xml_attr(str(datatype))}>"
            self.json = self.json_one = self.json_item = value
            self.turtle_order = (1, "", lex, 0 if datatype is None else 1)
        else:
            dt = _iri(datatype)
            if not dt.json_type:
                raise NotRenderable(f"datatype {datatype} is a JSON-LD context term")
            self.nt = f'{nt}^^<{datatype}>'
            self.ttl = f'{ttl}^^{dt.ttl}'
            self.prefix = dt.prefix
            self.xml = f" rdf:datatype={xml_attr(dt.iri)}>"
            self.json = '{"@type": ' + dt.json_type + ', "@value": ' + value + "}"
            self.json_one = '{\n        "@type": ' + dt.json_type + ',\n        "@value": ' + value + "\n      }"
            self.json_item = '{\n          "@type": ' + dt.json_type + ',\n          "@value": ' + value + (
                "\n        }")
            self.turtle_order = None  # ordered in value space: rdflib's comparison decides


_IRIS: dict[Node, _Iri] = {}
_PREDICATES: dict[Node, _Predicate] = {}
_LITERALS: dict[tuple[str, str | None, URIRef | None], _Literal] = {}
"""Short literals (keywords, titles, codes) repeat across records; long ones (descriptions) rarely do."""

LITERAL_CACHE_MAX_LENGTH = 100


@contextmanager
def caches_of_at_least(entries: int) -> Iterator[None]:
    """Let the caches of rendered terms hold ``entries`` for a while: the catalogue-level nodes list every
    dataset three times (top catalogue, section, service), and a full cache would forget each IRI before
    it comes again. Afterwards the caches are emptied and their usual size is back."""
    global CACHE_LIMIT
    usual = CACHE_LIMIT
    CACHE_LIMIT = max(usual, entries)
    try:
        yield
    finally:
        CACHE_LIMIT = usual
        clear_caches()


def clear_caches() -> None:
    """Forget every rendered IRI, predicate and literal (the output never depends on what is cached)."""
    _IRIS.clear()
    _PREDICATES.clear()
    _LITERALS.clear()
    _compact.cache.clear()


def _remember(table: dict[Any, Any], key: Any, value: Any) -> Any:
    """Keep ``value`` under ``key``; a full table is emptied first (memory stays bounded)."""
    if len(table) >= CACHE_LIMIT:
        table.clear()
    table[key] = value
    return value


def _iri(term: Node) -> _Iri:
    found = _IRIS.get(term)
    return found if found is not None else _remember(_IRIS, term, _Iri(term))


def _predicate(term: Node) -> _Predicate:
    found = _PREDICATES.get(term)
    return found if found is not None else _remember(_PREDICATES, term, _Predicate(term))


def _literal(term: Literal) -> _Literal:
    lex = str(term)
    key = (lex, term.language, term.datatype)
    found = _LITERALS.get(key)
    if found is None:
        found = _Literal(term, *key)
        if len(lex) <= LITERAL_CACHE_MAX_LENGTH:
            _remember(_LITERALS, key, found)
    return found


def _object(term: Node) -> _Iri | _Literal:
    if type(term) is URIRef:
        found = _IRIS.get(term)
        return found if found is not None else _iri(term)
    if isinstance(term, Literal):
        return _literal(term)
    return _iri(term)  # raises for a blank node


def _order(item: _Iri | _Literal) -> tuple[str, ...]:
    return item.order


def _turtle_order(items: list[_Iri | _Literal]) -> list[_Iri | _Literal]:
    """Objects in rdflib's term order (``longturtle``'s): IRIs by text, then literals; strings plain before
    tagged, by tag, then text; other datatypes by rdflib's comparison in value space."""
    keys = [item.turtle_order for item in items]
    if None in keys:
        return sorted(items, key=lambda item: item.node if isinstance(item, _Literal) else URIRef(item.iri))
    return [item for _, item in sorted(zip(keys, items, strict=True), key=itemgetter(0))]


def _by_json(item: _Iri | _Literal) -> str:
    return item.json


def _json_array(items: list[_Iri | _Literal]) -> str:
    """A property's values sorted by their JSON text, equal values once (``"a"`` and ``"a"^^xsd:string``
    are one JSON-LD value, as in RDF 1.1); one value left is written alone, as compaction does."""
    items = sorted(items, key=_by_json)
    distinct = [item for i, item in enumerate(items) if i == 0 or item.json != items[i - 1].json]
    if len(distinct) == 1:
        return distinct[0].json_one
    return "[" + ",".join(_ITEM + item.json_item for item in distinct) + "\n      ]"


_by_iri = itemgetter(0)
_RDF_TYPE = str(RDF.type)


def _flat_lines(head: str, pred: _Predicate, item: _Iri | _Literal, prefixes: set[str | None], nt: list[str],
                xml: list[str]) -> None:
    """One value's N-Triples line and RDF/XML element (the formats that write a line per triple)."""
    prefixes.add(item.prefix)
    nt.append(head + item.nt + " .")
    if type(item) is _Iri:
        xml.append(pred.xml + item.xml)
    else:
        xml.append(pred.xml + item.xml + item.xml_text + pred.tag + ">")  # type: ignore[union-attr]


def render(subject: URIRef, pairs: Iterable[tuple[Node, Node]]) -> Block:  # noqa: C901, PLR0912, PLR0915 -- the hot loop of national-scale publishing: one pass writes all four formats; split into calls it measured slower
    """The subject's block in every format. ``pairs``: its (predicate, object) pairs, any order, no duplicates."""
    if not isinstance(subject, URIRef):
        raise NotRenderable(f"subject {subject!r} is not an IRI")
    by_predicate: dict[Node, list[Node]] = {}
    for p, o in pairs:
        objects = by_predicate.get(p)
        if objects is None:
            by_predicate[p] = [o]
        else:
            objects.append(o)
    if not by_predicate:
        raise NotRenderable(f"{subject} has no triples")
    s = _IRIS.get(subject) or _Iri(subject)
    prefixes: set[str | None] = {s.prefix}
    predicates: list[tuple[str, _Predicate, list[Node]]] = []
    for term, objects in by_predicate.items():
        info = _PREDICATES.get(term)
        if info is None:
            info = _predicate(term)
        predicates.append((info.iri, info, objects))
    predicates.sort(key=_by_iri)
    ttl = [s.ttl, ""]
    xml = [f"  <rdf:Description rdf:about={xml_attr(s.iri)}>"]
    nt: list[str] = []
    json_props: list[tuple[str, str, str]] = []
    types: list[_Iri | _Literal] = []
    subject_nt = s.nt + " "
    for _, pred, objects in predicates:
        head = subject_nt + pred.nt
        if len(objects) == 1:
            item = _object(objects[0])
            _flat_lines(head, pred, item, prefixes, nt, xml)
            if pred.iri == _RDF_TYPE:
                types.append(item)
                continue
            prefixes.add(pred.prefix)
            ttl.append(f"    {pred.ttl} {item.ttl} ;")
            json_props.append((pred.key, pred.json_key, item.json_one))
            continue
        items = [_object(o) for o in objects]
        items.sort(key=_order)
        for item in items:
            _flat_lines(head, pred, item, prefixes, nt, xml)
        if pred.iri == _RDF_TYPE:
            types = items
            continue
        prefixes.add(pred.prefix)
        ttl.append(f"    {pred.ttl}\n" + " ,\n".join("        " + item.ttl for item in _turtle_order(items)) + " ;")
        json_props.append((pred.key, pred.json_key, _json_array(items)))
    xml.append("  </rdf:Description>\n")
    nt.sort()
    node = ["    {\n      \"@id\": ", s.json_id]
    if types:
        if any(type(t) is not _Iri or not t.json_type for t in types):
            raise NotRenderable(f"{s.iri} has a literal rdf:type or one that is a JSON-LD context term")
        ttl[1] = "    a " + types[0].ttl + " ;" if len(types) == 1 else (
            "    a\n" + " ,\n".join("        " + t.ttl for t in types) + " ;")
        node += [_KEY, '"@type": ', types[0].json_type if len(types) == 1 else  # type: ignore[union-attr]
                 "[" + ",".join(_ITEM + t for t in sorted(t.json_type for t in types)) + "\n      ]"]  # type: ignore[union-attr]
    else:
        del ttl[1]
    json_props.sort(key=_by_iri)
    for _, key, value in json_props:
        node += [_KEY, key, ": ", value]
    node.append("\n    }")
    prefixes.discard(None)
    return Block(s.iri, ("\n".join(ttl) + "\n.\n", "".join(node), "\n".join(xml), "\n".join(nt)),
                 frozenset(prefixes))  # type: ignore[arg-type]


# -- Formats -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Format:
    """How blocks of one format make a file: ``head(prefixes) + separator.join(sorted blocks) + tail``."""

    file: str
    key: Callable[[str], str]
    """Sort key of a block by its subject IRI: blocks are written in ascending key order."""
    separator: str
    """Between two consecutive blocks."""
    tail: str
    heading: Callable[[Collection[str]], str]
    empty: str
    """The whole file when there are no blocks at all (what the whole-graph writers give an empty graph)."""

    def head(self, prefixes: Collection[str]) -> str:
        """The text before the first block; ``prefixes`` is the union of the blocks' (only Turtle uses it)."""
        return self.heading(prefixes)


def _turtle_head(prefixes: Collection[str]) -> str:
    return "".join(f"PREFIX {prefix}: <{ns}>\n" for prefix, ns in sorted(PREFIXES) if prefix in prefixes) + "\n"


_JSONLD_HEAD = '{\n  "@context": ' + _dump(_CONTEXT, "  ") + ',\n  "@graph": [\n'
_JSONLD_TAIL = "\n  ]\n}\n"

_RDFXML_HEAD = "\n".join(['<?xml version="1.0" encoding="utf-8"?>', "<rdf:RDF"] + [
    f"  xmlns:{prefix}={xml_attr(ns)}" for prefix, ns in sorted(PREFIXES)]) + ">\n"


def _jsonld_key(iri: str) -> str:
    """A node's place in ``@graph``: arrays are sorted by canonical JSON text, and a node's text begins
    with its compacted ``@id`` (keys sorted, "@id" first), whose JSON string cannot be a prefix of another's."""
    return _json_str(_compact(iri))


def _ntriples_key(iri: str) -> str:
    return f"<{iri}>"


def _constant(text: str) -> Callable[[Collection[str]], str]:
    return lambda prefixes: text


def _iri_key(iri: str) -> str:
    return iri


FORMATS: tuple[Format, Format, Format, Format] = (
    Format("catalog.ttl", _iri_key, "\n", "", _turtle_head, "\n"),
    Format("catalog.jsonld", _jsonld_key, ",\n", _JSONLD_TAIL, _constant(_JSONLD_HEAD),
           '{\n  "@context": ' + _dump(_CONTEXT, "  ") + ',\n  "@graph": []\n}\n'),
    Format("catalog.rdf", _iri_key, "", "</rdf:RDF>\n", _constant(_RDFXML_HEAD), _RDFXML_HEAD + "</rdf:RDF>\n"),
    Format("catalog.nt", _ntriples_key, "\n", "\n", _constant(""), "\n"),
)
"""The four output formats, in ``Block.texts`` order."""


def document(fmt: Format, blocks: Iterable[Block]) -> bytes:
    """A whole file from blocks in any order (for small graphs and tests; a publisher streams instead)."""
    index = FORMATS.index(fmt)
    ordered = sorted(blocks, key=lambda block: fmt.key(block.subject))
    if not ordered:
        return fmt.empty.encode("utf-8")
    prefixes = frozenset().union(*(block.prefixes for block in ordered))
    return (fmt.head(prefixes) + fmt.separator.join(block.texts[index] for block in ordered) + fmt.tail).encode(
        "utf-8")
