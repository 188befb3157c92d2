"""Reading a published catalogue back, offline: any of the four formats, chosen by file extension.

``diff`` compares two such files and ``validate FILE`` checks one. JSON-LD is expanded with pyld under a
document loader that refuses every URL, so a remote context is never fetched; a file that cannot be read
is a ``UnreadableCatalogue`` (exit 3) that names the file and says why.
"""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph

from kustavi_dcat.errors import EXIT_SOURCE, KustaviError
from kustavi_dcat.serialise import refuse_urls

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
    if path.is_dir():
        raise UnreadableCatalogue(f"{path}: is a folder; give a catalogue file, e.g. {path / 'catalog.ttl'}")
    fmt = FORMATS_BY_EXTENSION.get(path.suffix.lower())
    if fmt is None:
        raise UnreadableCatalogue(
            f"{path}: cannot tell the format from the extension `{path.suffix}`; "
            f"use one of {', '.join(sorted(FORMATS_BY_EXTENSION))}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableCatalogue(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    from pyld import jsonld  # imported here: it pulls in an HTTP library the rest never needs

    try:
        if fmt == "json-ld":
            return _jsonld_graph(data)
        return Graph().parse(data=data, format=fmt)
    except jsonld.JsonLdError as exc:
        url = (getattr(exc, "details", None) or {}).get("url")
        if url:
            raise UnreadableCatalogue(
                f"{path}: refers to {url}, which is never fetched; use a file with its JSON-LD context "
                "inline, as `publish` writes it") from exc
        raise UnreadableCatalogue(f"{path}: is not readable as JSON-LD ({_summary(exc)})") from exc
    except Exception as exc:  # rdflib, expat and json raise many types; all mean "not this format"
        raise UnreadableCatalogue(f"{path}: is not readable as {fmt} ({_summary(exc)})") from exc


def _jsonld_graph(data: bytes) -> Graph:
    """JSON-LD expanded with pyld under a loader that refuses URLs, so a remote context is never fetched."""
    from pyld import jsonld

    document = json.loads(data.decode("utf-8"))
    expanded = jsonld.expand(document, {"documentLoader": refuse_urls})
    return Graph().parse(data=json.dumps(expanded), format="json-ld")


def _summary(exc: BaseException) -> str:
    """The parser's complaint on one line, cut to a readable length."""
    text = " ".join(str(exc).split())
    return (text[:240] + "\u2026" if len(text) > 240 else text) or type(exc).__name__


# -- comparing -------------------------------------------------------------------------------------
