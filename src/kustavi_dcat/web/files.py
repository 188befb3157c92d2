"""The published files, opened once at start and held open: every answer comes from what was opened then.

Holding the descriptors (rather than the bytes) keeps memory flat at national scale, and a ``publish``
that renames new files into place meanwhile changes nothing a running server sends: it keeps reading
the files it opened until it is restarted. No request opens a file.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import resource
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from kustavi_dcat.errors import OutputError
from kustavi_dcat.page import ANCHORS_FILE, PAGE_FILES, SECTION_FILE
from kustavi_dcat.web.negotiation import FILES, HTML, TURTLE, Format

__all__ = ["GZIP_LIMIT", "PAGES", "VOCABULARY", "Body", "HeldFile", "Published"]

GZIP_LIMIT = 32 * 1024 * 1024
"""Files up to this size are gzipped once, on first demand, and kept; larger ones are sent as they are."""
PAGES = PAGE_FILES
"""The published front pages by language (Finnish is the default); a large catalogue also has section
pages (``page.SECTION_FILE``) and ``page.ANCHORS_FILE``, which says on which one an anchor is."""
VOCABULARY = {"s28.ttl": TURTLE, "s28.html": HTML}
"""The section 28 vocabulary published beside the catalogue, at its namespace's path (``<base>s28``)."""
_CHUNK = 256 * 1024


@dataclass(frozen=True)
class Body:
    """One computed representation: identity and gzip forms with their strong ETags."""

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


@dataclass
class HeldFile:
    """A published file held open: read at offsets (``pread``), so threads never share a file position."""

    name: str
    fmt: Format
    fd: int
    size: int
    mtime: float
    _digest: str | None = None
    _gzipped: bytes | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def read_at(self, size: int, offset: int) -> bytes:
        return os.pread(self.fd, size, offset)

    def chunks(self) -> Iterator[bytes]:
        offset = 0
        while offset < self.size and (chunk := self.read_at(min(_CHUNK, self.size - offset), offset)):
            offset += len(chunk)
            yield chunk

    def stream(self) -> IO[bytes]:
        """A fresh reader of the whole file from its start (for the store's bulk load)."""
        reader = os.fdopen(os.dup(self.fd), "rb", buffering=_CHUNK)
        reader.seek(0)
        return reader

    @property
    def digest(self) -> str:
        with self._lock:
            if self._digest is None:
                from kustavi_dcat.web.store import digest_of

                self._digest = digest_of(self.read_at)
            return self._digest

    @property
    def gzipped(self) -> bytes | None:
        """The gzip form, made once; None for a file above ``GZIP_LIMIT``."""
        if self.size > GZIP_LIMIT:
            return None
        with self._lock:
            if self._gzipped is None:
                self._gzipped = gzip.compress(b"".join(self.chunks()), compresslevel=6, mtime=0)
            return self._gzipped


def _hold(path: Path, root: Path, fmt: Format) -> HeldFile:
    if not path.resolve().is_relative_to(root):
        raise OutputError(f"{path}: points outside {root}; refusing to serve it")
    try:
        fd = os.open(path, os.O_RDONLY)
        stat = os.fstat(fd)
    except OSError as exc:
        raise OutputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    return HeldFile(path.name, fmt, fd, stat.st_size, stat.st_mtime)


@dataclass
class Published:
    """The four catalogue files (required), and the human pages and vocabulary files that exist; all held open.

    The pages grow with the catalogue (hundreds of MB each at national scale), so they are held, not read.
    """

    files: dict[str, HeldFile]
    pages: dict[str, HeldFile]
    vocabulary: dict[str, HeldFile]
    sections: dict[str, HeldFile] = field(default_factory=dict)
    """A large catalogue's section pages, by file name (every language)."""
    anchors: dict[str, str] = field(default_factory=dict)
    """``ANCHORS_FILE`` read at start: an IRI's path under the base -> the Finnish page showing it."""

    @classmethod
    def open(cls, out_dir: Path) -> Published:
        missing = [name for name in FILES if not (out_dir / name).is_file()]
        if missing:
            raise OutputError(f"{out_dir}: missing {', '.join(missing)}; run `kustavi-dcat publish` first")
        root = out_dir.resolve()
        files = {name: _hold(out_dir / name, root, fmt) for name, fmt in FILES.items()}
        pages = {lang: _hold(out_dir / name, root, HTML) for lang, name in PAGES.items() if (out_dir / name).is_file()}
        vocabulary = {name: _hold(out_dir / name, root, fmt) for name, fmt in VOCABULARY.items()
                      if (out_dir / name).is_file()}
        names = sorted(p.name for p in out_dir.iterdir() if SECTION_FILE.fullmatch(p.name) and p.is_file())
        _room_for(len(names))
        sections = {name: _hold(out_dir / name, root, HTML) for name in names}
        return cls(files, pages, vocabulary, sections, _anchors(out_dir / ANCHORS_FILE))

    def close(self) -> None:
        for held in (*self.files.values(), *self.pages.values(), *self.vocabulary.values(),
                     *self.sections.values()):
            os.close(held.fd)


def _anchors(path: Path) -> dict[str, str]:
    """The anchor map a large catalogue's publish wrote (empty without one: everything is on ``index.html``)."""
    if not path.is_file():
        return {}
    try:
        anchors = json.loads(path.read_bytes())["anchors"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise OutputError(f"{path}: not the anchor map publish writes ({exc}); run `kustavi-dcat publish` again") \
            from exc
    if not isinstance(anchors, dict) or not all(isinstance(k, str) and isinstance(v, str) and SECTION_FILE.fullmatch(v)
                                                for k, v in anchors.items()):
        raise OutputError(f"{path}: not the anchor map publish writes; run `kustavi-dcat publish` again")
    return anchors


HEADROOM = 4096
"""Descriptors kept free beside the held pages: connections (up to 1,000), the store's files, workers."""


def _room_for(held: int) -> None:
    """Raise the soft limit on open files towards the hard one when a large catalogue's section pages
    (three per section: 1,200 at national scale) would leave too few descriptors for connections and the
    store. Past the hard limit, opening a page fails with "Too many open files" (exit 4)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = held + HEADROOM
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want if hard == resource.RLIM_INFINITY else min(want, hard), hard))
