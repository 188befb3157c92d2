"""How a term is written: one statement of each rule, for every writer and every message.

- IRIs: where an IRI splits into namespace and local name, and when it may be shortened to
  ``prefix:local`` (Turtle, RDF/XML tags, the names in reports and diffs);
- literals: one escaper per format (N-Triples, Turtle, XML text and attributes).

The writers in ``render`` (record by record) and ``serialise`` (whole graph) must give the same bytes,
and ``diff`` and ``report`` must name a property the way the files do; so none of them states these
rules again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from xml.sax.saxutils import quoteattr

from kustavi_dcat.namespaces import PREFIXES

PN_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
"""A local name written after a prefix. Stricter than Turtle's PN_LOCAL on purpose: no dots, colons or
escapes, so the same name is valid in Turtle, as an XML element name and as a CURIE."""

PREFIX_OF: Mapping[str, str] = {ns: prefix for prefix, ns in PREFIXES}
"""Namespace IRI -> the prefix every file binds for it."""


def split_iri(iri: str) -> tuple[str, str]:
    """Namespace and local name of an IRI: split after its last ``#`` or ``/``."""
    cut = max(iri.rfind("#"), iri.rfind("/")) + 1
    return iri[:cut], iri[cut:]


def prefixed(iri: str, prefix_of: Mapping[str, str] = PREFIX_OF) -> tuple[str, str] | None:
    """``(prefix, local)`` when the IRI's namespace has a prefix and its local name is a plain name."""
    ns, local = split_iri(iri)
    prefix = prefix_of.get(ns)
    if prefix is None or PN_LOCAL.match(local) is None:
        return None
    return prefix, local


def shorten(iri: str, prefixes: Iterable[tuple[str, str]] = PREFIXES) -> str:
    """``dct:title`` for ``http://purl.org/dc/terms/title``; the IRI itself where no prefix fits."""
    found = prefixed(iri, PREFIX_OF if prefixes is PREFIXES else {ns: p for p, ns in prefixes})
    return iri if found is None else f"{found[0]}:{found[1]}"


def nt_string(lex: str) -> str:
    """A lexical form as N-Triples quotes it (rdflib's escapes: backslash, newline, quote, return)."""
    return '"' + lex.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"').replace("\r", "\\r") + '"'


def turtle_string(lex: str) -> str:
    """A lexical form as Turtle quotes it on one line (the N-Triples escapes, and tab)."""
    return '"' + lex.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace(
        "\r", "\\r").replace("\t", "\\t") + '"'


def xml_text(lex: str) -> str:
    """A lexical form as XML element content.

    ``&``, ``<`` and ``>`` as entities, and carriage return as ``&#13;``: an XML parser turns a literal
    CR (and CR LF) into LF, which would change the text an RDF/XML reader gets.
    """
    return lex.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("\r", "&#13;")


_PLAIN_ATTR = re.compile(r"[^&<>\"\n\r\t]*\Z")


def xml_attr(value: str) -> str:
    """A quoted XML attribute value (``quoteattr``, skipping its work for the usual plain value)."""
    if _PLAIN_ATTR.match(value):
        return f'"{value}"'
    return quoteattr(value)
