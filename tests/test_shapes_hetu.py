"""The SHACL-SPARQL identity-code rule agrees with ``kustavi_dcat.hetu`` (the loader's check) on any text.

The rule normalises and computes the mod-31 check character in SPARQL; the loader does it in Python.
Generated texts mix valid codes, codes with a wrong check character, codes in every documented spelling
(lower case, dashes, spaces, invisible characters, percent-escapes), code-shaped strings glued to other
characters, and ordinary words, so the two implementations are compared where they could differ.
"""

from __future__ import annotations

import re
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH, XSD
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query

from kustavi_dcat import characters, hetu
from kustavi_dcat.validation.fastvalidate import TARGET_TWINS, normalised_query
from kustavi_dcat.validation.validate import VALUE_SCAN, shapes_graph

RULE = URIRef("https://www.kustavi.fi/tietovarannot/s28/shapes#FI-NoPersonalIdentityCode")
P = URIRef("https://example.org/text")


@cache
def rule_query() -> Query:
    """The rule's SELECT as written in shapes/s28-profile.ttl, with ``$this`` left open (every subject)."""
    return prepareQuery(str(shapes_graph().value(RULE, SH.select)), initNs={"xsd": XSD})


def flagged(texts: list[str]) -> list[bool]:
    """For each text, whether the rule's query reports it (run once over a graph holding all of them)."""
    g = Graph()
    subjects = [URIRef(f"https://example.org/s{i}") for i in range(len(texts))]
    for s, text in zip(subjects, texts, strict=True):
        g.add((s, P, Literal(text)))
    hits = {row[0] for row in g.query(rule_query())}  # type: ignore[index]
    return [s in hits for s in subjects]


@st.composite
def code(draw: st.DrawFn) -> str:
    day = draw(st.integers(0, 39))
    month = draw(st.integers(0, 14))
    year = draw(st.integers(0, 99))
    sign = draw(st.sampled_from("+-YXWVUABCDEF"))
    individual = draw(st.integers(0, 999))
    birth, number = f"{day:02d}{month:02d}{year:02d}", f"{individual:03d}"
    right = hetu.check_character(birth, number)
    check = right if draw(st.booleans()) else draw(st.sampled_from(hetu.CHECK_CHARACTERS))
    return f"{birth}{sign}{number}{check}"


@st.composite
def spelt(draw: st.DrawFn) -> str:
    """A code (valid or not) in one of the documented spellings."""
    text = draw(code())
    if draw(st.booleans()):
        text = text.lower()
    if "-" in text:
        text = text.replace("-", draw(st.sampled_from(["-", "\u2010", "\u2011", "\u2212", "\uff0d", "%2D", "%2d"])))
    out = []
    for ch in text:
        if draw(st.integers(0, 9)) == 0:
            ch = f"%{ord(ch):02X}" if draw(st.booleans()) else f"%{ord(ch):02x}"
        out.append(ch + draw(st.sampled_from(["", "", "", " ", "\u200b", "\u00ad", "\t", "%20", "\u2800"])))
    return "".join(out)


fragments = st.one_of(
    code(),
    spelt(),
    st.sampled_from([" ", "\n", ", ", "-", "x", "7", "ä", "(", ") ", "asiakas ", "tunnus: "]),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäö0123456789 -+ABCDEFXY%/\u2011", max_size=12),
)
texts = st.lists(fragments, min_size=1, max_size=8).map("".join)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(texts, min_size=1, max_size=10))
def test_rule_agrees_with_the_loader_check(batch: list[str]) -> None:
    assert flagged(batch) == [hetu.contains(t) for t in batch]


def test_known_cases() -> None:
    cases = {
        "henkilötunnus 131052-308T": True,
        "131052-308U": False,  # wrong check character
        "x131052-308T": True,  # glued to a letter: still a code
        "131052-308X 131052-308T": True,
        "131052-308tx": True,  # lower case, glued
        "https://x.fi/asiakas131052%2D308T": True,  # percent-encoded dash in a URL path
        "131052 \u2011 308 T": True,  # non-breaking hyphen and spaces
        "131052308T": False,  # no century sign: not a code
        "131052-308T\nja 010101A123B": True,
        " ".join(["131052-308X"] * 30) + " 131052-308T": True,  # the valid one is the 31st code-shaped token
        "asianumero 2023/000123": False,
    }
    assert flagged(list(cases)) == list(cases.values())
    assert [hetu.contains(t) for t in cases] == list(cases.values())


def test_the_rule_uses_the_candidate_and_steps_of_hetu() -> None:
    """The shape's pattern and BINDs are the ones ``hetu`` writes: one statement of the detector, copied
    into the SPARQL text and checked here."""
    flat = lambda text: re.sub("[ \n]+", " ", text)  # noqa: E731
    candidate = hetu.sparql_string(hetu.CANDIDATE)
    rule = flat(str(shapes_graph().value(RULE, SH.select)))
    assert f"REGEX(STR(?value), {candidate})" in rule
    assert flat(hetu.sparql_canonical("?candidates", "?codes")) in rule
    target = str(shapes_graph().value(shapes_graph().value(VALUE_SCAN, SH.target), SH.select))
    assert f'REGEX(GROUP_CONCAT(STR(?o); separator="|"), {candidate})' in target
    assert normalised_query(target) in TARGET_TWINS  # the fast engine's Python twin is for this text


def test_every_ignored_character_is_invisible() -> None:
    ignored = re.compile(f"[{hetu.IGNORED}]")
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and ignored.fullmatch(chr(c))]
    assert len(chars) > 100
    assert all(characters.invisible(ch) or ch in characters.BLANK_LETTERS for ch in chars), [
        f"U+{ord(ch):04X}" for ch in chars if not characters.invisible(ch)]
