"""The store beside the output: built once, reused while the files are unchanged, rebuilt when they change,
and never served damaged or half-built."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import BinaryIO

import pytest
from rdflib import Graph, Literal, URIRef

from kustavi_dcat.errors import OutputError
from kustavi_dcat.namespaces import DCT
from kustavi_dcat.pipeline import publish
from kustavi_dcat.publish import write_atomically
from kustavi_dcat.rdf.serialise import serialise_all
from kustavi_dcat.web.app import create_app
from kustavi_dcat.web.settings import Settings
from kustavi_dcat.web.store import READY, default_store_root
from tests.conftest import SOURCE

NEW_TITLE = "Uusi otsikko"


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("store") / "output"
    publish(SOURCE, out)
    return out


@pytest.fixture
def out(original: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "output"
    shutil.copytree(original, copy)
    return copy


def stores(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir())


def titles(app_dir: Path, warnings: list[str] | None = None) -> set[str]:
    app = create_app(app_dir, warn=(warnings.append if warnings is not None else None))
    try:
        return {str(row["t"].value) for row in app.opened.store.query(
            f"SELECT ?t WHERE {{ <{app.catalogue.top.value}> <{DCT.title}> ?t }}")}
    finally:
        app.close()


def test_built_beside_the_output_then_reused(out: Path) -> None:
    root = default_store_root(out)
    assert root == out.parent / ".output.store"
    app = create_app(out)
    first, triples = app.opened.path, app.opened.triples
    app.close()
    assert stores(root) == [first] and (first / READY).read_text().strip() == str(triples)
    assert not app.opened.temporary and triples == len(Graph().parse(out / "catalog.nt", format="nt"))
    stamp = os.stat(first / READY).st_mtime_ns
    again = create_app(out)
    again.close()
    assert again.opened.path == first and os.stat(first / READY).st_mtime_ns == stamp


def test_rebuilt_in_a_new_folder_when_the_files_change(out: Path) -> None:
    before = create_app(out)
    old = before.opened.path
    top = before.catalogue.top.value
    before.close()
    graph = Graph().parse(out / "catalog.nt", format="nt")
    graph.set((URIRef(top), DCT.title, Literal(NEW_TITLE, lang="fi")))
    write_atomically(out, serialise_all(graph))
    assert NEW_TITLE in titles(out)
    assert old not in stores(default_store_root(out)) and len(stores(default_store_root(out))) == 1


def test_an_unwritable_store_folder_gives_a_temporary_store_and_a_warning(out: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store folder should be")
    warnings: list[str] = []
    app = create_app(out, Settings(store_root=blocker / "store"), warn=warnings.append)
    try:
        assert app.opened.temporary and not app.opened.path.is_relative_to(tmp_path)
        assert app.catalogue.paging.items
    finally:
        app.close()
    assert len(warnings) == 1 and "cannot write the store folder" in warnings[0]


@pytest.mark.parametrize("damage", ["count", "files"])
def test_a_damaged_store_is_not_served(out: Path, damage: str) -> None:
    app = create_app(out)
    folder = app.opened.path
    app.close()
    if damage == "count":
        (folder / READY).write_text("12\n")
    else:
        for child in folder.iterdir():
            if child.name != READY:
                shutil.rmtree(child) if child.is_dir() else child.unlink()
    warnings: list[str] = []
    assert titles(out, warnings)  # answered from a whole, temporary store
    assert len(warnings) == 1 and "damaged" in warnings[0]


def test_an_abandoned_build_is_never_opened(out: Path) -> None:
    """A build that stopped half-way has no READY and lives under another name: a new one is made."""
    root = default_store_root(out)
    root.mkdir()
    (root / ".building-crashed").mkdir()
    app = create_app(out)
    app.close()
    assert app.opened.path.name != ".building-crashed" and (app.opened.path / READY).is_file()


def test_files_that_are_not_n_triples_are_refused(out: Path) -> None:
    (out / "catalog.nt").write_text("this is not N-Triples\n")
    with pytest.raises(OutputError, match="not N-Triples") as caught:
        create_app(out)
    assert caught.value.exit_code == 4


def test_settings_from_the_environment() -> None:
    from kustavi_dcat.errors import KustaviError

    out, settings = Settings.from_env({"KUSTAVI_DCAT_DIR": "/srv/out", "KUSTAVI_DCAT_PAGE_SIZE": "7",
                                       "KUSTAVI_DCAT_QUERY_TIMEOUT": "2.5", "KUSTAVI_DCAT_STORE": "/srv/store"})
    assert out == Path("/srv/out") and settings.page_size == 7 and settings.query_timeout == 2.5
    assert settings.store_root == Path("/srv/store") and settings.public_url is None
    assert Settings.from_env({}) == (Path("output"), Settings())
    with pytest.raises(KustaviError, match="not a number"):
        Settings.from_env({"KUSTAVI_DCAT_PAGE_SIZE": "many"})
    with pytest.raises(KustaviError, match="public-url"):
        Settings.from_env({"KUSTAVI_DCAT_PUBLIC_URL": "ftp://x.example/"})


def _big_file(path: Path, lines: list[str]) -> Path:
    """An N-Triples file large enough to be loaded in parts (over a mebibyte)."""
    filler = [f'<http://example.org/s{i}> <http://purl.org/dc/terms/title> "Otsikko {i} {"x" * 40}"@fi .\n'
              for i in range(20_000)]
    path.write_text("".join(filler[:10_000] + lines + filler[10_000:]), encoding="utf-8")
    assert path.stat().st_size > 1024 * 1024
    return path


def _stored(path: Path, root: Path) -> set[tuple[str, ...]]:
    from kustavi_dcat.web.store import digest_of, open_store

    with open(path, "rb") as handle:
        digest = digest_of(lambda size, offset: os.pread(handle.fileno(), size, offset))
    def source() -> BinaryIO:
        return path.open("rb")

    opened = open_store(source, digest, root, lambda message: None)
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in opened.store}


def test_a_large_file_loaded_in_parts_holds_exactly_its_triples(tmp_path: Path) -> None:
    import pyoxigraph as ox

    nt = _big_file(tmp_path / "catalog.nt", ['<http://example.org/a> <http://example.org/p> "É ja \\u00e5"@sv .\n'])
    parsed = ox.parse(path=nt, format=ox.RdfFormat.N_TRIPLES)
    expected = {(str(q.subject), str(q.predicate), str(q.object)) for q in parsed}
    assert _stored(nt, tmp_path / "store") == expected and len(expected) == 20_001


def test_a_blank_node_in_two_parts_stays_one_node(tmp_path: Path) -> None:
    """Blank node labels mean one node within one load; a file that has them is loaded whole."""
    nt = _big_file(tmp_path / "catalog.nt", ["<http://example.org/a> <http://example.org/p> _:b1 .\n"])
    with nt.open("a", encoding="utf-8") as handle:
        handle.write('_:b1 <http://example.org/q> "loppu" .\n')
    triples = _stored(nt, tmp_path / "store")
    linked = {o for s, p, o in triples if p == "<http://example.org/p>"}
    described = {s for s, p, o in triples if p == "<http://example.org/q>"}
    assert len(linked) == 1 and linked == described


def test_a_syntax_error_late_in_a_large_file_names_its_real_line(tmp_path: Path) -> None:
    nt = _big_file(tmp_path / "catalog.nt", [])
    with nt.open("a", encoding="utf-8") as handle:
        handle.write("<http://example.org/a> <http://example.org/p> <not an iri> .\n")
    with pytest.raises(SyntaxError, match="line 20001 "):
        _stored(nt, tmp_path / "store")
