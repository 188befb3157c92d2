"""Reading a published catalogue back, offline: any of the four formats, chosen by file extension.

``diff`` compares two such files and ``validate FILE`` checks one. JSON-LD is expanded with pyld under a
document loader that refuses every URL, so a remote context is never fetched; a file that cannot be read
is a ``UnreadableCatalogue`` (exit 3) that names the file and says why.

Files are parsed by Oxigraph (a compiled parser, many times faster than rdflib's at national scale) and
handed on either as an rdflib graph (``read_catalogue``), the API the comparison and pySHACL work with,
or as the project's light ``Triples`` (``read_triples``), which the compiled checks read directly and
which costs a fraction of rdflib's indexed store to fill. Both hold the same rdflib terms. Oxigraph
writes every language tag in lower case; as the checks must see a tag as written (a harvester matches
``@fi`` exactly, so ``@FI`` is an error to report), a file with an upper-case letter in a tag is read by
rdflib.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kustavi_dcat import hetu
from kustavi_dcat.errors import EXIT_SOURCE, KustaviError, shown_path
from kustavi_dcat.namespaces import known_terms
from kustavi_dcat.rdf.serialise import refuse_urls
from kustavi_dcat.rdf.triples import Triples

Read = TypeVar("Read", Graph, Triples)

MAX_CATALOGUE_BYTES = 256 * 1024 * 1024
"""The largest file ``validate FILE`` and ``diff`` read: rdflib holds a graph in about twenty times its
file's size, so a larger file is refused before it is read instead of exhausting memory."""

FORMATS_BY_EXTENSION: dict[str, str] = {
    ".ttl": "turtle",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".xml": "xml",
    ".nt": "nt",
}
"""File extension to format name; the first four are what ``publish`` writes."""
_OXIGRAPH = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "xml": ox.RdfFormat.RDF_XML,
             "json-ld": ox.RdfFormat.JSON_LD}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_UPPER_TAG = {
    "turtle": re.compile(rb"[\"']@[A-Za-z0-9-]*[A-Z]"),
    "nt": re.compile(rb"\"@[A-Za-z0-9-]*[A-Z]"),
    "xml": re.compile(rb"xml:lang\s*=\s*[\"'][^\"']*[A-Z]"),
    "json-ld": re.compile(rb"\"@language\"\s*:\s*\"[^\"]*[A-Z]"),
}
"""Where a language tag with an upper-case letter may be (a false alarm only costs speed)."""
_UPPER_AFTER_AT = re.compile(rb"@[A-Za-z0-9-]*[A-Z]")
"""What every Turtle or N-Triples match of ``_UPPER_TAG`` contains: a search ten times as fast (no quote to
try at every quote), so the exact pattern runs only when this finds something."""


def _has_upper_tag(data: bytes, fmt: str) -> bool:
    if fmt in ("turtle", "nt") and not _UPPER_AFTER_AT.search(data):
        return False
    return _UPPER_TAG[fmt].search(data) is not None


class UnreadableCatalogue(KustaviError):
    """A catalogue file given to ``diff`` or ``validate`` cannot be read as RDF (exit 3, like any unreadable input)."""

    exit_code = EXIT_SOURCE


def read_catalogue(path: Path) -> Graph:
    """Parse ``path`` by its extension into an rdflib graph; raises ``UnreadableCatalogue`` saying why it
    cannot be read."""
    return _read(path, parse_graph)


def read_triples(path: Path) -> Triples:
    """Parse ``path`` by its extension into ``Triples`` (for the compiled checks); raises
    ``UnreadableCatalogue`` saying why it cannot be read."""
    return _read(path, parse_triples)


def _read(path: Path, parse: Callable[[bytes, str], Read]) -> Read:
    name = shown_path(path)
    if path.is_dir():
        example = shown_path(path / "catalog.ttl")
        raise UnreadableCatalogue(f"{name}: is a folder; give a catalogue file, e.g. {example}")
    fmt = FORMATS_BY_EXTENSION.get(path.suffix.lower())
    if fmt is None:
        raise UnreadableCatalogue(
            f"{name}: cannot tell the format from the extension `{shown_path(path.suffix)}`; "
            f"use one of {', '.join(sorted(FORMATS_BY_EXTENSION))}")
    data = _bytes(path, name)
    if fmt == "xml":
        _refuse_entities(data, name)
    try:
        return parse(_expanded_jsonld(data, name) if fmt == "json-ld" else data, fmt)
    except UnreadableCatalogue:
        raise
    except Exception as exc:  # Oxigraph, rdflib, pyld and json raise several types; all mean "not this format"
        raise UnreadableCatalogue(f"{name}: is not readable as {fmt} ({_summary(exc)})") from exc


def _bytes(path: Path, name: str) -> bytes:
    """The file's bytes, refusing one over ``MAX_CATALOGUE_BYTES`` before reading it."""
    limit = MAX_CATALOGUE_BYTES
    too_big = (f"{name}: is larger than {limit // 1024 ** 2} MiB, the most `validate` and `diff` read; check "
               "a source folder with `kustavi-dcat validate --source DIR` instead")
    try:
        if path.stat().st_size > limit:
            raise UnreadableCatalogue(too_big)
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise UnreadableCatalogue(f"{name}: cannot be read ({exc.strerror or exc})") from exc
    if len(data) > limit:
        raise UnreadableCatalogue(too_big)
    return data


class _EndOfProlog(Exception):
    """The root element started: the document type declaration, if any, is behind."""


def _refuse_entities(data: bytes, name: str) -> None:
    """Refuse RDF/XML whose document type declares entities (a few hundred bytes of nested entities expand
    to gigabytes in rdflib's parser). Expat reads only the prolog: it stops at the root element."""
    from xml.parsers import expat

    declared: list[str] = []
    parser = expat.ParserCreate()

    def entity(entity_name: str, *_: object) -> None:
        declared.append(entity_name)
        raise _EndOfProlog

    def start(*_: object) -> None:
        raise _EndOfProlog

    parser.EntityDeclHandler = entity
    parser.StartElementHandler = start
    with contextlib.suppress(_EndOfProlog, expat.ExpatError):  # a syntax error: the RDF/XML parser says it
        parser.Parse(data, True)
    if declared:
        raise UnreadableCatalogue(
            f"{name}: declares XML entities in its document type (<!ENTITY ...>), which are never expanded; "
            "write the file without a DOCTYPE, as `publish` does")


def _expanded_jsonld(data: bytes, name: str) -> bytes:
    """JSON-LD expanded with pyld under a loader that refuses URLs, so a remote context is never fetched."""
    from pyld import jsonld  # imported here: it pulls in an HTTP library the other formats never need

    try:
        expanded = jsonld.expand(json.loads(data.decode("utf-8")), {"documentLoader": refuse_urls})
    except jsonld.JsonLdError as exc:
        url = (getattr(exc, "details", None) or {}).get("url")
        if url:
            raise UnreadableCatalogue(
                f"{name}: refers to {_summary(url)}, which is never fetched; use a file with its JSON-LD context "
                "inline, as `publish` writes it") from exc
        raise UnreadableCatalogue(f"{name}: is not readable as JSON-LD ({_summary(exc)})") from exc
    return json.dumps(expanded).encode("utf-8")


def to_rdflib(term: Any) -> Node:
    """The rdflib term of an Oxigraph term (``xsd:string`` literals stay plain, as the published files write them)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value) if datatype == _XSD_STRING else Literal(term.value, datatype=URIRef(datatype))


def parse_graph(data: bytes, fmt: str) -> Graph:
    """``data`` parsed by Oxigraph in ``fmt`` (a ``FORMATS_BY_EXTENSION`` value), as an rdflib graph."""
    if _has_upper_tag(data, fmt):
        return Graph().parse(data=data, format=fmt)
    graph = Graph()
    graph.addN((s, p, o, graph) for s, p, o in _converted(data, fmt))
    return graph


def parse_triples(data: bytes, fmt: str) -> Triples:
    """``data`` parsed by Oxigraph in ``fmt``, as ``Triples`` holding the terms ``parse_graph`` would."""
    if _has_upper_tag(data, fmt):
        return Triples(Graph().parse(data=data, format=fmt))
    return Triples(_converted(data, fmt))


def _converted(data: bytes, fmt: str) -> Iterator[tuple[Node, Node, Node]]:
    """The triples of ``data`` (no upper-case language tag) as rdflib terms; the project's own terms are its
    very objects, so the compiled checks' lookups of properties and classes match by identity."""
    known = known_terms()
    seen: dict[Any, Node] = {}  # a catalogue repeats its predicates, types and shared nodes: convert each once

    def term(value: Any) -> Node:
        found = seen.get(value)
        if found is None:
            found = (isinstance(value, ox.NamedNode) and known.get(value.value)) or to_rdflib(value)
            seen[value] = found
        return found

    for t in ox.parse(data, _OXIGRAPH[fmt]):
        yield term(t.subject), term(t.predicate), term(t.object)


def _summary(exc: object) -> str:
    """The parser's complaint on one line, cut to a readable length (never inside a personal identity
    code, which is masked), with control characters escaped."""
    text = " ".join(str(exc).split())
    return shown_path(hetu.shorten(text, 241)) or type(exc).__name__


# -- comparing -------------------------------------------------------------------------------------
