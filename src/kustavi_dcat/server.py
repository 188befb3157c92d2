"""``kustavi-dcat serve``: the published catalogue over HTTP, the way harvesters and linked-data clients ask.

The standard library's ``ThreadingHTTPServer`` is enough: every answer is computed from one graph loaded
at start, so there is no template engine, router or file serving to take from a framework, and no
dependency to keep patched. What it does, and why:

- ``/catalog.ttl``, ``.jsonld``, ``.rdf``, ``.nt``: the published files' bytes, with their media types.
- ``/catalog``: the catalogue in the format the ``Accept`` header prefers (Turtle when there is none,
  as ckanext-dcat's harvester sends none), ``406`` when none is possible; Hydra paging beyond
  ``page_size`` datasets (``?page=N``, a ``hydra:PartialCollectionView`` with ``hydra:next``).
- the path of every IRI under the catalogue's base IRI answers with that resource's description
  (linked-data dereferencing); see ``resolve`` for the rule and ``describe`` for what a description is.
- strong ``ETag`` (SHA-256 of the bytes), ``Last-Modified`` (file time), ``304`` on conditional GET,
  gzip when ``Accept-Encoding`` allows, ``Vary`` on what the answer depends on.
- GET, HEAD and OPTIONS only; request paths that try to climb out (``..``, backslashes, NUL, in plain,
  percent- or double-encoded form) get ``400``. No request ever reads a file: the four files are read
  once, at start, from ``--dir`` and nowhere else.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import math
import re
import signal
import socket
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from urllib.parse import parse_qs, unquote, urlsplit

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kustavi_dcat import __version__
from kustavi_dcat.errors import KustaviError, OutputError
from kustavi_dcat.namespaces import DCAT, DCT, FOAF, HYDRA, PREFIXES, RDF, RDFS, SKOS, VCARD
from kustavi_dcat.serialise import context as jsonld_context
from kustavi_dcat.serialise import to_ntriples, to_rdfxml

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PAGE_SIZE",
    "DEFAULT_PORT",
    "FILES",
    "CatalogueServer",
    "Site",
    "build_server",
    "choose_format",
    "load_site",
    "safe_path",
    "serve_until_stopped",
]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_PAGE_SIZE = 100
ALLOW = "GET, HEAD, OPTIONS"

Triple = tuple[Node, Node, Node]


# -- media types ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Format:
    """A representation the server can send: its media type and the ``Content-Type`` it is sent with."""

    media_type: str
    content_type: str


TURTLE = Format("text/turtle", "text/turtle; charset=utf-8")
JSONLD = Format("application/ld+json", "application/ld+json")  # JSON is UTF-8 by definition: no charset
RDFXML = Format("application/rdf+xml", "application/rdf+xml; charset=utf-8")
NTRIPLES = Format("application/n-triples", "application/n-triples")  # always UTF-8; the type has no charset
HTML = Format("text/html", "text/html; charset=utf-8")
RDF_FORMATS = (TURTLE, JSONLD, RDFXML, NTRIPLES)
NEGOTIABLE = (*RDF_FORMATS, HTML)
"""In order of preference when the client ranks several equally (Turtle first, HTML last)."""

FILES: Mapping[str, Format] = {
    "catalog.ttl": TURTLE,
    "catalog.jsonld": JSONLD,
    "catalog.rdf": RDFXML,
    "catalog.nt": NTRIPLES,
}
"""The published files served as they are, by name."""

GRAPH_FILE = "catalog.nt"
"""The file the graph is loaded from: N-Triples is the simplest and fastest of the four to parse."""

_Q = re.compile(r"(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)\Z")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")


def _q_value(params: Sequence[str]) -> float | None:
    """The ``q`` of a header element (1 when absent), or None when it is malformed."""
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            value = value.strip()
            return float(value) if _Q.match(value) else None
    return 1.0


def _media_ranges(header: str) -> list[tuple[str, str, float]]:
    """``(type, subtype, q)`` for every well-formed media range of an ``Accept`` header."""
    ranges = []
    for element in header.split(","):
        fields = element.split(";")
        kind, slash, sub = fields[0].strip().lower().partition("/")
        q = _q_value(fields[1:])
        if not slash or q is None or not _TOKEN.match(kind) or not _TOKEN.match(sub):
            continue
        if kind == "*" and sub != "*":
            continue
        ranges.append((kind, sub, q))
    return ranges


def _quality(media_type: str, ranges: Iterable[tuple[str, str, float]]) -> float:
    """The q the client gives ``media_type``: from its most specific matching range (RFC 9110, 12.5.1)."""
    kind, _, sub = media_type.partition("/")
    best: tuple[int, float] = (-1, 0.0)
    for r_kind, r_sub, q in ranges:
        if (r_kind, r_sub) == (kind, sub):
            specificity = 2
        elif r_kind == kind and r_sub == "*":
            specificity = 1
        elif r_kind == "*":
            specificity = 0
        else:
            continue
        if specificity > best[0] or (specificity == best[0] and q > best[1]):
            best = (specificity, q)
    return best[1]


def choose_format(accept: str | None, offers: Sequence[Format]) -> Format | None:
    """The offer the client prefers; the first offer without an ``Accept`` header; None for ``406``."""
    if accept is None or not accept.strip():
        return offers[0]
    ranges = _media_ranges(accept)
    scored = [(_quality(offer.media_type, ranges), -i, offer) for i, offer in enumerate(offers)]
    q, _, offer = max(scored, key=lambda s: (s[0], s[1]))
    return offer if q > 0 else None


def accepts_gzip(header: str | None) -> bool:
    """Whether ``Accept-Encoding`` allows gzip: named with q > 0, or not named and ``*`` with q > 0."""
    if header is None:
        return False
    named: dict[str, float] = {}
    for element in header.split(","):
        fields = element.split(";")
        coding = fields[0].strip().lower()
        q = _q_value(fields[1:])
        if coding and q is not None:
            named["gzip" if coding == "x-gzip" else coding] = q
    if "gzip" in named:
        return named["gzip"] > 0
    return named.get("*", 0.0) > 0


# -- bodies ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Body:
    """One representation's bytes, computed once: identity and gzip forms with their strong ETags."""

    content_type: str
    data: bytes
    gzipped: bytes
    etag: str
    gzip_etag: str
    last_modified: int

    @classmethod
    def of(cls, data: bytes, fmt: Format, mtime: float) -> Body:
        digest = hashlib.sha256(data).hexdigest()
        return cls(fmt.content_type, data, gzip.compress(data, compresslevel=6, mtime=0), f'"{digest}"',
                   f'"{digest}-gzip"', int(mtime))


# -- request paths -----------------------------------------------------------------------------------


def _unsafe(path: str) -> bool:
    """Backslashes, control characters (NUL included) or a ``.``/``..`` segment: never a resource's path."""
    if "\\" in path or any(ord(c) < 0x20 or ord(c) == 0x7F for c in path):
        return True
    return any(segment in (".", "..") for segment in path.split("/"))


def safe_path(raw: str) -> str | None:
    """The percent-decoded request path, or None when any decoding of it (up to three deep) is unsafe.

    Decoding is repeated so that double-encoded dots and slashes (``%252e%252e``) are refused as well as
    plain and single-encoded ones; bytes that are not UTF-8 (overlong ``%c0%ae``) are refused too.
    """
    if not raw.startswith("/"):
        return None
    current, first = raw, None
    for _ in range(4):
        if _unsafe(current):
            return None
        try:
            decoded = unquote(current, errors="strict")
        except UnicodeDecodeError:
            return None
        first = decoded if first is None else first
        if decoded == current:
            return first
        current = decoded
    return None


def _split_target(target: str) -> tuple[str, str] | None:
    """Path and query of a request target (origin-form or absolute-form); None for anything else."""
    if target.startswith(("http://", "https://")):
        parts = urlsplit(target)
        return (parts.path or "/"), parts.query
    if not target.startswith("/"):
        return None
    path, _, query = target.partition("?")
    return path, query.partition("#")[0]


# -- descriptions and pages --------------------------------------------------------------------------

LABELS = (DCT.title, SKOS.prefLabel, VCARD.fn, FOAF.name, RDFS.label)
"""Predicates whose values name a node; a description carries them for the resources it links to."""


def _closure(graph: Graph, start: Node, stops: frozenset[Node]) -> set[Triple]:
    """``start``'s triples and, recursively, those of every node it reaches that is not in ``stops``."""
    seen, todo, out = {start}, [start], set()
    while todo:
        node = todo.pop()
        for p, o in graph.predicate_objects(node):
            out.add((node, p, o))
            if isinstance(o, URIRef | BNode) and o not in seen and o not in stops:
                seen.add(o)
                todo.append(o)
    return out


def _labels(graph: Graph, node: Node) -> set[Triple]:
    return {(node, p, o) for p in LABELS for o in graph.objects(node, p)}


def describe(graph: Graph, node: URIRef, stops: frozenset[Node]) -> set[Triple]:
    """What a resource's IRI answers with.

    Its own triples; the whole description of every node it reaches through nodes that are not
    catalogues, datasets or data services (its contact point, publisher, systems, concepts), so a client
    needs no second request to show them; and, for every catalogue, dataset or service it links to or
    is linked from, the linking triple and that resource's titles, but not its type: a harvester given
    one dataset's IRI would otherwise take each typed neighbour for a dataset of its own.
    """
    out = _closure(graph, node, stops)
    for _, _, o in list(out):
        if o in stops and o != node:
            out |= _labels(graph, o)
    for s, p in graph.subject_predicates(node):
        if isinstance(s, URIRef) and s != node:
            out.add((s, p, node))
            out |= _labels(graph, s)
    return out


@dataclass(frozen=True)
class Paging:
    """The catalogue cut into pages of datasets, so that the pages together are exactly the graph.

    Every page carries the ``common`` triples: the catalogues, the data service and everything they
    reach that is not a dataset. A dataset comes on one page only, with the triples in ``own``: its
    whole description (as ``_closure``) and the catalogue and service triples that point at it.
    """

    items: tuple[URIRef, ...]
    common: frozenset[Triple]
    own: Mapping[URIRef, frozenset[Triple]]
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(len(self.items) / self.page_size))

    def items_on(self, page: int) -> tuple[URIRef, ...]:
        start = (page - 1) * self.page_size
        return self.items[start:start + self.page_size]

    def triples_on(self, page: int) -> set[Triple]:
        out = set(self.common)
        for item in self.items_on(page):
            out |= self.own[item]
        return out


def _roots(graph: Graph) -> list[URIRef]:
    kinds = (DCAT.Catalog, DCAT.DataService)
    return sorted({s for k in kinds for s in graph.subjects(RDF.type, k) if isinstance(s, URIRef)})


def paginate(graph: Graph, page_size: int) -> Paging:
    """Cut ``graph`` into pages of ``page_size`` datasets, in IRI order."""
    items = tuple(sorted({s for s in graph.subjects(RDF.type, DCAT.Dataset) if isinstance(s, URIRef)}))
    roots = _roots(graph)
    stops = frozenset([*items, *roots])
    own = {item: _closure(graph, item, stops) for item in items}
    frame: set[Triple] = set()
    for root in roots:
        frame |= _closure(graph, root, stops)
    reached = {t[0] for triples in (frame, *own.values()) for t in triples}
    for orphan in sorted(set(graph.subjects()) - reached, key=str):
        frame |= _closure(graph, orphan, stops)
    common = set()
    for triple in frame:
        if triple[2] in own:
            own[triple[2]].add(triple)  # type: ignore[index]
        else:
            common.add(triple)
    return Paging(items, frozenset(common), {k: frozenset(v) for k, v in own.items()}, page_size)


def hydra_view(paging: Paging, page: int, link_root: str) -> set[Triple]:
    """The ``hydra:PartialCollectionView`` of one page; its links are ``<link_root>?page=N``."""
    def at(n: int) -> URIRef:
        return URIRef(f"{link_root}?page={n}")

    view = at(page)
    out: set[Triple] = {
        (view, RDF.type, HYDRA.PartialCollectionView),
        (view, HYDRA.first, at(1)),
        (view, HYDRA.last, at(paging.pages)),
        (view, HYDRA.totalItems, Literal(len(paging.items))),
        (view, HYDRA.itemsPerPage, Literal(paging.page_size)),
    }
    if page < paging.pages:
        out.add((view, HYDRA.next, at(page + 1)))
    if page > 1:
        out.add((view, HYDRA.previous, at(page - 1)))
    return out


# -- serialisation -----------------------------------------------------------------------------------


def _graph_of(triples: Iterable[Triple]) -> Graph:
    """A graph with the project's prefixes (and hydra), filled in sorted order so bytes are stable."""
    graph = Graph(bind_namespaces="none")
    for prefix, ns in (*PREFIXES, ("hydra", str(HYDRA._NS))):
        graph.bind(prefix, ns, override=True, replace=True)
    for triple in sorted(triples, key=lambda t: tuple((type(x).__name__, str(x)) for x in t)):
        graph.add(triple)
    return graph


def serialise(triples: Iterable[Triple], fmt: Format) -> bytes:
    """Bytes of ``triples`` in an RDF format: Turtle, flat JSON-LD with the inline context, RDF/XML, N-Triples.

    RDF/XML and N-Triples use the publishing writers (sorted, stable); Turtle and JSON-LD are rdflib's,
    compacted with the same inline context (a response is a fragment or a page with its Hydra view).
    """
    graph = _graph_of(triples)
    if fmt == TURTLE:
        return graph.serialize(format="longturtle", encoding="utf-8")
    if fmt == JSONLD:
        ctx = jsonld_context()["@context"]
        return graph.serialize(format="json-ld", context=ctx, auto_compact=True, encoding="utf-8")
    if fmt == RDFXML:
        return to_rdfxml(graph)
    if fmt == NTRIPLES:
        return to_ntriples(graph)
    raise ValueError(f"not an RDF format: {fmt.media_type}")


# -- HTML --------------------------------------------------------------------------------------------

_STYLE = ("body{font-family:sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;line-height:1.4}"
          "table{border-collapse:collapse}td,th{border-bottom:1px solid #ccc;padding:.3rem;text-align:left;"
          "vertical-align:top}code,small{color:#555}")
CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _document(title: str, body: str) -> bytes:
    return (f'<!DOCTYPE html>\n<html lang="fi"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>\n{body}\n"
            f'<hr><p><small>kustavi-dcat {_e(__version__)}: <a href="/">index</a></small></p>'
            f"</body></html>\n").encode()


@dataclass(frozen=True)
class Html:
    """Renders nodes of one graph for people: labels in Finnish first, every string escaped."""

    graph: Graph
    base: str

    def label(self, node: Node) -> Literal | None:
        found = [o for p in LABELS for o in self.graph.objects(node, p) if isinstance(o, Literal)]
        for lang in ("fi", "sv", "en", None):
            for literal in found:
                if literal.language == lang:
                    return literal
        return found[0] if found else None

    def literal(self, literal: Literal) -> str:
        if literal.language:
            return (f'<span lang="{_e(literal.language)}">{_e(literal)}</span> '
                    f"<small>@{_e(literal.language)}</small>")
        if literal.datatype is not None:
            return f"{_e(literal)} <small>^^{_e(self.compact(literal.datatype))}</small>"
        return _e(literal)

    def compact(self, iri: Node) -> str:
        try:
            prefix, _, local = self.graph.namespace_manager.compute_qname(str(iri), generate=False)
        except (KeyError, ValueError):
            return str(iri)
        return f"{prefix}:{local}"

    def href(self, iri: str) -> str | None:
        """Where a link to ``iri`` goes: its path on this server when under the base, else itself."""
        if iri.startswith(self.base):
            return urlsplit(iri).path
        return iri if urlsplit(iri).scheme in ("http", "https", "mailto") else None

    def link(self, node: Node) -> str:
        if isinstance(node, Literal):
            return self.literal(node)
        label = self.label(node)
        href = self.href(str(node))
        text = self.literal(label) if label is not None else f"<code>{_e(node)}</code>"
        if href is None:
            return text
        return f'<a href="{_e(href)}">{text}</a>' + (f" <small>{_e(node)}</small>" if label is not None else "")

    def resource(self, node: URIRef, triples: set[Triple]) -> bytes:
        """A resource's page: its properties, and who links to it."""
        label = self.label(node)
        rows = sorted(((self.compact(p), self.link(o)) for s, p, o in triples if s == node))
        inbound = sorted({(self.link(s), self.compact(p)) for s, p, o in triples if o == node and s != node})
        body = [f"<h1>{self.literal(label) if label is not None else _e(node)}</h1>",
                f"<p><code>{_e(node)}</code></p>", "<table><tr><th>property</th><th>value</th></tr>"]
        body += [f"<tr><td><code>{_e(p)}</code></td><td>{v}</td></tr>" for p, v in rows]
        body.append("</table>")
        if inbound:
            body.append("<h2>Linked from</h2><ul>")
            body += [f"<li>{s} <small>{_e(p)}</small></li>" for s, p in inbound]
            body.append("</ul>")
        body.append("<p><small>The same description in RDF: ask with <code>Accept: text/turtle</code>, "
                    "<code>application/ld+json</code>, <code>application/rdf+xml</code> or "
                    "<code>application/n-triples</code>.</small></p>")
        return _document(str(label) if label is not None else str(node), "\n".join(body))

    def listing(self, title: str, intro: str, datasets: Sequence[URIRef], nav: str) -> bytes:
        """The catalogue for people: its datasets (one page of them) and the published files."""
        items = "".join(f"<li>{self.link(d)}</li>" for d in datasets)
        files = "".join(f'<li><a href="/{_e(n)}">{_e(n)}</a> <small>{_e(f.media_type)}</small></li>'
                        for n, f in FILES.items())
        body = (f"<h1>{_e(title)}</h1>{intro}{nav}<h2>Datasets</h2><ul>{items}</ul>{nav}"
                f"<h2>Published files</h2><ul>{files}</ul>")
        return _document(title, body)


def _pager(page: int, pages: int) -> str:
    if pages == 1:
        return ""
    links = [f'<a href="?page={page - 1}">previous</a>'] if page > 1 else []
    links.append(f"page {page} of {pages}")
    links += [f'<a href="?page={page + 1}">next</a>'] if page < pages else []
    return f"<p>{' · '.join(links)}</p>"


# -- the site ----------------------------------------------------------------------------------------


class _Lru:
    """A small thread-safe cache of computed bodies; bounded, because its keys include the client's Host."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._data: OrderedDict[tuple[object, ...], Body] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...], make: Callable[[], Body]) -> Body:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        value = make()  # deterministic: two threads computing the same key get equal bodies
        with self._lock:
            self._data[key] = value
            while len(self._data) > self._size:
                self._data.popitem(last=False)
        return value


@dataclass(frozen=True)
class Route:
    kind: str  # "index", "file", "catalog" or "resource"
    key: str = ""


class Site:
    """Everything the server answers, from the graph and files read at start; requests only look things up.

    Descriptions and pages are serialised on first request and kept (pages in a bounded cache, as their
    Hydra links depend on the Host asked); the RDF writers are loaded here, so no request imports one.
    """

    def __init__(self, files: Mapping[str, Body], graph: Graph, graph_mtime: float, page_size: int) -> None:
        self.files = dict(files)
        self.graph = graph
        self.mtime = graph_mtime
        self.top = _top_catalogue(graph)
        self.base = _base_of(self.top)
        self.base_path = unquote(urlsplit(self.base).path)
        self.paging = paginate(graph, page_size)
        self.html = Html(graph, self.base)
        self._stops = frozenset([*self.paging.items, *_roots(graph)])
        self.routes: dict[str, Route] = {"/": Route("index"), "/index.html": Route("index"),
                                         "/catalog": Route("catalog")}
        self.routes.update((f"/{name}", Route("file", name)) for name in FILES)
        self.resources: dict[str, URIRef] = {}
        for node in sorted({s for s in graph.subjects() if isinstance(s, URIRef)}):
            rel = self._relative(str(node))
            if rel is not None and rel not in self.routes:
                self.routes[rel] = Route("resource", rel)
                self.resources[rel] = node
        for endpoint in graph.objects(None, DCAT.endpointURL):
            rel = self._relative(str(endpoint))
            if rel is not None and rel not in self.routes:
                self.routes[rel] = Route("catalog")
        self._cache = _Lru(len(NEGOTIABLE) * len(self.resources) + 256)
        self.index = Body.of(self._index_html(), HTML, self.mtime)
        self.whole = {fmt: self.files[name] for name, fmt in FILES.items()}
        self.whole[HTML] = self._listing_body(1)
        for fmt in RDF_FORMATS:
            serialise([(self.top, RDF.type, DCAT.Catalog)], fmt)

    def _relative(self, iri: str) -> str | None:
        """``/<rest>`` for an IRI ``<base><rest>`` that a path can address; None for any other IRI."""
        if not iri.startswith(self.base) or iri == self.base or "?" in iri or "#" in iri:
            return None
        rel = "/" + unquote(iri[len(self.base):])
        return rel if safe_path(rel) == rel else None

    def resource(self, rel: str, fmt: Format) -> Body:
        """The description of the resource at ``rel`` (see ``describe``) in ``fmt``."""
        return self._cache.get(("resource", rel, fmt.media_type), lambda: self._resource_body(rel, fmt))

    def _resource_body(self, rel: str, fmt: Format) -> Body:
        node = self.resources[rel]
        triples = describe(self.graph, node, self._stops)
        data = self.html.resource(node, triples) if fmt == HTML else serialise(triples, fmt)
        return Body.of(data, fmt, self.mtime)

    def resolve(self, path: str) -> tuple[Route | None, bool]:
        """The route of a decoded request path, and whether it was asked under the base IRI's path.

        The rule: a path under the base IRI's path (``/tietovarannot/``) is looked up with that prefix
        taken off, any other path as it is. So ``<base>dataset/x`` answers both at its own path
        ``/tietovarannot/dataset/x`` and at ``/dataset/x``, for a copy hosted at a site's root.
        """
        prefix = self.base_path.rstrip("/")
        if prefix and (path == prefix or path.startswith(prefix + "/")):
            return self.routes.get("/" + path[len(prefix) + 1:]), True
        return self.routes.get(path), False

    def catalogue(self, page: int | None, fmt: Format, link_root: str) -> Body:
        """``/catalog``: the published file when one page holds every dataset, else a Hydra page."""
        if page is None and self.paging.pages == 1:
            return self.whole[fmt]
        number = page or 1
        if fmt == HTML:
            return self._cache.get(("html", number), lambda: self._listing_body(number))
        return self._cache.get((fmt.media_type, number, link_root), lambda: self._page_body(number, fmt, link_root))

    def _page_body(self, page: int, fmt: Format, link_root: str) -> Body:
        triples = self.paging.triples_on(page) | hydra_view(self.paging, page, link_root)
        return Body.of(serialise(triples, fmt), fmt, self.mtime)

    def _listing_body(self, page: int) -> Body:
        label = self.html.label(self.top)
        title = str(label) if label is not None else str(self.top)
        intro = f"<p>{self.html.link(self.top)}</p>"
        nav = _pager(page, self.paging.pages)
        return Body.of(self.html.listing(title, intro, self.paging.items_on(page), nav), HTML, self.mtime)

    def _index_html(self) -> bytes:
        label = self.html.label(self.top)
        title = str(label) if label is not None else str(self.top)
        groups: dict[str, list[str]] = {}
        for rel in self.resources:
            groups.setdefault(rel.split("/")[1], []).append(rel)
        parts = [f"<h1>{_e(title)}</h1>",
                 '<p>The whole catalogue: <a href="/catalog">/catalog</a> (Turtle, JSON-LD, RDF/XML, '
                 "N-Triples or HTML by <code>Accept</code>; <code>?page=N</code> for Hydra pages).</p>",
                 "<h2>Published files</h2><ul>"]
        parts += [f'<li><a href="/{_e(n)}">{_e(n)}</a> <small>{_e(f.content_type)}</small></li>'
                  for n, f in FILES.items()]
        parts.append("</ul>")
        for kind in sorted(groups):
            parts.append(f"<h2>{_e(kind)}</h2><ul>")
            parts += [f"<li>{self.html.link(URIRef(self.base + rel[1:]))}</li>" for rel in groups[kind]]
            parts.append("</ul>")
        return _document(title, "\n".join(parts))


def _top_catalogue(graph: Graph) -> URIRef:
    catalogs = sorted({s for s in graph.subjects(RDF.type, DCAT.Catalog) if isinstance(s, URIRef)})
    if not catalogs:
        raise OutputError("the catalogue files hold no dcat:Catalog; publish the catalogue first")
    subs = set(graph.objects(None, DCAT.catalog))
    return next((c for c in catalogs if c not in subs), catalogs[0])


def _base_of(catalog: URIRef) -> str:
    """The base IRI: the top catalogue's IRI is ``<base>catalog/<id>`` (see ``iris.py``)."""
    text = str(catalog)
    return text[: text.rfind("/", 0, text.rfind("/")) + 1]


def load_site(out_dir: Path, page_size: int = DEFAULT_PAGE_SIZE) -> Site:
    """Read the four files of ``out_dir`` (and nothing else) and compute every answer from them."""
    if page_size < 1:
        raise KustaviError(f"--page-size must be at least 1, not {page_size}")
    root = out_dir.resolve()
    missing = [name for name in FILES if not (out_dir / name).is_file()]
    if missing:
        raise OutputError(f"{out_dir}: missing {', '.join(missing)}; run `kustavi-dcat publish` first")
    bodies: dict[str, Body] = {}
    mtimes: dict[str, float] = {}
    for name, fmt in FILES.items():
        path = out_dir / name
        if not path.resolve().is_relative_to(root):
            raise OutputError(f"{path}: points outside {out_dir}; refusing to serve it")
        try:
            data = path.read_bytes()
            mtimes[name] = path.stat().st_mtime
        except OSError as exc:
            raise OutputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
        bodies[name] = Body.of(data, fmt, mtimes[name])
    graph = _graph_of(())
    try:
        graph.parse(data=bodies[GRAPH_FILE].data.decode("utf-8"), format="nt")
    except Exception as exc:  # rdflib raises several unrelated types for bad input
        raise OutputError(f"{out_dir / GRAPH_FILE}: not N-Triples ({exc})") from exc
    return Site(bodies, graph, mtimes[GRAPH_FILE], page_size)


# -- HTTP --------------------------------------------------------------------------------------------

_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?\Z")
_PAGE = re.compile(r"[1-9][0-9]{0,8}\Z")
_LOG_LOCK = threading.Lock()


def _printable(text: str) -> str:
    """Log text with control characters escaped, so a request cannot forge or hide log lines."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


class CatalogueHandler(BaseHTTPRequestHandler):
    """Answers one connection's requests from the server's ``Site``; never touches the file system."""

    server: CatalogueServer
    protocol_version = "HTTP/1.1"
    server_version = f"kustavi-dcat/{__version__}"
    timeout = 30  # an idle keep-alive connection gives its thread back after this many seconds

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_OPTIONS(self) -> None:
        self._discard_body()
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Allow", ALLOW)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", ALLOW)
        self.send_header("Access-Control-Allow-Headers", "Accept, Accept-Encoding, If-None-Match, If-Modified-Since")
        self.end_headers()

    def __getattr__(self, name: str) -> Callable[[], None]:
        """Every other method (``do_POST``, ``do_PUT``, ``do_FOO``...) is answered ``405`` with ``Allow``."""
        if name.startswith("do_"):
            return self._not_allowed
        raise AttributeError(name)

    def _not_allowed(self) -> None:
        self._discard_body()
        self._plain(HTTPStatus.METHOD_NOT_ALLOWED, f"Only {ALLOW} are allowed.\n", head=False,
                    headers={"Allow": ALLOW})

    def _discard_body(self) -> None:
        """A request body is never read: close the connection after answering so it is not taken for a request."""
        if self.headers.get("Content-Length", "0").strip() not in ("", "0") or "Transfer-Encoding" in self.headers:
            self.close_connection = True

    def _answer(self, head: bool) -> None:
        self._discard_body()
        target = _split_target(self.path)
        path = safe_path(target[0]) if target is not None else None
        if target is None or path is None:
            self._plain(HTTPStatus.BAD_REQUEST, "Refused: not a path this server answers.\n", head)
            return
        site = self.server.site
        route, under_base = site.resolve(path)
        if route is None:
            self._plain(HTTPStatus.NOT_FOUND, "Not found.\n", head)
        elif route.kind == "file":
            self._send(site.files[route.key], head, ("Accept-Encoding",))
        elif route.kind == "index":
            self._send(site.index, head, ("Accept-Encoding",))
        else:
            self._negotiated(site, route, target[1], under_base, head)

    def _negotiated(self, site: Site, route: Route, query: str, under_base: bool, head: bool) -> None:
        vary = ("Accept", "Accept-Encoding")
        accept = self.headers.get_all("Accept")
        fmt = choose_format(", ".join(accept) if accept else None, NEGOTIABLE)
        if fmt is None:
            offered = ", ".join(f.media_type for f in NEGOTIABLE)
            self._plain(HTTPStatus.NOT_ACCEPTABLE, f"Available: {offered}\n", head, {"Vary": "Accept"})
            return
        if route.kind == "resource":
            self._send(site.resource(route.key, fmt), head, vary)
            return
        page = self._page(query, site.paging.pages, head)
        if page is not False:
            self._send(site.catalogue(page, fmt, self._link_root(site, under_base)), head, vary)

    def _page(self, query: str, pages: int, head: bool) -> int | bool | None:
        """The ``page`` asked for (None when none is); False once an error has been sent."""
        values = parse_qs(query, keep_blank_values=True).get("page")
        if values is None:
            return None
        if len(values) != 1 or not _PAGE.match(values[0]):
            self._plain(HTTPStatus.BAD_REQUEST, "page must be one whole number from 1 up.\n", head)
            return False
        if int(values[0]) > pages:
            self._plain(HTTPStatus.NOT_FOUND, f"There are {pages} pages.\n", head)
            return False
        return int(values[0])

    def _link_root(self, site: Site, under_base: bool) -> str:
        """Absolute URL of ``/catalog`` for Hydra links: ``--public-url``, else from the ``Host`` asked."""
        if self.server.public_url:
            return self.server.public_url.rstrip("/") + "/catalog"
        host = self.headers.get("Host", "")
        authority = host if _HOST.match(host) else self.server.authority
        prefix = site.base_path.rstrip("/") if under_base else ""
        return f"http://{authority}{prefix}/catalog"

    def _send(self, body: Body, head: bool, vary: Sequence[str]) -> None:
        zipped = accepts_gzip(self.headers.get("Accept-Encoding"))
        etag = body.gzip_etag if zipped else body.etag
        if self._not_modified(body):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self._common_headers(etag, body, vary)
            self.end_headers()
            return
        data = body.gzipped if zipped else body.data
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", body.content_type)
        self.send_header("Content-Length", str(len(data)))
        if zipped:
            self.send_header("Content-Encoding", "gzip")
        if body.content_type.startswith("text/html"):
            self.send_header("Content-Security-Policy", CSP)
        self._common_headers(etag, body, vary)
        self.end_headers()
        if not head:
            self._write(data)

    def _common_headers(self, etag: str, body: Body, vary: Sequence[str]) -> None:
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", formatdate(body.last_modified, usegmt=True))
        self.send_header("Vary", ", ".join(vary))
        self.send_header("Cache-Control", "public, no-cache")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("X-Content-Type-Options", "nosniff")

    def _not_modified(self, body: Body) -> bool:
        """RFC 9110, 13.1: ``If-None-Match`` (weak comparison) decides; ``If-Modified-Since`` only without it."""
        none_match = self.headers.get_all("If-None-Match")
        if none_match:
            tags = {t.strip().removeprefix("W/") for t in ",".join(none_match).split(",")}
            return "*" in tags or body.etag in tags or body.gzip_etag in tags
        since = self.headers.get("If-Modified-Since")
        if since is None:
            return False
        try:
            when = parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
        return body.last_modified <= when

    def _plain(self, status: HTTPStatus, text: str, head: bool, headers: Mapping[str, str] | None = None) -> None:
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not head:
            self._write(data)

    def _write(self, data: bytes) -> None:
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        if self.server.quiet:
            return
        line = f"{self.address_string()} - - [{self.log_date_time_string()}] {_printable(format % args)}\n"
        with _LOG_LOCK:
            sys.stderr.write(line)
            sys.stderr.flush()


class CatalogueServer(ThreadingHTTPServer):
    """A thread per connection; threads are daemons so stopping never waits for an idle keep-alive client."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], site: Site, quiet: bool, public_url: str | None) -> None:
        self.site = site
        self.quiet = quiet
        self.public_url = public_url
        super().__init__(address, CatalogueHandler)

    @property
    def authority(self) -> str:
        host, port = self.server_address[:2]
        host = str(host)
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

    @property
    def url(self) -> str:
        return f"http://{self.authority}/"


class _CatalogueServer6(CatalogueServer):
    address_family = socket.AF_INET6


def build_server(out_dir: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                 page_size: int = DEFAULT_PAGE_SIZE, quiet: bool = False,
                 public_url: str | None = None) -> CatalogueServer:
    """Load ``out_dir`` and bind ``host:port`` (port 0: any free port); call ``serve_forever`` to run it."""
    if public_url is not None:
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise KustaviError(f"--public-url must be an http(s) URL without query or fragment, not {public_url!r}")
    site = load_site(out_dir, page_size)
    cls = _CatalogueServer6 if ":" in host else CatalogueServer
    try:
        return cls((host, port), site, quiet, public_url)
    except OSError as exc:
        raise KustaviError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from exc


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def serve_until_stopped(server: CatalogueServer) -> None:
    """Serve until Ctrl-C (or SIGTERM), then close the listening socket and return."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
