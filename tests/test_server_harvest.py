"""The real ckanext-dcat parser harvesting from ``kustavi-dcat serve``, pages and all.

The loop below is the gather stage of ckanext-dcat's RDF harvester: HEAD, then GET without an ``Accept``
header, the Content-Type (without parameters) as the parser's format, every ``dcat:Dataset`` of the
page, then ``RDFParser.next_page()`` (a ``hydra:PartialCollectionView``'s ``hydra:next``) until there
is none, stopping if a page repeats the previous one.

ckanext-dcat and CKAN come from the ``harvest`` extra; without them these tests are skipped, except under
CI (``CI`` set), where a missing parser is a failure.
"""

from __future__ import annotations

import hashlib
import http.client
import importlib
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest
from rdflib import Graph, URIRef

from kustavi_dcat.namespaces import DCAT, DCT, RDF
from kustavi_dcat.pipeline import publish
from tests.conftest import SOURCE
from tests.serving import Served, running


def _import_parser() -> ModuleType:
    if os.environ.get("CI"):
        return importlib.import_module("ckanext.dcat.processors")
    return pytest.importorskip("ckanext.dcat.processors",
                               reason="ckanext-dcat comes with the harvest extra: pip install -e '.[test,harvest]'")


processors = _import_parser()

Package = dict[str, Any]


@pytest.fixture(scope="module", autouse=True)
def portal_language_fi() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(processors.config, "ckan.locale_default", "fi")
        yield


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("harvested") / "output"
    publish(SOURCE, out)
    return out


@pytest.fixture(scope="module")
def graph(published: Path) -> Graph:
    return Graph().parse(published / "catalog.nt", format="nt")


def _serving(published: Path, page_size: int) -> Iterator[Served]:
    """The server, its links made for its own address (``--public-url``), as a harvester would be pointed at."""
    with running(published, local_links=True, page_size=page_size) as server:
        yield server


@pytest.fixture(scope="module", params=[3, 100], ids=["pages-of-3", "one-page"])
def server(request: pytest.FixtureRequest, published: Path) -> Iterator[Served]:
    yield from _serving(published, request.param)


def download(url: str) -> tuple[str, str]:
    """HEAD then GET, no Accept header: the body and the Content-Type's media type."""
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1"
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    conn = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=10)
    try:
        conn.request("HEAD", target)
        head = conn.getresponse()
        head.read()
        assert head.status == 200
        conn.request("GET", target)
        response = conn.getresponse()
        body = response.read()
        assert response.status == 200
        return body.decode("utf-8"), (response.getheader("Content-Type") or "").split(";", 1)[0]
    finally:
        conn.close()


def gather(start: str, profile: str) -> tuple[list[Package], int]:
    """The harvester's gather loop; returns every package and the number of pages read."""
    packages: list[Package] = []
    url: str | None = start
    last_hash = None
    pages = 0
    while url and pages < 50:
        content, media_type = download(url)
        digest = hashlib.md5(content.encode("utf-8")).digest()
        assert digest != last_hash, "a page repeated the previous one"
        last_hash = digest
        parser = processors.RDFParser(profiles=[profile])
        parser.parse(content, _format=media_type)
        packages.extend(parser.datasets())
        pages += 1
        url = parser.next_page()
    return packages, pages


def uri_of(package: Package) -> str:
    return next(e["value"] for e in package["extras"] if e["key"] == "uri")


@pytest.mark.parametrize("profile", ["euro_dcat_ap_3", "euro_dcat_ap_2"])
def test_harvest_from_the_server_gets_every_dataset_once_and_whole(server: Served, graph: Graph,
                                                                   profile: str) -> None:
    packages, pages = gather(f"http://127.0.0.1:{server.server_address[1]}/catalog", profile)
    datasets = {str(s) for s in graph.subjects(RDF.type, DCAT.Dataset)}
    counts = Counter(uri_of(p) for p in packages)
    assert set(counts) == datasets and set(counts.values()) == {1}
    assert pages == -(-len(datasets) // server.app.catalogue.paging.page_size)
    for package in packages:
        iri = URIRef(uri_of(package))
        assert package["title"] in {str(o) for o in graph.objects(iri, DCT.title) if getattr(o, "language", "") == "fi"}
        assert package["notes"] and package["tags"]
        extras = {e["key"]: e["value"] for e in package["extras"]}
        assert extras["contact_email"] and extras["contact_name"] and extras["publisher_name"]
        assert extras["access_rights"] == str(graph.value(iri, DCT.accessRights))


def test_harvest_pages_equal_the_published_file(published: Path, graph: Graph) -> None:
    """What arrives through pages of 3 is what arrives from catalog.ttl in one piece."""
    parser = processors.RDFParser(profiles=["euro_dcat_ap_3"])
    parser.parse((published / "catalog.ttl").read_text(encoding="utf-8"), _format="text/turtle")
    whole = {uri_of(p): p for p in parser.datasets()}
    for server in _serving(published, 3):
        paged, _ = gather(f"http://127.0.0.1:{server.server_address[1]}/catalog", "euro_dcat_ap_3")
    assert {uri_of(p): p for p in paged} == whole


def test_a_dataset_iri_harvests_as_that_one_dataset(server: Served, graph: Graph) -> None:
    """Neighbours in a description are named, not typed, so a harvester sees only the dataset asked for."""
    parent = next(s for s in graph.subjects(DCT.hasPart, None))
    path = urlsplit(str(parent)).path
    packages, pages = gather(f"http://127.0.0.1:{server.server_address[1]}{path}", "euro_dcat_ap_3")
    assert pages == 1 and [uri_of(p) for p in packages] == [str(parent)]
