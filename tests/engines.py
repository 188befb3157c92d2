"""Both validation engines on one graph: the compiled checks must give pyshacl's report, result for result.

The compiled engine (``fastvalidate``) is the default of ``publish`` and ``validate``; pyshacl is the
reference. Every negative case of the shape tests goes through ``validate_both``, so a drift between the
two fails the case that shows it.
"""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import Graph, URIRef

from kustavi_dcat.models import Origin
from kustavi_dcat.validation.fastvalidate import validate_fast
from kustavi_dcat.validation.validate import Report, validate_graph


def validate_both(graph: Graph, origins: Mapping[URIRef, Origin] | None = None) -> Report:
    """pyshacl's report for ``graph``, after asserting the compiled engine gives exactly the same one."""
    reference = validate_graph(graph, origins)
    compiled = validate_fast(graph, origins, jobs=1)
    missing = sorted(set(reference.results) - set(compiled.results))
    extra = sorted(set(compiled.results) - set(reference.results))
    assert not missing and not extra, f"compiled engine drifts: missing {missing}, extra {extra}"
    assert compiled.results == reference.results  # same order, same duplicates
    return reference
