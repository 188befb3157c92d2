"""The SPARQL 1.1 endpoint's query runner: queries run in worker processes that are killed at the limit.

Oxigraph cannot stop a query once it runs (``Store.query`` takes no timeout or cancel handle, and a
thread cannot be interrupted inside it), so each query is sent to one of a few worker processes holding
the store open read-only; a worker that does not answer within the time limit is killed and replaced,
and the server itself never waits longer than the limit. The answer is written by the worker into a
buffer that refuses to grow past the size limit, so a huge result never reaches the server's memory.

Updates are refused twice: the endpoint answers ``403`` to any update request, and the workers open the
store read-only, where Oxigraph refuses every transaction.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import IO, Any, cast

__all__ = ["Answer", "QueryRunner", "run_query"]


@dataclass(frozen=True)
class Answer:
    """What the endpoint sends: status, ``Content-Type`` and bytes (a plain-text message on errors)."""

    status: int
    content_type: str
    body: bytes


def _text(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"))


RESULTS = (
    ("application/sparql-results+json", "application/sparql-results+json", "JSON"),
    ("application/sparql-results+xml", "application/sparql-results+xml", "XML"),
    ("text/csv", "text/csv; charset=utf-8", "CSV"),
    ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8", "TSV"),
    ("application/json", "application/sparql-results+json", "JSON"),
)
"""Result formats of SELECT and ASK: media type asked, ``Content-Type`` sent, Oxigraph's format."""
GRAPHS = (
    ("text/turtle", "text/turtle; charset=utf-8", "TURTLE"),
    ("application/n-triples", "application/n-triples", "N_TRIPLES"),
    ("application/rdf+xml", "application/rdf+xml; charset=utf-8", "RDF_XML"),
    ("application/ld+json", "application/ld+json", "JSON_LD"),
)
"""Formats of CONSTRUCT and DESCRIBE results."""


class TooLarge(Exception):
    """The answer grew past the size limit while being written."""


class _Bounded:
    """A binary sink that refuses to hold more than ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise TooLarge
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Oxigraph flushes its writer at the end."""


def _prefixes() -> dict[str, str]:
    """The published files' prefixes, for Turtle and RDF/XML answers a person can read."""
    from kustavi_dcat.namespaces import PREFIXES

    return dict(PREFIXES)


def _choose(accept: str | None, offers: tuple[tuple[str, str, str], ...]) -> tuple[str, str, str] | None:
    from kustavi_dcat.web.negotiation import Format, choose_format

    formats = [Format(media, content) for media, content, _ in offers]
    chosen = choose_format(accept, formats)
    return None if chosen is None else offers[formats.index(chosen)]


def run_query(store: Any, text: str, accept: str | None, limit: int) -> Answer:
    """Run one query on ``store`` and write its answer in the format ``accept`` prefers, within ``limit`` bytes."""
    import pyoxigraph as ox

    try:
        result = store.query(text)
    except SyntaxError as exc:
        return _not_a_query(store, text, exc)
    is_graph = isinstance(result, ox.QueryTriples)
    offers = GRAPHS if is_graph else RESULTS
    chosen = _choose(accept, offers)
    if chosen is None:
        return _text(406, "Available: " + ", ".join(media for media, _, _ in offers[:4]))
    _, content_type, name = chosen
    fmt = getattr(ox.RdfFormat if is_graph else ox.QueryResultsFormat, name)
    sink = _Bounded(limit)
    try:
        if is_graph:
            ox.serialize(result, cast(IO[bytes], sink), fmt, prefixes=_prefixes())
        else:
            result.serialize(sink, fmt)
    except TooLarge:
        return _text(422, f"The answer is larger than the limit of {limit} bytes; narrow the query or add LIMIT.")
    return Answer(200, content_type, b"".join(sink.parts))


def _not_a_query(store: Any, text: str, exc: SyntaxError) -> Answer:
    """403 when the text is an update (the read-only store refuses it unrun), else 400 with the parser's words."""
    try:
        store.update(text)
    except SyntaxError:
        return _text(400, f"The query does not parse: {exc}")
    except (RuntimeError, OSError):
        return _text(403, "This endpoint is read-only: updates are refused.")
    return _text(500, "The store accepted an update; it should be read-only.")  # pragma: no cover


def _worker(store_path: str, conn: Connection) -> None:
    """A worker process: opens the store read-only and answers ``(query, accept, limit)`` until told to stop."""
    import pyoxigraph as ox

    store = ox.Store.read_only(store_path)
    while True:
        try:
            job = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if job is None:
            return
        try:
            answer = run_query(store, *job)
        except Exception as exc:  # an Oxigraph failure on one query must not end the worker
            answer = _text(500, f"The query failed: {type(exc).__name__}: {exc}")
        conn.send(answer)


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection


class QueryRunner:
    """A few worker processes over the store; ``ask`` waits at most ``timeout`` seconds for an answer.

    A request that finds every worker busy waits for one up to ``timeout`` seconds as well, then gets
    ``503`` (a client cannot queue more work than the workers can do).
    """

    def __init__(self, store_path: Path, workers: int, timeout: float, limit: int) -> None:
        self.store_path = str(store_path)
        self.timeout = timeout
        self.limit = limit
        self._context = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(workers):
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        mine, theirs = self._context.Pipe()
        process = self._context.Process(target=_worker, args=(self.store_path, theirs), daemon=True,
                                        name="kustavi-dcat-sparql")
        process.start()
        theirs.close()
        worker = _Worker(process, mine)
        with self._lock:
            self._all.append(worker)
        return worker

    def ask(self, text: str, accept: str | None) -> Answer:
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return _text(503, "Every query worker is busy; try again shortly.")
        try:
            worker.conn.send((text, accept, self.limit))
            if worker.conn.poll(self.timeout):
                answer: Answer = worker.conn.recv()
                self._idle.put(worker)
                return answer
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            return _text(500, "The query worker stopped; the query was not answered.")
        self._replace(worker)
        return _text(503, f"The query ran past the time limit of {self.timeout:g} s and was stopped.")

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start another in the background, so the request answers at once."""
        worker.process.kill()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        threading.Thread(target=self._restart, args=(worker,), daemon=True).start()

    def _restart(self, worker: _Worker) -> None:
        worker.process.join(timeout=5)
        worker.conn.close()
        if not self._closed:
            self._idle.put(self._start())

    def close(self) -> None:
        """Stop every worker (they are daemons, so they also end with the server)."""
        self._closed = True
        with self._lock:
            workers, self._all = list(self._all), []
        for worker in workers:
            worker.process.kill()
            worker.process.join(timeout=5)
            worker.conn.close()


Runner = Callable[[str, str | None], Answer]
