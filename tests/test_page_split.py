"""A large catalogue's pages: a front page that links every information resource to its section's page,
each section page carrying its resources under the same ids and with its own schema.org markup, the
anchor map a server reads, the same bytes on both publishing paths, and one section re-rendered after an
edit. Checked on a small synthetic national catalogue with the threshold lowered."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kustavi_dcat.page import ANCHORS_FILE, PAGE_FILES, records, split
from kustavi_dcat.pipeline import publish
from tests.pagehtml import parse
from tests.support.synth import write_tree

BASE_IRI_PREFIXES = ("dataset/", "system/", "catalog/", "cross-reference/")


@pytest.fixture()
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(split, "SINGLE_PAGE_MAX_RESOURCES", 20)
    folder = tmp_path / "source"
    resources = write_tree(400, folder, per_organisation=12)
    assert resources > 20
    return folder


def _pages(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())
            if p.suffix in (".html", ".json") and not p.name.startswith((".", "s28"))}


@pytest.mark.slow
def test_the_front_page_links_every_resource_to_the_page_that_describes_it(tree: Path, tmp_path: Path) -> None:
    publish(tree, tmp_path / "out")
    pages = _pages(tmp_path / "out")
    sections = sorted(n for n in pages if n.startswith("section-") and n.count(".") == 1)
    assert len(sections) > 1
    for lang, front in PAGE_FILES.items():
        parsed = parse(pages[front])
        assert parsed.all("html")[0].attrs["lang"] == lang
        links = [e.attrs["href"] for e in parsed.all("a") if "#dataset/" in e.attrs.get("href", "")]
        assert links
        for link in links:
            page, anchor = link.split("#")
            assert page.endswith(PAGE_FILES[lang][len("index"):]) and page.startswith("section-")
            assert anchor in parse(pages[page]).ids(), f"{front}: {link} lands nowhere"
    resources = sum(1 for f in (tree / "resources").iterdir())
    assert len([e for e in parse(pages["index.html"]).all("a") if "#dataset/" in e.attrs["href"]]) == resources


def test_each_dataset_is_on_exactly_one_section_page_and_the_anchor_map_says_which(tree: Path,
                                                                                   tmp_path: Path) -> None:
    publish(tree, tmp_path / "out")
    pages = _pages(tmp_path / "out")
    where: dict[str, str] = {}
    for name, data in pages.items():
        if not (name.startswith("section-") and name.count(".") == 1):
            continue
        ids = parse(data).ids()
        assert len(ids) == len(set(ids)), f"{name}: an id twice"
        for ident in ids:
            if ident.startswith(BASE_IRI_PREFIXES) and not ident.endswith("-title"):
                assert ident not in where, f"{ident} on {where.get(ident)} and {name}"
                where[ident] = name
    anchors = json.loads(pages[ANCHORS_FILE])["anchors"]
    assert anchors == where
    datasets = {p.stem for p in (tree / "resources").iterdir()}
    assert len([a for a in anchors if a.startswith("dataset/")]) > len(datasets)


def test_a_section_page_has_its_language_switch_and_its_own_json_ld(tree: Path, tmp_path: Path) -> None:
    publish(tree, tmp_path / "out")
    pages = _pages(tmp_path / "out")
    name = next(n for n in pages if n.startswith("section-") and n.count(".") == 1)
    variants = split.section_files(name[len("section-"):-len(".html")])
    for lang, file in variants.items():
        parsed = parse(pages[file])
        assert parsed.all("html")[0].attrs["lang"] == lang
        alternates = {(e.attrs["hreflang"], e.attrs["href"]) for e in parsed.all("link") if "hreflang" in e.attrs}
        assert alternates == set(variants.items())
        h1 = next(i for i, e in enumerate(parsed.elements) if e.tag == "h1")
        assert parsed.elements[h1 + 1].tag == "a" and parsed.elements[h1 + 1].attrs["href"] == PAGE_FILES[lang]
        marked = parsed.jsonld()
        on_page = {i for i in parsed.ids() if re.fullmatch(r"dataset/[a-z0-9-]+", i) and not i.endswith("-title")}
        iris = {d["@id"] for d in marked["dataset"]}
        assert {i.rsplit("/dataset/", 1)[1] for i in iris} == {i[len("dataset/"):] for i in on_page}


@pytest.mark.slow
def test_both_publishing_paths_write_the_same_pages(tree: Path, tmp_path: Path) -> None:
    publish(tree, tmp_path / "records")
    publish(tree, tmp_path / "whole", fast=False)
    records, whole = _pages(tmp_path / "records"), _pages(tmp_path / "whole")
    assert sorted(records) == sorted(whole)
    assert records == whole


@pytest.mark.slow
def test_a_republish_after_one_edit_renders_its_section_only_and_equals_a_cold_publish(
        tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    publish(tree, tmp_path / "first", cache_dir=cache)
    before = {p.name for p in cache.rglob("page-*")}
    edited = sorted((tree / "resources").iterdir())[5]
    text = edited.read_text("utf-8")
    edited.write_text(text.replace('title:\n  fi: "', 'title:\n  fi: "Muokattu ', 1), "utf-8")
    assert edited.read_text("utf-8") != text
    publish(tree, tmp_path / "again", cache_dir=cache)
    after = {p.name for p in cache.rglob("page-*")}
    assert len(after - before) == len(PAGE_FILES)  # one section, in each language
    publish(tree, tmp_path / "cold", cache_dir=tmp_path / "empty")
    again, cold = _pages(tmp_path / "again"), _pages(tmp_path / "cold")
    assert again == cold
    assert "Muokattu" in again["index.html"].decode("utf-8")


@pytest.mark.slow
def test_pages_rendered_on_every_core_are_those_rendered_as_written(tree: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(records, "PARALLEL_MIN_FILES", 1)
    cache = tmp_path / "cache"
    publish(tree, tmp_path / "pool", jobs=2, cache_dir=cache)
    assert len(list(cache.rglob("page-*"))) > len(PAGE_FILES)
    publish(tree, tmp_path / "one", jobs=1, cache_dir=tmp_path / "other")
    assert _pages(tmp_path / "pool") == _pages(tmp_path / "one")


@pytest.mark.slow
def test_pages_a_publish_no_longer_writes_are_removed(tree: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    publish(tree, out)
    assert (out / ANCHORS_FILE).exists()
    monkeypatch.setattr(split, "SINGLE_PAGE_MAX_RESOURCES", 10_000)  # the catalogue now fits on one page
    publish(tree, out)
    assert not [p.name for p in out.iterdir() if p.name.startswith("section-") or p.name == ANCHORS_FILE]
    assert b'id="dataset/' in (out / "index.html").read_bytes()
