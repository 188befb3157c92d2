"""Rendering a validation ``Report``: grouped by resource for a person, or as JSON for a script.

A steward fixes one resource at a time, so results are grouped by focus node, resources with violations
first; each result says which rule (property and constraint), what is wrong, how to fix it and, when
the resource came from a source record, the file and line to edit.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from kustavi_dcat import hetu
from kustavi_dcat.namespaces import ADFI, PREFIXES
from kustavi_dcat.rdf.syntax import shorten
from kustavi_dcat.validation.validate import Report, Result

_PREFIXES: tuple[tuple[str, str], ...] = (
    *PREFIXES,
    ("adfi", str(ADFI._NS)),
    ("locn", "http://www.w3.org/ns/locn#"),
    ("spdx", "http://spdx.org/rdf/terms#"),
)


def curie(iri: str) -> str:
    """``dct:title`` for ``http://purl.org/dc/terms/title`` (``^`` kept for an inverse path)."""
    if iri.startswith("^"):
        return "^" + shorten(iri[1:], _PREFIXES)
    return shorten(iri, _PREFIXES)


def by_resource(report: Report) -> list[tuple[str, tuple[Result, ...]]]:
    """Results per focus node: resources with a violation first, then by the resource's IRI."""
    groups: dict[str, list[Result]] = {}
    for r in report.results:
        groups.setdefault(r.focus, []).append(r)
    ordered = sorted(groups.items(), key=lambda kv: (all(r.severity != "Violation" for r in kv[1]), kv[0]))
    return [(focus, tuple(sorted(results, key=Result.sort_key))) for focus, results in ordered]


def summary(report: Report, strict: bool = False) -> str:
    v, w = len(report.violations), len(report.warnings)
    resources = len({r.focus for r in report.results})
    counts = f"{_n(v, 'violation')}, {_n(w, 'warning')}"
    where = f" in {_n(resources, 'resource')}" if resources else ""
    if report.fails(strict):
        verdict = "fails (--strict: warnings count)" if report.conforms else "does not conform"
    else:
        verdict = "conforms"
    return f"{counts}{where}: the catalogue {verdict}."


def render_text(report: Report, strict: bool = False) -> str:
    """The report for a person: one block per resource, then a one-line summary."""
    lines: list[str] = []
    for focus, results in by_resource(report):
        origin = next((r.origin for r in results if r.origin is not None), None)
        lines.append(focus + (f"  ({origin})" if origin is not None else ""))
        for r in results:
            lines.extend(_result_lines(r))
        lines.append("")
    lines.append(summary(report, strict))
    return hetu.redact("\n".join(lines))  # focus IRIs and values: a code in an IRI is masked too


def _result_lines(r: Result) -> Iterable[str]:
    where = curie(r.path) if r.path is not None else "(the resource itself)"
    yield f"  {r.severity:<9} {where} [{r.component}] {r.message}"
    if r.value is not None:
        yield f"            value: {curie(r.value)}"
    if r.hint:
        yield f"            hint: {r.hint}"


def to_json(report: Report, strict: bool = False) -> dict[str, Any]:
    """The report as plain data: counts, the exit decision, and every result with its rule and source."""
    return {
        "conforms": report.conforms,
        "fails": report.fails(strict),
        "violations": len(report.violations),
        "warnings": len(report.warnings),
        "results": [_result_json(r) for _, results in by_resource(report) for r in results],
    }


def _result_json(r: Result) -> dict[str, Any]:
    """One result as data; every text masked (an IRI may carry a personal identity code too)."""
    out: dict[str, Any] = masked({
        "severity": r.severity,
        "focus": r.focus,
        "path": r.path,
        "constraint": r.constraint,
        "component": r.component,
        "value": r.value,
        "message": r.message,
        "hint": r.hint,
        "shape": r.shape,
        "source": None if r.origin is None else
        {"file": r.origin.file, "line": r.origin.line, "column": r.origin.column},
    })
    return out


def masked(data: Any) -> Any:
    """``data`` (JSON-like) with every personal identity code in its strings, keys too, masked."""
    if isinstance(data, str):
        return hetu.redact(data)
    if isinstance(data, dict):
        return {masked(k): masked(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [masked(v) for v in data]
    return data


def render_json(report: Report, strict: bool = False) -> str:
    return json.dumps(to_json(report, strict), ensure_ascii=False, indent=2)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
