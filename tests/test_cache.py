"""The republish cache: a cached republish writes the bytes and gives the report of a cold publish.

Checked on a small synthetic national catalogue after editing one record, after editing catalog.yaml,
with a corrupted or foreign cache entry, with two sources sharing one cache folder, and with a broken
record; and the CLI keeps its cache in the user's cache folder unless told otherwise.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import kustavi_dcat
from kustavi_dcat import pipeline
from kustavi_dcat.cache import SECRET, RecordCache, default_dir, package_files
from kustavi_dcat.cli import main
from kustavi_dcat.errors import SourceError
from kustavi_dcat.records import catalogue
from kustavi_dcat.records.unit import Unit
from tests.support.synth import write_tree

SIZE = 60


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    folder = tmp_path / "source"
    write_tree(SIZE, folder)
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.startswith(".")}


def _resources(tree: Path) -> list[Path]:
    return sorted((tree / "resources").glob("*.yaml"))


def _cold(tree: Path, out: Path) -> pipeline.PublishReport:
    return pipeline.publish(tree, out)


def _cached(tree: Path, out: Path, cache: Path) -> tuple[pipeline.PublishReport, RecordCache]:
    """Publish with the cache, returning the cache object the run used (to see its hits)."""
    used: list[RecordCache] = []
    original = RecordCache.for_source

    def spy(cache_dir: Path, source_dir: Path) -> RecordCache:
        made = original(cache_dir, source_dir)
        used.append(made)
        return made

    mp = pytest.MonkeyPatch()
    mp.setattr(RecordCache, "for_source", staticmethod(spy))
    try:
        report = pipeline.publish(tree, out, cache_dir=cache)
    finally:
        mp.undo()
    return report, used[0]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_republish_after_one_edit_equals_a_cold_publish(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _, run1 = _cached(tree, tmp_path / "out", cache)
    files = _resources(tree)
    assert run1.hits == 0

    _edit(files[1], "tietovaranto 2", "tietovaranto kaksi")
    again, run2 = _cached(tree, tmp_path / "out", cache)
    cold = _cold(tree, tmp_path / "cold")
    assert run2.hits == len(files) - 1  # only the edited file was read and mapped again
    assert _files(tmp_path / "out") == _files(tmp_path / "cold")
    assert b"tietovaranto kaksi" in (tmp_path / "out" / "catalog.nt").read_bytes()
    assert again.validation == cold.validation
    assert again.counts == cold.counts


def _levels_made(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts how often the catalogue level is made (rather than found in the cache)."""
    made: list[int] = []
    original = catalogue.make_level

    def spy(source: object, all_units: list[Unit]) -> catalogue.Level:
        made.append(len(all_units))
        return original(source, all_units)  # type: ignore[arg-type]

    monkeypatch.setattr(catalogue, "make_level", spy)
    return made


def test_a_title_edit_reuses_the_catalogue_level(tree: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    made = _levels_made(monkeypatch)
    _cached(tree, tmp_path / "out", cache)
    _edit(_resources(tree)[2], "tietovaranto 3", "tietovaranto kolme")  # a title: no catalogue-level fact
    again, _ = _cached(tree, tmp_path / "out", cache)
    assert made == [len(_resources(tree))]  # made once, by the first publish
    cold = _cold(tree, tmp_path / "cold")
    assert _files(tmp_path / "out") == _files(tmp_path / "cold")
    assert again.validation == cold.validation


def test_a_changed_data_set_id_makes_the_catalogue_level_again(tree: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    made = _levels_made(monkeypatch)
    _cached(tree, tmp_path / "out", cache)
    path = _resources(tree)[2]
    text = path.read_text("utf-8")
    part = next(line.split("id: ", 1)[1] for line in text.split("\ndatasets:\n", 1)[1].splitlines()
                if line.startswith("  - id: "))
    _edit(path, f"id: {part}", f"id: {part}-uusi")  # the catalogues list another dataset IRI now
    _cached(tree, tmp_path / "out", cache)
    assert len(made) == 2
    _cold(tree, tmp_path / "cold")
    assert _files(tmp_path / "out") == _files(tmp_path / "cold")
    assert f"dataset/{part}-uusi".encode() in (tmp_path / "out" / "catalog.nt").read_bytes()


def test_an_edit_of_catalog_yaml_is_never_served_from_the_cache(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _cached(tree, tmp_path / "out", cache)
    catalog = tree / "catalog.yaml"
    text = catalog.read_text("utf-8")
    name = text.split("name:", 1)[1].split("fi:", 1)[1].split("\n", 1)[0].strip().strip('"')
    _edit(catalog, name, name + " uusi")  # the publisher's name is in every resource's triples
    _, run = _cached(tree, tmp_path / "out", cache)
    _cold(tree, tmp_path / "cold")
    assert run.hits == 0
    assert _files(tmp_path / "out") == _files(tmp_path / "cold")


def test_corrupt_or_foreign_entries_are_ignored(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _cached(tree, tmp_path / "out", cache)
    entries = sorted(p for p in cache.rglob("*") if p.is_file() and not p.name.startswith("catalogue-")
                     and p.name != SECRET)
    assert len(entries) == len(_resources(tree))
    assert len([p for p in cache.rglob("catalogue-*")]) == 1  # and the catalogue level
    entries[0].write_bytes(entries[0].read_bytes()[:50])  # truncated
    entries[1].write_bytes(b"not an entry")
    entries[2].write_bytes(entries[3].read_bytes())  # another file's entry under this file's key
    data = entries[4].read_bytes()
    entries[4].write_bytes(data + b"more")  # its blocks changed size
    _, run = _cached(tree, tmp_path / "again", cache)
    _cold(tree, tmp_path / "cold")
    assert run.hits == len(entries) - 4
    assert _files(tmp_path / "again") == _files(tmp_path / "cold")


def test_two_sources_sharing_a_cache_folder_get_their_own_output(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    write_tree(SIZE, one)
    write_tree(SIZE, two, seed=28)  # the same file names, other contents
    cache = tmp_path / "cache"
    _cached(one, tmp_path / "out1", cache)
    _cached(two, tmp_path / "out2", cache)
    shutil.rmtree(one)
    shutil.copytree(two, one)  # source one now holds two's files: keys by content, so no stale entry
    _, run = _cached(one, tmp_path / "out3", cache)
    assert _files(tmp_path / "out3") == _files(tmp_path / "out2")
    assert run.hits == 0


def test_a_broken_record_is_still_caught_and_named(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _cached(tree, tmp_path / "out", cache)
    broken = _resources(tree)[4]
    _edit(broken, "access_rights: ", "access_rights: MAYBE_")
    with pytest.raises(SourceError) as caught:
        pipeline.publish(tree, tmp_path / "out", cache_dir=cache)
    assert [p.file for p in caught.value.problems] == [str(broken)]
    assert [p.field for p in caught.value.problems] == ["access_rights"]


def test_publish_keeps_its_cache_in_the_users_cache_folder_or_where_told(
        tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """By default in ``$XDG_CACHE_HOME/kustavi-dcat/<output folder's hash>``, made 0700: never beside the
    output (which may sit in a shared folder); nothing at all with --no-cache."""
    monkeypatch.chdir(tmp_path)
    user = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(user))
    runner = CliRunner()
    done = runner.invoke(main, ["publish", "--source", str(tree), "--out", "site/output", "-q"])
    assert done.exit_code == 0, done.output
    folder = default_dir(Path("site/output"))
    assert folder.parent == user / "kustavi-dcat" and folder.is_dir()
    assert oct(folder.stat().st_mode & 0o777) == oct(0o700)
    assert oct((folder / SECRET).stat().st_mode & 0o777) == oct(0o600)
    assert len(list(folder.rglob("*.*"))) == 0  # entries are bare keys, no temp files
    assert len([p for p in folder.rglob("*") if p.is_file()]) == len(_resources(tree)) + 2  # level, secret
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == ["output"]
    done = runner.invoke(main, ["publish", "--source", str(tree), "--out", "o2", "-q", "--cache-dir", "c"])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "c").is_dir() and not default_dir(Path("o2")).exists()
    done = runner.invoke(main, ["publish", "--source", str(tree), "--out", "o3", "-q", "--no-cache"])
    assert done.exit_code == 0, done.output
    assert not default_dir(Path("o3")).exists()
    assert _files(tmp_path / "o3") == _files(tmp_path / "o2") == _files(tmp_path / "site" / "output")


def test_json_ld_written_in_a_second_process_has_the_same_bytes(tree: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """On the whole-graph path a large catalogue's JSON-LD is written by a second process."""
    from kustavi_dcat.rdf import serialise

    _cold(tree, tmp_path / "here")
    monkeypatch.setattr(serialise, "BACKGROUND_MIN_TRIPLES", 0)
    started: list[bool] = []
    original = serialise.Writers.__init__

    def spy(self: serialise.Writers, graph: object) -> None:
        original(self, graph)  # type: ignore[arg-type]
        started.append(self.pending is not None)

    monkeypatch.setattr(serialise.Writers, "__init__", spy)
    pipeline.publish_whole(tree, tmp_path / "forked", lambda stage: None, fast=True, jobs=1, reason="compared")
    assert started == [True]
    assert _files(tmp_path / "forked") == _files(tmp_path / "here")


def test_the_code_fingerprint_covers_every_module_template_and_data_file() -> None:
    """An entry made by other code must never be met: every file of the package that decides what a record
    becomes (modules in every subpackage, page templates, the stylesheet, shipped data) is hashed."""
    root = Path(kustavi_dcat.__file__).parent
    hashed = set(package_files(root))
    shipped = {p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert shipped - hashed == set()
    assert {p.parent.name for p in hashed} >= {"source", "validation", "rdf", "records", "mapping", "page",
                                                 "templates", "data"}
