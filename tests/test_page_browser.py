"""The published pages in a real browser: Debian's Chromium driven by Selenium, with axe-core (the copy
shipped inside the axe-playwright-python package) checking WCAG 2.1 A and AA.

Needs the apt packages chromium and chromium-driver; without them these tests skip, except under CI
(CI=true), where a missing browser is a failure. No network: pages load from file://, axe-core is read
from the installed package, and Chromium is started with its background services off.
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
