"""Plain-data forms (JSON values) of what the record cache keeps: places, results, RDF terms, arrays.

The record cache stores only data that reading cannot turn into code (``cache.py``); these functions turn
the summaries' parts into lists, strings and numbers and back. Each reader checks the shape it expects and
raises ``ValueError`` on anything else, which the cache treats as a miss.
"""

from __future__ import annotations

import base64
from array import array
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kustavi_dcat.models import Origin
from kustavi_dcat.validate import Result
from kustavi_dcat.yamlnodes import Mention

Plain = Any
"""A JSON value (what ``json.loads`` returns)."""


def text(value: Plain) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a text")
    return value


def number(value: Plain) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("expected a whole number")
    return value


def texts(value: Plain) -> list[str]:
    if not isinstance(value, list):
        raise ValueError("expected a list")
    return [text(v) for v in value]


def optional(value: Plain) -> str | None:
    return None if value is None else text(value)


def origin(value: Origin | None) -> Plain:
    return None if value is None else [value.file, value.line, value.column]


def origin_of(value: Plain) -> Origin:
    file, line, column = value
    return Origin(text(file), number(line), number(column))


def result(value: Result) -> Plain:
    return [value.severity, value.focus, value.path, value.constraint, value.value, value.message, value.shape,
            origin(value.origin), value.hint]


def result_of(value: Plain) -> Result:
    severity, focus, path, constraint, val, message, shape, where, hint = value
    return Result(text(severity), text(focus), optional(path), text(constraint), optional(val), text(message),
                  text(shape), None if where is None else origin_of(where), text(hint))


def mention(value: Mention) -> Plain:
    return [value.kind, value.value, origin(value.origin), value.field]


def mention_of(value: Plain) -> Mention:
    kind, val, where, field = value
    return Mention(text(kind), text(val), origin_of(where), text(field))


def node(value: Node) -> Plain:
    """An RDF term: ["u", iri], ["l", lexical form, language or None, datatype or None] or ["b", id]."""
    if isinstance(value, URIRef):
        return ["u", str(value)]
    if isinstance(value, Literal):
        return ["l", str(value), value.language, None if value.datatype is None else str(value.datatype)]
    if isinstance(value, BNode):
        return ["b", str(value)]
    raise ValueError(f"not an RDF term: {value!r}")


def node_of(value: Plain) -> Node:
    kind = value[0]
    if kind == "u":
        return URIRef(text(value[1]))
    if kind == "l":
        _, lexical, language, datatype = value
        return Literal(text(lexical), lang=optional(language),
                       datatype=None if datatype is None else URIRef(text(datatype)))
    if kind == "b":
        return BNode(text(value[1]))
    raise ValueError(f"not an RDF term: {kind!r}")


def numbers(value: array[int]) -> Plain:
    """An array of integers as its type code and its bytes (base64): compact, and read back at once."""
    return [value.typecode, base64.b64encode(value.tobytes()).decode("ascii")]


def numbers_of(value: Plain) -> array[int]:
    typecode, data = value
    if typecode not in ("I", "Q", "q"):
        raise ValueError(f"unexpected array type {typecode!r}")
    out = array(typecode)
    out.frombytes(base64.b64decode(text(data), validate=True))
    return out
