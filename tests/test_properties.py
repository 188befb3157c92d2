"""Properties over generated sources: determinism and the four-format round trip."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic

from kustavi_dcat.mapping import build
from kustavi_dcat.models import DataSet, LangList, LangText, Resource, Source
from kustavi_dcat.rdf.serialise import FORMATS, serialise_all
from tests import factories as f

# Text a steward might type: letters of any script, digits, punctuation, spaces, quotes, '<' and '&'.
words = st.text(
    alphabet=st.characters(categories=("L", "N", "P", "Zs", "S"), exclude_characters="\x85\u2028\u2029"),
    min_size=1, max_size=40,
).map(str.strip).filter(bool)
idents = st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,5}){0,2}", fullmatch=True)


@st.composite
def lang_texts(draw: st.DrawFn) -> LangText:
    values = {"fi": draw(words)}
    for lang in draw(st.sets(st.sampled_from(["sv", "en"]))):
        values[lang] = draw(words)
    return LangText.of(**values)


@st.composite
def sources(draw: st.DrawFn) -> Source:
    ids = draw(st.lists(idents, min_size=1, max_size=12, unique=True))
    n_res = draw(st.integers(1, max(1, len(ids) // 3)))
    res_ids, ds_ids = ids[:n_res], ids[n_res:]
    resources = []
    for i, rid in enumerate(res_ids):
        mine = ds_ids[i::n_res]
        datasets = tuple(
            DataSet(d, draw(lang_texts()), draw(lang_texts()), f.ORIGIN,
                    keywords=LangList.of(fi=draw(st.lists(words, max_size=3))))
            for d in mine)
        resources.append(f.resource(
            rid, datasets=datasets, title=draw(lang_texts()), description=draw(lang_texts()),
            themes=tuple(draw(st.sets(st.sampled_from(["SOCI", "EDUC", "HEAL"]), min_size=1))),
            keywords=LangList.of(fi=draw(st.lists(words, max_size=3)), en=draw(st.lists(words, max_size=2)))))
    return f.source(tuple(resources))


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sources())
def test_same_source_gives_byte_identical_files(source: Source) -> None:
    first = serialise_all(build(source).graph)
    second = serialise_all(build(source).graph)
    assert first == second


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sources())
def test_every_format_parses_back_to_the_same_graph(source: Source) -> None:
    graph = build(source).graph
    for name, data in serialise_all(graph).items():
        parsed = Graph().parse(data=data, format=FORMATS[name])
        assert isomorphic(parsed, graph), name


@settings(max_examples=15, deadline=None)
@given(sources(), st.randoms(use_true_random=False))
def test_record_order_within_a_resource_does_not_change_the_graph(source: Source, rnd: object) -> None:
    shuffled = []
    for res in source.resources:
        parts = list(res.datasets)
        rnd.shuffle(parts)  # type: ignore[attr-defined]
        shuffled.append(Resource(**{**res.__dict__, "datasets": tuple(parts)}))
    other = Source(**{**source.__dict__, "resources": tuple(shuffled)})
    assert serialise_all(build(source).graph) == serialise_all(build(other).graph)
