"""Golden files: the committed ``output/`` is exactly what publishing ``source/`` writes now.

On a difference the failure shows the triples that were added and removed, not a wall of bytes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, to_isomorphic

from kustavi_dcat import vocabulary
from kustavi_dcat.pipeline import publish
from kustavi_dcat.rdf.serialise import FORMATS
from tests.conftest import OUTPUT, SOURCE


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fresh")
    publish(SOURCE, out)
    return out


def _graph_diff(expected: bytes, actual: bytes, fmt: str) -> str:
    old = to_isomorphic(Graph().parse(data=expected, format=fmt))
    new = to_isomorphic(Graph().parse(data=actual, format=fmt))
    _, only_old, only_new = graph_diff(old, new)
    lines = [f"- {' '.join(t.n3() for t in triple)}" for triple in sorted(only_old)]
    lines += [f"+ {' '.join(t.n3() for t in triple)}" for triple in sorted(only_new)]
    return "\n".join(lines[:60]) or "(same triples; only the bytes differ)"


@pytest.mark.parametrize("name", sorted(vocabulary.files()))
def test_committed_vocabulary_equals_fresh_publish(fresh: Path, name: str) -> None:
    """The s28 vocabulary (Turtle and page) published beside the catalogue is the committed one."""
    assert (OUTPUT / name).read_bytes() == (fresh / name).read_bytes(), f"output/{name} is stale"


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_committed_output_equals_fresh_publish(fresh: Path, name: str) -> None:
    expected = (OUTPUT / name).read_bytes()
    actual = (fresh / name).read_bytes()
    if expected != actual:
        pytest.fail(f"output/{name} is stale; run `kustavi-dcat publish` and commit.\n"
                    + _graph_diff(expected, actual, FORMATS[name]))
