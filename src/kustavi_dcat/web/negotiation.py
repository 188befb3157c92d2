"""What a request asks for: the representation (``Accept``), gzip (``Accept-Encoding``) and a safe path.

``Accept`` is parsed by Werkzeug (malformed elements and q-values outside 0..1 are dropped there); the
choice among the offers follows RFC 9110, 12.5.1: the most specific range that matches an offer gives
its q, so ``text/turtle;q=0, */*`` excludes Turtle, which Werkzeug's own ``best_match`` would pick.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

__all__ = [
    "FILES",
    "HTML",
    "JSONLD",
    "NEGOTIABLE",
    "NTRIPLES",
    "RDFXML",
    "RDF_FORMATS",
    "TURTLE",
    "Format",
    "accepts_gzip",
    "choose_format",
    "safe_path",
]


@dataclass(frozen=True)
class Format:
    """A representation the server can send: its media type and the ``Content-Type`` it is sent with."""

    media_type: str
    content_type: str


TURTLE = Format("text/turtle", "text/turtle; charset=utf-8")
JSONLD = Format("application/ld+json", "application/ld+json")  # JSON is UTF-8 by definition: no charset
RDFXML = Format("application/rdf+xml", "application/rdf+xml; charset=utf-8")
NTRIPLES = Format("application/n-triples", "application/n-triples")  # always UTF-8; the type has no charset
HTML = Format("text/html", "text/html; charset=utf-8")
RDF_FORMATS = (TURTLE, JSONLD, RDFXML, NTRIPLES)
NEGOTIABLE = (*RDF_FORMATS, HTML)
"""In order of preference when the client ranks several equally (Turtle first, HTML last)."""

FILES = {"catalog.ttl": TURTLE, "catalog.jsonld": JSONLD, "catalog.rdf": RDFXML, "catalog.nt": NTRIPLES}
"""The published files served as they are, by name."""

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")
_Q = re.compile(r"(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)\Z")


def _media_ranges(header: str) -> list[tuple[str, str, float]]:
    """``(type, subtype, q)`` for every well-formed media range Werkzeug parsed from ``header``."""
    ranges = []
    for value, q in parse_accept_header(header, MIMEAccept):
        kind, slash, sub = value.split(";")[0].strip().lower().partition("/")
        if slash and _TOKEN.match(kind) and _TOKEN.match(sub) and not (kind == "*" and sub != "*"):
            ranges.append((kind, sub, float(q)))
    return ranges


def _quality(media_type: str, ranges: Sequence[tuple[str, str, float]]) -> float:
    """The q the client gives ``media_type``: from its most specific matching range."""
    kind, _, sub = media_type.partition("/")
    best: tuple[int, float] = (-1, 0.0)
    for r_kind, r_sub, q in ranges:
        if (r_kind, r_sub) == (kind, sub):
            specificity = 2
        elif r_kind == kind and r_sub == "*":
            specificity = 1
        elif r_kind == "*":
            specificity = 0
        else:
            continue
        if specificity > best[0] or (specificity == best[0] and q > best[1]):
            best = (specificity, q)
    return best[1]


def choose_format(accept: str | None, offers: Sequence[Format]) -> Format | None:
    """The offer the client prefers; the first offer without an ``Accept`` header; None for ``406``."""
    if accept is None or not accept.strip():
        return offers[0]
    ranges = _media_ranges(accept)
    scored = [(_quality(offer.media_type, ranges), -i, offer) for i, offer in enumerate(offers)]
    q, _, offer = max(scored, key=lambda s: (s[0], s[1]))
    return offer if q > 0 else None


def _q_value(params: Sequence[str]) -> float | None:
    """The ``q`` of a header element (1 when absent), or None when it is malformed."""
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            value = value.strip()
            return float(value) if _Q.match(value) else None
    return 1.0


def accepts_gzip(header: str | None) -> bool:
    """Whether ``Accept-Encoding`` allows gzip: named with q > 0, or not named and ``*`` with q > 0.

    Werkzeug's ``Accept`` answers the q of the first range that matches, so ``*, gzip;q=0`` would allow
    gzip there; RFC 9110, 12.5.3 says the named coding decides.
    """
    if header is None:
        return False
    named: dict[str, float] = {}
    for element in header.split(","):
        fields = element.split(";")
        coding = fields[0].strip().lower()
        q = _q_value(fields[1:])
        if coding and q is not None:
            named["gzip" if coding == "x-gzip" else coding] = q
    if "gzip" in named:
        return named["gzip"] > 0
    return named.get("*", 0.0) > 0


def _unsafe(path: str) -> bool:
    """Backslashes, control characters (NUL included) or a ``.``/``..`` segment: never a resource's path."""
    if "\\" in path or any(ord(c) < 0x20 or ord(c) == 0x7F for c in path):
        return True
    return any(segment in (".", "..") for segment in path.split("/"))


def safe_path(raw: str) -> str | None:
    """The percent-decoded request path, or None when any decoding of it (up to three deep) is unsafe.

    Decoding is repeated so that double-encoded dots and slashes (``%252e%252e``) are refused as well as
    plain and single-encoded ones; bytes that are not UTF-8 (overlong ``%c0%ae``) are refused too.
    """
    if not raw.startswith("/"):
        return None
    current, first = raw, None
    for _ in range(4):
        if _unsafe(current):
            return None
        try:
            decoded = unquote(current, errors="strict")
        except UnicodeDecodeError:
            return None
        first = decoded if first is None else first
        if decoded == current:
            return first
        current = decoded
    return None
