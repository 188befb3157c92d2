"""Fast validation: the project's SHACL shapes compiled to Python checks, run per focus node across processes.

pyshacl spends milliseconds per dataset (a national catalogue of 100,000 datasets would take minutes), and
splitting the graph does not help: each pyshacl call costs more than the work in a record. So the shapes
are compiled once into small closures over a direct index of the graph, and the focus nodes are shared
out between worker processes. The compiled checks mirror pyshacl's semantics for the SHACL Core features
our shapes use (targets by class, subjects-of, objects-of and node; predicate and inverse paths; min/max
count, node kind, class, datatype, in, has-value, pattern, language-in, unique-lang, min/max length,
node, property, and, or, not, xone), and produce results with the same fields: severity, focus node, path,
constraint component, value, message (the shape's ``sh:message``) and source shape.

A shape that uses anything else (SPARQL constraints, complex paths, closed shapes, value ranges, shapes
without exactly one ``sh:message``, recursion, ...) is not guessed at: it is handed to pyshacl, restricted
to that shape (``use_shapes``). Where even that is impossible (SHACL rules, custom targets, a blank-node
top shape that must be delegated) the whole validation falls back to pyshacl. Either way the report is
the plain path's; ``tests/test_fast_path.py`` checks that on catalogues with deliberate violations.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, cast

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection as RdfList
from rdflib.plugins.stores.memory import Memory
from rdflib.term import Node

from kustavi_dcat import hetu
from kustavi_dcat.models import Origin
from kustavi_dcat.namespaces import RDF, RDFS, known_terms
from kustavi_dcat.rdf.triples import Triples
from kustavi_dcat.validation import validate
from kustavi_dcat.validation.validate import Report, Result

PARALLEL_MIN_FOCUS = 2_000_000
"""Below this many (shape, focus node) checks one process is faster than starting a pool: the workers are
forked, and every object a worker reads is copied into it (reference counts are written), so a pool pays
only when each worker has seconds of checks. At 5,000 and 20,000 data sets (280,000 and 1.1 million
checks) it was no faster on the project's 2-core machine, and a third slower when other work held the
cores (benchmarks/serve.py, validate FILE)."""

SHACL = "http://www.w3.org/ns/shacl#"
SH = Namespace(SHACL)
OWL_CLASS = URIRef("http://www.w3.org/2002/07/owl#Class")
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = URIRef(XSD_NS + "string")

# Constraint parameters the compiler understands; any other sh: term on a shape makes it delegated.
_SUPPORTED = {SH[t] for t in (
    "path", "property", "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "severity", "message",
    "deactivated", "name", "description", "order", "group", "defaultValue", "minCount", "maxCount", "nodeKind",
    "class", "datatype", "in", "hasValue", "pattern", "flags", "languageIn", "uniqueLang", "minLength",
    "maxLength", "node", "or", "and", "not", "xone", "qualifiedValueShape", "qualifiedMinCount",
    "qualifiedMaxCount", "qualifiedValueShapesDisjoint", "prefixes", "declare")}
_GLOBAL_FALLBACK = {SH[t] for t in ("rule", "entailment", "SPARQLFunction", "SPARQLTargetType", "JSTarget",
                                    "JSConstraint", "JSFunction")}
_NODE_KINDS: dict[Node, tuple[type, ...]] = {
    SH.IRI: (URIRef,), SH.BlankNode: (BNode,), SH.Literal: (Literal,), SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal), SH.IRIOrLiteral: (URIRef, Literal),
}


class Unsupported(Exception):
    """A shape uses a feature the compiler does not mirror; pyshacl validates it instead."""


# -- the data graph, indexed ----------------------------------------------------------------------


class Index:
    """Subject -> predicate -> objects, and predicate -> object -> subjects, over an rdflib graph.

    For the mapping's ``Triples`` and rdflib's default in-memory store their own dictionaries are used (no
    copy); otherwise they are built in one pass over the triples.
    """

    def __init__(self, graph: Graph | Triples) -> None:
        self.spo: Mapping[Node, Mapping[Node, Collection[Node]]]
        self.pos: Mapping[Node, Mapping[Node, Collection[Node]]]
        if isinstance(graph, Triples):
            self.spo, self.pos = graph.spo, graph.pos
        elif type(graph) is Graph and type(store := graph.store) is Memory:
            self.spo = store._Memory__spo  # type: ignore[attr-defined]
            self.pos = store._Memory__pos  # type: ignore[attr-defined]
        else:
            spo: dict[Node, dict[Node, dict[Node, int]]] = {}
            pos: dict[Node, dict[Node, dict[Node, int]]] = {}
            for s, p, o in graph:
                spo.setdefault(s, {}).setdefault(p, {})[o] = 1
                pos.setdefault(p, {}).setdefault(o, {})[s] = 1
            self.spo, self.pos = spo, pos
        self._supers: dict[Node, frozenset[Node]] = {}
        self.classes: dict[tuple[Node, Node], bool] = {}
        self.foci: dict[tuple[tuple[str, Node], ...], set[Node]] = {}

    def objects(self, s: Node, p: Node) -> Collection[Node]:
        return self.spo.get(s, {}).get(p, ())

    def subjects(self, p: Node, o: Node) -> Collection[Node]:
        return self.pos.get(p, {}).get(o, ())

    def supers(self, cls: Node) -> frozenset[Node]:
        """``cls`` and its superclasses by ``rdfs:subClassOf`` in the data graph (as pyshacl reads them)."""
        found = self._supers.get(cls)
        if found is None:
            seen = {cls}
            todo = [cls]
            while todo:
                for sup in self._super_classes(todo.pop()):
                    if sup not in seen:
                        seen.add(sup)
                        todo.append(sup)
            found = self._supers[cls] = frozenset(seen)
        return found

    def _super_classes(self, cls: Node) -> Collection[Node]:
        return self.objects(cls, RDFS.subClassOf)

    def instances(self, cls: Node) -> set[Node]:
        """Nodes typed ``cls`` or one of its subclasses."""
        classes = {cls}
        todo = [cls]
        while todo:
            for sub in self.pos.get(RDFS.subClassOf, {}).get(todo.pop(), ()):
                if sub not in classes:
                    classes.add(sub)
                    todo.append(sub)
        out: set[Node] = set()
        for c in classes:
            out.update(self.pos.get(RDF.type, {}).get(c, ()))
        return out


_RDF_TYPE = str(RDF.type)


class Foreign(Exception):
    """A lookup about a node whose triples this index does not hold (another record's node)."""

    def __init__(self, node: Node) -> None:
        super().__init__(str(node))
        self.node = node


class LocalIndex(Index):
    """Part of a catalogue: one record's triples (with its copies of the shared nodes it links to), or the
    catalogue-level nodes with only the types of the records' nodes (``partial``: node -> its types).

    A lookup it cannot answer exactly raises ``Foreign``: anything but the types of a ``partial`` node;
    when the part is ``open_world``, any IRI it does not hold (it may be another record's); and every
    inverse lookup (who links to a node), since other parts may link to it too. Literals never have
    triples. Class hierarchy lookups read only this part: the caller makes sure no part of the
    catalogue states ``rdfs:subClassOf``.
    """

    def __init__(self, graph: Triples, partial: Mapping[Node, Collection[Node]] | None = None,
                 open_world: bool = True) -> None:
        super().__init__(graph)
        self.partial = partial or {}
        self.open_world = open_world

    def objects(self, s: Node, p: Node) -> Collection[Node]:
        by_p = self.spo.get(s)
        if by_p is None:
            types = self.partial.get(s) if self.partial else None
            if types is not None:
                if str.__eq__(cast(str, p), _RDF_TYPE):
                    return types
                raise Foreign(s)
            if self.open_world and not isinstance(s, Literal):
                raise Foreign(s)
            return ()
        return by_p.get(p, ())

    def subjects(self, p: Node, o: Node) -> Collection[Node]:
        """Inverse lookups (``sh:inversePath``) would miss the links other parts of the catalogue make."""
        raise Foreign(o)

    def _super_classes(self, cls: Node) -> Collection[Node]:
        return self.spo.get(cls, {}).get(RDFS.subClassOf, ())  # a class IRI is no record's node: never Foreign


# -- compiled shapes ------------------------------------------------------------------------------

Failure = tuple[Node | None, str]
"""One failed check: the value node (or None) and the constraint component's local name."""
Check = Callable[[Index, Node, Collection[Node]], list[Failure]]


@dataclass
class Shape:
    node: Node
    severity: str
    message: str | None
    path: Node | None
    inverse: bool = False
    checks: list[Check] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    deactivated: bool = False
    checks_absence: bool = True
    """Whether a check can fail when there are no values (min count, has value, qualified min count)."""

    def values(self, index: Index, focus: Node) -> Collection[Node]:
        if self.path is None:
            return (focus,)
        if self.inverse:
            return index.subjects(self.path, focus)
        return index.objects(focus, self.path)

    def results(self, index: Index, focus: Node) -> Iterator[tuple[Shape, Node, Node | None, str]]:
        """Every failure of this shape and its property shapes: (shape, focus, value, component).

        A property shape's own ``sh:property`` shapes see each of its value nodes as their focus node.
        """
        if self.deactivated:
            return
        values = self.values(index, focus)
        for check in self.checks:
            for value, component in check(index, focus, values):
                yield self, focus, value, component
        for prop in self.properties:
            for node in values:
                yield from prop.results(index, node)

    def collect(self, index: Index, focus: Node, out: list[tuple[Shape, Node, Node | None, str]]) -> None:
        """``results`` appended to ``out``, without a generator per shape and node (the hot loop)."""
        if self.deactivated:
            return
        values = self.values(index, focus)
        if not values and not self.checks_absence:
            return  # every check is about values, and there are none
        for check in self.checks:
            for value, component in check(index, focus, values):
                out.append((self, focus, value, component))
        for prop in self.properties:
            for node in values:
                prop.collect(index, node, out)

    def conforms(self, index: Index, focus: Node) -> bool:
        return next(self.results(index, focus), None) is None


def _same(term: Node) -> Node:
    """The mapping's own object for a term the shapes name (a path, a class): a graph index then finds it
    by identity, where an equal but distinct rdflib term costs a Python-level comparison per lookup (the
    file reader hands out the same objects, ``reading.read_triples``)."""
    return known_terms().get(str(term), term) if isinstance(term, URIRef) else term


class Compiler:
    """Turns the shapes graph into ``Shape`` objects; raises ``Unsupported`` for what it does not mirror."""

    def __init__(self, shapes: Graph) -> None:
        self.g = shapes
        self.done: dict[tuple[Node, bool], Shape] = {}
        self.active: set[Node] = set()

    def shape(self, node: Node, reports: bool) -> Shape:
        """Compile ``node``; ``reports`` is true where its failures become results, not just non-conformance."""
        key = (node, reports)
        if key in self.done:
            return self.done[key]
        if node in self.active:
            raise Unsupported(f"recursive shape {node}")
        self.active.add(node)
        try:
            compiled = self._compile(node, reports)
        finally:
            self.active.discard(node)
        self.done[key] = compiled
        return compiled

    def _compile(self, node: Node, reports: bool) -> Shape:
        g = self.g
        if (node, SH.sparql, None) in g:
            raise Unsupported(f"{node} has SPARQL constraints")
        for p in g.predicates(node):
            if str(p).startswith(SHACL) and p not in _SUPPORTED:
                raise Unsupported(f"{node} uses {p}")
        if (node, RDF.type, RDFS.Class) in g or (node, RDF.type, OWL_CLASS) in g:
            raise Unsupported(f"{node} is also a class (implicit class target)")
        messages = list(g.objects(node, SH.message))
        severity = g.value(node, SH.severity) or SH.Violation
        path_node = g.value(node, SH.path)
        path: Node | None = None
        inverse = False
        if path_node is not None:
            if isinstance(path_node, URIRef):
                path = path_node
            elif isinstance(path_node, BNode) and (inv := g.value(path_node, SH.inversePath)) is not None \
                    and isinstance(inv, URIRef) and len(list(g.predicate_objects(path_node))) == 1:
                path, inverse = inv, True
            else:
                raise Unsupported(f"{node}: only predicate and inverse paths are compiled")
        shape = Shape(node, str(severity).rsplit("#", 1)[-1], None, None if path is None else _same(path), inverse,
                      deactivated=str(g.value(node, SH.deactivated) or "").lower() == "true")
        shape.checks = self._checks(node, reports)
        counts = [*g.objects(node, SH.minCount), *g.objects(node, SH.qualifiedMinCount)]
        shape.checks_absence = path is None or (node, SH.hasValue, None) in g or any(
            int(n) > 0 for n in counts)  # type: ignore[call-overload]
        shape.message = str(messages[0]) if messages else None
        shape.properties = [self.shape(p, reports) for p in g.objects(node, SH.property)]
        return shape

    def _list(self, node: Node) -> list[Node]:
        return list(RdfList(self.g, node))

    def _checks(self, node: Node, reports: bool) -> list[Check]:
        """One check per constraint parameter of ``node``, compiled by ``_PARAMETERS``."""
        checks: list[Check] = []
        for param, compile_one in _PARAMETERS:
            for value in self.g.objects(node, param):
                check = compile_one(self, node, value, reports)
                if check is not None:
                    checks.append(check)
        return checks

    def nested(self, node: Node) -> Shape:
        return self.shape(node, reports=False)

    def nested_list(self, lst: Node) -> list[Shape]:
        return [self.nested(x) for x in self._list(lst)]


def _node_kind(c: Compiler, node: Node, kind: Node, reports: bool) -> Check:
    if kind not in _NODE_KINDS:
        raise Unsupported(f"unknown node kind {kind}")
    return _each("NodeKindConstraintComponent", _is_kind(_NODE_KINDS[kind]))


def _class(c: Compiler, node: Node, cls: Node, reports: bool) -> Check:
    cls = _same(cls)
    return _class_check(cls) if reports else _each("ClassConstraintComponent", _has_class(cls))


def _in(c: Compiler, node: Node, lst: Node, reports: bool) -> Check:
    allowed = frozenset(c._list(lst))
    return _each("InConstraintComponent", lambda i, v: v in allowed)


def _pattern(c: Compiler, node: Node, pattern: Node, reports: bool) -> Check:
    flags = str(c.g.value(node, SH.flags) or "")
    return _each("PatternConstraintComponent", _matches(str(pattern), flags))


def _language_in(c: Compiler, node: Node, lst: Node, reports: bool) -> Check:
    return _each("LanguageInConstraintComponent", _lang_in([str(x).lower() for x in c._list(lst)]))


def _unique(c: Compiler, node: Node, flag: Node, reports: bool) -> Check | None:
    return _unique_lang if str(flag).lower() == "true" else None


def _node(c: Compiler, node: Node, other: Node, reports: bool) -> Check:
    nested = c.nested(other)
    return _each("NodeConstraintComponent", lambda i, v: nested.conforms(i, v))


def _not(c: Compiler, node: Node, other: Node, reports: bool) -> Check:
    nested = c.nested(other)
    return _each("NotConstraintComponent", lambda i, v: not nested.conforms(i, v))


def _and(c: Compiler, node: Node, lst: Node, reports: bool) -> Check:
    parts = c.nested_list(lst)
    return _each("AndConstraintComponent", lambda i, v: all(s.conforms(i, v) for s in parts))


def _or(c: Compiler, node: Node, lst: Node, reports: bool) -> Check:
    parts = c.nested_list(lst)
    return _each("OrConstraintComponent", lambda i, v: any(s.conforms(i, v) for s in parts))


def _xone(c: Compiler, node: Node, lst: Node, reports: bool) -> Check:
    parts = c.nested_list(lst)
    return _each("XoneConstraintComponent", lambda i, v: sum(s.conforms(i, v) for s in parts) == 1)


def _qualified_shape(c: Compiler, node: Node, qualified: Node, reports: bool) -> Check:
    if str(c.g.value(node, SH.qualifiedValueShapesDisjoint) or "").lower() == "true":
        raise Unsupported(f"{node}: disjoint qualified shapes")
    low, high = c.g.value(node, SH.qualifiedMinCount), c.g.value(node, SH.qualifiedMaxCount)
    return _qualified(c.nested(qualified), None if low is None else _int(low), None if high is None else _int(high))


def _int(n: Node) -> int:
    return int(str(n))


_Compile = Callable[[Compiler, Node, Node, bool], "Check | None"]
_PARAMETERS: tuple[tuple[URIRef, _Compile], ...] = (
    (SH.minCount, lambda c, node, n, r: _min_count(_int(n))),
    (SH.maxCount, lambda c, node, n, r: _max_count(_int(n))),
    (SH.nodeKind, _node_kind),
    (SH["class"], _class),
    (SH.datatype, lambda c, node, dtype, r: _each("DatatypeConstraintComponent", _has_datatype(dtype))),
    (SH["in"], _in),
    (SH.hasValue, lambda c, node, value, r: _has_value(value)),
    (SH.pattern, _pattern),
    (SH.languageIn, _language_in),
    (SH.uniqueLang, _unique),
    (SH.minLength, lambda c, node, n, r: _each("MinLengthConstraintComponent", _min_length(_int(n)))),
    (SH.maxLength, lambda c, node, n, r: _each("MaxLengthConstraintComponent", _max_length(_int(n)))),
    (SH.node, _node),
    (SH["not"], _not),
    (SH["and"], _and),
    (SH["or"], _or),
    (SH.qualifiedValueShape, _qualified_shape),
    (SH.xone, _xone),
)
"""Each constraint parameter the compiler mirrors, with what compiles one of its values (None: no check)."""


def _each(component: str, ok: Callable[[Index, Node], bool]) -> Check:
    """A value-by-value check: each failing value node is one result, with that value."""
    def check(index: Index, focus: Node, values: Collection[Node]) -> list[Failure]:
        return [(v, component) for v in values if not ok(index, v)]
    return check


class DeferredClass(str):
    """The component of a class result that depends on another record's node: it stands unless that
    node (the value) turns out to have ``cls`` (or a subclass) among its types."""

    cls: Node

    def __new__(cls, component: str, klass: Node) -> DeferredClass:
        made = super().__new__(cls, component)
        made.cls = klass
        return made


def _class_check(cls: Node) -> Check:
    """``sh:class`` where a failure is a result: a value whose types this index cannot see (another
    record's node) gives a result to be confirmed once every record's types are known."""
    ok = _has_class(cls)
    deferred = DeferredClass("ClassConstraintComponent", cls)

    def check(index: Index, focus: Node, values: Collection[Node]) -> list[Failure]:
        out: list[Failure] = []
        for v in values:
            try:
                if ok(index, v):
                    continue
            except Foreign:
                out.append((v, deferred))
                continue
            out.append((v, "ClassConstraintComponent"))
        return out
    return check


def _min_count(n: int) -> Check:
    def check(index: Index, focus: Node, values: Collection[Node]) -> list[Failure]:
        return [(None, "MinCountConstraintComponent")] if n > 0 and len(values) < n else []
    return check


def _max_count(n: int) -> Check:
    def check(index: Index, focus: Node, values: Collection[Node]) -> list[Failure]:
        return [(None, "MaxCountConstraintComponent")] if len(values) > n else []
    return check


def _has_value(expected: Node) -> Check:
    def check(index: Index, focus: Node, values: Collection[Node]) -> list[Failure]:
        return [] if expected in values else [(None, "HasValueConstraintComponent")]
    return check


def _qualified(shape: Shape, low: int | None, high: int | None) -> Check:
    def check(index: Index, focus: Node, values: Collection[Node]) -> list[Failure]:
        if low is None and high is None:
            return []
        n = sum(1 for v in values if shape.conforms(index, v))
        out: list[Failure] = []
        if high is not None and n > high:
            out.append((None, "QualifiedMaxCountConstraintComponent"))
        if low is not None and n < low:
            out.append((None, "QualifiedMinCountConstraintComponent"))
        return out
    return check


def _unique_lang(index: Index, focus: Node, values: Collection[Node]) -> list[Failure]:
    seen: set[str] = set()
    dupes: set[str] = set()
    for v in values:
        if isinstance(v, Literal) and v.language:
            lang = v.language.lower()
            (dupes if lang in seen else seen).add(lang)
    return [(None, "UniqueLangConstraintComponent")] * len(dupes)


def _is_kind(kinds: tuple[type, ...]) -> Callable[[Index, Node], bool]:
    return lambda index, v: isinstance(v, kinds)


def _has_class(cls: Node) -> Callable[[Index, Node], bool]:
    def ok(index: Index, v: Node) -> bool:
        if isinstance(v, Literal):
            return False
        key = (cls, v)
        found = index.classes.get(key)
        if found is None:  # shared values (publisher, themes) are asked about thousands of times
            found = index.classes[key] = any(cls in index.supers(t) for t in index.objects(v, RDF.type))
        return found
    return ok


_VALUE_TYPES: dict[str, tuple[type, ...]] = {
    XSD_NS + "string": (str, bytes), str(RDF.langString): (str, bytes), XSD_NS + "integer": (int,),
    XSD_NS + "float": (float,), XSD_NS + "decimal": (Decimal,), XSD_NS + "boolean": (bool,),
    XSD_NS + "date": (dt.date,), XSD_NS + "time": (dt.time,), XSD_NS + "dateTime": (dt.datetime,),
}
"""The value-space test pyshacl applies after the datatype IRI matches: the Python type rdflib parsed the
literal's lexical form into (a literal rdflib could not parse keeps a string, or nothing). Datatypes not
listed pass, as they do in pyshacl. ``tests/test_fast_path.py`` holds the two to the same results."""


def _in_value_space(v: Literal, dtype: Node) -> bool:
    kinds = _VALUE_TYPES.get(str(dtype))
    return kinds is None or isinstance(v.value, kinds)


def _has_datatype(dtype: Node) -> Callable[[Index, Node], bool]:
    """pyshacl's datatype test; which of its branches applies to ``dtype`` is decided once, here."""
    is_literal, is_datatype = dtype == RDFS.Literal, dtype == RDFS.Datatype
    is_xsd_string, is_lang_string = dtype == XSD_STRING, dtype == RDF.langString
    name = str(dtype)

    def ok(index: Index, v: Node) -> bool:
        if not isinstance(v, Literal):
            return False
        datatype = v.datatype
        if datatype is not None and str.__eq__(datatype, name):  # v.datatype == dtype (both IRIs)
            if getattr(v, "ill_typed", None) is True:
                return False
            return _in_value_space(v, dtype)
        if is_literal:
            return True
        if is_datatype:
            return datatype is not None
        if is_xsd_string and datatype is None and v.language is None:
            return _in_value_space(v, dtype)
        if is_lang_string and v.language:
            return _in_value_space(v, dtype)
        return False
    return ok


def _matches(pattern: str, flags: str) -> Callable[[Index, Node], bool]:
    re_flags = 0
    for letter, value in (("i", re.IGNORECASE), ("m", re.MULTILINE), ("s", re.DOTALL), ("x", re.VERBOSE)):
        if letter in flags:
            re_flags |= value
    compiled = re.compile(pattern, re_flags)
    return lambda index, v: not isinstance(v, BNode) and compiled.search(str(v)) is not None


def _lang_in(languages: list[str]) -> Callable[[Index, Node], bool]:
    wildcard = "*" in languages

    def ok(index: Index, v: Node) -> bool:
        if not isinstance(v, Literal) or not v.language:
            return False
        lang = v.language.lower()
        return wildcard or lang in languages or lang.split("-")[0] in languages
    return ok


def _min_length(n: int) -> Callable[[Index, Node], bool]:
    return lambda index, v: n == 0 or (not isinstance(v, BNode) and len(str(v)) >= n)


def _max_length(n: int) -> Callable[[Index, Node], bool]:
    return lambda index, v: not isinstance(v, BNode) and len(str(v)) <= n


# -- the plan: which shapes are compiled, which go to pyshacl ----------------------------------------

TargetTwin = Callable[[Index, Node], bool]

_EXACT_TAGS = frozenset(("fi", "sv", "en"))


def _suspicious_subject(index: Index, subject: Node) -> bool:
    """Python twin of the Finnish profile's SPARQL target: a code-shaped value, or an inexact language tag.

    As the target does, the values are joined with '|' and searched once for ``hetu.CANDIDATE`` (which
    holds no '|', so a match never spans two values)."""
    values = [o for objects in index.spo.get(subject, {}).values() for o in objects]
    if hetu.looks_like("|".join(cast(list[str], values))):  # terms are strings
        return True
    return any(isinstance(o, Literal) and o.language and o.language not in _EXACT_TAGS for o in values)


def _suspicious_value(o: Node) -> bool:
    """One value as that target reads it (the pattern has no "|", so it never spans two joined values)."""
    if hetu.looks_like(str(o)):
        return True
    return isinstance(o, Literal) and bool(o.language) and o.language not in _EXACT_TAGS


_FI_VALUES_TARGET = f"""
    SELECT ?this WHERE {{ ?this ?p ?o . }}
    GROUP BY ?this
    HAVING (
        REGEX(GROUP_CONCAT(STR(?o); separator="|"), {hetu.sparql_string(hetu.CANDIDATE)})
        || REGEX(GROUP_CONCAT(COALESCE(LANG(?o), ""); separator=" "), "(^| )(?!(fi|sv|en)( |$))[^ ]")
    )
"""


def normalised_query(query: str) -> str:
    return " ".join(query.split())


TARGET_TWINS: dict[str, TargetTwin] = {normalised_query(_FI_VALUES_TARGET): _suspicious_subject}
"""SPARQL targets with an exact Python equivalent, by their query text (whitespace normalised).

A target of the form ``SELECT ?this WHERE { ?this ?p ?o } GROUP BY ?this HAVING (...)`` looks only at a
subject's own values, so a Python predicate over those values selects exactly the same subjects. If the
query text changes, the twin no longer applies and pyshacl evaluates the shape (slower, never wrong);
``tests/test_fast_path.py`` says so when it happens.
"""


@dataclass
class Delegated:
    """A shape pyshacl validates; skipped when none of its focus nodes exists (it can then report nothing)."""

    node: URIRef
    targets: list[tuple[str, Node]] | None
    """Standard targets (computed here), or None when only pyshacl can find the focus nodes."""
    twin: TargetTwin | None = None


@dataclass
class Plan:
    """Targeted shapes: compiled where possible, otherwise delegated; ``fallback`` hands everything over."""

    compiled: list[tuple[Shape, list[tuple[str, Node]]]]
    delegated: list[Delegated]
    fallback: str | None = None


TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def plan(shapes: Graph) -> Plan:
    """Compile every shape that has targets (the shapes pyshacl validates on its own)."""
    for p in _GLOBAL_FALLBACK:
        if (None, p, None) in shapes or (None, RDF.type, p) in shapes:
            return Plan([], [], f"uses {p}")
    tops = {s for t in (*TARGETS, SH.target) for s in shapes.subjects(t, None)}
    for cls in (RDFS.Class, OWL_CLASS):
        tops.update(s for s in shapes.subjects(RDF.type, cls) if (s, RDF.type, SH.NodeShape) in shapes)
    compiler = Compiler(shapes)
    compiled: list[tuple[Shape, list[tuple[str, Node]]]] = []
    delegated: list[Delegated] = []
    for node in sorted(tops, key=str):
        targets = [(str(t).rsplit("#", 1)[-1], o) for t in TARGETS for o in shapes.objects(node, t)]
        custom = list(shapes.objects(node, SH.target))
        try:
            if custom:
                raise Unsupported(f"{node} has a custom target")
            compiled.append((compiler.shape(node, reports=True), targets))
            continue
        except Unsupported as exc:
            if not isinstance(node, URIRef):
                return Plan([], [], f"blank-node shape: {exc}")
        twin = None
        if len(custom) == 1 and not targets:
            query = shapes.value(custom[0], SH.select)
            twin = TARGET_TWINS.get(normalised_query(str(query))) if query is not None else None
        implicit = (node, RDF.type, RDFS.Class) in shapes or (node, RDF.type, OWL_CLASS) in shapes
        known = twin is not None or (not custom and not implicit)
        delegated.append(Delegated(node, targets if known else None, twin))
    return Plan(compiled, delegated)


def focus_nodes(index: Index, targets: Iterable[tuple[str, Node]]) -> set[Node]:
    """The focus nodes of these targets in ``index`` (remembered per index: many shapes share targets)."""
    key = tuple(targets)
    found = index.foci.get(key)
    if found is None:
        found = index.foci[key] = _focus_nodes(index, key)
    return found


def _focus_nodes(index: Index, targets: Iterable[tuple[str, Node]]) -> set[Node]:
    out: set[Node] = set()
    for kind, value in targets:
        if kind == "targetClass":
            out |= index.instances(value)
        elif kind == "targetNode":
            out.add(value)
        elif kind == "targetSubjectsOf":
            for subjects in index.pos.get(value, {}).values():
                out.update(subjects)
        elif kind == "targetObjectsOf":
            out.update(index.pos.get(value, {}))
    return out


def _delegated_focus(index: Index, d: Delegated) -> bool:
    """Whether the delegated shape may have focus nodes (True when only pyshacl can tell)."""
    if d.targets is None:
        return True
    if d.twin is _suspicious_subject:  # some subject has such a value iff some value in the graph is one
        # Read each subject's own values, as pyshacl does: the ``pos`` index keys literals by rdflib's
        # equality, which ignores the case of a language tag, so "x"@FI hides behind another's "x"@fi.
        # Each value object is read once (shared values are one object): kept apart by identity, not equality.
        values = {id(o): o for by_p in index.spo.values() for objects in by_p.values() for o in objects}
        return any(_suspicious_value(o) for o in values.values())
    if d.twin is not None:
        return any(d.twin(index, s) for s in index.spo)
    return bool(focus_nodes(index, d.targets))


# -- running it -----------------------------------------------------------------------------------

Raw = tuple[int, str, str, str | None, str, str | None, str, bool, tuple[str, str] | None]
"""A result as plain data (cheap to send between processes): top shape index, severity, focus, path,
component, value, source shape, whether that shape has its own message, and (for a class result about
another record's node) the node and class that would cancel it."""

_WORK: tuple[Index, list[Shape], list[tuple[int, Node]]] | None = None
"""What forked workers validate; set in the parent just before the pool starts (shared copy-on-write)."""


def run_checks(index: Index, shapes: Sequence[Shape], jobs: Iterable[tuple[int, Node]]) -> list[Raw]:
    out: list[Raw] = []
    for i, focus in jobs:
        found: list[tuple[Shape, Node, Node | None, str]] = []
        shapes[i].collect(index, focus, found)
        for shape, node, value, component in found:
            path = None if shape.path is None else ("^" if shape.inverse else "") + str(shape.path)
            unless = (str(value), str(component.cls)) if isinstance(component, DeferredClass) else None
            out.append((i, shape.severity, str(node), path, SHACL + component,
                        None if value is None else (value.n3() if isinstance(value, Literal) else str(value)),
                        str(shape.node), shape.message is not None, unless))
    return out


def _run_slice(bounds: tuple[int, int]) -> list[Raw]:
    assert _WORK is not None
    index, shapes, work = _WORK
    return run_checks(index, shapes, work[bounds[0]:bounds[1]])


def validate_fast(graph: Graph | Triples, origins: Mapping[URIRef, Origin] | None = None, jobs: int | None = None,
                  shapes: Graph | None = None) -> Report:
    """The report ``validate.validate_graph`` gives for the same graph and shapes, from the compiled checks.

    ``jobs`` worker processes share the focus nodes (default: every core; 1 runs in this process, as does
    any catalogue too small for a pool to pay off). ``Triples`` become an rdflib graph only if pyshacl
    has to see them.
    """
    origins = origins or {}
    if isinstance(graph, Triples):
        made: list[Graph] = []
        data = graph

        def build() -> Graph:
            if not made:
                made.append(data.to_graph())
            return made[0]

        return _validate(graph, build, origins, jobs, shapes)
    rdf = graph
    return _validate(graph, lambda: rdf, origins, jobs, shapes)


def _validate(data: Graph | Triples, as_graph: Callable[[], Graph], origins: Mapping[URIRef, Origin],
              jobs: int | None, shapes: Graph | None) -> Report:
    global _WORK
    full = shapes if shapes is not None else validate.shapes_graph()
    the_plan = plan(full)
    if the_plan.fallback is not None:
        return _pyshacl(as_graph(), origins, full, None)
    index = Index(data)
    shape_list = [s for s, _ in the_plan.compiled]
    work = [(i, f) for i, (_, targets) in enumerate(the_plan.compiled)  # any order: the results are sorted
            for f in focus_nodes(index, targets)]
    workers = min(jobs or os.cpu_count() or 1, 8)
    if workers > 1 and len(work) >= PARALLEL_MIN_FOCUS and "fork" in multiprocessing.get_all_start_methods():
        _WORK = (index, shape_list, work)
        try:
            step = -(-len(work) // (workers * 4))
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                parts = pool.map(_run_slice, [(k, k + step) for k in range(0, len(work), step)])
        finally:
            _WORK = None
        raw = [r for part in parts for r in part]
    else:
        raw = run_checks(index, shape_list, work)
    texts = validate.shape_texts()
    results = [to_result(r, texts, origins) for r in raw if r[7]]
    generic: dict[int, set[str]] = {}
    for r in raw:
        if not r[7]:  # pyshacl words its own message for a shape without sh:message: let it
            generic.setdefault(r[0], set()).add(r[2])
    for i, foci in sorted(generic.items()):
        top = the_plan.compiled[i][0].node
        if not isinstance(top, URIRef):
            return _pyshacl(as_graph(), origins, full, None)
        results.extend(_pyshacl(as_graph(), origins, full, [top], sorted(foci)).results)
    use = [d.node for d in the_plan.delegated if _delegated_focus(index, d)]
    if use:
        results.extend(_pyshacl(as_graph(), origins, full, use).results)
    return Report(tuple(sorted(results, key=result_order)))


def result_order(r: Result) -> tuple[tuple[int, str, str, str, str, str], Result]:
    return r.sort_key(), r


def to_result(raw: Raw, texts: Mapping[Node, tuple[str, str]], origins: Mapping[URIRef, Origin]) -> Result:
    _, severity, focus, path, component, value, shape, _, _ = raw
    node: Node = URIRef(shape) if not shape.startswith("n") or ":" in shape else BNode(shape)
    message, hint = texts.get(node, ("", ""))
    return Result(severity=severity, focus=focus, path=path, constraint=component,
                  value=None if value is None else validate.redact(value), message=_redacted(message),
                  shape=shape, origin=origins.get(URIRef(focus)), hint=hint)


@lru_cache(maxsize=1024)
def _redacted(message: str) -> str:
    """A shape's message, redacted once (the same few messages recur in every record's results)."""
    return validate.redact(message)


def _pyshacl(graph: Graph, origins: Mapping[URIRef, Origin], full: Graph, use: list[URIRef] | None,
             focus: list[str] | None = None) -> Report:
    """pyshacl as ``validate.validate_graph`` runs it, optionally restricted to some shapes and focus nodes."""
    engine = validate.engine_shapes() if full is validate.shapes_graph() else full
    kwargs: dict[str, Any] = {} if use is None else {"use_shapes": [str(u) for u in use]}
    if focus:
        kwargs["focus_nodes"] = focus
    from pyshacl import validate as shacl_validate

    _, report, _ = shacl_validate(graph, shacl_graph=engine, inference="none", allow_warnings=True, advanced=True,
                                  inplace=True, **kwargs)
    results = validate.results_of(report, origins)
    return Report(tuple(sorted(results, key=result_order)))
