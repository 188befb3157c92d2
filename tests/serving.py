"""Starting the real server (the WSGI application in waitress) on a free loopback port, and talking to it."""

from __future__ import annotations

import http.client
import io
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph

from kustavi_dcat.web.app import CatalogueApp, create_app
from kustavi_dcat.web.serving import Background, Limits, access_log, build_server
from kustavi_dcat.web.settings import Settings


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def media_type(self) -> str:
        return (self.header("Content-Type") or "").split(";")[0].strip()

    def graph(self) -> Graph:
        return Graph().parse(data=self.body, format=self.media_type)


@dataclass(frozen=True)
class Served:
    """A running server: its application and the port it listens on."""

    app: CatalogueApp
    port: int

    @property
    def server_address(self) -> tuple[str, int]:
        return "127.0.0.1", self.port

    @property
    def local(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


def fetch(server: Served, path: str, headers: dict[str, str] | None = None,
          method: str = "GET", body: bytes | None = None) -> Reply:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    finally:
        conn.close()


def send_raw(server: Served, request: bytes, timeout: float = 10) -> bytes:
    """Send bytes exactly as given and read the answer until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        try:
            while data := sock.recv(65536):
                chunks.append(data)
        except ConnectionResetError:
            pass
    return b"".join(chunks)


def raw(server: Served, target: bytes) -> tuple[int, bytes]:
    """Send a request line exactly as given (http.client would refuse or normalise some of these)."""
    answer = send_raw(server, b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    return int(answer.split(b" ", 2)[1]), answer


@contextmanager
def running(out_dir: Path, local_links: bool = False, quiet: bool = True, log: io.TextIOBase | None = None,
            limits: Limits | None = None, **settings: Any) -> Iterator[Served]:
    """Serve ``out_dir`` on a free port; ``local_links``: ``--public-url`` is this server's own address."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    if local_links:
        settings["public_url"] = f"http://127.0.0.1:{port}/"
    app = create_app(out_dir, Settings(**settings))
    server = build_server(app if quiet else access_log(app, log), limits=limits or Limits(), sock=sock)
    background = Background(server)
    try:
        yield Served(app, port)
    finally:
        background.stop()
        app.close()
