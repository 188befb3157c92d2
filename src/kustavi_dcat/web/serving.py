"""``kustavi-dcat serve``: the application behind waitress, a production WSGI server in pure Python.

Waitress reads requests with non-blocking sockets and hands whole requests to a pool of threads, so
idle or slow clients (slowloris) hold no thread; the limits below bound what one client can make it
hold: connections, idle time, header and body size. It refuses malformed framing itself (a repeated
``Content-Length`` is a ``400``).
"""

from __future__ import annotations

import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import FrameType
from typing import Any

from waitress import wasyncore
from waitress.server import create_server

from kustavi_dcat.errors import KustaviError

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "Background", "Limits", "access_log", "build_server", "listening_on",
           "serve_until_stopped", "stop", "url_of"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True)
class Limits:
    """What one server accepts; see docs/serve.md for why each is what it is."""

    threads: int = 8
    connection_limit: int = 1000
    channel_timeout: int = 30
    """Seconds an idle (or slowly sending) connection is kept before it is closed."""
    max_request_header_size: int = 64 * 1024
    max_request_body_size: int = 1024 * 1024


def _printable(text: str) -> str:
    """Log text with control characters escaped, so a request cannot forge or hide log lines."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


_LOG_LOCK = threading.Lock()


def access_log(app: WSGIApp, stream: Any = None) -> WSGIApp:
    """``app`` writing one line per request (common log format) to ``stream`` (stderr when None)."""
    def logged(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        status: list[str] = []

        def recording(code: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status.append(code.split(" ", 1)[0])
            return start_response(code, headers, exc_info) if exc_info else start_response(code, headers)

        body = app(environ, recording)
        request = f"{environ.get('REQUEST_METHOD')} {environ.get('REQUEST_URI', '')} {environ.get('SERVER_PROTOCOL')}"
        stamp = time.strftime("%d/%b/%Y:%H:%M:%S %z")
        code = status[0] if status else "-"
        line = f'{environ.get("REMOTE_ADDR", "-")} - - [{stamp}] "{_printable(request)}" {code}\n'
        with _LOG_LOCK:
            out = stream or sys.stderr
            out.write(line)
            out.flush()
        return body

    return logged


def build_server(app: WSGIApp, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                 limits: Limits = Limits(), sock: socket.socket | None = None) -> Any:
    """A waitress server for ``app`` listening on ``host:port`` (port 0: any free port), or on ``sock``."""
    options: dict[str, Any] = {
        "threads": limits.threads, "connection_limit": limits.connection_limit,
        "channel_timeout": limits.channel_timeout, "cleanup_interval": max(1, limits.channel_timeout // 2),
        "max_request_header_size": limits.max_request_header_size,
        "max_request_body_size": limits.max_request_body_size,
        "ident": "kustavi-dcat", "expose_tracebacks": False, "clear_untrusted_proxy_headers": True,
        "asyncore_use_poll": True,  # select() cannot watch more than 1024 sockets
    }
    return create_server(app, sockets=[sock or _listen(host, port)], **options)


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port``; bound here, so a refusal leaves nothing of the server open."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise KustaviError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from exc
    return sock


def listening_on(server: Any) -> tuple[str, int]:
    """The host and port a server built by ``build_server`` listens on."""
    host, port = server.socket.getsockname()[:2]
    return str(host), int(port)


def url_of(server: Any) -> str:
    host, port = listening_on(server)
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def serve_until_stopped(server: Any) -> None:
    """Serve until Ctrl-C (or SIGTERM), then close the listening socket and return."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
        signal.signal(signal.SIGINT, _interrupt)  # also when started with SIGINT ignored (a background job)
    try:
        server.run()  # returns on KeyboardInterrupt, after stopping its threads
    except KeyboardInterrupt:
        pass
    finally:
        stop(server)


def stop(server: Any) -> None:
    """Stop the worker threads and close the listening socket and every connection, idle ones included."""
    server.task_dispatcher.shutdown()
    wasyncore.close_all(server._map)


class Background:
    """A server running in a thread (tests, benchmarks); ``stop`` returns without waiting for idle clients."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self._stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True, name="kustavi-dcat-serve")
        self.thread.start()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            wasyncore.loop(timeout=0.1, map=self.server._map, use_poll=True, count=1)

    def stop(self) -> None:
        self._stopping.set()
        self.thread.join(timeout=10)
        stop(self.server)
