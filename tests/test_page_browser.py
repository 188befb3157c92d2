"""The published pages in a real browser: Debian's Chromium driven by Selenium, with axe-core (the copy
shipped inside the axe-playwright-python package) checking WCAG 2.1 A and AA.

Needs the apt packages chromium and chromium-driver; without them these tests skip, except under CI
(CI=true), where a missing browser is a failure. No network: pages load from file:// and from a real
``kustavi-dcat serve`` (the WSGI application in waitress) on a free loopback port, axe-core is read from
the installed package, and Chromium is started with its background services off. Through the server the
pages come with its headers (its Content-Security-Policy included), a large catalogue's section pages
are checked too, and a data set's IRI typed into the browser is followed to its section.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kustavi_dcat.page import PAGE_FILES
from kustavi_dcat.pipeline import publish
from tests.conftest import SOURCE
from tests.serving import Served, running
from tests.support.split import anchors_of, publish_split

pytestmark = pytest.mark.slow

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (1280, 640, 320)
"""Desktop, a 1280 px window at 200 % zoom, and the narrowest phone (WCAG 2.1 reflow: 320 CSS px)."""


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: CI must run the browser tests (.ci/run installs chromium and chromium-driver)")
    pytest.skip(reason)


def _axe_source() -> str:
    spec = importlib.util.find_spec("axe_playwright_python")  # found, not imported: Playwright is not used
    if spec is None or not spec.submodule_search_locations:
        _unavailable("axe-core is absent (pip install -e '.[test]' installs axe-playwright-python)")
    assert spec is not None and spec.submodule_search_locations
    return (Path(spec.submodule_search_locations[0]) / "axe.min.js").read_text("utf-8")


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    chromedriver = shutil.which("chromedriver")
    if chromium is None or chromedriver is None:
        _unavailable("chromium and chromedriver are not installed (apt-get install chromium chromium-driver)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("selenium is absent (pip install -e '.[test]')")
        raise
    options = webdriver.ChromeOptions()
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.binary_location = chromium  # type: ignore[assignment]
    browser = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    browser.set_script_timeout(60)
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("published")
    publish(SOURCE, out)
    return out


@pytest.fixture(scope="module")
def served(published: Path) -> Iterator[Served]:
    """``serve`` over Kustavi's pages, its links pointing at itself (``--public-url`` its own address)."""
    with running(published, local_links=True) as srv:
        yield srv


@pytest.fixture(scope="module")
def split_published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic catalogue published as a front page and a page per section (threshold lowered)."""
    return publish_split(tmp_path_factory.mktemp("split"), 60)


@pytest.fixture(scope="module")
def split_served(split_published: Path) -> Iterator[Served]:
    with running(split_published, local_links=True) as srv:
        yield srv



def _first_section(out: Path) -> str:
    return sorted(set(anchors_of(out).values()))[0]


def _served_url(request: pytest.FixtureRequest, where: str) -> str:
    """``kustavi:<page>`` on the Kustavi server, ``split:<page>`` (``split:section`` its first section's
    page, ``split:section.sv`` in Swedish) on the large catalogue's."""
    server, name = where.split(":")
    if server == "kustavi":
        srv: Served = request.getfixturevalue("served")
        return srv.local + name
    out: Path = request.getfixturevalue("split_published")
    srv = request.getfixturevalue("split_served")
    if name.startswith("section"):
        name = _first_section(out).removesuffix(".html") + name.removeprefix("section") + ".html"
    return srv.local + name


SERVED = [*(f"kustavi:{name}" for name in sorted(PAGE_FILES.values())), "split:index.html", "split:section",
          "split:section.sv", "split:section.en"]
"""The pages checked as ``serve`` sends them: Kustavi's, and a large catalogue's front and section pages."""


def _viewport(driver: Any, width: int) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False})


def _axe(driver: Any) -> dict[str, Any]:
    driver.execute_script(_axe_source())
    result: dict[str, Any] = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done({violations: r.violations.map(v => ({id: v.id, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))})), passes: r.passes.length}),"
        " e => done({error: String(e)}));", WCAG_TAGS)
    assert "error" not in result, result
    return result


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("name", sorted(PAGE_FILES.values()))
def test_axe_core_finds_no_wcag_2_1_a_or_aa_violation(driver: Any, published: Path, name: str) -> None:
    _viewport(driver, 1280)
    driver.get((published / name).as_uri())
    result = _axe(driver)
    assert result["violations"] == []
    assert result["passes"] >= 10  # axe really ran its rules on the page


@pytest.mark.parametrize("name", sorted(PAGE_FILES.values()))
def test_no_horizontal_scrolling_down_to_320_px(driver: Any, published: Path, name: str, tmp_path: Path) -> None:
    for width in WIDTHS:
        _viewport(driver, width)
        driver.get((published / name).as_uri())
        scroll, client = driver.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll <= client, f"{name} at {width} px scrolls sideways ({scroll} > {client})"
        if width in (1280, 320):
            shot = tmp_path / f"{name}-{width}.png"
            assert driver.save_screenshot(str(shot))
            assert _png_size(shot)[0] == width


@pytest.mark.parametrize("where", SERVED)
def test_axe_core_finds_no_violation_in_the_pages_serve_sends(driver: Any, request: pytest.FixtureRequest,
                                                               where: str) -> None:
    url = _served_url(request, where)
    _viewport(driver, 1280)
    driver.get(url)
    assert driver.current_url == url and driver.execute_script("return document.contentType") == "text/html"
    result = _axe(driver)
    assert result["violations"] == []
    assert result["passes"] >= 10


@pytest.mark.parametrize("where", SERVED)
def test_no_horizontal_scrolling_at_320_px_in_the_pages_serve_sends(driver: Any, request: pytest.FixtureRequest,
                                                                     where: str, tmp_path: Path) -> None:
    url = _served_url(request, where)
    for width in WIDTHS:
        _viewport(driver, width)
        driver.get(url)
        scroll, client = driver.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll <= client, f"{where} at {width} px scrolls sideways ({scroll} > {client})"
    shot = tmp_path / "320.png"
    assert driver.save_screenshot(str(shot)) and _png_size(shot)[0] == 320


def test_a_data_set_iri_in_the_browser_lands_on_its_section_page(driver: Any, split_published: Path,
                                                                  split_served: Served) -> None:
    """The browser asks ``serve`` for a data set's IRI, follows the 303 to its section's page (in a language
    the server publishes) and scrolls the data set into view."""
    anchors = anchors_of(split_published)
    resource = next(k for k in anchors if k.startswith("dataset/"))
    dataset = next(k for k in anchors if k.startswith("dataset/") and k.startswith(resource + "-"))
    _viewport(driver, 1280)
    driver.get(split_served.local + dataset)
    page, _, fragment = driver.current_url.partition("#")
    section = anchors[dataset].removesuffix(".html")
    assert fragment == dataset
    assert page in {split_served.local + section + suffix for suffix in (".html", ".sv.html", ".en.html")}, page
    top, tag = driver.execute_script(
        "const e = document.getElementById(arguments[0]); return [e.getBoundingClientRect().top, e.tagName];",
        dataset)
    assert tag == "LI" and 0 <= top < 50, "the browser scrolled the data set to the top of the window"


def test_an_iri_fragment_lands_on_its_section(driver: Any, published: Path) -> None:
    _viewport(driver, 1280)
    driver.get((published / "index.html").as_uri() + "#dataset/varhaiskasvatus-hakemukset")
    top, text = driver.execute_script(
        "const e = document.getElementById('dataset/varhaiskasvatus-hakemukset');"
        "return [e.getBoundingClientRect().top, e.textContent];")
    assert text == "Hakemukset"
    assert 0 <= top < 50, "the browser scrolled the data set to the top of the window"


def test_the_page_works_without_javascript(driver: Any, published: Path) -> None:
    driver.get((published / "index.html").as_uri())
    scripts = driver.execute_script(
        "return Array.from(document.scripts).map(s => s.type)")
    assert scripts == ["application/ld+json"]
    external = driver.execute_script(
        "return Array.from(document.querySelectorAll('link[rel=stylesheet], img, iframe, [src]')).length")
    assert external == 0
