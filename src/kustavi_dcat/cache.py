"""Record cache: what each resource file became (its checks, its nodes' results, its text in all four
formats), found again by content hash, so that a republish redoes only the files that changed.

Reading, mapping, validating and rendering a resource file depend only on that file's bytes and name, on
``catalog.yaml`` (publisher, agents, contact point, places, sections) and on this program, so an entry is
keyed by a SHA-256 over exactly those: the code fingerprint (every module, shape and data file of the
package, and the Python, rdflib and PyYAML versions), the bytes of ``catalog.yaml``, the file's name and
its bytes. A changed byte anywhere in them is a different key, so a stale entry is never found; an entry
whose stored key differs from its file name's, or that cannot be read, is ignored and made again.

An entry is one file: a magic number, a digest, an 8-byte length, the record's summary (``records.unit.Unit``:
identifiers, types, validation results, block offsets) as JSON, and then the record's text blocks, read
back with ``pread`` while the output files are assembled (where the blocks start is read from the file
itself, so an entry stored again meanwhile is still read right). Entries are written as they are made (by
the worker processes); they depend only on their key, so a publish that fails later leaves nothing wrong
behind.

The catalogue level (``records.catalogue.Level``: the catalogue-level nodes' results and text, and the order of
every file's blocks) is one more file, ``catalogue-<key>``, keyed by the code, ``catalog.yaml`` and every
record's public digest in order; a stored level also stands for the cross-record identifier checks it
passed, since the digests hold every identifier each record defines and refers to. Entries not used by
a successful publish are removed then. The assembly of the files runs every time.

What is read back can neither run code nor be published unchecked (docs/cache-and-publishing.md):

* entries are plain data (JSON and text), never pickles;
* each entry carries an HMAC-SHA256 of its key and its whole content under a secret made for the cache
  folder (``secret``, 32 random bytes, 0600): an entry whose digest differs (a flipped byte, an edited
  title, an entry planted by someone who computed its key from public inputs) is a miss and made again;
* an entry is opened without following links and without blocking, and only a regular file is read
  (a FIFO or a device in its place is a miss);
* the folder is the user's own: by default ``$XDG_CACHE_HOME/kustavi-dcat`` (``~/.cache/kustavi-dcat``)
  with one subfolder per output folder, made 0700; a cache folder owned by someone else or writable by
  others is refused (``checked_dir``), and the publish says so and uses a temporary one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
import sys
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata, resources
from pathlib import Path

import rdflib
import yaml

FORMAT = 3
"""Bumped when the layout of an entry changes."""

MAGIC = b"KDC3"
"""The first bytes of an entry (and of the stored catalogue level)."""

DIGEST_SIZE = 32
HEAD_AT = len(MAGIC) + DIGEST_SIZE + 8
"""Where an entry's JSON summary starts (after the magic, the digest and the summary's length)."""

SECRET = "secret"
"""The file, in the cache folder, holding the key of the entries' digests."""

APP_DIR = "kustavi-dcat"
"""The application's folder in the user's cache folder."""

MAX_LEVEL_BYTES = 1 << 31
"""A stored catalogue level larger than this is not read (a national one is tens of megabytes)."""

@cache
def code_fingerprint() -> str:
    """A hash of everything that decides how a file is read, mapped and rendered: this package's files
    (``package_files``), Python, rdflib, PyYAML and Jinja2 (the cache keeps rendered section pages)."""
    libyaml = getattr(yaml, "__with_libyaml__", False)
    versions = f"{sys.version}|{rdflib.__version__}|{yaml.__version__}|{libyaml}|{metadata.version('Jinja2')}"
    digest = hashlib.sha256(f"{FORMAT}|{versions}".encode())
    # The shapes package too: the mapping copies labels from its vocabularies.ttl, and in an editable
    # install it lives outside the package folder.
    for package in ("kustavi_dcat", "kustavi_dcat.shapes"):
        root = Path(str(resources.files(package)))
        for path in sorted(package_files(root)):
            digest.update(f"{package}/{path.relative_to(root)}".encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


FINGERPRINTED = (".py", ".ttl", ".json", ".html", ".css")
"""The kinds of the package's files that decide what a record becomes (code, vocabularies, the JSON-LD
context, page templates and stylesheet)."""


def package_files(root: Path) -> list[Path]:
    """Every file under ``root`` (subpackages included) whose bytes ``code_fingerprint`` hashes."""
    return [p for p in root.rglob("*") if p.is_file() and p.suffix in FINGERPRINTED
            and "__pycache__" not in p.parts]


def user_cache_root() -> Path:
    """The user's cache folder, as the XDG base-directory convention says: ``$XDG_CACHE_HOME`` if it is
    an absolute path, else ``~/.cache``."""
    configured = os.environ.get("XDG_CACHE_HOME", "")
    if configured and os.path.isabs(configured):
        return Path(configured)
    return Path(os.path.expanduser("~")) / ".cache"


def default_dir(out_dir: Path) -> Path:
    """The default cache folder of an output folder: ``<user cache>/kustavi-dcat/<hash of its absolute path>``
    (the user's own, never beside the output, which may be a shared folder)."""
    name = hashlib.sha256(os.fsencode(Path(out_dir).absolute())).hexdigest()[:16]
    return user_cache_root() / APP_DIR / name


def checked_dir(folder: Path) -> str | None:
    """Make ``folder`` (0700) if needed; None if it may hold a cache, else why not: it must be a folder of
    this user that no one else can write to (else anyone could plant or swap entries)."""
    try:
        _make_private(Path(folder))
        info = os.stat(folder)
    except OSError as exc:
        return exc.strerror or str(exc)
    if not stat.S_ISDIR(info.st_mode):
        return "not a folder"
    return _foreign(info, 0o022, "writable by other users")


def _make_private(folder: Path) -> None:
    """Make ``folder`` and any missing parent 0700 (``os.makedirs`` gives parents the umask's mode), as
    the XDG convention asks of the folders it makes."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for path in reversed(missing):
        path.mkdir(mode=0o700, exist_ok=True)


def _foreign(info: os.stat_result, forbidden: int, what: str) -> str | None:
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        return f"owned by another user (uid {info.st_uid}), so it could hold entries this user did not make"
    if info.st_mode & forbidden:
        return f"{what} (mode {stat.S_IMODE(info.st_mode):04o}); `chmod go-rwx` it, or give another --cache-dir"
    return None


def _open_regular(path: Path) -> int:
    """A descriptor of ``path`` if it is a regular file (a link, FIFO or device raises ``OSError``; the
    open never waits for a writer)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path}: not a regular file")
    except BaseException:
        os.close(fd)
        raise
    return fd


def _read_all(fd: int, size: int) -> bytes:
    parts: list[bytes] = []
    at = 0
    while at < size:
        part = os.pread(fd, min(size - at, 1 << 24), at)
        if not part:
            break
        parts.append(part)
        at += len(part)
    return b"".join(parts)


def load_secret(folder: Path) -> bytes:
    """The cache folder's secret, made (0600) on first use; raises ``OSError`` naming what is wrong if the
    file is not this user's private regular file of the right size."""
    path = folder / SECRET
    if not os.path.lexists(path):
        _make_secret(path)
    fd = _open_regular(path)
    try:
        why = _foreign(os.fstat(fd), 0o077, "readable or writable by other users")
        data = _read_all(fd, 64)
    finally:
        os.close(fd)
    if why is not None or len(data) != 32:
        raise OSError(f"{path}: {why or 'not a secret this program made'}")
    return data


def _make_secret(path: Path) -> None:
    """Write a new secret beside ``path`` and link it into place: a publish starting at the same moment
    sees no secret or a whole one, and the first link wins."""
    temp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    temp.unlink(missing_ok=True)  # left by a killed process that had this process id
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with open(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
            handle.flush()
            os.fsync(handle.fileno())
        with suppress(FileExistsError):
            os.link(temp, path)
    finally:
        temp.unlink(missing_ok=True)


@dataclass
class RecordCache:
    """Entries for one source folder, by key (see the module docstring)."""

    folder: Path
    catalog_bytes: bytes = b""
    used: set[str] = field(default_factory=set)
    """Keys of this run's entries: found, or made."""
    hits: int = 0
    _base: tuple[bytes, object] | None = field(default=None, repr=False)
    _secret: bytes | None = field(default=None, repr=False)

    @classmethod
    def for_source(cls, cache_dir: Path, source_dir: Path) -> RecordCache:
        """The cache of ``source_dir`` inside ``cache_dir`` (each source folder has its own subfolder)."""
        name = hashlib.sha256(str(Path(source_dir).absolute()).encode()).hexdigest()[:16]
        return cls(Path(cache_dir) / name)

    @property
    def secret(self) -> bytes:
        if self._secret is None:
            self._secret = load_secret(self.folder.parent)
        return self._secret

    def key(self, name: str, data: bytes) -> str:
        if self._base is None or self._base[0] is not self.catalog_bytes:
            base = hashlib.sha256(code_fingerprint().encode())
            base.update(len(self.catalog_bytes).to_bytes(8, "big") + self.catalog_bytes)
            self._base = (self.catalog_bytes, base)
        digest = self._base[1].copy()  # type: ignore[attr-defined]  # the code and catalog.yaml hashed once
        for part in (name.encode(), data):
            digest.update(len(part).to_bytes(8, "big") + part)
        return str(digest.hexdigest())

    def path(self, key: str) -> Path:
        return self.folder / key

    def _mac(self, key: str, *parts: bytes) -> bytes:
        mac = hmac.new(self.secret, key.encode("ascii") + b"\0", hashlib.sha256)
        for part in parts:
            mac.update(part)
        return mac.digest()

    def get(self, key: str) -> tuple[bytes, int] | None:
        """The stored summary (its JSON bytes) and the length of the blocks after it, or None: missing,
        not a regular file, or not what this cache stored under this key (its digest differs)."""
        found = self._read(key, 1 << 30)
        if found is not None:
            self.used.add(key)
            self.hits += 1
        return found

    def _read(self, key: str, limit: int) -> tuple[bytes, int] | None:
        try:
            fd = _open_regular(self.folder / key)
            try:
                size = os.fstat(fd).st_size
                data = _read_all(fd, size) if HEAD_AT <= size <= limit else b""
            finally:
                os.close(fd)
            if len(data) < HEAD_AT or data[:len(MAGIC)] != MAGIC:
                return None
            head_size = int.from_bytes(data[HEAD_AT - 8:HEAD_AT], "big")
            if HEAD_AT + head_size > len(data):
                return None
            mac = data[len(MAGIC):len(MAGIC) + DIGEST_SIZE]
            if not hmac.compare_digest(mac, self._mac(key, data[HEAD_AT - 8:])):
                return None
        except OSError:  # missing, unreadable, a FIFO, a link, a bad secret: only a miss
            return None
        return data[HEAD_AT:HEAD_AT + head_size], len(data) - HEAD_AT - head_size

    def put(self, key: str, head: bytes, blob: bytes) -> None:
        """Store an entry atomically. Raises ``OSError`` if it cannot."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        length = len(head).to_bytes(8, "big")
        self._write(key, [MAGIC, self._mac(key, length, head, blob), length, head, blob])

    def _write(self, name: str, parts: list[bytes]) -> None:
        temp = self.folder / f".{name[:20]}.tmp-{os.getpid()}"
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
            with open(fd, "wb") as handle:
                for part in parts:
                    handle.write(part)
            os.replace(temp, self.folder / name)
        except BaseException:  # e.g. a full disk: leave no partial file behind
            temp.unlink(missing_ok=True)
            raise

    def open_blocks(self, key: str, blob_size: int) -> tuple[int, int]:
        """A descriptor of an entry and where its blocks start (read from the file itself: another publish
        may have stored the entry again meanwhile). Raises ``OSError`` (or ``ValueError`` if the file no
        longer holds ``blob_size`` bytes of blocks)."""
        fd = _open_regular(self.folder / key)
        try:
            head = os.pread(fd, HEAD_AT, 0)
            blob_at = HEAD_AT + int.from_bytes(head[HEAD_AT - 8:], "big")
            if len(head) != HEAD_AT or head[:len(MAGIC)] != MAGIC or os.fstat(fd).st_size != blob_at + blob_size:
                raise ValueError(key)
        except BaseException:
            os.close(fd)
            raise
        return fd, blob_at

    def catalogue_key(self, parts: list[str]) -> str:
        """The key of the catalogue level: the code, catalog.yaml and every record's public digest in order."""
        digest = hashlib.sha256(code_fingerprint().encode())
        digest.update(len(self.catalog_bytes).to_bytes(8, "big") + self.catalog_bytes)
        digest.update("\n".join(parts).encode("utf-8"))
        return digest.hexdigest()

    def catalogue_name(self, key: str) -> str:
        return f"catalogue-{key}"

    def get_catalogue(self, key: str) -> bytes | None:
        """The stored catalogue level (its JSON bytes), or None."""
        found = self._read(self.catalogue_name(key), MAX_LEVEL_BYTES)
        return found[0] if found is not None and found[1] == 0 else None

    def put_catalogue(self, key: str, level: bytes) -> None:
        """Store the catalogue level (a cache that cannot be written costs only time next time)."""
        try:
            self.put(self.catalogue_name(key), level, b"")
        except OSError:
            return

    def page_name(self, key: str) -> str:
        return f"page-{key}"

    def get_page(self, key: str) -> bytes | None:
        """A stored page (a large catalogue's section page in one language, ``page.split``), or None."""
        found = self._read(self.page_name(key), MAX_LEVEL_BYTES)
        return found[0] if found is not None and found[1] == 0 else None

    def put_page(self, key: str, page: bytes) -> None:
        """Store a page (a cache that cannot be written costs only time next time)."""
        try:
            self.put(self.page_name(key), page, b"")
        except OSError:
            return

    def usable(self) -> str | None:
        """None if entries can be stored here, else why not (checked once, before any work)."""
        probe = self.folder / f".probe-{os.getpid()}"
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            why = _foreign(os.stat(self.folder), 0o022, "writable by other users")
            if why is not None:
                return f"{self.folder}: {why}"
            self.secret  # noqa: B018 -- made or checked now, not in every worker
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            return exc.strerror or str(exc)
        return None

    def prune(self, used: set[str]) -> None:
        """Remove the entries a successful publish did not use (a cache that cannot be tidied costs nothing)."""
        try:
            for path in self.folder.iterdir():
                if path.name not in used:
                    path.unlink(missing_ok=True)
        except OSError:
            return


def dumps(value: object) -> bytes:
    """Plain values as compact JSON (the summaries' and the catalogue level's encoding)."""
    return json.dumps(value, separators=(",", ":")).encode("utf-8")


def loads(data: bytes) -> object:
    """``dumps`` read back: plain values only (dicts, lists, strings, numbers, None), nothing that runs."""
    return json.loads(data)
