"""Reading a published catalogue back, offline: any of the four formats, chosen by file extension.

``diff`` compares two such files and ``validate FILE`` checks one. JSON-LD is expanded with pyld under a
document loader that refuses every URL, so a remote context is never fetched; a file that cannot be read
is a ``UnreadableCatalogue`` (exit 3) that names the file and says why.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from rdflib import Graph

from kustavi_dcat import hetu
from kustavi_dcat.errors import EXIT_SOURCE, KustaviError, shown_path
from kustavi_dcat.serialise import refuse_urls

MAX_CATALOGUE_BYTES = 256 * 1024 * 1024
"""The largest file ``validate FILE`` and ``diff`` read: rdflib holds a graph in about twenty times its
file's size, so a larger file is refused before it is read instead of exhausting memory."""

FORMATS_BY_EXTENSION: dict[str, str] = {
    ".ttl": "turtle",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".xml": "xml",
    ".nt": "nt",
}
"""File extension to rdflib parser; the first four are what ``publish`` writes."""


class UnreadableCatalogue(KustaviError):
    """A catalogue file given to ``diff`` or ``validate`` cannot be read as RDF (exit 3, like any unreadable input)."""

    exit_code = EXIT_SOURCE


def read_catalogue(path: Path) -> Graph:
    """Parse ``path`` by its extension; raises ``UnreadableCatalogue`` saying why it cannot be read."""
    name = shown_path(path)
    if path.is_dir():
        example = shown_path(path / "catalog.ttl")
        raise UnreadableCatalogue(f"{name}: is a folder; give a catalogue file, e.g. {example}")
    fmt = FORMATS_BY_EXTENSION.get(path.suffix.lower())
    if fmt is None:
        raise UnreadableCatalogue(
            f"{name}: cannot tell the format from the extension `{shown_path(path.suffix)}`; "
            f"use one of {', '.join(sorted(FORMATS_BY_EXTENSION))}")
    data = _bytes(path, name)
    if fmt == "xml":
        _refuse_entities(data, name)
    from pyld import jsonld  # imported here: it pulls in an HTTP library the rest never needs

    try:
        if fmt == "json-ld":
            return _jsonld_graph(data)
        return Graph().parse(data=data, format=fmt)
    except jsonld.JsonLdError as exc:
        url = (getattr(exc, "details", None) or {}).get("url")
        if url:
            raise UnreadableCatalogue(
                f"{name}: refers to {_summary(url)}, which is never fetched; use a file with its JSON-LD context "
                "inline, as `publish` writes it") from exc
        raise UnreadableCatalogue(f"{name}: is not readable as JSON-LD ({_summary(exc)})") from exc
    except Exception as exc:  # rdflib, expat and json raise many types; all mean "not this format"
        raise UnreadableCatalogue(f"{name}: is not readable as {fmt} ({_summary(exc)})") from exc


def _bytes(path: Path, name: str) -> bytes:
    """The file's bytes, refusing one over ``MAX_CATALOGUE_BYTES`` before reading it."""
    limit = MAX_CATALOGUE_BYTES
    too_big = (f"{name}: is larger than {limit // 1024 ** 2} MiB, the most `validate` and `diff` read; check "
               "a source folder with `kustavi-dcat validate --source DIR` instead")
    try:
        if path.stat().st_size > limit:
            raise UnreadableCatalogue(too_big)
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise UnreadableCatalogue(f"{name}: cannot be read ({exc.strerror or exc})") from exc
    if len(data) > limit:
        raise UnreadableCatalogue(too_big)
    return data


class _EndOfProlog(Exception):
    """The root element started: the document type declaration, if any, is behind."""


def _refuse_entities(data: bytes, name: str) -> None:
    """Refuse RDF/XML whose document type declares entities (a few hundred bytes of nested entities expand
    to gigabytes in rdflib's parser). Expat reads only the prolog: it stops at the root element."""
    from xml.parsers import expat

    declared: list[str] = []
    parser = expat.ParserCreate()

    def entity(entity_name: str, *_: object) -> None:
        declared.append(entity_name)
        raise _EndOfProlog

    def start(*_: object) -> None:
        raise _EndOfProlog

    parser.EntityDeclHandler = entity
    parser.StartElementHandler = start
    with contextlib.suppress(_EndOfProlog, expat.ExpatError):  # a syntax error: the RDF/XML parser says it
        parser.Parse(data, True)
    if declared:
        raise UnreadableCatalogue(
            f"{name}: declares XML entities in its document type (<!ENTITY ...>), which are never expanded; "
            "write the file without a DOCTYPE, as `publish` does")


def _jsonld_graph(data: bytes) -> Graph:
    """JSON-LD expanded with pyld under a loader that refuses URLs, so a remote context is never fetched."""
    from pyld import jsonld

    document = json.loads(data.decode("utf-8"))
    expanded = jsonld.expand(document, {"documentLoader": refuse_urls})
    return Graph().parse(data=json.dumps(expanded), format="json-ld")


def _summary(exc: object) -> str:
    """The parser's complaint on one line, cut to a readable length (never inside a personal identity
    code, which is masked), with control characters escaped."""
    text = " ".join(str(exc).split())
    return shown_path(hetu.shorten(text, 241)) or type(exc).__name__


# -- comparing -------------------------------------------------------------------------------------
