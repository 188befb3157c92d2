"""The validate stage as data, and its rendering: what a steward reads and what a script parses."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SH

from kustavi_dcat.mapping import Mapped
from kustavi_dcat.namespaces import DCAT, DCT, RDF
from kustavi_dcat.validation.report import by_resource, render_json, render_text, summary
from kustavi_dcat.validation.validate import (
    REDACTED,
    VALUE_SCAN,
    needs_value_scan,
    redact,
    shapes_graph,
    validate_graph,
)

BASE = "https://www.kustavi.fi/tietovarannot/"
DATA_SET = URIRef(BASE + "dataset/varhaiskasvatus-hakemukset")
SERVICE = URIRef(BASE + "service/katalogi")
VALID_CODE = "131052-308T"


@pytest.fixture()
def broken(kustavi_mapped: Mapped) -> Graph:
    """The catalogue with one data set's title removed (a violation) and its warnings as published."""
    g = Graph()
    g += kustavi_mapped.graph
    g.remove((DATA_SET, DCT.title, None))
    return g


def test_result_carries_rule_hint_and_source_line(broken: Graph, kustavi_mapped: Mapped) -> None:
    report = validate_graph(broken, kustavi_mapped.origins)
    title = next(r for r in report.violations if r.path == str(DCT.title) and r.component == "MinCount")
    assert title.severity == "Violation"
    assert title.focus == str(DATA_SET)
    assert title.constraint == str(SH.MinCountConstraintComponent)
    assert title.shape == "https://www.kustavi.fi/tietovarannot/s28/shapes#Dataset-title"
    assert title.message and title.hint
    assert title.origin == kustavi_mapped.origins[DATA_SET]
    assert title.origin.file.endswith("source/resources/varhaiskasvatus.yaml")


def test_literal_values_keep_their_language_tag(kustavi_mapped: Mapped) -> None:
    g = Graph()
    g += kustavi_mapped.graph
    g.add((DATA_SET, DCT.title, Literal("Hakemukset (FI)", lang="FI")))  # "x"@FI equals "x"@fi in rdflib
    report = validate_graph(g)
    assert [r.value for r in report.violations] == ['"Hakemukset (FI)"@FI']


def test_identity_codes_are_never_repeated_in_a_result(kustavi_mapped: Mapped) -> None:
    g = Graph()
    g += kustavi_mapped.graph
    g.add((DATA_SET, DCT.description, Literal(f"Asiakas {VALID_CODE} haki.", lang="fi")))
    report = validate_graph(g)
    assert report.violations
    text = render_text(report) + render_json(report)
    assert VALID_CODE not in text
    assert f'"Asiakas {REDACTED} haki."@fi' in [r.value for r in report.violations]


def test_redact_replaces_only_valid_codes() -> None:
    assert redact(f"a {VALID_CODE}, b 131052-308X") == f"a {REDACTED}, b 131052-308X"


def test_validation_leaves_the_graph_as_it_was(kustavi_mapped: Mapped) -> None:
    g = Graph()
    g += kustavi_mapped.graph
    validate_graph(g)
    assert isomorphic(g, kustavi_mapped.graph)


def test_inverse_paths_are_named_with_a_caret(kustavi_mapped: Mapped) -> None:
    g = Graph()
    g += kustavi_mapped.graph
    series = URIRef(BASE + "series/empty")
    g.add((series, RDF.type, DCAT.DatasetSeries))
    g.add((series, DCT.title, Literal("Sarja", lang="fi")))
    g.add((series, DCT.description, Literal("Kuvaus", lang="fi")))
    report = validate_graph(g)
    assert ("Warning", "^" + str(DCAT.inSeries)) in {(r.severity, r.path) for r in report.results
                                                      if r.focus == str(series)}
    assert "^dcat:inSeries" in render_text(report)


# -- the quick pre-pass agrees with the SPARQL target it stands in for ---------------------------------


def target_selects(graph: Graph) -> bool:
    select = shapes_graph().value(shapes_graph().value(VALUE_SCAN, SH.target), SH.select)
    return bool(list(graph.query(str(select))))


@pytest.mark.parametrize("value", [
    Literal("teksti", lang="fi"), Literal("text", lang="en"), Literal("text", lang="sv"),
    Literal("teksti", lang="FI"), Literal("teksti", lang="fi-FI"), Literal("Text", lang="de"),
    Literal("plain"), Literal("2024-05-01", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date")),
    Literal(VALID_CODE), Literal("131052-308X"), Literal(f"x{VALID_CODE}x", lang="fi"),
    URIRef(f"https://example.org/{VALID_CODE}"), URIRef("https://example.org/plain"),
])
def test_pre_pass_agrees_with_the_sparql_target(value: Literal | URIRef) -> None:
    g = Graph()
    g.add((URIRef("https://example.org/s"), URIRef("https://example.org/p"), value))
    assert needs_value_scan(g) == target_selects(g)


def test_the_kustavi_catalogue_needs_no_value_scan(kustavi_mapped: Mapped) -> None:
    assert not needs_value_scan(kustavi_mapped.graph)
    assert not target_selects(kustavi_mapped.graph)


# -- rendering -------------------------------------------------------------------------------------


def test_text_report_groups_by_resource_violations_first(broken: Graph, kustavi_mapped: Mapped) -> None:
    report = validate_graph(broken, kustavi_mapped.origins)
    groups = by_resource(report)
    assert groups[0][0] == str(DATA_SET)
    assert len({focus for focus, _ in groups}) == len(groups)
    text = render_text(report)
    first_block = text.split("\n\n")[0].splitlines()
    assert first_block[0] == f"{DATA_SET}  ({kustavi_mapped.origins[DATA_SET]})"
    assert any("Violation" in line and "dct:title" in line and "[MinCount]" in line for line in first_block)
    assert any(line.strip().startswith("hint: ") for line in first_block)
    assert text.splitlines()[-1] == summary(report)
    assert "does not conform" in summary(report)


def test_summary_counts_and_strict_verdict(kustavi_mapped: Mapped) -> None:
    report = validate_graph(kustavi_mapped.graph)
    n = len(report.warnings)
    assert n > 0
    assert summary(report).startswith(f"0 violations, {n} warnings in ")
    assert summary(report).endswith("the catalogue conforms.")
    assert "--strict" in summary(report, strict=True)


def test_json_report(broken: Graph, kustavi_mapped: Mapped) -> None:
    data = json.loads(render_json(validate_graph(broken, kustavi_mapped.origins)))
    assert data["conforms"] is False and data["fails"] is True
    assert data["violations"] == sum(1 for r in data["results"] if r["severity"] == "Violation")
    title = next(r for r in data["results"] if r["focus"] == str(DATA_SET) and r["path"] == str(DCT.title)
                 and r["component"] == "MinCount")
    origin = kustavi_mapped.origins[DATA_SET]
    assert title["source"] == {"file": origin.file, "line": origin.line, "column": origin.column}
    assert title["constraint"] == str(SH.MinCountConstraintComponent)
    assert set(title) == {"severity", "focus", "path", "constraint", "component", "value", "message", "hint",
                          "shape", "source"}
