"""What one client can make the server hold: malformed framing, huge headers, idle and slow connections."""

from __future__ import annotations

import http.client
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kustavi_dcat.pipeline import publish
from kustavi_dcat.web.serving import Limits
from tests.conftest import SOURCE
from tests.serving import Served, fetch, running, send_raw


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("limits") / "output"
    publish(SOURCE, out)
    return out


@pytest.fixture(scope="module")
def server(published: Path) -> Iterator[Served]:
    with running(published, limits=Limits(channel_timeout=2)) as srv:
        yield srv


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def test_a_duplicate_content_length_is_refused(server: Served) -> None:
    """Two lengths let a proxy and the server disagree on where a request ends (request smuggling)."""
    request = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
               b"Content-Length: 5\r\nContent-Length: 40\r\n\r\nASK{}GET /catalog.ttl HTTP/1.1\r\nHost: x\r\n\r\n")
    answer = send_raw(server, request)
    assert status_of(answer) == 400
    assert answer.count(b"HTTP/1.1 ") == 1  # nothing after the refusal was taken for a request


def test_a_five_megabyte_accept_header_is_refused_fast(server: Served) -> None:
    started = time.monotonic()
    request = b"GET /catalog HTTP/1.1\r\nHost: x\r\nAccept: " + b"text/turtle;q=0.5, " * 280_000 + b"\r\n\r\n"
    try:
        answer = send_raw(server, request, timeout=10)
    except (BrokenPipeError, ConnectionResetError):
        answer = b"HTTP/1.1 431 closed while sending"
    assert status_of(answer) in (400, 431)
    assert time.monotonic() - started < 5
    assert fetch(server, "/catalog.ttl").status == 200


def test_a_client_is_served_while_200_idle_connections_are_held_open(server: Served) -> None:
    idle = []
    try:
        for _ in range(200):
            idle.append(socket.create_connection(("127.0.0.1", server.port), timeout=10))
        started = time.monotonic()
        reply = fetch(server, "/dataset/varhaiskasvatus", {"Accept": "application/n-triples"})
        assert reply.status == 200 and time.monotonic() - started < 2
    finally:
        for sock in idle:
            sock.close()


def test_unfinished_requests_hold_no_thread(server: Served) -> None:
    """Slowloris: more half-sent requests than the server has threads, and a client is still served."""
    slow = []
    try:
        for _ in range(3 * Limits().threads):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            sock.sendall(b"GET /catalog HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            slow.append(sock)
        assert fetch(server, "/catalog.ttl").status == 200
    finally:
        for sock in slow:
            sock.close()


@pytest.mark.slow
def test_a_connection_that_stops_sending_is_closed_after_the_channel_timeout(server: Served) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=15) as sock:
        sock.sendall(b"GET /catalog HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        assert sock.recv(1024) == b""  # closed by the server
        assert 1.5 < time.monotonic() - started < 10


def test_keep_alive_serves_many_requests_on_one_connection(server: Served) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        for _ in range(20):
            conn.request("GET", "/catalog.nt", headers={"Accept-Encoding": "gzip"})
            response = conn.getresponse()
            response.read()
            assert response.status == 200
    finally:
        conn.close()
