"""People's pages: the published front and section pages served as they are, a browser sent to the section
that shows an IRI (through the anchor map of a large catalogue), and no HTML without a published page."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kustavi_dcat.errors import OutputError
from kustavi_dcat.page import ANCHORS_FILE
from kustavi_dcat.pipeline import publish
from kustavi_dcat.web.app import create_app
from tests.conftest import SOURCE
from tests.pagehtml import parse
from tests.serving import Served, fetch, running
from tests.support.split import anchors_of, publish_split

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


# -- no page published: HTML is not offered --------------------------------------------------------

def test_without_a_published_page_html_is_not_offered(bare: Path) -> None:
    """The page is the one renderer of HTML: without it, ``/`` says so (naming the files from the public
    address, never from ``Host``), a browser gets the RDF its ``*/*`` accepts, and a client that takes
    only HTML gets 406 listing what there is."""
    with running(bare, public_url=PUBLIC) as srv:
        front = fetch(srv, "/", {"Host": "evil.example", "Accept": BROWSER})
        browser = fetch(srv, "/dataset/varhaiskasvatus", {"Accept": BROWSER})
        only_html = fetch(srv, "/dataset/varhaiskasvatus", {"Accept": "text/html"})
        catalogue = fetch(srv, "/catalog", {"Accept": "text/html"})
    assert front.status == 404 and front.media_type == "text/plain"
    assert f"{PUBLIC}catalog.ttl".encode() in front.body and b"evil.example" not in front.body
    assert b"kustavi-dcat publish" in front.body and b"<" not in front.body
    assert browser.status == 200 and browser.media_type == "text/turtle"
    assert only_html.status == 406 and catalogue.status == 406
    assert b"text/html" not in only_html.body and b"text/turtle" in only_html.body


# -- a large catalogue: section pages and the anchor map -----------------------------------------

@pytest.fixture(scope="module")
def split_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic catalogue published as a front page and section pages (threshold lowered)."""
    return publish_split(tmp_path_factory.mktemp("split"), 120)


@pytest.fixture(scope="module")
def split_served(split_out: Path) -> Iterator[Served]:
    with running(split_out, public_url=PUBLIC) as srv:
        yield srv



def test_every_section_page_is_served_as_published(split_out: Path, split_served: Served) -> None:
    names = sorted(p.name for p in split_out.iterdir() if p.name.startswith("section-"))
    assert len(names) > 3 and any(n.endswith(".sv.html") for n in names) and any(n.endswith(".en.html") for n in names)
    for name in names:
        reply = fetch(split_served, f"/{name}")
        assert reply.status == 200 and reply.media_type == "text/html", name
        assert reply.body == (split_out / name).read_bytes()
        assert "default-src 'none'" in (reply.header("Content-Security-Policy") or "")
    assert fetch(split_served, "/section-no-such-section.html").status == 404


@pytest.mark.parametrize(("language", "suffix"), [(None, ".html"), ("sv-FI,sv;q=0.9", ".sv.html"),
                                                  ("en-GB", ".en.html"), ("de", ".html")])
def test_a_browser_is_sent_to_the_section_page_that_shows_the_iri(split_out: Path, split_served: Served,
                                                                   language: str | None, suffix: str) -> None:
    """A resource's, a data set's and a section's IRI each land on their section's page, in the browser's
    language; the address is built from the public URL, whatever ``Host`` says."""
    anchors = anchors_of(split_out)
    resource = next(k for k in anchors if k.startswith("dataset/"))
    dataset = next(k for k in anchors if k.startswith("dataset/") and k != resource and anchors[k] != anchors[resource])
    section = next(k for k in anchors if k.startswith("catalog/"))
    headers = {"Accept": BROWSER, "Host": "evil.example", **({"Accept-Language": language} if language else {})}
    for path in (resource, dataset, section):
        reply = fetch(split_served, f"/{path}", headers)
        page = anchors[path].removesuffix(".html") + suffix
        assert reply.status == 303, path
        assert reply.header("Location") == f"{PUBLIC}{page}#{path}"
        assert path in parse((split_out / page).read_bytes()).ids(), f"{page} has no id {path}"
    front = fetch(split_served, "/catalog", headers)
    assert front.status == 303 and front.header("Location") == f"{PUBLIC}index{suffix}"


def test_without_the_anchor_map_an_iri_goes_to_the_front_page(split_out: Path, tmp_path: Path) -> None:
    out = tmp_path / "output"
    shutil.copytree(split_out, out)
    (out / ANCHORS_FILE).unlink()
    path = next(k for k in anchors_of(split_out) if k.startswith("dataset/"))
    with running(out) as srv:
        reply = fetch(srv, f"/{path}", {"Accept": "text/html"})
    assert reply.status == 303 and reply.header("Location") == f"https://tietovarannot.example/index.html#{path}"


def test_an_anchor_map_that_is_not_publishs_stops_the_start(split_out: Path, tmp_path: Path) -> None:
    out = tmp_path / "output"
    shutil.copytree(split_out, out)
    (out / ANCHORS_FILE).write_text('{"anchors": {"dataset/x": "../../etc/passwd"}}')
    with pytest.raises(OutputError, match="anchor map"):
        create_app(out)


def test_a_thousand_section_pages_are_held_open_under_a_low_descriptor_limit(bare: Path, tmp_path: Path) -> None:
    """A national catalogue has about 1,200 section pages, all held open: a server started with the common
    soft limit of 1,024 (here 256) raises it as far as the hard limit allows instead of failing."""
    import subprocess
    import sys

    out = tmp_path / "output"
    shutil.copytree(bare, out)
    for n in range(1000):
        (out / f"section-s{n}.html").write_text("<!DOCTYPE html>\n")
    code = ("import resource, sys; from pathlib import Path; from kustavi_dcat.web.files import Published\n"
            "soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)\n"
            "resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))\n"
            "published = Published.open(Path(sys.argv[1]))\n"
            "print(len(published.sections), resource.getrlimit(resource.RLIMIT_NOFILE)[0] > 1000)\n")
    done = subprocess.run([sys.executable, "-c", code, str(out)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1000", "True"]
