"""The SPARQL 1.1 endpoint at /sparql, over real sockets: the Protocol, its formats, its refusals and limits."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from rdflib import Graph, URIRef

from kustavi_dcat.namespaces import DCAT, RDF
from kustavi_dcat.pipeline import publish
from tests.conftest import SOURCE
from tests.serving import Served, fetch, running
from tests.test_sparql_examples import QUERIES, in_oxigraph

COUNT = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a <http://www.w3.org/ns/dcat#Dataset> }"
DATASETS = "PREFIX dcat: <http://www.w3.org/ns/dcat#> SELECT ?d WHERE { ?d a dcat:Dataset } ORDER BY ?d"
CONSTRUCT = "PREFIX dcat: <http://www.w3.org/ns/dcat#> CONSTRUCT { ?d a dcat:Dataset } WHERE { ?d a dcat:Dataset }"
FOREVER = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sparql") / "output"
    publish(SOURCE, out)
    return out


@pytest.fixture(scope="module")
def datasets(published: Path) -> set[str]:
    graph = Graph().parse(published / "catalog.nt", format="nt")
    return {str(s) for s in graph.subjects(RDF.type, DCAT.Dataset)}


@pytest.fixture(scope="module")
def server(published: Path) -> Iterator[Served]:
    with running(published, query_timeout=3, max_result_bytes=200_000) as srv:
        yield srv


def get(server: Served, query: str, accept: str | None = None) -> tuple[int, str, bytes]:
    reply = fetch(server, f"/sparql?query={quote(query)}", {"Accept": accept} if accept else {})
    return reply.status, reply.header("Content-Type") or "", reply.body


def bindings(body: bytes) -> list[dict[str, str]]:
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(body)["results"]["bindings"]]


def test_get_post_form_and_post_query_give_the_same_json(server: Served, datasets: set[str]) -> None:
    status, content_type, body = get(server, DATASETS)
    assert status == 200 and content_type == "application/sparql-results+json"
    assert [row["d"] for row in bindings(body)] == sorted(datasets)
    form = fetch(server, "/sparql", FORM, "POST", f"query={quote(DATASETS)}".encode())
    direct = fetch(server, "/sparql", {"Content-Type": "application/sparql-query"}, "POST", DATASETS.encode())
    assert form.status == direct.status == 200 and form.body == direct.body == body
    assert form.header("Access-Control-Allow-Origin") == "*"


@pytest.mark.parametrize(("accept", "content_type"), [
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv; charset=utf-8"),
    ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8"),
    ("application/json", "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
])
def test_select_results_in_every_format(server: Served, datasets: set[str], accept: str, content_type: str) -> None:
    status, got_type, body = get(server, DATASETS, accept)
    assert status == 200 and got_type == content_type
    text = body.decode("utf-8")
    if accept == "text/csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["d"] and {row[0] for row in rows[1:]} == datasets
    elif accept == "text/tab-separated-values":
        lines = text.splitlines()
        assert lines[0] == "?d" and {line.strip("<>") for line in lines[1:]} == datasets
    else:
        assert all(iri in text for iri in datasets)


@pytest.mark.parametrize("accept", ["text/turtle", "application/n-triples", "application/rdf+xml",
                                    "application/ld+json"])
def test_construct_in_every_rdf_format(server: Served, datasets: set[str], accept: str) -> None:
    status, content_type, body = get(server, CONSTRUCT, accept)
    assert status == 200 and content_type.split(";")[0] == accept
    graph = Graph().parse(data=body, format=accept)
    assert {str(s) for s in graph.subjects(RDF.type, DCAT.Dataset)} == datasets and len(graph) == len(datasets)


def test_ask_and_describe(server: Served, datasets: set[str]) -> None:
    status, _, body = get(server, "ASK { ?d a <http://www.w3.org/ns/dcat#Dataset> }")
    assert status == 200 and json.loads(body)["boolean"] is True
    one = sorted(datasets)[0]
    status, content_type, body = get(server, f"DESCRIBE <{one}>")
    assert status == 200 and content_type.startswith("text/turtle")
    assert (URIRef(one), RDF.type, DCAT.Dataset) in Graph().parse(data=body, format="turtle")


def test_a_syntax_error_is_400_with_the_parsers_message(server: Served) -> None:
    status, content_type, body = get(server, "SELECT ?x WHERE { ?x ?y }")
    assert status == 400 and content_type.startswith("text/plain")
    assert b"does not parse" in body and b"error at 1:" in body


@pytest.mark.parametrize(("method", "path", "headers", "body"), [
    ("GET", "/sparql?update=" + quote("INSERT DATA { <urn:a> <urn:b> <urn:c> }"), {}, None),
    ("POST", "/sparql", FORM, ("update=" + quote("CLEAR DEFAULT")).encode()),
    ("POST", "/sparql", {"Content-Type": "application/sparql-update"}, b"CLEAR DEFAULT"),
    ("POST", "/sparql", {"Content-Type": "application/sparql-query"}, b"DELETE WHERE { ?s ?p ?o }"),
    ("GET", "/sparql?query=" + quote("INSERT DATA { <urn:a> <urn:b> <urn:c> }"), {}, None),
])
def test_updates_are_refused(server: Served, method: str, path: str, headers: dict[str, str],
                             body: bytes | None) -> None:
    before = get(server, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")[2]
    reply = fetch(server, path, headers, method, body)
    assert reply.status == 403 and b"read-only" in reply.body
    assert get(server, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")[2] == before


def test_an_oversize_query_is_413(server: Served) -> None:
    big = ("SELECT * WHERE { ?s ?p ?o } #" + "x" * 100_000).encode()
    reply = fetch(server, "/sparql", {"Content-Type": "application/sparql-query"}, "POST", big)
    assert reply.status == 413
    form = fetch(server, "/sparql", FORM, "POST", b"query=" + big)
    assert form.status == 413


@pytest.mark.parametrize(("headers", "body", "status"), [
    ({"Content-Type": "text/plain"}, b"SELECT * {?s ?p ?o}", 415),
    (FORM, b"other=1", 400),
    (FORM, b"query=a&query=b", 400),
])
def test_malformed_protocol_requests(server: Served, headers: dict[str, str], body: bytes, status: int) -> None:
    assert fetch(server, "/sparql", headers, "POST", body).status == status


def test_no_acceptable_format_is_406(server: Served) -> None:
    assert get(server, DATASETS, "image/png")[0] == 406
    assert get(server, CONSTRUCT, "application/sparql-results+json")[0] == 406


def test_an_answer_over_the_size_limit_is_refused(server: Served) -> None:
    status, _, body = get(server, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 422 and b"limit of 200000 bytes" in body


@pytest.mark.slow
def test_a_query_that_would_run_forever_is_stopped_and_the_server_stays_up(server: Served) -> None:
    answers: list[tuple[int, str, bytes]] = []
    started = time.monotonic()
    running_query = threading.Thread(target=lambda: answers.append(get(server, FOREVER)))
    running_query.start()
    time.sleep(0.5)
    meanwhile = time.monotonic()
    assert fetch(server, "/dataset/varhaiskasvatus", {"Accept": "application/n-triples"}).status == 200
    assert time.monotonic() - meanwhile < 2  # other clients are served while the query runs
    running_query.join(timeout=20)
    elapsed = time.monotonic() - started
    ((status, _, body),) = answers
    assert status == 503 and b"time limit of 3 s" in body
    assert 3 <= elapsed < 10
    assert fetch(server, "/catalog.ttl").status == 200
    deadline = time.monotonic() + 20
    while (answer := get(server, COUNT))[0] != 200 and time.monotonic() < deadline:
        time.sleep(0.2)  # the killed worker's replacement is starting
    assert answer[0] == 200 and bindings(answer[2])[0]["n"].isdigit()


@pytest.mark.parametrize("name", sorted(path.stem for path in QUERIES.glob("*.rq")))
def test_the_readmes_queries_answer_through_the_endpoint(server: Served, published: Path, name: str) -> None:
    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    status, _, body = get(server, text)
    assert status == 200
    document = json.loads(body)
    names = document["head"]["vars"]
    rows = [tuple(row.get(var, {}).get("value") for var in names) for row in document["results"]["bindings"]]
    assert rows == in_oxigraph(published / "catalog.ttl", text)
