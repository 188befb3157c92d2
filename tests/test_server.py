"""``kustavi-dcat serve`` over real sockets on 127.0.0.1: what a harvester, a linked-data client and a browser see.

Each server (the WSGI application in waitress) is started on a free port in a thread, from a catalogue
published into a temporary folder; its store is built beside that folder.
"""

from __future__ import annotations

import builtins
import gzip
import hashlib
import http.client
import io
import math
import os
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from email.utils import formatdate
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from rdflib import Graph, Literal, URIRef

from kustavi_dcat.errors import OutputError
from kustavi_dcat.models import Source
from kustavi_dcat.namespaces import DCAT, DCT, HYDRA, RDF, S28, VCARD
from kustavi_dcat.pipeline import publish
from kustavi_dcat.web.app import create_app
from kustavi_dcat.web.negotiation import accepts_gzip, choose_format, safe_path
from kustavi_dcat.web.serving import Background, build_server, listening_on
from tests.conftest import SOURCE
from tests.serving import Served, fetch, raw, running

FILE_TYPES = {
    "catalog.ttl": "text/turtle; charset=utf-8",
    "catalog.jsonld": "application/ld+json",
    "catalog.rdf": "application/rdf+xml; charset=utf-8",
    "catalog.nt": "application/n-triples",
}
RDF_TYPES = ("text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
SECRET = "SECRET-MARKER-6d1f0c"


# -- helpers ---------------------------------------------------------------------------------------


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# -- fixtures --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh publish of the Kustavi source, with a secret file beside it that must never be served."""
    root = tmp_path_factory.mktemp("site")
    (root / "secret.txt").write_text(SECRET)
    publish(SOURCE, root / "output")
    return root / "output"


@pytest.fixture(scope="module")
def graph(published: Path) -> Graph:
    return Graph().parse(published / "catalog.nt", format="nt")


@pytest.fixture(scope="module")
def base(kustavi_source: Source) -> str:
    return kustavi_source.catalog.base_iri


@pytest.fixture(scope="module")
def server(published: Path) -> Iterator[Served]:
    with running(published) as srv:
        yield srv


@pytest.fixture(scope="module")
def paged(published: Path) -> Iterator[Served]:
    with running(published, local_links=True, page_size=4) as srv:
        yield srv


def datasets_of(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, DCAT.Dataset) if isinstance(s, URIRef)}


def top_catalogue(graph: Graph) -> URIRef:
    subs = set(graph.objects(None, DCAT.catalog))
    (top,) = [c for c in graph.subjects(RDF.type, DCAT.Catalog) if c not in subs]
    assert isinstance(top, URIRef)
    return top


# -- the published files ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FILE_TYPES))
def test_each_file_is_served_verbatim_with_its_media_type(server: Served, published: Path,
                                                          name: str) -> None:
    reply = fetch(server, f"/{name}")
    assert reply.status == 200
    assert reply.header("Content-Type") == FILE_TYPES[name]
    assert reply.body == (published / name).read_bytes()
    assert reply.header("ETag") == f'"{hashlib.sha256(reply.body).hexdigest()}"'
    assert reply.header("Last-Modified") == formatdate(int((published / name).stat().st_mtime), usegmt=True)
    assert fetch(server, f"/tietovarannot/{name}").body == reply.body


@pytest.mark.parametrize("path", ["/catalog.ttl", "/catalog.jsonld", "/catalog", "/dataset/varhaiskasvatus", "/"])
@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_head_answers_with_the_headers_of_get_and_no_body(server: Served, path: str,
                                                          encoding: str) -> None:
    headers = {"Accept-Encoding": encoding}
    got, head = fetch(server, path, headers), fetch(server, path, headers, method="HEAD")
    assert got.status == head.status == 200
    assert head.body == b""
    for name in ("Content-Type", "Content-Length", "ETag", "Last-Modified", "Vary", "Content-Encoding"):
        assert head.header(name) == got.header(name), name
    assert int(head.header("Content-Length") or -1) == len(got.body)


# -- content negotiation on /catalog ---------------------------------------------------------------


def test_catalog_without_accept_is_the_published_turtle(server: Served, published: Path) -> None:
    reply = fetch(server, "/catalog")  # http.client sends no Accept header, like ckanext-dcat
    assert reply.status == 200
    assert reply.header("Content-Type") == "text/turtle; charset=utf-8"
    assert reply.body == (published / "catalog.ttl").read_bytes()
    assert "Accept" in (reply.header("Vary") or "")


@pytest.mark.parametrize(("accept", "expected"), [
    ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("application/n-triples", "application/n-triples"),
    ("application/rdf+xml;q=0.5, application/ld+json;q=0.9", "application/ld+json"),
    ("text/turtle;q=0.1, application/n-triples", "application/n-triples"),
    ("application/*", "application/ld+json"),
    ("*/*", "text/turtle"),
    ("text/*;q=0.5, application/rdf+xml;q=0.4", "text/turtle"),
    ("text/turtle;q=0, */*", "application/ld+json"),
    ("application/*;q=0.2, application/n-triples;q=0.3, text/turtle;q=0.1", "application/n-triples"),
    ("TEXT/Turtle", "text/turtle"),
    ("application/ld+json;q=abc, application/n-triples;q=0.2", "application/n-triples"),
])
def test_catalog_negotiates_on_accept_with_q_values(server: Served, published: Path, accept: str,
                                                    expected: str) -> None:
    reply = fetch(server, "/catalog", {"Accept": accept})
    assert reply.status == 200
    assert reply.media_type == expected
    assert reply.header("Vary") == "Accept, Accept-Encoding"
    files = {v.split(";")[0]: k for k, v in FILE_TYPES.items()}
    if expected in files:
        assert reply.body == (published / files[expected]).read_bytes()


@pytest.mark.parametrize("accept", [BROWSER, "*/*;q=0.1, text/html"])
def test_catalog_sends_a_browser_to_the_published_page(server: Served, base: str, accept: str) -> None:
    reply = fetch(server, "/catalog", {"Accept": accept})
    assert reply.status == 303 and reply.header("Location") == base + "index.html"


@pytest.mark.parametrize("accept", ["application/json", "image/png", "text/turtle;q=0", "text/plain",
                                    "application/xml", "garbage", "text/*;q=0, application/*;q=0"])
def test_catalog_refuses_what_it_cannot_produce(server: Served, accept: str) -> None:
    reply = fetch(server, "/catalog", {"Accept": accept})
    assert reply.status == 406
    assert reply.header("Vary") == "Accept"
    assert b"text/turtle" in reply.body


def test_choose_format_prefers_the_most_specific_range() -> None:
    from kustavi_dcat.web.negotiation import JSONLD, NTRIPLES, TURTLE

    offers = (TURTLE, JSONLD, NTRIPLES)
    assert choose_format(None, offers) is TURTLE
    assert choose_format("", offers) is TURTLE
    assert choose_format("*/*;q=1, application/ld+json;q=0", offers) is TURTLE
    assert choose_format("application/*;q=0.9, application/ld+json;q=0.1", offers) is NTRIPLES
    assert choose_format("text/turtle;q=1.5", offers) is None  # q above 1 is malformed: ignored
    assert choose_format("*/turtle", offers) is None  # not a media range


def test_accepts_gzip_reads_q_values_and_wildcards() -> None:
    assert accepts_gzip("gzip") and accepts_gzip("deflate, gzip;q=0.5") and accepts_gzip("*")
    assert accepts_gzip("x-gzip") and accepts_gzip("br;q=1, *;q=0.1")
    assert not accepts_gzip(None) and not accepts_gzip("identity") and not accepts_gzip("br")
    assert not accepts_gzip("gzip;q=0") and not accepts_gzip("*;q=0") and not accepts_gzip("*, gzip;q=0")


# -- linked-data dereferencing ---------------------------------------------------------------------


@pytest.mark.slow
def test_every_iri_of_the_catalogue_dereferences_in_every_format(server: Served, graph: Graph,
                                                                 base: str) -> None:
    iris = sorted({s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(base)})
    kinds = {str(iri)[len(base):].split("/")[0] for iri in iris}
    assert kinds == {"catalog", "dataset", "service", "agent", "contact", "system", "search-criterion",
                     "cross-reference", "rights", "provenance", "attribution", "period"}
    assert len(iris) >= len(datasets_of(graph)) + 10
    for iri in iris:
        own = set(graph.triples((iri, None, None)))
        full_path = urlsplit(str(iri)).path
        relative = "/" + str(iri)[len(base):]
        assert full_path != relative
        for media_type in RDF_TYPES:
            reply = fetch(server, full_path, {"Accept": media_type})
            assert reply.status == 200, (iri, media_type)
            assert reply.media_type == media_type
            assert own <= set(reply.graph()), (iri, media_type)
        at_root = fetch(server, relative, {"Accept": "text/turtle"})
        assert at_root.status == 200 and at_root.body == fetch(server, full_path).body
        page = fetch(server, full_path, {"Accept": BROWSER})
        assert page.status == 303 and page.header("Location") == f"{base}index.html#{str(iri)[len(base):]}"


def test_a_data_set_description_carries_its_contact_point_and_links(server: Served, graph: Graph,
                                                                   base: str) -> None:
    iri = URIRef(base + "dataset/varhaiskasvatus-hakemukset")
    described = fetch(server, "/dataset/varhaiskasvatus-hakemukset").graph()
    contact = graph.value(iri, DCAT.contactPoint)
    assert contact is not None
    for prop in (VCARD.fn, VCARD.hasEmail):
        assert set(described.objects(contact, prop)) == set(graph.objects(contact, prop)) != set()
    parent = graph.value(iri, DCT.isPartOf)
    assert parent is not None
    assert set(described.objects(parent, DCT.title)) == set(graph.objects(parent, DCT.title))
    assert (parent, RDF.type, DCAT.Dataset) not in described  # a neighbour is named, not typed
    assert set(described.subjects(RDF.type, DCAT.Dataset)) == {iri}
    assert (top_catalogue(graph), DCAT.dataset, iri) in described  # who lists it


def test_a_system_description_names_the_data_sets_it_holds(server: Served, graph: Graph,
                                                           base: str) -> None:
    system = URIRef(base + "system/pro-consona")
    holders = set(graph.subjects(S28.informationSystem, system))
    assert holders
    described = fetch(server, "/tietovarannot/system/pro-consona", {"Accept": "application/n-triples"}).graph()
    assert set(described.subjects(S28.informationSystem, system)) == holders
    for holder in holders:
        assert described.value(holder, DCT.title) is not None


@pytest.mark.parametrize("path", ["/eli/sd/2019/906/ajantasa", "/resource/authority/access-right/NON_PUBLIC",
                                  "/dataset/no-such-thing", "/tietovarannot/dataset/", "/dataset",
                                  "/dataset/varhaiskasvatus/", "/tietovarannot/tietovarannot/catalog"])
def test_paths_that_are_not_catalogue_iris_are_not_found(server: Served, path: str) -> None:
    assert fetch(server, path).status == 404


# -- Hydra paging ----------------------------------------------------------------------------------


@pytest.mark.parametrize("media_type", [None, *RDF_TYPES])
def test_paging_followed_to_the_end_gives_every_dataset_once_and_whole(paged: Served, graph: Graph,
                                                                       media_type: str | None) -> None:
    headers = {"Accept": media_type} if media_type else {}
    top = top_catalogue(graph)
    seen: Counter[URIRef] = Counter()
    union = Graph()
    url: str | None = "/catalog"
    pages = 0
    while url is not None and pages < 50:
        reply = fetch(paged, path_of(url), headers)
        assert reply.status == 200 and reply.media_type == (media_type or "text/turtle")
        page = reply.graph()
        pages += 1
        assert (top, RDF.type, DCAT.Catalog) in page and page.value(top, DCT.title) is not None
        on_page = datasets_of(page)
        assert 0 < len(on_page) <= 4
        assert set(page.objects(top, DCAT.dataset)) == on_page  # the catalogue lists what the page describes
        for dataset in on_page:
            assert set(graph.triples((dataset, None, None))) <= set(page), dataset
            contact = graph.value(dataset, DCAT.contactPoint)
            assert page.value(contact, VCARD.hasEmail) is not None
        seen.update(on_page)
        (view,) = page.subjects(RDF.type, HYDRA.PartialCollectionView)  # what ckanext-dcat looks for
        nxt = page.value(view, HYDRA.next)
        url = str(nxt) if nxt is not None else None
        if url is not None:
            assert urlsplit(url).netloc == f"127.0.0.1:{paged.server_address[1]}"
        for triple in page:
            if triple[0] != view:
                union.add(triple)
    everything = datasets_of(graph)
    assert pages == math.ceil(len(everything) / 4)
    assert set(seen) == everything and set(seen.values()) == {1}
    assert set(union) == set(graph)  # the pages together are exactly the catalogue


def test_hydra_view_links_first_last_previous_next(paged: Served, graph: Graph) -> None:
    total = len(datasets_of(graph))
    last = math.ceil(total / 4)
    root = f"http://127.0.0.1:{paged.server_address[1]}/catalog"
    for number in (1, 2, last):
        page = fetch(paged, f"/catalog?page={number}").graph()
        view = URIRef(f"{root}?page={number}")
        assert (view, RDF.type, HYDRA.PartialCollectionView) in page
        assert page.value(view, HYDRA.first) == URIRef(f"{root}?page=1")
        assert page.value(view, HYDRA.last) == URIRef(f"{root}?page={last}")
        assert page.value(view, HYDRA.totalItems) == Literal(total)
        assert page.value(view, HYDRA.itemsPerPage) == Literal(4)
        expected_next = URIRef(f"{root}?page={number + 1}") if number < last else None
        expected_previous = URIRef(f"{root}?page={number - 1}") if number > 1 else None
        assert page.value(view, HYDRA.next) == expected_next
        assert page.value(view, HYDRA.previous) == expected_previous
    assert fetch(paged, "/catalog").body == fetch(paged, "/catalog?page=1").body


def test_paging_links_come_from_the_base_iri_by_default(published: Path, base: str) -> None:
    with running(published, page_size=4) as srv:
        page = fetch(srv, "/tietovarannot/catalog", {"Host": "localhost:1"}).graph()
    assert set(page.objects(None, HYDRA.next)) == {URIRef(f"{base}catalog?page=2")}


HOSTILE_HOSTS = ["evil.example", "evil.example:8080", "evil.example/<x>"]
PROBES = [("GET", "/catalog", {}), ("GET", "/catalog?page=2", {"Accept": "application/ld+json"}),
          ("GET", "/tietovarannot/catalog?page=3", {"Accept": "application/rdf+xml"}),
          ("GET", "/dataset/varhaiskasvatus", {"Accept": "text/html"}), ("GET", "/catalog", {"Accept": "text/html"}),
          ("GET", "/dataset/varhaiskasvatus", {}), ("GET", "/", {}), ("GET", "/nowhere", {}),
          ("GET", "/%2e%2e/x", {}), ("GET", "/catalog", {"Accept": "image/png"}), ("POST", "/catalog", {}),
          ("OPTIONS", "/catalog", {}), ("GET", "/sparql?query=SELECT%20*%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%201", {}),
          ("GET", "/sparql?query=nonsense", {}), ("GET", "/catalog?page=99", {})]


@pytest.mark.parametrize("host", HOSTILE_HOSTS)
def test_the_host_header_never_appears_in_any_answer(paged: Served, host: str) -> None:
    for method, path, headers in PROBES:
        reply = fetch(paged, path, {**headers, "Host": host}, method=method)
        assert reply.status < 500, (path, reply.status)
        assert b"evil.example" not in reply.body and "evil.example" not in str(reply.headers), (method, path)


def test_public_url_sets_the_paging_links(published: Path) -> None:
    with running(published, page_size=10, public_url="https://www.kustavi.fi/tietovarannot/") as srv:
        page = fetch(srv, "/catalog?page=2", {"Accept": "application/ld+json"}).graph()
    assert set(page.objects(None, HYDRA.next)) == {URIRef("https://www.kustavi.fi/tietovarannot/catalog?page=3")}
    assert set(page.objects(None, HYDRA.previous)) == {URIRef("https://www.kustavi.fi/tietovarannot/catalog?page=1")}


def test_one_page_holds_everything_at_the_default_page_size(server: Served, graph: Graph) -> None:
    page = fetch(server, "/catalog?page=1", {"Accept": "application/n-triples"}).graph()
    (view,) = page.subjects(RDF.type, HYDRA.PartialCollectionView)
    assert page.value(view, HYDRA.next) is None and page.value(view, HYDRA.previous) is None
    assert page.value(view, HYDRA.totalItems) == Literal(len(datasets_of(graph)))
    assert datasets_of(page) == datasets_of(graph)
    assert fetch(server, "/catalog?page=2").status == 404


@pytest.mark.parametrize(("query", "status"), [("page=0", 400), ("page=-1", 400), ("page=x", 400), ("page=", 400),
                                               ("page=1&page=2", 400), ("page=1.0", 400), ("page=99999999999", 400),
                                               ("page=8", 404), ("page=7", 200), ("other=1", 200)])
def test_page_parameter_is_checked(paged: Served, query: str, status: int) -> None:
    assert fetch(paged, f"/catalog?{query}").status == status


# -- caching and compression -----------------------------------------------------------------------


def test_conditional_get_on_etag(server: Served) -> None:
    first = fetch(server, "/catalog", {"Accept": "application/ld+json"})
    etag = first.header("ETag")
    assert etag is not None and etag.startswith('"') and not etag.startswith("W/")
    assert fetch(server, "/catalog", {"Accept": "application/ld+json"}).header("ETag") == etag
    for tag in (etag, f"W/{etag}", "*", f'"nope", {etag}'):
        reply = fetch(server, "/catalog", {"Accept": "application/ld+json", "If-None-Match": tag})
        assert reply.status == 304 and reply.body == b"" and reply.header("ETag") == etag, tag
    assert fetch(server, "/catalog", {"Accept": "application/ld+json", "If-None-Match": '"nope"'}).status == 200
    turtle = fetch(server, "/catalog", {"Accept": "text/turtle"})
    assert turtle.header("ETag") != etag
    assert fetch(server, "/catalog", {"Accept": "text/turtle", "If-None-Match": etag}).status == 200


def test_conditional_get_on_last_modified(server: Served) -> None:
    stamp = fetch(server, "/catalog.rdf").header("Last-Modified")
    assert stamp is not None
    assert fetch(server, "/catalog.rdf", {"If-Modified-Since": stamp}).status == 304
    assert fetch(server, "/dataset/varhaiskasvatus", {"If-Modified-Since": stamp}).status == 304
    earlier = formatdate(time.mktime(time.strptime(stamp, "%a, %d %b %Y %H:%M:%S GMT")) - 7200, usegmt=True)
    assert fetch(server, "/catalog.rdf", {"If-Modified-Since": earlier}).status == 200
    assert fetch(server, "/catalog.rdf", {"If-Modified-Since": "yesterday"}).status == 200
    both = {"If-Modified-Since": stamp, "If-None-Match": '"other"'}
    assert fetch(server, "/catalog.rdf", both).status == 200  # If-None-Match decides when present


def test_gzip_when_asked(server: Served, published: Path) -> None:
    plain = fetch(server, "/catalog.nt")
    zipped = fetch(server, "/catalog.nt", {"Accept-Encoding": "gzip, deflate"})
    assert plain.header("Content-Encoding") is None
    assert zipped.header("Content-Encoding") == "gzip"
    assert gzip.decompress(zipped.body) == plain.body == (published / "catalog.nt").read_bytes()
    assert len(zipped.body) < len(plain.body)
    assert "Accept-Encoding" in (zipped.header("Vary") or "") and "Accept-Encoding" in (plain.header("Vary") or "")
    assert zipped.header("ETag") != plain.header("ETag")
    again = fetch(server, "/catalog.nt", {"Accept-Encoding": "gzip", "If-None-Match": zipped.header("ETag") or ""})
    assert again.status == 304
    page = fetch(server, "/", {"Accept-Encoding": "*", "Accept": "text/html"})
    assert page.header("Content-Encoding") == "gzip" and gzip.decompress(page.body).startswith(b"<!DOCTYPE html>")
    described = fetch(server, "/dataset/varhaiskasvatus", {"Accept-Encoding": "gzip", "Accept": "text/turtle"})
    assert described.header("Content-Encoding") == "gzip" and gzip.decompress(described.body).startswith(b"@prefix")


@pytest.mark.parametrize("accept_encoding", ["gzip;q=0", "identity", "br", "*;q=0", "deflate"])
def test_no_gzip_unless_allowed(server: Served, accept_encoding: str) -> None:
    reply = fetch(server, "/catalog.ttl", {"Accept-Encoding": accept_encoding})
    assert reply.status == 200 and reply.header("Content-Encoding") is None
    assert reply.body.startswith(b"PREFIX")


# -- methods ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "TRACE", "PROPFIND", "FOO"])
def test_only_get_head_and_options_are_allowed(server: Served, method: str) -> None:
    reply = fetch(server, "/catalog.ttl", method=method)
    assert reply.status == 405
    assert reply.header("Allow") == "GET, HEAD, OPTIONS"


def test_a_request_body_is_never_taken_for_a_request(server: Served) -> None:
    """The body of a refused POST is read and dropped: the next request on the connection is the client's."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("POST", "/catalog", body=b"GET /catalog.nt HTTP/1.1\r\nHost: x\r\n\r\n")
        first = conn.getresponse()
        first.read()
        conn.request("GET", "/catalog.ttl")
        second = conn.getresponse()
        body = second.read()
    finally:
        conn.close()
    assert first.status == 405 and second.status == 200 and body.startswith(b"PREFIX")


def test_options_lists_the_methods(server: Served) -> None:
    reply = fetch(server, "/catalog", method="OPTIONS")
    assert reply.status == 204 and reply.header("Allow") == "GET, HEAD, OPTIONS" and reply.body == b""
    assert reply.header("Access-Control-Allow-Origin") == "*"
    assert "If-None-Match" in (reply.header("Access-Control-Allow-Headers") or "")
    sparql = fetch(server, "/sparql", method="OPTIONS")
    assert sparql.header("Allow") == "GET, HEAD, POST, OPTIONS"


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/catalog.ttl", 200), ("GET", "/nowhere", 404), ("GET", "/%2e%2e/x", 400), ("PUT", "/catalog", 405),
    ("GET", "/catalog?page=0", 400), ("GET", "/catalog?page=99", 404), ("GET", "/sparql?query=x", 400),
    ("GET", "/sparql?update=x", 403), ("HEAD", "/catalog", 200), ("GET", "/dataset/varhaiskasvatus", 200)])
def test_cors_on_every_answer_errors_included(server: Served, method: str, path: str, status: int) -> None:
    reply = fetch(server, path, method=method)
    assert reply.status == status
    assert reply.header("Access-Control-Allow-Origin") == "*"
    assert reply.header("Access-Control-Expose-Headers") == "ETag, Link"



# -- path traversal --------------------------------------------------------------------------------

TRAVERSALS = [
    b"/../secret.txt", b"/../../../../../../etc/passwd", b"/%2e%2e/secret.txt", b"/%2E%2E/secret.txt",
    b"/.%2e/secret.txt", b"/%2e%2e%2fsecret.txt", b"/..%2fsecret.txt", b"/%252e%252e/secret.txt",
    b"/%252e%252e%252fsecret.txt", b"/%25252e%25252e/secret.txt", b"/%2525252e%2525252e/secret.txt",
    b"/..\\secret.txt", b"/..\\..\\secret.txt", b"/%5c..%5csecret.txt", b"/..%5csecret.txt", b"/..%255csecret.txt",
    b"/catalog.ttl%00", b"/catalog.ttl%00.html", b"/%00../secret.txt", b"/\x00/secret.txt",
    b"/tietovarannot/../secret.txt", b"/tietovarannot/%2e%2e/secret.txt", b"/dataset/../../secret.txt",
    b"/%c0%ae%c0%ae/secret.txt", b"/%c0%af",
    b"/./catalog.ttl", b"/catalog.ttl/..", b"/" + b"..%2f" * 8 + b"etc/passwd", b"http://127.0.0.1/../secret.txt",
    b"catalog.ttl", b"/%ff",
]


@pytest.mark.parametrize("target", TRAVERSALS, ids=lambda t: t.decode("latin-1").encode("unicode_escape").decode())
def test_traversal_attempts_are_refused(server: Served, target: bytes) -> None:
    status, answer = raw(server, target)
    assert status == 400
    assert SECRET.encode() not in answer and b"root:" not in answer


@pytest.mark.parametrize("target", [b"/secret.txt", b"//secret.txt", b"/..;/secret.txt", b"/output/catalog.ttl"])
def test_other_paths_outside_the_catalogue_are_not_found(server: Served, target: bytes) -> None:
    status, answer = raw(server, target)
    assert status == 404 and SECRET.encode() not in answer


def test_no_file_is_opened_while_answering(published: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fresh servers, so every description and page below is computed inside the watched window."""
    opened: list[object] = []

    def spy(*args: object, **kwargs: object) -> None:
        opened.append(args[0] if args else kwargs)
        raise PermissionError("no file may be opened while serving")

    with running(published) as whole, running(published, page_size=3) as paged_:
        for module in (builtins, io, os):
            monkeypatch.setattr(module, "open", spy)
        monkeypatch.setattr(Path, "open", spy)
        for target in TRAVERSALS:
            assert raw(whole, target)[0] == 400
        for srv in (whole, paged_):
            for path in ("/catalog.ttl", "/catalog", "/catalog?page=2", "/dataset/varhaiskasvatus",
                         "/tietovarannot/system/daisy", "/", "/nowhere"):
                for accept in (*RDF_TYPES, "text/html"):
                    assert fetch(srv, path, {"Accept": accept}).status in (200, 303, 404)
        monkeypatch.undo()
    assert opened == []


# -- load and lifecycle ----------------------------------------------------------------------------


def test_binds_to_loopback_by_default(server: Served) -> None:
    listener = build_server(server.app, port=0)
    try:
        assert listening_on(listener)[0] == "127.0.0.1"
    finally:
        Background(listener).stop()


def test_files_are_read_once_at_start(published: Path, tmp_path: Path) -> None:
    copy = tmp_path / "out"
    copy.mkdir()
    for name in FILE_TYPES:
        (copy / name).write_bytes((published / name).read_bytes())
    with running(copy) as srv:
        before = {p: fetch(srv, p).body for p in ("/catalog.ttl", "/catalog", "/dataset/varhaiskasvatus")}
        (copy / "new.ttl").write_text("changed")
        os.replace(copy / "new.ttl", copy / "catalog.ttl")  # as `publish` replaces files
        (copy / "catalog.nt").unlink()
        after = {p: fetch(srv, p).body for p in before}
    assert after == before and before["/catalog.ttl"] == (published / "catalog.ttl").read_bytes()


def test_missing_files_are_named(tmp_path: Path, published: Path) -> None:
    (tmp_path / "catalog.ttl").write_bytes((published / "catalog.ttl").read_bytes())
    with pytest.raises(OutputError) as caught:
        create_app(tmp_path)
    assert caught.value.exit_code == 4
    assert "catalog.jsonld" in caught.value.message and "catalog.nt" in caught.value.message
    assert "catalog.ttl" not in caught.value.message


def test_a_file_linking_outside_the_folder_is_refused(tmp_path: Path, published: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for name in FILE_TYPES:
        (out / name).write_bytes((published / name).read_bytes())
    (out / "catalog.rdf").unlink()
    (out / "catalog.rdf").symlink_to(published / "catalog.rdf")
    with pytest.raises(OutputError, match="outside"):
        create_app(out)


def test_access_log_on_stderr_unless_quiet(published: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with running(published, quiet=False) as srv:
        fetch(srv, "/catalog.ttl")
        raw(srv, b"/\x1b[31mred")
    err = capsys.readouterr().err
    assert '"GET /catalog.ttl HTTP/1.1" 200' in err
    assert "\x1b" not in err and "\\x1b[31mred" in err  # control characters cannot forge log lines
    with running(published, quiet=True) as srv:
        fetch(srv, "/catalog.ttl")
    assert capsys.readouterr().err == ""


def test_shutdown_does_not_wait_for_idle_clients(server: Served) -> None:
    listener = build_server(server.app, port=0)
    background = Background(listener)
    idle = http.client.HTTPConnection("127.0.0.1", listening_on(listener)[1], timeout=10)
    idle.request("GET", "/catalog.ttl")
    idle.getresponse().read()  # the connection stays open (keep-alive)
    started = time.monotonic()
    background.stop()
    assert not background.thread.is_alive() and time.monotonic() - started < 5
    idle.close()


# -- load ------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_fifty_concurrent_clients_twenty_requests_each(server: Served) -> None:
    plan: list[tuple[str, str, dict[str, str]]] = [
        ("GET", "/catalog.ttl", {}), ("GET", "/catalog.jsonld", {"Accept-Encoding": "gzip"}),
        ("GET", "/catalog", {"Accept": "application/rdf+xml"}), ("HEAD", "/catalog.nt", {}),
        ("GET", "/dataset/varhaiskasvatus", {"Accept": "application/ld+json"}),
        ("GET", "/tietovarannot/system/pro-consona", {"Accept": BROWSER}),
        ("GET", "/catalog?page=1", {"Accept": "application/n-triples"}), ("GET", "/nowhere", {}),
        ("GET", "/%2e%2e/secret.txt", {}), ("GET", "/catalog", {"Accept": "image/png"}),
    ]
    expected = []
    for method, path, headers in plan:
        reply = fetch(server, path, headers, method=method)
        expected.append((reply.status, hashlib.sha256(reply.body).hexdigest()))

    def client(number: int) -> list[bool]:
        conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
        results = []
        try:
            for i in range(20):
                index = (number + i) % len(plan)
                method, path, headers = plan[index]
                conn.request(method, path, headers=headers)
                response = conn.getresponse()
                body = response.read()
                results.append((response.status, hashlib.sha256(body).hexdigest()) == expected[index])
                if response.will_close:
                    conn.close()
        finally:
            conn.close()
        return results

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=50) as pool:
        futures = [pool.submit(client, n) for n in range(50)]
        done, not_done = wait(futures, timeout=60)
    assert not not_done
    outcomes = [ok for future in done for ok in future.result()]
    assert len(outcomes) == 1000 and all(outcomes)
    assert time.monotonic() - started < 60


def test_safe_path_decodes_once_and_refuses_hidden_climbs() -> None:
    assert safe_path("/dataset/%76arhaiskasvatus") == "/dataset/varhaiskasvatus"
    assert safe_path("/a%2541") == "/a%41"  # decoded once for routing; deeper decodings only checked
    for unsafe in ("/..", "/a/./b", "/%2e%2e", "/%252e%252e", "/a\\b", "/a%5cb", "/%00", "/%c0%ae", "no-slash"):
        assert safe_path(unsafe) is None, unsafe
