"""Plain-data forms (JSON values) of what the record cache keeps: places, results, RDF terms, arrays.

The record cache stores only data that reading cannot turn into code (``cache.py``); these functions turn
the summaries' parts into lists, strings and numbers and back. Each reader checks the shape it expects and
raises ``ValueError`` on anything else, which the cache treats as a miss.
"""

from __future__ import annotations

import base64
import datetime as dt
import types
from array import array
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from functools import cache
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kustavi_dcat.models import Origin
from kustavi_dcat.source.yamlnodes import Mention
from kustavi_dcat.validation.validate import Result

Plain = Any
"""A JSON value (what ``json.loads`` returns)."""

T = TypeVar("T")


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


def record(value: object) -> Plain:
    """A record of ``models`` (frozen dataclasses of texts, numbers, dates, tuples and other records)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: record(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple):
        return [record(v) for v in value]
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float)):
        return value
    raise ValueError(f"not a plain record value: {type(value).__name__}")


def record_of(kind: type[T], value: Plain) -> T:
    """``record`` read back as ``kind``, every field checked against its annotation."""
    of: Any = kind
    read: Callable[[Plain], T] = _reader(of)
    return read(value)


Reader = Callable[[Plain], Any]


@cache
def _reader(kind: Any) -> Reader:
    """A reader for ``kind``, worked out once per type: a national catalogue's pages read tens of thousands
    of records, and asking ``typing`` about every field of every one of them cost more than the rest."""
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):
        return _optional(kind)
    if origin is tuple:
        return _tuple(kind)
    scalar: Reader | None = _SCALARS.get(kind)
    if scalar is not None:
        return scalar
    if isinstance(kind, type) and is_dataclass(kind):
        return _dataclass(kind)
    raise ValueError(f"cannot read {kind}")


def _dataclass(kind: type) -> Reader:
    hints = get_type_hints(kind)
    names = frozenset(f.name for f in fields(kind))
    readers: dict[str, Reader] = {}  # filled on first use (a record type may name itself)

    def read(value: Plain) -> Any:
        if not isinstance(value, dict) or value.keys() != names:
            raise ValueError(f"not a {kind.__name__}")
        if not readers:
            readers.update((name, _reader(hints[name])) for name in names)
        return kind(**{name: readers[name](v) for name, v in value.items()})
    return read


def _optional(kind: Any) -> Reader:
    options = [a for a in get_args(kind) if a is not type(None)]
    nullable = len(options) < len(get_args(kind))

    def read(value: Plain) -> Any:
        if value is None and nullable:
            return None
        if len(options) != 1:
            raise ValueError(f"cannot read {kind}")
        return _reader(options[0])(value)
    return read


def _tuple(kind: Any) -> Reader:
    args = get_args(kind)
    repeated = len(args) == 2 and args[1] is Ellipsis

    def read(value: Plain) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise ValueError("expected a list")
        if repeated:
            each: Reader = _reader(args[0])
            return tuple(each(v) for v in value)
        return tuple(_reader(a)(v) for a, v in zip(args, value, strict=True))
    return read


def _boolean(value: Plain) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def _date(value: Plain) -> dt.date:
    return dt.date.fromisoformat(text(value))


_SCALARS: dict[Any, Any] = {str: text, int: number, bool: _boolean, dt.date: _date}
