"""People's pages: the published index pages served as they are, and a browser sent to a resource's section."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kustavi_dcat.pipeline import publish
from tests.conftest import SOURCE
from tests.serving import Served, fetch, running

PAGES = {"index.html": "fi", "index.sv.html": "sv", "index.en.html": "en"}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PUBLIC = "https://data.example/kustavi/"


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pages") / "output"
    publish(SOURCE, out)
    for name in PAGES:
        (out / name).unlink(missing_ok=True)
    return out


def with_pages(bare: Path, tmp: Path, names: tuple[str, ...]) -> Path:
    out = tmp / "output"
    shutil.copytree(bare, out)
    for name in names:
        (out / name).write_text(f'<!DOCTYPE html><html lang="{PAGES[name]}"><title>{name}</title></html>\n')
    return out


@pytest.fixture(scope="module")
def all_pages(bare: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    out = with_pages(bare, tmp_path_factory.mktemp("all"), tuple(PAGES))
    with running(out, public_url=PUBLIC) as srv:
        yield srv


@pytest.mark.parametrize(("path", "name"), [("/", "index.html"), ("/index.html", "index.html"),
                                            ("/index.sv.html", "index.sv.html"), ("/kustavi/index.en.html", None),
                                            ("/tietovarannot/index.en.html", "index.en.html")])
def test_published_pages_are_served_as_they_are(all_pages: Served, path: str, name: str | None) -> None:
    reply = fetch(all_pages, path)
    if name is None:
        assert reply.status == 404
        return
    assert reply.status == 200 and reply.header("Content-Type") == "text/html; charset=utf-8"
    assert f"<title>{name}</title>".encode() in reply.body
    assert reply.header("ETag") and "default-src 'none'" in (reply.header("Content-Security-Policy") or "")


@pytest.mark.parametrize(("language", "page"), [(None, "index.html"), ("sv", "index.sv.html"),
                                                ("sv-FI,sv;q=0.9,en;q=0.5", "index.sv.html"),
                                                ("en-GB,en;q=0.9", "index.en.html"), ("de", "index.html"),
                                                ("de, en;q=0.3, fi;q=0.5", "index.html")])
def test_a_browser_is_sent_to_the_resources_section_in_its_language(all_pages: Served, language: str | None,
                                                                    page: str) -> None:
    headers = {"Accept": BROWSER, **({"Accept-Language": language} if language else {})}
    reply = fetch(all_pages, "/tietovarannot/dataset/varhaiskasvatus-hakemukset", headers)
    assert reply.status == 303
    assert reply.header("Location") == f"{PUBLIC}{page}#dataset/varhaiskasvatus-hakemukset"
    assert "Accept-Language" in (reply.header("Vary") or "")


def test_only_published_languages_are_offered(bare: Path, tmp_path: Path) -> None:
    out = with_pages(bare, tmp_path, ("index.html", "index.en.html"))
    with running(out) as srv:
        sv = fetch(srv, "/dataset/varhaiskasvatus", {"Accept": "text/html", "Accept-Language": "sv"})
        en = fetch(srv, "/dataset/varhaiskasvatus", {"Accept": "text/html", "Accept-Language": "en"})
        missing = fetch(srv, "/index.sv.html")
    assert (sv.header("Location") or "").endswith("/tietovarannot/index.html#dataset/varhaiskasvatus")
    assert (en.header("Location") or "").endswith("/tietovarannot/index.en.html#dataset/varhaiskasvatus")
    assert missing.status == 404


def test_the_wsgi_entry_point_reads_its_settings_from_the_environment(bare: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """What gunicorn does with ``kustavi_dcat.web.wsgi:app``: import the module, call ``app``."""
    import importlib
    import sys

    from werkzeug.test import Client

    monkeypatch.setenv("KUSTAVI_DCAT_DIR", str(bare))
    monkeypatch.setenv("KUSTAVI_DCAT_PUBLIC_URL", PUBLIC)
    monkeypatch.setenv("KUSTAVI_DCAT_PAGE_SIZE", "4")
    monkeypatch.setenv("KUSTAVI_DCAT_STORE", str(tmp_path / "store"))
    monkeypatch.delitem(sys.modules, "kustavi_dcat.web.wsgi", raising=False)
    module = importlib.import_module("kustavi_dcat.web.wsgi")
    try:
        client = Client(module.app)
        page = client.get("/catalog?page=2", headers={"Host": "evil.example"})
        assert page.status_code == 200 and f"<{PUBLIC}catalog?page=3>".encode() in page.data
        assert page.headers["Access-Control-Allow-Origin"] == "*"
        assert client.get("/catalog.nt").data == (bare / "catalog.nt").read_bytes()
        assert (tmp_path / "store").is_dir()
    finally:
        module.app.close()
        del sys.modules["kustavi_dcat.web.wsgi"]


@pytest.mark.parametrize(("path", "accept", "name"), [
    ("/tietovarannot/s28", None, "s28.ttl"), ("/tietovarannot/s28", BROWSER, "s28.html"),
    ("/tietovarannot/s28", "text/turtle", "s28.ttl"), ("/s28.html", None, "s28.html"), ("/s28.ttl", BROWSER, "s28.ttl"),
])
def test_the_vocabulary_namespace_resolves(bare: Path, all_pages: Served, path: str, accept: str | None,
                                            name: str) -> None:
    """A term ``<base>s28#x`` is looked up at ``<base>s28``: Turtle for a program, the page for a person."""
    reply = fetch(all_pages, path, {"Accept": accept} if accept else {})
    assert reply.status == 200 and reply.body == (bare / name).read_bytes()
    assert reply.header("Content-Location") == PUBLIC + name
    assert reply.media_type == ("text/html" if name.endswith(".html") else "text/turtle")
    if path.endswith("/s28"):
        assert "Accept" in (reply.header("Vary") or "")
    assert fetch(all_pages, path, {"Accept": "image/png"}).status == (406 if path.endswith("/s28") else 200)
