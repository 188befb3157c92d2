"""The WSGI application: the published catalogue the way harvesters, linked-data clients and browsers ask.

- ``/catalog.ttl``, ``.jsonld``, ``.rdf``, ``.nt``: the published files' bytes, with their media types.
- ``/catalog``: the catalogue in the format ``Accept`` prefers (Turtle without one, as ckanext-dcat's
  harvester sends none), ``406`` when none is possible; Hydra pages beyond ``page_size`` datasets.
- the path of every IRI under the base IRI: that resource's description (``catalogue.describe``); a
  browser is sent (``303``) to the resource's section of the published page in its language.
- ``/sparql``: the SPARQL 1.1 Protocol, read-only, with the server's time and size limits.
- ``/``, ``/index.html``, ``/index.sv.html``, ``/index.en.html``, and a large catalogue's
  ``section-<id>.html`` pages (``.sv.html``, ``.en.html``): the published pages. While none is published,
  HTML is not offered: ``/`` is a ``404`` naming the files, and a resource is negotiated among the RDF
  formats only.
- strong ``ETag``, ``Last-Modified``, ``304``, gzip, ``Vary``; CORS on every answer, errors included.
- request paths that try to climb out (``..``, backslashes, NUL, plain or encoded) get ``400``.

Every absolute link is made from ``--public-url`` or the catalogue's base IRI, never from ``Host``.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from werkzeug.exceptions import HTTPException
from werkzeug.http import http_date
from werkzeug.wrappers import Request, Response

from kustavi_dcat.errors import OutputError
from kustavi_dcat.page import SECTION_FILE, in_language
from kustavi_dcat.web.catalogue import Catalogue, serialise
from kustavi_dcat.web.files import GZIP_LIMIT, PAGES, VOCABULARY, Body, HeldFile, Published
from kustavi_dcat.web.negotiation import (
    FILES,
    HTML,
    NEGOTIABLE,
    RDF_FORMATS,
    TURTLE,
    Format,
    accepts_gzip,
    choose_format,
    safe_path,
)
from kustavi_dcat.web.settings import Settings
from kustavi_dcat.web.sparql import Answer, QueryRunner
from kustavi_dcat.web.store import OpenStore, default_store_root, open_store

__all__ = ["ALLOW", "CatalogueApp", "create_app", "prepare_store"]

log = logging.getLogger("kustavi_dcat.web")

ALLOW = "GET, HEAD, OPTIONS"
ALLOW_SPARQL = "GET, HEAD, POST, OPTIONS"
CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "ETag, Link"}
_QUERY_TYPES = ("application/sparql-query", "application/x-www-form-urlencoded")


class _Lru:
    """A small thread-safe cache of computed bodies, bounded so memory stays flat at national scale."""

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


def _split_target(target: str) -> tuple[str, str] | None:
    """Path and query of a request target (origin-form or absolute-form); None for anything else."""
    if target.startswith(("http://", "https://")):
        parts = urlsplit(target)
        return (parts.path or "/"), parts.query
    if not target.startswith("/"):
        return None
    path, _, query = target.partition("?")
    return path, query.partition("#")[0]


def _raw_target(environ: dict[str, Any]) -> str:
    """The request target as the client sent it (waitress: REQUEST_URI, gunicorn: RAW_URI)."""
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if raw:
        return str(raw)
    path = quote(environ.get("PATH_INFO", "").encode("latin-1"), safe="/%")
    query = environ.get("QUERY_STRING", "")
    return str(environ.get("SCRIPT_NAME", "")) + path + (f"?{query}" if query else "")


class CatalogueApp:
    """The WSGI application over one published folder; see ``create_app``."""

    def __init__(self, published: Published, opened: OpenStore, settings: Settings) -> None:
        self.published = published
        self.opened = opened
        self.settings = settings
        self.catalogue = Catalogue(opened.store, settings.page_size)
        self.base = self.catalogue.base
        self.base_path = unquote(urlsplit(self.base).path)
        self.public_base = (settings.public_url.rstrip("/") + "/") if settings.public_url else self.base
        self.mtime = published.files["catalog.nt"].mtime
        self.endpoints = {rel for iri in self.catalogue.endpoints() if (rel := self._relative(iri))}
        self.runner = QueryRunner(opened.path, settings.sparql_workers, settings.query_timeout,
                                  settings.max_result_bytes)
        self._cache = _Lru(4096)
        self.offers = NEGOTIABLE if "fi" in published.pages else RDF_FORMATS
        """HTML only when a page is published (the page is the one renderer of HTML)."""
        for fmt in RDF_FORMATS:  # load rdflib's writers now, so no request imports (opens) one
            serialise([], fmt)
        # What every Hydra page shares takes seconds at national scale: computed now, not in a harvester's request.
        threading.Thread(target=self.catalogue.paging.frame, daemon=True, name="kustavi-dcat-paging").start()

    def close(self) -> None:
        self.runner.close()
        self.published.close()

    def _relative(self, iri: str) -> str | None:
        if not iri.startswith(self.base) or iri == self.base or "?" in iri or "#" in iri:
            return None
        rel = "/" + unquote(iri[len(self.base):])
        return rel if safe_path(rel) == rel else None

    # -- WSGI --------------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        request.max_content_length = self.settings.max_query_bytes
        request.max_form_memory_size = self.settings.max_query_bytes
        try:
            response = self.dispatch(request)
        except HTTPException as exc:
            response = _plain(exc.code or 500, f"{exc.name}: {exc.description}")
        except Exception:
            log.exception("error answering %s", _raw_target(environ))
            response = _plain(500, "Internal error; the server's log says more.")
        response.headers.update(CORS)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        target = _split_target(_raw_target(request.environ))
        path = safe_path(target[0]) if target is not None else None
        if target is None or path is None:
            return _plain(400, "Refused: not a path this server answers.")
        route = self._route(path)
        allow = ALLOW_SPARQL if route == "sparql" else ALLOW
        if request.method == "OPTIONS":
            return _options(allow)
        if request.method not in allow.split(", "):
            return _plain(405, f"Only {allow} are allowed.", {"Allow": allow})
        if route == "sparql":
            return self.sparql(request)
        return self.answer(request, route)

    def _route(self, path: str) -> str:
        prefix = self.base_path.rstrip("/")
        if prefix and (path == prefix or path.startswith(prefix + "/")):
            path = "/" + path[len(prefix) + 1:]
        name = path[1:]
        if name in FILES or name in VOCABULARY or name in ("sparql", "catalog", "s28"):
            return name
        if path in ("/", "/index.html") or name in PAGES.values() or SECTION_FILE.fullmatch(name):
            return f"page:{name or 'index.html'}"
        return "catalog" if path in self.endpoints else f"resource:{path}"

    def answer(self, request: Request, route: str) -> Response:
        if route in FILES:
            return _send_held(request, self.published.files[route])
        if route.startswith("page:"):
            return self._page(request, route[5:])
        if route.startswith("s28"):
            return self._vocabulary(request, route)
        fmt = choose_format(", ".join(request.headers.getlist("Accept")) or None, self.offers)
        if route == "catalog":
            return self._catalogue(request, fmt)
        node = self._node(route[len("resource:"):])
        if node is None:
            return _plain(404, "Not found.")
        if fmt is None:
            return _not_acceptable(self.offers)
        if fmt == HTML:
            return self._see_page(request, route[len("resource:/"):])
        body = self._cache.get(("resource", node.value, fmt.media_type),
                               lambda: Body.of(serialise(self.catalogue.description(node), fmt), fmt, self.mtime))
        return _send(request, body, ("Accept", "Accept-Encoding"))

    def _node(self, rel: str) -> Any:
        if rel in ("", "/") or rel.endswith("/"):
            return None
        iri = self.base + rel[1:]
        return self.catalogue.resource(iri) or self.catalogue.resource(self.base + quote(rel[1:], safe="/"))

    def _page(self, request: Request, name: str) -> Response:
        lang = next((code for code, page in PAGES.items() if page == name), None)
        held = self.published.pages.get(lang) if lang else self.published.sections.get(name)
        if held is not None:
            return _send_held(request, held)
        if not self.published.pages:
            files = "\n".join(self.public_base + n for n in (*FILES, "sparql"))
            return _plain(404, f"No description page is published here (run `kustavi-dcat publish`). "
                               f"The catalogue {self.catalogue.title!r} is served as:\n{files}")
        return _plain(404, "Not found.")

    def _vocabulary(self, request: Request, route: str) -> Response:
        """``s28.ttl``, ``s28.html``, and ``s28`` (the namespace) as either, by ``Accept``."""
        vary: tuple[str, ...] = ("Accept-Encoding",)
        if route == "s28":
            fmt = choose_format(", ".join(request.headers.getlist("Accept")) or None, (TURTLE, HTML))
            if fmt is None:
                return _not_acceptable()
            route, vary = ("s28.html" if fmt == HTML else "s28.ttl"), ("Accept", "Accept-Encoding")
        held = self.published.vocabulary.get(route)
        if held is None:
            return _plain(404, "Not found.")
        response = _send_held(request, held, vary)
        response.headers["Content-Location"] = self.public_base + route
        return response

    def _see_page(self, request: Request, fragment: str) -> Response:
        """``303`` to the published page that shows ``fragment`` (its section's page in a large catalogue,
        by ``page-anchors.json``, else the front page), in the language the client prefers, at ``#fragment``."""
        published = [code for code in PAGES if code in self.published.pages] or ["fi"]
        lang = request.accept_languages.best_match(published, default="fi")
        page = PAGES[lang]
        section = self.published.anchors.get(fragment)
        if section is not None:
            translated = in_language(section, lang)
            page = translated if translated in self.published.sections else section
        location = self.public_base + page + (f"#{quote(fragment, safe='/-._~')}" if fragment else "")
        response = _plain(303, f"See {location}", {"Location": location})
        response.headers["Vary"] = "Accept, Accept-Language, Accept-Encoding"
        return response

    def _catalogue(self, request: Request, fmt: Format | None) -> Response:
        if fmt is None:
            return _not_acceptable(self.offers)
        if fmt == HTML:
            return self._see_page(request, "")
        page = _page_number(request.args.getlist("page"), self.catalogue.paging.pages)
        if isinstance(page, Response):
            return page
        vary = ("Accept", "Accept-Encoding")
        if page is None and self.catalogue.paging.pages == 1:
            name = next(n for n, f in FILES.items() if f == fmt)
            response = _send_held(request, self.published.files[name])
            response.headers["Vary"] = ", ".join(vary)
            return response
        number = page or 1
        root = self.public_base + "catalog"
        body = self._cache.get(("page", number, fmt.media_type), lambda: Body.of(
            serialise(self.catalogue.page(number, root), fmt), fmt, self.mtime))
        response = _send(request, body, vary)
        response.headers["Link"] = _page_links(root, number, self.catalogue.paging.pages)
        return response

    # -- SPARQL ------------------------------------------------------------------------------------

    def sparql(self, request: Request) -> Response:
        found = _query_of(request, self.settings.max_query_bytes)
        if isinstance(found, Response):
            return found
        answer: Answer = self.runner.ask(found, ", ".join(request.headers.getlist("Accept")) or None)
        response = Response(answer.body, status=answer.status, content_type=answer.content_type)
        response.headers["Vary"] = "Accept"
        response.headers["Cache-Control"] = "no-store" if answer.status >= 400 else "public, max-age=60"
        if answer.status == 503:
            response.headers["Retry-After"] = "10"
        return response


def _query_of(request: Request, limit: int) -> str | Response:
    """The query text of a SPARQL Protocol request, or the answer refusing it."""
    if "update" in request.args or "using-graph-uri" in request.args:
        return _plain(403, "This endpoint is read-only: updates are refused.")
    if request.method == "POST":
        if (request.content_length or 0) > limit:
            return _plain(413, f"The query is larger than the limit of {limit} bytes.")
        if request.mimetype == "application/sparql-update" or "update" in request.form:
            return _plain(403, "This endpoint is read-only: updates are refused.")
        if request.mimetype not in _QUERY_TYPES:
            return _plain(415, "Send the query as application/sparql-query or as a form field `query`.")
        if request.mimetype == "application/sparql-query":
            return request.get_data(cache=False).decode("utf-8", errors="replace")
        queries = request.form.getlist("query")
    else:
        queries = request.args.getlist("query")
    if len(queries) != 1 or not queries[0].strip():
        return _plain(400, "Give exactly one SPARQL query, e.g. /sparql?query=SELECT... (see docs/serve.md).")
    if len(queries[0].encode("utf-8")) > limit:
        return _plain(413, f"The query is larger than the limit of {limit} bytes.")
    return queries[0]


def _page_number(values: list[str], pages: int) -> int | Response | None:
    if not values:
        return None
    if len(values) != 1 or not values[0].isascii() or not values[0].isdigit() or values[0].startswith("0") \
            or len(values[0]) > 9:
        return _plain(400, "page must be one whole number from 1 up.")
    if int(values[0]) > pages:
        return _plain(404, f"There are {pages} pages.")
    return int(values[0])


def _page_links(root: str, page: int, pages: int) -> str:
    links = [(f"{root}?page=1", "first"), (f"{root}?page={pages}", "last")]
    if page < pages:
        links.append((f"{root}?page={page + 1}", "next"))
    if page > 1:
        links.append((f"{root}?page={page - 1}", "prev"))
    return ", ".join(f'<{url}>; rel="{rel}"' for url, rel in links)


# -- answers ---------------------------------------------------------------------------------------


def _plain(status: int, text: str, headers: dict[str, str] | None = None) -> Response:
    response = Response(text.rstrip() + "\n", status=status, content_type="text/plain; charset=utf-8")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers.update(headers or {})
    return response


def _not_acceptable(offers: tuple[Format, ...] = NEGOTIABLE) -> Response:
    offered = ", ".join(f.media_type for f in offers)
    return _plain(406, f"Available: {offered}", {"Vary": "Accept"})


def _options(allow: str) -> Response:
    response = Response(status=204)
    response.headers.update({
        "Allow": allow, "Access-Control-Allow-Methods": allow, "Access-Control-Max-Age": "86400",
        "Access-Control-Allow-Headers": "Accept, Accept-Encoding, Accept-Language, Content-Type, If-None-Match, "
                                        "If-Modified-Since"})
    return response


def _not_modified(request: Request, etags: tuple[str, ...], last_modified: int) -> bool:
    """RFC 9110, 13.1: ``If-None-Match`` (weak comparison) decides; ``If-Modified-Since`` only without it."""
    if request.headers.get("If-None-Match"):
        return any(request.if_none_match.contains_weak(tag.strip('"')) for tag in etags)
    since = request.if_modified_since
    return since is not None and last_modified <= since.timestamp()


def _common(response: Response, etag: str, last_modified: int, vary: tuple[str, ...]) -> Response:
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(last_modified)
    response.headers["Vary"] = ", ".join(vary)
    response.headers["Cache-Control"] = "public, no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _send(request: Request, body: Body, vary: tuple[str, ...]) -> Response:
    zipped = accepts_gzip(request.headers.get("Accept-Encoding"))
    etag = body.gzip_etag if zipped else body.etag
    if _not_modified(request, (body.etag, body.gzip_etag), body.last_modified):
        return _common(Response(status=304), etag, body.last_modified, vary)
    response = Response(body.gzipped if zipped else body.data, content_type=body.content_type)
    if zipped:
        response.headers["Content-Encoding"] = "gzip"
    if body.content_type.startswith("text/html"):
        response.headers["Content-Security-Policy"] = CSP
    return _common(response, etag, body.last_modified, vary)


def _send_held(request: Request, held: HeldFile, vary: tuple[str, ...] = ("Accept-Encoding",)) -> Response:
    """A published file: streamed from its held descriptor, or its gzip form when allowed and kept."""
    etag = f'"{held.digest}"'
    gzip_etag = f'"{held.digest}-gzip"'
    zipped = accepts_gzip(request.headers.get("Accept-Encoding")) and held.size <= GZIP_LIMIT
    mtime = int(held.mtime)
    if _not_modified(request, (etag, gzip_etag), mtime):
        return _common(Response(status=304), gzip_etag if zipped else etag, mtime, vary)
    if zipped:
        response = Response(held.gzipped or b"", content_type=held.fmt.content_type)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(held.chunks(), content_type=held.fmt.content_type, direct_passthrough=True)
        response.headers["Content-Length"] = str(held.size)
    if held.fmt == HTML:
        response.headers["Content-Security-Policy"] = CSP
    return _common(response, gzip_etag if zipped else etag, mtime, vary)


def create_app(out_dir: Path, settings: Settings | None = None,
               warn: Callable[[str], None] | None = None) -> CatalogueApp:
    """The WSGI application over the published folder ``out_dir``; builds or reuses its store first.

    ``warn`` receives warnings meant for the operator (a store rebuilt in a temporary folder); they go
    to the ``kustavi_dcat.web`` logger when it is None.
    """
    settings = settings or Settings()
    published, opened = _open(out_dir, settings, warn)
    return CatalogueApp(published, opened, settings)


def prepare_store(out_dir: Path, settings: Settings | None = None,
                  warn: Callable[[str], None] | None = None) -> OpenStore:
    """Build (or check) the store of ``out_dir`` without serving, so the next start of a server is warm."""
    published, opened = _open(out_dir, settings or Settings(), warn)
    published.close()
    return opened


def _open(out_dir: Path, settings: Settings, warn: Callable[[str], None] | None) -> tuple[Published, OpenStore]:
    published = Published.open(out_dir)
    held = published.files["catalog.nt"]
    root = settings.store_root or default_store_root(out_dir)
    try:
        return published, open_store(held.stream, held.digest, root, warn or log.warning)
    except SyntaxError as exc:
        published.close()
        raise OutputError(f"{out_dir / 'catalog.nt'}: not N-Triples ({exc})") from exc
